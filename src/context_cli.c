/*
 * context_cli.c - purchase contexts from the command line.
 *
 * `create` writes a context the way brickgate.conf(5) asks storefronts
 * to (atomically, never over an existing one, with a random 128-bit id
 * unless one is given); `list` and `prune` read every purchase through
 * the same store and parser the server uses, so what they call paid or
 * invalid is what brickgate would.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "context.h"
#include "context_cli.h"
#include "form.h"
#include "money.h"
#include "purchase.h"
#include "randomid.h"
#include "status.h"
#include "store.h"
#include "timefmt.h"

#define EX_OK		0
#define EX_FAIL		1
#define EX_USAGE	64

struct cli {
	const struct bg_config *cfg;
	struct store	 store;
	struct store_session *ss;
	const char	*amount, *description, *email, *id, *expires_in;
	const char	*methods, *older_than, *status;
	const char	*cmd;		/* create, show, list, prune */
	const char	*arg;		/* the positional argument (show ID) */
};

static int
usage(const char *why)
{
	fprintf(stderr, "brickgate context: %s\n"
	    "usage: brickgate context create --amount AMOUNT "
	    "[--description TEXT] [--email E]\n"
	    "                [--id ID] [--expires-in SECONDS] "
	    "[--methods a,b]\n"
	    "       brickgate context show ID\n"
	    "       brickgate context list [--status S]\n"
	    "       brickgate context prune --older-than DAYS\n", why);
	return EX_USAGE;
}

/* The command's options; configuration flags were taken by main. */
static int
parse(struct cli *c, int argc, char **argv)
{
	const struct cli_opt opts[] = {
		{ "amount", &c->amount }, { "description", &c->description },
		{ "email", &c->email }, { "id", &c->id },
		{ "expires-in", &c->expires_in }, { "methods", &c->methods },
		{ "older-than", &c->older_than }, { "status", &c->status },
	};
	const char *pos[2] = { NULL, NULL };
	char why[160];

	if (cli_command(argc, argv, opts, sizeof(opts) / sizeof(opts[0]),
	    pos, 2, why, sizeof(why)) == -1)
		return usage(why);
	c->cmd = pos[0];
	c->arg = pos[1];
	return 0;
}

static json_object *
methods_array(const char *list)
{
	json_object *a = json_object_new_array();
	const char *p = list, *comma;
	size_t n;

	for (; *p != '\0'; p = comma ? comma + 1 : p + n) {
		comma = strchr(p, ',');
		n = comma ? (size_t)(comma - p) : strlen(p);
		if (n > 0)
			json_object_array_add(a,
			    json_object_new_string_len(p, (int)n));
		if (comma == NULL)
			break;
	}
	return a;
}

static int
cmd_create(struct cli *c)
{
	const struct bg_site *site = c->cfg->site;
	char id[PURCHASE_ID_MAX + 1], ts[32], amount[32];
	struct bg_error e;
	json_object *o, *payer;
	const char *text;
	int64_t minor;
	long secs;
	char *end;
	size_t len;
	int rc;

	bg_error_clear(&e);
	if (c->amount == NULL)
		return usage("create needs --amount");
	if (money_parse(c->amount, strlen(c->amount), site->decimals, &minor,
	    "--amount", &e) == -1 || minor <= 0) {
		fprintf(stderr, "brickgate context: --amount must be a positive "
		    "amount with at most %d decimals (%s)\n", site->decimals,
		    site->currency);
		return EX_USAGE;
	}
	if (c->id != NULL) {
		if (!purchase_id_valid(c->id))
			return usage("--id must match "
			    "[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
		snprintf(id, sizeof(id), "%s", c->id);
	} else if (random_hex128(id, sizeof(id), &e) == -1) {
		fprintf(stderr, "brickgate context: %s\n", e.message);
		return EX_FAIL;
	}
	o = json_object_new_object();
	money_format(minor, site->decimals, amount, sizeof(amount));
	json_object_object_add(o, "amount", json_object_new_string(amount));
	json_object_object_add(o, "site", json_object_new_string(site->id));
	json_object_object_add(o, "currency",
	    json_object_new_string(site->currency));
	if (c->description != NULL)
		json_object_object_add(o, "description",
		    json_object_new_string(c->description));
	if (c->email != NULL) {
		payer = json_object_new_object();
		json_object_object_add(payer, "email",
		    json_object_new_string(c->email));
		json_object_object_add(o, "payer", payer);
	}
	if (c->expires_in != NULL) {
		secs = strtol(c->expires_in, &end, 10);
		if (*end != '\0' || secs <= 0 || secs > 365L * 86400) {
			json_object_put(o);
			return usage("--expires-in takes seconds, 1 to a year");
		}
		rfc3339_format(now_ms() + (int64_t)secs * 1000, ts, sizeof(ts));
		json_object_object_add(o, "expires_at",
		    json_object_new_string(ts));
	}
	if (c->methods != NULL)
		json_object_object_add(o, "payment_methods",
		    methods_array(c->methods));
	text = json_object_to_json_string_length(o, JSON_C_TO_STRING_PRETTY |
	    JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	rc = store_create(c->ss, id, text, len, &e);
	json_object_put(o);
	if (rc == -1) {
		fprintf(stderr, "brickgate context: %s\n", e.message);
		return EX_FAIL;
	}
	printf("%s\n", id);
	return EX_OK;
}

static int
cmd_show(struct cli *c)
{
	struct bg_error e;
	char *text;
	size_t len;

	if (c->arg == NULL || !purchase_id_valid(c->arg))
		return usage("show needs a purchase id");
	if (store_peek(c->ss, c->arg, &text, &len, &e) == -1) {
		fprintf(stderr, "brickgate context: %s\n", e.message);
		return EX_FAIL;
	}
	fwrite(text, 1, len, stdout);
	if (len > 0 && text[len - 1] != '\n')
		putchar('\n');
	free(text);
	return EX_OK;
}

static int
all_ids(struct cli *c, struct store_ids *ids)
{
	struct bg_error e;

	bg_error_clear(&e);
	if (store_ids(c->ss, ids, &e) == -1) {
		fprintf(stderr, "brickgate context: cannot list the "
		    "purchases: %s\n", e.status ? e.message : "out of memory");
		return -1;
	}
	return 0;
}

/*
 * Parses purchase `id`, from its held lock when held is not NULL, else
 * as it is; 0, or -1 when unreadable or invalid.
 */
static int
load(struct cli *c, const char *id, struct store_held *held,
    struct bg_context *ctx)
{
	struct bg_error e;
	char *text;
	size_t len;
	int rc;

	rc = held != NULL ? store_held_load(held, &text, &len, &e) :
	    store_peek(c->ss, id, &text, &len, &e);
	if (rc == -1)
		return -1;
	rc = context_parse(ctx, id, text, len, c->cfg->site, &e);
	free(text);
	return rc;
}

/* The latest attempt's state, "none" without one. */
static const char *
state_of(const struct attempt *a)
{
	return a != NULL ? attempt_state_name(a->state) : "none";
}

/* The latest attempt's status, "-" when there is none. */
static const char *
status_of(const struct attempt *a)
{
	return a != NULL && a->status != NULL ? a->status : "-";
}

/* What --status takes: an attempt's state, or a payment's status. */
static const char *const list_filters[] = {
	"none", "creating", "created", "refused", "invalid",
	"approved", "authorized", "in_process", "pending", "rejected",
	"cancelled", "refunded", "charged_back", "in_mediation",
};

/* Time since the purchase last changed: 45s, 12m, 3h, 2d; "-" unknown. */
static void
age_of(struct cli *c, const char *id, int64_t now, char *buf, size_t size)
{
	static const struct { int64_t secs; char unit; } units[] = {
		{ 86400, 'd' }, { 3600, 'h' }, { 60, 'm' }, { 1, 's' },
	};
	struct bg_error e;
	int64_t mtime, secs;
	size_t i;

	if (store_mtime(c->ss, id, &mtime, &e) == -1) {
		snprintf(buf, size, "-");
		return;
	}
	secs = now > mtime ? (now - mtime) / 1000 : 0;
	for (i = 0; i + 1 < sizeof(units) / sizeof(units[0]) &&
	    secs < units[i].secs; i++)
		;
	snprintf(buf, size, "%lld%c", (long long)(secs / units[i].secs),
	    units[i].unit);
}

/*
 * The sum of the refunds recorded (brickgate refund's records, an open
 * one counted: it may have been made), but those Mercado Pago turned
 * down; "-" without one.
 */
static void
refunded_of(const struct bg_context *ctx, char *buf, size_t size)
{
	const char *st;
	int64_t sum = 0;
	size_t i;

	snprintf(buf, size, "-");
	for (i = 0; i < ctx->n_refunds; i++) {
		st = ctx->refunds[i]->status;
		if (st != NULL && (strcmp(st, "rejected") == 0 ||
		    strcmp(st, "cancelled") == 0))
			continue;
		sum += ctx->refunds[i]->amount;
	}
	if (ctx->n_refunds > 0)
		money_format(sum, ctx->site->decimals, buf, size);
}

/* paid_notified_at (on_paid's success), or "-". */
static const char *
notified_of(const struct bg_context *ctx, char *buf, size_t size)
{
	if (ctx->paid_notified_at == 0)
		return "-";
	rfc3339_format(ctx->paid_notified_at, buf, size);
	return buf;
}

/*
 * What an operator must look at: an attempt still being created a
 * minute on (the request that made it is gone: reconcile settles it),
 * an approved payment whose on_paid (when one is set) has not succeeded
 * a minute on.
 */
static const char *
mark_of(const struct cli *c, const struct attempt *p, const char *notified,
    const char *age)
{
	int old = strchr("mhd", age[strlen(age) - 1]) != NULL;

	if (p != NULL && p->state == ATTEMPT_CREATING && old)
		return "!creating";
	if (c->cfg->on_paid != NULL && p != NULL && p->status != NULL &&
	    strcmp(p->status, "approved") == 0 && strcmp(notified, "-") == 0 &&
	    old)
		return "!notify";
	return "-";
}

static int
cmd_list(struct cli *c)
{
	struct bg_context ctx;
	struct store_ids ids;
	struct attempt *p;
	const char *notified;
	char age[24], refunded[32], when[32];
	int64_t now = now_ms();
	size_t i, n = sizeof(list_filters) / sizeof(list_filters[0]);

	for (i = 0; c->status != NULL && i < n &&
	    strcmp(c->status, list_filters[i]) != 0; i++)
		;
	if (i == n) {
		fprintf(stderr, "brickgate context: --status takes a state "
		    "(none, creating, created, refused, invalid) or a payment "
		    "status (approved, pending...), not '%.40s'\n", c->status);
		return EX_USAGE;
	}
	if (all_ids(c, &ids) == -1)
		return EX_FAIL;
	for (i = 0; i < ids.n; i++) {
		age_of(c, ids.v[i], now, age, sizeof(age));
		if (load(c, ids.v[i], NULL, &ctx) == -1) {
			if (c->status == NULL ||
			    strcmp(c->status, "invalid") == 0)
				printf("%s invalid - - %s - - !invalid\n",
				    ids.v[i], age);
			continue;
		}
		p = context_latest(&ctx);
		if (c->status == NULL || strcmp(c->status, state_of(p)) == 0 ||
		    strcmp(c->status, status_of(p)) == 0) {
			notified = notified_of(&ctx, when, sizeof(when));
			refunded_of(&ctx, refunded, sizeof(refunded));
			printf("%s %s %s %s %s %s %s %s\n", ids.v[i],
			    state_of(p), status_of(p), ctx.amount_text, age,
			    refunded, notified, mark_of(c, p, notified, age));
		}
		context_free(&ctx);
	}
	store_ids_free(&ids);
	return EX_OK;
}

/*
 * Done with: paid (fulfilled from the record), refused (the buyer went
 * away after a rejection) or expired.  A payment still pending or being
 * created may yet be paid, so such a purchase is never removed.
 */
static int
prunable(struct bg_context *ctx)
{
	const struct attempt *a = context_latest(ctx);

	if (a != NULL && (a->state == ATTEMPT_CREATING ||
	    status_live(a->status)))
		return 0;
	if (a != NULL && (a->state == ATTEMPT_REFUSED ||
	    status_final(a->status)))
		return 1;
	return ctx->expires_ms != 0 && now_ms() >= ctx->expires_ms;
}

static int
prune_one(struct cli *c, const char *id, int64_t cutoff)
{
	struct store_held *held;
	struct bg_context ctx;
	struct bg_error e;
	int64_t mtime;
	int rc = 0;

	/* Under the lock: nobody is paying it while it goes. */
	if (store_hold(c->ss, id, 0, &held, &e) != 0)
		return 0;
	if (store_mtime(c->ss, id, &mtime, &e) == 0 && mtime < cutoff &&
	    load(c, id, held, &ctx) == 0) {
		if (prunable(&ctx) && store_held_remove(held, &e) == 0)
			rc = 1;
		context_free(&ctx);
	}
	store_release(held);
	return rc;
}

static int
cmd_prune(struct cli *c)
{
	struct store_ids ids;
	long days;
	char *end;
	size_t i;
	int removed = 0;

	if (c->older_than == NULL)
		return usage("prune needs --older-than DAYS");
	days = strtol(c->older_than, &end, 10);
	if (*end != '\0' || days < 0 || days > 36500)
		return usage("--older-than takes a number of days");
	if (all_ids(c, &ids) == -1)
		return EX_FAIL;
	for (i = 0; i < ids.n; i++)
		removed += prune_one(c, ids.v[i], now_ms() -
		    (int64_t)days * 86400 * 1000);
	store_ids_free(&ids);
	printf("removed %d purchase%s\n", removed, removed == 1 ? "" : "s");
	return EX_OK;
}

int
context_command(int argc, char **argv, const struct bg_config *cfg)
{
	static const struct {
		const char *name;
		int (*fn)(struct cli *);
	} cmds[] = {
		{ "create", cmd_create }, { "show", cmd_show },
		{ "list", cmd_list }, { "prune", cmd_prune },
	};
	struct bg_error e;
	struct cli c;
	size_t i;
	int rc;

	memset(&c, 0, sizeof(c));
	c.cfg = cfg;
	if (parse(&c, argc, argv) != 0)
		return EX_USAGE;
	if (c.cmd == NULL)
		return usage("which command?");
	for (i = 0; i < 4 && strcmp(c.cmd, cmds[i].name) != 0; i++)
		;
	if (i == 4)
		return usage("unknown command");
	if (c.arg != NULL && cmds[i].fn != cmd_show)
		return usage("unexpected argument");
	if (store_open(&c.store, cfg, &e) == -1 ||
	    store_session_open(&c.store, &c.ss, &e) == -1) {
		fprintf(stderr, "brickgate context: %s\n", e.message);
		store_close(&c.store);
		return EX_FAIL;
	}
	rc = cmds[i].fn(&c);
	store_session_close(c.ss);
	store_close(&c.store);
	return rc;
}
