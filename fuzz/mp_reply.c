/*
 * mp_reply.c - Mercado Pago's answers, which come from the network:
 * read as mp_call() reads them (mp_reply_parse), then used the ways
 * brickgate uses them: an error's causes passed to the browser, a
 * payment (GET, a create, a webhook's fetch) or a search's results
 * recorded into a purchase, the summary the page gets, and a refund's
 * answer (POST .../refunds) recorded into the purchase's open refund.
 *
 * Input: an optional first line "SITE N" (N: 0 a purchase without
 * payments, 1 one with an attempt left "creating", 2 one whose payment
 * 91000000001 is pending), then the answer's body.  Checked: the
 * summary holds only what brickgate(8), Answers, lists, no payer data or
 * anything else; what is passed on or saved reads back; a purchase with
 * a payment recorded loads again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "json_strict.h"
#include "mp_client.h"
#include "payment.h"
#include "purchase.h"
#include "refund.h"
#include "summary.h"

#define ID		"order-1001"
#define NVARIANTS	3
#define MP_DEPTH	32

int	 LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const sites[] = { "MLB", "MLA", "MLM", "MPE", "MCO",
    "MLU", "MLC", NULL };

static const char *const attempts[NVARIANTS] = {
	"",
	",\"payments\":[{\"id\":null,\"state\":\"creating\","
	"\"idempotency_key\":\"0b4f5c1e-3c5e-4f0a-9d61-2b7f0c6a1e55\","
	"\"payment_method_id\":\"pix\",\"payment_type_id\":\"bank_transfer\","
	"\"status\":null,\"status_detail\":null,"
	"\"started_at\":\"2026-01-01T00:00:00.000Z\","
	"\"updated_at\":\"2026-01-01T00:00:00.000Z\"}]",
	",\"payments\":[{\"id\":91000000001,\"state\":\"created\","
	"\"idempotency_key\":\"0b4f5c1e-3c5e-4f0a-9d61-2b7f0c6a1e55\","
	"\"payment_method_id\":\"bolbradesco\",\"payment_type_id\":\"ticket\","
	"\"status\":\"pending\",\"status_detail\":\"pending_waiting_payment\","
	"\"date_last_updated\":\"2026-01-01T00:00:00.000-04:00\","
	"\"started_at\":\"2026-01-01T00:00:00.000Z\","
	"\"updated_at\":\"2026-01-01T00:00:00.000Z\"}]",
};

/* What a summary may hold (brickgate(8), Answers), by path and kind. */
static const struct {
	const char *path;
	char kind;		/* 'o' object, 's' string, 'i' integer */
} summary_members[] = {
	{ "purchase_id", 's' }, { "id", 'i' }, { "status", 's' },
	{ "status_detail", 's' }, { "payment_method_id", 's' },
	{ "payment_type_id", 's' }, { "transaction_amount", 's' },
	{ "installments", 'i' }, { "pix", 'o' }, { "pix.qr_code", 's' },
	{ "pix.qr_code_base64", 's' }, { "pix.ticket_url", 's' },
	{ "pix.expires_at", 's' }, { "ticket", 'o' }, { "ticket.url", 's' },
	{ "ticket.barcode", 's' }, { "ticket.expires_at", 's' },
	{ "ticket.payment_method_reference_id", 's' },
	{ "ticket.verification_code", 's' }, { "ticket.digitable_line", 's' },
	{ "redirect_url", 's' }, { "three_ds", 'o' },
	{ "three_ds.external_resource_url", 's' }, { "three_ds.creq", 's' },
};

static void
summary_ok(json_object *s, const char *prefix)
{
	json_type want, t;
	char path[128];
	size_t i;

	FUZZ_ASSERT(json_object_is_type(s, json_type_object));
	json_object_object_foreach(s, k, v) {
		snprintf(path, sizeof(path), "%s%s%s", prefix,
		    *prefix ? "." : "", k);
		for (i = 0; i < sizeof(summary_members) /
		    sizeof(summary_members[0]); i++)
			if (strcmp(summary_members[i].path, path) == 0)
				break;
		if (i == sizeof(summary_members) / sizeof(summary_members[0]))
			fprintf(stderr, "summary has %s\n", path);
		FUZZ_ASSERT(i < sizeof(summary_members) /
		    sizeof(summary_members[0]));
		want = summary_members[i].kind == 'o' ? json_type_object :
		    summary_members[i].kind == 'i' ? json_type_int :
		    json_type_string;
		t = json_object_get_type(v);
		if (t != want)
			fprintf(stderr, "summary's %s is %s\n", path,
			    json_type_to_name(t));
		FUZZ_ASSERT(t == want);
		if (t == json_type_object)
			summary_ok(v, path);
	}
	fuzz_reads_back(s, MP_DEPTH);
}

/* An error answer's causes, as a refusal passes them to the browser. */
static void
refusal(json_object *reply)
{
	struct mp_reply rep;
	json_object *up;

	memset(&rep, 0, sizeof(rep));
	rep.status = 400;
	up = payment_upstream(&rep, mp_causes(reply));
	FUZZ_ASSERT(json_object_array_length(form_get(up, "causes")) <= 10);
	fuzz_reads_back(up, MP_DEPTH);
	json_object_put(up);
	mp_has_cause(reply, "2004");
}

static void
saves(struct bg_context *c)
{
	struct bg_context again;
	struct bg_error e;
	const char *text;
	size_t len;

	text = context_text(c, &len);
	bg_error_clear(&e);
	if (context_parse(&again, ID, text, len, c->site, &e) == -1)
		fprintf(stderr, "saved context refused: %s\n", e.message);
	FUZZ_ASSERT(e.status == 0);
	context_free(&again);
}

/* Recorded into the purchase as a search, a refresh or a webhook does. */
static void
record(const struct bg_config *cfg, int variant, json_object *reply)
{
	struct purchase p;
	struct attempt *open, *a;
	struct bg_error e;
	char text[2048];

	purchase_init(&p, cfg, NULL, NULL, fuzz_log(), 1000);
	snprintf(text, sizeof(text), "{\"amount\":\"%s\"%s}",
	    cfg->site->decimals ? "150.00" : "150", attempts[variant]);
	fuzz_context(&p.c, ID, text, cfg->site);
	open = context_latest(&p.c);
	if (open != NULL && open->state != ATTEMPT_CREATING)
		open = NULL;
	if (purchase_learn_search(&p, reply, open) == -1 &&
	    purchase_payment_complete(reply)) {
		a = purchase_learn(&p, reply, open, &e);
		FUZZ_ASSERT(a != NULL);
		if (a->summary != NULL)
			summary_ok(a->summary, "");
	}
	purchase_paid(&p);
	saves(&p.c);
	context_free(&p.c);
}

/* Read as `brickgate refund` reads a refund's answer, then saved. */
static void
refund_answer(const struct bg_config *cfg, json_object *reply)
{
	struct bg_context c;
	struct refund *f;
	char text[2048];
	int64_t before;

	snprintf(text, sizeof(text), "{\"amount\":\"%s\",\"refunds\":[{"
	    "\"id\":null,\"payment_id\":91000000001,\"amount\":%s,"
	    "\"status\":null,\"idempotency_key\":"
	    "\"0b4f5c1e-3c5e-4f0a-9d61-2b7f0c6a1e55\",\"date_created\":null}]}",
	    cfg->site->decimals ? "150.00" : "150",
	    cfg->site->decimals ? "50.00" : "50");
	fuzz_context(&c, ID, text, cfg->site);
	FUZZ_ASSERT(c.n_refunds == 1);
	f = c.refunds[0];
	before = f->amount;
	if (refund_from_reply(f, reply, cfg->site->decimals) == 0)
		FUZZ_ASSERT(f->id > 0 && f->amount > 0 && f->status != NULL &&
		    !refund_open(f));
	else
		FUZZ_ASSERT(refund_open(f) && f->amount == before);
	saves(&c);
	context_free(&c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct bg_config cfgs[7];
	static int ready[7];
	json_object *reply, *s;
	const char *site;
	int variant, i;

	site = fuzz_pick_site(&data, &size, sites, &variant);
	if (variant >= NVARIANTS)
		variant = 0;
	for (i = 0; strcmp(sites[i], site) != 0; i++)
		;
	if (!ready[i]) {
		fuzz_config(&cfgs[i], site, NULL);
		ready[i] = 1;
	}
	if ((reply = mp_reply_parse((const char *)data, size)) == NULL)
		return 0;
	refusal(reply);
	s = summary_build(ID, reply, cfgs[i].site);
	summary_ok(s, "");
	json_object_put(s);
	record(&cfgs[i], variant, reply);
	refund_answer(&cfgs[i], reply);
	json_object_put(reply);
	return 0;
}
