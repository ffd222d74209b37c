/*
 * json_canon.h - one JSON text for one value, whatever order its
 * members were kept in: what a digest of a purchase is taken over.
 */
#ifndef BG_JSON_CANON_H
#define BG_JSON_CANON_H

#include <json-c/json.h>
#include <json-c/printbuf.h>

/*
 * Appends o to pb with every object's members sorted by name (bytes)
 * and no white space; members of the outermost object named in skip (a
 * NULL-terminated list) are left out.  -1 when out of memory.
 */
int	 json_canon(json_object *o, const char *const *skip,
	    struct printbuf *pb);

#endif
