/*
 * json_strict.h - JSON exactly as RFC 8259 writes it, nothing json-c lets by.
 *
 * json-c's strict mode still takes NaN, Infinity, "1." and single quotes
 * (doc/design.md, The layers).  json_strict_check() walks the bytes against the
 * RFC grammar first (UTF-8 checked, depth bounded, no \u0000 because every
 * string ends up as a C string); only then does json-c build the tree.
 * json-c keeps the last of two members with one name, even in strict
 * mode, so {"transaction_amount": 1, "transaction_amount": 1000} would
 * mean whatever the last one says: json_strict_parse() refuses any
 * object, at any depth, that repeats a name.
 */
#ifndef BG_JSON_STRICT_H
#define BG_JSON_STRICT_H

#include <stddef.h>

#include <json-c/json.h>

#include "error.h"

#define JSON_MAX_DEPTH 10

/* 0 when buf[0..len) is one JSON text within max_depth; else -1 and a
 * message in e (400 invalid_json).  Grammar only: repeated names pass. */
int	 json_strict_check(const char *buf, size_t len, int max_depth,
	    struct bg_error *e);

/*
 * Checks, parses, and refuses repeated member names (400 invalid_json);
 * *out is owned by the caller (json_object_put).
 */
int	 json_strict_parse(const char *buf, size_t len, int max_depth,
	    json_object **out, struct bg_error *e);

/* Serialises without slash escapes, for bodies humans and tests read. */
const char *json_plain(json_object *o);

#endif
