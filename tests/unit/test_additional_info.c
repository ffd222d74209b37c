/*
 * Unit tests: additional_info, the fraud-prevention data of every
 * payment (additional_info.c; brickgate(8), PAYMENT METHODS): the
 * context's items, the payer's names, phone and address (from the form
 * only where the method's table checked it, else from the context, and
 * only the members Mercado Pago names), the shipment, the IP address.
 */
#include "unit_method.h"

#include "additional_info.h"

/* additional_info_build's text for a call, or "null". */
static void
info_is(struct unit_call *u, const char *want)
{
	json_object *ai = additional_info_build(&u->mc, u->m->fields);

	assert_string_equal(ai ? unit_text(ai) : "null", want);
	json_object_put(ai);
}

static void
nothing_known(void **state)
{
	struct unit_call u;

	(void)state;
	unit_call_open(&u, "MLM", "{\"amount\":\"99.00\"}",
	    "{\"payment_method_id\":\"oxxo\",\"transaction_amount\":99,"
	    "\"payer\":{\"email\":\"a@b.co\"}}", NULL);
	u.mc.remote_addr = NULL;
	info_is(&u, "null");
	/* Not an address: left out. */
	u.mc.remote_addr = "203.0.113.7:443";
	info_is(&u, "null");
	u.mc.remote_addr = "2001:db8::7";
	info_is(&u, "{\"ip_address\":\"2001:db8::7\"}");
	unit_call_close(&u);
}

static void
from_the_context(void **state)
{
	struct unit_call u;

	(void)state;
	/*
	 * The shop's payer and shipment; a phone or a street number written
	 * as a number goes as text, and members Mercado Pago does not name (neighborhood, city,
	 * email, identification) stay out of additional_info.
	 */
	unit_call_open(&u, "MLB", "{\"amount\":\"150.00\",\"items\":[{\"id\":"
	    "\"sku-1\",\"title\":\"Mug\",\"quantity\":2,\"unit_price\":\"75.00\"}],"
	    "\"payer\":{\"email\":\"a@b.co\",\"first_name\":\"Ana\","
	    "\"last_name\":\"Silva\",\"identification\":{\"type\":\"CPF\","
	    "\"number\":\"19119119100\"},\"phone\":{\"area_code\":\"11\","
	    "\"number\":987654321},\"address\":{\"zip_code\":\"01310100\","
	    "\"street_name\":\"Av. Paulista\",\"street_number\":\"1000\","
	    "\"neighborhood\":\"Bela Vista\",\"city\":\"Sao Paulo\"}},"
	    "\"shipment\":{\"receiver_address\":{\"zip_code\":\"01310100\","
	    "\"street_name\":\"Av. Paulista\",\"street_number\":1000,"
	    "\"apartment\":\"12\",\"city_name\":\"Sao Paulo\","
	    "\"state_name\":\"SP\"}}}",
	    "{\"token\":\"t\",\"payment_method_id\":\"visa\","
	    "\"transaction_amount\":150,\"installments\":1,\"payer\":"
	    "{\"email\":\"a@b.co\",\"identification\":{\"type\":\"CPF\","
	    "\"number\":\"19119119100\"}}}", NULL);
	info_is(&u, "{\"items\":[{\"id\":\"sku-1\",\"title\":\"Mug\","
	    "\"quantity\":2,\"unit_price\":75.00}],\"payer\":{\"first_name\":"
	    "\"Ana\",\"last_name\":\"Silva\",\"phone\":{\"area_code\":\"11\","
	    "\"number\":\"987654321\"},\"address\":{\"zip_code\":\"01310100\","
	    "\"street_name\":\"Av. Paulista\",\"street_number\":\"1000\"}},"
	    "\"shipments\":{\"receiver_address\":{\"zip_code\":\"01310100\","
	    "\"street_name\":\"Av. Paulista\",\"street_number\":\"1000\","
	    "\"apartment\":\"12\",\"city_name\":\"Sao Paulo\",\"state_name\":"
	    "\"SP\"}},\"ip_address\":\"203.0.113.7\"}");
	unit_call_close(&u);
}

static void
from_the_form_where_checked(void **state)
{
	struct unit_call u;

	(void)state;
	/*
	 * A card form's names are in the card table: the form's win.  Its
	 * phone and address are not (nothing checked them): never sent,
	 * the context's are.
	 */
	unit_call_open(&u, "MLB", "{\"amount\":\"150.00\",\"payer\":"
	    "{\"first_name\":\"Shop\",\"phone\":{\"area_code\":\"21\","
	    "\"number\":\"5555\"}}}",
	    "{\"token\":\"t\",\"payment_method_id\":\"visa\","
	    "\"transaction_amount\":150,\"installments\":1,\"payer\":"
	    "{\"email\":\"a@b.co\",\"first_name\":\"Form\",\"phone\":"
	    "{\"area_code\":\"<script>\",\"number\":\"1\"},\"address\":"
	    "{\"zip_code\":\"x\"},\"identification\":{\"type\":\"CPF\","
	    "\"number\":\"19119119100\"}}}", NULL);
	info_is(&u, "{\"payer\":{\"first_name\":\"Form\",\"phone\":"
	    "{\"area_code\":\"21\",\"number\":\"5555\"}},\"ip_address\":"
	    "\"203.0.113.7\"}");
	unit_call_close(&u);
	/* A voucher's table checks the address: the form's goes, filtered. */
	unit_call_open(&u, "MLB", "{\"amount\":\"150.00\"}",
	    "{\"payment_method_id\":\"bolbradesco\",\"transaction_amount\":150,"
	    "\"payer\":{\"email\":\"a@b.co\",\"address\":{\"zip_code\":"
	    "\"01310100\",\"street_name\":\"Rua A\",\"street_number\":\"7\","
	    "\"city\":\"Rio\"}}}", NULL);
	info_is(&u, "{\"payer\":{\"address\":{\"zip_code\":\"01310100\","
	    "\"street_name\":\"Rua A\",\"street_number\":\"7\"}},"
	    "\"ip_address\":\"203.0.113.7\"}");
	unit_call_close(&u);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nothing_known),
		cmocka_unit_test(from_the_context),
		cmocka_unit_test(from_the_form_where_checked),
	};

	return RUN_TAP(tests);
}
