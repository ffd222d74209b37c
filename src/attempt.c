/*
 * attempt.c - a payment attempt between its typed record and the JSON
 * the store keeps: one table (record.h) says every member, its name, its
 * type and where it lives in the record.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "attempt.h"
#include "record.h"

static const char *const states[] = {
	[ATTEMPT_CREATING] = "creating",
	[ATTEMPT_CREATED] = "created",
	[ATTEMPT_REFUSED] = "refused",
	NULL,
};

#define AT(m)	offsetof(struct attempt, m)

static const struct record_member members[] = {
	{ "id",			REC_ID,	    AT(payment_id), 0, NULL },
	{ "state",		REC_CHOICE, AT(state), REC_REQUIRED, states },
	{ "idempotency_key",	REC_TEXT,   AT(key), 0, NULL },
	{ "payment_method_id",	REC_TEXT,   AT(method_id), 0, NULL },
	{ "payment_type_id",	REC_TEXT,   AT(type_id), 0, NULL },
	{ "status",		REC_TEXT,   AT(status), 0, NULL },
	{ "status_detail",	REC_TEXT,   AT(status_detail), 0, NULL },
	{ "started_at",		REC_TIME,   AT(started_at), REC_REQUIRED, NULL },
	{ "updated_at",		REC_TIME,   AT(updated_at), REC_REQUIRED, NULL },
	{ "date_last_updated",	REC_TEXT,   AT(date_last_updated),
	    REC_OPTIONAL, NULL },
	{ "summary",		REC_OBJECT, AT(summary), REC_OPTIONAL, NULL },
	{ "mismatch",		REC_FLAG,   AT(mismatch), REC_OPTIONAL, NULL },
	{ "refusal",		REC_OBJECT, AT(refusal), REC_OPTIONAL, NULL },
};

static const struct record_type type = {
	members, sizeof(members) / sizeof(members[0])
};

const char *
attempt_state_name(enum attempt_state s)
{
	return states[s];
}

int
attempt_set(char **member, const char *s)
{
	return record_set(member, s);
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
	if (a == NULL)
		return;
	record_free_members(&type, a);
	free(a);
}

int
attempt_parse(json_object *o, struct attempt **out, char *why, size_t size)
{
	struct attempt *a;

	*out = NULL;
	if ((a = calloc(1, sizeof(*a))) == NULL) {
		snprintf(why, size, "cannot be read: out of memory");
		return -1;
	}
	if (record_parse(&type, o, a, 0, why, size) == -1) {
		attempt_free(a);
		return -1;
	}
	*out = a;
	return 0;
}

json_object *
attempt_json(const struct attempt *a)
{
	return record_json(&type, a, 0);
}
