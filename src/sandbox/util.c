/*
 * util.c - random ids, dates, JSON helpers.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "json_strict.h"
#include "sandbox/util.h"

/* getrandom(2) on Linux never fails for small sizes once seeded. */
static void
fill_random(void *buf, size_t n)
{
	unsigned char *p = buf;
	ssize_t r;

	while (n > 0) {
		r = getrandom(p, n, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			abort();
		}
		p += r;
		n -= (size_t)r;
	}
}

void
sb_uuid(char *buf)
{
	unsigned char b[16];

	fill_random(b, sizeof(b));
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	snprintf(buf, SB_UUID_LEN + 1,
	    "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x",
	    b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9],
	    b[10], b[11], b[12], b[13], b[14], b[15]);
}

void
sb_random_hex(char *buf, size_t nbytes)
{
	unsigned char b[64];
	size_t i;

	if (nbytes > sizeof(b))
		nbytes = sizeof(b);
	fill_random(b, nbytes);
	for (i = 0; i < nbytes; i++)
		snprintf(buf + 2 * i, 3, "%02x", b[i]);
	buf[2 * nbytes] = '\0';
}

uint64_t
sb_random_below(uint64_t bound)
{
	uint64_t v;

	fill_random(&v, sizeof(v));
	return bound ? v % bound : 0;
}

void
sb_date(time_t t, char *buf)
{
	struct tm tm;
	char tmp[96];

	t -= 4 * 3600;
	gmtime_r(&t, &tm);
	/* The compiler cannot bound tm's fields: format wide, then cut. */
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02dT%02d:%02d:%02d.000-04:00",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	    tm.tm_hour, tm.tm_min, tm.tm_sec);
	memcpy(buf, tmp, SB_DATE_LEN);
	buf[SB_DATE_LEN] = '\0';
}

void
sb_cause_data(char *buf, size_t size)
{
	char uuid[SB_UUID_LEN + 1];
	struct tm tm;
	time_t t = time(NULL);

	gmtime_r(&t, &tm);
	sb_uuid(uuid);
	snprintf(buf, size, "%02d-%02d-%04dT%02d:%02d:%02dUTC;%s",
	    tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900,
	    tm.tm_hour, tm.tm_min, tm.tm_sec, uuid);
}

static int
digits(const char **s, int n, int *out)
{
	int v = 0;

	while (n-- > 0) {
		if (**s < '0' || **s > '9')
			return -1;
		v = v * 10 + (*(*s)++ - '0');
	}
	*out = v;
	return 0;
}

static int
expect(const char **s, char c)
{
	if (**s != c)
		return -1;
	(*s)++;
	return 0;
}

int
sb_parse_date(const char *s, time_t *t)
{
	struct tm tm;
	int y, mo, d, h, mi, sec, ms, oh, om, sign;

	if (s == NULL)
		return -1;
	if (digits(&s, 4, &y) || expect(&s, '-') || digits(&s, 2, &mo) ||
	    expect(&s, '-') || digits(&s, 2, &d) || expect(&s, 'T') ||
	    digits(&s, 2, &h) || expect(&s, ':') || digits(&s, 2, &mi) ||
	    expect(&s, ':') || digits(&s, 2, &sec))
		return -1;
	if (*s == '.' && (s++, digits(&s, 3, &ms)))
		return -1;
	if (*s == 'Z') {
		s++;
		sign = 0;
		oh = om = 0;
	} else if (*s == '+' || *s == '-') {
		sign = *s++ == '-' ? -1 : 1;
		if (digits(&s, 2, &oh) || expect(&s, ':') ||
		    digits(&s, 2, &om))
			return -1;
	} else
		return -1;
	if (*s != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || sec > 60 || oh > 14 || om > 59)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*t = timegm(&tm) - sign * (oh * 3600 + om * 60);
	return 0;
}

json_object *
sb_jget(json_object *o, const char *path)
{
	char key[64];
	const char *dot;
	size_t n;

	while (o != NULL && *path != '\0') {
		if (!json_object_is_type(o, json_type_object))
			return NULL;
		dot = strchr(path, '.');
		n = dot ? (size_t)(dot - path) : strlen(path);
		if (n >= sizeof(key))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		if (!json_object_object_get_ex(o, key, &o))
			return NULL;
		path += n + (dot != NULL);
	}
	return o;
}

const char *
sb_jstr(json_object *o, const char *path)
{
	json_object *v = sb_jget(o, path);
	const char *s;

	if (v == NULL || !json_object_is_type(v, json_type_string))
		return NULL;
	s = json_object_get_string(v);
	if (s[0] == '\0' || strlen(s) != (size_t)json_object_get_string_len(v))
		return NULL;
	return s;
}

json_object *
sb_jcopy(json_object *o)
{
	json_object *c = NULL;

	if (o == NULL)
		return NULL;
	if (json_object_deep_copy(o, &c, NULL) != 0)
		return NULL;
	return c;
}

json_object *
sb_jnumber(const char *text)
{
	return json_object_new_double_s(strtod(text, NULL), text);
}

char *
sb_jdump(json_object *o)
{
	return strdup(json_plain(o));
}
