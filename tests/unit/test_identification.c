/*
 * Unit tests: payer identification per site.  Every valid number below was
 * checked by hand and by a separate implementation of each check digit;
 * the invalid ones differ from a valid one in one place.
 */
#include "tap.h"

#include <stdio.h>
#include <string.h>

#include "identification.h"
#include "site.h"

#define PREFIX	"payer.identification"

static void
ok(const char *site, const char *type, const char *number)
{
	struct bg_error e;

	bg_error_clear(&e);
	if (identification_check(site_find(site), type, number, PREFIX,
	    &e) != 0)
		fail_msg("%s %s %s refused: %s", site, type ? type : "(null)",
		    number ? number : "(null)", e.message);
}

/*
 * Refused with code on field ("type" or "number"), and the message never
 * holds the number, nor the type the browser sent.
 */
static void
bad(const char *site, const char *type, const char *number,
    const char *code, const char *field)
{
	struct bg_error e;
	char want[128];

	bg_error_clear(&e);
	if (identification_check(site_find(site), type, number, PREFIX,
	    &e) != -1)
		fail_msg("%s %s %s accepted", site, type ? type : "(null)",
		    number ? number : "(null)");
	assert_int_equal(e.status, 400);
	assert_string_equal(e.code, code);
	snprintf(want, sizeof(want), PREFIX ".%s", field);
	assert_string_equal(e.field, want);
	assert_true(e.message[0] != '\0');
	/* Below 4 characters a number may match a rule's text by chance. */
	if (number != NULL && strlen(number) >= 4)
		assert_null(strstr(e.message, number));
}

static void
invalid(const char *site, const char *type, const char *number)
{
	bad(site, type, number, "invalid_field", "number");
}

static void
brazil(void **state)
{
	(void)state;
	ok("MLB", "CPF", "12345678909");
	ok("MLB", "CPF", "19119119100");	/* API reference samples */
	ok("MLB", "CPF", "95749019047");
	ok("MLB", "CPF", "52998224725");
	invalid("MLB", "CPF", "12345678900");	/* second digit wrong */
	invalid("MLB", "CPF", "12345678919");	/* first check digit wrong */
	invalid("MLB", "CPF", "11111111111");	/* passes mod 11, refused */
	invalid("MLB", "CPF", "00000000000");
	invalid("MLB", "CPF", "1234567890");
	invalid("MLB", "CPF", "123456789090");
	invalid("MLB", "CPF", "123.456.789-09");	/* digits only */
	invalid("MLB", "CPF", "1234567890a");
	invalid("MLB", "CPF", " 12345678909");

	ok("MLB", "CNPJ", "11222333000181");
	ok("MLB", "CNPJ", "00000000000191");	/* digits all but 2 alike */
	ok("MLB", "CNPJ", "33000167000101");
	ok("MLB", "CNPJ", "12ABC34501DE35");	/* alphanumeric, July 2026 */
	invalid("MLB", "CNPJ", "11222333000182");
	invalid("MLB", "CNPJ", "11222333000171");
	invalid("MLB", "CNPJ", "12ABC34501DE36");
	invalid("MLB", "CNPJ", "12abc34501de35");	/* Receita: uppercase */
	invalid("MLB", "CNPJ", "12ABC34501DE3A");	/* checks are digits */
	invalid("MLB", "CNPJ", "11111111111111");
	invalid("MLB", "CNPJ", "1122233300018");
	invalid("MLB", "CNPJ", "11.222.333/0001-81");

	/* The types of another site, and spellings, are not Brazil's. */
	bad("MLB", "DNI", "12345678", "invalid_field", "type");
	bad("MLB", "cpf", "12345678909", "invalid_field", "type");
	bad("MLB", "CPF ", "12345678909", "invalid_field", "type");
}

static void
argentina(void **state)
{
	int d;
	char n[16];

	(void)state;
	ok("MLA", "DNI", "12345678");		/* the docs' test DNI */
	ok("MLA", "DNI", "1234567");
	invalid("MLA", "DNI", "123456");
	invalid("MLA", "DNI", "123456789");
	invalid("MLA", "DNI", "12.345.678");
	invalid("MLA", "DNI", "1234567X");

	ok("MLA", "CUIT", "20123456786");
	ok("MLA", "CUIT", "33693450239");
	ok("MLA", "CUIT", "30500010912");
	ok("MLA", "CUIT", "27123456780");	/* 11 - 0: check 0 */
	ok("MLA", "CUIL", "20123456786");
	invalid("MLA", "CUIT", "20123456780");
	invalid("MLA", "CUIL", "20123456787");
	invalid("MLA", "CUIT", "2012345678");
	invalid("MLA", "CUIT", "20-12345678-6");
	/* 2012345676 gives 11 - 1 = 10: no check digit can match. */
	for (d = 0; d <= 9; d++) {
		snprintf(n, sizeof(n), "2012345676%d", d);
		invalid("MLA", "CUIT", n);
	}

	/* CI, LC, LE, Otro: printable text. */
	ok("MLA", "CI", "12345678");
	ok("MLA", "LC", "1234567");
	ok("MLA", "LE", "7654321");
	ok("MLA", "Otro", "AB 123-456/7");
	bad("MLA", "otro", "123456789", "invalid_field", "type");
	bad("MLA", "RUT", "123456785", "invalid_field", "type");
}

static void
colombia(void **state)
{
	(void)state;
	ok("MCO", "CC", "123456789");		/* the docs' test number */
	ok("MCO", "CC", "12345");
	ok("MCO", "CC", "1234567890");
	invalid("MCO", "CC", "1234");
	invalid("MCO", "CC", "12345678901");
	invalid("MCO", "CC", "1.234.567");

	ok("MCO", "NIT", "800197268");		/* check digit not given */
	ok("MCO", "NIT", "12345678");
	ok("MCO", "NIT", "8001972684");
	ok("MCO", "NIT", "800197268-4");	/* DIAN */
	ok("MCO", "NIT", "860034313-7");
	ok("MCO", "NIT", "890900608-9");
	ok("MCO", "NIT", "899999034-1");	/* sum % 11 = 1: check 1 */
	invalid("MCO", "NIT", "800197268-5");
	invalid("MCO", "NIT", "860034313-0");
	invalid("MCO", "NIT", "1234567");
	invalid("MCO", "NIT", "12345678901");
	invalid("MCO", "NIT", "1234567-8");	/* body below 8 digits */
	invalid("MCO", "NIT", "800.197.268-4");
	invalid("MCO", "NIT", "800197268-");
	invalid("MCO", "NIT", "800197268-44");
	invalid("MCO", "NIT", "80019-7268-4");

	ok("MCO", "CE", "E-12345");
	ok("MCO", "Otro", "X1");
	bad("MCO", "DNI", "12345678", "invalid_field", "type");
}

static void
chile(void **state)
{
	(void)state;
	ok("MLC", "RUT", "12.345.678-5");
	ok("MLC", "RUT", "12345678-5");
	ok("MLC", "RUT", "123456785");
	ok("MLC", "RUT", "7.654.321-6");
	ok("MLC", "RUT", "76543216");
	ok("MLC", "RUT", "12.345.670-K");	/* 11 - 1 = 10: K */
	ok("MLC", "RUT", "12345670k");
	ok("MLC", "RUT", "12.345.675-0");	/* 11 - 0 = 11: 0 */
	ok("MLC", "RUT", "6-K");		/* one-digit body */
	ok("MLC", "RUT", "1-9");
	invalid("MLC", "RUT", "12.345.678-4");
	invalid("MLC", "RUT", "12.345.678-K");
	invalid("MLC", "RUT", "12345670-0");
	invalid("MLC", "RUT", "123.456.789-2");	/* 9-digit body */
	invalid("MLC", "RUT", "12.345.6785");	/* dots need the hyphen */
	invalid("MLC", "RUT", "1.2345.678-5");	/* dots between thousands */
	invalid("MLC", "RUT", "1234.5678-5");
	ok("MLC", "RUT", "123.456-0");
	invalid("MLC", "RUT", "1.23.456-0");	/* right digit, bad grouping */
	invalid("MLC", "RUT", "12.3456-0");
	invalid("MLC", "RUT", "12.345.678-X");
	invalid("MLC", "RUT", "12.345.678--5");
	invalid("MLC", "RUT", "-5");
	invalid("MLC", "RUT", "5");
	invalid("MLC", "RUT", "12 345 678-5");

	ok("MLC", "Otro", "123456789");		/* the docs' test number */
	bad("MLC", "otro", "123456789", "invalid_field", "type");
}

static void
uruguay(void **state)
{
	(void)state;
	ok("MLU", "CI", "1.234.567-2");
	ok("MLU", "CI", "1234567-2");
	ok("MLU", "CI", "12345672");
	ok("MLU", "CI", "123.456-1");		/* 6-digit body, padded */
	ok("MLU", "CI", "1234561");
	ok("MLU", "CI", "3.456.789-4");
	ok("MLU", "CI", "1.234.560-0");		/* (10 - 0) % 10 */
	/*
	 * The docs' test CI 12345678 fails the check digit (body 1234567
	 * gives 2).  It is refused; "Otro" 123456789 still serves the test
	 * cards.
	 */
	invalid("MLU", "CI", "12345678");
	invalid("MLU", "CI", "1.234.567-3");
	invalid("MLU", "CI", "123456");		/* 5-digit body */
	invalid("MLU", "CI", "123456789");	/* 8-digit body */
	invalid("MLU", "CI", "1.234.567-K");
	invalid("MLU", "CI", "1.234.5672");
	invalid("MLU", "CI", "12.34.567-2");
	ok("MLU", "Otro", "123456789");
}

static void
peru(void **state)
{
	(void)state;
	ok("MPE", "DNI", "12345678");
	invalid("MPE", "DNI", "1234567");
	invalid("MPE", "DNI", "123456789");	/* the docs' test number */
	ok("MPE", "RUC", "20123456789");
	invalid("MPE", "RUC", "2012345678");
	invalid("MPE", "RUC", "2012345678X");
	ok("MPE", "C.E", "123456789");		/* both spellings */
	ok("MPE", "CE", "123456789");
	ok("MPE", "Otro", "123456789");
	bad("MPE", "RUT", "123456785", "invalid_field", "type");
}

static void
text_types(void **state)
{
	char n[64];

	(void)state;
	ok("MPE", "Otro", "A");
	ok("MPE", "Otro", "!~");
	memset(n, '9', 32);
	n[32] = '\0';
	ok("MPE", "Otro", n);
	n[32] = '9';
	n[33] = '\0';
	invalid("MPE", "Otro", n);
	invalid("MPE", "Otro", " 123");		/* space inside only */
	invalid("MPE", "Otro", "123 ");
	invalid("MPE", "Otro", "12\t3");
	invalid("MPE", "Otro", "12\n3");
	invalid("MPE", "Otro", "12\x7f" "3");
	invalid("MPE", "Otro", "N\xc3\xba" "mero");	/* not ASCII */
}

static void
mexico(void **state)
{
	char n[64];

	(void)state;
	/* No document: anything short and printable, or nothing. */
	ok("MLM", NULL, NULL);
	ok("MLM", "", "");
	ok("MLM", NULL, "12345678");		/* the docs' MLM curl sample */
	ok("MLM", "RFC", "GODE561231GR8");
	ok("MLM", "INE", NULL);
	memset(n, 'A', 32);
	n[32] = '\0';
	ok("MLM", NULL, n);
	n[32] = 'A';
	n[33] = '\0';
	invalid("MLM", NULL, n);
	invalid("MLM", "RFC", "GODE\n561231");
	bad("MLM", n, NULL, "invalid_field", "type");
	bad("MLM", "R\tFC", NULL, "invalid_field", "type");
}

static void
required(void **state)
{
	static const struct {
		const char *site, *type;
	} t[] = {
		{ "MLA", "DNI" }, { "MLB", "CPF" }, { "MPE", "Otro" },
		{ "MCO", "NIT" }, { "MLU", "CI" }, { "MLC", "RUT" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		bad(t[i].site, NULL, "12345678909", "missing_field", "type");
		bad(t[i].site, "", "12345678909", "missing_field", "type");
		bad(t[i].site, t[i].type, NULL, "missing_field", "number");
		bad(t[i].site, t[i].type, "", "missing_field", "number");
	}
	/* Both absent: the type is named first. */
	bad("MLB", NULL, NULL, "missing_field", "type");
}

/*
 * The message names the field and the rule, never the number: checked on
 * every kind of refusal, with numbers long enough not to appear by chance.
 */
static void
messages(void **state)
{
	struct bg_error e;

	(void)state;
	bg_error_clear(&e);
	assert_int_equal(identification_check(site_find("MLB"), "CPF",
	    "12345678900", "payer.identification", &e), -1);
	assert_non_null(strstr(e.message, "payer.identification.number"));
	assert_non_null(strstr(e.message, "check digit"));
	assert_null(strstr(e.message, "12345678900"));
	assert_null(strstr(e.message, "123456789"));

	bg_error_clear(&e);
	assert_int_equal(identification_check(site_find("MLB"), "CPF",
	    "123.456.789-09", "payer.identification", &e), -1);
	assert_non_null(strstr(e.message, "11 digits"));
	assert_null(strstr(e.message, "456"));

	bg_error_clear(&e);
	assert_int_equal(identification_check(site_find("MLB"), "CPF",
	    "22222222222", "payer.identification", &e), -1);
	assert_null(strstr(e.message, "2222"));

	/* A number sent as the type is not echoed either. */
	bg_error_clear(&e);
	assert_int_equal(identification_check(site_find("MLB"),
	    "12345678909", NULL, "payer.identification", &e), -1);
	assert_string_equal(e.field, "payer.identification.type");
	assert_null(strstr(e.message, "12345678909"));
	assert_non_null(strstr(e.message, "CPF, CNPJ"));

	/* The prefix names the field, wherever the object sits. */
	bg_error_clear(&e);
	assert_int_equal(identification_check(site_find("MLC"), "RUT",
	    "12.345.678-4", "cardholder.identification", &e), -1);
	assert_string_equal(e.field, "cardholder.identification.number");
	assert_null(strstr(e.message, "12.345.678-4"));
	assert_null(strstr(e.message, "345"));

	bg_error_clear(&e);
	assert_int_equal(identification_check(site_find("MLU"), "CI",
	    "12345678", "payer.identification", &e), -1);
	assert_null(strstr(e.message, "12345678"));
	assert_null(strstr(e.message, "234"));

	/* No site is a programming error, not the buyer's. */
	bg_error_clear(&e);
	assert_int_equal(identification_check(NULL, "CPF", "12345678909",
	    "payer.identification", &e), -1);
	assert_int_equal(e.status, 500);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(brazil),
		cmocka_unit_test(argentina),
		cmocka_unit_test(colombia),
		cmocka_unit_test(chile),
		cmocka_unit_test(uruguay),
		cmocka_unit_test(peru),
		cmocka_unit_test(text_types),
		cmocka_unit_test(mexico),
		cmocka_unit_test(required),
		cmocka_unit_test(messages),
	};
	return RUN_TAP(tests);
}
