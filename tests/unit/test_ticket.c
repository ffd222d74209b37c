/*
 * Unit tests: the voucher module (methods/ticket.c): its ids, what a
 * registered boleto must print (from the form, else the context), the
 * day a voucher lives, the exact body with date_of_expiration where the
 * method takes one, and the voucher in a summary.
 */
#include "unit_method.h"

#include <stdio.h>

#define CTX	"{\"amount\":\"150.00\"}"
#define ADDRESS	"\"address\":{\"zip_code\":\"01310100\",\"street_name\":" \
	"\"Av. Paulista\",\"street_number\":\"1000\",\"neighborhood\":" \
	"\"Bela Vista\",\"city\":\"Sao Paulo\",\"federal_unit\":\"SP\"}"
#define BUYER	"\"first_name\":\"Ana\",\"last_name\":\"Silva\"," \
	"\"identification\":{\"type\":\"CPF\",\"number\":\"19119119100\"}," \
	ADDRESS
#define BOLETO	"{\"payment_method_id\":\"bolbradesco\"," \
	"\"transaction_amount\":150,\"payer\":{\"email\":" \
	"\"buyer@example.com\"," BUYER "}}"

static void
matches(void **state)
{
	static const struct {
		const char *site, *id;
	} vouchers[] = {
		{ "MLB", "bolbradesco" }, { "MLB", "pec" },
		{ "MLA", "rapipago" }, { "MLA", "pagofacil" },
		{ "MLM", "oxxo" }, { "MLM", "paycash" }, { "MLM", "bancomer" },
		{ "MLM", "banamex" }, { "MPE", "pagoefectivo_atm" },
		{ "MCO", "efecty" }, { "MLU", "abitab" }, { "MLU", "redpagos" },
	};
	const struct method *ticket = method_for(pm_find("MLB", "pec"));
	size_t i;

	(void)state;
	assert_non_null(ticket);
	assert_string_equal(ticket->name, "ticket");
	for (i = 0; i < sizeof(vouchers) / sizeof(vouchers[0]); i++)
		assert_ptr_equal(method_for(pm_find(vouchers[i].site,
		    vouchers[i].id)), ticket);
	assert_false(ticket->match(pm_find("MLB", "pix")));
	assert_false(ticket->match(pm_find("MLB", "visa")));
	assert_false(ticket->match(pm_find("MCO", "pse")));
}

/* A registered boleto: every line it prints is required, in order. */
static void
boleto_needs(void **state)
{
	static const char *const paths[] = { "first_name", "last_name",
	    "identification.type", "identification.number",
	    "address.zip_code", "address.street_name",
	    "address.street_number", "address.neighborhood", "address.city",
	    "address.federal_unit" };
	struct unit_call u;
	json_object *payer, *parent;
	char field[64], want[128];
	const char *leaf;
	size_t i;

	(void)state;
	unit_call_open(&u, "MLB", CTX, BOLETO, NULL);
	assert_int_equal(unit_validate(&u), 0);
	unit_call_close(&u);
	/* Each one taken away is the one named. */
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		unit_call_open(&u, "MLB", CTX, BOLETO, NULL);
		payer = json_object_object_get(u.mc.form, "payer");
		if ((leaf = strchr(paths[i], '.')) == NULL) {
			parent = payer;
			leaf = paths[i];
		} else {
			parent = json_object_object_get(payer,
			    strncmp(paths[i], "address", 7) == 0 ? "address" :
			    "identification");
			leaf++;
		}
		json_object_object_del(parent, leaf);
		snprintf(field, sizeof(field), "payer.%s", paths[i]);
		snprintf(want, sizeof(want), "%s is required for bolbradesco",
		    field);
		unit_refused(&u, 400, "missing_field", field, want);
		unit_call_close(&u);
	}
}

static void
boleto_from_context(void **state)
{
	struct unit_call u;

	(void)state;
	/* The context's payer fills what the form lacks. */
	unit_call_open(&u, "MLB", "{\"amount\":\"150.00\",\"payer\":{" BUYER
	    "}}", "{\"payment_method_id\":\"bolbradesco\","
	    "\"transaction_amount\":150,\"payer\":{\"email\":\"a@b.co\"}}",
	    NULL);
	assert_int_equal(unit_validate(&u), 0);
	unit_call_close(&u);
	/* An empty line counts as missing, in the context as in the form. */
	unit_call_open(&u, "MLB", "{\"amount\":\"150.00\",\"payer\":{"
	    "\"first_name\":\"\",\"last_name\":\"Silva\"}}",
	    "{\"payment_method_id\":\"bolbradesco\",\"transaction_amount\":150,"
	    "\"payer\":{\"email\":\"a@b.co\"}}", NULL);
	unit_refused(&u, 400, "missing_field", "payer.first_name",
	    "payer.first_name is required for bolbradesco");
	unit_call_close(&u);
	/* pec prints all of it too: the first missing line is named. */
	unit_call_open(&u, "MLB", CTX, "{\"payment_method_id\":\"pec\","
	    "\"transaction_amount\":150,\"payer\":{\"email\":\"a@b.co\"}}",
	    NULL);
	unit_refused(&u, 400, "missing_field", "payer.first_name",
	    "payer.first_name is required for pec");
	unit_call_close(&u);
	/* ... and the context's payer fills it as for a boleto. */
	unit_call_open(&u, "MLB", "{\"amount\":\"150.00\",\"payer\":{" BUYER
	    "}}", "{\"payment_method_id\":\"pec\","
	    "\"transaction_amount\":150,\"payer\":{\"email\":\"a@b.co\"}}",
	    NULL);
	assert_int_equal(unit_validate(&u), 0);
	unit_call_close(&u);
}

static void
checks(void **state)
{
	struct unit_call u;

	(void)state;
	unit_call_open(&u, "MLM", "{\"amount\":\"99.00\"}",
	    "{\"payment_method_id\":\"oxxo\",\"transaction_amount\":99}", NULL);
	unit_refused(&u, 400, "missing_field", "payer.email",
	    "payer.email is required");
	unit_call_close(&u);
	unit_call_open(&u, "MLB", CTX, "{\"payment_method_id\":\"bolbradesco\","
	    "\"transaction_amount\":150,\"payer\":{\"email\":\"a@b.co\","
	    "\"address\":{\"federal_unit\":\"SPX\"}}}", NULL);
	unit_refused(&u, 400, "invalid_field", "payer.address.federal_unit",
	    "payer.address.federal_unit must be printable text of at most 2 "
	    "bytes");
	unit_call_close(&u);
	/* A document given is checked. */
	unit_call_open(&u, "MLB", CTX, "{\"payment_method_id\":\"bolbradesco\","
	    "\"transaction_amount\":150,\"payer\":{\"email\":\"a@b.co\","
	    "\"first_name\":\"Ana\",\"last_name\":\"Silva\","
	    "\"identification\":{\"type\":\"CPF\",\"number\":\"11111111111\"},"
	    ADDRESS "}}", NULL);
	unit_refused(&u, 400, "invalid_field", "payer.identification.number",
	    "payer.identification.number is not a valid CPF: one digit "
	    "repeated");
	unit_call_close(&u);
	/* A voucher lives at least a day. */
	unit_call_open(&u, "MLB", "{\"amount\":\"150.00\",\"expires_at\":"
	    "\"2030-01-02T00:00:00Z\"}", BOLETO, NULL);
	assert_int_equal(unit_validate(&u), 0);
	unit_call_close(&u);
	unit_call_open(&u, "MLB", "{\"amount\":\"150.00\",\"expires_at\":"
	    "\"2030-01-01T23:59:59.999Z\"}", BOLETO, NULL);
	unit_refused(&u, 400, "unsupported_payment_method",
	    "payment_method_id", "this purchase expires in less than a day, "
	    "too soon for a voucher");
	unit_call_close(&u);
}

static void
body(void **state)
{
	struct unit_call u;

	(void)state;
	/* A boleto: 3 days by default, the address filtered. */
	unit_call_open(&u, "MLB", CTX, "{\"payment_method_id\":\"bolbradesco\","
	    "\"transaction_amount\":150,\"payer\":{\"email\":"
	    "\"buyer@example.com\",\"first_name\":\"Ana\",\"last_name\":"
	    "\"Silva\",\"identification\":{\"type\":\"CPF\",\"number\":"
	    "\"19119119100\"},\"address\":{\"zip_code\":\"01310100\","
	    "\"street_name\":\"Av. Paulista\",\"street_number\":\"1000\","
	    "\"neighborhood\":\"Bela Vista\",\"city\":\"Sao Paulo\","
	    "\"federal_unit\":\"SP\",\"country\":\"BR\"},\"phone\":"
	    "{\"number\":\"1\"}}}", NULL);
	unit_built(&u, "{\"transaction_amount\":150.00}",
	    "{\"transaction_amount\":150.00,\"payment_method_id\":"
	    "\"bolbradesco\",\"payer\":{\"email\":\"buyer@example.com\","
	    "\"first_name\":\"Ana\",\"last_name\":\"Silva\",\"identification\":"
	    "{\"type\":\"CPF\",\"number\":\"19119119100\"},\"address\":"
	    "{\"zip_code\":\"01310100\",\"street_name\":\"Av. Paulista\","
	    "\"street_number\":\"1000\",\"neighborhood\":\"Bela Vista\","
	    "\"city\":\"Sao Paulo\",\"federal_unit\":\"SP\"}},\"description\":"
	    "\"Purchase order-1\",\"date_of_expiration\":"
	    "\"2030-01-04T00:00:00.000+00:00\"}");
	unit_call_close(&u);
	/* The configured days; the context's payer and description. */
	unit_call_open(&u, "MLB", "{\"amount\":\"150.00\",\"payer\":{" BUYER
	    "}}", "{\"payment_method_id\":\"bolbradesco\","
	    "\"transaction_amount\":150,\"payer\":{\"email\":\"a@b.co\"}}",
	    "ticket_expires_days", "1", NULL);
	unit_built(&u, "{\"description\":\"Pedido 1\"}", "{\"description\":"
	    "\"Pedido 1\",\"payment_method_id\":\"bolbradesco\",\"payer\":"
	    "{\"email\":\"a@b.co\",\"first_name\":\"Ana\",\"last_name\":"
	    "\"Silva\",\"identification\":{\"type\":\"CPF\",\"number\":"
	    "\"19119119100\"}," ADDRESS "},\"date_of_expiration\":"
	    "\"2030-01-02T00:00:00.000+00:00\"}");
	unit_call_close(&u);
	/* A purchase that expires sooner bounds the voucher. */
	unit_call_open(&u, "MLA", "{\"amount\":\"150.00\",\"expires_at\":"
	    "\"2030-01-02T12:00:00-03:00\"}", "{\"payment_method_id\":"
	    "\"rapipago\",\"transaction_amount\":150,\"payer\":{\"email\":"
	    "\"a@b.co\"}}", NULL);
	unit_built(&u, "{}", "{\"payment_method_id\":\"rapipago\",\"payer\":"
	    "{\"email\":\"a@b.co\"},\"description\":\"Purchase order-1\","
	    "\"date_of_expiration\":\"2030-01-02T15:00:00.000+00:00\"}");
	unit_call_close(&u);
	/* Every voucher expires with the purchase: OXXO too. */
	unit_call_open(&u, "MLM", "{\"amount\":\"99.00\"}",
	    "{\"payment_method_id\":\"oxxo\",\"transaction_amount\":99,"
	    "\"payer\":{\"email\":\"a@b.co\"}}", NULL);
	unit_built(&u, "{}", "{\"payment_method_id\":\"oxxo\",\"payer\":"
	    "{\"email\":\"a@b.co\"},\"description\":\"Purchase order-1\","
	    "\"date_of_expiration\":\"2030-01-04T00:00:00.000+00:00\"}");
	unit_call_close(&u);
	/* And ATM references, and efecty, each by ticket_expires_days. */
	unit_call_open(&u, "MCO", "{\"amount\":\"50000\"}",
	    "{\"payment_method_id\":\"efecty\",\"transaction_amount\":50000,"
	    "\"payer\":{\"email\":\"a@b.co\"}}", "ticket_expires_days", "29",
	    NULL);
	unit_built(&u, "{}", "{\"payment_method_id\":\"efecty\",\"payer\":"
	    "{\"email\":\"a@b.co\"},\"description\":\"Purchase order-1\","
	    "\"date_of_expiration\":\"2030-01-30T00:00:00.000+00:00\"}");
	unit_call_close(&u);
	unit_call_open(&u, "MPE", "{\"amount\":\"80.00\"}",
	    "{\"payment_method_id\":\"pagoefectivo_atm\",\"transaction_amount\":"
	    "80,\"payer\":{\"email\":\"a@b.co\"}}", NULL);
	unit_built(&u, "{}", "{\"payment_method_id\":\"pagoefectivo_atm\","
	    "\"payer\":{\"email\":\"a@b.co\"},\"description\":"
	    "\"Purchase order-1\",\"date_of_expiration\":"
	    "\"2030-01-04T00:00:00.000+00:00\"}");
	unit_call_close(&u);
}

static void
summary(void **state)
{
	const struct method *ticket = method_for(pm_find("MLB", "pec"));

	(void)state;
	unit_summary_is(ticket, "{\"status\":\"pending\",\"date_of_expiration\":"
	    "\"2030-01-04T00:00:00.000-03:00\",\"transaction_details\":"
	    "{\"external_resource_url\":\"https://mp.example/boleto/1\","
	    "\"barcode\":{\"content\":\"23791234500000150000\"}}}",
	    "{\"ticket\":{\"url\":\"https://mp.example/boleto/1\",\"barcode\":"
	    "\"23791234500000150000\",\"expires_at\":"
	    "\"2030-01-04T00:00:00.000-03:00\"}}");
	/* The older place of the barcode. */
	unit_summary_is(ticket, "{\"barcode\":{\"content\":\"8364\"},"
	    "\"transaction_details\":{\"external_resource_url\":\"https://u\"}}",
	    "{\"ticket\":{\"url\":\"https://u\",\"barcode\":\"8364\"}}");
	/* The newer place wins; what is not a string is left out. */
	unit_summary_is(ticket, "{\"barcode\":{\"content\":\"old\"},"
	    "\"transaction_details\":{\"barcode\":{\"content\":\"new\"}}}",
	    "{\"ticket\":{\"barcode\":\"new\"}}");
	/* Nothing of a voucher in it: no ticket at all. */
	unit_summary_is(ticket, "{\"barcode\":{\"content\":8364},"
	    "\"date_of_expiration\":[],\"transaction_details\":"
	    "{\"external_resource_url\":1}}", "{}");
	/* What the buyer types in: the reference, the code, the line. */
	unit_summary_is(ticket, "{\"transaction_details\":"
	    "{\"payment_method_reference_id\":\"1234567\","
	    "\"verification_code\":\"99\",\"digitable_line\":"
	    "\"23790.12345 60000.000000 00000.000000 1 00000000015000\","
	    "\"financial_institution\":\"x\"}}", "{\"ticket\":"
	    "{\"payment_method_reference_id\":\"1234567\","
	    "\"verification_code\":\"99\",\"digitable_line\":"
	    "\"23790.12345 60000.000000 00000.000000 1 00000000015000\"}}");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(matches),
		cmocka_unit_test(boleto_needs),
		cmocka_unit_test(boleto_from_context),
		cmocka_unit_test(checks),
		cmocka_unit_test(body),
		cmocka_unit_test(summary),
	};
	return RUN_TAP(tests);
}
