/* Unit tests: query decoding and purchase-id rules. */
#include "tap.h"

#include <stdio.h>
#include <string.h>

#include "purchase_id.h"
#include "query.h"

static void
decoding(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(url_decode(out, "a%20b+c", 7, 1), 5);
	assert_string_equal(out, "a b c");
	assert_int_equal(url_decode(out, "a+b", 3, 0), 3);
	assert_string_equal(out, "a+b");
	assert_int_equal(url_decode(out, "%C3%A9", 6, 1), 2);
	assert_string_equal(out, "\xc3\xa9");
	assert_int_equal(url_decode(out, "%zz", 3, 1), -1);
	assert_int_equal(url_decode(out, "%4", 2, 1), -1);
	assert_int_equal(url_decode(out, "%", 1, 1), -1);
	assert_int_equal(url_decode(out, "a%00b", 5, 1), -1);
}

static void
parsing(void **state)
{
	struct query q;
	const char *v;

	(void)state;
	assert_int_equal(query_parse(&q, "a=1&&b=%41&c&d=&a=2&e=%zz"), 0);
	assert_int_equal(query_get(&q, "b", &v), Q_ONE);
	assert_string_equal(v, "A");
	assert_int_equal(query_get(&q, "c", &v), Q_ONE);
	assert_string_equal(v, "");
	assert_int_equal(query_get(&q, "d", &v), Q_ONE);
	assert_string_equal(v, "");
	assert_int_equal(query_get(&q, "a", &v), Q_REPEATED);
	assert_int_equal(query_get(&q, "e", &v), Q_BAD);
	assert_int_equal(query_get(&q, "zz", &v), Q_ABSENT);
	assert_null(v);
	query_free(&q);
	assert_int_equal(query_parse(&q, NULL), 0);
	assert_int_equal(q.n, 0);
	query_free(&q);
	assert_int_equal(query_parse(&q, "data.id=123&type=payment"), 0);
	assert_int_equal(query_get(&q, "data.id", &v), Q_ONE);
	assert_string_equal(v, "123");
	query_free(&q);
}

static void
many_params(void **state)
{
	char buf[4096] = "";
	struct query q;
	const char *v;
	int i;

	(void)state;
	for (i = 0; i < 40; i++)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
		    "k%d=v%d&", i, i);
	assert_int_equal(query_parse(&q, buf), 0);
	assert_int_equal(q.n, QUERY_MAX_PARAMS);
	assert_int_equal(q.overflow, 1);
	assert_int_equal(query_get(&q, "k31", &v), Q_ONE);
	assert_int_equal(query_get(&q, "k32", &v), Q_ABSENT);
	query_free(&q);
}

static void
ids(void **state)
{
	char sixtyfour[65], sixtyfive[66];

	(void)state;
	memset(sixtyfour, 'a', 64);
	sixtyfour[64] = '\0';
	memset(sixtyfive, 'a', 65);
	sixtyfive[65] = '\0';
	assert_true(purchase_id_valid("order-1001"));
	assert_true(purchase_id_valid("A"));
	assert_true(purchase_id_valid("9_-"));
	assert_true(purchase_id_valid(sixtyfour));
	assert_false(purchase_id_valid(sixtyfive));
	assert_false(purchase_id_valid(""));
	assert_false(purchase_id_valid(NULL));
	assert_false(purchase_id_valid("-a"));
	assert_false(purchase_id_valid("_a"));
	assert_false(purchase_id_valid("a.b"));
	assert_false(purchase_id_valid("../a"));
	assert_false(purchase_id_valid("a b"));
	assert_false(purchase_id_valid("caf\xc3\xa9"));
}

static void
pick(const char *qs, const char *header, int rc, const char *code,
    const char *want)
{
	struct bg_error e;
	struct query q;
	char out[PURCHASE_ID_MAX + 1] = "";

	bg_error_clear(&e);
	assert_int_equal(query_parse(&q, qs), 0);
	assert_int_equal(purchase_id_pick(&q, header, out, &e), rc);
	if (rc == 0)
		assert_string_equal(out, want);
	else {
		assert_int_equal(e.status, 400);
		assert_string_equal(e.code, code);
	}
	query_free(&q);
}

static void
picking(void **state)
{
	(void)state;
	pick("purchase_id=o-1", NULL, 0, NULL, "o-1");
	pick("", "o-2", 0, NULL, "o-2");
	pick("purchase_id=o-3", "o-3", 0, NULL, "o-3");
	pick("purchase_id=o-3", "o-4", -1, "invalid_purchase_id", NULL);
	pick("purchase_id=o-3&purchase_id=o-3", NULL, -1,
	    "invalid_purchase_id", NULL);
	pick("purchase_id=%zz", NULL, -1, "invalid_purchase_id", NULL);
	pick("purchase_id=", NULL, -1, "invalid_purchase_id", NULL);
	pick("x=1", NULL, -1, "missing_purchase_id", NULL);
	pick("x=1", "bad id", -1, "invalid_purchase_id", NULL);
}

/* Parameters brickgate adds to configured URLs (callback, return). */
static void
adding(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(url_with_param("https://a.b/r", "k", "v", out,
	    sizeof(out)), 0);
	assert_string_equal(out, "https://a.b/r?k=v");
	url_with_param("https://a.b/r?x=1", "k", "v", out, sizeof(out));
	assert_string_equal(out, "https://a.b/r?x=1&k=v");
	url_with_param("https://a.b/r?", "k", "v", out, sizeof(out));
	assert_string_equal(out, "https://a.b/r?k=v");
	url_with_param("https://a.b/r?x=1&", "k", "v", out, sizeof(out));
	assert_string_equal(out, "https://a.b/r?x=1&k=v");
	/* The fragment stays last; a '?' inside it is not the query. */
	url_with_param("https://a.b/r#top?z", "k", "v", out, sizeof(out));
	assert_string_equal(out, "https://a.b/r?k=v#top?z");
	url_with_param("https://a.b/r?x#f", "k", "v", out, sizeof(out));
	assert_string_equal(out, "https://a.b/r?x&k=v#f");
	/* Too long: an error, never a cut URL. */
	assert_int_equal(url_with_param("https://a.b/r", "k", "v", out, 17),
	    -1);
	assert_int_equal(url_with_param("https://a.b/r", "k", "v", out, 18),
	    0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decoding),
		cmocka_unit_test(parsing),
		cmocka_unit_test(many_params),
		cmocka_unit_test(ids),
		cmocka_unit_test(picking),
		cmocka_unit_test(adding),
	};
	return RUN_TAP(tests);
}
