/*
 * store_pg.h - the PostgreSQL back end of the store (store = postgresql).
 */
#ifndef BG_STORE_PG_H
#define BG_STORE_PG_H

#include "store.h"

/* Loads libpq; connects nothing yet (each session does, lazily). */
int	 store_pg_open(struct store *s, const char *conninfo,
	    struct bg_error *e);

/*
 * brickgate db init: creates the schema, or brings it to this version;
 * idempotent.  *version is the schema's version after it.
 */
int	 store_pg_init(struct store_session *ss, int *version,
	    struct bg_error *e);

#endif
