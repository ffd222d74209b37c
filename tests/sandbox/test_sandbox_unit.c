/*
 * Unit tests for the sandbox's pure parts: the cardholder-name outcome
 * table, Luhn and brands, card token validation, the webhook signature
 * (vector computed with Python's hmac), the BR Code CRC and the QR PNG.
 */
#include "tap.h"

#include <stdlib.h>
#include <string.h>

#include "sandbox/card.h"
#include "paymethod.h"
#include "sandbox/qrpng.h"
#include "sandbox/util.h"
#include "sandbox/webhook.h"

static const struct {
	const char *name, *status, *detail;
} expected[] = {
	{ "APRO", "approved", "accredited" },
	{ "OTHE", "rejected", "cc_rejected_other_reason" },
	{ "CONT", "in_process", "pending_contingency" },
	{ "CALL", "rejected", "cc_rejected_call_for_authorize" },
	{ "FUND", "rejected", "cc_rejected_insufficient_amount" },
	{ "SECU", "rejected", "cc_rejected_bad_filled_security_code" },
	{ "EXPI", "rejected", "cc_rejected_bad_filled_date" },
	{ "FORM", "rejected", "cc_rejected_bad_filled_other" },
	{ "CARD", "rejected", "cc_rejected_bad_filled_card_number" },
	{ "INST", "rejected", "cc_rejected_invalid_installments" },
	{ "DUPL", "rejected", "cc_rejected_duplicated_payment" },
	{ "LOCK", "rejected", "cc_rejected_card_disabled" },
	{ "CTNA", "rejected", "cc_rejected_card_type_not_allowed" },
	{ "ATTE", "rejected", "cc_rejected_max_attempts" },
	{ "BLAC", "rejected", "cc_rejected_blacklist" },
	{ "UNSU", "rejected", "cc_rejected_other_reason" },
	{ "TEST", "approved", "accredited" },
	{ "3DSC", "pending", "pending_challenge" },
	{ "apro", "approved", "accredited" },
	{ "FUND Silva", "rejected", "cc_rejected_insufficient_amount" },
	{ "Ana Souza", "approved", "accredited" },
};

static void
outcome_table(void **state)
{
	const struct card_outcome *o;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		o = card_outcome(expected[i].name);
		assert_string_equal(o->status, expected[i].status);
		assert_string_equal(o->status_detail, expected[i].detail);
	}
}

static void
luhn_and_brand(void **state)
{
	(void)state;
	assert_true(card_luhn_ok("4509953566233704"));
	assert_true(card_luhn_ok("5031755734530604"));
	assert_true(card_luhn_ok("371180303257522"));
	assert_true(card_luhn_ok("5067766783888311"));
	assert_false(card_luhn_ok("4509953566233705"));
	assert_false(card_luhn_ok("45099535662337a4"));
	assert_false(card_luhn_ok(""));
	assert_string_equal(card_brand("4509953566233704"), "visa");
	assert_string_equal(card_brand("5031755734530604"), "master");
	assert_string_equal(card_brand("371180303257522"), "amex");
	assert_string_equal(card_brand("5067766783888311"), "elo");
}

static int
token_cause(const char *json)
{
	json_object *o = json_tokener_parse(json);
	struct card_input in;
	struct mp_error e;
	int rc;

	assert_non_null(o);
	memset(&e, 0, sizeof(e));
	rc = card_input_parse(o, 2026, 3, &in, &e);
	json_object_put(o);
	return rc == 0 ? 0 : e.cause;
}

static void
card_tokens(void **state)
{
	(void)state;
	assert_int_equal(token_cause("{\"card_number\":\"4509953566233704\","
	    "\"expiration_month\":11,\"expiration_year\":2030,"
	    "\"security_code\":\"123\",\"cardholder\":{\"name\":\"APRO\"}}"),
	    0);
	assert_int_equal(token_cause("{\"expiration_month\":11}"), 3017);
	assert_int_equal(token_cause("{\"card_number\":\"4509953566233705\","
	    "\"expiration_month\":11,\"expiration_year\":2030,"
	    "\"security_code\":\"123\",\"cardholder\":{\"name\":\"APRO\"}}"),
	    3034);
	assert_int_equal(token_cause("{\"card_number\":\"4509953566233704\","
	    "\"expiration_month\":2,\"expiration_year\":2026,"
	    "\"security_code\":\"123\",\"cardholder\":{\"name\":\"APRO\"}}"),
	    3029);
	assert_int_equal(token_cause("{\"card_number\":\"4509953566233704\","
	    "\"expiration_month\":11,\"expiration_year\":2025,"
	    "\"security_code\":\"123\",\"cardholder\":{\"name\":\"APRO\"}}"),
	    3030);
	assert_int_equal(token_cause("{\"card_number\":\"371180303257522\","
	    "\"expiration_month\":11,\"expiration_year\":2030,"
	    "\"security_code\":\"123\",\"cardholder\":{\"name\":\"APRO\"}}"),
	    3012);
	assert_int_equal(token_cause("{\"card_number\":\"4509953566233704\","
	    "\"expiration_month\":11,\"expiration_year\":2030,"
	    "\"security_code\":\"123\"}"), 3020);
}

static void
methods_per_site(void **state)
{
	(void)state;
	assert_non_null(pm_find("MLB", "pix"));
	assert_null(pm_find("MLA", "pix"));
	assert_non_null(pm_find("MCO", "pse"));
	assert_non_null(pm_find("MLM", "bancomer"));
	assert_string_equal(pm_find("MLM", "bancomer")->type, "atm");
	assert_null(pm_find("MLC", "efecty"));
	assert_non_null(pm_find("MLC", "visa"));
	assert_null(pm_find("MLB", "bitcoin"));
}

/* Vector computed with Python: hmac.new(b"s3cr3t", manifest, sha256). */
static void
webhook_signature(void **state)
{
	char manifest[256], sig[128];

	(void)state;
	assert_int_equal(wh_manifest(manifest, sizeof(manifest),
	    "91000000001", "4c1f5b2e-0d9a-4e51-9f0a-6a2d7c3b8e11",
	    "1772470207"), 0);
	assert_string_equal(manifest, "id:91000000001;request-id:"
	    "4c1f5b2e-0d9a-4e51-9f0a-6a2d7c3b8e11;ts:1772470207;");
	assert_int_equal(wh_signature("s3cr3t", "91000000001",
	    "4c1f5b2e-0d9a-4e51-9f0a-6a2d7c3b8e11", "1772470207", sig,
	    sizeof(sig)), 0);
	assert_string_equal(sig, "ts=1772470207,v1="
	    "98ce205c0278f7d34eacde8e60dc90b3214493a3a6cc03b827ee4a75e6a709a8");
	assert_true(wh_url_is_loopback("http://127.0.0.1:9/x"));
	assert_true(wh_url_is_loopback("http://localhost/x"));
	assert_false(wh_url_is_loopback("http://localhost.evil.example/"));
	assert_false(wh_url_is_loopback("https://shop.example/"));
}

static void
pix_code_and_png(void **state)
{
	char *code, *png;
	size_t n;

	(void)state;
	assert_int_equal(qr_crc16("123456789", 9), 0x29b1);
	code = qr_pix_code("00000000-0000-4000-8000-000000000000", "89.90",
	    "MPSANDBOX1");
	assert_non_null(code);
	n = strlen(code);
	assert_memory_equal(code, "000201", 6);
	assert_true(strstr(code, "5405" "89.90") != NULL);
	assert_int_equal(qr_crc16(code, n - 4),
	    (int)strtol(code + n - 4, NULL, 16));
	png = qr_png_base64(code);
	assert_non_null(png);
	/* base64 of "\x89PNG\r\n\x1a\n" begins "iVBORw0KGgo". */
	assert_memory_equal(png, "iVBORw0KGgo", 11);
	free(png);
	free(code);
}

static void
dates(void **state)
{
	char buf[SB_DATE_LEN + 1];
	time_t t;

	(void)state;
	sb_date(1772470205, buf);
	assert_string_equal(buf, "2026-03-02T12:50:05.000-04:00");
	assert_int_equal(sb_parse_date(buf, &t), 0);
	assert_int_equal(t, 1772470205);
	assert_int_equal(sb_parse_date("2026-03-02T16:50:05Z", &t), 0);
	assert_int_equal(t, 1772470205);
	assert_int_equal(sb_parse_date("2026-03-02 16:50:05", &t), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(outcome_table),
		cmocka_unit_test(luhn_and_brand),
		cmocka_unit_test(card_tokens),
		cmocka_unit_test(methods_per_site),
		cmocka_unit_test(webhook_signature),
		cmocka_unit_test(pix_code_and_png),
		cmocka_unit_test(dates),
	};

	return RUN_TAP(tests);
}
