/*
 * form.h - validation of the Brick's form data by a table of fields.
 *
 * A method module lists the fields it reads with their JSON type and
 * bounds; form_validate() walks the table in order and stops at the
 * first fault, naming the field by its JSON path.  Absent and JSON null
 * are the same thing: 400 missing_field when the field is required, and
 * simply absent otherwise.  A wrong JSON type (an amount sent as a
 * string, installments as 3.0) is 400 invalid_field.
 */
#ifndef BG_FORM_H
#define BG_FORM_H

#include <stddef.h>

#include <json-c/json.h>

#include "error.h"

enum field_type {
	FORM_STRING,	/* printable text, 1..max bytes, optionally one of */
	FORM_TOKEN,	/* [A-Za-z0-9_-]{1,max}: card tokens, ids */
	FORM_UINT,		/* JSON integer 1..max */
	FORM_DIGITS,	/* digits, as a JSON string or integer (issuer_id) */
	FORM_DIGIT_TEXT,	/* digits, as a JSON string only (a bank id, phone) */
	FORM_EMAIL,	/* one @, printable, no spaces, at most max bytes */
	FORM_OBJECT,
	FORM_NUMBER,	/* a JSON number; its value is checked elsewhere */
};

#define FORM_REQUIRED	1
#define FORM_OPTIONAL	0

struct field_rule {
	const char		*path;		/* "payer.identification.type" */
	enum field_type		 type;
	int			 required;
	long			 max;		/* bytes, or largest integer */
	const char *const	*oneof;		/* NULL-terminated, or NULL */
};

/* The value at a dotted path, or NULL when absent or JSON null. */
json_object *form_get(json_object *form, const char *path);

/* form_get() of a string; NULL when absent, null or not a string. */
const char *form_str(json_object *form, const char *path);

/* True when s holds only [A-Za-z0-9_-] (FORM_TOKEN's characters). */
int	 form_is_token(const char *s);

/* Checks every rule of the table, which ends with a NULL path. */
int	 form_validate(json_object *form, const struct field_rule *rules,
	    struct bg_error *e);

#endif
