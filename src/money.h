/*
 * money.h - amounts as integers of minor units, parsed from decimal text.
 *
 * Money never passes through a double: "150.10" with 2 decimals is 15010,
 * and a text with more decimals than the currency has is refused, not
 * rounded.  The same functions serve brickgate and the sandbox.
 */
#ifndef BG_MONEY_H
#define BG_MONEY_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "error.h"

/* Integer digits allowed: 10^15 minor units fits int64 with room left. */
#define MONEY_MAX_INT_DIGITS 13

/*
 * Parses text[0..len) as an unsigned decimal amount with at most
 * `decimals` digits after the point.  No sign, no exponent, no leading
 * zeros ("0.50" is fine, "00.5" is not), no "1." or ".5".  On failure
 * fills e with 400 invalid_field for `field` and returns -1.
 */
int	 money_parse(const char *text, size_t len, int decimals,
	    int64_t *minor, const char *field, struct bg_error *e);

/*
 * Parses a JSON value holding an amount.  A JSON number is read from the
 * text json-c kept of it (never from its double); a JSON string is
 * accepted only when allow_string is set (purchase contexts), never for
 * the browser's form.  Wrong types are 400 invalid_field.
 */
int	 money_from_json(json_object *v, int decimals, int allow_string,
	    int64_t *minor, const char *field, struct bg_error *e);

/* Writes "150.00" (decimals 2) or "150000" (decimals 0) into buf. */
int	 money_format(int64_t minor, int decimals, char *buf, size_t size);

/*
 * A JSON number whose text is the exact amount ("150.00"), for request
 * bodies: it is written from that text, never from a double.
 */
json_object *money_to_json(int64_t minor, int decimals);

#endif
