/*
 * webhook.c - POST /webhooks: Mercado Pago's payment notifications
 * (contract section 6).
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
param(struct bg_request *r, const char *key, int *present)
{
	const char *v = NULL;
	enum query_found f = query_get(&r->query, key, &v);

	if (present != NULL)
		*present = f != Q_ABSENT;
	return f == Q_ONE ? v : NULL;
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
		log_msg(ctx->log, LOG_WARN, "webhook refused: %s", why);
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
	mp_call(p->mp, "GET", path, NULL, NULL, purchase_call_budget(p), &rep);
	p->upstream_ms += rep.ms;
	if (rep.status == 404)
		rc = 1;
	else if (rep.status == 200 && payment_complete(rep.json))
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
	json_object *a, *open;
	const char *state;
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
	state = open ? form_str(open, "state") : NULL;
	if (state == NULL || strcmp(state, "creating") != 0)
		open = NULL;
	a = purchase_learn(p, pay, open);
	note_payment(r, a);
	if (purchase_save(p, e) == -1)
		return bg_fail(e, 500, "internal_error", NULL, "the payment "
		    "could not be recorded; the notification will come again");
	return ack(r, "recorded");
}

int
webhook_handle(struct bg_ctx *ctx, struct bg_request *r, struct bg_error *e)
{
	struct purchase p;
	json_object *pay = NULL;
	const char *data_id, *type;
	int has_data_id, rc;

	if (ctx->cfg->webhook_secret_file == NULL)
		return bg_fail(e, 503, "webhooks_not_configured", NULL,
		    "webhooks are disabled: set webhook_secret_file");
	data_id = param(r, "data.id", &has_data_id);
	/* The older IPN calls cannot be verified: acknowledged, unused. */
	if (!has_data_id && param(r, "topic", NULL) != NULL &&
	    param(r, "id", NULL) != NULL)
		return ack(r, "ignored");
	if (verify(ctx, r, data_id, e) == -1)
		return -1;
	/* Mercado Pago puts the topic in the query; the body says it too. */
	if ((type = param(r, "type", NULL)) == NULL &&
	    request_read_json(r, ctx->cfg->max_body_bytes, 0, e) == 0)
		type = form_str(r->json, "type");
	bg_error_clear(e);
	if (type == NULL || strcmp(type, "payment") != 0 || data_id == NULL ||
	    *data_id == '\0' || strlen(data_id) > 19 ||
	    data_id[strspn(data_id, "0123456789")] != '\0')
		return ack(r, "ignored");
	snprintf(r->payment_id, sizeof(r->payment_id), "%s", data_id);
	purchase_init(&p, ctx->cfg, ctx->store, r->mp, ctx->log,
	    ctx->cfg->request_deadline_ms);
	rc = fetch(&p, data_id, &pay, e);
	if (rc == 1)
		rc = ack(r, "ignored");
	else if (rc == 0)
		rc = record(r, &p, pay, e);
	json_object_put(pay);
	r->upstream_ms = p.upstream_ms;
	purchase_close(&p);
	return rc;
}
