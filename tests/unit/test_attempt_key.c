/*
 * Unit tests: derived idempotency keys (attempt_key.c, doc/design.md,
 * Durability), the storefront's digest they take (context_digest) and
 * the canonical JSON under it (json_canon.c).  The expected key was
 * computed apart from this code, with Python's hmac module, from the
 * rule attempt_key.h states.
 */
#include "tap.h"

#include <string.h>

#include "attempt_key.h"
#include "hex.h"
#include "json_canon.h"
#include "json_strict.h"
#include "site.h"

static const struct bg_site *mlb;

static int
setup(void **state)
{
	(void)state;
	mlb = site_find("MLB");
	return mlb != NULL ? 0 : -1;
}

static void
parse_ok(struct bg_context *c, const char *text)
{
	struct bg_error e;

	bg_error_clear(&e);
	assert_int_equal(context_parse(c, "order-1", text, strlen(text), mlb,
	    &e), 0);
}

static char *
canon(const char *text, const char *const *skip)
{
	json_object *o = NULL;
	struct printbuf *pb = printbuf_new();
	struct bg_error e;
	char *out;

	assert_int_equal(json_strict_parse(text, strlen(text), 32, &o, &e), 0);
	assert_int_equal(json_canon(o, skip, pb), 0);
	out = strdup(pb->buf);
	printbuf_free(pb);
	json_object_put(o);
	return out;
}

static void
canonical_text(void **state)
{
	static const char *const skip[] = { "b", NULL };
	char *a, *b;

	(void)state;
	a = canon("{ \"z\": [3, 1, {\"y\": null, \"x\": 1.50}], \"a\": "
	    "\"caf\\u00e9\", \"b\": true }", NULL);
	assert_string_equal(a, "{\"a\":\"caf\xc3\xa9\",\"b\":true,"
	    "\"z\":[3,1,{\"x\":1.50,\"y\":null}]}");
	/* Members in another order, as jsonb keeps them: the same text. */
	b = canon("{\"b\":true,\"a\":\"caf\xc3\xa9\",\"z\":[3,1,{\"x\":1.50,"
	    "\"y\":null}]}", NULL);
	assert_string_equal(a, b);
	free(a);
	free(b);
	/* Skipped at the top only. */
	a = canon("{\"b\":1,\"c\":{\"b\":2}}", skip);
	assert_string_equal(a, "{\"c\":{\"b\":2}}");
	free(a);
}

#define STOREFRONT "\"amount\":\"150.00\",\"items\":[{\"quantity\":2," \
	"\"unit_price\":\"75.00\"}],\"payer\":{\"email\":\"a@b.co\"}"

static void
digest_is_the_storefronts_part(void **state)
{
	unsigned char d1[CONTEXT_DIGEST_LEN], d2[CONTEXT_DIGEST_LEN];
	struct bg_context c;
	struct bg_error e;
	char hex[2 * CONTEXT_DIGEST_LEN + 1];

	(void)state;
	parse_ok(&c, "{" STOREFRONT "}");
	assert_int_equal(context_digest(&c, d1, &e), 0);
	hex_encode(d1, sizeof(d1), hex);
	assert_string_equal(hex, "b658510c47b6fda69e8d61de16ab3f8bf85df100354"
	    "6029ef7bd79b0e39a6460");
	context_free(&c);
	/* brickgate's records and the member order do not change it. */
	parse_ok(&c, "{\"payer\":{\"email\":\"a@b.co\"},\"preference_id\":"
	    "\"p-1\",\"searched_at\":\"2030-01-01T00:00:00.000Z\","
	    "\"amount\":\"150.00\",\"payments\":[],\"items\":[{\"unit_price\":"
	    "\"75.00\",\"quantity\":2}]}");
	assert_int_equal(context_digest(&c, d2, &e), 0);
	assert_memory_equal(d1, d2, sizeof(d1));
	context_free(&c);
	/* Another cart under the same id: another digest. */
	parse_ok(&c, "{\"amount\":\"150.00\",\"items\":[{\"quantity\":3,"
	    "\"unit_price\":\"50.00\"}],\"payer\":{\"email\":\"a@b.co\"}}");
	assert_int_equal(context_digest(&c, d2, &e), 0);
	assert_memory_not_equal(d1, d2, sizeof(d1));
	context_free(&c);
}

static void
key_from_secret_id_digest_and_ordinal(void **state)
{
	unsigned char secret[STORE_SECRET_LEN], digest[CONTEXT_DIGEST_LEN];
	char k[UUID_LEN + 1], other[UUID_LEN + 1];
	struct bg_error e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(secret); i++)
		secret[i] = (unsigned char)i;
	assert_int_equal(hex_decode("b658510c47b6fda69e8d61de16ab3f8bf85df100"
	    "3546029ef7bd79b0e39a6460", digest, sizeof(digest)), 0);
	assert_int_equal(attempt_key(secret, "order-1", digest, 0, k, &e), 0);
	assert_string_equal(k, "cc25cf43-6364-83a5-96e9-e5f2c64ba9d9");
	assert_int_equal(attempt_key(secret, "order-1", digest, 1, k, &e), 0);
	assert_string_equal(k, "1203292f-cbf6-8f1e-8b99-237f7f52caf1");
	/* Each input changes it: the id, the digest, the secret. */
	assert_int_equal(attempt_key(secret, "order-2", digest, 1, other, &e),
	    0);
	assert_string_not_equal(k, other);
	digest[0] ^= 1;
	assert_int_equal(attempt_key(secret, "order-1", digest, 1, other, &e),
	    0);
	assert_string_not_equal(k, other);
	digest[0] ^= 1;
	secret[31] ^= 1;
	assert_int_equal(attempt_key(secret, "order-1", digest, 1, other, &e),
	    0);
	assert_string_not_equal(k, other);
}

static void
hex_both_ways(void **state)
{
	unsigned char b[3];
	char t[7];

	(void)state;
	assert_int_equal(hex_decode("00ff7a", b, 3), 0);
	hex_encode(b, 3, t);
	assert_string_equal(t, "00ff7a");
	assert_int_equal(hex_decode("00FF7A", b, 3), -1);	/* lower only */
	assert_int_equal(hex_decode("00ff7", b, 3), -1);
	assert_int_equal(hex_decode("00ff7g", b, 3), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(canonical_text),
		cmocka_unit_test(digest_is_the_storefronts_part),
		cmocka_unit_test(key_from_secret_id_digest_and_ordinal),
		cmocka_unit_test(hex_both_ways),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup, NULL);
}
