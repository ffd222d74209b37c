/*
 * signature.h - Mercado Pago's webhook signature (x-signature).
 *
 * The header is "ts=<unix seconds>,v1=<hex HMAC-SHA256>"; the signed
 * manifest is "id:<data.id>;request-id:<x-request-id>;ts:<ts>;" with a
 * pair left out when its value is absent.  data.id is used exactly as
 * received: Mercado Pago signs it with its original case.
 */
#ifndef BG_SIGNATURE_H
#define BG_SIGNATURE_H

#include <stddef.h>
#include <stdint.h>

#define SIGNATURE_FUTURE_S	300	/* a ts this far ahead is refused */

struct signature_check {
	const char	*secret;
	const char	*header;	/* x-signature, or NULL */
	const char	*data_id;	/* the data.id query parameter, or NULL */
	const char	*request_id;	/* x-request-id, or NULL */
	int64_t		 now;		/* unix seconds */
	long		 max_age_s;	/* webhook_max_age_s */
};

/*
 * 0 when the header is well formed, its v1 is the HMAC of the manifest,
 * and its ts is within [now - max_age_s, now + SIGNATURE_FUTURE_S];
 * else -1 with the reason (never a secret) in why.
 */
int	 signature_verify(const struct signature_check *c, char *why,
	    size_t whysz);

/* Writes the lowercase hex HMAC-SHA256 of msg (65 bytes with the NUL). */
int	 signature_hmac_hex(const char *secret, const char *msg,
	    char out[65]);

#endif
