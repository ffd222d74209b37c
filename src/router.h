/*
 * router.h - which handler answers a request.
 */
#ifndef BG_ROUTER_H
#define BG_ROUTER_H

#include "error.h"
#include "request.h"

struct bg_ctx;

/*
 * A handler either answers (and returns 0) or fills e and returns -1, and
 * the router answers with the error body.
 */
typedef int (*route_fn)(struct bg_ctx *ctx, struct bg_request *r,
    struct bg_error *e);

/* Routes r to its handler: 404 not_found, 405 with Allow, or the route. */
void	 router_dispatch(struct bg_ctx *ctx, struct bg_request *r);

#endif
