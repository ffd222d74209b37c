/*
 * randomid.h - identifiers from the kernel's random source: idempotency
 * keys (UUID v4) and purchase ids (128 bits in hex).
 */
#ifndef BG_RANDOMID_H
#define BG_RANDOMID_H

#include <stddef.h>

#include "error.h"

#define UUID_LEN 36

/*
 * 16 bytes as a UUID of the given version (4: random, 8: made by this
 * program's own rule) in lower-case text; the version and variant bits
 * of b are set.
 */
void	 uuid_format(unsigned char b[16], int version, char buf[UUID_LEN + 1]);

/* A version 4 UUID in lower-case text; buf needs UUID_LEN + 1 bytes. */
int	 uuid_v4(char *buf, size_t size, struct bg_error *e);

/* 32 lower-case hex digits (128 bits); buf needs 33 bytes. */
int	 random_hex128(char *buf, size_t size, struct bg_error *e);

#endif
