/*
 * Unit tests: the preference body (preference.c; brickgate(8),
 * ENDPOINTS, POST /create_preference): the context's items only when they add up
 * exactly to amount, else one item for the whole purchase; the payer's
 * names as a preference spells them; URLs, purpose and expiry.
 */
#include "unit_json.h"

#include "config.h"
#include "context.h"
#include "preference.h"

/* The body for a context, as text, with optional URLs configured. */
static void
body_is(const char *site, const char *context, const char *notify,
    const char *ret, const char *want)
{
	struct bg_problems p = { { 0 }, 0, 0 };
	struct bg_config cfg;
	struct bg_context c;
	struct bg_error e;
	json_object *body;

	config_init(&cfg);
	cfg.no_token = 1;
	config_set_flag(&cfg, "site", site, &p);
	if (notify != NULL)
		config_set_flag(&cfg, "notification_url", notify, &p);
	if (ret != NULL)
		config_set_flag(&cfg, "return_url", ret, &p);
	assert_int_equal(config_check(&cfg, &p), 0);
	bg_error_clear(&e);
	assert_int_equal(context_parse(&c, "order-1", context, strlen(context),
	    cfg.site, &e), 0);
	body = preference_body(&cfg, &c);
	assert_string_equal(unit_text(body), want);
	json_object_put(body);
	context_free(&c);
	config_free(&cfg);
}

static void
minimal(void **state)
{
	(void)state;
	body_is("MLB", "{\"amount\":\"150.00\"}", NULL, NULL,
	    "{\"items\":[{\"title\":\"Purchase order-1\",\"quantity\":1,"
	    "\"unit_price\":150.00}],\"external_reference\":\"order-1\"}");
	body_is("MCO", "{\"amount\":\"120000\"}", NULL, NULL,
	    "{\"items\":[{\"title\":\"Purchase order-1\",\"quantity\":1,"
	    "\"unit_price\":120000}],\"external_reference\":\"order-1\"}");
}

static void
items_that_add_up(void **state)
{
	(void)state;
	/* 2 x 50.00 + 1 x 50 = 150.00: the context's items, exactly. */
	body_is("MLB", "{\"amount\":\"150.00\",\"items\":[{\"id\":\"A1\","
	    "\"title\":\"Mug\",\"quantity\":2,\"unit_price\":\"50.00\"},"
	    "{\"title\":\"Tea\",\"quantity\":1,\"unit_price\":50,"
	    "\"category_id\":\"food\"}]}", NULL, NULL,
	    "{\"items\":[{\"id\":\"A1\",\"title\":\"Mug\",\"quantity\":2,"
	    "\"unit_price\":50.00},{\"title\":\"Tea\",\"quantity\":1,"
	    "\"unit_price\":50.00,\"category_id\":\"food\"}],"
	    "\"external_reference\":\"order-1\"}");
	body_is("MLB", "{\"amount\":\"0.03\",\"items\":[{\"title\":\"Pin\","
	    "\"quantity\":3,\"unit_price\":\"0.01\"}]}", NULL, NULL,
	    "{\"items\":[{\"title\":\"Pin\",\"quantity\":3,\"unit_price\":"
	    "0.01}],\"external_reference\":\"order-1\"}");
}

static void
items_that_do_not(void **state)
{
	(void)state;
	/* One cent short: one item with the description and the amount. */
	body_is("MLB", "{\"amount\":\"150.00\",\"description\":\"Pedido 1\","
	    "\"items\":[{\"title\":\"Mug\",\"quantity\":2,\"unit_price\":"
	    "\"74.99\"}]}", NULL, NULL,
	    "{\"items\":[{\"title\":\"Pedido 1\",\"quantity\":1,"
	    "\"unit_price\":150.00}],\"external_reference\":\"order-1\"}");
	/* One cent over. */
	body_is("MLB", "{\"amount\":\"150.00\",\"items\":[{\"title\":\"Mug\","
	    "\"quantity\":1,\"unit_price\":\"150.01\"}]}", NULL, NULL,
	    "{\"items\":[{\"title\":\"Purchase order-1\",\"quantity\":1,"
	    "\"unit_price\":150.00}],\"external_reference\":\"order-1\"}");
	/* Adding up, but an item without a title. */
	body_is("MLB", "{\"amount\":\"150.00\",\"items\":[{\"title\":\"\","
	    "\"quantity\":1,\"unit_price\":\"150.00\"}]}", NULL, NULL,
	    "{\"items\":[{\"title\":\"Purchase order-1\",\"quantity\":1,"
	    "\"unit_price\":150.00}],\"external_reference\":\"order-1\"}");
	/* A total that overflows is no total. */
	body_is("MLB", "{\"amount\":\"150.00\",\"items\":[{\"title\":\"A\","
	    "\"quantity\":9223372036854775807,\"unit_price\":\"2.00\"},"
	    "{\"title\":\"B\",\"quantity\":1,\"unit_price\":\"150.00\"}]}",
	    NULL, NULL, "{\"items\":[{\"title\":\"Purchase order-1\","
	    "\"quantity\":1,\"unit_price\":150.00}],\"external_reference\":"
	    "\"order-1\"}");
	/* No items at all, an empty list alike. */
	body_is("MLB", "{\"amount\":\"150.00\",\"items\":[]}", NULL, NULL,
	    "{\"items\":[{\"title\":\"Purchase order-1\",\"quantity\":1,"
	    "\"unit_price\":150.00}],\"external_reference\":\"order-1\"}");
}

static void
everything(void **state)
{
	(void)state;
	body_is("MLB", "{\"amount\":\"150.00\",\"description\":\"Pedido 1\","
	    "\"payer\":{\"email\":\"a@b.co\",\"first_name\":\"Ana\","
	    "\"last_name\":\"Silva\",\"identification\":{\"type\":\"CPF\","
	    "\"number\":\"19119119100\"},\"phone\":{\"area_code\":\"21\"},"
	    "\"address\":{\"city\":\"Rio\"}},\"purpose\":\"wallet_purchase\","
	    "\"expires_at\":\"2030-01-01T00:00:00-03:00\","
	    "\"statement_descriptor\":\"LOJA\",\"metadata\":{\"k\":\"v\"}}",
	    "https://shop.example/hook", "https://shop.example/done",
	    "{\"items\":[{\"title\":\"Pedido 1\",\"quantity\":1,"
	    "\"unit_price\":150.00}],\"payer\":{\"email\":\"a@b.co\","
	    "\"name\":\"Ana\",\"surname\":\"Silva\",\"identification\":"
	    "{\"type\":\"CPF\",\"number\":\"19119119100\"},\"phone\":"
	    "{\"area_code\":\"21\"}},\"external_reference\":\"order-1\","
	    "\"notification_url\":"
	    "\"https://shop.example/hook?source_news=webhooks\","
	    "\"back_urls\":{\"success\":"
	    "\"https://shop.example/done?purchase_id=order-1\",\"pending\":"
	    "\"https://shop.example/done?purchase_id=order-1\",\"failure\":"
	    "\"https://shop.example/done?purchase_id=order-1\"},"
	    "\"auto_return\":\"approved\",\"purpose\":\"wallet_purchase\","
	    "\"expires\":true,\"expiration_date_to\":"
	    "\"2030-01-01T03:00:00.000+00:00\",\"statement_descriptor\":"
	    "\"LOJA\",\"metadata\":{\"k\":\"v\"}}");
}

static void
limits(void **state)
{
	(void)state;
	/*
	 * Cards only, credit at most 3 instalments: every other type goes,
	 * account money never (Mercado Pago refuses to exclude it).
	 */
	body_is("MLM", "{\"amount\":\"99.00\",\"payment_methods\":"
	    "[\"credit_card\",\"debit_card\",\"account_money\"],"
	    "\"max_installments\":3}", NULL, NULL,
	    "{\"items\":[{\"title\":\"Purchase order-1\",\"quantity\":1,"
	    "\"unit_price\":99.00}],\"external_reference\":\"order-1\","
	    "\"payment_methods\":{\"excluded_payment_types\":[{\"id\":"
	    "\"prepaid_card\"},{\"id\":\"ticket\"},{\"id\":\"atm\"},"
	    "{\"id\":\"digital_currency\"}],\"excluded_payment_methods\":[],"
	    "\"installments\":3}}");
	/* Visa alone among the cards: the other brands by id. */
	body_is("MLU", "{\"amount\":\"10.00\",\"payment_methods\":"
	    "[\"visa\",\"account_money\"]}", NULL, NULL,
	    "{\"items\":[{\"title\":\"Purchase order-1\",\"quantity\":1,"
	    "\"unit_price\":10.00}],\"external_reference\":\"order-1\","
	    "\"payment_methods\":{\"excluded_payment_types\":[{\"id\":"
	    "\"debit_card\"},{\"id\":\"ticket\"}],"
	    "\"excluded_payment_methods\":[{\"id\":\"master\"},{\"id\":"
	    "\"amex\"},{\"id\":\"oca\"},{\"id\":\"lider\"}]}}");
	/* More instalments than a preference takes: its most, 36. */
	body_is("MLB", "{\"amount\":\"150.00\",\"max_installments\":48}",
	    NULL, NULL, "{\"items\":[{\"title\":\"Purchase order-1\","
	    "\"quantity\":1,\"unit_price\":150.00}],\"external_reference\":"
	    "\"order-1\",\"payment_methods\":{\"excluded_payment_types\":[],"
	    "\"excluded_payment_methods\":[],\"installments\":36}}");
	/* Instalments alone. */
	body_is("MLB", "{\"amount\":\"150.00\",\"max_installments\":6}",
	    NULL, NULL, "{\"items\":[{\"title\":\"Purchase order-1\","
	    "\"quantity\":1,\"unit_price\":150.00}],\"external_reference\":"
	    "\"order-1\",\"payment_methods\":{\"excluded_payment_types\":[],"
	    "\"excluded_payment_methods\":[],\"installments\":6}}");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(minimal),
		cmocka_unit_test(items_that_add_up),
		cmocka_unit_test(items_that_do_not),
		cmocka_unit_test(everything),
		cmocka_unit_test(limits),
	};
	return RUN_TAP(tests);
}
