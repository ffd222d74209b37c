/*
 * webhook.c - POST /webhooks: Mercado Pago's payment notifications
 * (brickgate(8), WEBHOOKS).
 *
 * A notification is only a pointer: the payment is read again from the
 * API, so a replayed, reordered or duplicated notification can do no
 * harm, and the recording rules of purchase.c (never from final back to
 * not final, never older over newer, mismatches flagged) decide what
 * changes.  Anything not ours is acknowledged with 200 so that Mercado
 * Pago stops sending it; only a failure to record answers 5xx, so that
 * it retries.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "form.h"
#include "payment.h"
#include "notify.h"
#include "purchase.h"
#include "response.h"
#include "signature.h"
#include "webhook.h"

#define SECRET_MAX	512

static int
ack(struct bg_request *r, const char *what)
{
	respond_string(r, 200, "status", what);
	return 0;
}

/* The one value of a query parameter, or NULL (absent, bad, repeated). */
static const char *
param(const struct query *q, const char *key, int *present)
{
	const char *v = NULL;
	enum query_found f = query_get(q, key, &v);

	if (present != NULL)
		*present = f != Q_ABSENT;
	return f == Q_ONE ? v : NULL;
}

void
webhook_read_query(const struct query *q, struct webhook_note *n)
{
	int has_data_id;

	memset(n, 0, sizeof(*n));
	n->data_id = param(q, "data.id", &has_data_id);
	/* The older IPN calls cannot be verified: acknowledged, unused. */
	n->ipn = !has_data_id && param(q, "topic", NULL) != NULL &&
	    param(q, "id", NULL) != NULL;
	/* Mercado Pago puts the topic in the query; the body says it too. */
	n->type = param(q, "type", NULL);
}

void
webhook_read_body(struct webhook_note *n, json_object *body)
{
	if (n->type == NULL)
		n->type = form_str(body, "type");
}

int
webhook_is_payment(const struct webhook_note *n)
{
	const char *id = n->data_id;

	return n->type != NULL && strcmp(n->type, "payment") == 0 &&
	    id != NULL && *id != '\0' && strlen(id) <= 19 &&
	    id[strspn(id, "0123456789")] == '\0';
}

static int
verify(struct bg_ctx *ctx, struct bg_request *r, const char *data_id,
    struct bg_error *e)
{
	struct signature_check c;
	char secret[SECRET_MAX], why[128];
	int rc;

	if (secrets_webhook(ctx->secrets, secret, sizeof(secret)) == -1)
		return bg_fail(e, 503, "webhooks_not_configured", NULL,
		    "webhooks are disabled: the secret could not be read");
	memset(&c, 0, sizeof(c));
	c.secret = secret;
	c.header = request_header(r, "X-Signature");
	c.data_id = data_id;
	c.request_id = request_header(r, "X-Request-Id");
	c.now = (int64_t)time(NULL);
	c.max_age_s = ctx->cfg->webhook_max_age_s;
	rc = signature_verify(&c, why, sizeof(why));
	OPENSSL_cleanse(secret, sizeof(secret));
	if (rc == -1) {
		log_msg(ctx->log, CFG_LOG_WARN, "webhook refused: %s", why);
		return bg_fail(e, 401, "invalid_signature", NULL,
		    "the notification's signature is not valid");
	}
	return 0;
}

/* GET /v1/payments/{id}; 1 when Mercado Pago has no such payment. */
static int
fetch(struct purchase *p, const char *id, json_object **out,
    struct bg_error *e)
{
	struct mp_reply rep;
	char path[64];
	int rc = 0;

	*out = NULL;
	snprintf(path, sizeof(path), "/v1/payments/%s", id);
	mp_call(p->mp, "GET", path, NULL, NULL, NULL, purchase_call_budget(p),
	    &rep);
	p->upstream_ms += rep.ms;
	if (rep.status == 404)
		rc = 1;
	else if (rep.status == 200 && purchase_payment_complete(rep.json))
		*out = json_object_get(rep.json);
	else if (rep.status == 0)
		rc = bg_fail(e, 504, "upstream_timeout", NULL, "Mercado Pago "
		    "did not answer in time; the notification will come "
		    "again");
	else
		rc = bg_fail(e, 502, "upstream_error", NULL, "Mercado Pago "
		    "could not be asked for the payment (%s%ld); the "
		    "notification will come again", rep.why, rep.status);
	mp_reply_clear(&rep);
	return rc;
}

/* Records the payment in its purchase, under the purchase's lock. */
static int
record(struct bg_request *r, struct purchase *p, json_object *pay,
    struct bg_error *e)
{
	const char *ref = form_str(pay, "external_reference");
	struct attempt *a, *open;
	int rc;

	if (ref == NULL || !purchase_id_valid(ref))
		return ack(r, "ignored");
	snprintf(r->purchase_id, sizeof(r->purchase_id), "%s", ref);
	rc = purchase_open(p, ref, e);
	if (rc == -1 && e->status == 404) {
		bg_error_clear(e);
		return ack(r, "ignored");	/* another shop's, say */
	}
	if (rc == 1)
		return bg_fail(e, 503, "payment_in_progress", NULL,
		    "the purchase is busy; the notification will come again");
	if (rc == -1)
		return -1;
	open = context_latest(&p->c);
	if (open != NULL && open->state != ATTEMPT_CREATING)
		open = NULL;
	if ((a = purchase_learn(p, pay, open, e)) == NULL)
		return -1;
	note_payment(r, a);
	if (purchase_save(p, e) == -1)
		return bg_fail(e, 500, "internal_error", NULL, "the payment "
		    "could not be recorded; the notification will come again");
	return ack(r, "recorded");
}

int
webhook_handle(struct bg_ctx *ctx, struct bg_request *r, struct bg_error *e)
{
	struct webhook_note n;
	struct purchase p;
	json_object *pay = NULL;
	int rc;

	if (ctx->cfg->webhook_secret_file == NULL)
		return bg_fail(e, 503, "webhooks_not_configured", NULL,
		    "webhooks are disabled: set webhook_secret_file");
	webhook_read_query(&r->query, &n);
	if (n.ipn) {
		if (atomic_exchange(&ctx->ipn_warned, 1) == 0)
			log_msg(ctx->log, CFG_LOG_WARN, "an IPN notification "
			    "(topic=&id=, unsigned) was acknowledged and "
			    "ignored; only signed webhooks are read: in Mercado "
			    "Pago's panel, configure Webhooks, not IPN, with "
			    "source_news=webhooks in the notification URL");
		return ack(r, "ignored");
	}
	if (verify(ctx, r, n.data_id, e) == -1)
		return -1;
	/* A body that is not strict JSON says nothing: ignored below. */
	if (n.type == NULL &&
	    request_read_json(r, ctx->cfg->max_body_bytes, 0, e) == 0)
		webhook_read_body(&n, r->json);
	bg_error_clear(e);
	if (!webhook_is_payment(&n))
		return ack(r, "ignored");
	snprintf(r->payment_id, sizeof(r->payment_id), "%s", n.data_id);
	purchase_init(&p, ctx->cfg, r->store, r->mp, ctx->log,
	    ctx->cfg->request_deadline_ms);
	rc = fetch(&p, n.data_id, &pay, e);
	if (rc == 1)
		rc = ack(r, "ignored");
	else if (rc == 0)
		rc = record(r, &p, pay, e);
	json_object_put(pay);
	r->upstream_ms = p.upstream_ms;
	r->notify_paid = purchase_owes_notice(&p);
	purchase_close(&p);
	return rc;
}
