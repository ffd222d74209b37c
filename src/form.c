/*
 * form.c - table-driven checks of the Brick's form data.
 */
#include <string.h>

#include "form.h"

json_object *
form_get(json_object *form, const char *path)
{
	char part[64];
	const char *p = path, *dot;
	json_object *v = form;
	size_t n;

	while (v != NULL && *p != '\0') {
		if (!json_object_is_type(v, json_type_object))
			return NULL;
		dot = strchr(p, '.');
		n = dot ? (size_t)(dot - p) : strlen(p);
		if (n >= sizeof(part))
			return NULL;
		memcpy(part, p, n);
		part[n] = '\0';
		if (!json_object_object_get_ex(v, part, &v))
			return NULL;
		p += n + (dot != NULL);
	}
	return v;	/* json-c represents JSON null as NULL */
}

const char *
form_str(json_object *form, const char *path)
{
	json_object *v = form_get(form, path);

	return json_object_is_type(v, json_type_string) ?
	    json_object_get_string(v) : NULL;
}

static int
printable(const char *s, size_t len)
{
	size_t i;

	/* Bytes >= 0x80 are UTF-8, already checked by the JSON reader. */
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

static int
all_of(const char *s, const char *set)
{
	return s[strspn(s, set)] == '\0';
}

int
form_is_token(const char *s)
{
	return all_of(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789_-");
}

static int
check_string(json_object *v, const struct field_rule *r, struct bg_error *e)
{
	const char *s = json_object_get_string(v), *at;
	size_t len = (size_t)json_object_get_string_len(v), i;

	if (len == 0)
		return r->required ? bg_fail(e, 400, "missing_field", r->path,
		    "%s is empty", r->path) : 0;
	if ((long)len > r->max || !printable(s, len) || strlen(s) != len)
		return bg_fail(e, 400, "invalid_field", r->path,
		    "%s must be printable text of at most %ld bytes",
		    r->path, r->max);
	switch (r->type) {
	case FORM_TOKEN:
		if (!form_is_token(s))
			return bg_fail(e, 400, "invalid_field", r->path,
			    "%s has characters other than letters, digits, "
			    "'-' and '_'", r->path);
		break;
	case FORM_DIGITS: case FORM_DIGIT_TEXT:
		if (!all_of(s, "0123456789"))
			return bg_fail(e, 400, "invalid_field", r->path,
			    "%s must be digits", r->path);
		break;
	case FORM_EMAIL:
		at = strchr(s, '@');
		if (at == NULL || at == s || at[1] == '\0' ||
		    strchr(at + 1, '@') != NULL || strchr(s, ' ') != NULL ||
		    strchr(at + 1, '.') == NULL)
			return bg_fail(e, 400, "invalid_field", r->path,
			    "%s is not an e-mail address", r->path);
		break;
	default:
		break;
	}
	if (r->oneof != NULL) {
		for (i = 0; r->oneof[i] != NULL; i++)
			if (strcmp(r->oneof[i], s) == 0)
				return 0;
		return bg_fail(e, 400, "invalid_field", r->path,
		    "%s is not one of the accepted values", r->path);
	}
	return 0;
}

static int
check_int(json_object *v, const struct field_rule *r, struct bg_error *e)
{
	int64_t n = json_object_get_int64(v);

	if (n < 1 || n > r->max)
		return bg_fail(e, 400, "invalid_field", r->path,
		    "%s must be between 1 and %ld", r->path, r->max);
	return 0;
}

static int
check_one(json_object *v, const struct field_rule *r, struct bg_error *e)
{
	json_type t = json_object_get_type(v);
	static const char *const names[] = {
		[FORM_STRING] = "a string", [FORM_TOKEN] = "a string",
		[FORM_UINT] = "an integer", [FORM_DIGITS] = "a string of digits",
		[FORM_DIGIT_TEXT] = "a string of digits",
		[FORM_EMAIL] = "a string", [FORM_OBJECT] = "an object",
		[FORM_NUMBER] = "a number",
	};

	switch (r->type) {
	case FORM_STRING: case FORM_TOKEN: case FORM_EMAIL: case FORM_DIGIT_TEXT:
		if (t == json_type_string)
			return check_string(v, r, e);
		break;
	case FORM_DIGITS:
		if (t == json_type_string)
			return check_string(v, r, e);
		if (t == json_type_int && json_object_get_int64(v) >= 0)
			return 0;
		break;
	case FORM_UINT:
		if (t == json_type_int)
			return check_int(v, r, e);
		break;
	case FORM_OBJECT:
		if (t == json_type_object)
			return 0;
		break;
	case FORM_NUMBER:
		if (t == json_type_int || t == json_type_double)
			return 0;
		break;
	}
	return bg_fail(e, 400, "invalid_field", r->path, "%s must be %s",
	    r->path, names[r->type]);
}

int
form_validate(json_object *form, const struct field_rule *rules,
    struct bg_error *e)
{
	const struct field_rule *r;
	json_object *v;

	for (r = rules; r->path != NULL; r++) {
		v = form_get(form, r->path);
		if (v == NULL) {
			if (r->required)
				return bg_fail(e, 400, "missing_field",
				    r->path, "%s is required", r->path);
			continue;
		}
		if (check_one(v, r, e) == -1)
			return -1;
	}
	return 0;
}
