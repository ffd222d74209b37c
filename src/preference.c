/*
 * preference.c - POST /create_preference: the Mercado Pago preference
 * behind the Brick's wallet and consumer-credits options (brickgate(8),
 * PAYMENT METHODS).  The buyer pays those on Mercado Pago's side; brickgate
 * finds the payment later by searching for the purchase id, which the
 * preference carries as external_reference.
 *
 * A purchase has at most one preference: it is made under the purchase's
 * lock and its id recorded before the answer, so a second call (a reload,
 * a second tab) gets the same id and reaches Mercado Pago not at all.
 *
 * The preference keeps the purchase's limits: what the context does not
 * allow is excluded (by type, or by id where the type is allowed), and
 * max_installments caps the instalments.  Mercado Pago never lets a
 * preference exclude the buyer's account money, so a purchase that does
 * not accept it cannot be paid through the wallet at all.
 */
#include <stdio.h>
#include <string.h>

#include "form.h"
#include "json_strict.h"
#include "utf8.h"
#include "money.h"
#include "mp_body.h"
#include "notify.h"
#include "payment.h"
#include "paymethod.h"
#include "preference.h"
#include "purchase.h"
#include "randomid.h"
#include "response.h"
#include "timefmt.h"

#define PREF_MAX_INSTALLMENTS	36

/* The context's items when each has a title and they add up exactly. */
static int
items_fit(const struct bg_context *c)
{
	json_object *it;
	struct bg_error e;
	int64_t sum = 0, unit, line;
	size_t i, n;

	if (c->items == NULL || (n = json_object_array_length(c->items)) == 0)
		return 0;
	for (i = 0; i < n; i++) {
		it = json_object_array_get_idx(c->items, i);
		if (form_str(it, "title") == NULL ||
		    *form_str(it, "title") == '\0' ||
		    money_from_json(form_get(it, "unit_price"),
		    c->site->decimals, 1, &unit, "unit_price", &e) == -1 ||
		    __builtin_mul_overflow(unit, json_object_get_int64(
		    form_get(it, "quantity")), &line) ||
		    __builtin_add_overflow(sum, line, &sum))
			return 0;
	}
	return sum == c->amount;
}

/* Else one item: the purchase as a whole, so the total is exact. */
static json_object *
pref_items(const struct bg_context *c)
{
	json_object *items, *it;
	char title[96];

	if (items_fit(c))
		return mp_items(c);
	if (c->description != NULL)
		snprintf(title, sizeof(title), "%s", c->description);
	else
		snprintf(title, sizeof(title), "Purchase %s", c->id);
	utf8_cut(title);	/* a long description is cut */
	it = json_object_new_object();
	json_object_object_add(it, "title", json_object_new_string(title));
	json_object_object_add(it, "quantity", json_object_new_int(1));
	json_object_object_add(it, "unit_price",
	    money_to_json(c->amount, c->site->decimals));
	items = json_object_new_array();
	json_object_array_add(items, it);
	return items;
}

/* The preference's payer names its members unlike a payment's. */
static json_object *
pref_payer(const struct bg_context *c)
{
	static const struct {
		const char *from, *to;
	} map[] = {
		{ "email", "email" }, { "first_name", "name" },
		{ "last_name", "surname" },
		{ "identification", "identification" }, { "phone", "phone" },
	};
	json_object *payer = json_object_new_object(), *v;
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if ((v = form_get(c->payer, map[i].from)) != NULL)
			json_object_object_add(payer, map[i].to,
			    json_object_get(v));
	return payer;
}

static void
add(json_object *o, const char *key, json_object *v)
{
	if (v != NULL)
		json_object_object_add(o, key, v);
}

/* True when the context allows some method of `type` on its site. */
static int
type_allowed(const struct bg_context *c, const char *type)
{
	const struct pm *all;
	size_t i, n;

	all = pm_all(&n);
	for (i = 0; i < n; i++)
		if (strcmp(all[i].type, type) == 0 &&
		    pm_offered(&all[i], c->site->id) &&
		    context_allows(c, all[i].id, all[i].type))
			return 1;
	return 0;
}

/* Adds {"id": id} to arr unless an earlier entry has that id. */
static void
add_id(json_object *arr, const char *id)
{
	json_object *o;
	size_t i;

	for (i = 0; i < json_object_array_length(arr); i++)
		if (strcmp(form_str(json_object_array_get_idx(arr, i), "id"),
		    id) == 0)
			return;
	o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_string(id));
	json_object_array_add(arr, o);
}

/*
 * payment_methods: the site's types the context allows none of, the
 * methods it does not allow among the types it does, max_installments.
 * NULL when the purchase sets no limit.
 */
static json_object *
pref_payment_methods(const struct bg_context *c)
{
	json_object *pm, *types, *ids;
	const struct pm *all;
	size_t i, n;

	if (c->methods == NULL && c->max_installments == 0)
		return NULL;
	pm = json_object_new_object();
	types = json_object_new_array();
	ids = json_object_new_array();
	all = pm_all(&n);
	for (i = 0; c->methods != NULL && i < n; i++) {
		/* Never account money: Mercado Pago refuses to exclude it. */
		if (!pm_offered(&all[i], c->site->id) ||
		    context_allows(c, all[i].id, all[i].type) ||
		    strcmp(all[i].type, "account_money") == 0)
			continue;
		if (!type_allowed(c, all[i].type))
			add_id(types, all[i].type);
		else
			add_id(ids, all[i].id);
	}
	add(pm, "excluded_payment_types", types);
	add(pm, "excluded_payment_methods", ids);
	/* Mercado Pago takes 1 to 36; a purchase allowing more allows 36. */
	if (c->max_installments > 0)
		add(pm, "installments", json_object_new_int64(
		    c->max_installments < PREF_MAX_INSTALLMENTS ?
		    c->max_installments : PREF_MAX_INSTALLMENTS));
	return pm;
}

json_object *
preference_body(const struct bg_config *cfg, const struct bg_context *c)
{
	json_object *body = json_object_new_object(), *back;
	static const char *const outcomes[] = { "success", "pending",
	    "failure" };
	const char *sd;
	char until[40];
	size_t i;

	add(body, "items", pref_items(c));
	if (c->payer != NULL)
		add(body, "payer", pref_payer(c));
	add(body, "external_reference", json_object_new_string(c->id));
	add(body, "notification_url", mp_notification_url(cfg));
	if (cfg->return_url != NULL) {
		back = json_object_new_object();
		for (i = 0; i < 3; i++)
			add(back, outcomes[i], mp_url_for_purchase(
			    cfg->return_url, c->id));
		add(body, "back_urls", back);
		add(body, "auto_return", json_object_new_string("approved"));
	}
	if (c->purpose != NULL)
		add(body, "purpose", json_object_new_string(c->purpose));
	add(body, "payment_methods", pref_payment_methods(c));
	if (c->expires_ms != 0) {
		rfc3339_format_offset(c->expires_ms, until, sizeof(until));
		add(body, "expires", json_object_new_boolean(1));
		add(body, "expiration_date_to", json_object_new_string(until));
	}
	sd = c->statement_descriptor ? c->statement_descriptor :
	    cfg->statement_descriptor;
	if (sd != NULL)
		add(body, "statement_descriptor", json_object_new_string(sd));
	if (c->metadata != NULL)
		add(body, "metadata", json_object_get(c->metadata));
	return body;
}

/* A preference we can record: a non-empty string id. */
static int
pref_complete(json_object *pref)
{
	const char *id = form_str(pref, "id");

	return id != NULL && *id != '\0' && strlen(id) <= 128;
}

/* Mercado Pago's refusal: its causes, or its error word when it has none. */
static int
refused(struct purchase *p, struct bg_request *r, const struct mp_reply *rep,
    struct bg_error *e)
{
	json_object *up, *causes, *c;
	const char *word = form_str(rep->json, "error");
	const char *msg = form_str(rep->json, "message");
	int rc;

	causes = mp_causes(rep->json);
	if (json_object_array_length(causes) == 0 && word != NULL) {
		c = json_object_new_object();
		json_object_object_add(c, "code", json_object_new_string(word));
		if (msg != NULL)
			json_object_object_add(c, "description",
			    json_object_new_string(msg));
		json_object_array_add(causes, c);
	}
	up = payment_upstream(rep, causes);
	if (rep->status != 401 && rep->status != 403)
		log_msg(p->log, CFG_LOG_ERROR, "purchase %s: Mercado Pago refused "
		    "the preference (HTTP %ld, causes %s)", p->c.id,
		    rep->status, json_plain(causes));
	rc = payment_answer_refusal(p, r, rep, up, "preference", e);
	json_object_put(up);
	return rc;
}

/* Makes the preference and records its id; answers either way. */
static int
create(struct purchase *p, struct bg_request *r, struct bg_error *e)
{
	json_object *body;
	enum post_outcome outcome;
	struct mp_reply rep;
	char key[UUID_LEN + 1];
	int rc = 0;

	if (uuid_v4(key, sizeof(key), e) == -1)
		return -1;
	body = preference_body(p->cfg, &p->c);
	outcome = purchase_post(p, "/checkout/preferences", body, key,
	    pref_complete, &rep);
	json_object_put(body);
	if (outcome == POST_DONE) {
		context_set_preference(&p->c, form_str(rep.json, "id"));
		if (purchase_save(p, e) == -1)
			rc = bg_fail(e, 500, "internal_error", NULL, "the "
			    "preference could not be recorded");
		else
			respond_string(r, 200, "preference_id",
			    p->c.preference_id);
	} else if (outcome == POST_REFUSED)
		rc = refused(p, r, &rep, e);
	else
		rc = rep.status == 0 ? bg_fail(e, 504, "upstream_timeout",
		    NULL, "Mercado Pago did not answer in time; try again") :
		    bg_fail(e, 502, "upstream_error", NULL, "Mercado Pago "
		    "answered with an error; try again");
	mp_reply_clear(&rep);
	return rc;
}

int
preference_create(struct bg_ctx *ctx, struct bg_request *r,
    struct bg_error *e)
{
	struct purchase p;
	int rc;

	if (request_purchase_id(r, e) == -1)
		return -1;
	purchase_init(&p, ctx->cfg, r->store, r->mp, ctx->log,
	    ctx->cfg->request_deadline_ms);
	rc = purchase_open_settled(&p, r->purchase_id, e);
	if (rc == 0) {
		rc = payment_refuse_closed(&p, r, 0, e);
		if (rc == 1)
			rc = 0;
		else if (rc == 0 && p.c.preference_id != NULL)
			respond_string(r, 200, "preference_id",
			    p.c.preference_id);
		else if (rc == 0 && !context_allows(&p.c, "account_money",
		    "account_money"))
			rc = bg_fail(e, 403, "payment_method_not_allowed", NULL,
			    "this purchase does not accept account_money, which "
			    "Mercado Pago's wallet always offers");
		else if (rc == 0)
			rc = create(&p, r, e);
	}
	r->upstream_ms = p.upstream_ms;
	r->notify_paid = purchase_owes_notice(&p);
	purchase_close(&p);
	return rc;
}
