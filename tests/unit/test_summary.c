/*
 * Unit tests: the payment summary (summary.c; brickgate(8), Answers), the
 * only part of Mercado Pago's payment the browser sees: exact members,
 * the amount as decimal text in the site's currency, the module's part.
 */
#include "unit_json.h"

#include <stdlib.h>

#include "site.h"
#include "summary.h"

/* The summary of `payment` on `site`, as text; the caller frees it. */
static char *
summary_of(const char *site, const char *payment)
{
	json_object *pay = unit_json(payment), *s;
	char *text;

	s = summary_build("order-1", pay, site_find(site));
	assert_non_null(s);
	text = strdup(unit_text(s));
	json_object_put(s);
	json_object_put(pay);
	return text;
}

static void
summary_is(const char *site, const char *payment, const char *want)
{
	char *got = summary_of(site, payment);

	assert_string_equal(got, want);
	free(got);
}

/* A card payment as Mercado Pago answers it: the summary keeps 8 members. */
static void
card_payment(void **state)
{
	(void)state;
	summary_is("MLB", "{\"id\":91000000001,\"status\":\"approved\","
	    "\"status_detail\":\"accredited\",\"payment_method_id\":\"visa\","
	    "\"payment_type_id\":\"credit_card\",\"transaction_amount\":150,"
	    "\"installments\":3,\"currency_id\":\"BRL\",\"payer\":{\"email\":"
	    "\"buyer@example.com\",\"identification\":{\"number\":"
	    "\"19119119100\"}},\"card\":{\"last_four_digits\":\"4242\"},"
	    "\"fee_details\":[{\"amount\":5.99}],\"transaction_details\":"
	    "{\"net_received_amount\":144.01},\"external_reference\":"
	    "\"order-1\",\"metadata\":{\"x\":1}}",
	    "{\"purchase_id\":\"order-1\",\"id\":91000000001,\"status\":"
	    "\"approved\",\"status_detail\":\"accredited\","
	    "\"payment_method_id\":\"visa\",\"payment_type_id\":"
	    "\"credit_card\",\"transaction_amount\":\"150.00\","
	    "\"installments\":3}");
}

static void
amounts(void **state)
{
	(void)state;
	summary_is("MLB", "{\"transaction_amount\":150.5}",
	    "{\"purchase_id\":\"order-1\",\"transaction_amount\":\"150.50\"}");
	summary_is("MLB", "{\"transaction_amount\":0.01}",
	    "{\"purchase_id\":\"order-1\",\"transaction_amount\":\"0.01\"}");
	summary_is("MLB", "{\"transaction_amount\":1234567.89}",
	    "{\"purchase_id\":\"order-1\",\"transaction_amount\":"
	    "\"1234567.89\"}");
	/* COP and CLP are whole. */
	summary_is("MCO", "{\"transaction_amount\":120000}",
	    "{\"purchase_id\":\"order-1\",\"transaction_amount\":\"120000\"}");
	summary_is("MLC", "{\"transaction_amount\":9990}",
	    "{\"purchase_id\":\"order-1\",\"transaction_amount\":\"9990\"}");
	/*
	 * An amount the currency cannot hold, or one sent as a string, is
	 * left out rather than rounded.
	 */
	summary_is("MCO", "{\"transaction_amount\":120000.5}",
	    "{\"purchase_id\":\"order-1\"}");
	summary_is("MLB", "{\"transaction_amount\":1.005}",
	    "{\"purchase_id\":\"order-1\"}");
	summary_is("MLB", "{\"transaction_amount\":\"150.00\"}",
	    "{\"purchase_id\":\"order-1\"}");
}

/* Each member only with its own JSON type. */
static void
types(void **state)
{
	(void)state;
	summary_is("MLB", "{\"id\":\"91000000001\",\"status\":1,"
	    "\"status_detail\":{},\"payment_method_id\":[\"visa\"],"
	    "\"payment_type_id\":null,\"installments\":\"3\"}",
	    "{\"purchase_id\":\"order-1\"}");
	summary_is("MLB", "{\"id\":1.5,\"installments\":3.0}",
	    "{\"purchase_id\":\"order-1\"}");
	summary_is("MLB", "{}", "{\"purchase_id\":\"order-1\"}");
}

/* The module of the payment's method adds its part; none for others. */
static void
module_parts(void **state)
{
	(void)state;
	summary_is("MLB", "{\"id\":2,\"status\":\"pending\",\"status_detail\":"
	    "\"pending_waiting_transfer\",\"payment_method_id\":\"pix\","
	    "\"payment_type_id\":\"bank_transfer\",\"transaction_amount\":25,"
	    "\"installments\":1,\"date_of_expiration\":"
	    "\"2030-01-02T00:00:00.000-04:00\",\"point_of_interaction\":"
	    "{\"transaction_data\":{\"qr_code\":\"000201\",\"qr_code_base64\":"
	    "\"iVBO\",\"ticket_url\":\"https://mp.example/t/2\"}}}",
	    "{\"purchase_id\":\"order-1\",\"id\":2,\"status\":\"pending\","
	    "\"status_detail\":\"pending_waiting_transfer\","
	    "\"payment_method_id\":\"pix\",\"payment_type_id\":"
	    "\"bank_transfer\",\"transaction_amount\":\"25.00\","
	    "\"installments\":1,\"pix\":{\"qr_code\":\"000201\","
	    "\"qr_code_base64\":\"iVBO\",\"ticket_url\":"
	    "\"https://mp.example/t/2\",\"expires_at\":"
	    "\"2030-01-02T00:00:00.000-04:00\"}}");
	summary_is("MLM", "{\"id\":3,\"status\":\"pending\","
	    "\"payment_method_id\":\"oxxo\",\"transaction_amount\":99,"
	    "\"transaction_details\":{\"external_resource_url\":"
	    "\"https://mp.example/v/3\"},\"barcode\":{\"content\":\"9988\"}}",
	    "{\"purchase_id\":\"order-1\",\"id\":3,\"status\":\"pending\","
	    "\"payment_method_id\":\"oxxo\",\"transaction_amount\":\"99.00\","
	    "\"ticket\":{\"url\":\"https://mp.example/v/3\",\"barcode\":"
	    "\"9988\"}}");
	summary_is("MCO", "{\"id\":4,\"status\":\"pending\","
	    "\"payment_method_id\":\"pse\",\"transaction_amount\":50000,"
	    "\"transaction_details\":{\"external_resource_url\":"
	    "\"https://bank.example/4\"}}",
	    "{\"purchase_id\":\"order-1\",\"id\":4,\"status\":\"pending\","
	    "\"payment_method_id\":\"pse\",\"transaction_amount\":\"50000\","
	    "\"redirect_url\":\"https://bank.example/4\"}");
	summary_is("MLB", "{\"id\":5,\"status\":\"pending\",\"status_detail\":"
	    "\"pending_challenge\",\"payment_method_id\":\"master\","
	    "\"three_ds_info\":{\"external_resource_url\":\"https://acs/5\","
	    "\"creq\":\"c5\"}}",
	    "{\"purchase_id\":\"order-1\",\"id\":5,\"status\":\"pending\","
	    "\"status_detail\":\"pending_challenge\",\"payment_method_id\":"
	    "\"master\",\"three_ds\":{\"external_resource_url\":"
	    "\"https://acs/5\",\"creq\":\"c5\"}}");
	/* A method the site does not offer, or the wallet: no module part. */
	summary_is("MLA", "{\"id\":6,\"payment_method_id\":\"pix\","
	    "\"point_of_interaction\":{\"transaction_data\":{\"qr_code\":"
	    "\"x\"}}}", "{\"purchase_id\":\"order-1\",\"id\":6,"
	    "\"payment_method_id\":\"pix\"}");
	summary_is("MLB", "{\"id\":7,\"status\":\"approved\","
	    "\"payment_method_id\":\"account_money\",\"payment_type_id\":"
	    "\"account_money\",\"transaction_amount\":10}",
	    "{\"purchase_id\":\"order-1\",\"id\":7,\"status\":\"approved\","
	    "\"payment_method_id\":\"account_money\",\"payment_type_id\":"
	    "\"account_money\",\"transaction_amount\":\"10.00\"}");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(card_payment),
		cmocka_unit_test(amounts),
		cmocka_unit_test(types),
		cmocka_unit_test(module_parts),
	};
	return RUN_TAP(tests);
}
