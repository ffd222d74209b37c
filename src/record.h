/*
 * record.h - a typed record of brickgate's, read from and written to the
 * JSON the store keeps by one table of its members (an attempt's, a
 * refund's): reading and writing follow the same table, so they cannot
 * drift apart.
 */
#ifndef BG_RECORD_H
#define BG_RECORD_H

#include <stddef.h>

#include <json-c/json.h>

enum record_kind {
	REC_ID,		/* int64_t: a positive integer, or null (0) */
	REC_CHOICE,	/* int: the index of one of choices[] */
	REC_TEXT,	/* char *, owned: a string, or null (NULL) */
	REC_TIME,	/* int64_t ms: RFC 3339 text, not before 1970 */
	REC_FLAG,	/* int: true, or absent */
	REC_OBJECT,	/* json_object *, owned: an object, or absent */
	REC_MONEY,	/* int64_t minor units: a positive decimal amount */
};

/* REC_OPTIONAL: written only when it has a value. */
#define REC_OPTIONAL	0x1
/* REC_REQUIRED: a record without it is damaged (others read as null). */
#define REC_REQUIRED	0x2

struct record_member {
	const char		*name;
	enum record_kind	 kind;
	size_t			 off;
	unsigned		 flags;
	const char *const	*choices;	/* REC_CHOICE: NULL-ended */
};

struct record_type {
	const struct record_member	*members;
	size_t				 n;
};

/*
 * Reads o into rec (zeroed by the caller; decimals for REC_MONEY): -1
 * with why (a member's name and what is wrong with it, never a value).
 * On failure rec may hold some members: record_free_members() them.
 */
int	 record_parse(const struct record_type *t, json_object *o, void *rec,
	    int decimals, char *why, size_t size);
/* The record as JSON, members in the table's order; NULL when OOM. */
json_object *record_json(const struct record_type *t, const void *rec,
	    int decimals);
/* Frees the owned members (text, objects), not rec itself. */
void	 record_free_members(const struct record_type *t, void *rec);

/* Replaces an owned text member with a copy of s (NULL: null); -1 OOM. */
int	 record_set(char **member, const char *s);

#endif
