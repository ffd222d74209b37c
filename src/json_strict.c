/*
 * json_strict.c - an RFC 8259 recogniser in front of json-c.
 *
 * A recursive-descent walk over the bytes; recursion depth is bounded by
 * max_depth, so untrusted input cannot exhaust the stack.
 */
#include <string.h>

#include "json_strict.h"

struct jscan {
	const unsigned char *p, *end;
	int	 depth, max_depth;
	size_t	 members;	/* object members seen, at every depth */
	const char *why;
};

static int value(struct jscan *s);

static void
skip_ws(struct jscan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' ||
	    *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

static int
fail(struct jscan *s, const char *why)
{
	if (s->why == NULL)
		s->why = why;
	return -1;
}

static int
literal(struct jscan *s, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0)
		return fail(s, "unexpected token");
	s->p += n;
	return 0;
}

static int
digits(struct jscan *s)
{
	const unsigned char *start = s->p;

	while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
		s->p++;
	return s->p > start ? 0 : fail(s, "malformed number");
}

static int
number(struct jscan *s)
{
	if (s->p < s->end && *s->p == '-')
		s->p++;
	if (s->p < s->end && *s->p == '0') {
		s->p++;
		if (s->p < s->end && *s->p >= '0' && *s->p <= '9')
			return fail(s, "number with a leading zero");
	} else if (digits(s) < 0)
		return -1;
	if (s->p < s->end && *s->p == '.') {
		s->p++;
		if (digits(s) < 0)
			return -1;
	}
	if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
		s->p++;
		if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
			s->p++;
		if (digits(s) < 0)
			return -1;
	}
	return 0;
}

static int
hex4(struct jscan *s, unsigned *cp)
{
	int i;

	*cp = 0;
	if (s->end - s->p < 4)
		return fail(s, "truncated \\u escape");
	for (i = 0; i < 4; i++) {
		unsigned c = *s->p++;

		*cp <<= 4;
		if (c >= '0' && c <= '9')
			*cp |= c - '0';
		else if (c >= 'a' && c <= 'f')
			*cp |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			*cp |= c - 'A' + 10;
		else
			return fail(s, "bad \\u escape");
	}
	return 0;
}

static int
escape(struct jscan *s)
{
	unsigned cp, lo;

	if (s->p >= s->end)
		return fail(s, "truncated escape");
	switch (*s->p++) {
	case '"': case '\\': case '/': case 'b': case 'f': case 'n':
	case 'r': case 't':
		return 0;
	case 'u':
		break;
	default:
		return fail(s, "bad escape");
	}
	if (hex4(s, &cp) < 0)
		return -1;
	if (cp == 0)
		return fail(s, "NUL character in a string");
	if (cp >= 0xDC00 && cp <= 0xDFFF)
		return fail(s, "lone low surrogate");
	if (cp >= 0xD800 && cp <= 0xDBFF) {
		if (s->end - s->p < 2 || s->p[0] != '\\' || s->p[1] != 'u')
			return fail(s, "lone high surrogate");
		s->p += 2;
		if (hex4(s, &lo) < 0)
			return -1;
		if (lo < 0xDC00 || lo > 0xDFFF)
			return fail(s, "bad surrogate pair");
	}
	return 0;
}

/* One UTF-8 sequence starting at a byte >= 0x80 (RFC 3629 ranges). */
static int
utf8(struct jscan *s)
{
	const unsigned char *p = s->p;
	unsigned c = *p, n, cp, min;

	if (c >= 0xC2 && c <= 0xDF) {
		n = 1; cp = c & 0x1F; min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 2; cp = c & 0x0F; min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 3; cp = c & 0x07; min = 0x10000;
	} else
		return fail(s, "invalid UTF-8");
	if ((unsigned)(s->end - p) <= n)
		return fail(s, "truncated UTF-8");
	for (p++; n > 0; n--, p++) {
		if ((*p & 0xC0) != 0x80)
			return fail(s, "invalid UTF-8");
		cp = (cp << 6) | (*p & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return fail(s, "invalid UTF-8");
	s->p = p;
	return 0;
}

static int
string(struct jscan *s)
{
	s->p++;				/* opening quote */
	while (s->p < s->end) {
		unsigned c = *s->p;

		if (c == '"') {
			s->p++;
			return 0;
		}
		if (c < 0x20)
			return fail(s, "control character in a string");
		if (c == '\\') {
			s->p++;
			if (escape(s) < 0)
				return -1;
		} else if (c >= 0x80) {
			if (utf8(s) < 0)
				return -1;
		} else
			s->p++;
	}
	return fail(s, "unterminated string");
}

static int
container(struct jscan *s, unsigned char close)
{
	int first = 1;

	if (++s->depth > s->max_depth)
		return fail(s, "nesting too deep");
	s->p++;
	skip_ws(s);
	if (s->p < s->end && *s->p == close) {
		s->p++;
		s->depth--;
		return 0;
	}
	for (;;) {
		if (!first) {
			skip_ws(s);
			if (s->p < s->end && *s->p == close) {
				s->p++;
				s->depth--;
				return 0;
			}
			if (s->p >= s->end || *s->p != ',')
				return fail(s, "expected ',' or a closing bracket");
			s->p++;
		}
		first = 0;
		skip_ws(s);
		if (close == '}') {
			if (s->p >= s->end || *s->p != '"')
				return fail(s, "expected a member name");
			if (string(s) < 0)
				return -1;
			skip_ws(s);
			if (s->p >= s->end || *s->p != ':')
				return fail(s, "expected ':'");
			s->p++;
			s->members++;
		}
		if (value(s) < 0)
			return -1;
	}
}

static int
value(struct jscan *s)
{
	skip_ws(s);
	if (s->p >= s->end)
		return fail(s, "unexpected end of input");
	switch (*s->p) {
	case '{':
		return container(s, '}');
	case '[':
		return container(s, ']');
	case '"':
		return string(s);
	case 't':
		return literal(s, "true");
	case 'f':
		return literal(s, "false");
	case 'n':
		return literal(s, "null");
	default:
		if (*s->p == '-' || (*s->p >= '0' && *s->p <= '9'))
			return number(s);
		return fail(s, "unexpected character");
	}
}

/* The recogniser; on success *members counts every object member. */
static int
scan(const char *buf, size_t len, int max_depth, size_t *members,
    struct bg_error *e)
{
	struct jscan s;

	memset(&s, 0, sizeof(s));
	s.p = (const unsigned char *)buf;
	s.end = s.p + len;
	s.max_depth = max_depth;
	*members = 0;
	if (value(&s) == 0) {
		skip_ws(&s);
		if (s.p == s.end) {
			*members = s.members;
			return 0;
		}
		fail(&s, "trailing characters after the JSON value");
	}
	return bg_fail(e, 400, "invalid_json", NULL,
	    "request body is not valid JSON: %s at byte %zu", s.why,
	    (size_t)(s.p - (const unsigned char *)buf));
}

int
json_strict_check(const char *buf, size_t len, int max_depth,
    struct bg_error *e)
{
	size_t members;

	return scan(buf, len, max_depth, &members, e);
}

/*
 * Members in the tree json-c built.  json-c keeps the last of duplicate
 * names, so the tree holds fewer members than the text exactly when
 * some object repeats a name ("a" and "\u0061" included).  Recursion
 * is bounded by the depth the recogniser allowed.
 */
static size_t
tree_members(json_object *o)
{
	size_t n = 0, i, len;

	if (json_object_is_type(o, json_type_object)) {
		json_object_object_foreach(o, k, v) {
			(void)k;
			n += 1 + tree_members(v);
		}
	} else if (json_object_is_type(o, json_type_array)) {
		len = json_object_array_length(o);
		for (i = 0; i < len; i++)
			n += tree_members(json_object_array_get_idx(o, i));
	}
	return n;
}

int
json_strict_parse(const char *buf, size_t len, int max_depth,
    json_object **out, struct bg_error *e)
{
	struct json_tokener *tok;
	json_object *o;
	size_t members;
	int tok_failed = 0;

	*out = NULL;
	if (scan(buf, len, max_depth, &members, e) < 0)
		return -1;
	/* json-c counts depth one deeper than we do for scalars. */
	tok = json_tokener_new_ex(max_depth + 1);
	if (tok == NULL)
		return bg_fail(e, 500, "internal_error", NULL, "out of memory");
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
	    JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, buf, (int)len);
	/*
	 * A scalar at the very end ("12", "null") leaves json-c waiting
	 * for more; one NUL byte tells it the input is over.
	 */
	if (o == NULL &&
	    json_tokener_get_error(tok) == json_tokener_continue &&
	    json_tokener_get_parse_end(tok) == len)
		o = json_tokener_parse_ex(tok, "", 1);
	else if (json_tokener_get_parse_end(tok) != len) {
		json_object_put(o);
		o = NULL;
		json_tokener_reset(tok);
		tok_failed = 1;
	}
	if (tok_failed ||
	    json_tokener_get_error(tok) != json_tokener_success) {
		/* Only if our grammar and json-c's disagree. */
		json_object_put(o);
		json_tokener_free(tok);
		return bg_fail(e, 400, "invalid_json", NULL,
		    "request body is not valid JSON");
	}
	json_tokener_free(tok);
	/* json-c keeps the last of a repeated name: which one was meant? */
	if (tree_members(o) != members) {
		json_object_put(o);
		return bg_fail(e, 400, "invalid_json", NULL,
		    "request body is not valid JSON: an object repeats a "
		    "member name");
	}
	*out = o;
	return 0;
}

const char *
json_plain(json_object *o)
{
	return json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}
