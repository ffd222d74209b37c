/*
 * refund.c - the refund routes: POST /v1/payments/{id}/refunds (body {}
 * or none: the whole amount left; {"amount": N}: part of it), and the
 * list and one refund by GET, as Mercado Pago documents them
 * (man/brickgate-sandbox.1, API ROUTES).
 *
 * Idempotency as for payments (api.c): a key is remembered per access
 * token for the life of the process, only for refunds made, and a
 * replay answers the first answer whatever its body.  Keys of refunds
 * and of payments are kept apart.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "money.h"
#include "sandbox/call.h"
#include "sandbox/payment.h"
#include "sandbox/refund.h"
#include "sandbox/util.h"

/* A payment's amount, or what of it was refunded, in minor units. */
static int64_t
minor_of(struct sb_store *st, json_object *o, const char *name)
{
	struct bg_error be;
	int64_t minor = 0;

	if (money_from_json(sb_jget(o, name), st->cfg->site->decimals, 0,
	    &minor, name, &be) != 0)
		return 0;
	return minor;
}

/*
 * The amount asked for: all that is left when the body has none.  The
 * causes are the reference's: 4041 not numeric (or more decimals than
 * the currency has), 4040 not positive; above what is left, which the
 * reference gives no cause for, 4040 too.
 */
static int
check_amount(struct sb_store *st, json_object *req, int64_t left,
    int64_t *amount, struct mp_error *e)
{
	json_object *v = sb_jget(req, "amount");
	struct bg_error be;

	if (v == NULL) {
		*amount = left;
		return 0;
	}
	if (!json_object_is_type(v, json_type_int) &&
	    !json_object_is_type(v, json_type_double))
		return mp_fail(e, 400, 4041, "amount must be numeric");
	if (json_object_is_type(v, json_type_int) &&
	    json_object_get_int64(v) <= 0)
		return mp_fail(e, 400, 4040, "amount must be positive");
	if (money_from_json(v, st->cfg->site->decimals, 0, amount, "amount",
	    &be) != 0) {
		if (json_object_get_double(v) <= 0)
			return mp_fail(e, 400, 4040, "amount must be positive");
		return mp_fail(e, 400, 4041, "amount must be numeric, with "
		    "the currency's decimals");
	}
	if (*amount <= 0)
		return mp_fail(e, 400, 4040, "amount must be positive");
	if (*amount > left)
		return mp_fail(e, 400, 4040, "amount must be positive and not "
		    "above what is left to refund");
	return 0;
}

static json_object *
refund_object(struct sb_store *st, const struct sb_payment *p,
    int64_t amount)
{
	json_object *o = json_object_new_object(), *src;
	char date[SB_DATE_LEN + 1], who[24];
	int decimals = st->cfg->site->decimals;

	sb_date(time(NULL), date);
	snprintf(who, sizeof(who), "%lld", (long long)st->cfg->collector_id);
	src = json_object_new_object();
	json_object_object_add(src, "id", json_object_new_string(who));
	json_object_object_add(src, "name", json_object_new_string(
	    "Sandbox Seller"));
	json_object_object_add(src, "type", json_object_new_string(
	    "collector"));
	json_object_object_add(o, "id", json_object_new_int64(
	    st->next_refund_id++));
	json_object_object_add(o, "payment_id", json_object_new_int64(p->id));
	json_object_object_add(o, "amount", sb_amount_json(amount, decimals));
	json_object_object_add(o, "metadata", json_object_new_object());
	json_object_object_add(o, "source", src);
	json_object_object_add(o, "date_created",
	    json_object_new_string(date));
	json_object_object_add(o, "unique_sequence_number", NULL);
	json_object_object_add(o, "refund_mode", json_object_new_string(
	    "standard"));
	json_object_object_add(o, "adjustment_amount", json_object_new_int(0));
	json_object_object_add(o, "status", json_object_new_string(
	    "approved"));
	json_object_object_add(o, "reason", NULL);
	json_object_object_add(o, "labels", json_object_new_array());
	json_object_object_add(o, "partition_details",
	    json_object_new_array());
	json_object_object_add(o, "amount_refunded_to_payer",
	    sb_amount_json(amount, decimals));
	return o;
}

/*
 * Validates and makes a refund of p (lock held): only of an approved
 * payment (400 cause 2063 otherwise), at most what is left.  After it
 * the payment is refunded/refunded when nothing is left, else stays
 * approved with partially_refunded; transaction_amount_refunded and
 * refunds[] follow.
 */
int
refund_make(struct sb_store *st, struct sb_payment *p, json_object *req,
    json_object **out, struct mp_error *e)
{
	int decimals = st->cfg->site->decimals;
	int64_t total, done, amount = 0;
	json_object *r, *list;

	if (req != NULL && !json_object_is_type(req, json_type_object))
		return mp_fail(e, 400, 1, "Params error: not an object");
	if (strcmp(p->status, "approved") != 0)
		return mp_fail(e, 400, 2063, "Action not valid for current "
		    "payment state");
	total = minor_of(st, p->obj, "transaction_amount");
	done = minor_of(st, p->obj, "transaction_amount_refunded");
	if (check_amount(st, req, total - done, &amount, e) != 0)
		return -1;
	if ((r = refund_object(st, p, amount)) == NULL)
		return mp_fail(e, 500, 0, "internal_error");
	done += amount;
	list = sb_jget(p->obj, "refunds");
	if (!json_object_is_type(list, json_type_array)) {
		list = json_object_new_array();
		json_object_object_add(p->obj, "refunds", list);
	}
	json_object_array_add(list, json_object_get(r));
	json_object_object_add(p->obj, "transaction_amount_refunded",
	    sb_amount_json(done, decimals));
	st->nrefunds++;
	if (payment_set_status(st, p, done == total ? "refunded" : "approved",
	    done == total ? "refunded" : "partially_refunded", e) != 0) {
		json_object_put(r);
		return -1;
	}
	*out = r;
	return 0;
}

void
api_refund_create(struct call *c)
{
	const char *key;
	struct sb_idem *seen;
	struct sb_payment *p;
	struct mp_error e;
	json_object *r = NULL;
	char who[160];

	key = MHD_lookup_connection_value(c->conn, MHD_HEADER_KIND,
	    "X-Idempotency-Key");
	if (key == NULL || *key == '\0') {
		mp_fail(&e, 400, 4292,
		    "Header X-Idempotency-Key can't be null");
		call_error(c, &e);
		return;
	}
	snprintf(who, sizeof(who), "refund %s", c->token);
	store_lock(c->st);
	if ((seen = store_idem_find(c->st, who, key)) != NULL) {
		c->status = seen->status;
		c->resp = strdup(seen->body);
	} else if ((p = call_payment(c, &e)) != NULL &&
	    refund_make(c->st, p, c->json, &r, &e) == 0) {
		c->status = 201;
		c->resp = sb_jdump(r);
		json_object_put(r);
		if (c->resp != NULL)
			store_idem_put(c->st, who, key, 201, c->resp);
	} else
		call_error(c, &e);
	store_unlock(c->st);
}

void
api_refund_list(struct call *c)
{
	struct sb_payment *p;
	struct mp_error e;
	json_object *list;

	store_lock(c->st);
	if ((p = call_payment(c, &e)) != NULL) {
		list = sb_jget(p->obj, "refunds");
		c->status = 200;
		c->resp = json_object_is_type(list, json_type_array) ?
		    sb_jdump(list) : strdup("[]");
	} else
		call_error(c, &e);
	store_unlock(c->st);
}

void
api_refund_get(struct call *c)
{
	const char *rid = strrchr(c->path, '/') + 1;
	struct sb_payment *p;
	struct mp_error e;
	json_object *list, *r;
	size_t i, n;

	store_lock(c->st);
	if ((p = call_payment(c, &e)) != NULL) {
		list = sb_jget(p->obj, "refunds");
		n = json_object_is_type(list, json_type_array) ?
		    json_object_array_length(list) : 0;
		for (i = 0; i < n; i++) {
			r = json_object_array_get_idx(list, i);
			if (strcmp(json_object_get_string(sb_jget(r, "id")),
			    rid) == 0) {
				c->status = 200;
				c->resp = sb_jdump(r);
				break;
			}
		}
		if (i == n) {
			mp_fail(&e, 404, 2000, "Refund not found");
			call_error(c, &e);
		}
	} else
		call_error(c, &e);
	store_unlock(c->st);
}
