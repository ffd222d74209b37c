/*
 * context.h - a purchase context (brickgate.conf(5)): what the
 * storefront recorded before rendering the Brick, and the payments
 * brickgate recorded since.
 *
 * The storefront's fields are checked in full when the file is loaded;
 * a file that fails is never written back (500 invalid_context).  The
 * parsed JSON stays the one copy of the purchase: brickgate's records
 * are edited in it and the whole object is saved.
 */
#ifndef BG_CONTEXT_H
#define BG_CONTEXT_H

#include <stdint.h>

#include <json-c/json.h>

#include "error.h"
#include "purchase_id.h"
#include "site.h"

struct bg_context {
	json_object	*root;		/* owned; everything below borrows */
	char		 id[PURCHASE_ID_MAX + 1];
	const struct bg_site *site;
	int64_t		 amount;	/* minor units */
	char		 amount_text[32];	/* with the site's decimals */
	const char	*description;
	const char	*email;		/* payer.email, when fixed */
	json_object	*payer;
	json_object	*items;
	json_object	*methods;	/* allowed ids and types, or NULL */
	long		 max_installments;	/* 0: no bound */
	int64_t		 expires_ms;	/* 0: never */
	const char	*statement_descriptor;
	json_object	*metadata;
	const char	*purpose;
	const char	*customer_id;	/* the only payer of a saved card */
	json_object	*shipment;	/* {receiver_address}, or NULL */
	const char	*preference_id;
};

/* Parses and checks a context file's text; 500 invalid_context. */
int	 context_parse(struct bg_context *c, const char *id, const char *text,
	    size_t len, const struct bg_site *site, struct bg_error *e);
void	 context_free(struct bg_context *c);

/* The text to save (pretty-printed; owned by c until the next call). */
const char *context_text(struct bg_context *c, size_t *len);

/* True when the context allows the method (by type or by id). */
int	 context_allows(const struct bg_context *c, const char *method_id,
	    const char *type_id);

/* The latest attempt (the "payment" member), or NULL. */
json_object *context_latest(const struct bg_context *c);
/* Every attempt, oldest first (the "payments" member, created empty). */
json_object *context_attempts(struct bg_context *c);

/*
 * Appends an attempt in state "creating" with its idempotency key and
 * makes it the latest; returns it (borrowed).  method_id and type_id may
 * be NULL (unknown).
 */
json_object *context_add_attempt(struct bg_context *c, const char *key,
	    const char *method_id, const char *type_id, int64_t now);

/* The attempt recording payment `id`, or NULL. */
json_object *context_find_payment(struct bg_context *c, int64_t id);

/* Sets the latest attempt (for a payment found by search). */
void	 context_set_latest(struct bg_context *c, json_object *attempt);

/* Records the wallet preference's id (borrowed into c). */
void	 context_set_preference(struct bg_context *c, const char *id);

#endif
