/*
 * context.h - a purchase context (brickgate.conf(5)): what the
 * storefront recorded before rendering the Brick, and the payments
 * brickgate recorded since.
 *
 * The storefront's fields are checked in full when the file is loaded;
 * a file that fails is never written back (500 invalid_context).  They
 * stay in the parsed JSON, which is saved as it came.  brickgate's own
 * records, the attempts and the time of the last search, are read into
 * typed records once and put back into the JSON only by context_text.
 */
#ifndef BG_CONTEXT_H
#define BG_CONTEXT_H

#include <stdint.h>

#include <json-c/json.h>

#include "attempt.h"
#include "error.h"
#include "purchase_id.h"
#include "refund.h"
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
	/* brickgate's records: every attempt, oldest first (owned). */
	struct attempt	**attempts;
	size_t		 n_attempts, cap_attempts;
	int64_t		 searched_at;	/* a wallet's last search; 0: never */
	int64_t		 paid_notified_at;	/* on_paid succeeded; 0: not */
	/* brickgate's refunds of the payment, oldest first (owned). */
	struct refund	**refunds;
	size_t		 n_refunds, cap_refunds;
};

/* Parses and checks a context file's text; 500 invalid_context. */
int	 context_parse(struct bg_context *c, const char *id, const char *text,
	    size_t len, const struct bg_site *site, struct bg_error *e);
void	 context_free(struct bg_context *c);

/*
 * The text to save (pretty-printed; owned by c until the next call), or
 * NULL when out of memory.
 */
const char *context_text(struct bg_context *c, size_t *len);

#define CONTEXT_DIGEST_LEN	32

/*
 * SHA-256 of the storefront's part of the context (every member but
 * brickgate's records), written canonically (json_canon.h), so that the
 * same cart gives the same digest from either store.  -1 with e.
 */
int	 context_digest(const struct bg_context *c,
	    unsigned char out[CONTEXT_DIGEST_LEN], struct bg_error *e);

/* True when the context allows the method (by type or by id). */
int	 context_allows(const struct bg_context *c, const char *method_id,
	    const char *type_id);

/* The latest attempt (the "payment" member), or NULL. */
struct attempt *context_latest(const struct bg_context *c);

/*
 * Appends an attempt in state creating with its idempotency key (NULL
 * for a payment found at Mercado Pago, not made by brickgate) and makes
 * it the latest; returns it (owned by c), or NULL with 500 when out of
 * memory.  method_id and type_id may be NULL (unknown).
 */
struct attempt *context_add_attempt(struct bg_context *c, const char *key,
	    const char *method_id, const char *type_id, int64_t now,
	    struct bg_error *e);

/* The attempt recording payment `id`, or NULL. */
struct attempt *context_find_payment(const struct bg_context *c,
	    int64_t id);

/*
 * Appends r to the refunds (taken by c); -1 with 500 when out of memory
 * (r freed).
 */
int	 context_add_refund(struct bg_context *c, struct refund *r,
	    struct bg_error *e);

/* Records the wallet preference's id (borrowed into c). */
void	 context_set_preference(struct bg_context *c, const char *id);

#endif
