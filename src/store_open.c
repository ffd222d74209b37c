/*
 * store_open.c - which back end the configuration names.  Apart from
 * store.c, which the back ends build on: the choice sits above them all.
 */
#include <string.h>

#include "store.h"
#include "store_file.h"
#ifdef HAVE_LIBPQ
#include "store_pg.h"
#endif

int
store_open(struct store *s, const struct bg_config *cfg, struct bg_error *e)
{
	memset(s, 0, sizeof(*s));
	if (strcmp(cfg->store, "file") == 0)
		return store_file_open(s, cfg->context_dir, e);
#ifdef HAVE_LIBPQ
	return store_pg_open(s, cfg->database_url, e);
#else
	return bg_fail(e, 500, "internal_error", NULL, "this brickgate was "
	    "built without PostgreSQL support (configure found no libpq: "
	    "Debian's libpq-dev)");
#endif
}
