/*
 * Unit tests: the card module (methods/card.c): which ids it takes, its
 * field table, the rules only code states (e-mail, debit in one
 * instalment, saved cards, the document), the exact body it adds for
 * Mercado Pago and the 3DS challenge it puts in a summary.
 */
#include "unit_method.h"

#define CTX	"{\"amount\":\"150.00\"}"
#define CTX_EMAIL "{\"amount\":\"150.00\",\"payer\":{\"email\":" \
	"\"buyer@example.com\",\"first_name\":\"Ana\"}}"
#define CTX_CUSTOMER "{\"amount\":\"150.00\",\"customer_id\":" \
	"\"123456789-abc\",\"payer\":{\"email\":\"buyer@example.com\"," \
	"\"first_name\":\"Ana\"}}"
#define TOKEN	"ff8080814c11e237014c1ff593b57b4d"
#define PAYER	"\"payer\":{\"email\":\"buyer@example.com\"," \
	"\"identification\":{\"type\":\"CPF\",\"number\":\"19119119100\"}}"

static void
matches(void **state)
{
	static const char *const cards[] = { "visa", "master", "amex",
	    "elo", "debelo", "hipercard", "debcabal" };
	const struct method *card;
	size_t i;

	(void)state;
	card = method_for(pm_find("MLB", "visa"));
	assert_non_null(card);
	assert_string_equal(card->name, "card");
	for (i = 0; i < sizeof(cards) / sizeof(cards[0]); i++) {
		assert_true(card->match(pm_find("MLB", cards[i])));
		assert_ptr_equal(method_for(pm_find("MLB", cards[i])), card);
	}
	assert_true(card->match(pm_find("MLA", "naranja")));
	assert_true(card->match(pm_find("MLA", "debvisa")));
	assert_true(card->match(pm_find("MCO", "codensa")));
	assert_false(card->match(pm_find("MLB", "pix")));
	assert_false(card->match(pm_find("MLB", "bolbradesco")));
	assert_false(card->match(pm_find("MLB", "account_money")));
	assert_false(card->match(pm_find("MCO", "pse")));
}

static void
accepted(void **state)
{
	struct unit_call u;

	(void)state;
	unit_call_open(&u, "MLB", CTX, "{\"token\":\"" TOKEN "\","
	    "\"payment_method_id\":\"visa\",\"transaction_amount\":150,"
	    "\"installments\":12,\"issuer_id\":\"25\",\"processing_mode\":"
	    "\"aggregator\"," PAYER "}", NULL);
	assert_int_equal(unit_validate(&u), 0);
	unit_call_close(&u);
	/* The e-mail may come from the context; issuer_id may be a number. */
	unit_call_open(&u, "MLB", CTX_EMAIL, "{\"token\":\"" TOKEN "\","
	    "\"payment_method_id\":\"debelo\",\"transaction_amount\":\"x\","
	    "\"installments\":1,\"issuer_id\":25,\"payer\":{\"identification\":"
	    "{\"type\":\"CNPJ\",\"number\":\"11222333000181\"}}}", NULL);
	unit_refused(&u, 400, "invalid_field", "transaction_amount",
	    "transaction_amount must be a number");
	json_object_object_add(u.mc.form, "transaction_amount",
	    json_object_new_double(150));
	assert_int_equal(unit_validate(&u), 0);
	unit_call_close(&u);
}

/* The table's refusals, in the table's order. */
static void
fields(void **state)
{
	static const struct {
		const char *form, *code, *field, *message;
	} cases[] = {
		{ "{\"payment_method_id\":\"visa\"}", "missing_field", "token",
		    "token is required" },
		{ "{\"token\":\"ab/cd\",\"payment_method_id\":\"visa\"}",
		    "invalid_field", "token", "token has characters other "
		    "than letters, digits, '-' and '_'" },
		{ "{\"token\":\"" TOKEN TOKEN "x\",\"payment_method_id\":"
		    "\"visa\"}", "invalid_field", "token", "token must be "
		    "printable text of at most 64 bytes" },
		{ "{\"token\":\"t\",\"payment_method_id\":\"visa\"}",
		    "missing_field", "transaction_amount",
		    "transaction_amount is required" },
		{ "{\"token\":\"t\",\"payment_method_id\":\"visa\","
		    "\"transaction_amount\":1}", "missing_field",
		    "installments", "installments is required" },
		{ "{\"token\":\"t\",\"payment_method_id\":\"visa\","
		    "\"transaction_amount\":1,\"installments\":0}",
		    "invalid_field", "installments",
		    "installments must be between 1 and 99" },
		{ "{\"token\":\"t\",\"payment_method_id\":\"visa\","
		    "\"transaction_amount\":1,\"installments\":\"3\"}",
		    "invalid_field", "installments",
		    "installments must be an integer" },
		{ "{\"token\":\"t\",\"payment_method_id\":\"visa\","
		    "\"transaction_amount\":1,\"installments\":1,"
		    "\"issuer_id\":\"2x\"}", "invalid_field", "issuer_id",
		    "issuer_id must be digits" },
		{ "{\"token\":\"t\",\"payment_method_id\":\"visa\","
		    "\"transaction_amount\":1,\"installments\":1,"
		    "\"processing_mode\":\"direct\"}", "invalid_field",
		    "processing_mode",
		    "processing_mode is not one of the accepted values" },
		{ "{\"token\":\"t\",\"payment_method_id\":\"visa\","
		    "\"transaction_amount\":1,\"installments\":1}",
		    "missing_field", "payer", "payer is required" },
		{ "{\"token\":\"t\",\"payment_method_id\":\"visa\","
		    "\"transaction_amount\":1,\"installments\":1,\"payer\":"
		    "{\"email\":\"buyer\"}}", "invalid_field", "payer.email",
		    "payer.email is not an e-mail address" },
		{ "{\"token\":\"t\",\"payment_method_id\":\"visa\","
		    "\"transaction_amount\":1,\"installments\":1,\"payer\":"
		    "{\"type\":\"admin\"}}", "invalid_field", "payer.type",
		    "payer.type is not one of the accepted values" },
		{ "{\"token\":\"t\",\"payment_method_id\":\"visa\","
		    "\"transaction_amount\":1,\"installments\":1,\"payer\":"
		    "{\"identification\":\"CPF\"}}", "invalid_field",
		    "payer.identification",
		    "payer.identification must be an object" },
	};
	struct unit_call u;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unit_call_open(&u, "MLB", CTX, cases[i].form, NULL);
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
	/* No e-mail in the form or the context. */
	unit_call_open(&u, "MLB", CTX, "{\"token\":\"t\",\"payment_method_id\":"
	    "\"visa\",\"transaction_amount\":1,\"installments\":1,\"payer\":"
	    "{\"identification\":{\"type\":\"CPF\",\"number\":"
	    "\"19119119100\"}}}", NULL);
	unit_refused(&u, 400, "missing_field", "payer.email",
	    "payer.email is required");
	unit_call_close(&u);
	/* A debit card is paid at once. */
	unit_call_open(&u, "MLB", CTX, "{\"token\":\"t\",\"payment_method_id\":"
	    "\"debelo\",\"transaction_amount\":1,\"installments\":3," PAYER
	    "}", NULL);
	unit_refused(&u, 400, "invalid_field", "installments",
	    "a debit_card is paid in one instalment");
	unit_call_close(&u);
	/* A guest's card needs the document, with its check digits. */
	unit_call_open(&u, "MLB", CTX_EMAIL, "{\"token\":\"t\","
	    "\"payment_method_id\":\"visa\",\"transaction_amount\":1,"
	    "\"installments\":1,\"payer\":{}}", NULL);
	unit_refused(&u, 400, "missing_field", "payer.identification.type",
	    "payer.identification.type is required in Brazil");
	unit_call_close(&u);
	unit_call_open(&u, "MLB", CTX_EMAIL, "{\"token\":\"t\","
	    "\"payment_method_id\":\"visa\",\"transaction_amount\":1,"
	    "\"installments\":1,\"payer\":{\"identification\":{\"type\":"
	    "\"CPF\",\"number\":\"19119119101\"}}}", NULL);
	unit_refused(&u, 400, "invalid_field", "payer.identification.number",
	    "payer.identification.number is not a valid CPF: wrong check "
	    "digit");
	unit_call_close(&u);
	/* A saved card: the purchase's customer instead of the document. */
	unit_call_open(&u, "MLB", CTX_CUSTOMER, "{\"token\":\"t\","
	    "\"payment_method_id\":\"visa\",\"transaction_amount\":1,"
	    "\"installments\":1,\"payer\":{\"type\":\"customer\"}}", NULL);
	unit_refused(&u, 400, "missing_field", "payer.id",
	    "payer.id is required for a saved card");
	json_object_object_add(json_object_object_get(u.mc.form, "payer"),
	    "id", json_object_new_string("123456789-abd"));
	unit_refused(&u, 400, "invalid_field", "payer.id",
	    "payer.id is not the purchase's customer");
	json_object_object_add(json_object_object_get(u.mc.form, "payer"),
	    "id", json_object_new_string("123456789-abc"));
	assert_int_equal(unit_validate(&u), 0);
	unit_call_close(&u);
	/* No customer named by the purchase: no saved card pays it. */
	unit_call_open(&u, "MLB", CTX_EMAIL, "{\"token\":\"t\","
	    "\"payment_method_id\":\"visa\",\"transaction_amount\":1,"
	    "\"installments\":1,\"payer\":{\"type\":\"customer\",\"id\":"
	    "\"123456789-abc\"}}", NULL);
	unit_refused(&u, 400, "invalid_field", "payer.id",
	    "this purchase names no customer: saved cards cannot pay it");
	unit_call_close(&u);
	/* A guest who says so still needs the document. */
	unit_call_open(&u, "MLB", CTX_EMAIL, "{\"token\":\"t\","
	    "\"payment_method_id\":\"visa\",\"transaction_amount\":1,"
	    "\"installments\":1,\"payer\":{\"type\":\"guest\",\"id\":\"9\"}}",
	    NULL);
	unit_refused(&u, 400, "missing_field", "payer.identification.type",
	    "payer.identification.type is required in Brazil");
	unit_call_close(&u);
}

static void
body(void **state)
{
	struct unit_call u;

	(void)state;
	/* Only the members the module lists; payer's filtered too. */
	unit_call_open(&u, "MLB", CTX, "{\"token\":\"" TOKEN "\","
	    "\"payment_method_id\":\"visa\",\"transaction_amount\":150,"
	    "\"installments\":3,\"issuer_id\":\"25\",\"amount\":1,"
	    "\"payer\":{\"email\":\"buyer@example.com\",\"first_name\":"
	    "\"Ana\",\"address\":{\"city\":\"Rio\"},\"identification\":"
	    "{\"type\":\"CPF\",\"number\":\"19119119100\",\"x\":1},"
	    "\"card\":\"4111\"}}", NULL);
	unit_built(&u, "{\"transaction_amount\":150.00}",
	    "{\"transaction_amount\":150.00,\"token\":\"" TOKEN "\","
	    "\"installments\":3,\"payment_method_id\":\"visa\",\"issuer_id\":"
	    "\"25\",\"payer\":{\"email\":\"buyer@example.com\",\"first_name\":"
	    "\"Ana\",\"identification\":{\"type\":\"CPF\",\"number\":"
	    "\"19119119100\"}}}");
	unit_call_close(&u);
	/*
	 * The context fills the payer's gaps; the options are copied; 3DS
	 * is asked for when configured.
	 */
	unit_call_open(&u, "MLB", "{\"amount\":\"150.00\",\"payer\":{\"email\":"
	    "\"buyer@example.com\",\"first_name\":\"Ana\",\"last_name\":"
	    "\"Silva\"}}", "{\"token\":\"" TOKEN "\",\"payment_method_id\":"
	    "\"master\",\"transaction_amount\":150,\"installments\":1,"
	    "\"issuer_id\":24,\"payment_method_option_id\":\"opt-1\","
	    "\"processing_mode\":\"gateway\",\"payer\":{\"first_name\":"
	    "\"Ana Maria\",\"identification\":{\"type\":\"CNPJ\",\"number\":"
	    "\"11222333000181\"}}}", "three_d_secure_mode", "optional", NULL);
	unit_built(&u, "{}", "{\"token\":\"" TOKEN "\",\"installments\":1,"
	    "\"payment_method_id\":\"master\",\"issuer_id\":24,"
	    "\"payment_method_option_id\":\"opt-1\",\"processing_mode\":"
	    "\"gateway\",\"payer\":{\"email\":\"buyer@example.com\","
	    "\"first_name\":\"Ana Maria\",\"last_name\":\"Silva\","
	    "\"identification\":{\"type\":\"CNPJ\",\"number\":"
	    "\"11222333000181\"}},\"three_d_secure_mode\":\"optional\"}");
	unit_call_close(&u);
	/* A saved card sends the buyer's type and id. */
	unit_call_open(&u, "MLB", CTX_CUSTOMER, "{\"token\":\"" TOKEN "\","
	    "\"payment_method_id\":\"visa\",\"transaction_amount\":150,"
	    "\"installments\":2,\"payer\":{\"type\":\"customer\",\"id\":"
	    "\"123456789-abc\"}}", NULL);
	unit_built(&u, "{}", "{\"token\":\"" TOKEN "\",\"installments\":2,"
	    "\"payment_method_id\":\"visa\",\"payer\":{\"email\":"
	    "\"buyer@example.com\",\"first_name\":\"Ana\",\"type\":"
	    "\"customer\",\"id\":\"123456789-abc\"}}");
	unit_call_close(&u);
	/* binary_mode = true: approved or rejected at once. */
	unit_call_open(&u, "MLB", CTX_EMAIL, "{\"token\":\"" TOKEN "\","
	    "\"payment_method_id\":\"elo\",\"transaction_amount\":150,"
	    "\"installments\":1," PAYER "}", "binary_mode", "true", NULL);
	unit_built(&u, "{}", "{\"token\":\"" TOKEN "\",\"installments\":1,"
	    "\"payment_method_id\":\"elo\",\"payer\":{\"email\":"
	    "\"buyer@example.com\",\"first_name\":\"Ana\",\"identification\":"
	    "{\"type\":\"CPF\",\"number\":\"19119119100\"}},"
	    "\"binary_mode\":true}");
	unit_call_close(&u);
}

static void
summary(void **state)
{
	const struct method *card = method_for(pm_find("MLB", "visa"));

	(void)state;
	unit_summary_is(card, "{\"status\":\"pending\",\"status_detail\":"
	    "\"pending_challenge\",\"three_ds_info\":{\"external_resource_url\":"
	    "\"https://acs.example/3ds\",\"creq\":\"eyJ0aHJlZURTU2VydmVy\"}}",
	    "{\"three_ds\":{\"external_resource_url\":"
	    "\"https://acs.example/3ds\",\"creq\":\"eyJ0aHJlZURTU2VydmVy\"}}");
	/* Nothing to show otherwise, whatever three_ds_info holds. */
	unit_summary_is(card, "{\"status\":\"approved\",\"status_detail\":"
	    "\"accredited\",\"three_ds_info\":{\"creq\":\"x\"}}", "{}");
	unit_summary_is(card, "{\"status\":\"rejected\",\"status_detail\":"
	    "\"cc_rejected_bad_filled_security_code\"}", "{}");
	unit_summary_is(card, "{\"status\":\"pending\"}", "{}");
	/* A challenge without its values: an empty object, nothing made up. */
	unit_summary_is(card, "{\"status_detail\":\"pending_challenge\"}",
	    "{\"three_ds\":{}}");
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
