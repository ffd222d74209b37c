/*
 * webhook.h - POST /webhooks (contract section 6).
 */
#ifndef BG_WEBHOOK_H
#define BG_WEBHOOK_H

#include "request.h"
#include "server.h"

/* Answers the request itself (0) or fills e for the router (-1). */
int	 webhook_handle(struct bg_ctx *ctx, struct bg_request *r,
	    struct bg_error *e);

#endif
