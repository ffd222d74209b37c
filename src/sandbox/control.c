/*
 * control.c - the /__sandbox/ endpoints tests use to steer the sandbox.
 * No auth: the sandbox only listens on loopback.
 *
 *   POST   /__sandbox/payments/{id}/status  {"status","status_detail"?}
 *          moves a payment (a Pix gets paid, a 3DS challenge passes) and
 *          sends a payment.updated webhook.
 *   POST   /__sandbox/preferences/{id}/pay  {"payment_method_id"?,
 *          "status"?,"status_detail"?,"transaction_amount"?,
 *          "installments"?}  the buyer pays the preference on Mercado
 *          Pago's side (wallet, credits or a saved card): a payment made
 *          of the preference, stored and notified (payment.created) like
 *          any other.  payment_method_id is account_money,
 *          consumer_credits on MLA, MLB and MLM, or a card id of the
 *          site, unless the preference excludes it (by id or type); the
 *          default is credits when the purpose is onboarding_credits.
 *          installments within the preference's.  status as above
 *          (default approved); the amount defaults to the items' total.
 *   POST   /__sandbox/faults  {"mode","count"?,"ms"?,"http_status"?,
 *          "retry_after"?,"match"?}  misbehave on the next `count`
 *          matching API requests:
 *            latency            sleep ms, then answer normally
 *            status             answer http_status (default 500) with
 *                               Mercado Pago's error body, create nothing;
 *                               429 carries Retry-After: retry_after
 *            drop               close the connection without an answer,
 *                               create nothing
 *            create_then_delay  create as usual, answer only after ms
 *            key_used           422 cause 422001, "Idempotency key
 *                               already used." (api doc 1.2, Advanced
 *                               Payments), create nothing
 *          match is "METHOD /path" (either part optional; a path ending
 *          in '*' is a prefix); absent matches every API request.
 *   GET    /__sandbox/faults    the faults still armed
 *   DELETE /__sandbox/faults    disarms all
 *   GET    /__sandbox/requests  every API request received: method,
 *          path, query, idempotency_key, device_id (X-Meli-Session-Id),
 *          body (JSON when it parses), status (0 when dropped), fault
 *   DELETE /__sandbox/requests  clears that log
 *   GET    /__sandbox/stats     counts: payments, by external_reference,
 *          by status, preferences, card tokens, idempotency keys
 *   GET    /__sandbox/webhooks  webhook deliveries and their answers
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/call.h"
#include "sandbox/payment.h"
#include "sandbox/util.h"

#define FAULT_MAX_MS	600000
#define FAULT_MAX_COUNT	1000

static const struct {
	const char *name;
	enum sb_fault_mode mode;
} fault_modes[] = {
	{ "latency", FAULT_LATENCY },
	{ "status", FAULT_STATUS },
	{ "drop", FAULT_DROP },
	{ "create_then_delay", FAULT_CREATE_THEN_DELAY },
	{ "key_used", FAULT_KEY_USED },
};

static const char *
mode_name(enum sb_fault_mode m)
{
	size_t i;

	for (i = 0; i < sizeof(fault_modes) / sizeof(fault_modes[0]); i++)
		if (fault_modes[i].mode == m)
			return fault_modes[i].name;
	return "?";
}

static void
bad(struct call *c, const char *msg)
{
	struct mp_error e;

	mp_fail(&e, 400, 1, "%s", msg);
	call_error(c, &e);
}

void
ctl_payment_status(struct call *c)
{
	struct sb_payment *p;
	struct mp_error e;
	char *end;
	long long id;

	if (!json_object_is_type(c->json, json_type_object)) {
		bad(c, "body must be an object");
		return;
	}
	id = strtoll(c->id, &end, 10);
	store_lock(c->st);
	if (*end != '\0' || (p = store_payment_find(c->st, id)) == NULL) {
		store_unlock(c->st);
		mp_fail(&e, 404, 2000, "Payment not found");
		call_error(c, &e);
		return;
	}
	if (payment_set_status(c->st, p, sb_jstr(c->json, "status"),
	    sb_jstr(c->json, "status_detail"), &e) != 0) {
		store_unlock(c->st);
		call_error(c, &e);
		return;
	}
	c->status = 200;
	c->resp = sb_jdump(p->obj);
	store_unlock(c->st);
}

void
ctl_preference_pay(struct call *c)
{
	struct sb_payment *p;
	json_object *pref;
	struct mp_error e;

	store_lock(c->st);
	/* Not found in the preference API's own shape, as its GET says it. */
	if ((pref = store_pref_find(c->st, c->id)) == NULL) {
		store_unlock(c->st);
		mp_fail_named(&e, 404, "not_found", "preference not found");
		call_error(c, &e);
		return;
	}
	if (payment_create_from_preference(c->st, pref, c->json, &p,
	    &e) != 0) {
		store_unlock(c->st);
		call_error(c, &e);
		return;
	}
	c->status = 201;
	c->resp = sb_jdump(p->obj);
	store_unlock(c->st);
}

static int
int_opt(json_object *req, const char *key, int dflt, int lo, int hi, int *out)
{
	json_object *v = sb_jget(req, key);

	*out = dflt;
	if (v == NULL)
		return 0;
	if (!json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) < lo || json_object_get_int64(v) > hi)
		return -1;
	*out = (int)json_object_get_int64(v);
	return 0;
}

static int
parse_match(const char *m, struct sb_fault *f)
{
	const char *sp;
	size_t n;

	if (m == NULL)
		return 0;
	if (*m != '/') {
		sp = strchr(m, ' ');
		n = sp ? (size_t)(sp - m) : strlen(m);
		if (n == 0 || n >= sizeof(f->method))
			return -1;
		memcpy(f->method, m, n);
		f->method[n] = '\0';
		m += n;
		while (*m == ' ')
			m++;
	}
	if (strlen(m) >= sizeof(f->path) || (*m != '\0' && *m != '/'))
		return -1;
	memcpy(f->path, m, strlen(m) + 1);
	return 0;
}

static json_object *
faults_json(struct sb_store *st)
{
	json_object *root = json_object_new_object(), *arr, *o;
	char match[160];
	size_t i;

	arr = json_object_new_array();
	for (i = 0; i < st->nfaults; i++) {
		o = json_object_new_object();
		json_object_object_add(o, "mode", json_object_new_string(
		    mode_name(st->faults[i].mode)));
		json_object_object_add(o, "count",
		    json_object_new_int(st->faults[i].count));
		json_object_object_add(o, "ms",
		    json_object_new_int(st->faults[i].ms));
		json_object_object_add(o, "http_status",
		    json_object_new_int(st->faults[i].http_status));
		json_object_object_add(o, "retry_after",
		    json_object_new_int(st->faults[i].retry_after));
		snprintf(match, sizeof(match), "%s%s%s", st->faults[i].method,
		    st->faults[i].method[0] && st->faults[i].path[0] ? " " : "",
		    st->faults[i].path);
		json_object_object_add(o, "match",
		    json_object_new_string(match));
		json_object_array_add(arr, o);
	}
	json_object_object_add(root, "faults", arr);
	return root;
}

void
ctl_faults_add(struct call *c)
{
	struct sb_fault f;
	const char *mode;
	size_t i;

	memset(&f, 0, sizeof(f));
	if (!json_object_is_type(c->json, json_type_object) ||
	    (mode = sb_jstr(c->json, "mode")) == NULL) {
		bad(c, "mode is required");
		return;
	}
	for (i = 0; i < sizeof(fault_modes) / sizeof(fault_modes[0]); i++)
		if (strcmp(fault_modes[i].name, mode) == 0)
			break;
	if (i == sizeof(fault_modes) / sizeof(fault_modes[0])) {
		bad(c, "mode must be latency, status, drop or "
		    "create_then_delay");
		return;
	}
	f.mode = fault_modes[i].mode;
	if (int_opt(c->json, "count", 1, 1, FAULT_MAX_COUNT, &f.count) ||
	    int_opt(c->json, "ms", 0, 0, FAULT_MAX_MS, &f.ms) ||
	    int_opt(c->json, "http_status", 500, 400, 599, &f.http_status) ||
	    int_opt(c->json, "retry_after", 0, 0, 86400, &f.retry_after)) {
		bad(c, "count, ms, http_status or retry_after out of range");
		return;
	}
	if ((sb_jget(c->json, "match") != NULL &&
	    sb_jstr(c->json, "match") == NULL) ||
	    parse_match(sb_jstr(c->json, "match"), &f) != 0) {
		bad(c, "match must be \"METHOD /path\"");
		return;
	}
	store_lock(c->st);
	if (c->st->nfaults == SB_MAX_FAULTS) {
		store_unlock(c->st);
		bad(c, "too many faults armed");
		return;
	}
	c->st->faults[c->st->nfaults++] = f;
	call_json(c, 201, faults_json(c->st));
	store_unlock(c->st);
}

void
ctl_faults_get(struct call *c)
{
	store_lock(c->st);
	call_json(c, 200, faults_json(c->st));
	store_unlock(c->st);
}

void
ctl_faults_clear(struct call *c)
{
	store_lock(c->st);
	c->st->nfaults = 0;
	call_json(c, 200, faults_json(c->st));
	store_unlock(c->st);
}

static json_object *
str_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

void
ctl_requests_get(struct call *c)
{
	json_object *root = json_object_new_object(), *arr, *o, *b;
	struct sb_reqlog *r;
	size_t i;

	arr = json_object_new_array();
	store_lock(c->st);
	for (i = 0; i < c->st->nlog; i++) {
		r = &c->st->log[i];
		o = json_object_new_object();
		json_object_object_add(o, "method",
		    json_object_new_string(r->method));
		json_object_object_add(o, "path", str_or_null(r->path));
		json_object_object_add(o, "query", str_or_null(r->query));
		json_object_object_add(o, "idempotency_key",
		    str_or_null(r->key));
		json_object_object_add(o, "device_id",
		    str_or_null(r->device));
		b = r->body ? json_tokener_parse(r->body) : NULL;
		if (b == NULL && r->body != NULL)
			b = json_object_new_string(r->body);
		json_object_object_add(o, "body", b);
		json_object_object_add(o, "status",
		    json_object_new_int(r->status));
		json_object_object_add(o, "fault", str_or_null(r->fault));
		json_object_array_add(arr, o);
	}
	store_unlock(c->st);
	json_object_object_add(root, "requests", arr);
	call_json(c, 200, root);
}

void
ctl_requests_clear(struct call *c)
{
	store_lock(c->st);
	store_log_clear(c->st);
	store_unlock(c->st);
	call_json(c, 200, json_object_new_object());
}

static void
bump(json_object *counts, const char *key)
{
	json_object *v;

	if (json_object_object_get_ex(counts, key, &v))
		json_object_set_int64(v, json_object_get_int64(v) + 1);
	else
		json_object_object_add(counts, key, json_object_new_int64(1));
}

void
ctl_stats(struct call *c)
{
	struct sb_store *st = c->st;
	json_object *root = json_object_new_object(), *byref, *bystat;
	struct sb_hook *h;
	size_t i, pending = 0;

	byref = json_object_new_object();
	bystat = json_object_new_object();
	store_lock(st);
	for (i = 0; i < st->npayments; i++) {
		if (st->payments[i]->external_reference != NULL)
			bump(byref, st->payments[i]->external_reference);
		bump(bystat, st->payments[i]->status);
	}
	for (h = st->hook_head; h != NULL; h = h->next)
		pending++;
	json_object_object_add(root, "payments",
	    json_object_new_int64((int64_t)st->npayments));
	json_object_object_add(root, "by_external_reference", byref);
	json_object_object_add(root, "by_status", bystat);
	json_object_object_add(root, "refunds",
	    json_object_new_int64((int64_t)st->nrefunds));
	json_object_object_add(root, "preferences",
	    json_object_new_int64((int64_t)st->nprefs));
	json_object_object_add(root, "card_tokens",
	    json_object_new_int64((int64_t)st->ntokens));
	json_object_object_add(root, "idempotency_keys",
	    json_object_new_int64((int64_t)st->nidem));
	json_object_object_add(root, "requests",
	    json_object_new_int64((int64_t)st->nlog));
	json_object_object_add(root, "webhooks_sent",
	    json_object_new_int64((int64_t)st->ndeliveries));
	json_object_object_add(root, "webhooks_pending",
	    json_object_new_int64((int64_t)(pending + st->hook_busy)));
	store_unlock(st);
	call_json(c, 200, root);
}

void
ctl_webhooks(struct call *c)
{
	json_object *root = json_object_new_object(), *arr, *o;
	struct sb_delivery *d;
	size_t i;

	arr = json_object_new_array();
	store_lock(c->st);
	for (i = 0; i < c->st->ndeliveries; i++) {
		d = &c->st->deliveries[i];
		o = json_object_new_object();
		json_object_object_add(o, "url",
		    json_object_new_string(d->url));
		json_object_object_add(o, "action",
		    json_object_new_string(d->action));
		json_object_object_add(o, "data_id",
		    json_object_new_string(d->data_id));
		json_object_object_add(o, "request_id",
		    json_object_new_string(d->request_id));
		json_object_object_add(o, "signature",
		    str_or_null(d->signature[0] ? d->signature : NULL));
		json_object_object_add(o, "http_status",
		    json_object_new_int(d->http_status));
		json_object_array_add(arr, o);
	}
	store_unlock(c->st);
	json_object_object_add(root, "deliveries", arr);
	call_json(c, 200, root);
}
