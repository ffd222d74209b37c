/* Unit tests: the strict JSON gate and the error body. */
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_strict.h"
#include "utf8.h"
#include "mp_client.h"

static void
good(const char *text)
{
	struct bg_error e;
	json_object *o = NULL;

	bg_error_clear(&e);
	if (json_strict_parse(text, strlen(text), JSON_MAX_DEPTH, &o, &e) != 0)
		fail_msg("refused %s: %s", text, e.message);
	json_object_put(o);
}

static void
bad(const char *text, size_t len)
{
	struct bg_error e;
	json_object *o = NULL;

	bg_error_clear(&e);
	if (json_strict_parse(text, len, JSON_MAX_DEPTH, &o, &e) != -1)
		fail_msg("accepted %s", text);
	assert_null(o);
	assert_int_equal(e.status, 400);
	assert_string_equal(e.code, "invalid_json");
}

#define BAD(s) bad(s, sizeof(s) - 1)

static void
accepts(void **state)
{
	(void)state;
	good("{}");
	good(" {\"a\": [1, -2.5e3, true, false, null, \"x\"]} \n");
	good("{\"s\":\"\\u00e9\\ud83d\\ude00 \\\" \\\\ \\/ \\n\"}");
	good("{\"utf8\":\"S\xc3\xa3o Paulo \xe2\x82\xac \xf0\x9f\x98\x80\"}");
	good("null");
	good("12");
	good("[[[[[[[[[1]]]]]]]]]");		/* depth 9 */
}

static void
refuses(void **state)
{
	(void)state;
	BAD("");
	BAD("   ");
	BAD("{");
	BAD("{\"a\":1,}");
	BAD("[1,]");
	BAD("{'a':1}");
	BAD("{\"a\":NaN}");
	BAD("{\"a\":Infinity}");
	BAD("{\"a\":-Infinity}");
	BAD("{\"a\":1.}");
	BAD("{\"a\":.5}");
	BAD("{\"a\":01}");
	BAD("{\"a\":+1}");
	BAD("{\"a\":1e}");
	BAD("{\"a\":\"\\u0000\"}");
	BAD("{\"a\":\"\\x41\"}");
	BAD("{\"a\":\"\\ud800\"}");
	BAD("{\"a\":\"\\udc00\"}");
	BAD("{\"a\":\"tab\there\"}");
	BAD("{\"a\":\"\xff\"}");
	BAD("{\"a\":\"\xc0\xaf\"}");		/* overlong '/' */
	BAD("{\"a\":\"\xed\xa0\x80\"}");	/* encoded surrogate */
	BAD("{\"a\":\"\xe2\x82\"}");		/* truncated */
	BAD("{} {}");
	BAD("{}x");
	BAD("{\"a\" 1}");
	BAD("{1:2}");
	BAD("tru");
	BAD("[[[[[[[[[[[1]]]]]]]]]]]");		/* depth 11 */
	bad("{\"a\":1}\0", 8);			/* NUL after the value */
}

/*
 * json-c keeps the last of two members with one name: a body could show
 * one amount to a reader and another to brickgate.  Any repeat, at any
 * depth, however it is spelt, is invalid_json.
 */
static void
duplicates(void **state)
{
	(void)state;
	BAD("{\"transaction_amount\": 1, \"transaction_amount\": 1000}");
	BAD("{\"a\":1,\"b\":2,\"a\":1}");		/* same value too */
	BAD("{\"a\":1,\"\\u0061\":2}");		/* escaped spelling */
	BAD("{\"payer\":{\"email\":\"a@b.c\",\"email\":\"d@e.f\"}}");
	BAD("{\"x\":[{\"k\":{\"a\":null,\"a\":null}}]}");	/* deep */
	BAD("{\"a\":{\"b\":1,\"c\":2},\"a\":{}}");	/* drops members */
	BAD("[{},{\"a\":[],\"a\":[]}]");
	good("{\"a\":{\"a\":{\"a\":1}}}");	/* one name per object */
	good("[{\"a\":1},{\"a\":2}]");
	good("{\"a\":1,\"A\":2,\"a \":3}");
}

/* Mercado Pago's answers: the same strict reading, a deeper nesting. */
static void
replies(void **state)
{
	static const char deep[] = "{\"a\":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]"
	    "]]]]]]]]]]}";
	static const char twice[] = "{\"id\":1,\"status\":\"approved\","
	    "\"status\":\"rejected\"}";
	static const char spaced[] = " {\"id\": 1}\r\n";
	json_object *o;

	(void)state;
	o = mp_reply_parse(deep, sizeof(deep) - 1);
	assert_non_null(o);
	json_object_put(o);
	o = mp_reply_parse(spaced, sizeof(spaced) - 1);
	assert_non_null(o);
	json_object_put(o);
	assert_null(mp_reply_parse(twice, sizeof(twice) - 1));
	assert_null(mp_reply_parse("{\"id\":1} x", 10));
	assert_null(mp_reply_parse("", 0));
}

/* A cut text never ends inside a UTF-8 sequence. */
static void
utf8_cuts(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "", "" }, { "abc", "abc" },
		{ "ab\xc3\xa9", "ab\xc3\xa9" }, { "ab\xc3", "ab" },
		{ "a\xe2\x82\xac", "a\xe2\x82\xac" }, { "a\xe2\x82", "a" },
		{ "a\xe2", "a" }, { "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80" },
		{ "\xf0\x9f\x98", "" }, { "x\xf0\x9f", "x" },
	};
	struct bg_error e;
	char buf[16], *body;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(buf, sizeof(buf), "%s", cases[i].in);
		utf8_cut(buf);
		assert_string_equal(buf, cases[i].out);
	}
	/* An error message cut at 255 bytes is still valid JSON. */
	bg_error_clear(&e);
	bg_fail(&e, 400, "invalid_field", NULL, "%254s\xc3\xa9", "");
	body = bg_error_json(&e);
	good(body);
	free(body);
}

static void
error_body(void **state)
{
	struct bg_error e;
	char *s;

	(void)state;
	bg_error_clear(&e);
	bg_fail(&e, 400, "amount_mismatch", "transaction_amount",
	    "transaction_amount %s does not match the purchase (%s)",
	    "100.00", "150.00");
	s = bg_error_json(&e);
	assert_string_equal(s, "{\"error\":{\"code\":\"amount_mismatch\","
	    "\"message\":\"transaction_amount 100.00 does not match the "
	    "purchase (150.00)\",\"field\":\"transaction_amount\"}}");
	free(s);
	bg_fail(&e, 404, "not_found", NULL, "no route /x/y");
	s = bg_error_json(&e);
	assert_string_equal(s, "{\"error\":{\"code\":\"not_found\","
	    "\"message\":\"no route /x/y\"}}");
	free(s);
	assert_string_equal(bg_status_text(413), "Payload Too Large");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accepts),
		cmocka_unit_test(refuses),
		cmocka_unit_test(duplicates),
		cmocka_unit_test(replies),
		cmocka_unit_test(utf8_cuts),
		cmocka_unit_test(error_body),
	};
	return RUN_TAP(tests);
}
