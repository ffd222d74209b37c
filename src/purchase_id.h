/*
 * purchase_id.h - which purchase a request names (brickgate(8), ENDPOINTS).
 *
 * The id doubles as a file name, so it is checked against
 * ^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$ before anything touches the disk.
 */
#ifndef BG_PURCHASE_ID_H
#define BG_PURCHASE_ID_H

#include "error.h"
#include "query.h"

#define PURCHASE_ID_MAX 64

/* True when s is a well-formed purchase id. */
int	 purchase_id_valid(const char *s);

/*
 * Picks the id from the query parameter purchase_id and the header
 * X-Purchase-Id (header may be NULL): 400 missing_purchase_id when
 * neither, 400 invalid_purchase_id when malformed, repeated, or both
 * given and different.  Copies it into out (PURCHASE_ID_MAX + 1 bytes).
 */
int	 purchase_id_pick(const struct query *q, const char *header,
	    char *out, struct bg_error *e);

#endif
