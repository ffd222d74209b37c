/*
 * reconcile.c - `brickgate reconcile`: settles what buyers and webhooks
 * left unsettled, so that no purchase depends on the buyer coming back or
 * on Mercado Pago reaching the shop.
 *
 * It does for every purchase what /payment_status does for one (an
 * attempt left creating is looked up by search, a preference's payment
 * is searched for, a status that is not final is refreshed), but with
 * its own age threshold instead of the 5-second interval: a record
 * touched less than --older-than seconds ago belongs to a request that
 * may still be working on it.  Like /payment_status it never creates or
 * cancels a payment.  Purchases whose lock is held are skipped: their
 * owner is settling them.  A purchase approved whose on_paid has not
 * succeeded yet gets it run here, whatever its age (notify.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "form.h"
#include "mp_client.h"
#include "notify.h"
#include "purchase.h"
#include "reconcile.h"
#include "handler.h"

#define EX_OK		0
#define EX_FAIL		1
#define EX_USAGE	64
#define DEFAULT_AGE_S	120

struct run {
	struct bg_ctx		*ctx;
	struct mp_client	*mp;
	struct store_session	*store;
	int64_t			 age_ms;
	long			 seen, settled, busy, failed, notified;
};

static int
usage(const char *why)
{
	fprintf(stderr, "brickgate reconcile: %s\n"
	    "usage: brickgate reconcile [--older-than SECONDS]\n", why);
	return EX_USAGE;
}

static int
parse(int argc, char **argv, int64_t *age_ms)
{
	const char *v = NULL;
	const struct cli_opt opts[] = { { "older-than", &v } };
	char why[160], *end;
	long n;

	*age_ms = DEFAULT_AGE_S * 1000LL;
	if (cli_command(argc, argv, opts, 1, NULL, 0, why, sizeof(why)) == -1)
		return usage(why);
	if (v == NULL)
		return 0;
	n = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0' || n < 0 || n > 365L * 86400)
		return usage("--older-than takes seconds, 0 to 31536000");
	*age_ms = n * 1000LL;
	return 0;
}

/*
 * Where the purchase stands, "state status payment-id": what settling
 * changed, and what is printed for each purchase it changed.
 */
static void
state_of(struct purchase *p, char *buf, size_t size)
{
	const struct attempt *a = context_latest(&p->c);

	snprintf(buf, size, "%s %s %lld", a ? attempt_state_name(a->state) :
	    "none", a && a->status ? a->status : "-",
	    a ? (long long)a->payment_id : 0LL);
}

/* The command is not confined: it runs the hook itself. */
static void
notify(struct run *run, struct purchase *p)
{
	const struct notifier here = { NULL, 0 };

	switch (purchase_notify(p, &here)) {
	case 1:
		run->notified++;
		break;
	case -1:
		run->failed++;
		fprintf(stderr, "brickgate reconcile: %s: on_paid failed (see "
		    "the log); the next run tries again\n", p->c.id);
		break;
	}
}

static void
one(struct run *run, const char *id)
{
	struct bg_ctx *ctx = run->ctx;
	struct purchase p;
	struct bg_error e;
	char before[128], after[128];
	int rc;

	run->seen++;
	bg_error_clear(&e);
	purchase_init(&p, ctx->cfg, run->store, run->mp, ctx->log,
	    ctx->cfg->request_deadline_ms);
	rc = purchase_open(&p, id, &e);
	if (rc == 1)
		run->busy++;
	else if (rc == -1) {
		/* Gone meanwhile, or a file the storefront got wrong. */
		if (e.status != 404) {
			run->failed++;
			fprintf(stderr, "brickgate reconcile: %s: %s\n", id,
			    e.message);
		}
	} else {
		state_of(&p, before, sizeof(before));
		if (purchase_settle(&p, run->age_ms, run->age_ms, &e) == -1) {
			run->failed++;
			fprintf(stderr, "brickgate reconcile: %s: %s\n", id,
			    e.message);
		} else if (p.unanswered > 0) {
			/* Left as it was: the next run tries again. */
			run->failed++;
			fprintf(stderr, "brickgate reconcile: %s: Mercado Pago "
			    "did not answer (see the log); left as it is\n", id);
		}
		state_of(&p, after, sizeof(after));
		if (strcmp(before, after) != 0) {
			run->settled++;
			printf("%s %s\n", id, after);
		}
		notify(run, &p);
	}
	purchase_close(&p);
}

int
reconcile_command(int argc, char **argv, struct bg_ctx *ctx)
{
	struct store_ids ids;
	struct run run;
	struct bg_error e;
	size_t i;
	int rc;

	memset(&run, 0, sizeof(run));
	run.ctx = ctx;
	if ((rc = parse(argc, argv, &run.age_ms)) != 0)
		return rc;
	bg_error_clear(&e);
	if (store_session_open(ctx->store, &run.store, &e) == -1) {
		fprintf(stderr, "brickgate reconcile: %s\n", e.message);
		return EX_FAIL;
	}
	/* Listed first, settled after: settling rewrites the directory. */
	if (store_ids(run.store, &ids, &e) == -1) {
		fprintf(stderr, "brickgate reconcile: cannot list the "
		    "purchases: %s\n", e.status ? e.message : "out of memory");
		store_session_close(run.store);
		return EX_FAIL;
	}
	if ((run.mp = mp_client_new(ctx->cfg, ctx->secrets)) == NULL) {
		store_ids_free(&ids);
		store_session_close(run.store);
		fprintf(stderr, "brickgate reconcile: out of memory\n");
		return EX_FAIL;
	}
	for (i = 0; i < ids.n; i++)
		one(&run, ids.v[i]);
	store_ids_free(&ids);
	mp_client_free(run.mp);
	store_session_close(run.store);
	fprintf(stderr, "brickgate reconcile: %ld purchases, %ld settled, "
	    "%ld busy, %ld failed, %ld notified\n", run.seen, run.settled,
	    run.busy, run.failed, run.notified);
	return run.failed ? EX_FAIL : EX_OK;
}
