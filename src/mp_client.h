/*
 * mp_client.h - calls to the Mercado Pago API (or the sandbox).
 *
 * One client per worker thread, reused across requests so that the
 * connection and its TLS session stay open (keep-alive).  A call makes
 * exactly one HTTP exchange: whether and when to retry is the payment
 * flow's decision, because only it knows the deadline and whether the
 * request carries an idempotency key.
 */
#ifndef BG_MP_CLIENT_H
#define BG_MP_CLIENT_H

#include <json-c/json.h>

#include "config.h"
#include "secrets.h"

struct mp_client;

struct mp_reply {
	long		 status;	/* HTTP status; 0: no answer */
	json_object	*json;		/* the body, when it parsed */
	long		 retry_after_ms; /* from Retry-After, or -1 */
	long		 ms;		/* time spent */
	char		 why[160];	/* what went wrong, for the log */
};

struct mp_client *mp_client_new(const struct bg_config *cfg,
	    struct bg_secrets *secrets);
void	 mp_client_free(struct mp_client *c);

/* Counts every call of c in m from now on (GET /metrics). */
struct bg_metrics;
void	 mp_client_set_metrics(struct mp_client *c, struct bg_metrics *m);

/*
 * One call: method "GET", "POST" or "PUT" on path ("/v1/payments"),
 * with a JSON body or NULL, an idempotency key or NULL, the buyer's
 * device id (X-Meli-Session-Id) or NULL, and a total time limit.  Returns 0 when an HTTP answer arrived (of any status),
 * -1 when none did (timeout, refused connection); out is filled either
 * way and must be released with mp_reply_clear().
 */
int	 mp_call(struct mp_client *c, const char *method, const char *path,
	    const char *body, const char *idem_key, const char *device_id,
	    long timeout_ms, struct mp_reply *out);
void	 mp_reply_clear(struct mp_reply *r);

/*
 * An answer's body as JSON, or NULL: the same strict reading as the
 * browser's bodies (repeated member names included), so that a reply
 * holding two statuses or two amounts counts as one brickgate cannot
 * parse (a 2xx of that kind is retried, never recorded).
 */
json_object *mp_reply_parse(const char *buf, size_t len);

/* An error body's causes as [{code (as text), description}], at most 10. */
json_object *mp_causes(json_object *reply);
/* True when the error body lists cause `code`. */
int	 mp_has_cause(json_object *reply, const char *code);

#endif
