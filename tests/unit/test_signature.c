/*
 * Unit tests: webhook signatures.  The expected hashes were computed
 * apart from this code (Python's hmac module), on the worked example of
 * the manifest brickgate(8), WEBHOOKS, gives.
 */
#include "tap.h"

#include <stdio.h>
#include <string.h>

#include "signature.h"

#define TS	1772470207LL
#define RID	"4c1f5b2e-0d9a-4e51-9f0a-6a2d7c3b8e11"
#define FULL	"98ce205c0278f7d34eacde8e60dc90b3214493a3a6cc03b827ee4a75e6a709a8"
#define TS_ONLY	"7fbcf35752e0bc329683287b8092a4994c39e536cc65e6e4af1b7c21bff5a0fd"
#define MIXED	"ca14ed75e60dbad7a4c5f3b0a8ae961b9a4327604687f19405c8f0c1d92a8551"

static int
check(const char *header, const char *data_id, const char *rid,
    long long now, char *why)
{
	struct signature_check c = { "s3cr3t", header, data_id, rid, now,
	    86400 };

	why[0] = '\0';
	return signature_verify(&c, why, 128);
}

static void
valid(void **state)
{
	char why[128], h[160];

	(void)state;
	snprintf(h, sizeof(h), "ts=%lld,v1=%s", TS, FULL);
	assert_int_equal(check(h, "91000000001", RID, TS, why), 0);
	/* Blanks, key case, order and unknown parts do not matter. */
	snprintf(h, sizeof(h), " v2=abc , V1 = %s ,TS=%lld", FULL, TS);
	assert_int_equal(check(h, "91000000001", RID, TS + 60, why), 0);
	/* Absent values drop their pair from the manifest. */
	snprintf(h, sizeof(h), "ts=%lld,v1=%s", TS, TS_ONLY);
	assert_int_equal(check(h, NULL, NULL, TS, why), 0);
	/* data.id exactly as received: its case is signed. */
	snprintf(h, sizeof(h), "ts=%lld,v1=%s", TS, MIXED);
	assert_int_equal(check(h, "AbC123", NULL, TS, why), 0);
	assert_int_equal(check(h, "abc123", NULL, TS, why), -1);
}

static void
forged(void **state)
{
	char why[128], h[160], upper[65];
	size_t i;

	(void)state;
	snprintf(h, sizeof(h), "ts=%lld,v1=%s", TS, FULL);
	assert_int_equal(check(h, "91000000002", RID, TS, why), -1);
	assert_string_equal(why, "v1 does not match");
	assert_int_equal(check(h, "91000000001", "other", TS, why), -1);
	assert_int_equal(check(h, "91000000001", NULL, TS, why), -1);
	/* The hash is lowercase hex: another case is another hash. */
	for (i = 0; i < 64; i++)
		upper[i] = (char)(FULL[i] >= 'a' ? FULL[i] - 32 : FULL[i]);
	upper[64] = '\0';
	snprintf(h, sizeof(h), "ts=%lld,v1=%s", TS, upper);
	assert_int_equal(check(h, "91000000001", RID, TS, why), -1);
	/* A changed ts changes the manifest. */
	snprintf(h, sizeof(h), "ts=%lld,v1=%s", TS + 1, FULL);
	assert_int_equal(check(h, "91000000001", RID, TS, why), -1);
}

static void
malformed(void **state)
{
	static const char *const bad[] = {
		"", "garbage", "ts=1772470207", "v1=" FULL,
		"ts=17724x0207,v1=" FULL, "ts=,v1=" FULL,
		"ts=1772470207,v1=abc", "ts=1772470207,v1=" FULL "00",
		"ts=1772470207,ts=1772470207,v1=" FULL,
		"ts=1772470207000000,v1=" FULL,
	};
	char why[128];
	size_t i;

	(void)state;
	assert_int_equal(check(NULL, "91000000001", RID, TS, why), -1);
	assert_string_equal(why, "no x-signature header");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(check(bad[i], "91000000001", RID, TS, why),
		    -1);
		assert_true(why[0] != '\0');
	}
}

static void
window(void **state)
{
	char why[128], h[160];

	(void)state;
	snprintf(h, sizeof(h), "ts=%lld,v1=%s", TS, FULL);
	assert_int_equal(check(h, "91000000001", RID, TS + 86400, why), 0);
	assert_int_equal(check(h, "91000000001", RID, TS + 86401, why), -1);
	assert_string_equal(why, "ts older than webhook_max_age_s");
	assert_int_equal(check(h, "91000000001", RID, TS - 300, why), 0);
	assert_int_equal(check(h, "91000000001", RID, TS - 301, why), -1);
	assert_string_equal(why, "ts more than 300 s ahead");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid),
		cmocka_unit_test(forged),
		cmocka_unit_test(malformed),
		cmocka_unit_test(window),
	};
	return RUN_TAP(tests);
}
