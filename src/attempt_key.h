/*
 * attempt_key.h - an attempt's idempotency key, derived, not drawn
 * (doc/design.md, Durability).
 */
#ifndef BG_ATTEMPT_KEY_H
#define BG_ATTEMPT_KEY_H

#include <stddef.h>

#include "context.h"
#include "error.h"
#include "randomid.h"
#include "store.h"

/*
 * The key of attempt number ordinal (0 for the first) of a purchase: an
 * HMAC-SHA256 keyed by the installation's secret over the purchase id,
 * the digest of the storefront's part of its context and the ordinal,
 * its first 128 bits written as a version 8 UUID.
 */
int	 attempt_key(const unsigned char secret[STORE_SECRET_LEN],
	    const char *purchase_id,
	    const unsigned char digest[CONTEXT_DIGEST_LEN], size_t ordinal,
	    char key[UUID_LEN + 1], struct bg_error *e);

#endif
