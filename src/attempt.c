/*
 * attempt.c - a payment attempt between its typed record and the JSON
 * the store keeps.  One table says every member: its name, its type and
 * where it lives in the record; reading and writing both follow it, so
 * the two cannot drift apart.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attempt.h"
#include "form.h"
#include "timefmt.h"

enum kind {
	M_ID,		/* a positive integer, or null */
	M_STATE,	/* one of states[] */
	M_TEXT,		/* a string, or null */
	M_TIME,		/* RFC 3339 text, not before 1970 */
	M_FLAG,		/* true, or absent */
	M_OBJECT,	/* an object, or absent */
};

/*
 * OPTIONAL: written only when it has a value.  REQUIRED: a record without
 * it is damaged; any other member may be absent, read as null.
 */
#define OPTIONAL	0x1
#define REQUIRED	0x2

static const struct member {
	const char	*name;
	enum kind	 kind;
	size_t		 off;
	unsigned	 flags;
} members[] = {
	{ "id",			M_ID,	offsetof(struct attempt, payment_id), 0 },
	{ "state",		M_STATE, offsetof(struct attempt, state),
	    REQUIRED },
	{ "idempotency_key",	M_TEXT,	offsetof(struct attempt, key), 0 },
	{ "payment_method_id",	M_TEXT,	offsetof(struct attempt, method_id), 0 },
	{ "payment_type_id",	M_TEXT,	offsetof(struct attempt, type_id), 0 },
	{ "status",		M_TEXT,	offsetof(struct attempt, status), 0 },
	{ "status_detail",	M_TEXT,	offsetof(struct attempt, status_detail),
	    0 },
	{ "started_at",		M_TIME,	offsetof(struct attempt, started_at),
	    REQUIRED },
	{ "updated_at",		M_TIME,	offsetof(struct attempt, updated_at),
	    REQUIRED },
	{ "date_last_updated",	M_TEXT,	offsetof(struct attempt,
	    date_last_updated), OPTIONAL },
	{ "summary",		M_OBJECT, offsetof(struct attempt, summary),
	    OPTIONAL },
	{ "mismatch",		M_FLAG,	offsetof(struct attempt, mismatch),
	    OPTIONAL },
	{ "refusal",		M_OBJECT, offsetof(struct attempt, refusal),
	    OPTIONAL },
};
#define NMEMBERS (sizeof(members) / sizeof(members[0]))

static const char *const states[] = {
	[ATTEMPT_CREATING] = "creating",
	[ATTEMPT_CREATED] = "created",
	[ATTEMPT_REFUSED] = "refused",
};

const char *
attempt_state_name(enum attempt_state s)
{
	return states[s];
}

int
attempt_set(char **member, const char *s)
{
	char *copy = NULL;

	if (s != NULL && (copy = strdup(s)) == NULL)
		return -1;
	free(*member);
	*member = copy;
	return 0;
}

struct attempt *
attempt_new(const char *key, const char *method_id, const char *type_id,
    int64_t now)
{
	struct attempt *a = calloc(1, sizeof(*a));

	if (a == NULL)
		return NULL;
	a->state = ATTEMPT_CREATING;
	a->started_at = a->updated_at = now;
	if (attempt_set(&a->key, key) == -1 ||
	    attempt_set(&a->method_id, method_id) == -1 ||
	    attempt_set(&a->type_id, type_id) == -1) {
		attempt_free(a);
		return NULL;
	}
	return a;
}

void
attempt_free(struct attempt *a)
{
	size_t i;
	void *at;

	if (a == NULL)
		return;
	for (i = 0; i < NMEMBERS; i++) {
		at = (char *)a + members[i].off;
		if (members[i].kind == M_TEXT)
			free(*(char **)at);
		else if (members[i].kind == M_OBJECT)
			json_object_put(*(json_object **)at);
	}
	free(a);
}

/* One member into the record: 0, or -1 when v is not of its kind. */
static int
read_member(const struct member *m, json_object *v, struct attempt *a)
{
	void *at = (char *)a + m->off;
	const char *s = json_object_get_string(v);
	size_t i;

	switch (m->kind) {
	case M_ID:
		if (v == NULL)
			return 0;
		if (!json_object_is_type(v, json_type_int) ||
		    json_object_get_int64(v) <= 0)
			return -1;
		*(int64_t *)at = json_object_get_int64(v);
		return 0;
	case M_STATE:
		for (i = 0; json_object_is_type(v, json_type_string) &&
		    i < sizeof(states) / sizeof(states[0]); i++)
			if (strcmp(s, states[i]) == 0) {
				*(enum attempt_state *)at = (enum attempt_state)i;
				return 0;
			}
		return -1;
	case M_TEXT:
		if (v == NULL)
			return 0;
		if (!json_object_is_type(v, json_type_string))
			return -1;
		return attempt_set((char **)at, s);
	case M_TIME:
		/* Written from the clock: never before the epoch. */
		return json_object_is_type(v, json_type_string) &&
		    rfc3339_parse(s, (int64_t *)at) == 0 &&
		    *(int64_t *)at >= 0 ? 0 : -1;
	case M_FLAG:
		if (!json_object_is_type(v, json_type_boolean))
			return -1;
		*(int *)at = json_object_get_boolean(v);
		return 0;
	case M_OBJECT:
		if (!json_object_is_type(v, json_type_object))
			return -1;
		*(json_object **)at = json_object_get(v);
		return 0;
	}
	return -1;
}

/* The table's line for a member's name, or NULL. */
static const struct member *
member_named(const char *name)
{
	size_t i;

	for (i = 0; i < NMEMBERS; i++)
		if (strcmp(members[i].name, name) == 0)
			return &members[i];
	return NULL;
}

int
attempt_parse(json_object *o, struct attempt **out, char *why, size_t size)
{
	const struct member *m;
	struct attempt *a;
	json_object *v;
	size_t i;

	*out = NULL;
	if (!json_object_is_type(o, json_type_object)) {
		snprintf(why, size, "is not an object");
		return -1;
	}
	/* Written by brickgate in full: a member it never writes is damage. */
	json_object_object_foreach(o, k, unused) {
		(void)unused;
		if (member_named(k) == NULL) {
			/* Its name is shown when it is a plain one. */
			snprintf(why, size, "has a member brickgate does not "
			    "write (%s)", strlen(k) <= 40 && form_is_token(k) ?
			    k : "not a plain name");
			return -1;
		}
	}
	if ((a = calloc(1, sizeof(*a))) == NULL) {
		snprintf(why, size, "cannot be read: out of memory");
		return -1;
	}
	for (i = 0; i < NMEMBERS; i++) {
		m = &members[i];
		if (!json_object_object_get_ex(o, m->name, &v)) {
			if (!(m->flags & REQUIRED))
				continue;
			snprintf(why, size, "lacks %s", m->name);
			attempt_free(a);
			return -1;
		}
		if (read_member(m, v, a) == -1) {
			snprintf(why, size, "has %s of the wrong type",
			    m->name);
			attempt_free(a);
			return -1;
		}
	}
	*out = a;
	return 0;
}

/* One member as JSON; *skip when an optional one has no value. */
static json_object *
write_member(const struct member *m, const struct attempt *a, int *skip)
{
	const void *at = (const char *)a + m->off;
	const char *s;
	char ts[32];

	*skip = 0;
	switch (m->kind) {
	case M_ID:
		return *(const int64_t *)at > 0 ?
		    json_object_new_int64(*(const int64_t *)at) : NULL;
	case M_STATE:
		return json_object_new_string(attempt_state_name(
		    *(const enum attempt_state *)at));
	case M_TEXT:
		s = *(char *const *)at;
		*skip = s == NULL && (m->flags & OPTIONAL);
		return s != NULL ? json_object_new_string(s) : NULL;
	case M_TIME:
		rfc3339_format(*(const int64_t *)at, ts, sizeof(ts));
		return json_object_new_string(ts);
	case M_FLAG:
		*skip = !*(const int *)at;
		return *skip ? NULL : json_object_new_boolean(1);
	case M_OBJECT:
		*skip = *(json_object *const *)at == NULL;
		return json_object_get(*(json_object *const *)at);
	}
	*skip = 1;
	return NULL;
}

json_object *
attempt_json(const struct attempt *a)
{
	json_object *o = json_object_new_object(), *v;
	size_t i;
	int skip;

	if (o == NULL)
		return NULL;
	for (i = 0; i < NMEMBERS; i++) {
		v = write_member(&members[i], a, &skip);
		if (!skip)
			json_object_object_add(o, members[i].name, v);
	}
	return o;
}
