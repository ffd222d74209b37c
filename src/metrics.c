/*
 * metrics.c - counting and the text exposition of GET /metrics
 * (brickgate(8), ENDPOINTS).
 *
 * A counter is found by looking its label up in a fixed table; a value
 * no table holds is counted under "other", so that a label is never
 * text a request or Mercado Pago chose.  Rendering follows Prometheus's
 * text format 0.0.4: HELP and TYPE for every family, counters ending in
 * _total, the histogram's buckets cumulative up to le="+Inf".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "paymethod.h"
#include "request.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define ADD(c)		atomic_fetch_add_explicit(&(c), 1, memory_order_relaxed)
#define GET(c)		atomic_load_explicit(&(c), memory_order_relaxed)

/* Every status brickgate(8), Answers and Error codes, names. */
static const int statuses[] = {
	200, 201, 204, 400, 401, 403, 404, 405, 409, 410, 413, 415, 422,
	429, 500, 501, 502, 503, 504,
};

/* brickgate(8), Error codes. */
static const char *const codes[] = {
	"invalid_json", "missing_purchase_id", "invalid_purchase_id",
	"unsupported_payment_method", "missing_field", "invalid_field",
	"amount_mismatch", "payer_mismatch", "invalid_signature",
	"payment_method_not_allowed", "not_found", "unknown_purchase",
	"no_payment", "method_not_allowed", "purchase_already_paid",
	"payment_in_progress", "no_preference", "purchase_expired",
	"body_too_large", "unsupported_media_type", "payment_refused",
	"too_many_attempts", "internal_error", "invalid_context",
	"misconfigured", "upstream_error", "webhooks_not_configured",
	"store_unavailable", "upstream_timeout", "purchase_exists",
};

/* enum pm_family, in its order; the modules of src/methods/registry.c. */
static const char *const families[] = {
	[PM_CARD] = "card", [PM_PIX] = "pix", [PM_TICKET] = "ticket",
	[PM_PSE] = "pse", [PM_WALLET] = "wallet", [PM_WALLET + 1] = "other",
};

/* Mercado Pago's payment statuses (its payments' `status`). */
static const char *const pay_statuses[] = {
	"approved", "authorized", "in_process", "pending", "rejected",
	"cancelled", "refunded", "charged_back", "in_mediation",
};

static const char *const outcomes[] = {
	"2xx", "3xx", "4xx", "5xx", "timeout", "no_answer",
};
enum { OUT_TIMEOUT = 4, OUT_NONE = 5 };

/* Upper bounds in ms; the last bucket is +Inf. */
static const long bounds_ms[] = {
	10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000,
};

_Static_assert(NELEM(statuses) <= METRICS_STATUSES, "statuses");
_Static_assert(NELEM(codes) <= METRICS_CODES, "codes");
_Static_assert(NELEM(families) == METRICS_FAMILIES, "families");
_Static_assert(NELEM(pay_statuses) <= METRICS_PAY_STATUSES, "statuses");
_Static_assert(NELEM(outcomes) == METRICS_OUTCOMES, "outcomes");
_Static_assert(NELEM(bounds_ms) == METRICS_BUCKETS, "buckets");

void
metrics_init(struct bg_metrics *m)
{
	metric_t *c = (metric_t *)m;
	size_t i;

	/* The struct holds counters only. */
	for (i = 0; i < sizeof(*m) / sizeof(metric_t); i++)
		atomic_init(&c[i], 0);
}

/* The index of s in a table of n names, or n ("other"). */
static size_t
name_index(const char *const *names, size_t n, const char *s)
{
	size_t i;

	if (s == NULL)
		return n;
	for (i = 0; i < n && strcmp(names[i], s) != 0; i++)
		;
	return i;
}

static size_t
status_index(int status)
{
	size_t i;

	for (i = 0; i < NELEM(statuses) && statuses[i] != status; i++)
		;
	return i;
}

/* The family of a payment_method_id, whatever the site. */
static size_t
family_index(const char *method_id)
{
	const struct pm *all;
	size_t i, n;

	all = pm_all(&n);
	for (i = 0; i < n; i++)
		if (strcmp(all[i].id, method_id) == 0)
			return (size_t)all[i].family;
	return PM_WALLET + 1;
}

void
metrics_request(struct bg_metrics *m, const struct bg_request *r)
{
	size_t route;

	if (m == NULL)
		return;
	route = r->route_slot > 0 && r->route_slot < METRICS_ROUTES ?
	    (size_t)r->route_slot : 0;
	ADD(m->requests[route][status_index(r->status)]);
	if (r->code != NULL && r->status >= 400) {
		ADD(m->refusals[name_index(codes, NELEM(codes), r->code)]);
		if (strcmp(r->code, "store_unavailable") == 0)
			ADD(m->store_errors);
	}
	/* A 201 of /process_payment is a payment Mercado Pago created. */
	if (r->status == 201 && r->route_name != NULL &&
	    strcmp(r->route_name, "process_payment") == 0 &&
	    r->payment_method[0] != '\0')
		ADD(m->payments[family_index(r->payment_method)]
		    [name_index(pay_statuses, NELEM(pay_statuses),
		    r->payment_status)]);
}

void
metrics_mp_call(struct bg_metrics *m, long status, int timed_out, long ms)
{
	size_t out, b;

	if (m == NULL)
		return;
	if (status >= 200 && status < 600)
		out = (size_t)(status / 100 - 2);
	else
		out = timed_out ? OUT_TIMEOUT : OUT_NONE;
	ADD(m->mp_calls[out]);
	for (b = 0; b < NELEM(bounds_ms) && ms > bounds_ms[b]; b++)
		;
	ADD(m->mp_bucket[b]);
	atomic_fetch_add_explicit(&m->mp_ms_sum, ms > 0 ?
	    (unsigned long long)ms : 0, memory_order_relaxed);
}

void
metrics_lock_wait(struct bg_metrics *m)
{
	if (m != NULL)
		ADD(m->lock_waits);
}

void
metrics_lock_busy(struct bg_metrics *m)
{
	if (m != NULL)
		ADD(m->lock_busy);
}

void
metrics_on_paid(struct bg_metrics *m, int ok)
{
	if (m != NULL)
		ADD(m->on_paid[ok ? 0 : 1]);
}

static void
family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
render_requests(struct bg_metrics *m, FILE *f, const char *const *routes,
    size_t nroutes)
{
	unsigned long long v;
	size_t i, s;
	char st[16];

	family(f, "brickgate_requests_total", "counter",
	    "Requests answered, by route and HTTP status.");
	for (i = 0; i < METRICS_ROUTES; i++)
		for (s = 0; s <= NELEM(statuses); s++) {
			if ((v = GET(m->requests[i][s])) == 0)
				continue;
			if (s < NELEM(statuses))
				snprintf(st, sizeof(st), "%d", statuses[s]);
			else
				snprintf(st, sizeof(st), "other");
			fprintf(f, "brickgate_requests_total{route=\"%s%s\","
			    "status=\"%s\"} %llu\n", i == 0 || i > nroutes ?
			    "" : "/", i == 0 || i > nroutes ? "unknown" :
			    routes[i - 1], st, v);
		}
}

static void
render_counts(struct bg_metrics *m, FILE *f)
{
	unsigned long long v;
	size_t i, s;

	family(f, "brickgate_payments_total", "counter",
	    "Payments created by /process_payment, by method family and "
	    "status.");
	for (i = 0; i < NELEM(families); i++)
		for (s = 0; s <= NELEM(pay_statuses); s++)
			if ((v = GET(m->payments[i][s])) != 0)
				fprintf(f, "brickgate_payments_total{family="
				    "\"%s\",status=\"%s\"} %llu\n", families[i],
				    s < NELEM(pay_statuses) ? pay_statuses[s] :
				    "other", v);
	family(f, "brickgate_refusals_total", "counter",
	    "Error answers, by error code.");
	for (i = 0; i <= NELEM(codes); i++)
		if ((v = GET(m->refusals[i])) != 0)
			fprintf(f, "brickgate_refusals_total{code=\"%s\"} "
			    "%llu\n", i < NELEM(codes) ? codes[i] : "other", v);
	family(f, "brickgate_mp_calls_total", "counter",
	    "Calls to Mercado Pago, by outcome.");
	for (i = 0; i < NELEM(outcomes); i++)
		fprintf(f, "brickgate_mp_calls_total{outcome=\"%s\"} %llu\n",
		    outcomes[i], GET(m->mp_calls[i]));
}

static void
render_histogram(struct bg_metrics *m, FILE *f)
{
	unsigned long long cum = 0, sum;
	size_t b;

	family(f, "brickgate_mp_call_duration_seconds", "histogram",
	    "Time of the calls to Mercado Pago, answered or not.");
	for (b = 0; b < NELEM(bounds_ms); b++) {
		cum += GET(m->mp_bucket[b]);
		fprintf(f, "brickgate_mp_call_duration_seconds_bucket"
		    "{le=\"%ld.%03ld\"} %llu\n", bounds_ms[b] / 1000,
		    bounds_ms[b] % 1000, cum);
	}
	cum += GET(m->mp_bucket[b]);
	sum = GET(m->mp_ms_sum);
	fprintf(f, "brickgate_mp_call_duration_seconds_bucket{le=\"+Inf\"} "
	    "%llu\n", cum);
	fprintf(f, "brickgate_mp_call_duration_seconds_sum %llu.%03llu\n",
	    sum / 1000, sum % 1000);
	/* The +Inf bucket, so that the two agree within one scrape. */
	fprintf(f, "brickgate_mp_call_duration_seconds_count %llu\n", cum);
}

char *
metrics_render(struct bg_metrics *m, const char *const *routes,
    size_t nroutes, struct bg_error *e)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if ((f = open_memstream(&buf, &len)) == NULL) {
		bg_fail(e, 500, "internal_error", NULL, "out of memory");
		return NULL;
	}
	render_requests(m, f, routes, nroutes);
	render_counts(m, f);
	render_histogram(m, f);
	family(f, "brickgate_lock_waits_total", "counter",
	    "Purchase locks found busy, then waited for.");
	fprintf(f, "brickgate_lock_waits_total %llu\n", GET(m->lock_waits));
	family(f, "brickgate_lock_busy_total", "counter",
	    "Purchase locks still busy at the end of the wait.");
	fprintf(f, "brickgate_lock_busy_total %llu\n", GET(m->lock_busy));
	family(f, "brickgate_store_errors_total", "counter",
	    "Answers 503 store_unavailable: the purchases unreachable.");
	fprintf(f, "brickgate_store_errors_total %llu\n",
	    GET(m->store_errors));
	family(f, "brickgate_on_paid_runs_total", "counter",
	    "Runs of the on_paid hook, by how they ended.");
	fprintf(f, "brickgate_on_paid_runs_total{outcome=\"ok\"} %llu\n"
	    "brickgate_on_paid_runs_total{outcome=\"failed\"} %llu\n",
	    GET(m->on_paid[0]), GET(m->on_paid[1]));
	if (ferror(f) | fclose(f)) {
		free(buf);
		bg_fail(e, 500, "internal_error", NULL, "out of memory");
		return NULL;
	}
	return buf;
}
