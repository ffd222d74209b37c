/*
 * record.c - members in, members out, by the table record.h describes.
 * brickgate writes its records in full, so a member it never writes, or
 * one of the wrong type, is damage, and the purchase is not read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "form.h"
#include "money.h"
#include "record.h"
#include "timefmt.h"

int
record_set(char **member, const char *s)
{
	char *copy = NULL;

	if (s != NULL && (copy = strdup(s)) == NULL)
		return -1;
	free(*member);
	*member = copy;
	return 0;
}

static int
read_choice(const struct record_member *m, json_object *v, int *at)
{
	int i;

	for (i = 0; json_object_is_type(v, json_type_string) &&
	    m->choices[i] != NULL; i++)
		if (strcmp(json_object_get_string(v), m->choices[i]) == 0) {
			*at = i;
			return 0;
		}
	return -1;
}

/* One member into the record: 0, or -1 when v is not of its kind. */
static int
read_member(const struct record_member *m, json_object *v, void *rec,
    int decimals)
{
	void *at = (char *)rec + m->off;
	struct bg_error e;

	switch (m->kind) {
	case REC_ID:
		if (v == NULL)
			return 0;
		if (!json_object_is_type(v, json_type_int) ||
		    json_object_get_int64(v) <= 0)
			return -1;
		*(int64_t *)at = json_object_get_int64(v);
		return 0;
	case REC_CHOICE:
		return read_choice(m, v, (int *)at);
	case REC_TEXT:
		if (v == NULL)
			return 0;
		if (!json_object_is_type(v, json_type_string))
			return -1;
		return record_set((char **)at, json_object_get_string(v));
	case REC_TIME:
		/* Written from the clock: never before the epoch. */
		return json_object_is_type(v, json_type_string) &&
		    rfc3339_parse(json_object_get_string(v), (int64_t *)at) ==
		    0 && *(int64_t *)at >= 0 ? 0 : -1;
	case REC_FLAG:
		if (!json_object_is_type(v, json_type_boolean))
			return -1;
		*(int *)at = json_object_get_boolean(v);
		return 0;
	case REC_OBJECT:
		if (!json_object_is_type(v, json_type_object))
			return -1;
		*(json_object **)at = json_object_get(v);
		return 0;
	case REC_MONEY:
		return money_from_json(v, decimals, 0, (int64_t *)at, m->name,
		    &e) == -1 || *(int64_t *)at <= 0 ? -1 : 0;
	}
	return -1;
}

static const struct record_member *
member_named(const struct record_type *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->members[i].name, name) == 0)
			return &t->members[i];
	return NULL;
}

int
record_parse(const struct record_type *t, json_object *o, void *rec,
    int decimals, char *why, size_t size)
{
	const struct record_member *m;
	json_object *v;
	size_t i;

	if (!json_object_is_type(o, json_type_object)) {
		snprintf(why, size, "is not an object");
		return -1;
	}
	json_object_object_foreach(o, k, unused) {
		(void)unused;
		if (member_named(t, k) == NULL) {
			/* Its name is shown when it is a plain one. */
			snprintf(why, size, "has a member brickgate does not "
			    "write (%s)", strlen(k) <= 40 && form_is_token(k) ?
			    k : "not a plain name");
			return -1;
		}
	}
	for (i = 0; i < t->n; i++) {
		m = &t->members[i];
		if (!json_object_object_get_ex(o, m->name, &v) ||
		    (v == NULL && (m->flags & REC_REQUIRED))) {
			if (!(m->flags & REC_REQUIRED))
				continue;
			snprintf(why, size, "lacks %s", m->name);
			return -1;
		}
		if (read_member(m, v, rec, decimals) == -1) {
			snprintf(why, size, "has %s of the wrong type",
			    m->name);
			return -1;
		}
	}
	return 0;
}

/* One member as JSON; *skip when an optional one has no value. */
static json_object *
write_member(const struct record_member *m, const void *rec, int decimals,
    int *skip)
{
	const void *at = (const char *)rec + m->off;
	const char *s;
	char ts[32];

	*skip = 0;
	switch (m->kind) {
	case REC_ID:
		return *(const int64_t *)at > 0 ?
		    json_object_new_int64(*(const int64_t *)at) : NULL;
	case REC_CHOICE:
		return json_object_new_string(m->choices[*(const int *)at]);
	case REC_TEXT:
		s = *(char *const *)at;
		*skip = s == NULL && (m->flags & REC_OPTIONAL);
		return s != NULL ? json_object_new_string(s) : NULL;
	case REC_TIME:
		rfc3339_format(*(const int64_t *)at, ts, sizeof(ts));
		return json_object_new_string(ts);
	case REC_FLAG:
		*skip = !*(const int *)at;
		return *skip ? NULL : json_object_new_boolean(1);
	case REC_OBJECT:
		*skip = *(json_object *const *)at == NULL;
		return json_object_get(*(json_object *const *)at);
	case REC_MONEY:
		return money_to_json(*(const int64_t *)at, decimals);
	}
	*skip = 1;
	return NULL;
}

json_object *
record_json(const struct record_type *t, const void *rec, int decimals)
{
	json_object *o = json_object_new_object(), *v;
	size_t i;
	int skip;

	if (o == NULL)
		return NULL;
	for (i = 0; i < t->n; i++) {
		v = write_member(&t->members[i], rec, decimals, &skip);
		if (t->members[i].kind == REC_MONEY && v == NULL) {
			json_object_put(o);
			return NULL;
		}
		if (!skip)
			json_object_object_add(o, t->members[i].name, v);
	}
	return o;
}

void
record_free_members(const struct record_type *t, void *rec)
{
	void *at;
	size_t i;

	for (i = 0; i < t->n; i++) {
		at = (char *)rec + t->members[i].off;
		if (t->members[i].kind == REC_TEXT)
			free(*(char **)at);
		else if (t->members[i].kind == REC_OBJECT)
			json_object_put(*(json_object **)at);
	}
}
