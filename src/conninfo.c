/*
 * conninfo.c - masking the password of a connection string.  Whatever
 * the form, the password is a span of the text; everything else is
 * copied as it is, so the operator recognises the string.  A value this
 * reader cannot follow (an unclosed quote) is masked to the end: better
 * too much hidden than a password shown.
 */
#include <ctype.h>
#include <string.h>

#include "conninfo.h"

#define MASK	"***"

struct out {
	char	*p;
	size_t	 left;
};

static void
put(struct out *o, const char *s, size_t n)
{
	for (; n > 0 && o->left > 1; n--, o->left--)
		*o->p++ = *s++;
	*o->p = '\0';
}

static size_t
spaces(const char *s)
{
	size_t n = 0;

	while (isspace((unsigned char)s[n]))
		n++;
	return n;
}

/* The length of a keyword string's value at s; *unclosed for 'abc. */
static size_t
value_len(const char *s, int *unclosed)
{
	size_t i = 0;

	*unclosed = 0;
	if (s[0] != '\'') {
		while (s[i] != '\0' && !isspace((unsigned char)s[i]))
			i++;
		return i;
	}
	for (i = 1; s[i] != '\0' && s[i] != '\''; i++)
		if (s[i] == '\\' && s[i + 1] != '\0')
			i++;
	if (s[i] == '\0')
		*unclosed = 1;
	return s[i] == '\0' ? i : i + 1;
}

/* keyword = value pairs, separated by white space. */
static int
mask_keywords(const char *s, struct out *o)
{
	const char *key;
	size_t klen, n;
	int masked = 0, unclosed;

	while (*s != '\0') {
		n = spaces(s);
		put(o, s, n);
		s += n;
		key = s;
		for (klen = 0; s[klen] != '\0' && s[klen] != '=' &&
		    !isspace((unsigned char)s[klen]); klen++)
			;
		put(o, s, klen);
		s += klen;
		n = spaces(s);
		if (s[n] != '=')
			continue;	/* not a pair: copied as it is */
		n++;
		n += spaces(s + n);
		put(o, s, n);
		s += n;
		n = value_len(s, &unclosed);
		if ((klen == 8 && strncmp(key, "password", 8) == 0) ||
		    unclosed) {
			put(o, MASK, strlen(MASK));
			masked = 1;
		} else
			put(o, s, n);
		s += n;
	}
	return masked;
}

/* The query of a URI: name=value pairs separated by '&'. */
static int
mask_query(const char *s, struct out *o)
{
	size_t n;
	int masked = 0;

	while (*s != '\0' && *s != '#') {
		n = strcspn(s, "&#");
		if (n >= 9 && strncmp(s, "password=", 9) == 0) {
			put(o, s, 9);
			put(o, MASK, strlen(MASK));
			masked = 1;
		} else
			put(o, s, n);
		s += n;
		if (*s == '&')
			put(o, s++, 1);
	}
	put(o, s, strlen(s));
	return masked;
}

/* postgresql://user:password@host:port/db?password=... */
static int
mask_uri(const char *s, const char *auth, struct out *o)
{
	size_t alen = strcspn(auth, "/?#"), i;
	const char *at = NULL, *colon, *q;
	int masked = 0;

	for (i = 0; i < alen; i++)
		if (auth[i] == '@')
			at = auth + i;
	put(o, s, (size_t)(auth - s));
	colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
	if (colon != NULL) {
		put(o, auth, (size_t)(colon + 1 - auth));
		put(o, MASK, strlen(MASK));
		put(o, at, (size_t)(auth + alen - at));
		masked = 1;
	} else
		put(o, auth, alen);
	s = auth + alen;
	if ((q = strchr(s, '?')) == NULL) {
		put(o, s, strlen(s));
		return masked;
	}
	put(o, s, (size_t)(q + 1 - s));
	return mask_query(q + 1, o) | masked;
}

/*
 * A keyword's value at s, n bytes with its quotes; 0 if it overflows, or
 * when unquoted it has a backslash (libpq's escape, which value_len()
 * does not follow there).
 */
static int
unquote(const char *s, size_t n, char *out, size_t size)
{
	size_t i = 0, j = 0, end = n;

	if (n > 0 && s[0] == '\'') {
		i = 1;
		end = n - 1;
	} else if (memchr(s, '\\', n) != NULL)
		return 0;
	for (; i < end; i++) {
		if (s[0] == '\'' && s[i] == '\\')
			i++;
		if (i >= end || j + 1 >= size)
			return 0;
		out[j++] = s[i];
	}
	out[j] = '\0';
	return 1;
}

static int
keyword_value(const char *s, const char *key, char *out, size_t size)
{
	const char *k;
	size_t klen, n, want = strlen(key);
	int found = 0, unclosed;

	while (*s != '\0') {
		s += spaces(s);
		k = s;
		for (klen = 0; s[klen] != '\0' && s[klen] != '=' &&
		    !isspace((unsigned char)s[klen]); klen++)
			;
		s += klen;
		n = spaces(s);
		if (s[n] != '=')
			continue;
		s += n + 1;
		s += spaces(s);
		n = value_len(s, &unclosed);
		if (klen == want && strncmp(k, key, want) == 0)
			found = !unclosed && unquote(s, n, out, size);
		s += n;
	}
	return found;
}

static int
hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int
query_value(const char *q, const char *key, char *out, size_t size)
{
	size_t n, i, j, want = strlen(key);
	int found = 0, hi, lo;

	while (*q != '\0' && *q != '#') {
		n = strcspn(q, "&#");
		if (n > want && strncmp(q, key, want) == 0 && q[want] == '=') {
			found = 1;
			for (i = want + 1, j = 0; i < n && found; i++, j++) {
				if (j + 1 >= size)
					found = 0;
				else if (q[i] != '%')
					out[j] = q[i];
				else if (i + 2 < n &&
				    (hi = hex((unsigned char)q[i + 1])) >= 0 &&
				    (lo = hex((unsigned char)q[i + 2])) >= 0) {
					out[j] = (char)(hi * 16 + lo);
					i += 2;
				} else
					found = 0;
			}
			if (found)
				out[j] = '\0';
		}
		q += n;
		if (*q == '&')
			q++;
	}
	return found;
}

int
conninfo_value(const char *s, const char *key, char *out, size_t size)
{
	const char *q;

	if (size == 0)
		return 0;
	if (strncmp(s, "postgresql://", 13) != 0 &&
	    strncmp(s, "postgres://", 11) != 0)
		return keyword_value(s, key, out, size);
	if ((q = strchr(s, '?')) == NULL)
		return 0;
	return query_value(q + 1, key, out, size);
}

int
conninfo_mask(const char *s, char *out, size_t size)
{
	struct out o = { out, size };
	const char *auth;

	if (size == 0)
		return 0;
	*out = '\0';
	if (strncmp(s, "postgresql://", 13) == 0)
		auth = s + 13;
	else if (strncmp(s, "postgres://", 11) == 0)
		auth = s + 11;
	else
		return mask_keywords(s, &o);
	return mask_uri(s, auth, &o);
}
