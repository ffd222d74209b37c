/*
 * randomid.c - getrandom(2), never rand(): an idempotency key that
 * repeats would make Mercado Pago replay another attempt's payment, and a
 * guessable purchase id would let anyone read its payment status.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "randomid.h"

static int
fill(uint8_t *b, size_t n, struct bg_error *e)
{
	ssize_t got;
	size_t have = 0;

	while (have < n) {
		got = getrandom(b + have, n - have, 0);
		if (got == -1 && errno == EINTR)
			continue;
		if (got <= 0)
			return bg_fail(e, 500, "internal_error", NULL,
			    "no random bytes: %s", strerror(errno));
		have += (size_t)got;
	}
	return 0;
}

static void
hex(const uint8_t *b, size_t n, char *out)
{
	static const char x[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = x[b[i] >> 4];
		out[2 * i + 1] = x[b[i] & 15];
	}
	out[2 * n] = '\0';
}

int
uuid_v4(char *buf, size_t size, struct bg_error *e)
{
	uint8_t b[16];
	char h[33];

	if (size < UUID_LEN + 1 || fill(b, sizeof(b), e) == -1)
		return size < UUID_LEN + 1 ? bg_fail(e, 500, "internal_error",
		    NULL, "uuid buffer too small") : -1;
	b[6] = (b[6] & 0x0f) | 0x40;	/* version 4 */
	b[8] = (b[8] & 0x3f) | 0x80;	/* RFC 4122 variant */
	hex(b, sizeof(b), h);
	snprintf(buf, size, "%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12,
	    h + 16, h + 20);
	return 0;
}

int
random_hex128(char *buf, size_t size, struct bg_error *e)
{
	uint8_t b[16];

	if (size < 33)
		return bg_fail(e, 500, "internal_error", NULL,
		    "id buffer too small");
	if (fill(b, sizeof(b), e) == -1)
		return -1;
	hex(b, sizeof(b), buf);
	return 0;
}
