/*
 * api.c - the Mercado Pago routes for card tokens and payments.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "sandbox/call.h"
#include "sandbox/payment.h"
#include "sandbox/util.h"

#define SEARCH_DEFAULT_LIMIT	30
#define SEARCH_MAX_LIMIT	1000

void
api_card_token(struct call *c)
{
	struct mp_error e;
	json_object *o = NULL;
	int rc;

	store_lock(c->st);
	rc = card_token_create(c->st, c->json, &o, &e);
	store_unlock(c->st);
	if (rc != 0)
		call_error(c, &e);
	else
		call_json(c, 201, o);
}

/*
 * Idempotency, the sandbox's choices for what the docs leave open
 * (api doc 1.2): a key is remembered per access token for the life of
 * the process; a replay returns the first answer's status and body even
 * when the new body differs; only created payments are remembered, so a
 * request refused by validation can be corrected and sent with its key.
 * The store lock is held across check and creation, so two requests
 * with one key never create two payments.
 */
void
api_payment_create(struct call *c)
{
	const char *key;
	struct sb_idem *seen;
	struct sb_payment *p;
	struct mp_error e;

	key = MHD_lookup_connection_value(c->conn, MHD_HEADER_KIND,
	    "X-Idempotency-Key");
	if (key == NULL || *key == '\0') {
		mp_fail(&e, 400, 4292,
		    "Header X-Idempotency-Key can't be null");
		call_error(c, &e);
		return;
	}
	store_lock(c->st);
	if ((seen = store_idem_find(c->st, c->token, key)) != NULL) {
		c->status = seen->status;
		c->resp = strdup(seen->body);
	} else if (payment_create(c->st, c->json, &p, &e) == 0) {
		c->status = 201;
		c->resp = sb_jdump(p->obj);
		if (c->resp != NULL)
			store_idem_put(c->st, c->token, key, 201, c->resp);
	} else
		call_error(c, &e);
	store_unlock(c->st);
}

struct sb_payment *
call_payment(struct call *c, struct mp_error *e)
{
	struct sb_payment *p = NULL;
	char *end;
	long long id;

	errno = 0;
	id = strtoll(c->id, &end, 10);
	if (errno == 0 && *end == '\0' && end != c->id)
		p = store_payment_find(c->st, id);
	if (p == NULL)
		mp_fail(e, 404, 2000, "Payment not found");
	return p;
}

void
api_payment_get(struct call *c)
{
	struct sb_payment *p;
	struct mp_error e;

	store_lock(c->st);
	if ((p = call_payment(c, &e)) != NULL) {
		c->status = 200;
		c->resp = sb_jdump(p->obj);
	} else
		call_error(c, &e);
	store_unlock(c->st);
}

void
api_payment_put(struct call *c)
{
	struct sb_payment *p;
	struct mp_error e;

	store_lock(c->st);
	if ((p = call_payment(c, &e)) != NULL &&
	    payment_update(c->st, p, c->json, &e) == 0) {
		c->status = 200;
		c->resp = sb_jdump(p->obj);
	} else
		call_error(c, &e);
	store_unlock(c->st);
}

static int
count_arg(struct call *c, const char *name, long dflt, long max, long *out)
{
	const char *s = call_arg(c, name);
	char *end;

	if (s == NULL) {
		*out = dflt;
		return 0;
	}
	errno = 0;
	*out = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || end == s || *out < 0 || *out > max)
		return -1;
	return 0;
}

static int
search_match(const struct sb_payment *p, const char *ref, const char *status,
    const char *method)
{
	if (ref != NULL && (p->external_reference == NULL ||
	    strcmp(ref, p->external_reference) != 0))
		return 0;
	if (status != NULL && strcmp(status, p->status) != 0)
		return 0;
	if (method != NULL && strcmp(method, json_object_get_string(
	    sb_jget(p->obj, "payment_method_id"))) != 0)
		return 0;
	return 1;
}

/*
 * Filters: external_reference, status, payment_method_id; paging with
 * limit/offset; order by creation, `criteria=desc` reverses it.  Date
 * ranges are not modelled: every payment of the process is "recent".
 */
void
api_payment_search(struct call *c)
{
	const char *ref = call_arg(c, "external_reference");
	const char *status = call_arg(c, "status");
	const char *method = call_arg(c, "payment_method_id");
	const char *criteria = call_arg(c, "criteria");
	json_object *root, *paging, *results;
	struct mp_error e;
	long limit, offset, total = 0;
	size_t i, k, n;
	int desc;

	if (count_arg(c, "limit", SEARCH_DEFAULT_LIMIT, SEARCH_MAX_LIMIT,
	    &limit) != 0 || count_arg(c, "offset", 0, 1000000, &offset) != 0) {
		mp_fail(&e, 400, 1000, "Number of rows exceeded the limits");
		call_error(c, &e);
		return;
	}
	if (criteria != NULL && strcmp(criteria, "asc") != 0 &&
	    strcmp(criteria, "desc") != 0) {
		mp_fail(&e, 400, 1004, "Invalid criteria value");
		call_error(c, &e);
		return;
	}
	desc = criteria != NULL && strcmp(criteria, "desc") == 0;
	results = json_object_new_array();
	store_lock(c->st);
	n = c->st->npayments;
	for (k = 0; k < n; k++) {
		i = desc ? n - 1 - k : k;
		if (!search_match(c->st->payments[i], ref, status, method))
			continue;
		if (total >= offset && total < offset + limit)
			json_object_array_add(results,
			    json_object_get(c->st->payments[i]->obj));
		total++;
	}
	root = json_object_new_object();
	paging = json_object_new_object();
	json_object_object_add(paging, "total", json_object_new_int64(total));
	json_object_object_add(paging, "limit", json_object_new_int64(limit));
	json_object_object_add(paging, "offset",
	    json_object_new_int64(offset));
	json_object_object_add(root, "paging", paging);
	json_object_object_add(root, "results", results);
	/* Serialise while the shared payment objects are locked. */
	c->status = 200;
	c->resp = sb_jdump(root);
	json_object_put(root);
	store_unlock(c->st);
}
