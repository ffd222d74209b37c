/*
 * query.h - application/x-www-form-urlencoded query strings.
 *
 * The query is decoded once into a private copy; lookups then tell apart
 * "absent", "present once", "present but malformed" and "repeated", so
 * that callers never act on an ambiguous parameter.
 */
#ifndef BG_QUERY_H
#define BG_QUERY_H

#include <stddef.h>

#define QUERY_MAX_PARAMS 32

struct query_param {
	char	*key;
	char	*value;
	int	 bad;		/* bad escape, or a decoded NUL */
};

struct query {
	char	*buf;
	struct query_param p[QUERY_MAX_PARAMS];
	int	 n;
	int	 overflow;	/* more than QUERY_MAX_PARAMS pairs */
};

enum query_found { Q_ABSENT, Q_ONE, Q_BAD, Q_REPEATED };

/* Decodes s in place into q; -1 only when out of memory. */
int	 query_parse(struct query *q, const char *s);
void	 query_free(struct query *q);

/* Finds key; *value is set for Q_ONE (and for Q_REPEATED, the first). */
enum query_found query_get(const struct query *q, const char *key,
	    const char **value);

/*
 * Percent-decodes src[0..len) into dst (at least len + 1 bytes), '+' as a
 * space when plus_is_space; returns the decoded length, or -1 on a bad
 * escape or a decoded NUL byte.
 */
long	 url_decode(char *dst, const char *src, size_t len, int plus_is_space);

/*
 * Writes base with "name=value" added to its query (before any fragment)
 * into out; name and value must need no escaping.  -1 when it does not
 * fit.
 */
int	 url_with_param(const char *base, const char *name, const char *value,
	    char *out, size_t size);

#endif
