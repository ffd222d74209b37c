/*
 * hex.h - bytes as lower-case hexadecimal text and back: idempotency
 * keys, webhook signatures, digests and the installation's secret.
 */
#ifndef BG_HEX_H
#define BG_HEX_H

#include <stddef.h>

/* n bytes into 2n digits and a NUL; out needs 2n + 1 bytes. */
void	 hex_encode(const unsigned char *b, size_t n, char *out);

/* Exactly 2n lower-case digits into n bytes; -1 on anything else. */
int	 hex_decode(const char *s, unsigned char *b, size_t n);

#endif
