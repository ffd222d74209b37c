/*
 * sandbox.c - brickgate-sandbox's request bodies, through what its
 * HTTP layer does with them (http.c's dispatch: the strict JSON gate,
 * then the route's handler) on a fresh in-memory store: card tokens,
 * payments (create, cancel or capture), preferences, and the control
 * endpoints that move a payment, pay a preference or arm a fault.
 *
 * Input: a first line naming the route, optionally followed by a site
 * ("POST /v1/payments MCO"; without a known route line the whole input
 * is a POST /v1/payments body on MLB), then the body.  In the body,
 * @APRO@, @OTHE@, @CONT@ and @3DSC@ become card tokens made for those
 * cardholders; in the route, @PREF@ becomes a preference made first;
 * payments 91000000001 (in process), 91000000002 (authorized) and
 * 91000000003 (approved, 100) exist for the routes that take a payment
 * id; refunds are asked of that one whatever the id.  Checked: every answer has a
 * status and a body in Mercado Pago's shape that reads back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "json_strict.h"
#include "sandbox/call.h"
#include "sandbox/payment.h"
#include "sandbox/refund.h"
#include "sandbox/util.h"

#define TOKEN		"TEST-4242424242424242-112233-0123456789abcdef-99"
#define DEPTH		32
#define MAX_BODY	65536

int	 LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum body_rule { BODY_REQUIRED, BODY_OPTIONAL };

static void	 refund_route(struct call *);

static const struct route {
	const char	*method;
	const char	*prefix, *suffix;	/* suffix NULL: no id */
	enum body_rule	 body;
	route_fn	 fn;			/* NULL: payment_create */
} routes[] = {
	{ "POST", "/v1/payments", NULL, BODY_REQUIRED, NULL },
	{ "POST", "/v1/card_tokens", NULL, BODY_REQUIRED, api_card_token },
	{ "PUT", "/v1/payments/", "", BODY_REQUIRED, api_payment_put },
	{ "POST", "/v1/payments/", "/refunds", BODY_OPTIONAL, refund_route },
	{ "POST", "/checkout/preferences", NULL, BODY_REQUIRED,
	    api_preference_create },
	{ "POST", "/__sandbox/payments/", "/status", BODY_REQUIRED,
	    ctl_payment_status },
	{ "POST", "/__sandbox/preferences/", "/pay", BODY_OPTIONAL,
	    ctl_preference_pay },
	{ "POST", "/__sandbox/faults", NULL, BODY_REQUIRED, ctl_faults_add },
};

static const char *const holders[] = { "APRO", "OTHE", "CONT", "3DSC" };

/* A test card and a document per site (none in Mexico). */
static const struct {
	const char *site, *number, *id;
} cards[] = {
	{ "MLB", "5031433215406351", "{\"type\":\"CPF\",\"number\":"
	    "\"12345678909\"}" },
	{ "MLA", "4509953566233704", "{\"type\":\"DNI\",\"number\":"
	    "\"12345678\"}" },
	{ "MLM", "4075595716483764", NULL },
	{ "MCO", "4013540682746260", "{\"type\":\"CC\",\"number\":"
	    "\"123456789\"}" },
	{ "MLC", "4168818844447115", "{\"type\":\"RUT\",\"number\":"
	    "\"12.345.678-5\"}" },
	{ "MLU", "4509953566233704", "{\"type\":\"CI\",\"number\":"
	    "\"12345672\"}" },
	{ "MPE", "4009175332806176", "{\"type\":\"DNI\",\"number\":"
	    "\"12345678\"}" },
};

static json_object *
parse(const char *text)
{
	struct bg_error e;
	json_object *o = NULL;

	bg_error_clear(&e);
	if (json_strict_parse(text, strlen(text), DEPTH, &o, &e) != 0)
		fprintf(stderr, "%s: %s\n", e.message, text);
	FUZZ_ASSERT(e.status == 0);
	return o;
}

/* A card token for holder on the store's site; its id into id[33]. */
static void
token(struct sb_store *st, const char *holder, char *id)
{
	struct mp_error e;
	json_object *req, *out = NULL;
	char text[512];
	size_t i;

	for (i = 0; strcmp(cards[i].site, st->cfg->site->id) != 0; i++)
		;
	snprintf(text, sizeof(text), "{\"card_number\":\"%s\","
	    "\"expiration_month\":11,\"expiration_year\":2030,"
	    "\"security_code\":\"123\",\"cardholder\":{\"name\":\"%s\"%s%s}}",
	    cards[i].number, holder, cards[i].id ? ",\"identification\":" :
	    "", cards[i].id ? cards[i].id : "");
	req = parse(text);
	store_lock(st);
	FUZZ_ASSERT(card_token_create(st, req, &out, &e) == 0);
	store_unlock(st);
	snprintf(id, 33, "%s", sb_jstr(out, "id"));
	json_object_put(out);
	json_object_put(req);
}

/* A card payment of the store's site; capture false: authorized. */
static void
payment(struct sb_store *st, const char *holder, int capture)
{
	struct sb_payment *p;
	struct mp_error e;
	json_object *req;
	char text[512], id[33];

	token(st, holder, id);
	snprintf(text, sizeof(text), "{\"transaction_amount\":100,"
	    "\"token\":\"%s\",\"installments\":1,\"payment_method_id\":\"%s\","
	    "\"capture\":%s,\"payer\":{\"email\":\"test_user_1@testuser.com\""
	    "}}", id, strcmp(st->cfg->site->id, "MLB") == 0 ? "master" :
	    "visa", capture ? "true" : "false");
	req = parse(text);
	store_lock(st);
	FUZZ_ASSERT(payment_create(st, req, &p, &e) == 0);
	store_unlock(st);
	json_object_put(req);
}

/* A preference of the store's site; its id (the store's) or NULL. */
static const char *
preference(struct sb_store *st)
{
	struct call c;

	memset(&c, 0, sizeof(c));
	c.st = st;
	c.method = "POST";
	c.path = "/checkout/preferences";
	c.token = TOKEN;
	c.json = parse("{\"items\":[{\"title\":\"Mug\",\"quantity\":2,"
	    "\"unit_price\":75}],\"external_reference\":\"order-1\","
	    "\"purpose\":\"onboarding_credits\"}");
	api_preference_create(&c);
	json_object_put(c.json);
	free(c.resp);
	FUZZ_ASSERT(st->nprefs == 1);
	return sb_jstr(st->prefs[0], "id");
}

/* Replaces every @NAME@ of the body by a token made for NAME. */
static char *
with_tokens(struct sb_store *st, const char *body, size_t *len)
{
	char mark[8], id[33], *out, *at;
	size_t i, n;

	FUZZ_ASSERT((out = malloc(*len + 1)) != NULL);
	memcpy(out, body, *len);
	out[*len] = '\0';
	for (i = 0; i < sizeof(holders) / sizeof(holders[0]); i++) {
		snprintf(mark, sizeof(mark), "@%s@", holders[i]);
		if (memmem(out, *len, mark, 6) == NULL)
			continue;
		token(st, holders[i], id);
		/* A token id (32) is longer than its mark (6). */
		while ((at = memmem(out, *len, mark, 6)) != NULL) {
			n = (size_t)(at - out);
			FUZZ_ASSERT((out = realloc(out, *len + 27)) != NULL);
			memmove(out + n + 32, out + n + 6, *len - n - 6 + 1);
			memcpy(out + n, id, 32);
			*len += 26;
		}
	}
	return out;
}

/* The route of a first line "METHOD PATH [SITE]"; fills path and site. */
static const struct route *
route_of(const char *line, size_t n, char *path, size_t psize, char *site,
    const char **id)
{
	const struct route *r;
	const char *sp, *end = line + n;
	size_t i, plen, sl;

	*id = NULL;
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		r = &routes[i];
		sl = strlen(r->method);
		if (n <= sl || memcmp(line, r->method, sl) != 0 ||
		    line[sl] != ' ')
			continue;
		sp = memchr(line + sl + 1, ' ', (size_t)(end - line - sl - 1));
		plen = (size_t)((sp ? sp : end) - (line + sl + 1));
		if (plen >= psize)
			continue;
		memcpy(path, line + sl + 1, plen);
		path[plen] = '\0';
		if (strncmp(path, r->prefix, strlen(r->prefix)) != 0)
			continue;
		if (r->suffix == NULL ? strcmp(path, r->prefix) != 0 :
		    plen - strlen(r->prefix) <= strlen(r->suffix) ||
		    strcmp(path + plen - strlen(r->suffix), r->suffix) != 0)
			continue;
		if (r->suffix != NULL) {
			/* The id: what lies between prefix and suffix. */
			path[plen - strlen(r->suffix)] = '\0';
			*id = path + strlen(r->prefix);
			if (strchr(*id, '/') != NULL)
				continue;
		}
		if (sp != NULL && end - sp == 4)
			memcpy(site, sp + 1, 3);
		return r;
	}
	return NULL;
}

/*
 * api_refund_create() past its idempotency header, twice: a partial or
 * a full refund, then another (what is left, or nothing).
 */
static void
refund_route(struct call *c)
{
	struct sb_payment *p;
	struct mp_error e;
	json_object *out = NULL, *again = NULL;

	store_lock(c->st);
	p = store_payment_find(c->st, 91000000003LL);
	FUZZ_ASSERT(p != NULL);
	if (refund_make(c->st, p, c->json, &out, &e) == 0) {
		c->status = 201;
		c->resp = sb_jdump(out);
		json_object_put(out);
		if (refund_make(c->st, p, c->json, &again, &e) == 0)
			json_object_put(again);
		fuzz_reads_back(p->obj, DEPTH);
	} else
		call_error(c, &e);
	store_unlock(c->st);
}

/* One request on st; the answer must be complete and read back. */
static void
run(struct sb_store *st, const struct route *r, const char *path,
    const char *id, const char *body, size_t len)
{
	struct sb_payment *p;
	struct mp_error me;
	struct bg_error be;
	struct call c;

	memset(&c, 0, sizeof(c));
	c.st = st;
	c.method = r->method;
	c.path = path;
	c.id = id;
	c.token = TOKEN;
	c.body = body;
	c.len = len;
	bg_error_clear(&be);
	if ((r->body == BODY_REQUIRED || len > 0) && json_strict_parse(body,
	    len, JSON_MAX_DEPTH, &c.json, &be) != 0) {
		mp_fail(&me, 400, 1, "Params error: %s", be.message);
		call_error(&c, &me);
	} else if (r->fn != NULL)
		r->fn(&c);
	else {
		/* api_payment_create() past its idempotency header. */
		store_lock(st);
		if (payment_create(st, c.json, &p, &me) == 0) {
			c.status = 201;
			c.resp = sb_jdump(p->obj);
		} else
			call_error(&c, &me);
		store_unlock(st);
	}
	FUZZ_ASSERT(c.status >= 200 && c.status <= 599 && c.resp != NULL);
	fuzz_text_reads_back(c.resp, strlen(c.resp), DEPTH);
	json_object_put(c.json);
	free(c.resp);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sb_config cfgs[7];
	static const char *const ids[] = { "MLB", "MLA", "MLM", "MPE",
	    "MCO", "MLU", "MLC" };
	const struct route *r;
	const char *nl, *body = (const char *)data, *id = NULL;
	char path[160], site[4] = "MLB", *text;
	struct sb_store st;
	size_t len = size, i;

	nl = memchr(data, '\n', size);
	r = nl ? route_of(body, (size_t)(nl - body), path, sizeof(path), site,
	    &id) : NULL;
	if (r != NULL) {
		len = size - (size_t)(nl + 1 - body);
		body = nl + 1;
	} else {
		r = &routes[0];
		snprintf(path, sizeof(path), "%s", r->prefix);
	}
	if (len > MAX_BODY)
		return 0;
	for (i = 0; i < 7 && strcmp(ids[i], site) != 0; i++)
		;
	if (i == 7)
		i = 0;
	if (cfgs[i].site == NULL) {
		cfgs[i].site = site_find(ids[i]);
		cfgs[i].collector_id = 111222333;
	}
	FUZZ_ASSERT(store_init(&st, &cfgs[i]) == 0);
	if (strcmp(r->prefix, "/v1/payments/") == 0 ||
	    strcmp(r->prefix, "/__sandbox/payments/") == 0) {
		payment(&st, "CONT", 1);
		payment(&st, "APRO", 0);
		payment(&st, "APRO", 1);
	}
	if (id != NULL && strcmp(id, "@PREF@") == 0)
		id = preference(&st);
	text = with_tokens(&st, body, &len);
	run(&st, r, path, id, text, len);
	free(text);
	store_free(&st);
	return 0;
}
