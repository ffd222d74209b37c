/*
 * query.c - query-string decoding.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

long
url_decode(char *dst, const char *src, size_t len, int plus_is_space)
{
	size_t i, o = 0;
	int hi, lo;

	for (i = 0; i < len; i++) {
		if (src[i] == '%') {
			if (i + 2 >= len)
				return -1;
			hi = hexval(src[i + 1]);
			lo = hexval(src[i + 2]);
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
				return -1;
			dst[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else if (src[i] == '+' && plus_is_space)
			dst[o++] = ' ';
		else if (src[i] == '\0')
			return -1;
		else
			dst[o++] = src[i];
	}
	dst[o] = '\0';
	return (long)o;
}

int
query_parse(struct query *q, const char *s)
{
	size_t len = s ? strlen(s) : 0, klen, pairlen;
	const char *pair, *amp, *eq;
	char *out;
	long n;

	memset(q, 0, sizeof(*q));
	/* Decoding never grows the text: one buffer holds every pair. */
	if ((q->buf = malloc(len + 2 * QUERY_MAX_PARAMS + 2)) == NULL)
		return -1;
	out = q->buf;
	for (pair = s; pair != NULL && *pair != '\0'; pair = amp ? amp + 1 :
	    NULL) {
		amp = strchr(pair, '&');
		pairlen = amp ? (size_t)(amp - pair) : strlen(pair);
		if (pairlen == 0)
			continue;
		if (q->n == QUERY_MAX_PARAMS) {
			q->overflow = 1;
			break;
		}
		eq = memchr(pair, '=', pairlen);
		klen = eq ? (size_t)(eq - pair) : pairlen;
		q->p[q->n].key = out;
		n = url_decode(out, pair, klen, 1);
		if (n < 0) {
			q->p[q->n].bad = 1;
			*out = '\0';
			n = 0;
		}
		out += n + 1;
		q->p[q->n].value = out;
		if (eq != NULL) {
			n = url_decode(out, eq + 1, pairlen - klen - 1, 1);
			if (n < 0) {
				q->p[q->n].bad = 1;
				n = 0;
				*out = '\0';
			}
		} else {
			n = 0;
			*out = '\0';
		}
		out += n + 1;
		q->n++;
	}
	return 0;
}

void
query_free(struct query *q)
{
	free(q->buf);
	memset(q, 0, sizeof(*q));
}

enum query_found
query_get(const struct query *q, const char *key, const char **value)
{
	enum query_found found = Q_ABSENT;
	int i;

	*value = NULL;
	for (i = 0; i < q->n; i++) {
		if (strcmp(q->p[i].key, key) != 0)
			continue;
		if (q->p[i].bad)
			return Q_BAD;
		if (found == Q_ONE) {
			found = Q_REPEATED;
			continue;
		}
		if (found == Q_ABSENT) {
			*value = q->p[i].value;
			found = Q_ONE;
		}
	}
	return found;
}

int
url_with_param(const char *base, const char *name, const char *value,
    char *out, size_t size)
{
	size_t head = strcspn(base, "#");
	const char *sep = "?";
	int n;

	if (head > 0 && (base[head - 1] == '?' || base[head - 1] == '&'))
		sep = "";
	else if (memchr(base, '?', head) != NULL)
		sep = "&";
	n = snprintf(out, size, "%.*s%s%s=%s%s", (int)head, base, sep, name,
	    value, base + head);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}
