/*
 * Unit tests: the module registry (methods/registry.c): which module
 * takes which method-table line, the --list-methods table, and what the
 * modules share to fill the payer (form first, then context).
 */
#include "unit_method.h"

#include <stdio.h>

static void
modules(void **state)
{
	static const struct {
		const char *site, *id, *module;
	} cases[] = {
		{ "MLB", "visa", "card" }, { "MLB", "debelo", "card" },
		{ "MLA", "maestro", "card" }, { "MLC", "magna", "card" },
		{ "MLB", "pix", "pix" }, { "MLB", "bolbradesco", "ticket" },
		{ "MLM", "bancomer", "ticket" }, { "MCO", "pse", "pse" },
		{ "MLU", "redpagos", "ticket" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(method_for(pm_find(cases[i].site,
		    cases[i].id))->name, cases[i].module);
	/* Wallet and credits go through a preference: no module. */
	assert_null(method_for(pm_find("MLB", "account_money")));
	assert_null(method_for(pm_find("MLA", "consumer_credits")));
}

static void
listing(void **state)
{
	char *text = NULL, *line, *last;
	size_t size = 0, n = 0;
	FILE *f;

	(void)state;
	assert_non_null(f = open_memstream(&text, &size));
	method_listing(f);
	assert_int_equal(fclose(f), 0);
	for (line = strtok_r(text, "\n", &last); line != NULL;
	    line = strtok_r(NULL, "\n", &last), n++)
		switch (n) {
		case 0:
			assert_string_equal(line, "| site | cards | Pix | PSE "
			    "| vouchers (cash, ATM) | wallet and credits "
			    "(/create_preference) |");
			break;
		case 1:
			assert_string_equal(line,
			    "| --- | --- | --- | --- | --- | --- |");
			break;
		case 2:
			assert_string_equal(line, "| MLA | `visa`, `master`, "
			    "`amex`, `debvisa`, `debmaster`, `naranja`, "
			    "`cabal`, `debcabal`, `maestro`, `tarshop`, "
			    "`cencosud`, `argencard`, `cmr`, `diners` | "
			    "\xe2\x80\x93 | "
			    "\xe2\x80\x93 | `rapipago`, `pagofacil` | "
			    "`account_money`, `consumer_credits` |");
			break;
		case 3:
			assert_string_equal(line, "| MLB | `visa`, `master`, "
			    "`amex`, `elo`, `debelo`, `hipercard`, "
			    "`debcabal` | `pix` | \xe2\x80\x93 | "
			    "`bolbradesco`, `pec` | `account_money`, "
			    "`consumer_credits` |");
			break;
		case 6:
			assert_string_equal(line, "| MCO | `visa`, `master`, "
			    "`amex`, `debvisa`, `debmaster`, `diners`, "
			    "`codensa` | \xe2\x80\x93 | `pse` | `efecty` | "
			    "`account_money` |");
			break;
		case 8:
			assert_string_equal(line, "| MLC | `visa`, `master`, "
			    "`amex`, `debvisa`, `debmaster`, `magna`, "
			    "`presto`, `redcompra` | \xe2\x80\x93 | "
			    "\xe2\x80\x93 | "
			    "\xe2\x80\x93 | `account_money` |");
			break;
		default:
			break;
		}
	assert_int_equal(n, 9);		/* heading, rule, seven sites */
	free(text);
}

static void
payer_sources(void **state)
{
	struct unit_call u;
	json_object *payer;

	(void)state;
	unit_call_open(&u, "MLB", "{\"amount\":\"1.00\",\"payer\":{\"email\":"
	    "\"shop@example.com\",\"first_name\":\"Ana\",\"last_name\":"
	    "\"Silva\",\"identification\":{\"type\":\"CPF\",\"number\":"
	    "19119119100},\"address\":{\"city\":\"Rio\",\"note\":\"x\"},"
	    "\"phone\":{\"area_code\":\"21\"}}}", "{\"payment_method_id\":"
	    "\"visa\",\"payer\":{\"email\":\"form@example.com\",\"last_name\":"
	    "\"Souza\",\"address\":{\"city\":\"Niteroi\",\"note\":\"y\"},"
	    "\"phone\":\"21 5555\",\"entity_type\":\"individual\"}}", NULL);
	/* Form first, else context: the form's objects filtered. */
	payer = method_payer(&u.mc);
	assert_string_equal(unit_text(payer), "{\"email\":\"form@example.com\","
	    "\"first_name\":\"Ana\",\"last_name\":\"Souza\",\"identification\":"
	    "{\"type\":\"CPF\",\"number\":19119119100}}");
	method_payer_add(&u.mc, payer, "address");
	assert_string_equal(unit_text(form_get(payer, "address")),
	    "{\"city\":\"Niteroi\"}");
	/* A form member that should be an object but is not is sent as is. */
	method_payer_add(&u.mc, payer, "phone");
	assert_string_equal(form_str(payer, "phone"), "21 5555");
	/* A form object no module reads is not sent. */
	json_object_object_add(json_object_object_get(u.mc.form, "payer"),
	    "extra", json_object_new_object());
	method_payer_add(&u.mc, payer, "extra");
	assert_false(json_object_object_get_ex(payer, "extra", NULL));
	method_payer_add(&u.mc, payer, "entity_type");
	assert_string_equal(form_str(payer, "entity_type"), "individual");
	method_payer_add(&u.mc, payer, "nothing");
	assert_false(json_object_object_get_ex(payer, "nothing", NULL));
	json_object_put(payer);

	assert_string_equal(json_object_get_string(method_payer_value(&u.mc,
	    "email")), "form@example.com");
	assert_string_equal(json_object_get_string(method_payer_value(&u.mc,
	    "first_name")), "Ana");
	assert_string_equal(json_object_get_string(method_payer_value(&u.mc,
	    "address.city")), "Niteroi");
	assert_string_equal(json_object_get_string(method_payer_value(&u.mc,
	    "phone.area_code")), "21");
	assert_null(method_payer_value(&u.mc, "address.zip_code"));
	unit_call_close(&u);
}

static void
shared_checks(void **state)
{
	struct unit_call u;
	struct bg_error e;

	(void)state;
	unit_call_open(&u, "MLB", "{\"amount\":\"1.00\"}",
	    "{\"payment_method_id\":\"pix\"}", NULL);
	bg_error_clear(&e);
	assert_int_equal(method_need_email(&u.mc, &e), -1);
	unit_error(&e, 400, "missing_field", "payer.email",
	    "payer.email is required");
	/* Optional: absent passes; required: named. */
	assert_int_equal(method_check_identification(&u.mc, 0, &e), 0);
	bg_error_clear(&e);
	assert_int_equal(method_check_identification(&u.mc, 1, &e), -1);
	unit_error(&e, 400, "missing_field", "payer.identification.type",
	    "payer.identification.type is required in Brazil");
	unit_call_close(&u);
	unit_call_open(&u, "MLB", "{\"amount\":\"1.00\",\"payer\":{\"email\":"
	    "\"a@b.co\"}}", "{\"payment_method_id\":\"pix\",\"payer\":"
	    "{\"identification\":{\"type\":\"RG\",\"number\":\"1\"}}}", NULL);
	assert_int_equal(method_need_email(&u.mc, &e), 0);
	bg_error_clear(&e);
	assert_int_equal(method_check_identification(&u.mc, 0, &e), -1);
	unit_error(&e, 400, "invalid_field", "payer.identification.type",
	    NULL);
	unit_call_close(&u);
	/* Mexico asks for no document: nothing to check there. */
	unit_call_open(&u, "MLM", "{\"amount\":\"1.00\"}",
	    "{\"payment_method_id\":\"oxxo\"}", NULL);
	bg_error_clear(&e);
	assert_int_equal(method_check_identification(&u.mc, 1, &e), 0);
	unit_call_close(&u);
}

static void
copies_and_description(void **state)
{
	json_object *from = unit_json("{\"a\":{\"s\":\"text\",\"n\":5,"
	    "\"o\":{\"k\":1},\"z\":null}}");
	json_object *to = json_object_new_object();
	struct unit_call u;

	(void)state;
	method_copy(to, "s", from, "a.s");
	method_copy(to, "n", from, "a.n");
	method_copy(to, "o", from, "a.o");
	method_copy(to, "z", from, "a.z");	/* null: absent */
	method_copy(to, "m", from, "a.missing");
	method_copy_string(to, "s2", from, "a.s");
	method_copy_string(to, "n2", from, "a.n");
	method_copy_string(to, "o2", from, "a.o");
	assert_string_equal(unit_text(to), "{\"s\":\"text\",\"n\":5,\"o\":"
	    "{\"k\":1},\"s2\":\"text\"}");
	json_object_put(from);
	json_object_put(to);	/* the copies were references of their own */

	unit_call_open(&u, "MLB", "{\"amount\":\"1.00\"}",
	    "{\"payment_method_id\":\"pec\"}", NULL);
	to = json_object_new_object();
	method_default_description(&u.mc, to);
	assert_string_equal(unit_text(to),
	    "{\"description\":\"Purchase order-1\"}");
	json_object_object_add(to, "description",
	    json_object_new_string("Pedido"));
	method_default_description(&u.mc, to);
	assert_string_equal(unit_text(to), "{\"description\":\"Pedido\"}");
	json_object_put(to);
	unit_call_close(&u);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(modules),
		cmocka_unit_test(listing),
		cmocka_unit_test(payer_sources),
		cmocka_unit_test(shared_checks),
		cmocka_unit_test(copies_and_description),
	};
	return RUN_TAP(tests);
}
