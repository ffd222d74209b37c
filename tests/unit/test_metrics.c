/*
 * Unit tests: what GET /metrics renders (brickgate(8), ENDPOINTS): labels
 * only from the fixed tables, cumulative buckets, counters that start
 * at 0.
 */
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "request.h"

static const char *const routes[] = { "process_payment", "healthz" };

static char *
render(struct bg_metrics *m)
{
	struct bg_error e;
	char *out;

	bg_error_clear(&e);
	out = metrics_render(m, routes, 2, &e);
	assert_non_null(out);
	return out;
}

static void
has(const char *text, const char *line)
{
	char want[256];

	snprintf(want, sizeof(want), "\n%s\n", line);
	if (strstr(text, want) == NULL)
		fail_msg("no line %s in:\n%s", line, text);
}

static void
starts_at_zero(void **state)
{
	struct bg_metrics m;
	char *t;

	(void)state;
	metrics_init(&m);
	t = render(&m);
	has(t, "brickgate_mp_call_duration_seconds_count 0");
	has(t, "brickgate_lock_waits_total 0");
	has(t, "# TYPE brickgate_requests_total counter");
	assert_null(strstr(t, "brickgate_requests_total{"));
	free(t);
}

static void
labels_from_tables_only(void **state)
{
	struct bg_metrics m;
	struct bg_request r;
	char *t;

	(void)state;
	metrics_init(&m);
	memset(&r, 0, sizeof(r));
	r.route_slot = 1;
	r.route_name = "process_payment";
	r.status = 201;
	snprintf(r.payment_method, sizeof(r.payment_method), "visa");
	snprintf(r.payment_status, sizeof(r.payment_status), "approved");
	metrics_request(&m, &r);
	snprintf(r.payment_status, sizeof(r.payment_status), "made-up");
	metrics_request(&m, &r);
	memset(&r, 0, sizeof(r));
	r.status = 599;
	r.code = "no_such_code";
	metrics_request(&m, &r);
	r.status = 503;
	r.code = "store_unavailable";
	r.route_slot = 2;
	metrics_request(&m, &r);
	metrics_request(NULL, &r);
	t = render(&m);
	has(t, "brickgate_requests_total{route=\"/process_payment\","
	    "status=\"201\"} 2");
	has(t, "brickgate_requests_total{route=\"unknown\",status=\"other\"} 1");
	has(t, "brickgate_requests_total{route=\"/healthz\",status=\"503\"} 1");
	has(t, "brickgate_payments_total{family=\"card\",status=\"approved\"} 1");
	has(t, "brickgate_payments_total{family=\"card\",status=\"other\"} 1");
	has(t, "brickgate_refusals_total{code=\"other\"} 1");
	has(t, "brickgate_refusals_total{code=\"store_unavailable\"} 1");
	has(t, "brickgate_store_errors_total 1");
	assert_null(strstr(t, "made-up"));
	assert_null(strstr(t, "no_such_code"));
	free(t);
}

static void
histogram_is_cumulative(void **state)
{
	struct bg_metrics m;
	char *t;

	(void)state;
	metrics_init(&m);
	metrics_mp_call(&m, 201, 0, 10);
	metrics_mp_call(&m, 404, 0, 11);
	metrics_mp_call(&m, 0, 1, 60000);
	metrics_mp_call(&m, 0, 0, 3);
	metrics_mp_call(&m, 503, 0, 2000);
	metrics_lock_wait(&m);
	metrics_lock_busy(NULL);
	t = render(&m);
	has(t, "brickgate_mp_calls_total{outcome=\"2xx\"} 1");
	has(t, "brickgate_mp_calls_total{outcome=\"4xx\"} 1");
	has(t, "brickgate_mp_calls_total{outcome=\"5xx\"} 1");
	has(t, "brickgate_mp_calls_total{outcome=\"timeout\"} 1");
	has(t, "brickgate_mp_calls_total{outcome=\"no_answer\"} 1");
	has(t, "brickgate_mp_call_duration_seconds_bucket{le=\"0.010\"} 2");
	has(t, "brickgate_mp_call_duration_seconds_bucket{le=\"0.025\"} 3");
	has(t, "brickgate_mp_call_duration_seconds_bucket{le=\"2.500\"} 4");
	has(t, "brickgate_mp_call_duration_seconds_bucket{le=\"30.000\"} 4");
	has(t, "brickgate_mp_call_duration_seconds_bucket{le=\"+Inf\"} 5");
	has(t, "brickgate_mp_call_duration_seconds_sum 62.024");
	has(t, "brickgate_mp_call_duration_seconds_count 5");
	has(t, "brickgate_lock_waits_total 1");
	has(t, "brickgate_lock_busy_total 0");
	free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(starts_at_zero),
		cmocka_unit_test(labels_from_tables_only),
		cmocka_unit_test(histogram_is_cumulative),
	};
	return RUN_TAP(tests);
}
