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

#include "hex.h"
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

void
uuid_format(unsigned char b[16], int version, char buf[UUID_LEN + 1])
{
	char h[33];

	b[6] = (unsigned char)((b[6] & 0x0f) | version << 4);
	b[8] = (b[8] & 0x3f) | 0x80;	/* RFC 9562 variant */
	hex_encode(b, 16, h);
	snprintf(buf, UUID_LEN + 1, "%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8,
	    h + 12, h + 16, h + 20);
}

int
uuid_v4(char *buf, size_t size, struct bg_error *e)
{
	uint8_t b[16];

	if (size < UUID_LEN + 1)
		return bg_fail(e, 500, "internal_error", NULL,
		    "uuid buffer too small");
	if (fill(b, sizeof(b), e) == -1)
		return -1;
	uuid_format(b, 4, buf);
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
	hex_encode(b, sizeof(b), buf);
	return 0;
}
