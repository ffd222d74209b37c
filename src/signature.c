/*
 * signature.c - x-signature verification for webhooks (brickgate(8),
 * WEBHOOKS).
 *
 * The hash is compared before the time window, as the SDKs do, so that a
 * forged header and a stale one are told apart in the log; the compare is
 * constant-time after a length check, so a forger learns nothing from
 * timing.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "hex.h"
#include "signature.h"

#define HEX_LEN		64
#define TS_MAX_DIGITS	12

struct parts {
	char	ts[TS_MAX_DIGITS + 1];
	char	v1[HEX_LEN + 1];
	int	has_ts, has_v1;
};

static int
fail(char *why, size_t whysz, const char *reason)
{
	snprintf(why, whysz, "%s", reason);
	return -1;
}

/* A part's key or value without surrounding blanks: [*s, *e). */
static void
trim(const char **s, const char **e)
{
	while (*s < *e && isspace((unsigned char)**s))
		(*s)++;
	while (*e > *s && isspace((unsigned char)(*e)[-1]))
		(*e)--;
}

static int
keep(char *dst, size_t size, const char *s, const char *e, int *seen)
{
	if (*seen || (size_t)(e - s) >= size)
		return -1;	/* repeated, or longer than it can be */
	memcpy(dst, s, (size_t)(e - s));
	dst[e - s] = '\0';
	*seen = 1;
	return 0;
}

/* "ts=...,v1=...": parts split by ',', key and value by the first '='. */
static int
parse(const char *h, struct parts *p, char *why, size_t whysz)
{
	const char *part, *end, *eq, *ks, *ke, *vs, *ve;

	memset(p, 0, sizeof(*p));
	for (part = h; *part != '\0'; part = *end ? end + 1 : end) {
		end = part + strcspn(part, ",");
		if ((eq = memchr(part, '=', (size_t)(end - part))) == NULL)
			continue;
		ks = part, ke = eq, vs = eq + 1, ve = end;
		trim(&ks, &ke);
		trim(&vs, &ve);
		if (ke - ks == 2 && strncasecmp(ks, "ts", 2) == 0) {
			if (keep(p->ts, sizeof(p->ts), vs, ve, &p->has_ts))
				return fail(why, whysz, "ts repeated or too "
				    "long");
		} else if (ke - ks == 2 && strncasecmp(ks, "v1", 2) == 0) {
			if (keep(p->v1, sizeof(p->v1), vs, ve, &p->has_v1))
				return fail(why, whysz, "v1 repeated or too "
				    "long");
		}
	}
	if (!p->has_ts || p->ts[0] == '\0' ||
	    p->ts[strspn(p->ts, "0123456789")] != '\0')
		return fail(why, whysz, "no ts of digits");
	if (!p->has_v1 || strlen(p->v1) != HEX_LEN)
		return fail(why, whysz, "no v1 hash of 64 hex digits");
	return 0;
}

int
signature_hmac_hex(const char *secret, const char *msg, char out[65])
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	if (HMAC(EVP_sha256(), secret, (int)strlen(secret),
	    (const unsigned char *)msg, strlen(msg), mac, &len) == NULL ||
	    len != HEX_LEN / 2)
		return -1;
	hex_encode(mac, len, out);
	OPENSSL_cleanse(mac, sizeof(mac));
	return 0;
}

int
signature_verify(const struct signature_check *c, char *why, size_t whysz)
{
	struct parts p;
	char manifest[512], want[HEX_LEN + 1];
	long long ts;
	int n;

	if (c->header == NULL)
		return fail(why, whysz, "no x-signature header");
	if (parse(c->header, &p, why, whysz) == -1)
		return -1;
	n = snprintf(manifest, sizeof(manifest), "%s%s%s%s%s%sts:%s;",
	    c->data_id ? "id:" : "", c->data_id ? c->data_id : "",
	    c->data_id ? ";" : "", c->request_id ? "request-id:" : "",
	    c->request_id ? c->request_id : "", c->request_id ? ";" : "",
	    p.ts);
	if (n < 0 || (size_t)n >= sizeof(manifest))
		return fail(why, whysz, "data.id or x-request-id too long");
	if (signature_hmac_hex(c->secret, manifest, want) == -1)
		return fail(why, whysz, "HMAC failed");
	n = CRYPTO_memcmp(want, p.v1, HEX_LEN);
	OPENSSL_cleanse(want, sizeof(want));
	if (n != 0)
		return fail(why, whysz, "v1 does not match");
	if (sscanf(p.ts, "%lld", &ts) != 1)
		return fail(why, whysz, "ts out of range");
	if (ts < c->now - c->max_age_s)
		return fail(why, whysz, "ts older than webhook_max_age_s");
	if (ts > c->now + SIGNATURE_FUTURE_S)
		return fail(why, whysz, "ts more than 300 s ahead");
	return 0;
}
