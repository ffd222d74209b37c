/*
 * mp_client.c - libcurl easy handle per thread.
 *
 * The handle is reset to a known state by setting every option each call
 * needs; curl_easy_reset() is not used because it would drop the
 * connection cache that keep-alive depends on.  The access token is
 * copied out of the secrets for the call only and wiped afterwards.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "form.h"
#include "metrics.h"
#include "json_strict.h"
#include "utf8.h"
#include "mp_client.h"

#define MAX_REPLY (2 * 1024 * 1024)
/* Search results wrap payments that echo the context's metadata. */
#define MP_MAX_DEPTH 32
#define TOKEN_MAX 512

struct mp_client {
	CURL		*curl;
	const struct bg_config *cfg;
	struct bg_secrets *secrets;
	char		*buf;
	size_t		 len, cap;
	int		 overflow;
	long		 retry_after_ms;
	char		 errbuf[CURL_ERROR_SIZE];
	struct bg_metrics *metrics;	/* calls counted, or NULL */
};

struct mp_client *
mp_client_new(const struct bg_config *cfg, struct bg_secrets *secrets)
{
	struct mp_client *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	if ((c->curl = curl_easy_init()) == NULL) {
		free(c);
		return NULL;
	}
	c->cfg = cfg;
	c->secrets = secrets;
	return c;
}

void
mp_client_set_metrics(struct mp_client *c, struct bg_metrics *m)
{
	if (c != NULL)
		c->metrics = m;
}

void
mp_client_free(struct mp_client *c)
{
	if (c == NULL)
		return;
	curl_easy_cleanup(c->curl);
	free(c->buf);
	free(c);
}

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	struct mp_client *c = arg;
	size_t len = size * n, cap;
	char *nb;

	if (c->len + len + 1 > MAX_REPLY) {
		c->overflow = 1;
		return 0;	/* aborts the transfer */
	}
	if (c->len + len + 1 > c->cap) {
		cap = c->cap ? c->cap : 8192;
		while (cap < c->len + len + 1)
			cap *= 2;
		if ((nb = realloc(c->buf, cap)) == NULL)
			return 0;
		c->buf = nb;
		c->cap = cap;
	}
	memcpy(c->buf + c->len, p, len);
	c->len += len;
	c->buf[c->len] = '\0';
	return len;
}

/* Retry-After in seconds (the HTTP-date form is not used by the API). */
static size_t
on_header(char *p, size_t size, size_t n, void *arg)
{
	struct mp_client *c = arg;
	size_t len = size * n;
	long v;

	if (len > 12 && strncasecmp(p, "Retry-After:", 12) == 0) {
		v = strtol(p + 12, NULL, 10);
		if (v >= 0 && v < 3600)
			c->retry_after_ms = v * 1000;
	}
	return len;
}

static struct curl_slist *
headers(struct mp_client *c, const char *idem_key, const char *device_id,
    int has_body)
{
	char token[TOKEN_MAX], line[TOKEN_MAX + 32];
	struct curl_slist *h = NULL, *t;

	if (secrets_token(c->secrets, token, sizeof(token)) == -1)
		token[0] = '\0';
	snprintf(line, sizeof(line), "Authorization: Bearer %s", token);
	h = curl_slist_append(h, line);
	explicit_bzero(token, sizeof(token));
	explicit_bzero(line, sizeof(line));
	if (h == NULL)
		return NULL;
	if (has_body && (t = curl_slist_append(h,
	    "Content-Type: application/json")) != NULL)
		h = t;
	if ((t = curl_slist_append(h, "Accept: application/json")) != NULL)
		h = t;
	/* No "Expect: 100-continue" round trip on bodies over 1 KB. */
	if ((t = curl_slist_append(h, "Expect:")) != NULL)
		h = t;
	if (idem_key != NULL) {
		snprintf(line, sizeof(line), "X-Idempotency-Key: %s",
		    idem_key);
		if ((t = curl_slist_append(h, line)) != NULL)
			h = t;
	}
	if (device_id != NULL) {
		snprintf(line, sizeof(line), "X-Meli-Session-Id: %s",
		    device_id);
		if ((t = curl_slist_append(h, line)) != NULL)
			h = t;
	}
	return h;
}

/* Frees a header list after wiping the token it carries. */
static void
headers_free(struct curl_slist *h)
{
	struct curl_slist *p;

	for (p = h; p != NULL; p = p->next)
		explicit_bzero(p->data, strlen(p->data));
	curl_slist_free_all(h);
}

static void
set_options(struct mp_client *c, const char *method, const char *url,
    const char *body, struct curl_slist *h, long timeout_ms)
{
	CURL *k = c->curl;

	curl_easy_setopt(k, CURLOPT_URL, url);
#if LIBCURL_VERSION_NUM >= 0x075500
	/*
	 * A second guard only: config_finish already limits api_base to http
	 * and https, and redirects are not followed.  A libcurl older than
	 * 7.85 at run time (a shared host's) refuses the option, harmlessly.
	 */
	curl_easy_setopt(k, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
	curl_easy_setopt(k, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(k, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(k, CURLOPT_CONNECTTIMEOUT_MS,
	    c->cfg->connect_timeout_ms < timeout_ms ?
	    c->cfg->connect_timeout_ms : timeout_ms);
	curl_easy_setopt(k, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(k, CURLOPT_USERAGENT, "brickgate/" PACKAGE_VERSION);
	curl_easy_setopt(k, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(k, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(k, CURLOPT_WRITEDATA, c);
	curl_easy_setopt(k, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(k, CURLOPT_HEADERDATA, c);
	curl_easy_setopt(k, CURLOPT_ERRORBUFFER, c->errbuf);
	if (c->cfg->ca_file != NULL)
		curl_easy_setopt(k, CURLOPT_CAINFO, c->cfg->ca_file);
	if (strcmp(method, "GET") == 0) {
		curl_easy_setopt(k, CURLOPT_CUSTOMREQUEST, NULL);
		curl_easy_setopt(k, CURLOPT_HTTPGET, 1L);
	} else {
		curl_easy_setopt(k, CURLOPT_POSTFIELDS, body ? body : "");
		curl_easy_setopt(k, CURLOPT_POSTFIELDSIZE,
		    (long)(body ? strlen(body) : 0));
		curl_easy_setopt(k, CURLOPT_CUSTOMREQUEST,
		    strcmp(method, "POST") == 0 ? NULL : method);
	}
}

static long
elapsed_ms(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 +
	    (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

int
mp_call(struct mp_client *c, const char *method, const char *path,
    const char *body, const char *idem_key, const char *device_id,
    long timeout_ms, struct mp_reply *out)
{
	struct curl_slist *h;
	struct timespec t0;
	CURLcode rc;
	char url[1024];

	memset(out, 0, sizeof(*out));
	out->retry_after_ms = -1;
	c->len = 0;
	c->overflow = 0;
	c->retry_after_ms = -1;
	c->errbuf[0] = '\0';
	if (timeout_ms < 1)
		timeout_ms = 1;
	snprintf(url, sizeof(url), "%s%s", c->cfg->api_base, path);
	if ((h = headers(c, idem_key, device_id, body != NULL)) == NULL) {
		snprintf(out->why, sizeof(out->why), "out of memory");
		return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	set_options(c, method, url, body, h, timeout_ms);
	rc = curl_easy_perform(c->curl);
	curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, NULL);
	headers_free(h);
	out->ms = elapsed_ms(&t0);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE,
		    &out->status);
	metrics_mp_call(c->metrics, out->status,
	    rc == CURLE_OPERATION_TIMEDOUT, out->ms);
	if (rc != CURLE_OK) {
		snprintf(out->why, sizeof(out->why), "%.100s", c->overflow ?
		    "answer too large" : c->errbuf[0] ? c->errbuf :
		    curl_easy_strerror(rc));
		return -1;
	}
	out->retry_after_ms = c->retry_after_ms;
	out->json = mp_reply_parse(c->buf, c->len);
	return 0;
}

json_object *
mp_reply_parse(const char *buf, size_t len)
{
	struct bg_error e;
	json_object *o = NULL;

	if (len == 0 ||
	    json_strict_parse(buf, len, MP_MAX_DEPTH, &o, &e) == -1)
		return NULL;
	return o;
}

void
mp_reply_clear(struct mp_reply *r)
{
	json_object_put(r->json);
	r->json = NULL;
}

static const char *
cause_code(json_object *cause, char *buf, size_t size)
{
	json_object *c = form_get(cause, "code");

	if (json_object_is_type(c, json_type_int))
		snprintf(buf, size, "%lld", (long long)json_object_get_int64(c));
	else if (json_object_is_type(c, json_type_string)) {
		snprintf(buf, size, "%s", json_object_get_string(c));
		utf8_cut(buf);	/* it reaches the browser */
	} else
		buf[0] = '\0';
	return buf;
}

/* Mercado Pago's causes as {code (text), description}. */
json_object *
mp_causes(json_object *reply)
{
	json_object *in = form_get(reply, "cause"), *out, *c, *o, *d;
	char code[32];
	size_t i, n;

	out = json_object_new_array();
	n = json_object_is_type(in, json_type_array) ?
	    json_object_array_length(in) : 0;
	for (i = 0; i < n && i < 10; i++) {
		c = json_object_array_get_idx(in, i);
		o = json_object_new_object();
		json_object_object_add(o, "code", json_object_new_string(
		    cause_code(c, code, sizeof(code))));
		if ((d = form_get(c, "description")) != NULL)
			json_object_object_add(o, "description",
			    json_object_get(d));
		json_object_array_add(out, o);
	}
	return out;
}

int
mp_has_cause(json_object *reply, const char *want)
{
	json_object *in = form_get(reply, "cause");
	char code[32];
	size_t i, n;

	n = json_object_is_type(in, json_type_array) ?
	    json_object_array_length(in) : 0;
	for (i = 0; i < n; i++)
		if (strcmp(cause_code(json_object_array_get_idx(in, i), code,
		    sizeof(code)), want) == 0)
			return 1;
	return 0;
}
