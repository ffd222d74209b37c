/*
 * context.c - reading and checking purchase contexts.
 *
 * Every storefront field has one line in the table below with the check
 * it needs.  Errors are 500 invalid_context because the file, not the
 * buyer, is at fault; the message names the file and the field, never a
 * value (contexts hold e-mails and ID numbers).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "context.h"
#include "form.h"
#include "json_canon.h"
#include "json_strict.h"
#include "money.h"
#include "paymethod.h"
#include "timefmt.h"

#define MAX_TEXT 600
#define MAX_INSTALLMENTS 99

static int
bad(struct bg_error *e, const struct bg_context *c, const char *field,
    const char *why)
{
	return bg_fail(e, 500, "invalid_context", NULL,
	    "purchase context %s: %s %s", c->id, field, why);
}

static const char *
text_of(json_object *v, size_t max)
{
	const char *s;

	if (!json_object_is_type(v, json_type_string))
		return NULL;
	s = json_object_get_string(v);
	return strlen(s) <= max ? s : NULL;
}

static int
k_amount(struct bg_context *c, json_object *v, struct bg_error *e)
{
	struct bg_error sub;

	if (money_from_json(v, c->site->decimals, 1, &c->amount, "amount",
	    &sub) == -1)
		return bad(e, c, "amount", c->site->decimals ?
		    "is not a decimal amount with at most the currency's "
		    "decimals" : "is not a whole amount (the currency has "
		    "no decimals)");
	if (c->amount <= 0)
		return bad(e, c, "amount", "is not positive");
	money_format(c->amount, c->site->decimals, c->amount_text,
	    sizeof(c->amount_text));
	return 0;
}

static int
k_site(struct bg_context *c, json_object *v, struct bg_error *e)
{
	const char *s = text_of(v, 8);

	if (s == NULL || strcmp(s, c->site->id) != 0)
		return bad(e, c, "site", "is not the configured site (one "
		    "brickgate configuration serves one country)");
	return 0;
}

static int
k_currency(struct bg_context *c, json_object *v, struct bg_error *e)
{
	const char *s = text_of(v, 8);

	if (s == NULL || strcmp(s, c->site->currency) != 0)
		return bad(e, c, "currency", "is not the site's currency");
	return 0;
}

static int
k_description(struct bg_context *c, json_object *v, struct bg_error *e)
{
	if ((c->description = text_of(v, MAX_TEXT)) == NULL)
		return bad(e, c, "description", "is not a string of at most "
		    "600 bytes");
	return 0;
}

static int
k_descriptor(struct bg_context *c, json_object *v, struct bg_error *e)
{
	if ((c->statement_descriptor = text_of(v, 64)) == NULL)
		return bad(e, c, "statement_descriptor", "is not a string of "
		    "at most 64 bytes");
	return 0;
}

/* Every member of the object must be a string (or, when nums, a number). */
static int
strings_only(json_object *o, int nums)
{
	json_type t;

	if (!json_object_is_type(o, json_type_object))
		return 0;
	json_object_object_foreach(o, k, v) {
		(void)k;
		t = json_object_get_type(v);
		if (t != json_type_string && !(nums && t == json_type_int))
			return 0;
	}
	return 1;
}

static int
k_payer(struct bg_context *c, json_object *v, struct bg_error *e)
{
	static const char *const subs[] = { "identification", "address",
	    "phone" };
	json_object *s;
	size_t i;

	if (!json_object_is_type(v, json_type_object))
		return bad(e, c, "payer", "is not an object");
	c->payer = v;
	json_object_object_foreach(v, k, m) {
		for (i = 0; i < 3 && strcmp(k, subs[i]) != 0; i++)
			;
		if (i < 3 ? !strings_only(m, 1) :
		    !json_object_is_type(m, json_type_string))
			return bad(e, c, "payer", "has a member of the wrong "
			    "type");
	}
	if (json_object_object_get_ex(v, "email", &s)) {
		c->email = json_object_get_string(s);
		if (strchr(c->email, '@') == NULL)
			return bad(e, c, "payer.email", "is not an e-mail "
			    "address");
	}
	return 0;
}

static int
k_items(struct bg_context *c, json_object *v, struct bg_error *e)
{
	struct bg_error sub;
	json_object *it, *q, *p;
	int64_t minor;
	size_t i, n;

	if (!json_object_is_type(v, json_type_array))
		return bad(e, c, "items", "is not an array");
	n = json_object_array_length(v);
	for (i = 0; i < n; i++) {
		it = json_object_array_get_idx(v, i);
		if (!json_object_is_type(it, json_type_object) ||
		    !json_object_object_get_ex(it, "quantity", &q) ||
		    !json_object_is_type(q, json_type_int) ||
		    json_object_get_int64(q) < 1 ||
		    !json_object_object_get_ex(it, "unit_price", &p) ||
		    money_from_json(p, c->site->decimals, 1, &minor,
		    "unit_price", &sub) == -1)
			return bad(e, c, "items", "need an integer quantity "
			    "and a unit_price with the currency's decimals");
	}
	c->items = v;
	return 0;
}

static int
k_methods(struct bg_context *c, json_object *v, struct bg_error *e)
{
	size_t i, n;

	if (!json_object_is_type(v, json_type_array))
		return bad(e, c, "payment_methods", "is not an array");
	n = json_object_array_length(v);
	for (i = 0; i < n; i++)
		if (text_of(json_object_array_get_idx(v, i), 40) == NULL)
			return bad(e, c, "payment_methods", "holds something "
			    "other than method or type ids");
	c->methods = v;
	return 0;
}

static int
k_max_installments(struct bg_context *c, json_object *v, struct bg_error *e)
{
	if (!json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) < 1 ||
	    json_object_get_int64(v) > MAX_INSTALLMENTS)
		return bad(e, c, "max_installments", "is not an integer "
		    "from 1 to 99");
	c->max_installments = (long)json_object_get_int64(v);
	return 0;
}

static int
k_expires_at(struct bg_context *c, json_object *v, struct bg_error *e)
{
	const char *s = text_of(v, 40);

	if (s == NULL || rfc3339_parse(s, &c->expires_ms) == -1)
		return bad(e, c, "expires_at", "is not an RFC 3339 time");
	if (c->expires_ms == 0)
		c->expires_ms = 1;	/* 0 means "never" here */
	return 0;
}

static int
k_metadata(struct bg_context *c, json_object *v, struct bg_error *e)
{
	if (!json_object_is_type(v, json_type_object))
		return bad(e, c, "metadata", "is not an object");
	c->metadata = v;
	return 0;
}

static int
k_purpose(struct bg_context *c, json_object *v, struct bg_error *e)
{
	const char *s = text_of(v, 32);

	if (s == NULL || (strcmp(s, "wallet_purchase") != 0 &&
	    strcmp(s, "onboarding_credits") != 0))
		return bad(e, c, "purpose", "is neither wallet_purchase nor "
		    "onboarding_credits");
	/* Credits exist where the method table has them, nowhere else. */
	if (strcmp(s, "onboarding_credits") == 0 &&
	    pm_find(c->site->id, "consumer_credits") == NULL)
		return bad(e, c, "purpose", "is onboarding_credits, which "
		    "this site does not offer");
	c->purpose = s;
	return 0;
}

static int
k_customer_id(struct bg_context *c, json_object *v, struct bg_error *e)
{
	const char *s = text_of(v, 64);

	if (s == NULL || *s == '\0' || !form_is_token(s))
		return bad(e, c, "customer_id", "is not a Mercado Pago "
		    "customer id ([A-Za-z0-9_-], at most 64)");
	c->customer_id = s;
	return 0;
}

/*
 * Where the goods go, for Mercado Pago's fraud scoring: the members of
 * additional_info.shipments.receiver_address, nothing else, as text
 * (street_number may be a number, as the Brick itself sends it).
 */
static int
k_shipment(struct bg_context *c, json_object *v, struct bg_error *e)
{
	static const char *const members[] = { "zip_code", "street_name",
	    "street_number", "floor", "apartment", "city_name", "state_name" };
	json_object *ra;
	size_t i, n = sizeof(members) / sizeof(members[0]);

	if (!json_object_is_type(v, json_type_object) ||
	    json_object_object_length(v) != 1 ||
	    !json_object_object_get_ex(v, "receiver_address", &ra) ||
	    !strings_only(ra, 1) || json_object_object_length(ra) == 0)
		return bad(e, c, "shipment", "is not {\"receiver_address\": "
		    "{...}} with text members");
	json_object_object_foreach(ra, k, m) {
		for (i = 0; i < n && strcmp(k, members[i]) != 0; i++)
			;
		if (i == n || (json_object_is_type(m, json_type_string) &&
		    json_object_get_string_len(m) > 128) ||
		    (json_object_is_type(m, json_type_int) &&
		    strcmp(k, "street_number") != 0))
			return bad(e, c, "shipment.receiver_address", "has a "
			    "member that is not one of zip_code, street_name, "
			    "street_number, floor, apartment, city_name, "
			    "state_name, or is too long");
	}
	c->shipment = v;
	return 0;
}

static int
k_preference_id(struct bg_context *c, json_object *v, struct bg_error *e)
{
	if ((c->preference_id = text_of(v, 128)) == NULL)
		return bad(e, c, "preference_id", "is not a string");
	return 0;
}

/* Appends a to c's attempts; -1 when out of memory (a not taken). */
static int
push(struct bg_context *c, struct attempt *a)
{
	struct attempt **grown;
	size_t cap;

	if (c->n_attempts == c->cap_attempts) {
		cap = c->cap_attempts ? 2 * c->cap_attempts : 4;
		if ((grown = realloc(c->attempts, cap * sizeof(*grown)))
		    == NULL)
			return -1;
		c->attempts = grown;
		c->cap_attempts = cap;
	}
	c->attempts[c->n_attempts++] = a;
	return 0;
}

/* brickgate's own records, read into typed attempts. */
static int
add_parsed(struct bg_context *c, json_object *v, const char *name,
    struct bg_error *e)
{
	struct attempt *a;
	char why[128];

	if (attempt_parse(v, &a, why, sizeof(why)) == -1)
		return bad(e, c, name, why);
	if (push(c, a) == -1) {
		attempt_free(a);
		return bad(e, c, name, "cannot be read: out of memory");
	}
	return 0;
}

/*
 * "payment" is a copy of the last of "payments", written for readers
 * that want only the latest; alone (no "payments"), it is the only one.
 */
static int
k_payment(struct bg_context *c, json_object *v, struct bg_error *e)
{
	json_object *all;

	if (json_object_object_get_ex(c->root, "payments", &all) &&
	    json_object_is_type(all, json_type_array) &&
	    json_object_array_length(all) > 0)
		return 0;
	return add_parsed(c, v, "payment", e);
}

static int
k_payments(struct bg_context *c, json_object *v, struct bg_error *e)
{
	char name[32];
	size_t i, n;

	if (!json_object_is_type(v, json_type_array))
		return bad(e, c, "payments", "is not an array");
	n = json_object_array_length(v);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "payments[%zu]", i);
		if (add_parsed(c, json_object_array_get_idx(v, i), name, e)
		    == -1)
			return -1;
	}
	return 0;
}

/* brickgate's own times, written from the clock: never before 1970. */
static int
own_time(struct bg_context *c, json_object *v, const char *name,
    int64_t *at, struct bg_error *e)
{
	const char *s = text_of(v, 40);

	if (s == NULL || rfc3339_parse(s, at) == -1 || *at < 0)
		return bad(e, c, name, "is not an RFC 3339 time");
	return 0;
}

static int
k_searched_at(struct bg_context *c, json_object *v, struct bg_error *e)
{
	return own_time(c, v, "searched_at", &c->searched_at, e);
}

static int
k_paid_notified_at(struct bg_context *c, json_object *v, struct bg_error *e)
{
	return own_time(c, v, "paid_notified_at", &c->paid_notified_at, e);
}

/* Appends r to c's refunds; -1 when out of memory (r not taken). */
static int
push_refund(struct bg_context *c, struct refund *r)
{
	struct refund **grown;
	size_t cap;

	if (c->n_refunds == c->cap_refunds) {
		cap = c->cap_refunds ? 2 * c->cap_refunds : 4;
		if ((grown = realloc(c->refunds, cap * sizeof(*grown))) == NULL)
			return -1;
		c->refunds = grown;
		c->cap_refunds = cap;
	}
	c->refunds[c->n_refunds++] = r;
	return 0;
}

static int
k_refunds(struct bg_context *c, json_object *v, struct bg_error *e)
{
	struct refund *r;
	char name[32], why[128];
	size_t i, n;

	if (!json_object_is_type(v, json_type_array))
		return bad(e, c, "refunds", "is not an array");
	n = json_object_array_length(v);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "refunds[%zu]", i);
		if (refund_parse(json_object_array_get_idx(v, i),
		    c->site->decimals, &r, why, sizeof(why)) == -1)
			return bad(e, c, name, why);
		if (push_refund(c, r) == -1) {
			refund_free(r);
			return bad(e, c, name, "cannot be read: out of memory");
		}
	}
	return 0;
}

static const struct {
	const char *name;
	int (*check)(struct bg_context *, json_object *, struct bg_error *);
} keys[] = {
	{ "site",			k_site },
	{ "amount",			k_amount },
	{ "currency",			k_currency },
	{ "description",		k_description },
	{ "payer",			k_payer },
	{ "items",			k_items },
	{ "payment_methods",		k_methods },
	{ "max_installments",		k_max_installments },
	{ "expires_at",			k_expires_at },
	{ "statement_descriptor",	k_descriptor },
	{ "metadata",			k_metadata },
	{ "purpose",			k_purpose },
	{ "customer_id",		k_customer_id },
	{ "shipment",			k_shipment },
	{ "preference_id",		k_preference_id },
	{ "payments",			k_payments },
	{ "payment",			k_payment },
	{ "searched_at",		k_searched_at },
	{ "paid_notified_at",		k_paid_notified_at },
	{ "refunds",			k_refunds },
};

int
context_parse(struct bg_context *c, const char *id, const char *text,
    size_t len, const struct bg_site *site, struct bg_error *e)
{
	struct bg_error sub;
	json_object *v;
	size_t i;

	memset(c, 0, sizeof(*c));
	snprintf(c->id, sizeof(c->id), "%s", id);
	c->site = site;
	bg_error_clear(&sub);
	if (json_strict_parse(text, len, JSON_MAX_DEPTH, &c->root, &sub)
	    == -1 || !json_object_is_type(c->root, json_type_object)) {
		context_free(c);
		return bg_fail(e, 500, "invalid_context", NULL,
		    "purchase context %s is not a JSON object (%s)", id,
		    sub.status ? sub.message : "wrong type");
	}
	if (!json_object_object_get_ex(c->root, "amount", &v) || v == NULL) {
		context_free(c);
		return bg_fail(e, 500, "invalid_context", NULL,
		    "purchase context %s: amount is missing", id);
	}
	/* Members set to null count as absent, like in the form. */
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (json_object_object_get_ex(c->root, keys[i].name, &v) &&
		    v != NULL && keys[i].check(c, v, e) == -1) {
			context_free(c);
			return -1;
		}
	return 0;
}

void
context_free(struct bg_context *c)
{
	size_t i;

	for (i = 0; i < c->n_attempts; i++)
		attempt_free(c->attempts[i]);
	free(c->attempts);
	c->attempts = NULL;
	c->n_attempts = c->cap_attempts = 0;
	for (i = 0; i < c->n_refunds; i++)
		refund_free(c->refunds[i]);
	free(c->refunds);
	c->refunds = NULL;
	c->n_refunds = c->cap_refunds = 0;
	json_object_put(c->root);
	c->root = NULL;
}

/* brickgate's records back into the JSON, as the file has them. */
static int
put_records(struct bg_context *c)
{
	json_object *all, *o;
	char ts[32];
	size_t i;

	if ((all = json_object_new_array()) == NULL)
		return -1;
	for (i = 0; i < c->n_attempts; i++) {
		if ((o = attempt_json(c->attempts[i])) == NULL) {
			json_object_put(all);
			return -1;
		}
		json_object_array_add(all, o);
	}
	json_object_object_add(c->root, "payments", all);
	if (c->n_attempts > 0)
		json_object_object_add(c->root, "payment", json_object_get(
		    json_object_array_get_idx(all, c->n_attempts - 1)));
	if (c->searched_at != 0) {
		rfc3339_format(c->searched_at, ts, sizeof(ts));
		json_object_object_add(c->root, "searched_at",
		    json_object_new_string(ts));
	}
	if (c->paid_notified_at != 0) {
		rfc3339_format(c->paid_notified_at, ts, sizeof(ts));
		json_object_object_add(c->root, "paid_notified_at",
		    json_object_new_string(ts));
	}
	/* Written once there is one: older files stay as they were. */
	if (c->n_refunds == 0)
		return 0;
	if ((all = json_object_new_array()) == NULL)
		return -1;
	for (i = 0; i < c->n_refunds; i++) {
		if ((o = refund_json(c->refunds[i], c->site->decimals)) ==
		    NULL) {
			json_object_put(all);
			return -1;
		}
		json_object_array_add(all, o);
	}
	json_object_object_add(c->root, "refunds", all);
	return 0;
}

const char *
context_text(struct bg_context *c, size_t *len)
{
	if (put_records(c) == -1)
		return NULL;
	return json_object_to_json_string_length(c->root,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
	    JSON_C_TO_STRING_NOSLASHESCAPE, len);
}

/* What brickgate writes into a context: not the storefront's part. */
static const char *const records[] = {
	"payments", "payment", "preference_id", "searched_at",
	"paid_notified_at", "refunds", NULL,
};

int
context_digest(const struct bg_context *c,
    unsigned char out[CONTEXT_DIGEST_LEN], struct bg_error *e)
{
	struct printbuf *pb = printbuf_new();
	int rc = -1;

	if (pb != NULL && json_canon(c->root, records, pb) == 0 &&
	    SHA256((const unsigned char *)pb->buf, (size_t)pb->bpos, out) !=
	    NULL)
		rc = 0;
	if (pb != NULL)
		printbuf_free(pb);
	return rc == 0 ? 0 : bg_fail(e, 500, "internal_error", NULL,
	    "purchase context %s: cannot take its digest", c->id);
}

int
context_allows(const struct bg_context *c, const char *method_id,
    const char *type_id)
{
	const char *s;
	size_t i, n;

	if (c->methods == NULL)
		return 1;
	n = json_object_array_length(c->methods);
	for (i = 0; i < n; i++) {
		s = json_object_get_string(json_object_array_get_idx(
		    c->methods, i));
		if (strcmp(s, method_id) == 0 || strcmp(s, type_id) == 0)
			return 1;
	}
	return 0;
}

struct attempt *
context_latest(const struct bg_context *c)
{
	return c->n_attempts > 0 ? c->attempts[c->n_attempts - 1] : NULL;
}

struct attempt *
context_add_attempt(struct bg_context *c, const char *key,
    const char *method_id, const char *type_id, int64_t now,
    struct bg_error *e)
{
	struct attempt *a = attempt_new(key, method_id, type_id, now);

	if (a == NULL || push(c, a) == -1) {
		attempt_free(a);
		bg_fail(e, 500, "internal_error", NULL, "out of memory");
		return NULL;
	}
	return a;
}

struct attempt *
context_find_payment(const struct bg_context *c, int64_t id)
{
	size_t i;

	for (i = 0; id > 0 && i < c->n_attempts; i++)
		if (c->attempts[i]->payment_id == id)
			return c->attempts[i];
	return NULL;
}

int
context_add_refund(struct bg_context *c, struct refund *r,
    struct bg_error *e)
{
	if (push_refund(c, r) == -1) {
		refund_free(r);
		return bg_fail(e, 500, "internal_error", NULL, "out of memory");
	}
	return 0;
}

void
context_set_preference(struct bg_context *c, const char *id)
{
	json_object *v = json_object_new_string(id);

	json_object_object_add(c->root, "preference_id", v);
	c->preference_id = json_object_get_string(v);
}
