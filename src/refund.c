/*
 * refund.c - a refund between its typed record and the JSON the store
 * keeps (one table of its members, record.h, as for attempts), and
 * Mercado Pago's refund object read into it.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "money.h"
#include "record.h"
#include "refund.h"

#define AT(m)	offsetof(struct refund, m)

static const struct record_member members[] = {
	{ "id",			REC_ID,	   AT(id), 0, NULL },
	{ "payment_id",		REC_ID,	   AT(payment_id), REC_REQUIRED, NULL },
	{ "amount",		REC_MONEY, AT(amount), REC_REQUIRED, NULL },
	{ "status",		REC_TEXT,  AT(status), 0, NULL },
	{ "idempotency_key",	REC_TEXT,  AT(key), REC_REQUIRED, NULL },
	{ "date_created",	REC_TEXT,  AT(date_created), 0, NULL },
};

static const struct record_type type = {
	members, sizeof(members) / sizeof(members[0])
};

struct refund *
refund_new(int64_t payment_id, int64_t amount, const char *key)
{
	struct refund *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->payment_id = payment_id;
	r->amount = amount;
	if (record_set(&r->key, key) == -1) {
		refund_free(r);
		return NULL;
	}
	return r;
}

void
refund_free(struct refund *r)
{
	if (r == NULL)
		return;
	record_free_members(&type, r);
	free(r);
}

int
refund_open(const struct refund *r)
{
	return r->id == 0 || r->status == NULL;
}

int
refund_parse(json_object *o, int decimals, struct refund **out, char *why,
    size_t size)
{
	struct refund *r;

	*out = NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		snprintf(why, size, "cannot be read: out of memory");
		return -1;
	}
	if (record_parse(&type, o, r, decimals, why, size) == -1) {
		refund_free(r);
		return -1;
	}
	*out = r;
	return 0;
}

json_object *
refund_json(const struct refund *r, int decimals)
{
	return record_json(&type, r, decimals);
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
	if (record_set(&status, form_str(reply, "status")) == -1 ||
	    record_set(&date, form_str(reply, "date_created")) == -1) {
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
