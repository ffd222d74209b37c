/*
 * refund_cli.c - `brickgate refund PURCHASE_ID [--amount DECIMAL]`: a
 * full or partial refund of the purchase's approved payment, made once
 * (brickgate(8), COMMANDS; doc/design.md, Refunds).
 *
 * Under the purchase's lock, the refund is recorded with its own
 * idempotency key and saved durably before it is asked for; so a run
 * that never got the answer (a timeout, a crash) leaves an open refund,
 * and the next run of the same command sends it again with the same
 * key instead of asking for another.  Every refusal that needs no
 * answer from Mercado Pago is decided before anything is sent.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "form.h"
#include "json_strict.h"
#include "money.h"
#include "mp_client.h"
#include "purchase.h"
#include "purchase_id.h"
#include "randomid.h"
#include "refund_cli.h"

#define EX_OK		0
#define EX_FAIL		1
#define EX_USAGE	64
/* Enough decimals to tell "too many for the currency" from "not one". */
#define ANY_DECIMALS	9

/* Refund statuses that give nothing back: not counted as refunded. */
static const char *const void_statuses[] = { "rejected", "cancelled" };

struct req {
	const char	*id;
	int64_t		 amount;	/* 0: what is left (a full refund) */
};

static int
usage(const char *why)
{
	fprintf(stderr, "brickgate refund: %s\n"
	    "usage: brickgate refund PURCHASE_ID [--amount DECIMAL]\n", why);
	return EX_USAGE;
}

/* One line, exit 1: the refusals and failures an operator acts on. */
static int fail(const char *id, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

static int
fail(const char *id, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "brickgate refund: %s: ", id);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EX_FAIL;
}

/*
 * The arguments, the amount parsed into minor units once.  Text that is
 * no positive decimal is a usage error (64); a decimal with more
 * decimals than the currency has is refused like an amount too large
 * (brickgate(8), COMMANDS: exit 1), since the command was well formed.
 */
static int
parse(int argc, char **argv, const struct bg_config *cfg, struct req *r)
{
	const char *amount = NULL, *pos[1] = { NULL };
	const struct cli_opt opts[] = { { "amount", &amount } };
	int decimals = cfg->site->decimals;
	struct bg_error e;
	char why[160];
	int64_t minor;

	memset(r, 0, sizeof(*r));
	if (cli_command(argc, argv, opts, 1, pos, 1, why, sizeof(why)) == -1)
		return usage(why);
	if ((r->id = pos[0]) == NULL)
		return usage("which purchase? (PURCHASE_ID)");
	if (!purchase_id_valid(r->id))
		return usage("PURCHASE_ID is not a purchase id "
		    "([A-Za-z0-9_-], at most 64)");
	if (amount == NULL)
		return 0;
	if (money_parse(amount, strlen(amount), decimals, &minor, "amount",
	    &e) == 0 && minor > 0) {
		r->amount = minor;
		return 0;
	}
	if (money_parse(amount, strlen(amount), ANY_DECIMALS, &minor,
	    "amount", &e) == 0 && minor > 0) {
		fprintf(stderr, "brickgate refund: %s: --amount has more "
		    "decimals than %s has (%d)\n", r->id, cfg->site->currency,
		    decimals);
		return EX_FAIL;
	}
	return usage("--amount takes a positive decimal amount (150.00)");
}

static int
counts(const struct refund *f)
{
	size_t i;

	if (f->status == NULL)
		return 1;	/* open: it may have been made */
	for (i = 0; i < sizeof(void_statuses) / sizeof(void_statuses[0]); i++)
		if (strcmp(f->status, void_statuses[i]) == 0)
			return 0;
	return 1;
}

/* What is left to refund of payment pay, but for refund `except`. */
static int64_t
left_of(const struct purchase *p, int64_t pay, const struct refund *except)
{
	int64_t left = p->c.amount;
	size_t i;

	for (i = 0; i < p->c.n_refunds; i++)
		if (p->c.refunds[i] != except &&
		    p->c.refunds[i]->payment_id == pay &&
		    counts(p->c.refunds[i]))
			left -= p->c.refunds[i]->amount;
	return left > 0 ? left : 0;
}

/* The refund left open by a run that got no answer, or NULL. */
static struct refund *
open_refund(const struct purchase *p)
{
	size_t i;

	for (i = 0; i < p->c.n_refunds; i++)
		if (refund_open(p->c.refunds[i]))
			return p->c.refunds[i];
	return NULL;
}

/* The approved payment, of the purchase's amount, or NULL. */
static struct attempt *
approved(const struct purchase *p)
{
	size_t i;

	for (i = 0; i < p->c.n_attempts; i++)
		if (p->c.attempts[i]->payment_id > 0 &&
		    p->c.attempts[i]->status != NULL &&
		    strcmp(p->c.attempts[i]->status, "approved") == 0 &&
		    !p->c.attempts[i]->mismatch)
			return p->c.attempts[i];
	return NULL;
}

/*
 * The payment's status as Mercado Pago reports it after the refund
 * (refunded, or approved/partially_refunded).  A refresh that fails
 * leaves the record as it was; the refund itself is recorded already.
 */
static void
refresh(struct purchase *p, int64_t pay)
{
	struct attempt *a = context_find_payment(&p->c, pay);
	struct mp_reply rep;
	char path[64];

	snprintf(path, sizeof(path), "/v1/payments/%lld", (long long)pay);
	if (mp_call(p->mp, "GET", path, NULL, NULL, NULL,
	    purchase_call_budget(p), &rep) == 0 && rep.status == 200 &&
	    a != NULL && purchase_payment_complete(rep.json))
		purchase_record(p, a, rep.json);
	else
		log_msg(p->log, CFG_LOG_WARN, "purchase %s: refresh of payment "
		    "%lld after its refund failed (%s%ld)", p->c.id,
		    (long long)pay, rep.why, rep.status);
	mp_reply_clear(&rep);
}

/* Mercado Pago's refusal, as "status, cause CODE: description". */
static void
refusal(const struct mp_reply *rep, char *buf, size_t size)
{
	json_object *causes = mp_causes(rep->json), *c0;

	c0 = json_object_array_length(causes) > 0 ?
	    json_object_array_get_idx(causes, 0) : NULL;
	if (c0 != NULL)
		snprintf(buf, size, "%ld, cause %s: %.80s", rep->status,
		    form_str(c0, "code") ? form_str(c0, "code") : "?",
		    form_str(c0, "description") ? form_str(c0, "description") :
		    "");
	else
		snprintf(buf, size, "%ld", rep->status);
	json_object_put(causes);
}

/* Asks for refund f (recorded and saved) and records the answer. */
static int
ask(struct purchase *p, struct refund *f, int full)
{
	const int decimals = p->c.site->decimals;
	json_object *body = json_object_new_object();
	enum post_outcome out;
	struct mp_reply rep;
	struct bg_error e;
	char path[80], why[200], text[32];

	/* A full refund is the empty body (brickgate-sandbox(1), API ROUTES). */
	if (body == NULL || (!full && json_object_object_add(body, "amount",
	    money_to_json(f->amount, decimals)) != 0)) {
		json_object_put(body);
		return fail(p->c.id, "out of memory");
	}
	snprintf(path, sizeof(path), "/v1/payments/%lld/refunds",
	    (long long)f->payment_id);
	out = purchase_post(p, path, body, f->key, refund_reply_complete, &rep);
	json_object_put(body);
	if (out == POST_UNKNOWN) {
		if (rep.status == 0)
			snprintf(why, sizeof(why), "%.160s", rep.why);
		else
			snprintf(why, sizeof(why), "HTTP %ld", rep.status);
		mp_reply_clear(&rep);
		return fail(p->c.id, "Mercado Pago did not answer (%s); the "
		    "refund stays open: run the same command again to resume "
		    "it", why);
	}
	if (out == POST_REFUSED) {
		/*
		 * Turned down, so nothing was refunded: the record goes, and
		 * the amount stays left to refund.  It is the last one, the
		 * one this run added or resumed.
		 */
		refusal(&rep, why, sizeof(why));
		mp_reply_clear(&rep);
		if (p->c.n_refunds > 0 && p->c.refunds[p->c.n_refunds - 1] == f) {
			p->c.n_refunds--;
			refund_free(f);
		}
		bg_error_clear(&e);
		if (purchase_save(p, &e) == -1)
			return fail(p->c.id, "%s (the refused refund is still "
			    "recorded: %s)", "not saved", e.message);
		return fail(p->c.id, "Mercado Pago refused the refund (%s)",
		    why);
	}
	if (refund_from_reply(f, rep.json, decimals) == -1) {
		mp_reply_clear(&rep);
		return fail(p->c.id, "Mercado Pago's answer is not a refund of "
		    "this payment; the refund stays open");
	}
	mp_reply_clear(&rep);
	refresh(p, f->payment_id);
	bg_error_clear(&e);
	if (purchase_save(p, &e) == -1)
		return fail(p->c.id, "refund made but not recorded: %s",
		    e.message);
	money_format(f->amount, decimals, text, sizeof(text));
	printf("%lld %s %s\n", (long long)f->id, text, f->status);
	return EX_OK;
}

/* Under the lock: resume the open refund, or record a new one and ask. */
static int
refund_held(struct purchase *p, const struct req *r)
{
	const int decimals = p->c.site->decimals;
	struct refund *f = open_refund(p);
	struct attempt *a;
	struct bg_error e;
	char key[UUID_LEN + 1], want[32], left[32];
	int64_t rest, amount;

	if (f != NULL) {
		rest = left_of(p, f->payment_id, f);
		amount = r->amount ? r->amount : rest;
		if (amount != f->amount) {
			money_format(f->amount, decimals, want, sizeof(want));
			return fail(p->c.id, "a refund of %s is open (its answer "
			    "never came); run this command with --amount %s to "
			    "resume it", want, want);
		}
		return ask(p, f, f->amount == rest);
	}
	if ((a = approved(p)) == NULL)
		return fail(p->c.id, "no approved payment to refund");
	rest = left_of(p, a->payment_id, NULL);
	amount = r->amount ? r->amount : rest;
	money_format(amount, decimals, want, sizeof(want));
	money_format(rest, decimals, left, sizeof(left));
	if (rest == 0)
		return fail(p->c.id, "nothing is left to refund");
	if (amount > rest)
		return fail(p->c.id, "%s is more than the %s left to refund",
		    want, left);
	bg_error_clear(&e);
	if (uuid_v4(key, sizeof(key), &e) == -1 ||
	    (f = refund_new(a->payment_id, amount, key)) == NULL)
		return fail(p->c.id, "cannot draw the refund's key: %s",
		    e.status ? e.message : "out of memory");
	if (context_add_refund(&p->c, f, &e) == -1)
		return fail(p->c.id, "%s", e.message);
	/* Durably, before the call: the key must outlive this run. */
	if (purchase_save(p, &e) == -1)
		return fail(p->c.id, "not saved, nothing sent: %s",
		    e.message);
	return ask(p, f, amount == rest);
}

int
refund_command(int argc, char **argv, struct bg_ctx *ctx)
{
	struct store_session *store;
	struct mp_client *mp;
	struct purchase p;
	struct bg_error e;
	struct req r;
	int rc;

	if ((rc = parse(argc, argv, ctx->cfg, &r)) != 0)
		return rc;
	bg_error_clear(&e);
	if (store_session_open(ctx->store, &store, &e) == -1)
		return fail(r.id, "%s", e.message);
	if ((mp = mp_client_new(ctx->cfg, ctx->secrets)) == NULL) {
		store_session_close(store);
		return fail(r.id, "out of memory");
	}
	purchase_init(&p, ctx->cfg, store, mp, ctx->log,
	    ctx->cfg->request_deadline_ms);
	rc = purchase_open(&p, r.id, &e);
	if (rc == 1)
		rc = fail(r.id, "a request is working on this purchase (its "
		    "lock is busy); nothing sent, try again");
	else if (rc == -1)
		rc = fail(r.id, "%s", e.message);
	else
		rc = refund_held(&p, &r);
	purchase_close(&p);
	mp_client_free(mp);
	store_session_close(store);
	return rc;
}
