/*
 * metrics.h - the counters GET /metrics shows (brickgate(8), ENDPOINTS).
 *
 * One struct bg_metrics per process, inside the handler context: every
 * counter is an atomic added to with relaxed order, so the hot path
 * takes no lock and a scrape reads values that may be a few requests
 * apart from one another, which Prometheus tolerates.  Every label comes
 * from a fixed table (route table, HTTP statuses, error codes, method
 * families, payment statuses): nothing a request sends becomes a label.
 */
#ifndef BG_METRICS_H
#define BG_METRICS_H

#include <stdatomic.h>
#include <stddef.h>

#include "error.h"

/* Room for the router's table after slot 0, unknown routes. */
#define METRICS_ROUTES		16
#define METRICS_STATUSES	24	/* HTTP statuses brickgate answers */
#define METRICS_CODES		40	/* error codes, brickgate(8) */
#define METRICS_FAMILIES	6	/* enum pm_family, and one unknown */
#define METRICS_PAY_STATUSES	10	/* Mercado Pago's payment statuses */
#define METRICS_OUTCOMES	6	/* 2xx 3xx 4xx 5xx timeout no_answer */
#define METRICS_BUCKETS		11	/* the latency histogram's bounds */

typedef atomic_ullong metric_t;

struct bg_metrics {
	metric_t	 requests[METRICS_ROUTES][METRICS_STATUSES + 1];
	metric_t	 payments[METRICS_FAMILIES][METRICS_PAY_STATUSES + 1];
	metric_t	 refusals[METRICS_CODES + 1];
	metric_t	 mp_calls[METRICS_OUTCOMES];
	metric_t	 mp_bucket[METRICS_BUCKETS + 1];	/* not cumulative */
	metric_t	 mp_ms_sum;
	metric_t	 lock_waits;	/* a hold that found the lock busy */
	metric_t	 lock_busy;	/* still busy at the end of its wait */
	metric_t	 store_errors;	/* 503 store_unavailable answers */
	metric_t	 on_paid[2];	/* runs that succeeded, that failed */
};

struct bg_request;

void	 metrics_init(struct bg_metrics *m);

/*
 * The end of one request: its route (r->route_slot, 0 when unknown),
 * HTTP status and error code, and the payment a 201 of /process_payment
 * created.  m may be NULL (nothing counted).
 */
void	 metrics_request(struct bg_metrics *m, const struct bg_request *r);

/* One exchange with Mercado Pago: its HTTP status (0: none) and time. */
void	 metrics_mp_call(struct bg_metrics *m, long status, int timed_out,
	    long ms);

/* A purchase's lock was busy when asked for; still busy after the wait. */
void	 metrics_lock_wait(struct bg_metrics *m);
void	 metrics_lock_busy(struct bg_metrics *m);
/* One run of on_paid, ok or not (its failures include its not running). */
void	 metrics_on_paid(struct bg_metrics *m, int ok);

/*
 * The exposition (Prometheus text format, version 0.0.4) in a fresh
 * string the caller frees; routes[0..nroutes) names the router's routes.
 */
char	*metrics_render(struct bg_metrics *m, const char *const *routes,
	    size_t nroutes, struct bg_error *e);

#endif
