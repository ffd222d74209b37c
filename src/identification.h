/*
 * identification.h - the payer's document, checked per site
 * (doc/design.md, Mercado Pago's rules in the code).
 *
 * Mercado Pago refuses a bad number only after the payment call (cause
 * 2067); checking here answers the buyer at once, with the field at fault,
 * and spends none of the purchase's attempts.  Identification numbers are
 * personal data: no message this code writes contains one.
 */
#ifndef BG_IDENTIFICATION_H
#define BG_IDENTIFICATION_H

#include "error.h"
#include "site.h"

/*
 * Checks a payer identification for a site (brickgate(8), PAYMENT
 * METHODS).  type and number may be NULL (absent); an empty string
 * counts as absent.  `prefix` is the JSON path of the identification
 * object, e.g. "payer.identification", used to name the field in errors:
 * "<prefix>.type" or "<prefix>.number".
 * Returns 0, or -1 with e filled: 400 "missing_field" when a required part
 * is absent/empty, 400 "invalid_field" when the type is not one of the
 * site's or the number is malformed (the message says why and never echoes
 * the number, nor the browser's type: ID numbers are personal data and must
 * not reach logs or responses).
 */
int	 identification_check(const struct bg_site *site, const char *type,
	    const char *number, const char *prefix, struct bg_error *e);

#endif
