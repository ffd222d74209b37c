/*
 * attempt.h - one payment attempt of a purchase, as a typed record
 * (brickgate.conf(5), PURCHASE CONTEXTS: "payments").  The purchase
 * flow reads and edits these; JSON appears only where the record meets
 * the store (attempt_parse, attempt_json).
 */
#ifndef BG_ATTEMPT_H
#define BG_ATTEMPT_H

#include <stdint.h>

#include <json-c/json.h>

/*
 * "creating" from before the call to Mercado Pago until its answer is
 * known; then "created", or "refused" when Mercado Pago turned the
 * request down (brickgate(8), THE PURCHASE'S LIFE).
 */
enum attempt_state {
	ATTEMPT_CREATING,
	ATTEMPT_CREATED,
	ATTEMPT_REFUSED,
};

/* Text members are owned; NULL is JSON null (not known, or none). */
struct attempt {
	enum attempt_state state;
	int64_t		 payment_id;	/* 0: no payment known */
	char		*key;		/* idempotency key; NULL: found, not made */
	char		*method_id;	/* payment_method_id */
	char		*type_id;	/* payment_type_id */
	char		*status;	/* Mercado Pago's, status.h classes it */
	char		*status_detail;
	char		*date_last_updated;	/* Mercado Pago's text */
	int64_t		 started_at;	/* ms since the epoch */
	int64_t		 updated_at;
	int		 mismatch;	/* not the purchase's amount or currency */
	json_object	*summary;	/* owned: what the page is shown */
	json_object	*refusal;	/* owned: {status, causes} of a refusal */
};

/* A new attempt in state creating; NULL when out of memory. */
struct attempt *attempt_new(const char *key, const char *method_id,
	    const char *type_id, int64_t now);
void	 attempt_free(struct attempt *a);

/*
 * Reads an attempt as brickgate wrote it.  -1 with why (a member's name
 * and what is wrong with it, never a value) when it is not that shape.
 */
int	 attempt_parse(json_object *o, struct attempt **a, char *why,
	    size_t size);
/* The attempt as JSON, in the order brickgate has always written it. */
json_object *attempt_json(const struct attempt *a);

/* Replaces an owned text member with a copy of s (NULL: null); -1 OOM. */
int	 attempt_set(char **member, const char *s);

const char *attempt_state_name(enum attempt_state s);

#endif
