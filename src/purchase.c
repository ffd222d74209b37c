/*
 * purchase.c - lock, load, settle, record, save.
 *
 * What is recorded follows brickgate.conf(5): "payments" holds
 * every attempt oldest first and "payment" is the last of them; an
 * attempt is "creating" from before the call to Mercado Pago until its
 * answer is known, then "created" (or "refused" when Mercado Pago turned
 * the request down).  Settling only reads from Mercado Pago.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sys/random.h>

#include <openssl/crypto.h>

#include "attempt_key.h"
#include "form.h"
#include "json_strict.h"
#include "money.h"
#include "purchase.h"
#include "status.h"
#include "summary.h"
#include "timefmt.h"

#define BACKOFF_MS	250	/* first retry; doubles each time */
#define MIN_CALL_MS	200	/* no retry with less time than this left */

void
purchase_init(struct purchase *p, const struct bg_config *cfg,
    struct store_session *store, struct mp_client *mp, struct bg_log *log,
    long budget_ms)
{
	memset(p, 0, sizeof(*p));
	p->cfg = cfg;
	p->store = store;
	p->mp = mp;
	p->log = log;
	p->deadline = mono_ms() + budget_ms;
}

long
purchase_remaining(const struct purchase *p)
{
	int64_t left = p->deadline - mono_ms();

	return left > 0 ? (long)left : 0;
}

/* The thread has no store session: nothing can be read or written. */
static int
no_store(struct bg_error *e)
{
	return bg_fail(e, 503, "store_unavailable", NULL,
	    "the purchases cannot be reached now; try again");
}

/*
 * The store could not be reached: why (the database's own words, a host
 * name, a port) is the operator's, logged; the buyer gets the code.
 */
static int
unreachable(struct purchase *p, const char *id, struct bg_error *e)
{
	if (e->status == 503) {
		log_msg(p->log, CFG_LOG_ERROR, "purchase %s: %s", id,
		    e->message);
		no_store(e);
	}
	return -1;
}

/* The purchase's text, from the held purchase or else read as it is. */
static int
load(struct purchase *p, const char *id, struct bg_error *e)
{
	char *text, where[PURCHASE_ID_MAX + 1024];
	size_t len;
	int rc;

	if (p->store == NULL)
		return no_store(e);
	rc = p->held != NULL ? store_held_load(p->held, &text, &len, e) :
	    store_peek(p->store, id, &text, &len, e);
	if (rc == -1)
		return unreachable(p, id, e);
	rc = context_parse(&p->c, id, text, len, p->cfg->site, e);
	free(text);
	if (rc == -1) {
		/* The operator needs the place; the buyer gets the code. */
		store_where(p->store, id, where, sizeof(where));
		log_msg(p->log, CFG_LOG_ERROR, "%s (%s)", e->message, where);
		return -1;
	}
	p->loaded = 1;
	return 0;
}

int
purchase_open(struct purchase *p, const char *id, struct bg_error *e)
{
	int rc;

	if (p->store == NULL)
		return no_store(e);
	if ((rc = store_hold(p->store, id, LOCK_WAIT_MS, &p->held, e)) == -1)
		return unreachable(p, id, e);
	if (rc != 0)
		return rc;
	return load(p, id, e);
}

/*
 * What the two requests that may send money do first.  A lock still
 * busy after LOCK_WAIT_MS is a 409, not a longer wait: the buyer's other
 * tab is making a payment, and this one must not start a second.
 */
int
purchase_open_settled(struct purchase *p, const char *id,
    struct bg_error *e)
{
	int rc = purchase_open(p, id, e);

	if (rc == 1)
		return bg_fail(e, 409, "payment_in_progress", NULL,
		    "another request for this purchase is in progress");
	if (rc == 0)
		rc = purchase_settle(p, 0, REFRESH_MS, e);
	return rc;
}

int
purchase_peek(struct purchase *p, const char *id, struct bg_error *e)
{
	return load(p, id, e);
}

static int
save(struct purchase *p, enum store_sync sync, struct bg_error *e)
{
	const char *text;
	size_t len;

	text = context_text(&p->c, &len);
	if (text == NULL)
		return bg_fail(e, 500, "internal_error", NULL,
		    "cannot serialise the purchase");
	if (p->held == NULL)
		return bg_fail(e, 500, "internal_error", NULL,
		    "purchase %s saved without its lock", p->c.id);
	if (store_held_save(p->held, text, len, sync, e) == -1) {
		log_msg(p->log, CFG_LOG_ERROR, "purchase %s not saved: %s",
		    p->c.id, e->message);
		if (e->status == 503)
			no_store(e);
		return -1;
	}
	return 0;
}

int
purchase_save(struct purchase *p, struct bg_error *e)
{
	return save(p, STORE_DURABLE, e);
}

int
purchase_save_open(struct purchase *p, struct bg_error *e)
{
	return save(p, STORE_VOLATILE, e);
}

int
purchase_attempt_key(struct purchase *p, char key[UUID_LEN + 1],
    struct bg_error *e)
{
	unsigned char secret[STORE_SECRET_LEN], digest[CONTEXT_DIGEST_LEN];
	int rc;

	if (p->store == NULL)
		return no_store(e);
	if (store_secret(p->store, secret, e) == -1)
		return unreachable(p, p->c.id, e);
	rc = context_digest(&p->c, digest, e) == -1 ? -1 : attempt_key(secret,
	    p->c.id, digest, p->c.n_attempts, key, e);
	OPENSSL_cleanse(secret, sizeof(secret));
	return rc;
}

void
purchase_close(struct purchase *p)
{
	if (p->loaded)
		context_free(&p->c);
	p->loaded = 0;
	store_release(p->held);
	p->held = NULL;
}

struct attempt *
purchase_paid(struct purchase *p)
{
	size_t i;

	for (i = 0; i < p->c.n_attempts; i++)
		if (status_paid(p->c.attempts[i]->status) &&
		    !p->c.attempts[i]->mismatch)
			return p->c.attempts[i];
	return NULL;
}

/* False when the update would go back in time or out of a final status. */
static int
update_applies(const struct attempt *a, const char *status,
    const char *updated)
{
	int64_t t_old, t_new;

	if (status_final(a->status) && !status_final(status))
		return 0;
	if (a->date_last_updated != NULL && updated != NULL &&
	    rfc3339_parse(a->date_last_updated, &t_old) == 0 &&
	    rfc3339_parse(updated, &t_new) == 0 && t_new < t_old)
		return 0;
	return 1;
}

/* The payment is for another amount or currency than the purchase. */
static int
mismatched(struct purchase *p, json_object *payment)
{
	const char *cur = form_str(payment, "currency_id");
	struct bg_error e;
	int64_t minor;

	if (cur != NULL && strcmp(cur, p->c.site->currency) != 0)
		return 1;
	if (money_from_json(form_get(payment, "transaction_amount"),
	    p->c.site->decimals, 0, &minor, "transaction_amount", &e) == -1)
		return 1;
	return minor != p->c.amount;
}

/* Mercado Pago's words for the payment, copied into the attempt. */
static int
copy_payment(struct attempt *a, json_object *payment)
{
	return attempt_set(&a->status, form_str(payment, "status")) |
	    attempt_set(&a->status_detail, form_str(payment,
	    "status_detail")) |
	    attempt_set(&a->method_id, form_str(payment,
	    "payment_method_id")) |
	    attempt_set(&a->type_id, form_str(payment, "payment_type_id")) |
	    attempt_set(&a->date_last_updated, form_str(payment,
	    "date_last_updated"));
}

/*
 * The flow, not the record, builds what the page is shown: the summary
 * needs the method's module (summary.c), which the record never calls.
 */
void
purchase_record(struct purchase *p, struct attempt *a, json_object *payment)
{
	int64_t id = json_object_get_int64(form_get(payment, "id"));
	json_object *summary;

	a->updated_at = now_ms();	/* looked at, even if nothing newer */
	if (!purchase_payment_complete(payment) ||
	    !update_applies(a, form_str(payment, "status"),
	    form_str(payment, "date_last_updated")))
		return;
	a->payment_id = id;
	a->state = ATTEMPT_CREATED;
	summary = summary_build(p->c.id, payment, p->c.site);
	if (copy_payment(a, payment) != 0 || summary == NULL)
		log_msg(p->log, CFG_LOG_ERROR, "purchase %s: payment %lld "
		    "recorded in part: out of memory", p->c.id,
		    (long long)id);
	json_object_put(a->summary);
	a->summary = summary;
	if (mismatched(p, payment)) {
		a->mismatch = 1;
		log_msg(p->log, CFG_LOG_ERROR, "purchase %s: payment %lld is not "
		    "for the purchase's amount and currency; recorded as a "
		    "mismatch, not as paid", p->c.id, (long long)id);
	}
}

int
purchase_payment_complete(json_object *payment)
{
	return json_object_is_type(form_get(payment, "id"), json_type_int) &&
	    form_str(payment, "status") != NULL;
}

long
purchase_call_budget(const struct purchase *p)
{
	long left = purchase_remaining(p);

	return left < p->cfg->api_timeout_ms ? left : p->cfg->api_timeout_ms;
}

struct attempt *
purchase_learn(struct purchase *p, json_object *pay, struct attempt *open,
    struct bg_error *e)
{
	struct attempt *a;

	a = context_find_payment(&p->c,
	    json_object_get_int64(form_get(pay, "id")));
	if (a == NULL && open != NULL)
		a = open;
	else if (a == NULL && (a = context_add_attempt(&p->c, NULL,
	    form_str(pay, "payment_method_id"), form_str(pay,
	    "payment_type_id"), now_ms(), e)) == NULL)
		return NULL;
	purchase_record(p, a, pay);
	return a;
}

int
purchase_learn_search(struct purchase *p, json_object *reply,
    struct attempt *open)
{
	json_object *results = form_get(reply, "results"), *pay;
	struct attempt *a;
	struct bg_error e;
	size_t i, n;
	int changed = 0;

	if (!json_object_is_type(results, json_type_array))
		return -1;
	n = json_object_array_length(results);
	for (i = 0; i < n; i++) {
		pay = json_object_array_get_idx(results, i);
		if (!purchase_payment_complete(pay))
			continue;
		if ((a = purchase_learn(p, pay, open, &e)) == NULL) {
			log_msg(p->log, CFG_LOG_ERROR, "purchase %s: %s",
			    p->c.id, e.message);
			return changed;
		}
		if (a == open)
			open = NULL;
		changed = 1;
	}
	return changed;
}

/* Records the payments a search finds. */
static int
settle_search(struct purchase *p, struct attempt *open)
{
	struct mp_reply rep;
	char path[160];
	int changed = -1;

	snprintf(path, sizeof(path), "/v1/payments/search?external_reference="
	    "%s&sort=date_created&criteria=asc", p->c.id);
	if (mp_call(p->mp, "GET", path, NULL, NULL, NULL,
	    purchase_call_budget(p), &rep) == 0 && rep.status == 200)
		changed = purchase_learn_search(p, rep.json, open);
	p->upstream_ms += rep.ms;
	if (changed == -1) {
		p->unanswered++;
		log_msg(p->log, CFG_LOG_WARN, "purchase %s: search failed (%s%ld);"
		    " records kept as they are", p->c.id, rep.why, rep.status);
		changed = 0;
	}
	mp_reply_clear(&rep);
	return changed;
}

static int
settle_refresh(struct purchase *p, struct attempt *a)
{
	struct mp_reply rep;
	char path[64];
	int changed = 0;

	snprintf(path, sizeof(path), "/v1/payments/%lld",
	    (long long)a->payment_id);
	if (mp_call(p->mp, "GET", path, NULL, NULL, NULL,
	    purchase_call_budget(p), &rep) == 0 && rep.status == 200 &&
	    purchase_payment_complete(rep.json)) {
		purchase_record(p, a, rep.json);
		changed = 1;
	} else {
		p->unanswered++;
		log_msg(p->log, CFG_LOG_WARN, "purchase %s: refresh of payment "
		    "%s failed (%s%ld)", p->c.id, path + 13, rep.why,
		    rep.status);
	}
	p->upstream_ms += rep.ms;
	mp_reply_clear(&rep);
	return changed;
}

/* True when a record's time is older than ms ago, or was never set. */
static int
stale(int64_t at, int64_t ms)
{
	return at == 0 || now_ms() - at >= ms;
}

int
purchase_settle(struct purchase *p, int64_t search_ms, int64_t refresh_ms,
    struct bg_error *e)
{
	struct attempt *a = context_latest(&p->c);
	int changed = 0, creating = a != NULL && a->state == ATTEMPT_CREATING;

	/*
	 * Holding the lock, a creating attempt's owner is gone.  A wallet
	 * payment is made on Mercado Pago's side; with no attempt to time
	 * the search by, the context notes when it last looked.
	 */
	if ((creating && stale(a->updated_at, search_ms)) ||
	    (p->c.preference_id != NULL && stale(a == NULL ?
	    p->c.searched_at : a->updated_at, search_ms))) {
		changed |= settle_search(p, creating ? a : NULL);
		/* Only a rate-limited search needs the note (and a write). */
		if (a == NULL && search_ms > 0) {
			p->c.searched_at = now_ms();
			changed = 1;
		}
		if (creating && a->state == ATTEMPT_CREATING) {
			a->updated_at = now_ms();	/* searched: not there */
			changed = 1;
		}
	}
	a = context_latest(&p->c);
	if (a != NULL && a->payment_id > 0 && !status_final(a->status) &&
	    stale(a->updated_at, refresh_ms))
		changed |= settle_refresh(p, a);
	return changed ? purchase_save(p, e) : 0;
}

/*
 * Outcomes of a call that creates (brickgate(8), THE PURCHASE'S LIFE,
 * step 7): true when the
 * answer leaves it open (no answer, 5xx, 429, 409, 423, 424, causes
 * 2004/2007, or a 2xx that complete() rejects).
 */
int
purchase_retryable(const struct mp_reply *rep,
    int (*complete)(json_object *))
{
	long s = rep->status;

	if (s == 0 || s >= 500 || s == 429 || s == 409 || s == 423 ||
	    s == 424)
		return 1;
	if (s >= 200 && s < 300)
		return !complete(rep->json);
	return mp_has_cause(rep->json, "2004") ||
	    mp_has_cause(rep->json, "2007");
}

long
purchase_backoff_ms(int n, unsigned char jitter, long retry_after_ms,
    long remaining_ms)
{
	long ms = BACKOFF_MS << (n < 6 ? n : 6);

	ms += ms * jitter / 512;	/* up to half again: jitter */
	if (retry_after_ms > ms)
		ms = retry_after_ms;
	if (ms > remaining_ms - MIN_CALL_MS)
		ms = remaining_ms - MIN_CALL_MS;
	return ms > 0 ? ms : 0;
}

static void
backoff(struct purchase *p, int n, long retry_after_ms)
{
	unsigned char j;
	long ms;

	if (getrandom(&j, 1, 0) != 1)
		j = 0;
	ms = purchase_backoff_ms(n, j, retry_after_ms, purchase_remaining(p));
	if (ms > 0)
		sleep_ms(ms);
}

enum post_outcome
purchase_post(struct purchase *p, const char *path, json_object *body,
    const char *key, int (*complete)(json_object *), struct mp_reply *rep)
{
	char *text;
	int n;

	/* A copy: what is sent never changes while the calls go on. */
	if ((text = strdup(json_plain(body))) == NULL) {
		memset(rep, 0, sizeof(*rep));
		snprintf(rep->why, sizeof(rep->why), "out of memory");
		return POST_UNKNOWN;
	}
	for (n = 0;; n++) {
		mp_call(p->mp, "POST", path, text, key, p->device_id,
		    purchase_call_budget(p), rep);
		p->upstream_ms += rep->ms;
		if (!purchase_retryable(rep, complete) ||
		    n >= p->cfg->api_retries ||
		    purchase_remaining(p) < MIN_CALL_MS)
			break;
		log_msg(p->log, CFG_LOG_WARN, "purchase %s: POST %s call %d "
		    "failed (%s%ld); retrying with the same key", p->c.id,
		    path, n + 1, rep->why, rep->status);
		backoff(p, n, rep->retry_after_ms);
		if (purchase_remaining(p) < MIN_CALL_MS)
			break;
		mp_reply_clear(rep);
	}
	free(text);
	if (purchase_retryable(rep, complete))
		return POST_UNKNOWN;
	return rep->status >= 200 && rep->status < 300 ? POST_DONE :
	    POST_REFUSED;
}
