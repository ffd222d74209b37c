/*
 * form.c - the Brick's form body for one family of payment methods
 * (built once per family: -DFAMILY="card", "pix", "ticket" or "pse"),
 * through what POST /process_payment runs on it: the strict JSON gate,
 * the submission (formData alone or the onSubmit wrapper), then steps 3
 * to 6 against a loaded purchase: the module, the field table, the
 * module's own checks, the checks against the purchase, and the payment
 * body that would go to Mercado Pago.
 *
 * Input: an optional first line "SITE N" (a site where the family is
 * offered, N the variant of configuration and purchase below), then the
 * body.  Checked, whatever the input: a refusal is a complete 400 or
 * 403; a body carries the purchase's own amount, id and the form's
 * method, holds only allowed members (nothing the browser adds reaches
 * Mercado Pago), and reads back as strict JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "json_strict.h"
#include "payment.h"

#ifndef FAMILY
#error "build with -DFAMILY=\"card\" (or pix, ticket, pse)"
#endif

#define NOW_MS		1767225600000LL		/* 2026-01-01T00:00:00Z */
#define NVARIANTS	3
#define MP_DEPTH	32

int	 LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct {
	const char *family;
	const char *const sites[8];
} offered[] = {
	{ "card", { "MLB", "MLA", "MLM", "MPE", "MCO", "MLU", "MLC", NULL } },
	{ "pix", { "MLB", NULL } },
	{ "ticket", { "MLB", "MLA", "MLM", "MPE", "MCO", "MLU", NULL } },
	{ "pse", { "MCO", NULL } },
};

/* A valid document per site (none in Mexico). */
static const struct {
	const char *site, *type, *number;
} ids[] = {
	{ "MLB", "CPF", "19119119100" },
	{ "MLA", "DNI", "12345678" },
	{ "MCO", "CC", "123456789" },
	{ "MLC", "RUT", "12.345.678-5" },
	{ "MLU", "CI", "12345672" },
	{ "MPE", "DNI", "12345678" },
};

/*
 * Variant 0: the least a shop configures and writes.  1: every key and
 * every context field (payer, items, metadata, expiry in 30 days).  2:
 * a purchase that fixes the e-mail, limits methods and instalments and
 * expires in 20 minutes (too soon for Pix and vouchers).
 */
static const char *const config_kv[NVARIANTS][12] = {
	{ NULL },
	{ "notification_url", "https://shop.example/webhooks?shop=1",
	  "callback_url", "https://shop.example/back",
	  "statement_descriptor", "BRICKSHOP",
	  "three_d_secure_mode", "optional",
	  "return_url", "https://shop.example/return", NULL },
	{ "notification_url", "http://127.0.0.1:9/webhooks",
	  "callback_url", "https://shop.example/back?x=1", NULL },
};

static const char *const remote_addr[NVARIANTS] = { "203.0.113.7",
    "198.51.100.20", "2001:db8::1" };

struct setup {
	struct bg_config	 cfg;
	struct bg_context	 ctx;
	int			 ready;
};

static const char *const *
sites(void)
{
	size_t i;

	for (i = 0; i < sizeof(offered) / sizeof(offered[0]); i++)
		if (strcmp(offered[i].family, FAMILY) == 0)
			return offered[i].sites;
	FUZZ_ASSERT(0);
	return NULL;
}

static void
purchase_text(char *buf, size_t size, const struct bg_site *site, int v)
{
	const char *amount = site->decimals ? "150.00" : "150";
	const char *half = site->decimals ? "75.00" : "75";
	char id[160] = "";
	size_t i;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if (strcmp(ids[i].site, site->id) == 0)
			snprintf(id, sizeof(id), ",\"identification\":"
			    "{\"type\":\"%s\",\"number\":\"%s\"}", ids[i].type,
			    ids[i].number);
	if (v == 0)
		snprintf(buf, size, "{\"amount\":\"%s\"}", amount);
	else if (v == 1)
		snprintf(buf, size, "{\"amount\":\"%s\",\"site\":\"%s\","
		    "\"currency\":\"%s\",\"description\":\"Order 1001, "
		    "caf\\u00e9\",\"payer\":{\"email\":\"buyer@example.com\","
		    "\"first_name\":\"Ana\",\"last_name\":\"Silva\"%s,"
		    "\"address\":{\"zip_code\":\"01310100\",\"street_name\":"
		    "\"Av. Paulista\",\"street_number\":\"1000\","
		    "\"neighborhood\":\"Bela Vista\",\"city\":\"S\xc3\xa3o "
		    "Paulo\",\"federal_unit\":\"SP\"},\"phone\":{\"area_code\":"
		    "\"11\",\"number\":\"912345678\"}},\"items\":[{\"id\":"
		    "\"m1\",\"title\":\"Mug\",\"quantity\":2,\"unit_price\":"
		    "\"%s\"}],\"max_installments\":6,\"expires_at\":"
		    "\"2026-01-31T00:00:00Z\",\"statement_descriptor\":"
		    "\"MUGS\",\"metadata\":{\"order\":1001,\"channel\":"
		    "\"web\"}}",
		    amount, site->id, site->currency, id, half);
	else
		snprintf(buf, size, "{\"amount\":\"%s\",\"payer\":{\"email\":"
		    "\"buyer@example.com\"},\"payment_methods\":["
		    "\"credit_card\",\"debit_card\",\"pix\",\"bolbradesco\","
		    "\"oxxo\",\"pse\"],"
		    "\"max_installments\":1,\"expires_at\":"
		    "\"2026-01-01T00:20:00Z\"}", amount);
}

static struct setup *
setup_for(const char *site_id, int variant)
{
	static struct setup all[8][NVARIANTS];
	const char *const *s = sites();
	struct setup *st;
	char text[2048], pid[32];
	int i;

	for (i = 0; strcmp(s[i], site_id) != 0; i++)
		;
	st = &all[i][variant];
	if (!st->ready) {
		fuzz_config(&st->cfg, site_id, config_kv[variant]);
		purchase_text(text, sizeof(text), st->cfg.site, variant);
		snprintf(pid, sizeof(pid), "order-%d", variant);
		fuzz_context(&st->ctx, pid, text, st->cfg.site);
		st->ready = 1;
	}
	return st;
}

/*
 * Members a payment body may hold, by path, with their kind: 'o' an
 * object, 'a' an array, 's' a scalar, '*' anything at or below.
 */
static const struct {
	const char *path;
	char kind;
} allowed[] = {
	{ "transaction_amount", 's' }, { "description", 's' },
	{ "external_reference", 's' }, { "notification_url", 's' },
	{ "statement_descriptor", 's' }, { "additional_info", 'o' },
	{ "additional_info.items", 'a' }, { "additional_info.ip_address", 's' },
	{ "additional_info.payer", 'o' },
	{ "additional_info.payer.first_name", 's' },
	{ "additional_info.payer.last_name", 's' },
	{ "additional_info.payer.phone", 'o' },
	{ "additional_info.payer.phone.area_code", 's' },
	{ "additional_info.payer.phone.number", 's' },
	{ "additional_info.payer.address", 'o' },
	{ "additional_info.payer.address.zip_code", 's' },
	{ "additional_info.payer.address.street_name", 's' },
	{ "additional_info.payer.address.street_number", 's' },
	{ "additional_info.shipments", 'o' },
	{ "additional_info.shipments.receiver_address", 'o' },
	{ "additional_info.shipments.receiver_address.zip_code", 's' },
	{ "additional_info.shipments.receiver_address.street_name", 's' },
	{ "additional_info.shipments.receiver_address.street_number", 's' },
	{ "additional_info.shipments.receiver_address.floor", 's' },
	{ "additional_info.shipments.receiver_address.apartment", 's' },
	{ "additional_info.shipments.receiver_address.city_name", 's' },
	{ "additional_info.shipments.receiver_address.state_name", 's' },
	{ "binary_mode", 's' },
	{ "metadata", 'o' }, { "metadata.", '*' },
	{ "token", 's' }, { "installments", 's' }, { "payment_method_id", 's' },
	{ "issuer_id", 's' }, { "payment_method_option_id", 's' },
	{ "processing_mode", 's' }, { "three_d_secure_mode", 's' },
	{ "date_of_expiration", 's' }, { "callback_url", 's' },
	{ "transaction_details", 'o' },
	{ "transaction_details.financial_institution", 's' },
	{ "payer", 'o' }, { "payer.email", 's' }, { "payer.first_name", 's' },
	{ "payer.last_name", 's' }, { "payer.type", 's' }, { "payer.id", 's' },
	{ "payer.entity_type", 's' }, { "payer.identification", 'o' },
	{ "payer.identification.type", 's' },
	{ "payer.identification.number", 's' },
	{ "payer.address", 'o' }, { "payer.address.zip_code", 's' },
	{ "payer.address.street_name", 's' },
	{ "payer.address.street_number", 's' },
	{ "payer.address.neighborhood", 's' }, { "payer.address.city", 's' },
	{ "payer.address.federal_unit", 's' },
	{ "payer.phone", 'o' }, { "payer.phone.area_code", 's' },
	{ "payer.phone.number", 's' },
};

/* 1 when path may hold v, 2 when anything may be below it, else 0. */
static int
path_allowed(const char *path, json_object *v)
{
	json_type t = json_object_get_type(v);
	size_t i;

	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		if (allowed[i].kind == '*' && strncmp(path, allowed[i].path,
		    strlen(allowed[i].path)) == 0)
			return 2;
		if (strcmp(path, allowed[i].path) != 0)
			continue;
		switch (allowed[i].kind) {
		case 'o':
			return t == json_type_object;
		case 'a':
			return t == json_type_array;
		default:
			return t != json_type_object && t != json_type_array;
		}
	}
	return 0;
}

/* Every member of the body is one of those, of its kind. */
static void
only_allowed(json_object *o, const char *prefix)
{
	char path[256];
	int ok;

	json_object_object_foreach(o, k, v) {
		snprintf(path, sizeof(path), "%s%s%s", prefix,
		    *prefix ? "." : "", k);
		if ((ok = path_allowed(path, v)) == 0)
			fprintf(stderr, "payment body has %s (%s)\n", path,
			    json_type_to_name(json_object_get_type(v)));
		FUZZ_ASSERT(ok != 0);
		if (ok == 1 && json_object_is_type(v, json_type_object))
			only_allowed(v, path);
	}
}

static void
check_body(const struct method_call *mc, json_object *body)
{
	json_object *v;

	FUZZ_ASSERT(mc->pm != NULL && method_for(mc->pm) != NULL);
	FUZZ_ASSERT(json_object_object_get_ex(body, "transaction_amount", &v));
	FUZZ_ASSERT(strcmp(json_object_get_string(v),
	    mc->ctx->amount_text) == 0);
	FUZZ_ASSERT(strcmp(form_str(body, "external_reference"),
	    mc->ctx->id) == 0);
	FUZZ_ASSERT(strcmp(form_str(body, "payment_method_id"),
	    mc->pm->id) == 0);
	FUZZ_ASSERT(context_allows(mc->ctx, mc->pm->id, mc->pm->type));
	only_allowed(body, "");
	fuzz_reads_back(body, MP_DEPTH);
}

static void
prepare(struct setup *st, int variant, json_object *form)
{
	struct method_call mc;
	struct bg_error e;
	json_object *body;

	memset(&mc, 0, sizeof(mc));
	mc.cfg = &st->cfg;
	mc.ctx = &st->ctx;
	mc.form = form;
	mc.remote_addr = remote_addr[variant];
	mc.now_ms = NOW_MS;
	bg_error_clear(&e);
	if ((body = payment_prepare(&mc, &e)) == NULL) {
		fuzz_error_ok(&e);
		FUZZ_ASSERT(e.status == 400 || e.status == 403);
		return;
	}
	check_body(&mc, body);
	json_object_put(body);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct submission s;
	struct bg_error e;
	json_object *root = NULL;
	const char *site;
	int variant;

	site = fuzz_pick_site(&data, &size, sites(), &variant);
	if (variant >= NVARIANTS)
		variant = 0;
	bg_error_clear(&e);
	if (json_strict_parse((const char *)data, size, JSON_MAX_DEPTH, &root,
	    &e) == -1) {
		fuzz_error_ok(&e);
		return 0;
	}
	/* request_read_json() takes an object, or null. */
	if (root != NULL && !json_object_is_type(root, json_type_object)) {
		json_object_put(root);
		return 0;
	}
	if (payment_read_submission(root, &s, &e) == -1)
		fuzz_error_ok(&e);
	else if (s.form != NULL)
		prepare(setup_for(site, variant), variant, s.form);
	json_object_put(root);
	return 0;
}
