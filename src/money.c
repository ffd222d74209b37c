/*
 * money.c - decimal text to integer minor units and back.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "money.h"

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int
money_parse(const char *text, size_t len, int decimals, int64_t *minor,
    const char *field, struct bg_error *e)
{
	size_t i = 0, intdigits = 0, fracdigits = 0;
	int64_t v = 0;
	int d;

	if (len == 0)
		return bg_fail(e, 400, "invalid_field", field,
		    "%s is empty", field);
	if (text[0] == '0' && len > 1 && is_digit(text[1]))
		return bg_fail(e, 400, "invalid_field", field,
		    "%s has a leading zero", field);
	for (; i < len && is_digit(text[i]); i++) {
		if (++intdigits > MONEY_MAX_INT_DIGITS)
			return bg_fail(e, 400, "invalid_field", field,
			    "%s is too large", field);
		v = v * 10 + (text[i] - '0');
	}
	if (intdigits == 0)
		return bg_fail(e, 400, "invalid_field", field,
		    "%s must be a plain decimal amount", field);
	if (i < len && text[i] == '.') {
		for (i++; i < len && is_digit(text[i]); i++) {
			if (++fracdigits > (size_t)decimals)
				return bg_fail(e, 400, "invalid_field", field,
				    "%s has more than %d decimals", field,
				    decimals);
			v = v * 10 + (text[i] - '0');
		}
		if (fracdigits == 0)
			return bg_fail(e, 400, "invalid_field", field,
			    "%s has a point with no decimals", field);
	}
	if (i != len)
		return bg_fail(e, 400, "invalid_field", field,
		    "%s must be a plain decimal amount", field);
	for (d = (int)fracdigits; d < decimals; d++)
		v *= 10;
	*minor = v;
	return 0;
}

int
money_from_json(json_object *v, int decimals, int allow_string,
    int64_t *minor, const char *field, struct bg_error *e)
{
	const char *text;

	switch (json_object_get_type(v)) {
	case json_type_int:
	case json_type_double:
		/* json-c keeps the number's original text: parse that. */
		text = json_object_get_string(v);
		break;
	case json_type_string:
		if (!allow_string)
			return bg_fail(e, 400, "invalid_field", field,
			    "%s must be a JSON number, not a string", field);
		text = json_object_get_string(v);
		if (strlen(text) != (size_t)json_object_get_string_len(v))
			return bg_fail(e, 400, "invalid_field", field,
			    "%s must be a plain decimal amount", field);
		break;
	case json_type_null:
		return bg_fail(e, 400, "missing_field", field,
		    "%s is null", field);
	default:
		return bg_fail(e, 400, "invalid_field", field,
		    "%s must be a number", field);
	}
	if (text == NULL)
		return bg_fail(e, 400, "invalid_field", field,
		    "%s must be a number", field);
	return money_parse(text, strlen(text), decimals, minor, field, e);
}

int
money_format(int64_t minor, int decimals, char *buf, size_t size)
{
	int64_t scale = 1;
	int d, n;

	if (minor < 0)
		return -1;
	for (d = 0; d < decimals; d++)
		scale *= 10;
	if (decimals == 0)
		n = snprintf(buf, size, "%" PRId64, minor);
	else
		n = snprintf(buf, size, "%" PRId64 ".%0*" PRId64,
		    minor / scale, decimals, minor % scale);
	return (n < 0 || (size_t)n >= size) ? -1 : 0;
}

json_object *
money_to_json(int64_t minor, int decimals)
{
	char text[32];
	double scale = 1;
	int d;

	for (d = 0; d < decimals; d++)
		scale *= 10;
	money_format(minor, decimals, text, sizeof(text));
	/* json-c writes the text; the double is only what it would read. */
	return json_object_new_double_s((double)minor / scale, text);
}
