/*
 * call.h - one HTTP request as the route handlers see it, and what they
 * answer.  http.c fills the request half; a handler fills status and resp.
 */
#ifndef SB_CALL_H
#define SB_CALL_H

#include <stddef.h>

#include <json-c/json.h>

#include "sandbox/mperr.h"
#include "sandbox/store.h"

struct MHD_Connection;

struct call {
	struct sb_store *st;
	struct MHD_Connection *conn;
	const char *method;
	const char *path;
	const char *id;		/* the {id} part of the route, or NULL */
	const char *token;	/* bearer token, API routes only */
	const char *body;
	size_t	 len;
	json_object *json;	/* parsed body, or NULL */

	int	 status;
	char	*resp;		/* malloc'ed JSON body */
};

typedef void (*route_fn)(struct call *);

/* Answers with o (consumed: json_object_put) and status. */
void	 call_json(struct call *c, int status, json_object *o);

/* Answers with Mercado Pago's error body. */
void	 call_error(struct call *c, const struct mp_error *e);

/* Query argument or NULL. */
const char *call_arg(struct call *c, const char *name);

/* The payment the call's id names, or NULL with 404 cause 2000 (api.c). */
struct sb_payment *call_payment(struct call *c, struct mp_error *e);

/* API handlers (api.c, preference.c). */
void	 api_card_token(struct call *);
void	 api_payment_create(struct call *);
void	 api_payment_get(struct call *);
void	 api_payment_put(struct call *);
void	 api_payment_search(struct call *);
void	 api_refund_create(struct call *);
void	 api_refund_list(struct call *);
void	 api_refund_get(struct call *);
void	 api_preference_create(struct call *);
void	 api_preference_get(struct call *);

/* Control handlers (control.c). */
void	 ctl_payment_status(struct call *);
void	 ctl_preference_pay(struct call *);
void	 ctl_faults_add(struct call *);
void	 ctl_faults_get(struct call *);
void	 ctl_faults_clear(struct call *);
void	 ctl_requests_get(struct call *);
void	 ctl_requests_clear(struct call *);
void	 ctl_stats(struct call *);
void	 ctl_webhooks(struct call *);

#endif
