/*
 * summary.h - the payment summary of brickgate(8), Answers: the only part
 * of Mercado Pago's answer that reaches the browser.
 */
#ifndef BG_SUMMARY_H
#define BG_SUMMARY_H

#include <json-c/json.h>

#include "site.h"

/*
 * Builds the summary of a Mercado Pago payment object for a purchase:
 * identity and status, the amount as decimal text in the site's
 * currency, and whatever the method's module adds (Pix code, voucher,
 * 3DS challenge).  No payer data, fees or card details.
 */
json_object *summary_build(const char *purchase_id, json_object *payment,
	    const struct bg_site *site);

#endif
