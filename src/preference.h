/*
 * preference.h - POST /create_preference (brickgate(8), ENDPOINTS).
 */
#ifndef BG_PREFERENCE_H
#define BG_PREFERENCE_H

#include "config.h"
#include "context.h"
#include "request.h"
#include "handler.h"

/* Answers the request itself (0) or fills e for the router (-1). */
int	 preference_create(struct bg_ctx *ctx, struct bg_request *r,
	    struct bg_error *e);

/*
 * The preference to create for a loaded purchase, all from the context
 * and the configuration (the caller's); pure, so that it can be fuzzed.
 */
json_object *preference_body(const struct bg_config *cfg,
	    const struct bg_context *c);

#endif
