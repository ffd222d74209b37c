/*
 * refund.h - one refund of a purchase's payment, as a typed record
 * (brickgate.conf(5), PURCHASE CONTEXTS: "refunds").  `brickgate refund`
 * reads and edits these; JSON appears only where the record meets the
 * store (refund_parse, refund_json) and where Mercado Pago's answer is
 * read (refund_from_reply).
 */
#ifndef BG_REFUND_H
#define BG_REFUND_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

/*
 * Recorded with its key before the call; id, status and date_created
 * stay unknown (0, NULL) until Mercado Pago's answer is recorded: such a
 * refund is open, and the next `brickgate refund` resumes it.
 */
struct refund {
	int64_t		 id;		/* Mercado Pago's; 0: not answered */
	int64_t		 payment_id;
	int64_t		 amount;	/* minor units */
	char		*status;	/* Mercado Pago's, or NULL */
	char		*key;		/* idempotency key */
	char		*date_created;	/* Mercado Pago's text, or NULL */
};

/* A new open refund; NULL when out of memory. */
struct refund *refund_new(int64_t payment_id, int64_t amount,
	    const char *key);
void	 refund_free(struct refund *r);

/* True while the refund's answer is not recorded. */
int	 refund_open(const struct refund *r);

/*
 * Reads a refund as brickgate wrote it (amounts with `decimals`).  -1
 * with why (a member's name and what is wrong, never a value).
 */
int	 refund_parse(json_object *o, int decimals, struct refund **r,
	    char *why, size_t size);
/* The refund as JSON, amount as exact decimal text; NULL when OOM. */
json_object *refund_json(const struct refund *r, int decimals);

/*
 * Records Mercado Pago's refund object (POST or GET .../refunds) into r:
 * its id, amount, status and date_created.  -1 when the object is not a
 * refund of r's payment (no numeric id, no status, another payment, an
 * amount that does not parse): nothing is changed then.
 */
int	 refund_from_reply(struct refund *r, json_object *reply, int decimals);

/* A refund object brickgate can record (purchase_post's complete()). */
int	 refund_reply_complete(json_object *reply);

#endif
