/*
 * db_cli.c - `brickgate db init` makes or upgrades the schema, `brickgate
 * db import DIR` moves a file store's purchases in.  Both need store =
 * postgresql: they are the database's, and say so instead of doing
 * something else on files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli.h"
#include "db_cli.h"
#include "json_strict.h"
#include "store.h"
#include "store_file.h"
#ifdef HAVE_LIBPQ
#include "store_pg.h"
#endif

#define EX_OK		0
#define EX_FAIL		1
#define EX_USAGE	64
#define IMPORT_WAIT_MS	2000	/* a purchase being paid: skip it */

static int
usage(const char *why)
{
	fprintf(stderr, "brickgate db: %s\n"
	    "usage: brickgate db init\n"
	    "       brickgate db import DIR\n", why);
	return EX_USAGE;
}

static int
fail(const char *what, const struct bg_error *e)
{
	fprintf(stderr, "brickgate db: %s: %s\n", what,
	    e->status ? e->message : "out of memory");
	return EX_FAIL;
}

#ifdef HAVE_LIBPQ
static int
cmd_init(struct store_session *db)
{
	struct bg_error e;
	int version;

	bg_error_clear(&e);
	if (store_pg_init(db, &version, &e) == -1)
		return fail("init", &e);
	printf("brickgate schema version %d\n", version);
	return EX_OK;
}
#endif

/* Copies one purchase: 1 imported, 0 there already, -1 failed (said). */
static int
import_one(struct store_session *from, struct store_session *db,
    const char *id)
{
	struct store_held *h;
	struct bg_error e;
	json_object *o = NULL;
	char *text;
	size_t len;
	int rc;

	bg_error_clear(&e);
	if ((rc = store_hold(from, id, IMPORT_WAIT_MS, &h, &e)) != 0) {
		fprintf(stderr, "brickgate db: %s: %s\n", id, rc == 1 ?
		    "busy (being paid); run the import again" : e.message);
		return -1;
	}
	rc = store_held_load(h, &text, &len, &e);
	store_release(h);
	if (rc == -1) {
		fprintf(stderr, "brickgate db: %s: %s\n", id, e.message);
		return -1;
	}
	/* What the store would refuse to read is not moved in either. */
	if (json_strict_parse(text, len, JSON_MAX_DEPTH, &o, &e) == -1 ||
	    !json_object_is_type(o, json_type_object)) {
		fprintf(stderr, "brickgate db: %s: not a JSON object\n", id);
		rc = -1;
	} else if (store_create(db, id, text, len, &e) == 0)
		rc = 1;
	else if (e.status == 409)
		rc = 0;
	else {
		fprintf(stderr, "brickgate db: %s: %s\n", id, e.message);
		rc = -1;
	}
	json_object_put(o);
	free(text);
	return rc;
}

static int
cmd_import(struct store_session *db, const char *dir)
{
	struct store files;
	struct store_session *from = NULL;
	struct store_ids ids;
	struct bg_error e;
	long imported = 0, skipped = 0, failed = 0;
	size_t i;
	int rc;

	bg_error_clear(&e);
	if (store_file_open(&files, dir, &e) == -1)
		return fail(dir, &e);
	if (store_session_open(&files, &from, &e) == -1 ||
	    store_ids(from, &ids, &e) == -1) {
		store_session_close(from);
		store_close(&files);
		return fail(dir, &e);
	}
	for (i = 0; i < ids.n; i++) {
		rc = import_one(from, db, ids.v[i]);
		imported += rc == 1;
		skipped += rc == 0;
		failed += rc == -1;
	}
	store_ids_free(&ids);
	store_session_close(from);
	store_close(&files);
	printf("imported %ld, skipped %ld (already there), failed %ld\n",
	    imported, skipped, failed);
	return failed ? EX_FAIL : EX_OK;
}

int
db_command(int argc, char **argv, const struct bg_config *cfg)
{
	const char *pos[2] = { NULL, NULL };
	struct store st;
	struct store_session *db = NULL;
	struct bg_error e;
	char why[160];
	int rc;

	if (cli_command(argc, argv, NULL, 0, pos, 2, why, sizeof(why)) == -1)
		return usage(why);
	if (pos[0] == NULL || (strcmp(pos[0], "init") != 0 &&
	    strcmp(pos[0], "import") != 0))
		return usage("which command: init or import?");
	if ((strcmp(pos[0], "import") == 0) != (pos[1] != NULL))
		return usage(pos[1] ? "init takes no argument" :
		    "import needs the directory of a file store");
	if (strcmp(cfg->store, "postgresql") != 0) {
		fprintf(stderr, "brickgate db: store is %s: the db commands "
		    "work on store = postgresql\n", cfg->store);
		return EX_FAIL;
	}
	bg_error_clear(&e);
	if (store_open(&st, cfg, &e) == -1 ||
	    store_session_open(&st, &db, &e) == -1) {
		store_close(&st);
		return fail("open", &e);
	}
#ifdef HAVE_LIBPQ
	rc = strcmp(pos[0], "init") == 0 ? cmd_init(db) :
	    cmd_import(db, pos[1]);
#else
	rc = cmd_import(db, pos[1]);	/* not reached: store_open failed */
#endif
	store_session_close(db);
	store_close(&st);
	return rc;
}
