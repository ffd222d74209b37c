/*
 * store.h - everything the sandbox remembers, in one struct passed around.
 *
 * One mutex guards the whole store: requests are few and short, and a
 * single lock makes "same idempotency key twice at once" trivially safe
 * (the second waits, then finds the first one's answer).  json-c objects
 * kept here are only touched, serialised included, with the lock held.
 */
#ifndef SB_STORE_H
#define SB_STORE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <json-c/json.h>

#include "site.h"
#include "sandbox/card.h"

/* Read-only once main() has filled it. */
struct sb_config {
	const struct bg_site *site;
	const char *access_token;	/* NULL: any "TEST-..." token */
	const char *webhook_url;	/* NULL: no panel webhook */
	const char *webhook_secret;	/* NULL: unsigned */
	int64_t	 collector_id;
};

struct sb_token {
	char	 id[33];
	struct card_input card;
	time_t	 created;
	int	 used;
};

struct sb_payment {
	int64_t	 id;
	char	 status[24];
	char	 status_detail[48];
	char	*external_reference;	/* NULL when none */
	char	*notification_url;	/* NULL when none */
	json_object *obj;		/* the payment as GET answers it */
	json_object *payer;		/* payer as sent, for approval */
	time_t	 created;
};

struct sb_idem {
	char	*who;			/* access token */
	char	*key;
	int	 status;
	char	*body;
};

struct sb_reqlog {
	char	 method[8];
	char	*path;
	char	*query;
	char	*key;			/* X-Idempotency-Key or NULL */
	char	*device;		/* X-Meli-Session-Id or NULL */
	char	*body;			/* raw request body or NULL */
	int	 status;		/* 0 when dropped */
	const char *fault;		/* fault mode applied, or NULL */
};

enum sb_fault_mode {
	FAULT_LATENCY,
	FAULT_STATUS,
	FAULT_DROP,
	FAULT_CREATE_THEN_DELAY,
	FAULT_KEY_USED,
};

struct sb_fault {
	enum sb_fault_mode mode;
	int	 count;
	int	 ms;
	int	 http_status;
	int	 retry_after;
	char	 method[8];		/* "" matches any */
	char	 path[128];		/* "" any; trailing '*' a prefix */
};

struct sb_hook {
	struct sb_hook *next;
	char	*url;
	char	*body;
	char	 data_id[24];
	char	 action[24];
};

struct sb_delivery {
	char	*url;
	char	 action[24];
	char	 data_id[24];
	char	 request_id[37];
	char	 signature[128];
	int	 http_status;		/* 0: no answer */
};

#define SB_MAX_FAULTS 16

struct sb_store {
	pthread_mutex_t mu;
	const struct sb_config *cfg;
	int64_t	 next_payment_id;
	int64_t	 next_notification_id;
	int64_t	 next_refund_id;
	size_t	 nrefunds;		/* refunds made, for the stats */

	struct sb_payment **payments;
	size_t	 npayments, cappayments;
	struct sb_token *tokens;
	size_t	 ntokens, captokens;
	struct sb_idem *idem;
	size_t	 nidem, capidem;
	json_object **prefs;
	size_t	 nprefs, capprefs;
	struct sb_reqlog *log;
	size_t	 nlog, caplog;
	struct sb_fault faults[SB_MAX_FAULTS];
	size_t	 nfaults;

	/* Webhook queue, drained by one background thread. */
	pthread_t hook_thread;
	pthread_cond_t hook_cv;
	struct sb_hook *hook_head, *hook_tail;
	int	 hook_stop;
	int	 hook_busy;
	struct sb_delivery *deliveries;
	size_t	 ndeliveries, capdeliveries;
};

int	 store_init(struct sb_store *st, const struct sb_config *cfg);
void	 store_free(struct sb_store *st);
void	 store_lock(struct sb_store *st);
void	 store_unlock(struct sb_store *st);

/* All below expect the lock held. */

/* Grows *arr (of elements of `size`) so that index n fits; -1 on ENOMEM. */
int	 store_grow(void *arr, size_t *cap, size_t n, size_t size);

struct sb_payment *store_payment_new(struct sb_store *st);
struct sb_payment *store_payment_find(struct sb_store *st, int64_t id);

struct sb_token *store_token_new(struct sb_store *st);
struct sb_token *store_token_find(struct sb_store *st, const char *id);

struct sb_idem *store_idem_find(struct sb_store *st, const char *who,
	    const char *key);
int	 store_idem_put(struct sb_store *st, const char *who,
	    const char *key, int status, const char *body);

int	 store_pref_add(struct sb_store *st, json_object *pref);
json_object *store_pref_find(struct sb_store *st, const char *id);

/* What store_log() copies into a struct sb_reqlog; NULL: none. */
struct sb_reqinfo {
	const char *method, *path, *query, *key, *device, *body;
	int	 status;
	const char *fault;
};

void	 store_log(struct sb_store *st, const struct sb_reqinfo *in);
void	 store_log_clear(struct sb_store *st);

/*
 * When a fault matches the request, consumes one of its count, copies it
 * to *out and returns 1; else 0.
 */
int	 store_fault_take(struct sb_store *st, const char *method,
	    const char *path, struct sb_fault *out);

#endif
