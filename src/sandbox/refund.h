/*
 * refund.h - refunds of the sandbox's payments (refund.c).  Expects the
 * store lock held.
 */
#ifndef SB_REFUND_H
#define SB_REFUND_H

#include <json-c/json.h>

#include "sandbox/mperr.h"
#include "sandbox/store.h"

/*
 * POST /v1/payments/{id}/refunds after the idempotency check: req NULL
 * or {} refunds what is left, {"amount": N} part of it.  The refund in
 * *out (owned by the caller), or -1 with e.
 */
int	 refund_make(struct sb_store *st, struct sb_payment *p,
	    json_object *req, json_object **out, struct mp_error *e);

#endif
