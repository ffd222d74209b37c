/*
 * Unit tests: the Brick's form data against a table of fields (form.c),
 * every field type, required and optional, bounds and one-of lists, with
 * the exact error each refusal gives.
 */
#include "unit_json.h"

#include <stdio.h>

#include "form.h"

static const char *const modes[] = { "aggregator", "gateway", NULL };

static const struct field_rule rules[] = {
	{ "s",		FORM_STRING,	FORM_REQUIRED, 5, NULL },
	{ "t",		FORM_TOKEN,	FORM_OPTIONAL, 8, NULL },
	{ "n",		FORM_UINT,	FORM_OPTIONAL, 99, NULL },
	{ "d",		FORM_DIGITS,	FORM_OPTIONAL, 4, NULL },
	{ "dt",		FORM_DIGIT_TEXT, FORM_OPTIONAL, 4, NULL },
	{ "o",		FORM_OBJECT,	FORM_OPTIONAL, 0, NULL },
	{ "o.email",	FORM_EMAIL,	FORM_OPTIONAL, 12, NULL },
	{ "x",		FORM_NUMBER,	FORM_OPTIONAL, 0, NULL },
	{ "m",		FORM_STRING,	FORM_OPTIONAL, 16, modes },
	{ NULL, 0, 0, 0, NULL },
};

/* form_validate on `text` (with "s":"ok" unless it sets s) passes. */
static void
accepted(const char *text)
{
	struct bg_error e;
	json_object *f = unit_json(text);

	if (!json_object_object_get_ex(f, "s", NULL))
		json_object_object_add(f, "s", json_object_new_string("ok"));
	bg_error_clear(&e);
	assert_int_equal(form_validate(f, rules, &e), 0);
	assert_int_equal(e.status, 0);
	json_object_put(f);
}

static void
refused(const char *text, const char *code, const char *field,
    const char *message)
{
	struct bg_error e;
	json_object *f = unit_json(text);

	if (!json_object_object_get_ex(f, "s", NULL))
		json_object_object_add(f, "s", json_object_new_string("ok"));
	bg_error_clear(&e);
	assert_int_equal(form_validate(f, rules, &e), -1);
	unit_error(&e, 400, code, field, message);
	json_object_put(f);
}

static void
get_paths(void **state)
{
	json_object *f = unit_json("{\"a\":{\"b\":{\"c\":\"deep\"},\"n\":null,"
	    "\"k\":7},\"s\":\"x\"}");
	char longpath[80];

	(void)state;
	assert_string_equal(form_str(f, "a.b.c"), "deep");
	assert_int_equal(json_object_get_int(form_get(f, "a.k")), 7);
	assert_ptr_equal(form_get(f, "a.b"), form_get(form_get(f, "a"), "b"));
	assert_null(form_get(f, "a.n"));	/* null is absent */
	assert_null(form_get(f, "a.missing"));
	assert_null(form_get(f, "s.x"));	/* through a string */
	assert_null(form_get(f, "a.k.x"));	/* through a number */
	assert_null(form_get(NULL, "a"));
	assert_null(form_str(f, "a.k"));	/* not a string */
	assert_null(form_str(f, "a.b"));
	/* A part of 64 bytes or more is no member of ours. */
	memset(longpath, 'p', 64);
	longpath[64] = '\0';
	assert_null(form_get(f, longpath));
	json_object_put(f);
}

static void
required_and_optional(void **state)
{
	(void)state;
	refused("{\"s\":null}", "missing_field", "s", "s is required");
	refused("{\"s\":\"\"}", "missing_field", "s", "s is empty");
	/* Optional: absent, null and empty are all "not given". */
	accepted("{}");
	accepted("{\"t\":null,\"n\":null,\"o\":null,\"x\":null}");
	accepted("{\"t\":\"\",\"d\":\"\",\"dt\":\"\",\"m\":\"\"}");
	accepted("{\"o\":{\"email\":\"\"}}");
}

static void
strings(void **state)
{
	struct bg_error e;
	json_object *f;

	(void)state;
	accepted("{\"s\":\"abcde\"}");		/* exactly max bytes */
	accepted("{\"s\":\"a b~\"}");
	accepted("{\"s\":\"\\u00e7a\"}");	/* 3 bytes of UTF-8 */
	refused("{\"s\":\"abcdef\"}", "invalid_field", "s",
	    "s must be printable text of at most 5 bytes");
	/* Bytes, not characters: "ççç" is 6 bytes. */
	refused("{\"s\":\"\\u00e7\\u00e7\\u00e7\"}", "invalid_field", "s",
	    "s must be printable text of at most 5 bytes");
	refused("{\"s\":\"a\\tb\"}", "invalid_field", "s",
	    "s must be printable text of at most 5 bytes");
	refused("{\"s\":\"a\\u007f\"}", "invalid_field", "s",
	    "s must be printable text of at most 5 bytes");
	/* The JSON reader refuses NUL; form.c checks it again all the same. */
	f = json_object_new_object();
	json_object_object_add(f, "s", json_object_new_string_len("a\0b", 3));
	bg_error_clear(&e);
	assert_int_equal(form_validate(f, rules, &e), -1);
	unit_error(&e, 400, "invalid_field", "s",
	    "s must be printable text of at most 5 bytes");
	json_object_put(f);
	refused("{\"s\":5}", "invalid_field", "s", "s must be a string");
	refused("{\"s\":true}", "invalid_field", "s", "s must be a string");
	refused("{\"s\":[\"a\"]}", "invalid_field", "s", "s must be a string");
}

static void
tokens(void **state)
{
	(void)state;
	accepted("{\"t\":\"aZ09_-xy\"}");
	refused("{\"t\":\"aZ09_-xyz\"}", "invalid_field", "t",
	    "t must be printable text of at most 8 bytes");
	refused("{\"t\":\"a b\"}", "invalid_field", "t", "t has characters "
	    "other than letters, digits, '-' and '_'");
	refused("{\"t\":\"a.b\"}", "invalid_field", "t", "t has characters "
	    "other than letters, digits, '-' and '_'");
	refused("{\"t\":\"\\u00e9\"}", "invalid_field", "t", "t has "
	    "characters other than letters, digits, '-' and '_'");
	refused("{\"t\":12}", "invalid_field", "t", "t must be a string");
}

static void
unsigned_ints(void **state)
{
	(void)state;
	accepted("{\"n\":1}");
	accepted("{\"n\":99}");
	refused("{\"n\":0}", "invalid_field", "n",
	    "n must be between 1 and 99");
	refused("{\"n\":100}", "invalid_field", "n",
	    "n must be between 1 and 99");
	refused("{\"n\":-1}", "invalid_field", "n",
	    "n must be between 1 and 99");
	refused("{\"n\":18446744073709551615}", "invalid_field", "n",
	    "n must be between 1 and 99");
	refused("{\"n\":3.0}", "invalid_field", "n", "n must be an integer");
	refused("{\"n\":\"3\"}", "invalid_field", "n", "n must be an integer");
}

static void
digits(void **state)
{
	(void)state;
	accepted("{\"d\":\"0123\"}");
	accepted("{\"d\":0}");
	accepted("{\"d\":123456789}");	/* an integer has no byte bound */
	refused("{\"d\":\"01234\"}", "invalid_field", "d",
	    "d must be printable text of at most 4 bytes");
	refused("{\"d\":\"12a\"}", "invalid_field", "d", "d must be digits");
	refused("{\"d\":\"-12\"}", "invalid_field", "d", "d must be digits");
	refused("{\"d\":-5}", "invalid_field", "d",
	    "d must be a string of digits");
	refused("{\"d\":1.5}", "invalid_field", "d",
	    "d must be a string of digits");
	/* Digit text: a string only (a bank id, a phone number). */
	accepted("{\"dt\":\"1007\"}");
	refused("{\"dt\":1007}", "invalid_field", "dt",
	    "dt must be a string of digits");
	refused("{\"dt\":\"10 7\"}", "invalid_field", "dt",
	    "dt must be digits");
	refused("{\"dt\":\"10070\"}", "invalid_field", "dt",
	    "dt must be printable text of at most 4 bytes");
}

static void
emails(void **state)
{
	static const char *const bad[] = { "ab.co", "@b.co", "a@", "a@b@c.d",
	    "a b@c.d", "a@bco", "a@b co" };
	char text[64];
	size_t i;

	(void)state;
	accepted("{\"o\":{\"email\":\"a@b.co\"}}");
	accepted("{\"o\":{\"email\":\"xy.y+z@ab.cd\"}}");	/* 12 bytes */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "{\"o\":{\"email\":\"%s\"}}",
		    bad[i]);
		refused(text, "invalid_field", "o.email",
		    "o.email is not an e-mail address");
	}
	refused("{\"o\":{\"email\":\"xyz.y+z@ab.cd\"}}", "invalid_field",
	    "o.email", "o.email must be printable text of at most 12 bytes");
	refused("{\"o\":{\"email\":1}}", "invalid_field", "o.email",
	    "o.email must be a string");
}

static void
objects_and_numbers(void **state)
{
	(void)state;
	accepted("{\"o\":{}}");
	refused("{\"o\":[]}", "invalid_field", "o", "o must be an object");
	refused("{\"o\":\"a@b.co\"}", "invalid_field", "o",
	    "o must be an object");
	accepted("{\"x\":150}");
	accepted("{\"x\":150.5}");
	accepted("{\"x\":-1}");		/* its value is checked elsewhere */
	refused("{\"x\":\"150.00\"}", "invalid_field", "x",
	    "x must be a number");
	refused("{\"x\":false}", "invalid_field", "x", "x must be a number");
}

static void
one_of(void **state)
{
	(void)state;
	accepted("{\"m\":\"aggregator\"}");
	accepted("{\"m\":\"gateway\"}");
	refused("{\"m\":\"Gateway\"}", "invalid_field", "m",
	    "m is not one of the accepted values");
	refused("{\"m\":\"gate\"}", "invalid_field", "m",
	    "m is not one of the accepted values");
	refused("{\"m\":\"aggregatorgateway\"}", "invalid_field", "m",
	    "m must be printable text of at most 16 bytes");
}

/* The table is walked in order and the first fault is the one named. */
static void
first_fault(void **state)
{
	(void)state;
	refused("{\"s\":\"toolong\",\"n\":0}", "invalid_field", "s",
	    "s must be printable text of at most 5 bytes");
	refused("{\"n\":0,\"t\":\"a b\"}", "invalid_field", "t", NULL);
	refused("{\"m\":\"no\",\"x\":\"1\"}", "invalid_field", "x", NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(get_paths),
		cmocka_unit_test(required_and_optional),
		cmocka_unit_test(strings),
		cmocka_unit_test(tokens),
		cmocka_unit_test(unsigned_ints),
		cmocka_unit_test(digits),
		cmocka_unit_test(emails),
		cmocka_unit_test(objects_and_numbers),
		cmocka_unit_test(one_of),
		cmocka_unit_test(first_fault),
	};
	return RUN_TAP(tests);
}
