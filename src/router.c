/*
 * router.c - the route table: which handler answers a route, and the
 * answers every route shares (a misconfigured CGI start, 404, 405).  The
 * handlers do their own entry checks, each in the order brickgate(8)
 * gives: purchase id, then media type and size, then the JSON.
 */
#include <arpa/inet.h>

#include <stdlib.h>
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

static int route_metrics(struct bg_ctx *, struct bg_request *,
    struct bg_error *);

/* loopback: anyone else is answered as if the route did not exist. */
static const struct route {
	const char	*name;
	const char	*method;
	const char	*allow;		/* the Allow header of a 405 */
	route_fn	 fn;
	int		 loopback;
} routes[] = {
	{ "process_payment",	"POST",	"Allow: POST",	payment_process, 0 },
	{ "create_preference",	"POST",	"Allow: POST",	preference_create, 0 },
	{ "payment_status",	"GET",	"Allow: GET",	payment_status,	0 },
	{ "webhooks",		"POST",	"Allow: POST",	webhook_handle,	0 },
	{ "healthz",		"GET",	"Allow: GET",	route_healthz,	0 },
	{ "metrics",		"GET",	"Allow: GET",	route_metrics,	1 },
};

#define NROUTES	(sizeof(routes) / sizeof(routes[0]))
_Static_assert(NROUTES < METRICS_ROUTES, "the metrics' route slots");

/*
 * The counters, for a scraper on this host (brickgate(8), ENDPOINTS).
 * Labels are the route names of the table above, not the request's.
 */
static int
route_metrics(struct bg_ctx *ctx, struct bg_request *r, struct bg_error *e)
{
	const char *names[NROUTES];
	char *body;
	size_t i;

	for (i = 0; i < NROUTES; i++)
		names[i] = routes[i].name;
	if ((body = metrics_render(&ctx->metrics, names, NROUTES, e)) == NULL)
		return -1;
	respond_typed(r, 200, "text/plain; version=0.0.4; charset=utf-8",
	    body, NULL);
	free(body);
	return 0;
}

/* REMOTE_ADDR in 127.0.0.0/8, ::1 or ::ffff:127.0.0.0/104. */
static int
from_loopback(struct bg_request *r)
{
	const char *addr = r->io->param(r->io, "REMOTE_ADDR");
	unsigned char a[16];
	static const unsigned char one[16] = { [15] = 1 };
	static const unsigned char mapped[12] = { [10] = 0xff, [11] = 0xff };

	if (addr == NULL)
		return 0;
	if (inet_pton(AF_INET, addr, a) == 1)
		return a[0] == 127;
	if (inet_pton(AF_INET6, addr, a) != 1)
		return 0;
	return memcmp(a, one, 16) == 0 ||
	    (memcmp(a, mapped, 12) == 0 && a[12] == 127);
}

void
router_dispatch(struct bg_ctx *ctx, struct bg_request *r)
{
	const struct route *rt = NULL;
	struct bg_error e;
	size_t i;

	bg_error_clear(&e);
	for (i = 0; i < NROUTES; i++)
		if (strcmp(routes[i].name, r->route) == 0)
			rt = &routes[i];
	if (rt != NULL && rt->loopback && !from_loopback(r))
		rt = NULL;
	if (rt != NULL) {
		r->route_name = rt->name;
		r->route_slot = (int)(rt - routes) + 1;
	}
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
