/*
 * Unit tests: the Pix module (methods/pix.c): Brazil only, the e-mail,
 * an optional document, the 30 minutes a code must stay payable, the
 * exact body with its date_of_expiration, and the code in a summary.
 */
#include "unit_method.h"

#define CTX	"{\"amount\":\"25.00\"}"
#define FORM	"{\"payment_method_id\":\"pix\",\"transaction_amount\":25," \
	"\"payer\":{\"email\":\"buyer@example.com\"}}"

static void
matches(void **state)
{
	const struct method *pix = method_for(pm_find("MLB", "pix"));

	(void)state;
	assert_non_null(pix);
	assert_string_equal(pix->name, "pix");
	assert_true(pix->match(pm_find("MLB", "pix")));
	assert_false(pix->match(pm_find("MLB", "visa")));
	assert_false(pix->match(pm_find("MLB", "bolbradesco")));
	assert_false(pix->match(pm_find("MCO", "pse")));
	/* Pix is Brazil's. */
	assert_null(pm_find("MLA", "pix"));
	assert_null(pm_find("MCO", "pix"));
}

static void
validation(void **state)
{
	struct unit_call u;

	(void)state;
	unit_call_open(&u, "MLB", CTX, FORM, NULL);
	assert_int_equal(unit_validate(&u), 0);
	unit_call_close(&u);
	/* No payer at all: the context's e-mail is enough. */
	unit_call_open(&u, "MLB", "{\"amount\":\"25.00\",\"payer\":{\"email\":"
	    "\"buyer@example.com\"}}", "{\"payment_method_id\":\"pix\","
	    "\"transaction_amount\":25}", NULL);
	assert_int_equal(unit_validate(&u), 0);
	unit_call_close(&u);
	unit_call_open(&u, "MLB", CTX, "{\"payment_method_id\":\"pix\","
	    "\"transaction_amount\":25}", NULL);
	unit_refused(&u, 400, "missing_field", "payer.email",
	    "payer.email is required");
	unit_call_close(&u);
	unit_call_open(&u, "MLB", CTX, "{\"payment_method_id\":\"pix\"}", NULL);
	unit_refused(&u, 400, "missing_field", "transaction_amount",
	    "transaction_amount is required");
	unit_call_close(&u);
	unit_call_open(&u, "MLB", CTX, "{\"payment_method_id\":\"pix\","
	    "\"transaction_amount\":25,\"payer\":{\"email\":\"a@b.co\","
	    "\"first_name\":\"\\u0007\"}}", NULL);
	unit_refused(&u, 400, "invalid_field", "payer.first_name",
	    "payer.first_name must be printable text of at most 64 bytes");
	unit_call_close(&u);
	/* A document is optional, but checked when given. */
	unit_call_open(&u, "MLB", CTX, "{\"payment_method_id\":\"pix\","
	    "\"transaction_amount\":25,\"payer\":{\"email\":\"a@b.co\","
	    "\"identification\":{\"type\":\"CPF\",\"number\":"
	    "\"12345678900\"}}}", NULL);
	unit_refused(&u, 400, "invalid_field", "payer.identification.number",
	    "payer.identification.number is not a valid CPF: wrong check "
	    "digit");
	unit_call_close(&u);
	unit_call_open(&u, "MLB", CTX, "{\"payment_method_id\":\"pix\","
	    "\"transaction_amount\":25,\"payer\":{\"email\":\"a@b.co\","
	    "\"identification\":{\"type\":\"CPF\",\"number\":"
	    "\"12345678909\"}}}", NULL);
	assert_int_equal(unit_validate(&u), 0);
	unit_call_close(&u);
}

/* A code must stay payable 30 minutes: the purchase's expiry decides. */
static void
expiry(void **state)
{
	struct unit_call u;

	(void)state;
	/* 2030-01-01T00:30:00Z: exactly 30 minutes after "now". */
	unit_call_open(&u, "MLB", "{\"amount\":\"25.00\",\"expires_at\":"
	    "\"2030-01-01T00:30:00Z\"}", FORM, NULL);
	assert_int_equal(u.ctx.expires_ms - UNIT_NOW_MS, 30 * UNIT_MIN_MS);
	assert_int_equal(unit_validate(&u), 0);
	unit_call_close(&u);
	unit_call_open(&u, "MLB", "{\"amount\":\"25.00\",\"expires_at\":"
	    "\"2030-01-01T00:29:59.999Z\"}", FORM, NULL);
	unit_refused(&u, 400, "unsupported_payment_method",
	    "payment_method_id", "this purchase expires in less than 30 "
	    "minutes, too soon for a Pix code");
	unit_call_close(&u);
	/* Expired already. */
	unit_call_open(&u, "MLB", "{\"amount\":\"25.00\",\"expires_at\":"
	    "\"2029-12-31T00:00:00Z\"}", FORM, NULL);
	unit_refused(&u, 400, "unsupported_payment_method",
	    "payment_method_id", NULL);
	unit_call_close(&u);
}

static void
body(void **state)
{
	struct unit_call u;

	(void)state;
	/* The configured validity: 1440 minutes by default. */
	unit_call_open(&u, "MLB", CTX, "{\"payment_method_id\":\"pix\","
	    "\"transaction_amount\":25,\"payer\":{\"email\":"
	    "\"buyer@example.com\",\"first_name\":\"Ana\",\"entity_type\":"
	    "\"individual\",\"identification\":{\"type\":\"CPF\",\"number\":"
	    "\"12345678909\"}},\"issuer_id\":\"1\",\"token\":\"t\"}", NULL);
	unit_built(&u, "{\"transaction_amount\":25.00}",
	    "{\"transaction_amount\":25.00,\"payment_method_id\":\"pix\","
	    "\"payer\":{\"email\":\"buyer@example.com\",\"first_name\":"
	    "\"Ana\",\"identification\":{\"type\":\"CPF\",\"number\":"
	    "\"12345678909\"}},\"date_of_expiration\":"
	    "\"2030-01-02T00:00:00.000+00:00\"}");
	unit_call_close(&u);
	unit_call_open(&u, "MLB", CTX, FORM, "pix_expires_minutes", "31",
	    NULL);
	unit_built(&u, "{}", "{\"payment_method_id\":\"pix\",\"payer\":"
	    "{\"email\":\"buyer@example.com\"},\"date_of_expiration\":"
	    "\"2030-01-01T00:31:00.000+00:00\"}");
	unit_call_close(&u);
	/* A purchase that expires sooner: the code never outlives it. */
	unit_call_open(&u, "MLB", "{\"amount\":\"25.00\",\"expires_at\":"
	    "\"2030-01-01T02:15:00.500-00:00\",\"payer\":{\"last_name\":"
	    "\"Souza\"}}", FORM, NULL);
	unit_built(&u, "{}", "{\"payment_method_id\":\"pix\",\"payer\":"
	    "{\"email\":\"buyer@example.com\",\"last_name\":\"Souza\"},"
	    "\"date_of_expiration\":\"2030-01-01T02:15:00.500+00:00\"}");
	unit_call_close(&u);
}

static void
summary(void **state)
{
	const struct method *pix = method_for(pm_find("MLB", "pix"));

	(void)state;
	unit_summary_is(pix, "{\"id\":1,\"status\":\"pending\","
	    "\"date_of_expiration\":\"2030-01-02T00:00:00.000-04:00\","
	    "\"point_of_interaction\":{\"type\":\"PIX\",\"transaction_data\":"
	    "{\"qr_code\":\"00020126580014br.gov.bcb.pix\",\"qr_code_base64\":"
	    "\"iVBORw0KGgo=\",\"ticket_url\":\"https://mp.example/pix/1\","
	    "\"bank_info\":{\"payer\":{\"id\":7}}}}}",
	    "{\"pix\":{\"qr_code\":\"00020126580014br.gov.bcb.pix\","
	    "\"qr_code_base64\":\"iVBORw0KGgo=\",\"ticket_url\":"
	    "\"https://mp.example/pix/1\",\"expires_at\":"
	    "\"2030-01-02T00:00:00.000-04:00\"}}");
	/* What is not a string is left out. */
	unit_summary_is(pix, "{\"date_of_expiration\":5,"
	    "\"point_of_interaction\":{\"transaction_data\":{\"qr_code\":"
	    "[\"x\"],\"qr_code_base64\":null,\"ticket_url\":{}}}}",
	    "{\"pix\":{}}");
	unit_summary_is(pix, "{}", "{\"pix\":{}}");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(matches),
		cmocka_unit_test(validation),
		cmocka_unit_test(expiry),
		cmocka_unit_test(body),
		cmocka_unit_test(summary),
	};
	return RUN_TAP(tests);
}
