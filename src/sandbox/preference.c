/*
 * preference.c - POST /checkout/preferences (and GET by id), for the
 * Brick's wallet option.  Errors use the preference API's own shape:
 * an `error` word such as "invalid_items" and an empty cause list.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "money.h"
#include "paymethod.h"
#include "sandbox/call.h"
#include "sandbox/payment.h"
#include "sandbox/util.h"

#define MAX_PREF_INSTALLMENTS	36

static int
check_item(struct call *c, json_object *it, struct mp_error *e)
{
	const struct bg_site *site = c->st->cfg->site;
	json_object *q = sb_jget(it, "quantity"), *p;
	const char *cur;
	struct bg_error be;
	int64_t minor;

	if (!json_object_is_type(it, json_type_object))
		return mp_fail_named(e, 400, "invalid_items",
		    "items must be objects");
	if (q == NULL || json_object_is_type(q, json_type_null))
		return mp_fail_named(e, 400, "invalid_items",
		    "quantity needed");
	if (!json_object_is_type(q, json_type_int) ||
	    json_object_get_int64(q) < 1)
		return mp_fail_named(e, 400, "invalid_items",
		    "quantity must be a positive integer");
	p = sb_jget(it, "unit_price");
	if (p == NULL || json_object_is_type(p, json_type_null))
		return mp_fail_named(e, 400, "invalid_items",
		    "unit_price needed");
	if (!json_object_is_type(p, json_type_int) &&
	    !json_object_is_type(p, json_type_double))
		return mp_fail_named(e, 400, "invalid_items",
		    "unit_price must be a number");
	bg_error_clear(&be);
	if (json_object_get_string(p)[0] == '-' ||
	    money_from_json(p, site->decimals, 0, &minor, "unit_price",
	    &be) != 0 || minor <= 0)
		return mp_fail_named(e, 400, "invalid_items",
		    "unit_price invalid");
	if (sb_jget(it, "currency_id") != NULL &&
	    !json_object_is_type(sb_jget(it, "currency_id"), json_type_null) &&
	    ((cur = sb_jstr(it, "currency_id")) == NULL ||
	    strcmp(cur, site->currency) != 0))
		return mp_fail_named(e, 400, "invalid_items",
		    "currency_id invalid");
	if (sb_jstr(it, "title") == NULL)
		return mp_fail_named(e, 400, "invalid_items",
		    "title needed");
	return 0;
}

/* An exclusion list: absent, or an array of objects with a string id. */
static int
check_exclusions(json_object *req, const char *path, struct mp_error *e)
{
	json_object *v = sb_jget(req, path);
	size_t i;

	if (v == NULL || json_object_is_type(v, json_type_null))
		return 0;
	if (!json_object_is_type(v, json_type_array))
		return mp_fail_named(e, 400, "invalid_payment_methods",
		    "%s must be an array", path);
	for (i = 0; i < json_object_array_length(v); i++)
		if (sb_jstr(json_object_array_get_idx(v, i), "id") == NULL)
			return mp_fail_named(e, 400, "invalid_payment_methods",
			    "%s must hold objects with a string id", path);
	return 0;
}

/*
 * Whether the buyer could still pay with some method of the site's
 * checkout; wallet_purchase leaves cash and bank transfers out of it.
 */
static int
leaves_a_method(struct call *c, json_object *req)
{
	const char *site = c->st->cfg->site->id;
	const char *purpose = sb_jstr(req, "purpose");
	int wallet = purpose != NULL && strcmp(purpose, "wallet_purchase") == 0;
	const struct pm *all;
	size_t i, n;

	all = pm_all(&n);
	for (i = 0; i < n; i++)
		if (pm_offered(&all[i], site) && (!wallet ||
		    all[i].family == PM_CARD || all[i].family == PM_WALLET) &&
		    pref_exclusion(req, &all[i]) == NULL)
			return 1;
	return 0;
}

static int
check_payment_methods(struct call *c, json_object *req, struct mp_error *e)
{
	json_object *v = sb_jget(req, "payment_methods");

	if (v == NULL || json_object_is_type(v, json_type_null))
		return 0;
	if (!json_object_is_type(v, json_type_object))
		return mp_fail_named(e, 400, "invalid_payment_methods",
		    "payment_methods must be an object");
	if (check_exclusions(req, "payment_methods.excluded_payment_types",
	    e) != 0 || check_exclusions(req,
	    "payment_methods.excluded_payment_methods", e) != 0)
		return -1;
	v = sb_jget(req, "payment_methods.installments");
	if (v != NULL && (!json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) < 1 ||
	    json_object_get_int64(v) > MAX_PREF_INSTALLMENTS))
		return mp_fail_named(e, 400, "invalid_payment_methods",
		    "installments must be between 1 and 36");
	if (!leaves_a_method(c, req))
		return mp_fail_named(e, 400, "invalid_payment_methods",
		    "cannot exclude all payment methods");
	return 0;
}

static int
check(struct call *c, json_object *req, struct mp_error *e)
{
	json_object *items = sb_jget(req, "items"), *v;
	const char *s;
	time_t t;
	size_t i;

	if (!json_object_is_type(req, json_type_object))
		return mp_fail_named(e, 400, "bad_request",
		    "body must be an object");
	if (!json_object_is_type(items, json_type_array) ||
	    json_object_array_length(items) == 0)
		return mp_fail_named(e, 400, "invalid_items", "items needed");
	for (i = 0; i < json_object_array_length(items); i++)
		if (check_item(c, json_object_array_get_idx(items, i), e) != 0)
			return -1;
	v = sb_jget(req, "back_urls");
	if (v != NULL && !json_object_is_type(v, json_type_object))
		return mp_fail_named(e, 400, "invalid_back_urls",
		    "back_urls must be an object");
	if (sb_jstr(req, "auto_return") != NULL &&
	    sb_jstr(req, "back_urls.success") == NULL)
		return mp_fail_named(e, 400, "invalid_auto_return",
		    "auto_return invalid. back_url.success must be defined");
	if (check_payment_methods(c, req, e) != 0)
		return -1;
	v = sb_jget(req, "binary_mode");
	if (v != NULL && !json_object_is_type(v, json_type_boolean))
		return mp_fail_named(e, 400, "invalid_binary_mode",
		    "binary_mode must be a boolean");
	if (sb_jget(req, "expiration_date_from") != NULL &&
	    ((s = sb_jstr(req, "expiration_date_from")) == NULL ||
	    sb_parse_date(s, &t) != 0))
		return mp_fail_named(e, 400, "invalid_expiration_date_from",
		    "expiration_date_from invalid");
	if (sb_jget(req, "expiration_date_to") != NULL &&
	    ((s = sb_jstr(req, "expiration_date_to")) == NULL ||
	    sb_parse_date(s, &t) != 0))
		return mp_fail_named(e, 400, "invalid_expiration_date_to",
		    "expiration_date_to invalid");
	return 0;
}

static void
dflt(json_object *o, const char *key, json_object *v)
{
	if (sb_jget(o, key) == NULL)
		json_object_object_add(o, key, v);
	else
		json_object_put(v);
}

void
api_preference_create(struct call *c)
{
	const struct sb_config *cfg = c->st->cfg;
	json_object *o, *items, *it;
	struct mp_error e;
	char uuid[SB_UUID_LEN + 1], id[64], url[256], date[SB_DATE_LEN + 1];
	size_t i;

	if (check(c, c->json, &e) != 0) {
		call_error(c, &e);
		return;
	}
	/* The answer echoes the request, then adds what Mercado Pago adds. */
	o = sb_jcopy(c->json);
	sb_uuid(uuid);
	snprintf(id, sizeof(id), "%lld-%s", (long long)cfg->collector_id,
	    uuid);
	sb_date(time(NULL), date);
	json_object_object_add(o, "id", json_object_new_string(id));
	snprintf(url, sizeof(url), "https://www.mercadopago.%s/checkout/v1/"
	    "redirect?pref_id=%s", cfg->site->tld, id);
	json_object_object_add(o, "init_point", json_object_new_string(url));
	snprintf(url, sizeof(url), "https://sandbox.mercadopago.%s/checkout/"
	    "v1/redirect?pref_id=%s", cfg->site->tld, id);
	json_object_object_add(o, "sandbox_init_point",
	    json_object_new_string(url));
	json_object_object_add(o, "client_id",
	    json_object_new_string("6295877106812064"));
	json_object_object_add(o, "collector_id",
	    json_object_new_int64(cfg->collector_id));
	json_object_object_add(o, "date_created",
	    json_object_new_string(date));
	json_object_object_add(o, "site_id",
	    json_object_new_string(cfg->site->id));
	json_object_object_add(o, "operation_type",
	    json_object_new_string("regular_payment"));
	dflt(o, "external_reference", json_object_new_string(""));
	dflt(o, "notification_url", NULL);
	dflt(o, "back_urls", json_object_new_object());
	dflt(o, "auto_return", json_object_new_string(""));
	dflt(o, "payer", json_object_new_object());
	dflt(o, "payment_methods", json_object_new_object());
	dflt(o, "expires", json_object_new_boolean(0));
	dflt(o, "binary_mode", json_object_new_boolean(0));
	dflt(o, "marketplace", json_object_new_string("NONE"));
	dflt(o, "marketplace_fee", json_object_new_int(0));
	dflt(o, "metadata", json_object_new_object());
	dflt(o, "additional_info", json_object_new_string(""));
	items = sb_jget(o, "items");
	for (i = 0; i < json_object_array_length(items); i++) {
		it = json_object_array_get_idx(items, i);
		dflt(it, "currency_id",
		    json_object_new_string(cfg->site->currency));
		dflt(it, "id", json_object_new_string(""));
		dflt(it, "description", json_object_new_string(""));
	}
	store_lock(c->st);
	c->resp = sb_jdump(o);
	if (store_pref_add(c->st, o) != 0)
		json_object_put(o);
	store_unlock(c->st);
	c->status = 201;
}

void
api_preference_get(struct call *c)
{
	json_object *pref;
	struct mp_error e;

	store_lock(c->st);
	if ((pref = store_pref_find(c->st, c->id)) != NULL) {
		c->status = 200;
		c->resp = sb_jdump(pref);
		store_unlock(c->st);
		return;
	}
	store_unlock(c->st);
	mp_fail_named(&e, 404, "not_found", "preference not found");
	call_error(c, &e);
}
