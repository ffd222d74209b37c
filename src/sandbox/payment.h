/*
 * payment.h - creating payments and changing their status, with Mercado
 * Pago's validation and cause codes.  Every function expects the store
 * lock held.
 */
#ifndef SB_PAYMENT_H
#define SB_PAYMENT_H

#include <json-c/json.h>

#include "sandbox/mperr.h"
#include "sandbox/store.h"

/* POST /v1/payments after the idempotency check: validates and stores. */
/* An amount in minor units as the JSON number Mercado Pago writes. */
json_object *sb_amount_json(int64_t minor, int decimals);

int	 payment_create(struct sb_store *st, json_object *req,
	    struct sb_payment **out, struct mp_error *e);

/*
 * A buyer paying the preference pref on Mercado Pago's side (the wallet,
 * credits or a card saved in the buyer's account).  req, the control endpoint's body or NULL, may choose
 * payment_method_id, status, status_detail, transaction_amount and
 * installments; the rest comes from the preference.  Stores the payment
 * and notifies payment.created.
 */
int	 payment_create_from_preference(struct sb_store *st, json_object *pref,
	    json_object *req, struct sb_payment **out, struct mp_error *e);

struct pm;

/*
 * Why the preference pref (or a preference request) leaves pm out: the
 * name of the payment_methods list that excludes it, by id
 * ("excluded_payment_methods") or by payment_type_id
 * ("excluded_payment_types"), or NULL when it does not.
 */
const char *pref_exclusion(json_object *pref, const struct pm *pm);

/* PUT /v1/payments/{id}: cancel or capture. */
int	 payment_update(struct sb_store *st, struct sb_payment *p,
	    json_object *req, struct mp_error *e);

/*
 * Moves p to status/status_detail (detail NULL: the usual one for the
 * status), updates the dates and the payer block, and notifies.
 */
int	 payment_set_status(struct sb_store *st, struct sb_payment *p,
	    const char *status, const char *detail, struct mp_error *e);

/* POST /v1/card_tokens: validates and stores a token; 201 body in *out. */
int	 card_token_create(struct sb_store *st, json_object *req,
	    json_object **out, struct mp_error *e);

#endif
