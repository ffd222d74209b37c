/*
 * context.c - the purchase-context file the storefront writes
 * (<purchase_id>.json, brickgate.conf(5)), as brickgate loads it, uses
 * it and writes it back: context_parse(), the preference and a card
 * payment made from it, a payment recorded into it, and the text saved.
 *
 * Input: an optional first line "SITE" (the configured site, MLB
 * without one), then the file.  Checked: a refused file is a complete
 * 500 invalid_context; an accepted one has a positive amount, makes a
 * preference and payment bodies that read back, and what brickgate
 * saves, after recording a payment in it, loads again (a context
 * brickgate wrote and then refuses would lock the purchase out).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "json_strict.h"
#include "money.h"
#include "mp_body.h"
#include "payment.h"
#include "preference.h"
#include "purchase.h"

#define NOW_MS		1767225600000LL		/* 2026-01-01T00:00:00Z */
#define MP_DEPTH	32
#define ID		"order-1001"

int	 LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const sites[] = { "MLB", "MLA", "MLM", "MPE", "MCO",
    "MLU", "MLC", NULL };

/* A card and a valid document per site, for the payment made below. */
static const struct {
	const char *site, *card, *type, *number;
} cards[] = {
	{ "MLB", "master", "CPF", "19119119100" },
	{ "MLA", "visa", "DNI", "12345678" },
	{ "MLM", "master", NULL, NULL },
	{ "MPE", "visa", "DNI", "12345678" },
	{ "MCO", "visa", "CC", "123456789" },
	{ "MLU", "visa", "CI", "12345672" },
	{ "MLC", "visa", "RUT", "12.345.678-5" },
};

static const char *const config_kv[] = {
	"notification_url", "https://shop.example/webhooks",
	"callback_url", "https://shop.example/back",
	"return_url", "https://shop.example/return?from=mp",
	"statement_descriptor", "BRICKSHOP", NULL,
};

static struct bg_config *
config_for(const char *site)
{
	static struct bg_config all[7];
	static int ready[7];
	int i;

	for (i = 0; strcmp(sites[i], site) != 0; i++)
		;
	if (!ready[i]) {
		fuzz_config(&all[i], site, config_kv);
		ready[i] = 1;
	}
	return &all[i];
}

/* The Brick's card form for this purchase's amount and e-mail. */
static json_object *
card_form(const struct bg_context *c)
{
	json_object *form = json_object_new_object(), *payer, *id;
	size_t i;

	for (i = 0; strcmp(cards[i].site, c->site->id) != 0; i++)
		;
	json_object_object_add(form, "token", json_object_new_string(
	    "3f1c0a7e9b2d4c6e8f0a1b2c3d4e5f60"));
	json_object_object_add(form, "payment_method_id",
	    json_object_new_string(cards[i].card));
	json_object_object_add(form, "transaction_amount",
	    json_object_new_double_s(0, c->amount_text));
	json_object_object_add(form, "installments", json_object_new_int(1));
	payer = json_object_new_object();
	json_object_object_add(payer, "email", json_object_new_string(
	    c->email && strchr(c->email, ' ') == NULL ? c->email :
	    "buyer@example.com"));
	if (cards[i].type != NULL) {
		id = json_object_new_object();
		json_object_object_add(id, "type",
		    json_object_new_string(cards[i].type));
		json_object_object_add(id, "number",
		    json_object_new_string(cards[i].number));
		json_object_object_add(payer, "identification", id);
	}
	json_object_object_add(form, "payer", payer);
	return form;
}

static void
pay(const struct bg_config *cfg, struct bg_context *c)
{
	struct method_call mc;
	struct bg_error e;
	json_object *body;

	memset(&mc, 0, sizeof(mc));
	mc.cfg = cfg;
	mc.ctx = c;
	mc.form = card_form(c);
	mc.remote_addr = "203.0.113.7";
	mc.now_ms = NOW_MS;
	bg_error_clear(&e);
	if ((body = payment_prepare(&mc, &e)) != NULL) {
		FUZZ_ASSERT(strcmp(form_str(body, "external_reference"), ID)
		    == 0);
		fuzz_reads_back(body, MP_DEPTH);
		json_object_put(body);
	} else
		fuzz_error_ok(&e);
	json_object_put(mc.form);
}

/* Mercado Pago's answer for a payment of this purchase. */
static json_object *
payment_of(const struct bg_context *c)
{
	json_object *p = json_object_new_object();

	json_object_object_add(p, "id", json_object_new_int64(91000000001));
	json_object_object_add(p, "status", json_object_new_string(
	    "approved"));
	json_object_object_add(p, "status_detail", json_object_new_string(
	    "accredited"));
	json_object_object_add(p, "payment_method_id",
	    json_object_new_string("visa"));
	json_object_object_add(p, "payment_type_id",
	    json_object_new_string("credit_card"));
	json_object_object_add(p, "transaction_amount",
	    json_object_new_double_s(0, c->amount_text));
	json_object_object_add(p, "currency_id", json_object_new_string(
	    c->site->currency));
	json_object_object_add(p, "external_reference",
	    json_object_new_string(ID));
	json_object_object_add(p, "date_last_updated", json_object_new_string(
	    "2026-01-01T00:00:01.000-04:00"));
	return p;
}

/* What brickgate saves loads again, and saves the same. */
static void
saves(struct bg_context *c)
{
	struct bg_context again;
	struct bg_error e;
	const char *text;
	char *copy;
	size_t len;

	text = context_text(c, &len);
	FUZZ_ASSERT(text != NULL);
	FUZZ_ASSERT((copy = strndup(text, len)) != NULL);
	bg_error_clear(&e);
	if (context_parse(&again, ID, copy, len, c->site, &e) == -1)
		fprintf(stderr, "saved context refused: %s\n%s\n", e.message,
		    copy);
	FUZZ_ASSERT(e.status == 0);
	text = context_text(&again, &len);
	FUZZ_ASSERT(strlen(copy) == len && memcmp(copy, text, len) == 0);
	context_free(&again);
	free(copy);
}

static void
use(const struct bg_config *cfg, struct bg_context *c)
{
	struct purchase p;
	json_object *o, *found;
	struct bg_error e;

	FUZZ_ASSERT(c->amount > 0 && c->amount_text[0] != '\0');
	FUZZ_ASSERT(c->site == cfg->site);
	context_allows(c, "visa", "credit_card");
	o = preference_body(cfg, c);
	fuzz_reads_back(o, MP_DEPTH);
	json_object_put(o);
	if (c->items != NULL) {
		o = mp_items(c);
		fuzz_reads_back(o, MP_DEPTH);
		json_object_put(o);
	}
	pay(cfg, c);
	saves(c);
	/* A payment found by a search or a webhook, recorded and saved. */
	purchase_init(&p, cfg, NULL, NULL, fuzz_log(), 1000);
	p.c = *c;
	found = payment_of(c);
	purchase_learn(&p, found, NULL, &e);
	purchase_paid(&p);
	json_object_put(found);
	*c = p.c;
	saves(c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct bg_config *cfg;
	struct bg_context c;
	struct bg_error e;
	int variant;

	cfg = config_for(fuzz_pick_site(&data, &size, sites, &variant));
	bg_error_clear(&e);
	if (context_parse(&c, ID, (const char *)data, size, cfg->site, &e)
	    == -1) {
		fuzz_error_ok(&e);
		FUZZ_ASSERT(e.status == 500 &&
		    strcmp(e.code, "invalid_context") == 0);
		FUZZ_ASSERT(c.root == NULL);
		return 0;
	}
	use(cfg, &c);
	context_free(&c);
	return 0;
}
