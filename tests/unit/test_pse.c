/*
 * Unit tests: the PSE module (methods/pse.c): Colombia only, callback_url
 * configured, entity type against document type, the 15 minutes a
 * transfer lives, the buyer's IP address, the exact body it adds and the
 * bank's URL in a summary.
 */
#include "unit_method.h"

#define CTX	"{\"amount\":\"120000\"}"
#define BACK	"callback_url", "https://shop.example/pse/back"
#define FORM	"{\"payment_method_id\":\"pse\",\"transaction_amount\":120000," \
	"\"payer\":{\"email\":\"comprador@example.com\",\"entity_type\":" \
	"\"individual\",\"identification\":{\"type\":\"CC\",\"number\":" \
	"\"123456789\"}},\"transaction_details\":{\"financial_institution\":" \
	"\"1007\"}}"

static void
matches(void **state)
{
	const struct method *pse = method_for(pm_find("MCO", "pse"));

	(void)state;
	assert_non_null(pse);
	assert_string_equal(pse->name, "pse");
	assert_true(pse->match(pm_find("MCO", "pse")));
	assert_false(pse->match(pm_find("MCO", "efecty")));
	assert_false(pse->match(pm_find("MCO", "visa")));
	assert_false(pse->match(pm_find("MLB", "pix")));
	assert_null(pm_find("MLB", "pse"));
}

static void
accepted(void **state)
{
	struct unit_call u;

	(void)state;
	unit_call_open(&u, "MCO", CTX, FORM, BACK, NULL);
	assert_int_equal(unit_validate(&u), 0);
	/* IPv6 is an address too. */
	u.mc.remote_addr = "2001:db8::1";
	assert_int_equal(unit_validate(&u), 0);
	unit_call_close(&u);
	/* A company pays with its NIT. */
	unit_call_open(&u, "MCO", CTX, "{\"payment_method_id\":\"pse\","
	    "\"transaction_amount\":120000,\"payer\":{\"email\":\"a@b.co\","
	    "\"entity_type\":\"association\",\"identification\":{\"type\":"
	    "\"NIT\",\"number\":\"800197268-4\"},\"phone\":{\"area_code\":"
	    "\"601\",\"number\":\"3001234567\"}},\"transaction_details\":"
	    "{\"financial_institution\":\"1051\"}}", BACK, NULL);
	assert_int_equal(unit_validate(&u), 0);
	unit_call_close(&u);
}

static void
fields(void **state)
{
	static const struct {
		const char *form, *code, *field, *message;
	} cases[] = {
		{ "{\"payment_method_id\":\"pse\",\"transaction_amount\":1}",
		    "missing_field", "payer", "payer is required" },
		{ "{\"payment_method_id\":\"pse\",\"transaction_amount\":1,"
		    "\"payer\":{}}", "missing_field", "payer.entity_type",
		    "payer.entity_type is required" },
		{ "{\"payment_method_id\":\"pse\",\"transaction_amount\":1,"
		    "\"payer\":{\"entity_type\":\"company\"}}", "invalid_field",
		    "payer.entity_type",
		    "payer.entity_type is not one of the accepted values" },
		{ "{\"payment_method_id\":\"pse\",\"transaction_amount\":1,"
		    "\"payer\":{\"entity_type\":\"individual\"}}",
		    "missing_field", "payer.identification",
		    "payer.identification is required" },
		{ "{\"payment_method_id\":\"pse\",\"transaction_amount\":1,"
		    "\"payer\":{\"entity_type\":\"individual\","
		    "\"identification\":{\"type\":\"CC\"}}}", "missing_field",
		    "payer.identification.number",
		    "payer.identification.number is required" },
		{ "{\"payment_method_id\":\"pse\",\"transaction_amount\":1,"
		    "\"payer\":{\"entity_type\":\"individual\","
		    "\"identification\":{\"type\":\"CC\",\"number\":\"1\"},"
		    "\"phone\":{\"area_code\":\"+57\"}}}", "invalid_field",
		    "payer.phone.area_code", "payer.phone.area_code must be "
		    "digits" },
		{ "{\"payment_method_id\":\"pse\",\"transaction_amount\":1,"
		    "\"payer\":{\"entity_type\":\"individual\","
		    "\"identification\":{\"type\":\"CC\",\"number\":\"1\"},"
		    "\"phone\":{\"number\":3001234567}}}", "invalid_field",
		    "payer.phone.number", "payer.phone.number must be a "
		    "string of digits" },
		{ "{\"payment_method_id\":\"pse\",\"transaction_amount\":1,"
		    "\"payer\":{\"entity_type\":\"individual\","
		    "\"identification\":{\"type\":\"CC\",\"number\":\"1\"}}}",
		    "missing_field", "transaction_details",
		    "transaction_details is required" },
		{ "{\"payment_method_id\":\"pse\",\"transaction_amount\":1,"
		    "\"payer\":{\"entity_type\":\"individual\","
		    "\"identification\":{\"type\":\"CC\",\"number\":\"1\"}},"
		    "\"transaction_details\":{}}", "missing_field",
		    "transaction_details.financial_institution",
		    "transaction_details.financial_institution is required" },
		{ "{\"payment_method_id\":\"pse\",\"transaction_amount\":1,"
		    "\"payer\":{\"entity_type\":\"individual\","
		    "\"identification\":{\"type\":\"CC\",\"number\":\"1\"}},"
		    "\"transaction_details\":{\"financial_institution\":1007}}",
		    "invalid_field", "transaction_details.financial_institution",
		    "transaction_details.financial_institution must be a "
		    "string of digits" },
		{ "{\"payment_method_id\":\"pse\",\"transaction_amount\":1,"
		    "\"payer\":{\"entity_type\":\"individual\","
		    "\"identification\":{\"type\":\"CC\",\"number\":\"1\"}},"
		    "\"transaction_details\":{\"financial_institution\":"
		    "\"123456789\"}}", "invalid_field",
		    "transaction_details.financial_institution",
		    "transaction_details.financial_institution must be "
		    "printable text of at most 8 bytes" },
	};
	struct unit_call u;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unit_call_open(&u, "MCO", CTX, cases[i].form, BACK, NULL);
		unit_refused(&u, 400, cases[i].code, cases[i].field,
		    cases[i].message);
		unit_call_close(&u);
	}
}

static void
rules(void **state)
{
	struct unit_call u;

	(void)state;
	/* Without callback_url the bank cannot send the buyer back. */
	unit_call_open(&u, "MCO", CTX, FORM, NULL);
	unit_refused(&u, 400, "unsupported_payment_method",
	    "payment_method_id", "PSE is not available: the shop has not set "
	    "callback_url, where the bank sends the buyer back");
	unit_call_close(&u);
	unit_call_open(&u, "MCO", CTX, "{\"payment_method_id\":\"pse\","
	    "\"transaction_amount\":120000,\"payer\":{\"entity_type\":"
	    "\"individual\",\"identification\":{\"type\":\"CC\",\"number\":"
	    "\"123456789\"}},\"transaction_details\":"
	    "{\"financial_institution\":\"1007\"}}", BACK, NULL);
	unit_refused(&u, 400, "missing_field", "payer.email",
	    "payer.email is required");
	unit_call_close(&u);
	unit_call_open(&u, "MCO", CTX, "{\"payment_method_id\":\"pse\","
	    "\"transaction_amount\":120000,\"payer\":{\"email\":\"a@b.co\","
	    "\"entity_type\":\"individual\",\"identification\":{\"type\":"
	    "\"CC\",\"number\":\"1234\"}},\"transaction_details\":"
	    "{\"financial_institution\":\"1007\"}}", BACK, NULL);
	unit_refused(&u, 400, "invalid_field", "payer.identification.number",
	    "payer.identification.number must be 5 to 10 digits for CC");
	unit_call_close(&u);
	/* Entity type and document type must agree. */
	unit_call_open(&u, "MCO", CTX, "{\"payment_method_id\":\"pse\","
	    "\"transaction_amount\":120000,\"payer\":{\"email\":\"a@b.co\","
	    "\"entity_type\":\"association\",\"identification\":{\"type\":"
	    "\"CC\",\"number\":\"123456789\"}},\"transaction_details\":"
	    "{\"financial_institution\":\"1007\"}}", BACK, NULL);
	unit_refused(&u, 400, "invalid_field", "payer.identification.type",
	    "CC does not fit payer.entity_type association");
	unit_call_close(&u);
	unit_call_open(&u, "MCO", CTX, "{\"payment_method_id\":\"pse\","
	    "\"transaction_amount\":120000,\"payer\":{\"email\":\"a@b.co\","
	    "\"entity_type\":\"individual\",\"identification\":{\"type\":"
	    "\"NIT\",\"number\":\"800197268\"}},\"transaction_details\":"
	    "{\"financial_institution\":\"1007\"}}", BACK, NULL);
	unit_refused(&u, 400, "invalid_field", "payer.identification.type",
	    "NIT does not fit payer.entity_type individual");
	unit_call_close(&u);
	/* A transfer lives 15 minutes. */
	unit_call_open(&u, "MCO", "{\"amount\":\"120000\",\"expires_at\":"
	    "\"2030-01-01T00:15:00Z\"}", FORM, BACK, NULL);
	assert_int_equal(unit_validate(&u), 0);
	unit_call_close(&u);
	unit_call_open(&u, "MCO", "{\"amount\":\"120000\",\"expires_at\":"
	    "\"2030-01-01T00:14:59.999Z\"}", FORM, BACK, NULL);
	unit_refused(&u, 400, "unsupported_payment_method",
	    "payment_method_id", "this purchase expires in less than 15 "
	    "minutes, too soon for a PSE transfer");
	unit_call_close(&u);
	/* The web server must say who the buyer is. */
	unit_call_open(&u, "MCO", CTX, FORM, BACK, NULL);
	u.mc.remote_addr = NULL;
	unit_refused(&u, 500, "internal_error", "", "the web server passed "
	    "no valid REMOTE_ADDR, which PSE needs");
	u.mc.remote_addr = "203.0.113.7:443";
	unit_refused(&u, 500, "internal_error", "", NULL);
	u.mc.remote_addr = "";
	unit_refused(&u, 500, "internal_error", "", NULL);
	unit_call_close(&u);
}

static void
body(void **state)
{
	struct unit_call u;

	(void)state;
	/*
	 * callback_url carries the purchase and a description is made when
	 * the context has none; the IP address is the flow's, as for every
	 * method (test_additional_info).
	 */
	unit_call_open(&u, "MCO", "{\"amount\":\"120000\",\"payer\":"
	    "{\"first_name\":\"Ana\",\"address\":{\"zip_code\":\"110111\","
	    "\"street_name\":\"Calle 1\"}}}", "{\"payment_method_id\":\"pse\","
	    "\"transaction_amount\":120000,\"payer\":{\"email\":"
	    "\"comprador@example.com\",\"entity_type\":\"individual\","
	    "\"identification\":{\"type\":\"CC\",\"number\":\"123456789\"},"
	    "\"phone\":{\"area_code\":\"601\",\"number\":\"3001234567\","
	    "\"ext\":\"9\"}},\"transaction_details\":{\"financial_institution\":"
	    "\"1007\",\"bank\":\"x\"},\"callback_url\":\"https://evil.example\""
	    "}", BACK, NULL);
	unit_built(&u, "{\"transaction_amount\":120000,\"additional_info\":"
	    "{\"items\":[]}}", "{\"transaction_amount\":120000,"
	    "\"additional_info\":{\"items\":[]},"
	    "\"payment_method_id\":\"pse\",\"payer\":{\"email\":"
	    "\"comprador@example.com\",\"first_name\":\"Ana\","
	    "\"identification\":{\"type\":\"CC\",\"number\":\"123456789\"},"
	    "\"entity_type\":\"individual\",\"address\":{\"zip_code\":"
	    "\"110111\",\"street_name\":\"Calle 1\"},\"phone\":{\"area_code\":"
	    "\"601\",\"number\":\"3001234567\"}},\"transaction_details\":"
	    "{\"financial_institution\":\"1007\"},\"callback_url\":"
	    "\"https://shop.example/pse/back?purchase_id=order-1\","
	    "\"description\":\"Purchase order-1\"}");
	unit_call_close(&u);
	/* The context's description stays. */
	unit_call_open(&u, "MCO", CTX, FORM, "callback_url",
	    "https://shop.example/back?lang=es", NULL);
	unit_built(&u, "{\"description\":\"Pedido 1\"}", "{\"description\":"
	    "\"Pedido 1\",\"payment_method_id\":\"pse\",\"payer\":{\"email\":"
	    "\"comprador@example.com\",\"identification\":{\"type\":\"CC\","
	    "\"number\":\"123456789\"},\"entity_type\":\"individual\"},"
	    "\"transaction_details\":{\"financial_institution\":\"1007\"},"
	    "\"callback_url\":"
	    "\"https://shop.example/back?lang=es&purchase_id=order-1\"}");
	unit_call_close(&u);
}

static void
summary(void **state)
{
	const struct method *pse = method_for(pm_find("MCO", "pse"));

	(void)state;
	unit_summary_is(pse, "{\"status\":\"pending\",\"transaction_details\":"
	    "{\"external_resource_url\":\"https://bank.example/pse?t=1\","
	    "\"financial_institution\":\"1007\"}}",
	    "{\"redirect_url\":\"https://bank.example/pse?t=1\"}");
	/* Paid or refused: nowhere to send the buyer. */
	unit_summary_is(pse, "{\"status\":\"approved\",\"transaction_details\":"
	    "{\"external_resource_url\":\"https://bank.example/pse?t=1\"}}",
	    "{}");
	unit_summary_is(pse, "{\"status\":\"pending\",\"transaction_details\":"
	    "{\"external_resource_url\":{\"url\":\"x\"}}}", "{}");
	unit_summary_is(pse, "{\"status\":\"pending\"}", "{}");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(matches),
		cmocka_unit_test(accepted),
		cmocka_unit_test(fields),
		cmocka_unit_test(rules),
		cmocka_unit_test(body),
		cmocka_unit_test(summary),
	};
	return RUN_TAP(tests);
}
