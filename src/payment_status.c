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
#include "notify.h"
#include "purchase.h"
#include "response.h"

/* The latest attempt that has a payment, skipping refused requests. */
static struct attempt *
latest_made(struct purchase *p, int *creating)
{
	struct attempt *a;
	size_t n = p->c.n_attempts;

	*creating = 0;
	while (n-- > 0) {
		a = p->c.attempts[n];
		if (a->state == ATTEMPT_REFUSED)
			continue;
		*creating = a->state == ATTEMPT_CREATING;
		return *creating || a->summary == NULL ? NULL : a;
	}
	return NULL;
}

int
payment_status(struct bg_ctx *ctx, struct bg_request *r, struct bg_error *e)
{
	struct purchase p;
	struct attempt *a;
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
		a = latest_made(&p, &creating);
		if (a != NULL) {
			note_payment(r, a);
			respond_obj(r, 200, a->summary);
		} else
			rc = bg_fail(e, 404, "no_payment", NULL, creating ?
			    "a payment is being created; ask again shortly" :
			    "no payment was made for this purchase");
	}
	r->upstream_ms = p.upstream_ms;
	r->notify_paid = purchase_owes_notice(&p);
	purchase_close(&p);
	return rc;
}
