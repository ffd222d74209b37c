/*
 * payment_status.c - GET /payment_status: the purchase's latest payment
 * as brickgate knows it, settled first (at most every 5 seconds) so that
 * a page polling a Pix code sees it paid even where webhooks cannot
 * reach the shop.  It never creates or cancels a payment.
 */
#include <stdio.h>
#include <string.h>

#include "form.h"
#include "payment.h"
#include "purchase.h"
#include "response.h"

/* The latest attempt that has a payment, skipping refused requests. */
static json_object *
latest_summary(struct purchase *p, int *creating)
{
	json_object *all = context_attempts(&p->c), *a;
	size_t n = json_object_array_length(all);
	const char *state;

	*creating = 0;
	while (n-- > 0) {
		a = json_object_array_get_idx(all, n);
		state = form_str(a, "state");
		if (state != NULL && strcmp(state, "refused") == 0)
			continue;
		if (state != NULL && strcmp(state, "creating") == 0) {
			*creating = 1;
			return NULL;
		}
		return form_get(a, "summary");
	}
	return NULL;
}

int
payment_status(struct bg_ctx *ctx, struct bg_request *r, struct bg_error *e)
{
	struct purchase p;
	json_object *sum;
	int rc, creating;

	if (request_purchase_id(r, e) == -1)
		return -1;
	purchase_init(&p, ctx->cfg, r->store, r->mp, ctx->log,
	    ctx->cfg->api_timeout_ms);
	rc = purchase_open(&p, r->purchase_id, e);
	/* Busy: a payment is being made; answer from the file as it is. */
	if (rc == 1)
		rc = purchase_peek(&p, r->purchase_id, e);
	else if (rc == 0)
		rc = purchase_settle(&p, REFRESH_MS, REFRESH_MS, e);
	if (rc == 0) {
		sum = latest_summary(&p, &creating);
		if (sum != NULL) {
			note_payment(r, sum);
			respond_obj(r, 200, sum);
		} else
			rc = bg_fail(e, 404, "no_payment", NULL, creating ?
			    "a payment is being created; ask again shortly" :
			    "no payment was made for this purchase");
	}
	r->upstream_ms = p.upstream_ms;
	purchase_close(&p);
	return rc;
}
