/*
 * store_pg.c - purchases in PostgreSQL, one row of brickgate.purchases
 * each, shared by every host with the same database_url (doc/design.md,
 * The store).
 *
 * The lock is a session-level advisory lock on the purchase, held by the
 * worker's connection for the whole attempt and released by the server
 * when that connection dies, so a host killed mid-call never leaves a
 * purchase stuck.  No transaction stays open across the call to Mercado
 * Pago: each load and save is one statement of its own.
 *
 * A session connects on its first use and again after its connection
 * broke, so a database that comes back is used again without a restart.
 * A purchase held on a connection that broke has lost its lock with it:
 * nothing is written for it any more (503), since another host may hold
 * it now.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "pq.h"
#include "purchase_id.h"
#include "randomid.h"
#include "schema_sql.h"
#include "store_pg.h"

#define SCHEMA_VERSION	"2"

struct pgstore {
	struct pq_api	 pq;
	char		*conninfo;
};

struct pgsession {
	struct store_session	 s;
	PGconn			*conn;
	unsigned		 generation;	/* of conn: one per connect */
	unsigned		 prepared;	/* on conn: 1 << enum stmt */
};

struct pgheld {
	struct store_held	 h;
	unsigned		 generation;	/* the lock's connection */
};

enum stmt {
	ST_EXISTS, ST_TRYLOCK, ST_UNLOCK, ST_LOAD, ST_SAVE, ST_SAVE_ASYNC,
	ST_CREATE, ST_LIST, ST_MTIME, ST_REMOVE, ST_HEALTH, ST_SECRET,
	ST_COUNT
};

/*
 * Prepared on a connection when first run there (before `db init`, the
 * table they name does not exist yet); never built from values.
 */
static const struct {
	const char	*name;
	const char	*sql;
	int		 nparams;
} stmts[ST_COUNT] = {
	{ "bg_exists", "SELECT 1 FROM brickgate.purchases WHERE id = $1", 1 },
	{ "bg_trylock",
	    "SELECT pg_try_advisory_lock(hashtextextended($1, 0))", 1 },
	{ "bg_unlock",
	    "SELECT pg_advisory_unlock(hashtextextended($1, 0))", 1 },
	{ "bg_load",
	    "SELECT context::text FROM brickgate.purchases WHERE id = $1", 1 },
	{ "bg_save", "UPDATE brickgate.purchases SET context = $2::jsonb, "
	    "updated_at = now() WHERE id = $1", 2 },
	/*
	 * The same, committed without waiting for the WAL to reach the
	 * disk: set_config(..., true) lasts until this statement's own
	 * transaction commits, so one round trip does it.
	 */
	{ "bg_save_async", "UPDATE brickgate.purchases SET context = "
	    "$2::jsonb, updated_at = now() FROM (SELECT set_config("
	    "'synchronous_commit', 'off', true)) AS async WHERE id = $1", 2 },
	{ "bg_create", "INSERT INTO brickgate.purchases (id, context) "
	    "VALUES ($1, $2::jsonb)", 2 },
	{ "bg_list", "SELECT id FROM brickgate.purchases", 0 },
	{ "bg_mtime", "SELECT (extract(epoch FROM updated_at) * 1000)::bigint "
	    "FROM brickgate.purchases WHERE id = $1", 1 },
	{ "bg_remove", "DELETE FROM brickgate.purchases WHERE id = $1", 1 },
	{ "bg_health", "SELECT 1", 0 },
	/* Made by the first session that asks; every later one reads it. */
	{ "bg_secret", "WITH made AS (INSERT INTO brickgate.installation "
	    "(secret) VALUES (decode($1, 'hex')) ON CONFLICT DO NOTHING "
	    "RETURNING secret) SELECT encode(secret, 'hex') FROM made UNION "
	    "ALL SELECT encode(secret, 'hex') FROM brickgate.installation", 1 },
};

static struct pgstore *
pgs(const struct store_session *ss)
{
	return ss->store->be;
}

/* The first line of libpq's message: it never holds the password. */
static const char *
first_line(const char *msg, char *buf, size_t size)
{
	snprintf(buf, size, "%s", msg ? msg : "");
	buf[strcspn(buf, "\r\n")] = '\0';
	return buf;
}

static int
unavailable(struct bg_error *e, const char *why)
{
	char line[256];

	return bg_fail(e, 503, "store_unavailable", NULL, "PostgreSQL: %s",
	    first_line(why, line, sizeof(line)));
}

static void
drop(struct pgsession *ps)
{
	if (ps->conn != NULL)
		pgs(&ps->s)->pq.finish(ps->conn);
	ps->conn = NULL;
}

/* A working connection, made or remade; -1 with 503 store_unavailable. */
static int
connected(struct pgsession *ps, struct bg_error *e)
{
	struct pq_api *pq = &pgs(&ps->s)->pq;

	if (ps->conn != NULL && pq->status(ps->conn) == CONNECTION_OK)
		return 0;
	drop(ps);
	ps->generation++;
	ps->prepared = 0;
	ps->conn = pq->connectdb(pgs(&ps->s)->conninfo);
	if (pq->status(ps->conn) != CONNECTION_OK) {
		unavailable(e, pq->error_message(ps->conn));
		drop(ps);
		return -1;
	}
	return 0;
}

/* st prepared on the session's connection; -1 with e. */
static int
prepared(struct pgsession *ps, enum stmt st, struct bg_error *e)
{
	struct pq_api *pq = &pgs(&ps->s)->pq;
	PGresult *res;
	char line[256];
	int ok;

	if (ps->prepared & (1u << st))
		return 0;
	res = pq->prepare(ps->conn, stmts[st].name, stmts[st].sql,
	    stmts[st].nparams, NULL);
	ok = pq->result_status(res) == PGRES_COMMAND_OK;
	if (ok)
		ps->prepared |= 1u << st;
	else if (pq->status(ps->conn) != CONNECTION_OK) {
		unavailable(e, pq->result_error_message(res));
		drop(ps);
	} else
		bg_fail(e, 500, "internal_error", NULL, "PostgreSQL: %s (has "
		    "`brickgate db init` been run?)", first_line(
		    pq->result_error_message(res), line, sizeof(line)));
	pq->clear(res);
	return ok ? 0 : -1;
}

/* The connection is gone (the server went away, or the network). */
static int
lost(struct pgsession *ps, const char *state)
{
	return pgs(&ps->s)->pq.status(ps->conn) != CONNECTION_OK ||
	    state == NULL || strncmp(state, "08", 2) == 0 ||
	    strncmp(state, "57", 2) == 0;
}

/* One try of run(): the result, or NULL with e and *gone. */
static PGresult *
run_once(struct pgsession *ps, enum stmt st, const char *const *params,
    int *gone, struct bg_error *e)
{
	struct pq_api *pq = &pgs(&ps->s)->pq;
	const char *state;
	PGresult *res;
	ExecStatusType rs;
	char line[256];

	*gone = 0;
	if (prepared(ps, st, e) == -1) {
		*gone = ps->conn == NULL;
		return NULL;
	}
	res = pq->exec_prepared(ps->conn, stmts[st].name, stmts[st].nparams,
	    params, NULL, NULL, 0);
	rs = pq->result_status(res);
	if (rs == PGRES_TUPLES_OK || rs == PGRES_COMMAND_OK)
		return res;
	state = pq->result_error_field(res, PG_DIAG_SQLSTATE);
	if (lost(ps, state)) {
		unavailable(e, pq->result_error_message(res));
		drop(ps);
		*gone = 1;
	} else if (strcmp(state, "23505") == 0)
		bg_fail(e, 409, "purchase_exists", NULL,
		    "purchase %s exists already", params != NULL ?
		    params[0] : "");
	else
		bg_fail(e, 500, "internal_error", NULL, "PostgreSQL: %s",
		    first_line(pq->result_error_message(res), line,
		    sizeof(line)));
	pq->clear(res);
	return NULL;
}

/*
 * Runs a prepared statement: its result, or NULL with e (503 when the
 * connection is gone, 409 purchase_exists for a duplicate id, else 500).
 * A connection found broken is replaced and the statement tried once
 * more (after the server restarted, every idle connection is broken
 * without knowing it), except with `held`: on behalf of a held purchase
 * a statement runs only on the connection that holds its lock.
 */
static PGresult *
run(struct pgsession *ps, const struct pgheld *held, enum stmt st,
    const char *const *params, struct bg_error *e)
{
	PGresult *res;
	int gone;

	if (held != NULL) {
		if (ps->conn == NULL || held->generation != ps->generation ||
		    pgs(&ps->s)->pq.status(ps->conn) != CONNECTION_OK) {
			drop(ps);
			unavailable(e, "the connection holding the purchase's "
			    "lock was lost");
			return NULL;
		}
		return run_once(ps, st, params, &gone, e);
	}
	if (connected(ps, e) == -1)
		return NULL;
	res = run_once(ps, st, params, &gone, e);
	if (res == NULL && gone && connected(ps, e) == 0)
		res = run_once(ps, st, params, &gone, e);
	return res;
}

/* Runs st and keeps only whether it worked. */
static int
run_only(struct pgsession *ps, const struct pgheld *held, enum stmt st,
    const char *const *params, struct bg_error *e)
{
	PGresult *res = run(ps, held, st, params, e);

	if (res == NULL)
		return -1;
	pgs(&ps->s)->pq.clear(res);
	return 0;
}

static int
pg_session_open(struct store *s, struct store_session **out,
    struct bg_error *e)
{
	struct pgsession *ps;

	if ((ps = calloc(1, sizeof(*ps))) == NULL)
		return bg_fail(e, 500, "internal_error", NULL,
		    "out of memory for a store session");
	ps->s.store = s;
	*out = &ps->s;
	return 0;
}

static void
pg_session_close(struct store_session *ss)
{
	struct pgsession *ps = (struct pgsession *)ss;

	drop(ps);
	free(ps);
}

/* 1 when the purchase exists, 0 when not, -1 with e. */
static int
exists(struct pgsession *ps, const char *id, struct bg_error *e)
{
	const char *params[1] = { id };
	PGresult *res = run(ps, NULL, ST_EXISTS, params, e);
	int n;

	if (res == NULL)
		return -1;
	n = pgs(&ps->s)->pq.ntuples(res);
	pgs(&ps->s)->pq.clear(res);
	return n > 0;
}

/* What one try of the advisory lock needs. */
struct lock_try {
	struct pgsession	*ps;
	const char		*id;
	struct bg_error		*e;
};

/* 1 when the lock was taken, 0 when another session holds it, -1. */
static int
try_lock(void *arg)
{
	struct lock_try *t = arg;
	const char *params[1] = { t->id };
	PGresult *res = run(t->ps, NULL, ST_TRYLOCK, params, t->e);
	int got;

	if (res == NULL)
		return -1;
	got = strcmp(pgs(&t->ps->s)->pq.get_value(res, 0, 0), "t") == 0;
	pgs(&t->ps->s)->pq.clear(res);
	return got;
}

static int
pg_hold(struct store_session *ss, const char *id, long wait_ms,
    struct store_held **out, struct bg_error *e)
{
	struct pgsession *ps = (struct pgsession *)ss;
	struct lock_try t = { ps, id, e };
	struct pgheld *ph;
	int rc;

	if ((rc = exists(ps, id, e)) != 1)
		return rc == 0 ? bg_fail(e, 404, "unknown_purchase", NULL,
		    "no purchase %s", id) : -1;
	if ((rc = store_wait_lock(ss->store, try_lock, &t, wait_ms)) != 1)
		return rc == 0 ? 1 : -1;
	if ((ph = calloc(1, sizeof(*ph))) == NULL) {
		run_only(ps, NULL, ST_UNLOCK, (const char *[]){ id }, e);
		return bg_fail(e, 500, "internal_error", NULL,
		    "out of memory holding purchase %s", id);
	}
	ph->h.session = ss;
	snprintf(ph->h.id, sizeof(ph->h.id), "%s", id);
	ph->generation = ps->generation;
	*out = &ph->h;
	return 0;
}

static void
pg_release(struct store_held *h)
{
	struct pgheld *ph = (struct pgheld *)h;
	struct pgsession *ps = (struct pgsession *)h->session;
	const char *params[1] = { h->id };
	struct bg_error e;

	/* A lost connection took the lock with it: nothing to release. */
	if (ps->conn != NULL && ph->generation == ps->generation)
		run_only(ps, ph, ST_UNLOCK, params, &e);
	free(ph);
}

/*
 * The row statement st reads for purchase id (on behalf of held when not
 * NULL), or NULL with e: 404 unknown_purchase when there is none.
 */
static PGresult *
row_of(struct pgsession *ps, const struct pgheld *held, enum stmt st,
    const char *id, struct bg_error *e)
{
	struct pq_api *pq = &pgs(&ps->s)->pq;
	const char *params[1] = { id };
	PGresult *res = run(ps, held, st, params, e);

	if (res != NULL && pq->ntuples(res) == 0) {
		pq->clear(res);
		bg_fail(e, 404, "unknown_purchase", NULL, "no purchase %s", id);
		return NULL;
	}
	return res;
}

/* The context's text of purchase id, on behalf of held when not NULL. */
static int
read_context(struct pgsession *ps, const struct pgheld *held,
    const char *id, char **text, size_t *len, struct bg_error *e)
{
	struct pq_api *pq = &pgs(&ps->s)->pq;
	PGresult *res = row_of(ps, held, ST_LOAD, id, e);
	int rc = 0;

	if (res == NULL)
		return -1;
	*len = (size_t)pq->get_length(res, 0, 0);
	if ((*text = malloc(*len + 1)) == NULL)
		rc = bg_fail(e, 500, "internal_error", NULL,
		    "out of memory reading purchase %s", id);
	else {
		memcpy(*text, pq->get_value(res, 0, 0), *len);
		(*text)[*len] = '\0';
	}
	pq->clear(res);
	return rc;
}

static int
pg_load(struct store_held *h, char **text, size_t *len, struct bg_error *e)
{
	return read_context((struct pgsession *)h->session,
	    (struct pgheld *)h, h->id, text, len, e);
}

static int
pg_peek(struct store_session *ss, const char *id, char **text,
    size_t *len, struct bg_error *e)
{
	return read_context((struct pgsession *)ss, NULL, id, text, len, e);
}

static int
pg_save(struct store_held *h, const char *text, size_t len,
    enum store_sync sync, struct bg_error *e)
{
	const char *params[2] = { h->id, text };

	(void)len;	/* text is NUL-terminated JSON */
	return run_only((struct pgsession *)h->session, (struct pgheld *)h,
	    sync == STORE_VOLATILE ? ST_SAVE_ASYNC : ST_SAVE, params, e);
}

static int
pg_remove(struct store_held *h, struct bg_error *e)
{
	const char *params[1] = { h->id };

	return run_only((struct pgsession *)h->session, (struct pgheld *)h,
	    ST_REMOVE, params, e);
}

static int
pg_create(struct store_session *ss, const char *id, const char *text,
    size_t len, struct bg_error *e)
{
	const char *params[2] = { id, text };

	(void)len;
	return run_only((struct pgsession *)ss, NULL, ST_CREATE, params, e);
}

static int
pg_list(struct store_session *ss, int (*fn)(const char *, void *),
    void *arg, struct bg_error *e)
{
	struct pgsession *ps = (struct pgsession *)ss;
	struct pq_api *pq = &pgs(ss)->pq;
	PGresult *res = run(ps, NULL, ST_LIST, NULL, e);
	const char *id;
	int i, n, rc = 0;

	if (res == NULL)
		return -1;
	n = pq->ntuples(res);
	for (i = 0; rc == 0 && i < n; i++) {
		id = pq->get_value(res, i, 0);
		/* A row the storefront got wrong is no purchase of ours. */
		if (purchase_id_valid(id))
			rc = fn(id, arg);
	}
	pq->clear(res);
	return rc;
}

static int
pg_mtime(struct store_session *ss, const char *id, int64_t *ms,
    struct bg_error *e)
{
	struct pq_api *pq = &pgs(ss)->pq;
	PGresult *res = row_of((struct pgsession *)ss, NULL, ST_MTIME, id, e);

	if (res == NULL)
		return -1;
	*ms = strtoll(pq->get_value(res, 0, 0), NULL, 10);
	pq->clear(res);
	return 0;
}

static int
pg_secret(struct store_session *ss, unsigned char out[STORE_SECRET_LEN],
    struct bg_error *e)
{
	struct pq_api *pq = &pgs(ss)->pq;
	char made[2 * STORE_SECRET_LEN + 1];
	const char *params[1] = { made };
	PGresult *res;
	int rc = 0;

	/* 256 bits from getrandom(2), used only if no row exists yet. */
	if (random_hex128(made, 33, e) == -1 ||
	    random_hex128(made + 32, 33, e) == -1)
		return -1;
	if ((res = run((struct pgsession *)ss, NULL, ST_SECRET, params, e))
	    == NULL)
		return -1;
	if (pq->ntuples(res) < 1 || hex_decode(pq->get_value(res, 0, 0), out,
	    STORE_SECRET_LEN) == -1)
		rc = bg_fail(e, 500, "internal_error", NULL, "brickgate."
		    "installation holds no secret of 32 bytes");
	pq->clear(res);
	return rc;
}

static int
pg_health(struct store_session *ss, struct bg_error *e)
{
	return run_only((struct pgsession *)ss, NULL, ST_HEALTH, NULL, e);
}

static void
pg_where(struct store *s, const char *id, char *buf, size_t size)
{
	(void)s;
	snprintf(buf, size, "brickgate.purchases, id %s", id);
}

static void
pg_close(struct store *s)
{
	struct pgstore *st = s->be;

	if (st != NULL) {
		pq_unload(&st->pq);
		free(st->conninfo);
		free(st);
	}
	s->be = NULL;
}

static const struct store_ops pg_ops = {
	pg_session_open, pg_session_close, pg_hold, pg_load, pg_save,
	pg_remove, pg_release, pg_peek, pg_create, pg_list, pg_mtime,
	pg_secret, pg_health, pg_where, pg_close,
};

int
store_pg_open(struct store *s, const char *conninfo, struct bg_error *e)
{
	struct pgstore *st;
	char why[256];

	if ((st = calloc(1, sizeof(*st))) == NULL ||
	    (st->conninfo = strdup(conninfo)) == NULL) {
		free(st);
		return bg_fail(e, 500, "internal_error", NULL,
		    "out of memory opening the PostgreSQL store");
	}
	if (pq_load(&st->pq, why, sizeof(why)) == -1) {
		free(st->conninfo);
		free(st);
		return bg_fail(e, 500, "internal_error", NULL, "%s", why);
	}
	s->ops = &pg_ops;
	s->be = st;
	return 0;
}

/*
 * The schema, in one transaction that waits for any other init: two
 * hosts started at once both succeed.  A text of several statements
 * goes through PQexec, which takes no parameters: the schema is a
 * constant.
 */
int
store_pg_init(struct store_session *ss, int *version, struct bg_error *e)
{
	struct pgsession *ps = (struct pgsession *)ss;
	struct pq_api *pq = &pgs(ss)->pq;
	PGresult *res;
	char line[256];
	int ok;

	if (connected(ps, e) == -1)
		return -1;
	res = pq->exec(ps->conn, "BEGIN; "
	    "SET LOCAL client_min_messages = warning; "
	    "SELECT pg_advisory_xact_lock(hashtextextended('brickgate schema', "
	    "0)); " SCHEMA_SQL
	    "INSERT INTO brickgate.schema_version (version) SELECT "
	    SCHEMA_VERSION " WHERE NOT EXISTS (SELECT 1 FROM "
	    "brickgate.schema_version); "
	    "UPDATE brickgate.schema_version SET version = " SCHEMA_VERSION
	    " WHERE version < " SCHEMA_VERSION "; COMMIT;");
	ok = pq->result_status(res) == PGRES_COMMAND_OK;
	if (!ok)
		bg_fail(e, 500, "internal_error", NULL, "PostgreSQL: %s",
		    first_line(pq->result_error_message(res), line,
		    sizeof(line)));
	pq->clear(res);
	if (!ok) {
		drop(ps);	/* and with it the failed transaction */
		return -1;
	}
	*version = atoi(SCHEMA_VERSION);
	return 0;
}
