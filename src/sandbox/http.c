/*
 * http.c - libmicrohttpd glue: body collection, routing, bearer auth,
 * fault injection, the request log and one log line per request.
 *
 * Thread per connection: a latency or create_then_delay fault sleeps in
 * its own connection's thread and holds up nobody else.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <microhttpd.h>

#include "json_strict.h"
#include "sandbox/call.h"
#include "sandbox/http.h"
#include "sandbox/util.h"

#define CONNECTION_TIMEOUT_S	60
#define CONNECTION_LIMIT	256

/* Per-request state, from the first call of the handler to completion. */
struct req_ctx {
	char	*body;
	size_t	 len, cap;
	int	 too_big;
};

struct route {
	const char *method;
	const char *prefix;	/* the whole path when suffix is NULL */
	const char *suffix;	/* after the {id}, or NULL: no id */
	int	 api;		/* 1: needs auth, logged, faults apply */
	int	 body;		/* 1: JSON body required, or BODY_OPTIONAL */
	route_fn fn;
};

/* A JSON body parsed when one is sent; without one c->json stays NULL. */
#define BODY_OPTIONAL	2

static const struct route routes[] = {
	{ "POST", "/v1/card_tokens", NULL, 1, 1, api_card_token },
	{ "POST", "/v1/payments", NULL, 1, 1, api_payment_create },
	{ "GET", "/v1/payments/search", NULL, 1, 0, api_payment_search },
	{ "GET", "/v1/payments/", "", 1, 0, api_payment_get },
	{ "PUT", "/v1/payments/", "", 1, 1, api_payment_put },
	{ "POST", "/v1/payments/", "/refunds", 1, BODY_OPTIONAL,
	    api_refund_create },
	{ "GET", "/v1/payments/", "/refunds", 1, 0, api_refund_list },
	{ "GET", "/v1/payments/", "/refunds/*", 1, 0, api_refund_get },
	{ "POST", "/checkout/preferences", NULL, 1, 1,
	    api_preference_create },
	{ "GET", "/checkout/preferences/", "", 1, 0, api_preference_get },
	{ "POST", "/__sandbox/payments/", "/status", 0, 1,
	    ctl_payment_status },
	{ "POST", "/__sandbox/preferences/", "/pay", 0, BODY_OPTIONAL,
	    ctl_preference_pay },
	{ "POST", "/__sandbox/faults", NULL, 0, 1, ctl_faults_add },
	{ "GET", "/__sandbox/faults", NULL, 0, 0, ctl_faults_get },
	{ "DELETE", "/__sandbox/faults", NULL, 0, 0, ctl_faults_clear },
	{ "GET", "/__sandbox/requests", NULL, 0, 0, ctl_requests_get },
	{ "DELETE", "/__sandbox/requests", NULL, 0, 0, ctl_requests_clear },
	{ "GET", "/__sandbox/stats", NULL, 0, 0, ctl_stats },
	{ "GET", "/__sandbox/webhooks", NULL, 0, 0, ctl_webhooks },
};

void
call_json(struct call *c, int status, json_object *o)
{
	c->status = status;
	free(c->resp);
	c->resp = sb_jdump(o);
	json_object_put(o);
}

void
call_error(struct call *c, const struct mp_error *e)
{
	c->status = e->status;
	free(c->resp);
	c->resp = mp_error_json(e);
}

const char *
call_arg(struct call *c, const char *name)
{
	const char *v = MHD_lookup_connection_value(c->conn,
	    MHD_GET_ARGUMENT_KIND, name);

	return (v != NULL && *v != '\0') ? v : NULL;
}

/*
 * Matches path against r; an {id} is one non-empty segment without '/'.
 * Writes the id into idbuf.  Returns 1 on a match.  A suffix ending in
 * '*' ends in a second {id} (a refund's), which the handler reads from
 * the path's last segment.
 */
static int
route_match(const struct route *r, const char *path, char *idbuf,
    size_t size)
{
	size_t np = strlen(r->prefix), ns, n, len;
	const char *tail;

	if (r->suffix == NULL)
		return strcmp(path, r->prefix) == 0;
	if (strncmp(path, r->prefix, np) != 0)
		return 0;
	path += np;
	ns = strlen(r->suffix);
	len = strlen(path);
	if (ns > 0 && r->suffix[ns - 1] == '*') {
		tail = strrchr(path, '/');
		if (tail == NULL || tail[1] == '\0')
			return 0;
		len = (size_t)(tail + 1 - path);
		ns--;
	}
	if (len <= ns || strncmp(path + len - ns, r->suffix, ns) != 0)
		return 0;
	n = len - ns;
	if (n >= size || memchr(path, '/', n) != NULL)
		return 0;
	memcpy(idbuf, path, n);
	idbuf[n] = '\0';
	return 1;
}

static const struct route *
route_find(const char *method, const char *path, char *idbuf, size_t size,
    int *path_known)
{
	size_t i;

	char trimmed[256];
	size_t len = strlen(path);

	/*
	 * The real API takes a collection path with or without its trailing
	 * slash; the official Node SDK posts to /checkout/preferences/.
	 */
	if (len > 1 && len < sizeof(trimmed) && path[len - 1] == '/') {
		memcpy(trimmed, path, len - 1);
		trimmed[len - 1] = '\0';
		path = trimmed;
	}
	*path_known = 0;
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		if (!route_match(&routes[i], path, idbuf, size))
			continue;
		*path_known = 1;
		if (strcmp(routes[i].method, method) == 0)
			return &routes[i];
	}
	return NULL;
}

static int
is_api_path(const char *path)
{
	return strncmp(path, "/__sandbox/", 11) != 0;
}

/*
 * Without a configured token, any "TEST-" token passes (brickgate-sandbox(1));
 * otherwise only that token.  The answer is cause 5 either way.
 */
static const char *
bearer(struct sb_store *st, struct MHD_Connection *conn, struct mp_error *e)
{
	const char *h = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_AUTHORIZATION);
	const char *tok;

	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0 || h[7] == '\0') {
		mp_fail(e, 401, 5, "Must provide your access_token to proceed");
		return NULL;
	}
	tok = h + 7;
	if (st->cfg->access_token != NULL ?
	    strcmp(tok, st->cfg->access_token) != 0 :
	    strncmp(tok, "TEST-", 5) != 0) {
		mp_fail(e, 401, 5, "invalid access token");
		return NULL;
	}
	return tok;
}

static void
sleep_ms(int ms)
{
	struct timespec ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static enum MHD_Result
send_answer(struct MHD_Connection *conn, int status, char *body,
    int retry_after)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	char uuid[SB_UUID_LEN + 1], ra[16];

	if (body == NULL) {
		body = strdup("{\"message\":\"internal_error\",\"error\":null,"
		    "\"status\":500,\"cause\":[]}");
		status = 500;
		if (body == NULL)
			return MHD_NO;
	}
	resp = MHD_create_response_from_buffer(strlen(body), body,
	    MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "application/json; charset=utf-8");
	sb_uuid(uuid);
	MHD_add_response_header(resp, "x-request-id", uuid);
	if (retry_after > 0) {
		snprintf(ra, sizeof(ra), "%d", retry_after);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, ra);
	}
	ret = MHD_queue_response(conn, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* The query string as received, for the request log; malloc'ed. */
static enum MHD_Result
query_piece(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	char **q = cls, *n;
	size_t old = *q ? strlen(*q) : 0;
	size_t add = strlen(key) + (value ? strlen(value) + 1 : 0) + 2;

	(void)kind;
	if ((n = realloc(*q, old + add)) == NULL)
		return MHD_NO;
	snprintf(n + old, add, "%s%s%s%s", old ? "&" : "", key,
	    value ? "=" : "", value ? value : "");
	*q = n;
	return MHD_YES;
}

static char *
query_of(struct MHD_Connection *conn)
{
	char *q = NULL;

	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, query_piece,
	    &q);
	return q;
}

static void
log_line(const char *method, const char *path, int status,
    const char *fault)
{
	fprintf(stderr, "brickgate-sandbox: %s %s %d%s%s\n", method, path,
	    status, fault ? " fault=" : "", fault ? fault : "");
}

static const char *fault_names[] = {
	[FAULT_LATENCY] = "latency",
	[FAULT_STATUS] = "status",
	[FAULT_DROP] = "drop",
	[FAULT_CREATE_THEN_DELAY] = "create_then_delay",
	[FAULT_KEY_USED] = "key_used",
};

/* Logs the answered call; in carries its headers and query. */
static void
record(struct sb_store *st, struct call *c, struct sb_reqinfo *in,
    const char *fault)
{
	in->method = c->method;
	in->path = c->path;
	in->body = c->len ? c->body : NULL;
	in->status = c->status;
	in->fault = fault;
	store_lock(st);
	store_log(st, in);
	store_unlock(st);
	log_line(c->method, c->path, c->status, fault);
}

/* Runs a route on a complete request; fills c->status and c->resp. */
static void
dispatch(struct call *c, const struct route *r, int path_known)
{
	struct mp_error e;
	struct bg_error be;

	if (r == NULL) {
		if (path_known)
			mp_fail(&e, 405, 0, "method not allowed");
		else
			mp_fail(&e, 404, 0, "resource %s not found", c->path);
		call_error(c, &e);
		return;
	}
	if (r->api && (c->token = bearer(c->st, c->conn, &e)) == NULL) {
		call_error(c, &e);
		return;
	}
	if (r->body == 1 || (r->body == BODY_OPTIONAL && c->len > 0)) {
		bg_error_clear(&be);
		if (json_strict_parse(c->body ? c->body : "", c->len,
		    JSON_MAX_DEPTH, &c->json, &be) != 0) {
			mp_fail(&e, 400, 1, "Params error: %s", be.message);
			call_error(c, &e);
			return;
		}
	}
	r->fn(c);
	if (c->resp == NULL && c->status == 0) {
		mp_fail(&e, 500, 0, "internal_error");
		call_error(c, &e);
	}
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct sb_store *st = cls;
	struct req_ctx *ctx = *con_cls;
	const struct route *r;
	struct sb_fault f;
	struct call c;
	struct mp_error e;
	struct sb_reqinfo in;
	char idbuf[128], *query, *np;
	const char *fault = NULL;
	int faulted = 0, path_known, retry_after = 0;
	enum MHD_Result ret;

	(void)version;
	if (ctx == NULL) {
		if ((ctx = calloc(1, sizeof(*ctx))) == NULL)
			return MHD_NO;
		*con_cls = ctx;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		/* Past the limit, keep reading but keep nothing: 413 later. */
		if (ctx->too_big || ctx->len + *upload_size > SB_MAX_BODY)
			ctx->too_big = 1;
		else {
			if (ctx->len + *upload_size + 1 > ctx->cap) {
				ctx->cap = ctx->len + *upload_size + 1;
				if ((np = realloc(ctx->body, ctx->cap)) ==
				    NULL)
					return MHD_NO;
				ctx->body = np;
			}
			memcpy(ctx->body + ctx->len, upload, *upload_size);
			ctx->len += *upload_size;
			ctx->body[ctx->len] = '\0';
		}
		*upload_size = 0;
		return MHD_YES;
	}

	memset(&c, 0, sizeof(c));
	c.st = st;
	c.conn = conn;
	c.method = method;
	c.path = url;
	c.body = ctx->body;
	c.len = ctx->len;
	r = route_find(method, url, idbuf, sizeof(idbuf), &path_known);
	c.id = r && r->suffix ? idbuf : NULL;

	if (ctx->too_big) {
		mp_fail(&e, 413, 0, "request body larger than %d bytes",
		    SB_MAX_BODY);
		call_error(&c, &e);
		log_line(method, url, c.status, NULL);
		return send_answer(conn, c.status, c.resp, 0);
	}
	if (!is_api_path(url)) {
		dispatch(&c, r, path_known);
		json_object_put(c.json);
		log_line(method, url, c.status, NULL);
		return send_answer(conn, c.status, c.resp, 0);
	}

	memset(&in, 0, sizeof(in));
	in.key = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    "X-Idempotency-Key");
	/* The device id: logged, never checked (brickgate-sandbox(1)). */
	in.device = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    "X-Meli-Session-Id");
	in.query = query = query_of(conn);
	store_lock(st);
	faulted = store_fault_take(st, method, url, &f);
	store_unlock(st);
	if (faulted) {
		fault = fault_names[f.mode];
		if (f.mode == FAULT_LATENCY)
			sleep_ms(f.ms);
	}
	if (faulted && f.mode == FAULT_DROP) {
		c.status = 0;
		record(st, &c, &in, fault);
		free(query);
		return MHD_NO;	/* libmicrohttpd closes the connection */
	}
	if (faulted && f.mode == FAULT_STATUS) {
		mp_fail(&e, f.http_status, 0, "%s", f.http_status >= 500 ?
		    "internal_error" : f.http_status == 429 ?
		    "too many requests" : "sandbox fault");
		call_error(&c, &e);
		if (f.http_status == 429)
			retry_after = f.retry_after;
	} else if (faulted && f.mode == FAULT_KEY_USED) {
		/* The one answer Mercado Pago documents for a reused key. */
		mp_fail(&e, 422, 422001, "Idempotency key already used.");
		call_error(&c, &e);
	} else
		dispatch(&c, r, path_known);
	record(st, &c, &in, fault);
	free(query);
	json_object_put(c.json);
	if (faulted && f.mode == FAULT_CREATE_THEN_DELAY)
		sleep_ms(f.ms);
	ret = send_answer(conn, c.status, c.resp, retry_after);
	return ret;
}

static void
completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct req_ctx *ctx = *con_cls;

	(void)cls;
	(void)conn;
	(void)toe;
	if (ctx != NULL) {
		free(ctx->body);
		free(ctx);
		*con_cls = NULL;
	}
}

struct MHD_Daemon *
http_start(struct sb_store *st, const struct sockaddr *sa, int ipv6,
    unsigned *port)
{
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG;

	if (ipv6)
		flags |= MHD_USE_IPv6;
	d = MHD_start_daemon(flags, 0, NULL, NULL, handle, st,
	    MHD_OPTION_SOCK_ADDR, sa,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONNECTION_TIMEOUT_S,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONNECTION_LIMIT,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
	    MHD_OPTION_END);
	if (d == NULL)
		return NULL;
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	*port = info ? info->port : 0;
	return d;
}

void
http_stop(struct MHD_Daemon *d)
{
	MHD_stop_daemon(d);
}
