/*
 * card.c - credit, debit and prepaid cards, every site
 * (brickgate(8), PAYMENT METHODS).
 *
 * The form carries a single-use token made in the browser; brickgate
 * never sees a card number.  Debit and prepaid cards are paid at once,
 * so their installments must be 1.  A saved card pays as a Mercado Pago
 * customer, and only as the one the purchase names: otherwise a browser
 * could pay with anybody's saved card.
 */
#include <string.h>

#include "method.h"

static const char *const processing_modes[] = { "aggregator", "gateway",
    NULL };
static const char *const payer_types[] = { "customer", "guest", NULL };

static const struct field_rule card_fields[] = {
	{ "token",			FORM_TOKEN,  FORM_REQUIRED, 64, NULL },
	{ "payment_method_id",		FORM_TOKEN,  FORM_REQUIRED, 40, NULL },
	{ "transaction_amount",		FORM_NUMBER, FORM_REQUIRED, 0, NULL },
	{ "installments",		FORM_UINT,   FORM_REQUIRED, 99, NULL },
	{ "issuer_id",			FORM_DIGITS, FORM_OPTIONAL, 20, NULL },
	{ "payment_method_option_id",	FORM_STRING, FORM_OPTIONAL, 64, NULL },
	{ "processing_mode",		FORM_STRING, FORM_OPTIONAL, 16,
	    processing_modes },
	{ "payer",			FORM_OBJECT, FORM_REQUIRED, 0, NULL },
	{ "payer.email",		FORM_EMAIL,  FORM_OPTIONAL, 254, NULL },
	{ "payer.type",			FORM_STRING, FORM_OPTIONAL, 16, payer_types },
	{ "payer.id",			FORM_TOKEN,  FORM_OPTIONAL, 64, NULL },
	{ "payer.first_name",		FORM_STRING, FORM_OPTIONAL, 64, NULL },
	{ "payer.last_name",		FORM_STRING, FORM_OPTIONAL, 64, NULL },
	{ "payer.identification",	FORM_OBJECT, FORM_OPTIONAL, 0, NULL },
	{ "payer.identification.type",	FORM_STRING, FORM_OPTIONAL, 16, NULL },
	{ "payer.identification.number", FORM_STRING, FORM_OPTIONAL, 32, NULL },
	{ NULL, 0, 0, 0, NULL },
};

static int
card_match(const struct pm *pm)
{
	return pm->family == PM_CARD;
}

/* A saved card (payer.type "customer") identifies the buyer by id. */
static int
saved_card(const struct method_call *mc)
{
	const char *t = form_str(mc->form, "payer.type");

	return t != NULL && strcmp(t, "customer") == 0;
}

static int
check_customer(const struct method_call *mc, struct bg_error *e)
{
	const char *id = form_str(mc->form, "payer.id");

	if (id == NULL)
		return bg_fail(e, 400, "missing_field", "payer.id",
		    "payer.id is required for a saved card");
	if (mc->ctx->customer_id == NULL)
		return bg_fail(e, 400, "invalid_field", "payer.id",
		    "this purchase names no customer: saved cards cannot "
		    "pay it");
	if (strcmp(id, mc->ctx->customer_id) != 0)
		return bg_fail(e, 400, "invalid_field", "payer.id",
		    "payer.id is not the purchase's customer");
	return 0;
}

static int
card_validate(const struct method_call *mc, struct bg_error *e)
{
	json_object *inst = form_get(mc->form, "installments");

	if (method_need_email(mc, e) == -1)
		return -1;
	if (strcmp(mc->pm->type, "credit_card") != 0 &&
	    json_object_get_int64(inst) != 1)
		return bg_fail(e, 400, "invalid_field", "installments",
		    "a %s is paid in one instalment", mc->pm->type);
	if (saved_card(mc))
		return check_customer(mc, e);
	return method_check_identification(mc, 1, e);
}

static int
card_build(const struct method_call *mc, json_object *body,
    struct bg_error *e)
{
	json_object *payer = method_payer(mc);

	(void)e;
	method_copy(body, "token", mc->form, "token");
	method_copy(body, "installments", mc->form, "installments");
	method_copy(body, "payment_method_id", mc->form, "payment_method_id");
	method_copy(body, "issuer_id", mc->form, "issuer_id");
	method_copy(body, "payment_method_option_id", mc->form,
	    "payment_method_option_id");
	method_copy(body, "processing_mode", mc->form, "processing_mode");
	if (saved_card(mc)) {
		method_copy(payer, "type", mc->form, "payer.type");
		method_copy(payer, "id", mc->form, "payer.id");
	}
	json_object_object_add(body, "payer", payer);
	if (strcmp(mc->cfg->three_d_secure_mode, "optional") == 0)
		json_object_object_add(body, "three_d_secure_mode",
		    json_object_new_string("optional"));
	if (mc->cfg->binary_mode)
		json_object_object_add(body, "binary_mode",
		    json_object_new_boolean(1));
	return 0;
}

/* A 3DS challenge: the Status Screen Brick needs both values. */
static void
card_summarise(json_object *payment, json_object *summary)
{
	const char *detail = form_str(payment, "status_detail");
	json_object *ds;

	if (detail == NULL || strcmp(detail, "pending_challenge") != 0)
		return;
	ds = json_object_new_object();
	method_copy_string(ds, "external_resource_url", payment,
	    "three_ds_info.external_resource_url");
	method_copy_string(ds, "creq", payment, "three_ds_info.creq");
	json_object_object_add(summary, "three_ds", ds);
}

const struct method method_card = {
	"card",
	card_match,
	card_fields,
	card_validate,
	card_build,
	card_summarise,
};
