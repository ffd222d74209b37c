/* Unit tests: decimal text to minor units, per currency precision. */
#include "tap.h"

#include <string.h>

#include "money.h"
#include "site.h"

static int64_t
parse_ok(const char *text, int decimals)
{
	struct bg_error e;
	int64_t v = -1;

	bg_error_clear(&e);
	assert_int_equal(money_parse(text, strlen(text), decimals, &v,
	    "amount", &e), 0);
	return v;
}

static void
parse_bad(const char *text, int decimals)
{
	struct bg_error e;
	int64_t v = 0;

	bg_error_clear(&e);
	assert_int_equal(money_parse(text, strlen(text), decimals, &v,
	    "amount", &e), -1);
	assert_int_equal(e.status, 400);
	assert_string_equal(e.code, "invalid_field");
	assert_string_equal(e.field, "amount");
}

static void
two_decimals(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("150.00", 2), 15000);
	assert_int_equal(parse_ok("150.1", 2), 15010);
	assert_int_equal(parse_ok("150", 2), 15000);
	assert_int_equal(parse_ok("0.01", 2), 1);
	assert_int_equal(parse_ok("0", 2), 0);
	assert_int_equal(parse_ok("100.10", 2), 10010);
	assert_int_equal(parse_ok("9999999999999.99", 2), 999999999999999LL);
}

static void
zero_decimals(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("120000", 0), 120000);
	parse_bad("120000.0", 0);
	parse_bad("120000.5", 0);
}

static void
refusals(void **state)
{
	(void)state;
	parse_bad("150.001", 2);	/* more decimals than BRL has */
	parse_bad("-1.00", 2);
	parse_bad("+1.00", 2);
	parse_bad("1e2", 2);
	parse_bad("1E2", 2);
	parse_bad("1.", 2);
	parse_bad(".5", 2);
	parse_bad("01.00", 2);
	parse_bad("", 2);
	parse_bad(" 1.00", 2);
	parse_bad("1.00 ", 2);
	parse_bad("1,00", 2);
	parse_bad("NaN", 2);
	parse_bad("Infinity", 2);
	parse_bad("99999999999999", 2);	/* 14 integer digits */
}

static void
from_json(void **state)
{
	struct bg_error e;
	json_object *o;
	int64_t v;

	(void)state;
	/* json-c keeps the text "100.10"; the double would be 100.0999.. */
	o = json_tokener_parse("{\"a\":100.10,\"b\":\"150.00\",\"c\":7,"
	    "\"d\":null,\"e\":true}");
	assert_non_null(o);
	bg_error_clear(&e);
	assert_int_equal(money_from_json(json_object_object_get(o, "a"), 2, 0,
	    &v, "a", &e), 0);
	assert_int_equal(v, 10010);
	assert_int_equal(money_from_json(json_object_object_get(o, "c"), 2, 0,
	    &v, "c", &e), 0);
	assert_int_equal(v, 700);
	/* A string amount is refused from the browser, fine in a context. */
	assert_int_equal(money_from_json(json_object_object_get(o, "b"), 2, 0,
	    &v, "b", &e), -1);
	assert_string_equal(e.code, "invalid_field");
	assert_int_equal(money_from_json(json_object_object_get(o, "b"), 2, 1,
	    &v, "b", &e), 0);
	assert_int_equal(v, 15000);
	assert_int_equal(money_from_json(json_object_object_get(o, "d"), 2, 0,
	    &v, "d", &e), -1);
	assert_string_equal(e.code, "missing_field");
	assert_int_equal(money_from_json(json_object_object_get(o, "e"), 2, 0,
	    &v, "e", &e), -1);
	assert_string_equal(e.code, "invalid_field");
	json_object_put(o);
}

static void
format(void **state)
{
	char buf[32];

	(void)state;
	assert_int_equal(money_format(15000, 2, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "150.00");
	assert_int_equal(money_format(5, 2, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "0.05");
	assert_int_equal(money_format(120000, 0, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "120000");
	assert_int_equal(money_format(15000, 2, buf, 4), -1);
}

static void
sites(void **state)
{
	(void)state;
	assert_int_equal(site_find("MCO")->decimals, 0);
	assert_int_equal(site_find("MLC")->decimals, 0);
	assert_int_equal(site_find("MLB")->decimals, 2);
	assert_string_equal(site_find("MLM")->currency, "MXN");
	assert_null(site_find("MLX"));
	assert_null(site_find("mlb"));
	assert_null(site_find(NULL));
}

/* Every site's currency: its decimals decide what parses. */
static void
per_currency(void **state)
{
	static const struct {
		const char *site, *text;
		int64_t minor;		/* -1: refused */
	} cases[] = {
		{ "MLA", "1500.50", 150050 }, { "MLA", "1500.505", -1 },
		{ "MLB", "150.00", 15000 }, { "MLB", "150.001", -1 },
		{ "MLM", "999.99", 99999 }, { "MLM", "0.5", 50 },
		{ "MPE", "80.10", 8010 }, { "MPE", "80.1", 8010 },
		{ "MLU", "1200", 120000 }, { "MLU", "1200.123", -1 },
		{ "MCO", "120000", 120000 }, { "MCO", "120000.0", -1 },
		{ "MCO", "120000.5", -1 },
		{ "MLC", "25990", 25990 }, { "MLC", "25990.00", -1 },
	};
	const struct bg_site *site;
	struct bg_error e;
	int64_t v;
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		site = site_find(cases[i].site);
		assert_non_null(site);
		v = -1;
		rc = money_parse(cases[i].text, strlen(cases[i].text),
		    site->decimals, &v, "amount", &e);
		if (cases[i].minor == -1)
			assert_int_equal(rc, -1);
		else {
			assert_int_equal(rc, 0);
			assert_int_equal(v, cases[i].minor);
		}
	}
}

/* What goes to Mercado Pago is the decimal text, not a double's. */
static void
to_json(void **state)
{
	json_object *o;

	(void)state;
	o = money_to_json(15010, 2);
	assert_string_equal(json_object_to_json_string(o), "150.10");
	json_object_put(o);
	o = money_to_json(120000, 0);
	assert_string_equal(json_object_to_json_string(o), "120000");
	json_object_put(o);
	o = money_to_json(1, 2);
	assert_string_equal(json_object_to_json_string(o), "0.01");
	json_object_put(o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(two_decimals),
		cmocka_unit_test(zero_decimals),
		cmocka_unit_test(refusals),
		cmocka_unit_test(from_json),
		cmocka_unit_test(format),
		cmocka_unit_test(sites),
		cmocka_unit_test(per_currency),
		cmocka_unit_test(to_json),
	};
	return RUN_TAP(tests);
}
