/*
 * preference.h - POST /create_preference (contract section 3).
 */
#ifndef BG_PREFERENCE_H
#define BG_PREFERENCE_H

#include "request.h"
#include "server.h"

/* Answers the request itself (0) or fills e for the router (-1). */
int	 preference_create(struct bg_ctx *ctx, struct bg_request *r,
	    struct bg_error *e);

#endif
