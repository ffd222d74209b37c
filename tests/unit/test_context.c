/*
 * Unit tests: purchase contexts (context.c; brickgate.conf(5), PURCHASE
 * CONTEXTS): what a valid one gives, amounts in exact minor units, each
 * field's refusal with its exact message, and brickgate's own records in
 * it.
 */
#include "unit_json.h"

#include <stdio.h>

#include "context.h"
#include "form.h"
#include "site.h"

static const struct bg_site *mlb, *mco;

static int
setup(void **state)
{
	(void)state;
	mlb = site_find("MLB");
	mco = site_find("MCO");
	return mlb != NULL && mco != NULL ? 0 : -1;
}

static void
parse_ok(struct bg_context *c, const struct bg_site *site, const char *text)
{
	struct bg_error e;

	bg_error_clear(&e);
	assert_int_equal(context_parse(c, "order-1", text, strlen(text), site,
	    &e), 0);
	assert_int_equal(e.status, 0);
	assert_ptr_equal(c->site, site);
	assert_string_equal(c->id, "order-1");
}

/* Refused: 500 invalid_context, no field, the message exactly. */
static void
parse_bad(const struct bg_site *site, const char *text, const char *message)
{
	struct bg_context c;
	struct bg_error e;

	bg_error_clear(&e);
	assert_int_equal(context_parse(&c, "order-1", text, strlen(text), site,
	    &e), -1);
	unit_error(&e, 500, "invalid_context", "", message);
	assert_null(c.root);	/* freed on failure */
}

#define PFX "purchase context order-1: "

static void
minimal(void **state)
{
	struct bg_context c;

	(void)state;
	parse_ok(&c, mlb, "{\"amount\":\"150.00\"}");
	assert_int_equal(c.amount, 15000);
	assert_string_equal(c.amount_text, "150.00");
	assert_null(c.description);
	assert_null(c.email);
	assert_null(c.payer);
	assert_null(c.items);
	assert_null(c.methods);
	assert_int_equal(c.max_installments, 0);
	assert_int_equal(c.expires_ms, 0);
	assert_null(c.statement_descriptor);
	assert_null(c.metadata);
	assert_null(c.purpose);
	assert_null(c.preference_id);
	assert_null(context_latest(&c));
	/* Every method is allowed when payment_methods is absent. */
	assert_true(context_allows(&c, "pix", "bank_transfer"));
	assert_true(context_allows(&c, "visa", "credit_card"));
	context_free(&c);
	assert_null(c.root);
}

static void
amounts(void **state)
{
	struct bg_context c;

	(void)state;
	parse_ok(&c, mlb, "{\"amount\":\"0.01\"}");
	assert_int_equal(c.amount, 1);
	assert_string_equal(c.amount_text, "0.01");
	context_free(&c);
	parse_ok(&c, mlb, "{\"amount\":\"99.9\"}");
	assert_int_equal(c.amount, 9990);
	assert_string_equal(c.amount_text, "99.90");
	context_free(&c);
	/* A JSON number is read from its text, never through a double. */
	parse_ok(&c, mlb, "{\"amount\":1234567.89}");
	assert_int_equal(c.amount, 123456789);
	assert_string_equal(c.amount_text, "1234567.89");
	context_free(&c);
	parse_ok(&c, mlb, "{\"amount\":25}");
	assert_int_equal(c.amount, 2500);
	assert_string_equal(c.amount_text, "25.00");
	context_free(&c);
	/* COP has no decimals. */
	parse_ok(&c, mco, "{\"amount\":\"120000\"}");
	assert_int_equal(c.amount, 120000);
	assert_string_equal(c.amount_text, "120000");
	context_free(&c);

	parse_bad(mlb, "{\"amount\":\"150.001\"}", PFX "amount is not a "
	    "decimal amount with at most the currency's decimals");
	parse_bad(mlb, "{\"amount\":150.001}", PFX "amount is not a decimal "
	    "amount with at most the currency's decimals");
	parse_bad(mlb, "{\"amount\":\"1,50\"}", PFX "amount is not a decimal "
	    "amount with at most the currency's decimals");
	parse_bad(mlb, "{\"amount\":true}", PFX "amount is not a decimal "
	    "amount with at most the currency's decimals");
	parse_bad(mco, "{\"amount\":\"120000.50\"}", PFX "amount is not a "
	    "whole amount (the currency has no decimals)");
	parse_bad(mco, "{\"amount\":120000.0}", PFX "amount is not a whole "
	    "amount (the currency has no decimals)");
	parse_bad(mlb, "{\"amount\":\"0.00\"}", PFX "amount is not positive");
	parse_bad(mlb, "{\"amount\":0}", PFX "amount is not positive");
}

static void
not_a_context(void **state)
{
	struct bg_context c;
	struct bg_error e;

	(void)state;
	parse_bad(mlb, "{}", PFX "amount is missing");
	parse_bad(mlb, "{\"amount\":null}", PFX "amount is missing");
	parse_bad(mlb, "[\"150.00\"]",
	    "purchase context order-1 is not a JSON object (wrong type)");
	parse_bad(mlb, "\"150.00\"",
	    "purchase context order-1 is not a JSON object (wrong type)");
	/* Not JSON: the reader's reason is in parentheses. */
	bg_error_clear(&e);
	assert_int_equal(context_parse(&c, "order-1", "{\"amount\":", 10, mlb,
	    &e), -1);
	unit_error(&e, 500, "invalid_context", "", NULL);
	assert_non_null(strstr(e.message,
	    "purchase context order-1 is not a JSON object ("));
	assert_string_not_equal(e.message,
	    "purchase context order-1 is not a JSON object (wrong type)");
	/* Repeated members are not JSON brickgate reads. */
	bg_error_clear(&e);
	assert_int_equal(context_parse(&c, "order-1", "{\"amount\":\"1.00\","
	    "\"amount\":\"2.00\"}", 35, mlb, &e), -1);
	assert_string_equal(e.code, "invalid_context");
}

static void
site_and_currency(void **state)
{
	struct bg_context c;

	(void)state;
	parse_ok(&c, mlb, "{\"amount\":\"1.00\",\"site\":\"MLB\","
	    "\"currency\":\"BRL\"}");
	context_free(&c);
	parse_ok(&c, mco, "{\"amount\":\"1000\",\"site\":\"MCO\","
	    "\"currency\":\"COP\"}");
	context_free(&c);
	parse_bad(mlb, "{\"amount\":\"1.00\",\"site\":\"MLA\"}", PFX "site is "
	    "not the configured site (one brickgate configuration serves one "
	    "country)");
	parse_bad(mlb, "{\"amount\":\"1.00\",\"site\":\"mlb\"}", PFX "site is "
	    "not the configured site (one brickgate configuration serves one "
	    "country)");
	parse_bad(mlb, "{\"amount\":\"1.00\",\"site\":1}", PFX "site is not "
	    "the configured site (one brickgate configuration serves one "
	    "country)");
	parse_bad(mlb, "{\"amount\":\"1.00\",\"currency\":\"ARS\"}", PFX
	    "currency is not the site's currency");
	parse_bad(mco, "{\"amount\":\"1000\",\"currency\":\"BRL\"}", PFX
	    "currency is not the site's currency");
	/* The site is checked before the amount (the table's order). */
	parse_bad(mlb, "{\"amount\":\"0\",\"site\":\"MCO\"}", PFX "site is "
	    "not the configured site (one brickgate configuration serves one "
	    "country)");
}

static void
texts(void **state)
{
	struct bg_context c;
	char text[800];

	(void)state;
	/* 600 bytes of description, 64 of statement descriptor: the limits. */
	snprintf(text, sizeof(text), "{\"amount\":\"1.00\",\"description\":"
	    "\"%0600d\",\"statement_descriptor\":\"%064d\"}", 0, 0);
	parse_ok(&c, mlb, text);
	assert_int_equal(strlen(c.description), 600);
	assert_int_equal(strlen(c.statement_descriptor), 64);
	context_free(&c);
	snprintf(text, sizeof(text), "{\"amount\":\"1.00\",\"description\":"
	    "\"%0601d\"}", 0);
	parse_bad(mlb, text, PFX "description is not a string of at most 600 "
	    "bytes");
	parse_bad(mlb, "{\"amount\":\"1.00\",\"description\":7}", PFX
	    "description is not a string of at most 600 bytes");
	snprintf(text, sizeof(text), "{\"amount\":\"1.00\","
	    "\"statement_descriptor\":\"%065d\"}", 0);
	parse_bad(mlb, text, PFX "statement_descriptor is not a string of at "
	    "most 64 bytes");
	parse_ok(&c, mlb, "{\"amount\":\"1.00\",\"purpose\":"
	    "\"wallet_purchase\",\"preference_id\":\"123-abc\"}");
	assert_string_equal(c.purpose, "wallet_purchase");
	assert_string_equal(c.preference_id, "123-abc");
	context_free(&c);
	parse_ok(&c, mlb, "{\"amount\":\"1.00\",\"purpose\":"
	    "\"onboarding_credits\"}");
	assert_string_equal(c.purpose, "onboarding_credits");
	context_free(&c);
	parse_bad(mlb, "{\"amount\":\"1.00\",\"purpose\":\"credits\"}", PFX
	    "purpose is neither wallet_purchase nor onboarding_credits");
	/* Credits exist in MLA, MLB and MLM only. */
	parse_bad(mco, "{\"amount\":\"1000\",\"purpose\":"
	    "\"onboarding_credits\"}", PFX "purpose is onboarding_credits, "
	    "which this site does not offer");
	parse_ok(&c, mco, "{\"amount\":\"1000\",\"purpose\":"
	    "\"wallet_purchase\"}");
	context_free(&c);
	parse_bad(mlb, "{\"amount\":\"1.00\",\"preference_id\":12}", PFX
	    "preference_id is not a string");
	parse_bad(mlb, "{\"amount\":\"1.00\",\"metadata\":[1]}", PFX
	    "metadata is not an object");
}

static void
customer_and_shipment(void **state)
{
	struct bg_context c;

	(void)state;
	parse_ok(&c, mlb, "{\"amount\":\"1.00\",\"customer_id\":"
	    "\"1234567890-AbCd_e\",\"shipment\":{\"receiver_address\":"
	    "{\"zip_code\":\"01310100\",\"street_number\":1000,\"floor\":"
	    "\"3\",\"state_name\":\"SP\"}}}");
	assert_string_equal(c.customer_id, "1234567890-AbCd_e");
	assert_string_equal(unit_text(c.shipment), "{\"receiver_address\":"
	    "{\"zip_code\":\"01310100\",\"street_number\":1000,\"floor\":"
	    "\"3\",\"state_name\":\"SP\"}}");
	context_free(&c);
	parse_bad(mlb, "{\"amount\":\"1.00\",\"customer_id\":\"a b\"}",
	    PFX "customer_id is not a Mercado Pago customer id "
	    "([A-Za-z0-9_-], at most 64)");
	parse_bad(mlb, "{\"amount\":\"1.00\",\"customer_id\":12}",
	    PFX "customer_id is not a Mercado Pago customer id "
	    "([A-Za-z0-9_-], at most 64)");
	parse_bad(mlb, "{\"amount\":\"1.00\",\"customer_id\":\"\"}",
	    PFX "customer_id is not a Mercado Pago customer id "
	    "([A-Za-z0-9_-], at most 64)");
	parse_bad(mlb, "{\"amount\":\"1.00\",\"shipment\":{\"zip_code\":"
	    "\"1\"}}", PFX "shipment is not {\"receiver_address\": {...}} "
	    "with text members");
	parse_bad(mlb, "{\"amount\":\"1.00\",\"shipment\":"
	    "{\"receiver_address\":{\"zip_code\":{\"x\":1}}}}", PFX
	    "shipment is not {\"receiver_address\": {...}} with text members");
	parse_bad(mlb, "{\"amount\":\"1.00\",\"shipment\":"
	    "{\"receiver_address\":{\"country\":\"BR\"}}}", PFX
	    "shipment.receiver_address has a member that is not one of "
	    "zip_code, street_name, street_number, floor, apartment, "
	    "city_name, state_name, or is too long");
	parse_bad(mlb, "{\"amount\":\"1.00\",\"shipment\":"
	    "{\"receiver_address\":{\"floor\":3}}}", PFX
	    "shipment.receiver_address has a member that is not one of "
	    "zip_code, street_name, street_number, floor, apartment, "
	    "city_name, state_name, or is too long");
}

static void
payer(void **state)
{
	struct bg_context c;

	(void)state;
	parse_ok(&c, mlb, "{\"amount\":\"1.00\",\"payer\":{\"email\":"
	    "\"buyer@example.com\",\"first_name\":\"Ana\",\"identification\":"
	    "{\"type\":\"CPF\",\"number\":19119119100},\"address\":"
	    "{\"street_number\":12,\"city\":\"Rio\"},\"phone\":"
	    "{\"area_code\":\"21\"}}}");
	assert_string_equal(c.email, "buyer@example.com");
	assert_string_equal(form_str(c.payer, "first_name"), "Ana");
	context_free(&c);
	parse_bad(mlb, "{\"amount\":\"1.00\",\"payer\":\"ana\"}", PFX
	    "payer is not an object");
	parse_bad(mlb, "{\"amount\":\"1.00\",\"payer\":{\"first_name\":1}}",
	    PFX "payer has a member of the wrong type");
	parse_bad(mlb, "{\"amount\":\"1.00\",\"payer\":{\"identification\":"
	    "{\"number\":true}}}", PFX "payer has a member of the wrong type");
	parse_bad(mlb, "{\"amount\":\"1.00\",\"payer\":{\"address\":"
	    "\"Rua 1\"}}", PFX "payer has a member of the wrong type");
	parse_bad(mlb, "{\"amount\":\"1.00\",\"payer\":{\"phone\":{\"number\":"
	    "1.5}}}", PFX "payer has a member of the wrong type");
	parse_bad(mlb, "{\"amount\":\"1.00\",\"payer\":{\"email\":"
	    "\"buyer.example.com\"}}", PFX "payer.email is not an e-mail "
	    "address");
}

static void
items(void **state)
{
	struct bg_context c;

	(void)state;
	parse_ok(&c, mlb, "{\"amount\":\"150.00\",\"items\":[{\"title\":\"A\","
	    "\"quantity\":2,\"unit_price\":\"50.00\"},{\"title\":\"B\","
	    "\"quantity\":1,\"unit_price\":50}]}");
	assert_int_equal(json_object_array_length(c.items), 2);
	context_free(&c);
	/*
	 * Items that do not add up to amount are still a valid context: the
	 * amount charged is amount, and a preference then sends one item
	 * (brickgate(8), ENDPOINTS; test_preference checks that body).
	 */
	parse_ok(&c, mlb, "{\"amount\":\"150.00\",\"items\":[{\"title\":\"A\","
	    "\"quantity\":1,\"unit_price\":\"10.00\"}]}");
	assert_int_equal(c.amount, 15000);
	context_free(&c);
	parse_ok(&c, mlb, "{\"amount\":\"1.00\",\"items\":[]}");
	assert_int_equal(json_object_array_length(c.items), 0);
	context_free(&c);
#define ITEMS_BAD PFX "items need an integer quantity and a unit_price with " \
	"the currency's decimals"
	parse_bad(mlb, "{\"amount\":\"1.00\",\"items\":{}}", PFX
	    "items is not an array");
	parse_bad(mlb, "{\"amount\":\"1.00\",\"items\":[1]}", ITEMS_BAD);
	parse_bad(mlb, "{\"amount\":\"1.00\",\"items\":[{\"unit_price\":"
	    "\"1.00\"}]}", ITEMS_BAD);
	parse_bad(mlb, "{\"amount\":\"1.00\",\"items\":[{\"quantity\":0,"
	    "\"unit_price\":\"1.00\"}]}", ITEMS_BAD);
	parse_bad(mlb, "{\"amount\":\"1.00\",\"items\":[{\"quantity\":\"1\","
	    "\"unit_price\":\"1.00\"}]}", ITEMS_BAD);
	parse_bad(mlb, "{\"amount\":\"1.00\",\"items\":[{\"quantity\":1.0,"
	    "\"unit_price\":\"1.00\"}]}", ITEMS_BAD);
	parse_bad(mlb, "{\"amount\":\"1.00\",\"items\":[{\"quantity\":1}]}",
	    ITEMS_BAD);
	parse_bad(mlb, "{\"amount\":\"1.00\",\"items\":[{\"quantity\":1,"
	    "\"unit_price\":\"1.005\"}]}", ITEMS_BAD);
	parse_bad(mco, "{\"amount\":\"1000\",\"items\":[{\"quantity\":1,"
	    "\"unit_price\":\"1000.50\"}]}", ITEMS_BAD);
	/* The second item is checked too. */
	parse_bad(mlb, "{\"amount\":\"1.00\",\"items\":[{\"quantity\":1,"
	    "\"unit_price\":\"1.00\"},{\"quantity\":-1,\"unit_price\":"
	    "\"1.00\"}]}", ITEMS_BAD);
}

static void
methods_and_installments(void **state)
{
	struct bg_context c;
	char text[200];

	(void)state;
	parse_ok(&c, mlb, "{\"amount\":\"1.00\",\"payment_methods\":[\"pix\","
	    "\"credit_card\"],\"max_installments\":6}");
	assert_true(context_allows(&c, "pix", "bank_transfer"));
	assert_true(context_allows(&c, "visa", "credit_card"));
	assert_true(context_allows(&c, "master", "credit_card"));
	assert_false(context_allows(&c, "debvisa", "debit_card"));
	assert_false(context_allows(&c, "bolbradesco", "ticket"));
	assert_int_equal(c.max_installments, 6);
	context_free(&c);
	parse_ok(&c, mlb, "{\"amount\":\"1.00\",\"payment_methods\":[]}");
	assert_false(context_allows(&c, "pix", "bank_transfer"));
	context_free(&c);
	parse_ok(&c, mlb, "{\"amount\":\"1.00\",\"max_installments\":99}");
	assert_int_equal(c.max_installments, 99);
	context_free(&c);
	parse_bad(mlb, "{\"amount\":\"1.00\",\"payment_methods\":\"pix\"}",
	    PFX "payment_methods is not an array");
	parse_bad(mlb, "{\"amount\":\"1.00\",\"payment_methods\":[\"pix\",3]}",
	    PFX "payment_methods holds something other than method or type "
	    "ids");
	snprintf(text, sizeof(text), "{\"amount\":\"1.00\",\"payment_methods\":"
	    "[\"%041d\"]}", 0);
	parse_bad(mlb, text, PFX "payment_methods holds something other than "
	    "method or type ids");
#define INST_BAD PFX "max_installments is not an integer from 1 to 99"
	parse_bad(mlb, "{\"amount\":\"1.00\",\"max_installments\":0}",
	    INST_BAD);
	parse_bad(mlb, "{\"amount\":\"1.00\",\"max_installments\":100}",
	    INST_BAD);
	parse_bad(mlb, "{\"amount\":\"1.00\",\"max_installments\":6.0}",
	    INST_BAD);
	parse_bad(mlb, "{\"amount\":\"1.00\",\"max_installments\":\"6\"}",
	    INST_BAD);
}

static void
expiry(void **state)
{
	struct bg_context c;

	(void)state;
	parse_ok(&c, mlb, "{\"amount\":\"1.00\",\"expires_at\":"
	    "\"2030-01-01T00:00:00Z\"}");
	assert_int_equal(c.expires_ms, 1893456000000LL);
	context_free(&c);
	parse_ok(&c, mlb, "{\"amount\":\"1.00\",\"expires_at\":"
	    "\"2030-01-01T00:00:00.250-03:00\"}");
	assert_int_equal(c.expires_ms, 1893456000000LL + 3 * 3600000 + 250);
	context_free(&c);
	/* The epoch itself is not "never". */
	parse_ok(&c, mlb, "{\"amount\":\"1.00\",\"expires_at\":"
	    "\"1970-01-01T00:00:00Z\"}");
	assert_int_equal(c.expires_ms, 1);
	context_free(&c);
	parse_bad(mlb, "{\"amount\":\"1.00\",\"expires_at\":\"2030-01-01\"}",
	    PFX "expires_at is not an RFC 3339 time");
	parse_bad(mlb, "{\"amount\":\"1.00\",\"expires_at\":"
	    "\"2030-02-30T00:00:00Z\"}", PFX "expires_at is not an RFC 3339 "
	    "time");
	parse_bad(mlb, "{\"amount\":\"1.00\",\"expires_at\":1893456000}", PFX
	    "expires_at is not an RFC 3339 time");
}

/* Members set to null are absent, as in the form. */
static void
nulls_are_absent(void **state)
{
	struct bg_context c;

	(void)state;
	parse_ok(&c, mlb, "{\"amount\":\"2.50\",\"site\":null,\"currency\":"
	    "null,\"payer\":null,\"items\":null,\"payment_methods\":null,"
	    "\"max_installments\":null,\"expires_at\":null,\"metadata\":null,"
	    "\"purpose\":null,\"payment\":null,\"payments\":null}");
	assert_int_equal(c.amount, 250);
	assert_null(c.payer);
	assert_null(c.methods);
	assert_int_equal(c.expires_ms, 0);
	context_free(&c);
}

/* Two attempts as brickgate writes them (the second its latest). */
#define ATTEMPT(id, status) "{\"id\":" id ",\"state\":\"created\"," \
	"\"idempotency_key\":null,\"payment_method_id\":\"pix\"," \
	"\"payment_type_id\":\"bank_transfer\",\"status\":\"" status "\"," \
	"\"status_detail\":null,\"started_at\":\"2030-01-01T00:00:00.000Z\"," \
	"\"updated_at\":\"2030-01-01T00:00:01.000Z\"}"

static void
records(void **state)
{
	struct bg_context c;
	struct attempt *a, *b;
	size_t len;

	(void)state;
	parse_ok(&c, mlb, "{\"amount\":\"1.00\",\"payments\":["
	    ATTEMPT("11", "rejected") "," ATTEMPT("12", "pending") "],"
	    "\"payment\":" ATTEMPT("11", "rejected") "}");
	/* "payment" is a copy: the last of "payments" is the latest. */
	assert_int_equal(c.n_attempts, 2);
	assert_ptr_equal(context_latest(&c), c.attempts[1]);
	assert_int_equal(c.attempts[1]->payment_id, 12);
	assert_int_equal(c.attempts[1]->state, ATTEMPT_CREATED);
	assert_string_equal(c.attempts[1]->status, "pending");
	assert_null(c.attempts[1]->key);
	assert_null(c.attempts[1]->status_detail);
	assert_int_equal(c.attempts[1]->updated_at, 1893456001000LL);
	assert_ptr_equal(context_find_payment(&c, 11), c.attempts[0]);
	assert_ptr_equal(context_find_payment(&c, 12), c.attempts[1]);
	assert_null(context_find_payment(&c, 13));
	context_free(&c);
	/* A file with "payment" alone (no "payments") has that one. */
	parse_ok(&c, mlb, "{\"amount\":\"1.00\",\"payment\":"
	    ATTEMPT("13", "approved") "}");
	assert_int_equal(c.n_attempts, 1);
	assert_int_equal(context_latest(&c)->payment_id, 13);
	context_free(&c);
	parse_bad(mlb, "{\"amount\":\"1.00\",\"payment\":[]}", PFX
	    "payment is not an object");
	parse_bad(mlb, "{\"amount\":\"1.00\",\"payments\":{}}", PFX
	    "payments is not an array");
	parse_bad(mlb, "{\"amount\":\"1.00\",\"payments\":[" ATTEMPT("1", "x")
	    ",1]}", PFX "payments[1] is not an object");
	parse_bad(mlb, "{\"amount\":\"1.00\",\"payments\":[{\"id\":1}]}", PFX
	    "payments[0] lacks state");
	parse_bad(mlb, "{\"amount\":\"1.00\",\"payments\":[{\"state\":"
	    "\"paid\"}]}", PFX "payments[0] has state of the wrong type");
	parse_bad(mlb, "{\"amount\":\"1.00\",\"payments\":[{\"id\":\"1\","
	    "\"state\":\"created\",\"started_at\":\"2030-01-01T00:00:00Z\","
	    "\"updated_at\":\"2030-01-01T00:00:00Z\"}]}", PFX
	    "payments[0] has id of the wrong type");
	parse_bad(mlb, "{\"amount\":\"1.00\",\"payments\":[{\"id\":1,"
	    "\"state\":\"created\",\"idempotency_key\":null,"
	    "\"payment_method_id\":null,\"payment_type_id\":null,\"status\":"
	    "null,\"status_detail\":null,\"started_at\":\"yesterday\"}]}",
	    PFX "payments[0] has started_at of the wrong type");
	parse_bad(mlb, "{\"amount\":\"1.00\",\"payments\":[{\"state\":"
	    "\"created\",\"paid\":true}]}", PFX "payments[0] has a member "
	    "brickgate does not write (paid)");
	parse_bad(mlb, "{\"amount\":\"1.00\",\"searched_at\":3}", PFX
	    "searched_at is not an RFC 3339 time");
	/* fuzz/context.c: a time before 1970 could not be written back. */
	parse_bad(mlb, "{\"amount\":\"1.00\",\"searched_at\":"
	    "\"1148-01-01T00:00:00.015Z\"}", PFX "searched_at is not an "
	    "RFC 3339 time");
	parse_bad(mlb, "{\"amount\":\"1.00\",\"payments\":[{\"state\":"
	    "\"created\",\"started_at\":\"1148-01-01T00:00:00.015Z\"}]}",
	    PFX "payments[0] has started_at of the wrong type");

	/* A new attempt, exactly as it is written to the file. */
	parse_ok(&c, mlb, "{\"amount\":\"1.00\"}");
	assert_non_null(a = context_add_attempt(&c, "key-1", "pix",
	    "bank_transfer", 1893456000123LL, NULL));
	assert_int_equal(a->state, ATTEMPT_CREATING);
	assert_ptr_equal(context_latest(&c), a);
	assert_non_null(context_text(&c, &len));
	assert_string_equal(unit_text(json_object_object_get(c.root,
	    "payment")), "{\"id\":null,\"state\":\"creating\","
	    "\"idempotency_key\":\"key-1\",\"payment_method_id\":\"pix\","
	    "\"payment_type_id\":\"bank_transfer\",\"status\":null,"
	    "\"status_detail\":null,\"started_at\":"
	    "\"2030-01-01T00:00:00.123Z\",\"updated_at\":"
	    "\"2030-01-01T00:00:00.123Z\"}");
	assert_non_null(b = context_add_attempt(&c, "key-2", NULL, NULL, 0,
	    NULL));
	assert_null(b->method_id);
	assert_null(b->type_id);
	assert_int_equal(b->started_at, 0);
	assert_ptr_equal(context_latest(&c), b);
	assert_int_equal(c.n_attempts, 2);
	/* An attempt without a payment id is found by none. */
	assert_null(context_find_payment(&c, 0));
	a->payment_id = 91000000001LL;
	assert_ptr_equal(context_find_payment(&c, 91000000001LL), a);
	context_set_preference(&c, "pref-9");
	assert_string_equal(c.preference_id, "pref-9");
	context_free(&c);
}

/* What is saved reads back as the same purchase. */
/* A refund as brickgate writes it; id null: its answer never came. */
#define REFUND(id, amount, status) "{\"id\":" id ",\"payment_id\":12," \
	"\"amount\":" amount ",\"status\":" status ",\"idempotency_key\":" \
	"\"k-1\",\"date_created\":null}"

static void
refunds(void **state)
{
	unsigned char d1[CONTEXT_DIGEST_LEN], d2[CONTEXT_DIGEST_LEN];
	struct bg_context c;
	struct refund *f;
	json_object *reply;
	size_t len;

	(void)state;
	parse_ok(&c, mlb, "{\"amount\":\"150.00\",\"refunds\":["
	    REFUND("1900000001", "50.10", "\"approved\"") ","
	    REFUND("null", "20", "null") "]}");
	assert_int_equal(c.n_refunds, 2);
	assert_int_equal(c.refunds[0]->id, 1900000001LL);
	assert_int_equal(c.refunds[0]->amount, 5010);
	assert_false(refund_open(c.refunds[0]));
	assert_int_equal(c.refunds[1]->amount, 2000);
	assert_true(refund_open(c.refunds[1]));
	/* Written back exactly, the amount with the currency's decimals. */
	assert_non_null(context_text(&c, &len));
	assert_string_equal(unit_text(json_object_array_get_idx(
	    json_object_object_get(c.root, "refunds"), 1)),
	    REFUND("null", "20.00", "null"));
	/* Mercado Pago's answer closes the open one. */
	reply = json_tokener_parse("{\"id\":1900000002,\"payment_id\":12,"
	    "\"amount\":20.00,\"status\":\"approved\",\"date_created\":"
	    "\"2030-01-01T00:00:00.000-04:00\"}");
	assert_int_equal(refund_from_reply(c.refunds[1], reply, 2), 0);
	assert_false(refund_open(c.refunds[1]));
	assert_string_equal(c.refunds[1]->date_created,
	    "2030-01-01T00:00:00.000-04:00");
	json_object_put(reply);
	/* Another payment's refund, or too many decimals: not recorded. */
	assert_non_null(f = refund_new(12, 100, "k-2"));
	reply = json_tokener_parse("{\"id\":3,\"payment_id\":13,"
	    "\"amount\":1,\"status\":\"approved\"}");
	assert_int_equal(refund_from_reply(f, reply, 2), -1);
	json_object_put(reply);
	reply = json_tokener_parse("{\"id\":3,\"payment_id\":12,"
	    "\"amount\":1.001,\"status\":\"approved\"}");
	assert_int_equal(refund_from_reply(f, reply, 2), -1);
	json_object_put(reply);
	assert_true(refund_open(f));
	/* The refunds are brickgate's records: not in the digest. */
	assert_int_equal(context_digest(&c, d1, NULL), 0);
	assert_int_equal(context_add_refund(&c, f, NULL), 0);
	assert_non_null(context_text(&c, &len));
	assert_int_equal(context_digest(&c, d2, NULL), 0);
	assert_memory_equal(d1, d2, sizeof(d1));
	context_free(&c);
	parse_bad(mlb, "{\"amount\":\"1.00\",\"refunds\":{}}", PFX
	    "refunds is not an array");
	parse_bad(mlb, "{\"amount\":\"1.00\",\"refunds\":["
	    REFUND("1", "1.001", "null") "]}", PFX "refunds[0] has amount of "
	    "the wrong type");
	parse_bad(mlb, "{\"amount\":\"1.00\",\"refunds\":["
	    REFUND("1", "0", "null") "]}", PFX "refunds[0] has amount of "
	    "the wrong type");
	parse_bad(mlb, "{\"amount\":\"1.00\",\"refunds\":[{\"id\":1}]}",
	    PFX "refunds[0] lacks payment_id");
	parse_bad(mlb, "{\"amount\":\"1.00\",\"refunds\":[{\"payment_id\":"
	    "1,\"amount\":1,\"idempotency_key\":\"k\",\"x\":1}]}", PFX
	    "refunds[0] has a member brickgate does not write (x)");
}

static void
saved_text(void **state)
{
	struct bg_context c, d;
	const char *text;
	size_t len;

	(void)state;
	parse_ok(&c, mlb, "{\"amount\":\"150.00\",\"description\":"
	    "\"caf\\u00e9 / ch\\u00e1\",\"metadata\":{\"order\":\"o-1\"}}");
	assert_non_null(context_add_attempt(&c, "key-1", "visa",
	    "credit_card", 0, NULL));
	c.attempts[0]->mismatch = 1;
	assert_non_null(c.attempts[0]->summary = json_object_new_object());
	c.searched_at = 1893456000123LL;
	context_set_preference(&c, "pref-1");
	text = context_text(&c, &len);
	assert_int_equal(strlen(text), len);
	assert_non_null(strstr(text, "\"caf\xc3\xa9 / ch\xc3\xa1\""));
	assert_non_null(strchr(text, '\n'));	/* pretty-printed */
	parse_ok(&d, mlb, text);
	assert_int_equal(d.amount, 15000);
	assert_string_equal(d.description, c.description);
	assert_string_equal(d.preference_id, "pref-1");
	assert_string_equal(context_latest(&d)->key, "key-1");
	assert_true(context_latest(&d)->mismatch);
	assert_non_null(context_latest(&d)->summary);
	assert_int_equal(d.searched_at, 1893456000123LL);
	/* Read back and written again: the same text, byte for byte. */
	assert_string_equal(context_text(&d, &len), text);
	context_free(&d);
	context_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(minimal),
		cmocka_unit_test(amounts),
		cmocka_unit_test(not_a_context),
		cmocka_unit_test(site_and_currency),
		cmocka_unit_test(texts),
		cmocka_unit_test(customer_and_shipment),
		cmocka_unit_test(payer),
		cmocka_unit_test(items),
		cmocka_unit_test(methods_and_installments),
		cmocka_unit_test(expiry),
		cmocka_unit_test(nulls_are_absent),
		cmocka_unit_test(records),
		cmocka_unit_test(refunds),
		cmocka_unit_test(saved_text),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup, NULL);
}
