/*
 * pse.c - PSE, Colombia's online bank debit (brickgate(8), PAYMENT METHODS).
 *
 * The payment is created pending with a URL at the buyer's bank; the page
 * sends the buyer there and PSE sends them back to callback_url.  Mercado
 * Pago refuses a PSE payment without callback_url, the buyer's IP address
 * or a description, so those come from the configuration, the request and
 * the context.  A PSE transfer lives 15 minutes: a purchase that expires
 * sooner cannot be paid with one.
 */
#include <string.h>

#include "method.h"
#include "mp_body.h"

#define PSE_MIN_MS	(15 * 60 * 1000LL)

static const char *const entity_types[] = { "individual", "association",
    NULL };

static const struct field_rule pse_fields[] = {
	{ "payment_method_id",		FORM_TOKEN,  FORM_REQUIRED, 40, NULL },
	{ "transaction_amount",		FORM_NUMBER, FORM_REQUIRED, 0, NULL },
	{ "payer",			FORM_OBJECT, FORM_REQUIRED, 0, NULL },
	{ "payer.email",		FORM_EMAIL,  FORM_OPTIONAL, 254, NULL },
	{ "payer.entity_type",		FORM_STRING, FORM_REQUIRED, 16, entity_types },
	{ "payer.identification",	FORM_OBJECT, FORM_REQUIRED, 0, NULL },
	{ "payer.identification.type",	FORM_STRING, FORM_REQUIRED, 16, NULL },
	{ "payer.identification.number", FORM_STRING, FORM_REQUIRED, 32, NULL },
	{ "payer.first_name",		FORM_STRING, FORM_OPTIONAL, 64, NULL },
	{ "payer.last_name",		FORM_STRING, FORM_OPTIONAL, 64, NULL },
	{ "payer.address",		FORM_OBJECT, FORM_OPTIONAL, 0, NULL },
	{ "payer.address.zip_code",	FORM_STRING, FORM_OPTIONAL, 16, NULL },
	{ "payer.address.street_name",	FORM_STRING, FORM_OPTIONAL, 128, NULL },
	{ "payer.address.street_number", FORM_STRING, FORM_OPTIONAL, 16, NULL },
	{ "payer.address.neighborhood",	FORM_STRING, FORM_OPTIONAL, 64, NULL },
	{ "payer.address.city",		FORM_STRING, FORM_OPTIONAL, 64, NULL },
	{ "payer.address.federal_unit",	FORM_STRING, FORM_OPTIONAL, 64, NULL },
	{ "payer.phone",		FORM_OBJECT, FORM_OPTIONAL, 0, NULL },
	{ "payer.phone.area_code",	FORM_DIGIT_TEXT, FORM_OPTIONAL, 4, NULL },
	{ "payer.phone.number",		FORM_DIGIT_TEXT, FORM_OPTIONAL, 15, NULL },
	{ "transaction_details",	FORM_OBJECT, FORM_REQUIRED, 0, NULL },
	{ "transaction_details.financial_institution", FORM_DIGIT_TEXT,
	    FORM_REQUIRED, 8, NULL },
	{ NULL, 0, 0, 0, NULL },
};

static int
pse_match(const struct pm *pm)
{
	return pm->family == PM_PSE;
}

/* What the buyer's bank is told: an address the web server vouches for. */
static int
pse_validate(const struct method_call *mc, struct bg_error *e)
{
	int legal = strcmp(form_str(mc->form, "payer.entity_type"),
	    "association") == 0;
	const char *type = form_str(mc->form, "payer.identification.type");

	if (mc->cfg->callback_url == NULL)
		return bg_fail(e, 400, "unsupported_payment_method",
		    "payment_method_id", "PSE is not available: the shop has "
		    "not set callback_url, where the bank sends the buyer "
		    "back");
	if (method_need_email(mc, e) == -1 ||
	    method_check_identification(mc, 1, e) == -1)
		return -1;
	/* A company pays with its NIT, a person with anything else. */
	if (legal != (strcmp(type, "NIT") == 0))
		return bg_fail(e, 400, "invalid_field",
		    "payer.identification.type", "%s does not fit "
		    "payer.entity_type %s", type, legal ? "association" :
		    "individual");
	if (mc->ctx->expires_ms != 0 && mc->ctx->expires_ms - mc->now_ms <
	    PSE_MIN_MS)
		return bg_fail(e, 400, "unsupported_payment_method",
		    "payment_method_id", "this purchase expires in less than "
		    "15 minutes, too soon for a PSE transfer");
	if (!method_valid_ip(mc->remote_addr))
		return bg_fail(e, 500, "internal_error", NULL, "the web "
		    "server passed no valid REMOTE_ADDR, which PSE needs");
	return 0;
}

static int
pse_build(const struct method_call *mc, json_object *body,
    struct bg_error *e)
{
	json_object *payer = method_payer(mc), *td;

	(void)e;
	method_copy(body, "payment_method_id", mc->form, "payment_method_id");
	method_copy(payer, "entity_type", mc->form, "payer.entity_type");
	method_payer_add(mc, payer, "address");
	method_payer_add(mc, payer, "phone");
	json_object_object_add(body, "payer", payer);
	td = json_object_new_object();
	method_copy(td, "financial_institution", mc->form,
	    "transaction_details.financial_institution");
	json_object_object_add(body, "transaction_details", td);
	json_object_object_add(body, "callback_url",
	    mp_url_for_purchase(mc->cfg->callback_url, mc->ctx->id));
	method_default_description(mc, body);
	return 0;
}

/* Only while the buyer still has to go to the bank and pay. */
static void
pse_summarise(json_object *payment, json_object *summary)
{
	const char *status = form_str(payment, "status");

	if (status != NULL && strcmp(status, "pending") == 0)
		method_copy_string(summary, "redirect_url", payment,
		    "transaction_details.external_resource_url");
}

const struct method method_pse = {
	"pse",
	pse_match,
	pse_fields,
	pse_validate,
	pse_build,
	pse_summarise,
};
