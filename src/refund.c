/*
 * refund.c - a refund between its typed record and the JSON the store
 * keeps, and Mercado Pago's refund object read into it.  One table says
 * every member, like attempt.c's: reading and writing both follow it.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attempt.h"
#include "form.h"
#include "money.h"
#include "refund.h"

enum kind {
	M_ID,		/* a positive integer, or null */
	M_MONEY,	/* a decimal amount with the currency's decimals */
	M_TEXT,		/* a string, or null */
};

#define REQUIRED	0x1

static const struct member {
	const char	*name;
	enum kind	 kind;
	size_t		 off;
	unsigned	 flags;
} members[] = {
	{ "id",			M_ID,	 offsetof(struct refund, id), 0 },
	{ "payment_id",		M_ID,	 offsetof(struct refund, payment_id),
	    REQUIRED },
	{ "amount",		M_MONEY, offsetof(struct refund, amount),
	    REQUIRED },
	{ "status",		M_TEXT,	 offsetof(struct refund, status), 0 },
	{ "idempotency_key",	M_TEXT,	 offsetof(struct refund, key),
	    REQUIRED },
	{ "date_created",	M_TEXT,	 offsetof(struct refund, date_created),
	    0 },
};
#define NMEMBERS (sizeof(members) / sizeof(members[0]))

struct refund *
refund_new(int64_t payment_id, int64_t amount, const char *key)
{
	struct refund *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->payment_id = payment_id;
	r->amount = amount;
	if (attempt_set(&r->key, key) == -1) {
		refund_free(r);
		return NULL;
	}
	return r;
}

void
refund_free(struct refund *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < NMEMBERS; i++)
		if (members[i].kind == M_TEXT)
			free(*(char **)((char *)r + members[i].off));
	free(r);
}

int
refund_open(const struct refund *r)
{
	return r->id == 0 || r->status == NULL;
}

static int
read_member(const struct member *m, json_object *v, int decimals,
    struct refund *r)
{
	void *at = (char *)r + m->off;
	struct bg_error e;

	switch (m->kind) {
	case M_ID:
		if (v == NULL)
			return 0;
		if (!json_object_is_type(v, json_type_int) ||
		    json_object_get_int64(v) <= 0)
			return -1;
		*(int64_t *)at = json_object_get_int64(v);
		return 0;
	case M_MONEY:
		return money_from_json(v, decimals, 0, (int64_t *)at,
		    m->name, &e) == -1 || *(int64_t *)at <= 0 ? -1 : 0;
	case M_TEXT:
		if (v == NULL)
			return 0;
		if (!json_object_is_type(v, json_type_string))
			return -1;
		return attempt_set((char **)at, json_object_get_string(v));
	}
	return -1;
}

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
refund_parse(json_object *o, int decimals, struct refund **out, char *why,
    size_t size)
{
	const struct member *m;
	struct refund *r;
	json_object *v;
	size_t i;

	*out = NULL;
	if (!json_object_is_type(o, json_type_object)) {
		snprintf(why, size, "is not an object");
		return -1;
	}
	json_object_object_foreach(o, k, unused) {
		(void)unused;
		if (member_named(k) == NULL) {
			snprintf(why, size, "has a member brickgate does not "
			    "write (%s)", strlen(k) <= 40 && form_is_token(k) ?
			    k : "not a plain name");
			return -1;
		}
	}
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		snprintf(why, size, "cannot be read: out of memory");
		return -1;
	}
	for (i = 0; i < NMEMBERS; i++) {
		m = &members[i];
		if (!json_object_object_get_ex(o, m->name, &v) || (v == NULL &&
		    (m->flags & REQUIRED))) {
			if (!(m->flags & REQUIRED))
				continue;
			snprintf(why, size, "lacks %s", m->name);
			refund_free(r);
			return -1;
		}
		if (read_member(m, v, decimals, r) == -1) {
			snprintf(why, size, "has %s of the wrong type",
			    m->name);
			refund_free(r);
			return -1;
		}
	}
	*out = r;
	return 0;
}

json_object *
refund_json(const struct refund *r, int decimals)
{
	json_object *o = json_object_new_object(), *v;
	const void *at;
	const char *s;
	size_t i;

	if (o == NULL)
		return NULL;
	for (i = 0; i < NMEMBERS; i++) {
		at = (const char *)r + members[i].off;
		switch (members[i].kind) {
		case M_ID:
			v = *(const int64_t *)at > 0 ?
			    json_object_new_int64(*(const int64_t *)at) : NULL;
			break;
		case M_MONEY:
			if ((v = money_to_json(*(const int64_t *)at,
			    decimals)) == NULL) {
				json_object_put(o);
				return NULL;
			}
			break;
		default:
			s = *(char *const *)at;
			v = s != NULL ? json_object_new_string(s) : NULL;
			break;
		}
		json_object_object_add(o, members[i].name, v);
	}
	return o;
}

int
refund_reply_complete(json_object *reply)
{
	return json_object_is_type(form_get(reply, "id"), json_type_int) &&
	    json_object_get_int64(form_get(reply, "id")) > 0 &&
	    form_str(reply, "status") != NULL &&
	    form_get(reply, "amount") != NULL;
}

int
refund_from_reply(struct refund *r, json_object *reply, int decimals)
{
	json_object *pid = form_get(reply, "payment_id");
	char *status = NULL, *date = NULL;
	struct bg_error e;
	int64_t amount;

	if (!refund_reply_complete(reply) ||
	    money_from_json(form_get(reply, "amount"), decimals, 0, &amount,
	    "amount", &e) == -1 || amount <= 0)
		return -1;
	/* Mercado Pago names the payment; another one's refund is not ours. */
	if (pid != NULL && (!json_object_is_type(pid, json_type_int) ||
	    json_object_get_int64(pid) != r->payment_id))
		return -1;
	if (attempt_set(&status, form_str(reply, "status")) == -1 ||
	    attempt_set(&date, form_str(reply, "date_created")) == -1) {
		free(status);
		return -1;
	}
	r->id = json_object_get_int64(form_get(reply, "id"));
	r->amount = amount;
	free(r->status);
	r->status = status;
	free(r->date_created);
	r->date_created = date;
	return 0;
}
