/*
 * qrpng.h - a Pix code as Mercado Pago hands it out: an EMV "copia e cola"
 * string and a real PNG picture of its QR code, base64.
 */
#ifndef SB_QRPNG_H
#define SB_QRPNG_H

#include <stddef.h>
#include <stdint.h>

/* CRC-16/CCITT-FALSE, the checksum that ends every EMV/BR Code string. */
uint16_t qr_crc16(const char *s, size_t len);

/*
 * Writes a BR Code (EMV merchant-presented QR) for an amount text such as
 * "89.90" into a malloc'ed string; NULL on failure.
 */
char	*qr_pix_code(const char *key, const char *amount, const char *txid);

/*
 * The PNG of the QR code of text (8-bit greyscale, 4 px per module, a
 * 4-module quiet zone), base64 without line breaks, malloc'ed; NULL on
 * failure.
 */
char	*qr_png_base64(const char *text);

/* Standard base64 of buf, malloc'ed; NULL on failure. */
char	*qr_base64(const unsigned char *buf, size_t len);

#endif
