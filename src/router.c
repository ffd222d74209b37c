/*
 * router.c - the route table: which handler answers a route, and the
 * answers every route shares (a misconfigured CGI start, 404, 405).  The
 * handlers do their own entry checks, each in the order brickgate(8)
 * gives: purchase id, then media type and size, then the JSON.
 */
#include <string.h>

#include "payment.h"
#include "preference.h"
#include "response.h"
#include "router.h"
#include "store.h"
#include "webhook.h"
#include "handler.h"

/* Up, and able to reach the purchases (a load balancer's question). */
static int
route_healthz(struct bg_ctx *ctx, struct bg_request *r, struct bg_error *e)
{
	(void)ctx;
	if (r->store == NULL || store_health(r->store, e) == -1) {
		bg_error_clear(e);
		respond(r, 503, "{\"status\":\"unavailable\","
		    "\"store\":\"unreachable\"}", NULL);
	} else
		respond(r, 200, "{\"status\":\"ok\",\"store\":\"ok\"}", NULL);
	return 0;
}

static const struct route {
	const char	*name;
	const char	*method;
	const char	*allow;		/* the Allow header of a 405 */
	route_fn	 fn;
} routes[] = {
	{ "process_payment",	"POST",	"Allow: POST",	payment_process },
	{ "create_preference",	"POST",	"Allow: POST",	preference_create },
	{ "payment_status",	"GET",	"Allow: GET",	payment_status },
	{ "webhooks",		"POST",	"Allow: POST",	webhook_handle },
	{ "healthz",		"GET",	"Allow: GET",	route_healthz },
};

void
router_dispatch(struct bg_ctx *ctx, struct bg_request *r)
{
	const struct route *rt = NULL;
	struct bg_error e;
	size_t i;

	bg_error_clear(&e);
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (strcmp(routes[i].name, r->route) == 0)
			rt = &routes[i];
	if (rt != NULL)
		r->route_name = rt->name;
	/* CGI started with a broken configuration: every answer says so. */
	if (ctx->misconfigured) {
		bg_fail(&e, 500, "misconfigured", NULL,
		    "brickgate is misconfigured; the details are in the "
		    "server's error log");
		respond_error(r, &e, NULL);
		return;
	}
	if (rt == NULL) {
		bg_fail(&e, 404, "not_found", NULL, "no such endpoint");
		respond_error(r, &e, NULL);
		return;
	}
	if (strcmp(r->method, rt->method) != 0) {
		bg_fail(&e, 405, "method_not_allowed", NULL,
		    "/%s accepts %s only", rt->name, rt->method);
		respond_error(r, &e, rt->allow);
		return;
	}
	if (rt->fn(ctx, r, &e) == -1)
		respond_error(r, &e, NULL);
}
