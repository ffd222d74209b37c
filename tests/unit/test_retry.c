/*
 * Unit tests: the retry policy of a call that creates (purchase.c;
 * brickgate(8), THE PURCHASE'S LIFE): which answers are
 * retried, the back-off arithmetic, and how many calls purchase_post
 * makes within api_retries and the deadline.  The calls go to a loopback
 * port that refuses them (bound, never listening): no network is used.
 */
#include "unit_json.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <curl/curl.h>

#include "purchase.h"
#include "timefmt.h"

static int
complete_yes(json_object *o)
{
	(void)o;
	return 1;
}

static int
complete_no(json_object *o)
{
	(void)o;
	return 0;
}

static int
retried(long status, const char *body, int (*complete)(json_object *))
{
	struct mp_reply rep;
	int rc;

	memset(&rep, 0, sizeof(rep));
	rep.status = status;
	rep.retry_after_ms = -1;
	rep.json = body ? unit_json(body) : NULL;
	rc = purchase_retryable(&rep, complete);
	mp_reply_clear(&rep);
	return rc;
}

static void
which_answers(void **state)
{
	static const long again[] = { 0, 409, 423, 424, 429, 500, 502, 503,
	    504, 599 };
	static const long closed[] = { 301, 400, 401, 403, 404, 405, 408,
	    422, 499 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(again) / sizeof(again[0]); i++)
		assert_int_equal(retried(again[i], NULL, complete_yes), 1);
	for (i = 0; i < sizeof(closed) / sizeof(closed[0]); i++) {
		assert_int_equal(retried(closed[i], NULL, complete_yes), 0);
		assert_int_equal(retried(closed[i], "{\"message\":\"bad\","
		    "\"cause\":[{\"code\":4020}]}", complete_yes), 0);
	}
	/* Causes 2004 and 2007 leave a 4xx open, as a number or as text. */
	assert_int_equal(retried(400, "{\"cause\":[{\"code\":2004}]}",
	    complete_yes), 1);
	assert_int_equal(retried(400, "{\"cause\":[{\"code\":3034},"
	    "{\"code\":\"2007\"}]}", complete_yes), 1);
	assert_int_equal(retried(400, "{\"cause\":[{\"code\":2006}]}",
	    complete_yes), 0);
	assert_int_equal(retried(400, "{\"cause\":{\"code\":2004}}",
	    complete_yes), 0);
	/* A 2xx: done when complete() takes it, else retried. */
	assert_int_equal(retried(200, "{\"id\":1}", complete_yes), 0);
	assert_int_equal(retried(201, "{\"id\":1}", complete_no), 1);
	/* A 2xx that did not parse, or is not a payment. */
	assert_int_equal(retried(201, NULL, purchase_payment_complete), 1);
	assert_int_equal(retried(201, "{\"id\":\"1\",\"status\":\"approved\"}",
	    purchase_payment_complete), 1);
	assert_int_equal(retried(201, "{\"id\":1,\"status\":\"approved\"}",
	    purchase_payment_complete), 0);
}

static void
backoff_arithmetic(void **state)
{
	(void)state;
	/* 250 ms, doubling, at most 16 s (n = 6 and over). */
	assert_int_equal(purchase_backoff_ms(0, 0, -1, 60000), 250);
	assert_int_equal(purchase_backoff_ms(1, 0, -1, 60000), 500);
	assert_int_equal(purchase_backoff_ms(2, 0, -1, 60000), 1000);
	assert_int_equal(purchase_backoff_ms(5, 0, -1, 60000), 8000);
	assert_int_equal(purchase_backoff_ms(6, 0, -1, 60000), 16000);
	assert_int_equal(purchase_backoff_ms(7, 0, -1, 60000), 16000);
	assert_int_equal(purchase_backoff_ms(30, 0, -1, 60000), 16000);
	/* Jitter: jitter/512 more, less than half again. */
	assert_int_equal(purchase_backoff_ms(0, 255, -1, 60000), 374);
	assert_int_equal(purchase_backoff_ms(1, 128, -1, 60000), 625);
	assert_int_equal(purchase_backoff_ms(6, 255, -1, 60000), 23968);
	assert_int_equal(purchase_backoff_ms(0, 1, -1, 60000), 250);
	assert_int_equal(purchase_backoff_ms(0, 3, -1, 60000), 251);
	/* Retry-After is honoured when longer, never shortens the pause. */
	assert_int_equal(purchase_backoff_ms(0, 0, 3000, 60000), 3000);
	assert_int_equal(purchase_backoff_ms(2, 0, 100, 60000), 1000);
	assert_int_equal(purchase_backoff_ms(0, 0, 0, 60000), 250);
	/* The deadline: 200 ms stay for the call, else no pause at all. */
	assert_int_equal(purchase_backoff_ms(2, 0, -1, 1000), 800);
	assert_int_equal(purchase_backoff_ms(0, 0, 30000, 25000), 24800);
	assert_int_equal(purchase_backoff_ms(0, 0, -1, 450), 250);
	assert_int_equal(purchase_backoff_ms(0, 0, -1, 449), 249);
	assert_int_equal(purchase_backoff_ms(0, 0, -1, 201), 1);
	assert_int_equal(purchase_backoff_ms(0, 0, -1, 200), 0);
	assert_int_equal(purchase_backoff_ms(0, 0, -1, 150), 0);
	assert_int_equal(purchase_backoff_ms(0, 255, 5000, 0), 0);
}

/* A loopback port that refuses connections, for as long as it is held. */
static int refuser = -1;
static char api_base[64];

static int
setup(void **state)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	(void)state;
	/* Nothing between us and the loopback. */
	unsetenv("http_proxy");
	unsetenv("all_proxy");
	unsetenv("ALL_PROXY");
	setenv("no_proxy", "*", 1);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return -1;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((refuser = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    bind(refuser, (struct sockaddr *)&a, sizeof(a)) == -1 ||
	    getsockname(refuser, (struct sockaddr *)&a, &len) == -1)
		return -1;
	snprintf(api_base, sizeof(api_base), "http://127.0.0.1:%u",
	    (unsigned)ntohs(a.sin_port));
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	close(refuser);
	curl_global_cleanup();
	return 0;
}

struct post_run {
	enum post_outcome outcome;
	long	 status;
	int	 retries;	/* "retrying" lines logged */
	int	 calls_named;	/* "call N failed" for N = 1, 2, ... */
	int64_t	 ms;
};

/* purchase_post to the refusing port; what it did. */
static void
post(const char *retries, long budget_ms, struct post_run *out)
{
	struct bg_problems pr = { { 0 }, 0, 0 };
	struct bg_secrets secrets = { PTHREAD_MUTEX_INITIALIZER, NULL, NULL };
	struct bg_config cfg;
	struct bg_log log = { -1, NULL, CFG_LOG_WARN };
	struct purchase p;
	struct mp_reply rep;
	json_object *body;
	char text[8192], want[64], *s;
	ssize_t n;
	int fds[2];
	int64_t t0;

	config_init(&cfg);
	cfg.no_token = 1;
	config_set_flag(&cfg, "api_base", api_base, &pr);
	config_set_flag(&cfg, "api_retries", retries, &pr);
	assert_int_equal(config_check(&cfg, &pr), 0);
	assert_int_equal(pipe(fds), 0);
	log.fd = fds[1];
	purchase_init(&p, &cfg, NULL, mp_client_new(&cfg, &secrets), &log,
	    budget_ms);
	assert_non_null(p.mp);
	snprintf(p.c.id, sizeof(p.c.id), "order-1");
	body = unit_json("{\"transaction_amount\":150.00}");
	t0 = mono_ms();
	out->outcome = purchase_post(&p, "/v1/payments", body, "key-1",
	    purchase_payment_complete, &rep);
	out->ms = mono_ms() - t0;
	out->status = rep.status;
	mp_reply_clear(&rep);
	json_object_put(body);
	mp_client_free(p.mp);
	config_free(&cfg);
	close(fds[1]);
	n = read(fds[0], text, sizeof(text) - 1);
	close(fds[0]);
	text[n > 0 ? n : 0] = '\0';
	out->retries = 0;
	for (s = text; (s = strstr(s, "retrying with the same key")) != NULL;
	    s++)
		out->retries++;
	for (out->calls_named = 0;; out->calls_named++) {
		snprintf(want, sizeof(want), "purchase order-1: POST "
		    "/v1/payments call %d failed", out->calls_named + 1);
		if (strstr(text, want) == NULL)
			break;
	}
}

static void
attempts(void **state)
{
	struct post_run r;

	(void)state;
	/* api_retries 2: three calls, two pauses of 250 and 500 ms or more. */
	post("2", 20000, &r);
	assert_int_equal(r.outcome, POST_UNKNOWN);
	assert_int_equal(r.status, 0);		/* no answer */
	assert_int_equal(r.retries, 2);
	assert_int_equal(r.calls_named, 2);
	assert_true(r.ms >= 750);
	assert_true(r.ms < 20000);
	/* api_retries 0: one call. */
	post("0", 20000, &r);
	assert_int_equal(r.outcome, POST_UNKNOWN);
	assert_int_equal(r.retries, 0);
	/* Less than 200 ms left after the first call: no retry. */
	post("10", 150, &r);
	assert_int_equal(r.outcome, POST_UNKNOWN);
	assert_int_equal(r.retries, 0);
	assert_true(r.ms < 150 + 100);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(which_answers),
		cmocka_unit_test(backoff_arithmetic),
		cmocka_unit_test(attempts),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup, teardown);
}
