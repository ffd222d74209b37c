/*
 * additional_info.h - the fraud-prevention data of a payment body
 * (Mercado Pago's additional_info; brickgate(8), PAYMENT METHODS).
 */
#ifndef BG_ADDITIONAL_INFO_H
#define BG_ADDITIONAL_INFO_H

#include <json-c/json.h>

#include "method.h"

/*
 * additional_info for a payment: the context's items, the payer's names,
 * phone and address, the context's shipment and the buyer's IP address,
 * each only when known; NULL when none is.  A payer value comes from the
 * form only where `checked` (the module's field table) validated it,
 * else from the context.
 */
json_object *additional_info_build(const struct method_call *mc,
	    const struct field_rule *checked);

#endif
