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
