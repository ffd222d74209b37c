/*
 * util.h - small helpers the sandbox modules share: random ids, Mercado
 * Pago's date format and JSON path lookups.
 */
#ifndef SB_UTIL_H
#define SB_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <json-c/json.h>

#define SB_UUID_LEN	36
#define SB_DATE_LEN	29	/* 2026-03-02T14:10:05.000-04:00 */

/* Fills buf (37 bytes) with a random UUID v4. */
void	 sb_uuid(char *buf);

/* Fills buf (2 * nbytes + 1) with random lowercase hex. */
void	 sb_random_hex(char *buf, size_t nbytes);

/* Random integer in [0, bound). */
uint64_t sb_random_below(uint64_t bound);

/*
 * Mercado Pago answers dates with milliseconds and the offset of its own
 * servers (-04:00), whatever the site: "2026-03-02T14:10:05.000-04:00".
 * buf must hold SB_DATE_LEN + 1 bytes.
 */
void	 sb_date(time_t t, char *buf);

/* The `data` of an error cause: "02-03-2026T17:10:05UTC;<uuid>". */
void	 sb_cause_data(char *buf, size_t size);

/*
 * Parses "YYYY-MM-DDTHH:MM:SS[.mmm](Z|+HH:MM|-HH:MM)" into *t.  Returns
 * -1 on anything else.
 */
int	 sb_parse_date(const char *s, time_t *t);

/* Value at a dotted path ("payer.identification.number"), or NULL. */
json_object *sb_jget(json_object *o, const char *path);

/*
 * String at a path, or NULL when absent or not a string; an empty string
 * or one holding NUL counts as absent, because no field here may be either.
 */
const char *sb_jstr(json_object *o, const char *path);

/* A deep copy of o (json_object_deep_copy), NULL for NULL. */
json_object *sb_jcopy(json_object *o);

/* A JSON number from exact decimal text, never through a double. */
json_object *sb_jnumber(const char *text);

/* Serialised without slash escapes, strdup'ed; the caller frees. */
char	*sb_jdump(json_object *o);

#endif
