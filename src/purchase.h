/*
 * purchase.h - one purchase while a request works on it: its lock, its
 * context, and the settling of what is already recorded (brickgate(8),
 * THE PURCHASE'S LIFE, step 2), shared by /process_payment, /payment_status,
 * webhooks and `brickgate reconcile`.
 */
#ifndef BG_PURCHASE_H
#define BG_PURCHASE_H

#include <stdint.h>

#include <json-c/json.h>

#include "config.h"
#include "context.h"
#include "log.h"
#include "mp_client.h"
#include "randomid.h"
#include "store.h"

#define LOCK_WAIT_MS	2000	/* doc/design.md, The store */
#define REFRESH_MS	5000	/* refresh a status at most this often */

struct purchase {
	const struct bg_config	*cfg;
	struct store_session	*store;		/* the thread's, or NULL */
	struct mp_client	*mp;
	struct bg_log		*log;
	int64_t			 deadline;	/* monotonic ms */
	struct store_held	*held;		/* its lock, or NULL */
	struct bg_context	 c;
	int			 loaded;
	long			 upstream_ms;
	/* Settling calls that got no usable answer (reconcile counts them). */
	int			 unanswered;
	/* The buyer's device id for the payment's creation, or NULL. */
	const char		*device_id;
};

void	 purchase_init(struct purchase *p, const struct bg_config *cfg,
	    struct store_session *store, struct mp_client *mp, struct bg_log *log,
	    long budget_ms);

/*
 * Takes the lock (waiting at most LOCK_WAIT_MS) and loads the context.
 * 0 when both are done; 1 when the lock stayed busy (nothing loaded);
 * -1 with e (404 unknown_purchase, 500 invalid_context, ...).
 */
int	 purchase_open(struct purchase *p, const char *id, struct bg_error *e);
/*
 * purchase_open, a busy lock as 409 payment_in_progress, then step 2
 * (purchase_settle, searching at once): 0 or -1 with e.
 */
int	 purchase_open_settled(struct purchase *p, const char *id,
	    struct bg_error *e);
/* Loads without the lock, to answer from the file as it is. */
int	 purchase_peek(struct purchase *p, const char *id, struct bg_error *e);
/* Saves the purchase durably (doc/design.md, Durability). */
int	 purchase_save(struct purchase *p, struct bg_error *e);
/*
 * Saves it as far as the open attempt needs, before its call: through a
 * crash of the process, not always of the machine (STORE_VOLATILE).
 */
int	 purchase_save_open(struct purchase *p, struct bg_error *e);
/*
 * The idempotency key of the attempt about to be added: derived from the
 * installation's secret, the purchase id, the storefront's part of the
 * context and the attempt's ordinal (attempt_key.h).
 */
int	 purchase_attempt_key(struct purchase *p, char key[UUID_LEN + 1],
	    struct bg_error *e);
void	 purchase_close(struct purchase *p);

/*
 * Step 2: looks up an abandoned attempt or a preference's payments by
 * search (when not searched for search_ms), and refreshes a status that
 * is not final and older than refresh_ms.  Records what it learns and saves; creates nothing.  A
 * Mercado Pago that does not answer leaves the records as they are.
 */
int	 purchase_settle(struct purchase *p, int64_t search_ms,
	    int64_t refresh_ms, struct bg_error *e);

/*
 * Records a Mercado Pago payment object (purchase_payment_complete) in an
 * attempt, with the summary the page is shown: never from a final status
 * back to one that is not, never older over newer, and flagged mismatch
 * when its amount or currency is not the purchase's.
 */
void	 purchase_record(struct purchase *p, struct attempt *a,
	    json_object *payment);

/*
 * Records a payment of this purchase that came from the API (a search, a
 * webhook): into its attempt when one knows its id, else into `open` (an
 * attempt left creating, whose payment it must be), else into a new
 * attempt (a wallet payment made on Mercado Pago's side).  Returns the
 * attempt, or NULL with e when out of memory.
 */
struct attempt *purchase_learn(struct purchase *p, json_object *payment,
	    struct attempt *open, struct bg_error *e);

/*
 * Records the payments of a search answer's "results" (purchase_learn,
 * in order; the first one not yet known fills open).  1 when something
 * was recorded, 0 when nothing, -1 when the answer has no results.
 */
int	 purchase_learn_search(struct purchase *p, json_object *reply,
	    struct attempt *open);

/* A payment object we can record: a numeric id and a status. */
int	 purchase_payment_complete(json_object *payment);

/* How a create call ended, after its retries. */
enum post_outcome {
	POST_DONE,	/* a 2xx that complete() accepts */
	POST_REFUSED,	/* an answer that closes it: a 4xx */
	POST_UNKNOWN,	/* still retryable: no answer, 5xx, 429, ... */
};

/*
 * POSTs body to path with the idempotency key, again with back-off and
 * jitter while the answer leaves the call open (no answer, 5xx, 429,
 * 409, 423, 424, causes 2004/2007, or a 2xx that complete() rejects),
 * within api_retries and the deadline.  rep holds the last answer
 * (release with mp_reply_clear).
 */
enum post_outcome purchase_post(struct purchase *p, const char *path,
	    json_object *body, const char *key,
	    int (*complete)(json_object *), struct mp_reply *rep);

/*
 * purchase_post's policy, exported for its unit test (tests/unit/
 * test_retry.c): true when an answer leaves the call open and is retried;
 * and the pause before retry n + 1 (n from 0): 250 ms doubling up to
 * 16 s, plus jitter/512 of it, at least Retry-After, and never so long
 * that less than 200 ms of remaining_ms is left for the call (0: none).
 */
int	 purchase_retryable(const struct mp_reply *rep,
	    int (*complete)(json_object *));
long	 purchase_backoff_ms(int n, unsigned char jitter, long retry_after_ms,
	    long remaining_ms);

/* The first attempt whose payment is paid or on its way to be, or NULL. */
struct attempt *purchase_paid(struct purchase *p);

/* Milliseconds left before the request's deadline. */
long	 purchase_remaining(const struct purchase *p);
/* The time one API call may take: api_timeout_ms, within the deadline. */
long	 purchase_call_budget(const struct purchase *p);

#endif
