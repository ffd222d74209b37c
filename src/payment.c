/*
 * payment.c - POST /process_payment, step by step as brickgate(8), THE
 * PURCHASE'S LIFE, numbers them: read the submission, lock and load the
 * purchase, settle what is recorded, pick the method's module,
 * validate, check against the purchase, build the body, cancel a pending
 * payment, record the attempt, call Mercado Pago, record, answer.
 *
 * Money never passes through a double: the form's amount is compared as
 * integer minor units parsed from its JSON text, and the amount sent is
 * the context's decimal text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "additional_info.h"
#include "json_strict.h"
#include "method.h"
#include "money.h"
#include "mp_body.h"
#include "payment.h"
#include "notify.h"
#include "purchase.h"
#include "randomid.h"
#include "status.h"
#include "response.h"
#include "timefmt.h"

int
payment_read_submission(json_object *root, struct submission *s,
    struct bg_error *e)
{
	static const char *const names[] = { "selectedPaymentMethod",
	    "paymentType", "paymentMethod" };
	json_object *fd, *sel;
	size_t i;

	memset(s, 0, sizeof(*s));
	if (root == NULL)
		return 0;
	if (!json_object_object_get_ex(root, "formData", &fd)) {
		s->form = root;
		return 0;
	}
	if (fd != NULL && !json_object_is_type(fd, json_type_object))
		return bg_fail(e, 400, "invalid_field", "formData",
		    "formData must be an object or null");
	s->form = fd;
	for (i = 0; i < 3 && s->selected == NULL; i++)
		if (json_object_object_get_ex(root, names[i], &sel) &&
		    sel != NULL) {
			if (!json_object_is_type(sel, json_type_string))
				return bg_fail(e, 400, "invalid_field",
				    names[i], "%s must be a string",
				    names[i]);
			s->selected = json_object_get_string(sel);
		}
	if (s->form != NULL && s->selected != NULL &&
	    (strcmp(s->selected, "wallet_purchase") == 0 ||
	    strcmp(s->selected, "onboarding_credits") == 0))
		return bg_fail(e, 400, "invalid_field", "selectedPaymentMethod",
		    "%s is paid on Mercado Pago's side and sends no form data",
		    s->selected);
	return 0;
}

int
payment_read_device_id(const char *header, struct submission *s,
    struct bg_error *e)
{
	size_t i, n = header != NULL ? strlen(header) : 0;

	s->device_id = NULL;
	if (n == 0)
		return 0;	/* an empty header is no header */
	for (i = 0; i < n; i++)
		if ((unsigned char)header[i] <= ' ' ||
		    (unsigned char)header[i] > '~')
			break;
	if (i < n || n > DEVICE_ID_MAX)
		return bg_fail(e, 400, "invalid_field", "X-Meli-Session-Id",
		    "X-Meli-Session-Id must be 1 to %d printable ASCII "
		    "characters without spaces", DEVICE_ID_MAX);
	s->device_id = header;
	return 0;
}

int
payment_refuse_closed(struct purchase *p, struct bg_request *r,
    int new_attempt, struct bg_error *e)
{
	struct attempt *paid = purchase_paid(p);

	if (paid != NULL) {
		bg_fail(e, 409, "purchase_already_paid", NULL,
		    "this purchase is paid (or its payment is being "
		    "processed)");
		respond_error_with(r, e, NULL, paid->summary);
		return 1;
	}
	if (p->c.expires_ms != 0 && now_ms() >= p->c.expires_ms)
		return bg_fail(e, 410, "purchase_expired", NULL,
		    "this purchase expired; start a new checkout");
	if (new_attempt && (long)p->c.n_attempts >= p->cfg->max_attempts)
		return bg_fail(e, 429, "too_many_attempts", NULL,
		    "this purchase made %ld payment attempts already; start "
		    "a new checkout", p->cfg->max_attempts);
	return 0;
}

/* Wallet and credits are paid through the preference: nothing to create. */
static int
answer_wallet(struct purchase *p, struct bg_request *r, struct bg_error *e)
{
	json_object *o;

	if (p->c.preference_id == NULL)
		return bg_fail(e, 409, "no_preference", NULL,
		    "create the preference first (/create_preference)");
	o = json_object_new_object();
	json_object_object_add(o, "action", json_object_new_string(
	    "redirect"));
	json_object_object_add(o, "preference_id",
	    json_object_new_string(p->c.preference_id));
	respond_obj(r, 200, o);
	json_object_put(o);
	return 0;
}

/* Step 3: the module, from payment_method_id through our own table. */
static int
pick(struct method_call *mc, const struct method **m, struct bg_error *e)
{
	json_object *v = form_get(mc->form, "payment_method_id");
	const char *id;

	if (v == NULL)
		return bg_fail(e, 400, "missing_field", "payment_method_id",
		    "payment_method_id is required");
	if (!json_object_is_type(v, json_type_string))
		return bg_fail(e, 400, "invalid_field", "payment_method_id",
		    "payment_method_id must be a string");
	id = json_object_get_string(v);
	if ((mc->pm = pm_find(mc->ctx->site->id, id)) == NULL)
		return bg_fail(e, 400, "unsupported_payment_method",
		    "payment_method_id", "this payment method is not offered "
		    "in %s", mc->ctx->site->country);
	if (mc->pm->family == PM_WALLET)
		return bg_fail(e, 400, "unsupported_payment_method",
		    "payment_method_id", "%s is paid on Mercado Pago's side "
		    "through the preference (/create_preference), not with "
		    "form data", mc->pm->id);
	if ((*m = method_for(mc->pm)) == NULL)
		return bg_fail(e, 400, "unsupported_payment_method",
		    "payment_method_id", "this version of brickgate does not "
		    "take %s payments yet", mc->pm->id);
	if (!context_allows(mc->ctx, mc->pm->id, mc->pm->type))
		return bg_fail(e, 403, "payment_method_not_allowed",
		    "payment_method_id", "this purchase does not accept %s",
		    mc->pm->id);
	return 0;
}

/* The form's metadata members that may reach Mercado Pago. */
static const char *const form_metadata[] = { "metadata.payment_point",
    "metadata.payment_mode" };

static int
check_metadata(json_object *form, struct bg_error *e)
{
	const char *s;
	json_object *v;
	size_t i;

	for (i = 0; i < 2; i++) {
		if ((v = form_get(form, form_metadata[i])) == NULL)
			continue;
		s = json_object_is_type(v, json_type_string) ?
		    json_object_get_string(v) : "";
		if (strlen(s) < 1 || strlen(s) > 32 || s[strspn(s,
		    "abcdefghijklmnopqrstuvwxyz0123456789_")] != '\0')
			return bg_fail(e, 400, "invalid_field",
			    form_metadata[i], "%s must match [a-z0-9_]{1,32}",
			    form_metadata[i]);
	}
	return 0;
}

/* Step 5: the form against the purchase. */
static int
check_purchase(const struct method_call *mc, struct bg_error *e)
{
	const struct bg_context *c = mc->ctx;
	json_object *v;
	const char *email;
	int64_t minor;
	char shown[32];

	if (money_from_json(form_get(mc->form, "transaction_amount"),
	    c->site->decimals, 0, &minor, "transaction_amount", e) == -1)
		return -1;
	if (minor != c->amount) {
		money_format(minor, c->site->decimals, shown, sizeof(shown));
		return bg_fail(e, 400, "amount_mismatch",
		    "transaction_amount", "transaction_amount %s does not "
		    "match the purchase (%s)", shown, c->amount_text);
	}
	email = form_str(mc->form, "payer.email");
	if (c->email != NULL && email != NULL && strcasecmp(email, c->email)
	    != 0)
		return bg_fail(e, 400, "payer_mismatch", "payer.email",
		    "payer.email is not the purchase's buyer");
	v = form_get(mc->form, "installments");
	if (c->max_installments > 0 && v != NULL &&
	    json_object_get_int64(v) > c->max_installments)
		return bg_fail(e, 400, "invalid_field", "installments",
		    "this purchase allows at most %ld installments",
		    c->max_installments);
	return 0;
}

static json_object *
metadata(const struct method_call *mc)
{
	json_object *md = json_object_new_object(), *v;
	size_t i;

	if (mc->ctx->metadata != NULL) {
		json_object_object_foreach(mc->ctx->metadata, k, m)
			json_object_object_add(md, k, json_object_get(m));
	}
	for (i = 0; i < 2; i++)
		if ((v = form_get(mc->form, form_metadata[i])) != NULL)
			json_object_object_add(md, form_metadata[i] + 9,
			    json_object_get(v));
	return md;
}

/*
 * Step 6: the body from the server's side (context and configuration)
 * plus what the module takes from the form, field by field: nothing the
 * browser adds reaches Mercado Pago.
 */
static json_object *
build_body(const struct method_call *mc, const struct method *m,
    struct bg_error *e)
{
	const struct bg_context *c = mc->ctx;
	json_object *body = json_object_new_object(), *ai;
	const char *sd;

	json_object_object_add(body, "transaction_amount",
	    money_to_json(c->amount, c->site->decimals));
	if (c->description != NULL)
		json_object_object_add(body, "description",
		    json_object_new_string(c->description));
	json_object_object_add(body, "external_reference",
	    json_object_new_string(c->id));
	if (mc->cfg->notification_url != NULL)
		json_object_object_add(body, "notification_url",
		    mp_notification_url(mc->cfg));
	sd = c->statement_descriptor ? c->statement_descriptor :
	    mc->cfg->statement_descriptor;
	if (sd != NULL)
		json_object_object_add(body, "statement_descriptor",
		    json_object_new_string(sd));
	if ((ai = additional_info_build(mc, m->fields)) != NULL)
		json_object_object_add(body, "additional_info", ai);
	json_object_object_add(body, "metadata", metadata(mc));
	if (m->build(mc, body, e) == -1) {
		json_object_put(body);
		return NULL;
	}
	return body;
}

void
note_payment(struct bg_request *r, const struct attempt *a)
{
	if (a->payment_id > 0)
		snprintf(r->payment_id, sizeof(r->payment_id), "%lld",
		    (long long)a->payment_id);
	if (a->method_id != NULL)
		snprintf(r->payment_method, sizeof(r->payment_method), "%s",
		    a->method_id);
	if (a->status != NULL)
		snprintf(r->payment_status, sizeof(r->payment_status), "%s",
		    a->status);
}

/*
 * Step 7, first half: a pending payment (Pix code, voucher, abandoned
 * 3DS challenge) is cancelled before another is made.  If Mercado Pago
 * will not cancel it, it may have been paid meanwhile: read it again.
 * Returns 1 when it answered the request (paid meanwhile).
 */
static int
cancel_pending(struct purchase *p, struct bg_request *r, struct bg_error *e)
{
	struct attempt *a = context_latest(&p->c);
	struct mp_reply rep;
	char path[64], key[UUID_LEN + 1];
	json_object *body;
	int rc;

	if (a == NULL || a->status == NULL || strcmp(a->status, "pending") != 0)
		return 0;
	snprintf(path, sizeof(path), "/v1/payments/%lld",
	    (long long)a->payment_id);
	if (uuid_v4(key, sizeof(key), e) == -1)
		return -1;
	body = json_object_new_object();
	json_object_object_add(body, "status", json_object_new_string(
	    "cancelled"));
	rc = mp_call(p->mp, "PUT", path, json_plain(body), key, NULL,
	    purchase_call_budget(p), &rep);
	json_object_put(body);
	p->upstream_ms += rep.ms;
	if (rc == 0 && rep.status == 200 &&
	    json_object_is_type(form_get(rep.json, "id"), json_type_int))
		purchase_record(p, a, rep.json);
	mp_reply_clear(&rep);
	if (!status_final(a->status)) {
		/* Not cancelled: settle reads it again, whatever it is. */
		purchase_settle(p, 0, 0, e);
		if ((rc = payment_refuse_closed(p, r, 0, e)) != 0)
			return rc;
		if (!status_final(a->status))
			return bg_fail(e, 502, "upstream_error", NULL,
			    "Mercado Pago did not cancel the pending payment; "
			    "nothing was created");
	}
	return purchase_save(p, e);
}

/* The attempt to use: the open one (its key may have made a payment). */
static struct attempt *
open_attempt(struct purchase *p, const struct pm *pm, struct bg_error *e)
{
	struct attempt *a = context_latest(&p->c);
	char key[UUID_LEN + 1];

	if (a != NULL && a->state == ATTEMPT_CREATING) {
		if (attempt_set(&a->method_id, pm->id) == -1 ||
		    attempt_set(&a->type_id, pm->type) == -1) {
			bg_fail(e, 500, "internal_error", NULL,
			    "out of memory");
			return NULL;
		}
		return a;
	}
	if (purchase_attempt_key(p, key, e) == -1)
		return NULL;
	return context_add_attempt(&p->c, key, pm->id, pm->type, now_ms(), e);
}

json_object *
payment_upstream(const struct mp_reply *rep, json_object *causes)
{
	json_object *up = json_object_new_object();

	json_object_object_add(up, "status",
	    json_object_new_int((int)rep->status));
	json_object_object_add(up, "causes", causes);
	return up;
}

int
payment_answer_refusal(struct purchase *p, struct bg_request *r,
    const struct mp_reply *rep, json_object *up, const char *what,
    struct bg_error *e)
{
	const char *msg = form_str(rep->json, "message");

	if (rep->status == 401 || rep->status == 403) {
		log_msg(p->log, CFG_LOG_ERROR, "Mercado Pago refused the access "
		    "token (HTTP %ld, causes %s): check access_token_file",
		    rep->status, json_plain(form_get(up, "causes")));
		return bg_fail(e, 500, "misconfigured", NULL, "the payment "
		    "service is misconfigured; the details are in the "
		    "server's log");
	}
	bg_fail(e, 422, "payment_refused", NULL, "Mercado Pago refused the "
	    "%s: %s", what, msg ? msg : "see upstream.causes");
	respond_error_with(r, e, up, NULL);
	return 0;
}

/* A 4xx that closes the attempt: recorded, then 422 or 500. */
static int
refused(struct purchase *p, struct bg_request *r, struct attempt *a,
    const struct mp_reply *rep, struct bg_error *e)
{
	json_object *up = payment_upstream(rep, mp_causes(rep->json));
	int rc;

	a->state = ATTEMPT_REFUSED;
	json_object_put(a->refusal);
	a->refusal = json_object_get(up);
	purchase_save(p, e);
	rc = payment_answer_refusal(p, r, rep, up, "payment", e);
	json_object_put(up);
	return rc;
}

/*
 * Mercado Pago says the attempt's key made something already, but gave
 * no payment back (422 cause 422001, documented for Advanced Payments
 * and answered alike here): a payment of this attempt whose record a
 * power cut lost.  A search finds it and the attempt records it; not
 * found, the attempt stays open and the buyer is asked to try again.
 */
static int
key_used(const struct mp_reply *rep)
{
	return rep->status == 422 && mp_has_cause(rep->json, "422001");
}

static int
settle_key_used(struct purchase *p, struct bg_request *r, struct attempt *a,
    struct bg_error *e)
{
	log_msg(p->log, CFG_LOG_WARN, "purchase %s: Mercado Pago says the "
	    "attempt's key was used already; searching for its payment",
	    p->c.id);
	if (purchase_settle(p, 0, REFRESH_MS, e) == -1)
		return -1;
	if (a->state != ATTEMPT_CREATED || a->summary == NULL)
		return bg_fail(e, 502, "upstream_error", NULL, "Mercado Pago "
		    "holds this attempt's key but its payment was not found "
		    "yet; try again: the same attempt resumes and cannot "
		    "charge twice");
	note_payment(r, a);
	respond_obj(r, 201, a->summary);
	return 0;
}

/* Step 7, second half, and step 8. */
static int
create(struct purchase *p, struct bg_request *r, const struct pm *pm,
    json_object *body, struct bg_error *e)
{
	struct mp_reply rep;
	struct attempt *a;
	enum post_outcome outcome;
	int rc = 0;

	if ((a = open_attempt(p, pm, e)) == NULL)
		return -1;
	note_payment(r, a);
	/*
	 * Recorded before the call, or no call at all; not waiting for the
	 * disk, as the key it holds would come back (doc/design.md,
	 * Durability).
	 */
	if (purchase_save_open(p, e) == -1)
		return bg_fail(e, 500, "internal_error", NULL,
		    "the purchase could not be recorded; nothing was charged");
	outcome = purchase_post(p, "/v1/payments", body, a->key,
	    purchase_payment_complete, &rep);
	if (outcome == POST_DONE) {
		purchase_record(p, a, rep.json);
		if (purchase_save(p, e) == -1)
			log_msg(p->log, CFG_LOG_ERROR, "purchase %s: payment made "
			    "but not recorded; the next request finds it by "
			    "search", p->c.id);
		note_payment(r, a);
		respond_obj(r, 201, a->summary);
	} else if (outcome == POST_REFUSED && key_used(&rep))
		rc = settle_key_used(p, r, a, e);
	else if (outcome == POST_REFUSED)
		rc = refused(p, r, a, &rep, e);
	else {
		purchase_save(p, e);
		rc = rep.status == 0 ? bg_fail(e, 504, "upstream_timeout",
		    NULL, "Mercado Pago did not answer in time; try again: "
		    "the same attempt resumes and cannot charge twice") :
		    bg_fail(e, 502, "upstream_error", NULL, "Mercado Pago "
		    "answered with an error; try again: the same attempt "
		    "resumes and cannot charge twice");
	}
	mp_reply_clear(&rep);
	return rc;
}

json_object *
payment_prepare(struct method_call *mc, struct bg_error *e)
{
	const struct method *m = NULL;

	if (pick(mc, &m, e) == -1 ||
	    form_validate(mc->form, m->fields, e) == -1 ||
	    m->validate(mc, e) == -1 || check_metadata(mc->form, e) == -1 ||
	    check_purchase(mc, e) == -1)
		return NULL;
	return build_body(mc, m, e);
}

/* Steps 3 to 8, once the purchase is loaded and open for a payment. */
static int
pay(struct bg_ctx *ctx, struct purchase *p, struct bg_request *r,
    const struct submission *s, struct bg_error *e)
{
	struct method_call mc;
	json_object *body;
	int rc;

	memset(&mc, 0, sizeof(mc));
	mc.cfg = ctx->cfg;
	mc.ctx = &p->c;
	mc.form = s->form;
	mc.remote_addr = r->io->param(r->io, "REMOTE_ADDR");
	mc.now_ms = now_ms();
	if ((body = payment_prepare(&mc, e)) == NULL)
		return -1;
	rc = cancel_pending(p, r, e);
	/* Mercado Pago scores the payment's creation with it, nothing else. */
	p->device_id = s->device_id;
	if (rc == 0)
		rc = create(p, r, mc.pm, body, e);
	else if (rc == 1)
		rc = 0;		/* paid meanwhile: 409 sent */
	json_object_put(body);
	return rc;
}

int
payment_process(struct bg_ctx *ctx, struct bg_request *r,
    struct bg_error *e)
{
	struct submission s;
	struct purchase p;
	struct attempt *latest;
	int rc;

	if (request_purchase_id(r, e) == -1 ||
	    request_read_json(r, ctx->cfg->max_body_bytes, 1, e) == -1 ||
	    payment_read_submission(r->json, &s, e) == -1 ||
	    payment_read_device_id(r->io->param(r->io,
	    "HTTP_X_MELI_SESSION_ID"), &s, e) == -1)
		return -1;
	purchase_init(&p, ctx->cfg, r->store, r->mp, ctx->log,
	    ctx->cfg->request_deadline_ms);
	rc = purchase_open_settled(&p, r->purchase_id, e);
	if (rc == 0) {
		latest = context_latest(&p.c);
		rc = payment_refuse_closed(&p, r, s.form != NULL &&
		    (latest == NULL || latest->state != ATTEMPT_CREATING), e);
		if (rc == 1)
			rc = 0;
		else if (rc == 0 && s.form == NULL)
			rc = answer_wallet(&p, r, e);
		else if (rc == 0)
			rc = pay(ctx, &p, r, &s, e);
	}
	r->upstream_ms = p.upstream_ms;
	r->notify_paid = purchase_owes_notice(&p);
	purchase_close(&p);
	return rc;
}
