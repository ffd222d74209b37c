/*
 * webhook.h - POST /webhooks (brickgate(8), WEBHOOKS).
 */
#ifndef BG_WEBHOOK_H
#define BG_WEBHOOK_H

#include "request.h"
#include "handler.h"

/* Answers the request itself (0) or fills e for the router (-1). */
int	 webhook_handle(struct bg_ctx *ctx, struct bg_request *r,
	    struct bg_error *e);

/* What a notification's query and body say (the signature aside). */
struct webhook_note {
	const char	*data_id;	/* data.id, given once, or NULL */
	int		 ipn;		/* topic and id, no data.id: unsigned */
	const char	*type;		/* the query's, else the body's */
};

/* Reads data.id, the IPN shape and the topic from the query. */
void	 webhook_read_query(const struct query *q, struct webhook_note *n);

/* The body's topic, when the query gave none (body may be NULL). */
void	 webhook_read_body(struct webhook_note *n, json_object *body);

/* True when the note names a payment by an id Mercado Pago could have. */
int	 webhook_is_payment(const struct webhook_note *n);

#endif
