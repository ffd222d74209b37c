/*
 * unit_json.h - what the unit tests of the JSON-handling modules share:
 * reading a literal strictly, printing an object the way brickgate sends
 * it, and checking an error value field by field.
 */
#ifndef BG_UNIT_JSON_H
#define BG_UNIT_JSON_H

#include "tap.h"

#include <string.h>

#include <json-c/json.h>

#include "error.h"
#include "json_strict.h"

/* The literal as json-c holds it (the caller puts it); must be valid. */
static inline json_object *
unit_json(const char *text)
{
	struct bg_error e;
	json_object *o = NULL;

	bg_error_clear(&e);
	assert_int_equal(json_strict_parse(text, strlen(text), 32, &o, &e), 0);
	return o;
}

/* The object as brickgate sends it: plain, slashes unescaped. */
static inline const char *
unit_text(json_object *o)
{
	return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
}

/* Every part of a filled error; message NULL when it is not checked. */
static inline void
unit_error(const struct bg_error *e, int status, const char *code,
    const char *field, const char *message)
{
	assert_int_equal(e->status, status);
	assert_non_null(e->code);
	assert_string_equal(e->code, code);
	assert_string_equal(e->field, field);
	if (message != NULL)
		assert_string_equal(e->message, message);
}

#endif
