/*
 * qrpng.c - BR Code text, QR matrix (libqrencode) and a minimal PNG
 * writer: one IHDR, one zlib-deflated IDAT, IEND.  libpng would do, but
 * three chunks with zlib's crc32 are less code than its setjmp dance.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <qrencode.h>
#include <zlib.h>

#include "sandbox/qrpng.h"

#define QR_SCALE	4
#define QR_QUIET	4

uint16_t
qr_crc16(const char *s, size_t len)
{
	uint16_t crc = 0xffff;
	size_t i;
	int b;

	for (i = 0; i < len; i++) {
		crc ^= (uint16_t)((unsigned char)s[i] << 8);
		for (b = 0; b < 8; b++)
			crc = (crc & 0x8000) ? (uint16_t)((crc << 1) ^ 0x1021) :
			    (uint16_t)(crc << 1);
	}
	return crc;
}

/* Appends one EMV TLV field: two-digit id, two-digit length, value. */
static int
tlv(char *buf, size_t size, const char *id, const char *value)
{
	size_t used = strlen(buf), n = strlen(value);
	int r;

	if (n > 99)
		return -1;
	r = snprintf(buf + used, size - used, "%s%02zu%s", id, n, value);
	return (r < 0 || (size_t)r >= size - used) ? -1 : 0;
}

char *
qr_pix_code(const char *key, const char *amount, const char *txid)
{
	char gui[128], add[64], buf[512];
	size_t n;

	gui[0] = add[0] = buf[0] = '\0';
	if (tlv(gui, sizeof(gui), "00", "br.gov.bcb.pix") != 0 ||
	    tlv(gui, sizeof(gui), "01", key) != 0 ||
	    tlv(add, sizeof(add), "05", txid) != 0 ||
	    tlv(buf, sizeof(buf), "00", "01") != 0 ||
	    tlv(buf, sizeof(buf), "01", "12") != 0 ||
	    tlv(buf, sizeof(buf), "26", gui) != 0 ||
	    tlv(buf, sizeof(buf), "52", "0000") != 0 ||
	    tlv(buf, sizeof(buf), "53", "986") != 0 ||
	    tlv(buf, sizeof(buf), "54", amount) != 0 ||
	    tlv(buf, sizeof(buf), "58", "BR") != 0 ||
	    tlv(buf, sizeof(buf), "59", "MERCADO PAGO SANDBOX") != 0 ||
	    tlv(buf, sizeof(buf), "60", "SAO PAULO") != 0 ||
	    tlv(buf, sizeof(buf), "62", add) != 0)
		return NULL;
	n = strlen(buf);
	if (n + 9 > sizeof(buf))
		return NULL;
	/* The CRC covers everything up to and including its own "6304". */
	memcpy(buf + n, "6304", 5);
	snprintf(buf + n + 4, 5, "%04X", qr_crc16(buf, n + 4));
	return strdup(buf);
}

char *
qr_base64(const unsigned char *buf, size_t len)
{
	char *out;

	if (len > 0x3fffffff || (out = malloc(4 * ((len + 2) / 3) + 1)) ==
	    NULL)
		return NULL;
	EVP_EncodeBlock((unsigned char *)out, buf, (int)len);
	return out;
}

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* Appends a chunk (length, type, data, CRC of type + data) at *pos. */
static void
chunk(unsigned char *png, size_t *pos, const char *type,
    const unsigned char *data, uint32_t len)
{
	uLong crc;

	put32(png + *pos, len);
	memcpy(png + *pos + 4, type, 4);
	if (len > 0)
		memcpy(png + *pos + 8, data, len);
	crc = crc32(0, png + *pos + 4, len + 4);
	put32(png + *pos + 8 + len, (uint32_t)crc);
	*pos += 12 + len;
}

char *
qr_png_base64(const char *text)
{
	static const unsigned char sig[8] = {
		0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'
	};
	QRcode *qr;
	unsigned char ihdr[13], *raw = NULL, *z = NULL, *png = NULL;
	size_t side, rowlen, x, y, pos = 0;
	uLongf zlen;
	char *out = NULL;
	int mx, my, dark;

	qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (qr == NULL)
		return NULL;
	side = (size_t)(qr->width + 2 * QR_QUIET) * QR_SCALE;
	rowlen = side + 1;		/* filter byte, then one byte a pixel */
	if ((raw = malloc(rowlen * side)) == NULL)
		goto done;
	for (y = 0; y < side; y++) {
		raw[y * rowlen] = 0;
		for (x = 0; x < side; x++) {
			mx = (int)(x / QR_SCALE) - QR_QUIET;
			my = (int)(y / QR_SCALE) - QR_QUIET;
			dark = mx >= 0 && my >= 0 && mx < qr->width &&
			    my < qr->width &&
			    (qr->data[my * qr->width + mx] & 1);
			raw[y * rowlen + 1 + x] = dark ? 0x00 : 0xff;
		}
	}
	zlen = compressBound((uLong)(rowlen * side));
	if ((z = malloc(zlen)) == NULL ||
	    compress2(z, &zlen, raw, (uLong)(rowlen * side), 9) != Z_OK)
		goto done;
	if ((png = malloc(8 + 25 + 12 + zlen + 12)) == NULL)
		goto done;
	memcpy(png, sig, 8);
	pos = 8;
	put32(ihdr, (uint32_t)side);
	put32(ihdr + 4, (uint32_t)side);
	ihdr[8] = 8;		/* bit depth */
	ihdr[9] = 0;		/* greyscale */
	ihdr[10] = ihdr[11] = ihdr[12] = 0;
	chunk(png, &pos, "IHDR", ihdr, 13);
	chunk(png, &pos, "IDAT", z, (uint32_t)zlen);
	chunk(png, &pos, "IEND", NULL, 0);
	out = qr_base64(png, pos);
done:
	free(png);
	free(z);
	free(raw);
	QRcode_free(qr);
	return out;
}
