/*
 * attempt_key.c - why derived: an attempt saved without waiting for the
 * disk may be lost with the power after Mercado Pago made its payment.
 * The buyer then pays again, the purchase has the same id, the same cart
 * and the same number of attempts as before, so the new attempt gets the
 * lost one's key, and Mercado Pago answers with the payment it already
 * made.  A drawn key would make a second payment.  The secret keeps two
 * installations (or a test shop and the real one) from sharing keys.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "attempt_key.h"
#include "hex.h"

/* Changed only with the rule: every key would change with it. */
#define KEY_RULE	"brickgate attempt key 1"

int
attempt_key(const unsigned char secret[STORE_SECRET_LEN],
    const char *purchase_id, const unsigned char digest[CONTEXT_DIGEST_LEN],
    size_t ordinal, char key[UUID_LEN + 1], struct bg_error *e)
{
	char msg[sizeof(KEY_RULE) + PURCHASE_ID_MAX + 2 * CONTEXT_DIGEST_LEN +
	    32], hex[2 * CONTEXT_DIGEST_LEN + 1];
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	int n;

	hex_encode(digest, CONTEXT_DIGEST_LEN, hex);
	/* Newlines cannot occur in an id or a digest: one reading only. */
	n = snprintf(msg, sizeof(msg), "%s\n%s\n%s\n%zu", KEY_RULE,
	    purchase_id, hex, ordinal);
	if (n < 0 || (size_t)n >= sizeof(msg) ||
	    HMAC(EVP_sha256(), secret, STORE_SECRET_LEN,
	    (const unsigned char *)msg, (size_t)n, mac, &len) == NULL ||
	    len < 16)
		return bg_fail(e, 500, "internal_error", NULL,
		    "cannot derive an idempotency key");
	uuid_format(mac, 8, key);
	OPENSSL_cleanse(mac, sizeof(mac));
	return 0;
}
