/* Unit tests: configuration sources, precedence and checks. */
#include "tap.h"

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

static char dir[] = "/tmp/bg-unit-config-XXXXXX";
static char token[256], ctxdir[256], conf[256];

static int
setup(void **state)
{
	FILE *f;

	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(token, sizeof(token), "%s/token", dir);
	snprintf(ctxdir, sizeof(ctxdir), "%s/ctx", dir);
	snprintf(conf, sizeof(conf), "%s/brickgate.conf", dir);
	if (mkdir(ctxdir, 0700) == -1 || (f = fopen(token, "w")) == NULL)
		return -1;
	fputs("TEST-secret-token\n", f);
	fclose(f);
	chmod(token, 0600);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
write_conf(const char *text)
{
	FILE *f = fopen(conf, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
precedence(void **state)
{
	struct bg_problems p = { { 0 }, 0, 0 };
	struct bg_config c;
	char e1[300], e2[300];
	char *env[] = { e1, e2, "BRICKGATE_THREADS=5", "OTHER=1", NULL };

	(void)state;
	snprintf(e1, sizeof(e1), "BRICKGATE_ACCESS_TOKEN_FILE=%s", token);
	snprintf(e2, sizeof(e2), "BRICKGATE_CONTEXT_DIR=%s", ctxdir);
	write_conf("# a comment\n\n  threads = 4  \nsite=MCO\n"
	    "max_attempts = 3\n");
	config_init(&c);
	assert_int_equal(config_read_file(&c, conf, 1, &p), 0);
	config_read_env(&c, env, &p);
	config_set_flag(&c, "max-attempts", "7", &p);
	assert_int_equal(config_finish(&c, &p), 0);
	assert_int_equal(p.n, 0);
	assert_int_equal(c.threads, 5);		/* env over file */
	assert_int_equal(c.max_attempts, 7);	/* flag over file */
	assert_string_equal(c.site->id, "MCO");	/* file over default */
	assert_int_equal(c.site->decimals, 0);
	assert_int_equal(c.api_retries, 2);	/* default */
	assert_int_equal(c.max_body_bytes, 65536);
	assert_string_equal(c.api_base, "https://api.mercadopago.com");
	assert_int_equal(c.log_level, CFG_LOG_INFO);
	config_free(&c);
	problems_free(&p);
}

static int
count_problems(const char *file_text, char **env, const char *want)
{
	struct bg_problems p = { { 0 }, 0, 0 };
	struct bg_config c;
	int i, found = 0, n;

	config_init(&c);
	if (file_text != NULL) {
		write_conf(file_text);
		config_read_file(&c, conf, 1, &p);
	}
	config_read_env(&c, env, &p);
	config_finish(&c, &p);
	for (i = 0; i < p.n; i++)
		if (want == NULL || strstr(p.line[i], want) != NULL)
			found++;
	n = p.n;
	if (want != NULL && !found)
		for (i = 0; i < p.n; i++)
			print_message("# problem: %s\n", p.line[i]);
	config_free(&c);
	problems_free(&p);
	return want != NULL ? found : n;
}

static void
checks(void **state)
{
	char e1[300], e2[300];
	char *ok[] = { e1, e2, NULL };
	char *bad_threads[] = { e1, e2, "BRICKGATE_THREADS=0", NULL };
	char *bad_site[] = { e1, e2, "BRICKGATE_SITE=MLX", NULL };
	char *bad_url[] = { e1, e2,
	    "BRICKGATE_NOTIFICATION_URL=http://shop.example/w", NULL };
	char *unknown[] = { e1, e2, "BRICKGATE_THREDS=1", NULL };
	/* fuzz/config.c: a long port overflowed a long (undefined). */
	char *long_port[] = { e1, e2, "BRICKGATE_API_BASE=https://host:"
	    "97777777777777777777777777777777/", NULL };
	char *no_token[] = { e2, NULL };

	(void)state;
	snprintf(e1, sizeof(e1), "BRICKGATE_ACCESS_TOKEN_FILE=%s", token);
	snprintf(e2, sizeof(e2), "BRICKGATE_CONTEXT_DIR=%s", ctxdir);
	assert_int_equal(count_problems(NULL, ok, NULL), 0);
	assert_int_equal(count_problems(NULL, bad_threads,
	    "threads: 0 is outside 1..1024"), 1);
	assert_int_equal(count_problems(NULL, bad_site, "site"), 1);
	assert_int_equal(count_problems(NULL, bad_url, "must use https"), 1);
	assert_int_equal(count_problems(NULL, unknown, "BRICKGATE_THREDS"), 1);
	assert_int_equal(count_problems(NULL, long_port, "has a bad port"), 1);
	assert_int_equal(count_problems(NULL, no_token, "no access token"), 1);
	assert_int_equal(count_problems("bogus = 1\n", ok,
	    "unknown key 'bogus'"), 1);
	assert_int_equal(count_problems("threads = 2\nthreads = 3\n", ok,
	    "given twice"), 1);
	assert_int_equal(count_problems("access_token = x\n", ok,
	    "environment only"), 1);
}

/*
 * Past CONFIG_MAX_PROBLEMS lines a problem is no longer kept, but it
 * still counts: a bad site after 32 bad lines is a failed check, not a
 * configuration without a site (found by fuzz/config.c).
 */
static void
full_problem_list(void **state)
{
	struct bg_problems p = { { 0 }, 0, 0 };
	struct bg_config c;
	char text[2048] = "";
	FILE *f;
	int i;

	(void)state;
	for (i = 0; i < CONFIG_MAX_PROBLEMS + 8; i++)
		strcat(text, "bogus = 1\n");
	strcat(text, "site = M LB\n");
	config_init(&c);
	assert_non_null(f = fmemopen(text, strlen(text), "r"));
	assert_int_equal(config_read_stream(&c, f, "x.conf", &p), -1);
	fclose(f);
	assert_int_equal(p.n, CONFIG_MAX_PROBLEMS);
	assert_int_equal(p.total, CONFIG_MAX_PROBLEMS + 8);
	c.no_token = 1;
	assert_int_equal(config_check(&c, &p), -1);
	assert_null(c.site);
	assert_int_equal(p.total, CONFIG_MAX_PROBLEMS + 9);
	config_free(&c);
	problems_free(&p);
	assert_int_equal(p.total, 0);
}

static void
loopback(void **state)
{
	(void)state;
	assert_true(url_is_loopback("http://127.0.0.1:8080/x"));
	assert_true(url_is_loopback("http://localhost/x"));
	assert_true(url_is_loopback("http://[::1]:81/"));
	assert_false(url_is_loopback("http://127.0.0.1.example.com/"));
	assert_false(url_is_loopback("http://localhost.example/"));
	assert_false(url_is_loopback("http://10.0.0.1/"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(precedence),
		cmocka_unit_test(checks),
		cmocka_unit_test(full_problem_list),
		cmocka_unit_test(loopback),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup, teardown);
}
