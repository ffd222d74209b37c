/*
 * pix.c - Pix, Brazil only (brickgate(8), PAYMENT METHODS).
 *
 * The payment is created pending with a QR code the buyer pays from a
 * bank app; the page shows the code and polls /payment_status.  The code
 * must stay payable at least 30 minutes (Mercado Pago's minimum) and
 * never outlive the purchase, so a purchase that expires sooner cannot
 * be paid by Pix.
 */
#include <string.h>

#include "method.h"
#include "timefmt.h"

#define PIX_MIN_MS	(30 * 60 * 1000LL)

static const struct field_rule pix_fields[] = {
	{ "payment_method_id",		FORM_TOKEN,  FORM_REQUIRED, 40, NULL },
	{ "transaction_amount",		FORM_NUMBER, FORM_REQUIRED, 0, NULL },
	{ "payer",			FORM_OBJECT, FORM_OPTIONAL, 0, NULL },
	{ "payer.email",		FORM_EMAIL,  FORM_OPTIONAL, 254, NULL },
	{ "payer.first_name",		FORM_STRING, FORM_OPTIONAL, 64, NULL },
	{ "payer.last_name",		FORM_STRING, FORM_OPTIONAL, 64, NULL },
	{ "payer.identification",	FORM_OBJECT, FORM_OPTIONAL, 0, NULL },
	{ "payer.identification.type",	FORM_STRING, FORM_OPTIONAL, 16, NULL },
	{ "payer.identification.number", FORM_STRING, FORM_OPTIONAL, 32, NULL },
	{ NULL, 0, 0, 0, NULL },
};

static int
pix_match(const struct pm *pm)
{
	return pm->family == PM_PIX;
}

/* When the code stops being payable: configured validity or expiry. */
static int64_t
pix_expiry(const struct method_call *mc)
{
	int64_t until = mc->now_ms + mc->cfg->pix_expires_minutes * 60000LL;

	if (mc->ctx->expires_ms != 0 && mc->ctx->expires_ms < until)
		until = mc->ctx->expires_ms;
	return until;
}

static int
pix_validate(const struct method_call *mc, struct bg_error *e)
{
	if (method_need_email(mc, e) == -1 ||
	    method_check_identification(mc, 0, e) == -1)
		return -1;
	if (pix_expiry(mc) - mc->now_ms < PIX_MIN_MS)
		return bg_fail(e, 400, "unsupported_payment_method",
		    "payment_method_id", "this purchase expires in less than "
		    "30 minutes, too soon for a Pix code");
	return 0;
}

static int
pix_build(const struct method_call *mc, json_object *body,
    struct bg_error *e)
{
	char until[40];

	(void)e;
	method_copy(body, "payment_method_id", mc->form, "payment_method_id");
	json_object_object_add(body, "payer", method_payer(mc));
	rfc3339_format_offset(pix_expiry(mc), until, sizeof(until));
	json_object_object_add(body, "date_of_expiration",
	    json_object_new_string(until));
	return 0;
}

static void
pix_summarise(json_object *payment, json_object *summary)
{
	json_object *pix = json_object_new_object();

	method_copy_string(pix, "qr_code", payment,
	    "point_of_interaction.transaction_data.qr_code");
	method_copy_string(pix, "qr_code_base64", payment,
	    "point_of_interaction.transaction_data.qr_code_base64");
	method_copy_string(pix, "ticket_url", payment,
	    "point_of_interaction.transaction_data.ticket_url");
	method_copy_string(pix, "expires_at", payment, "date_of_expiration");
	json_object_object_add(summary, "pix", pix);
}

const struct method method_pix = {
	"pix",
	pix_match,
	pix_fields,
	pix_validate,
	pix_build,
	pix_summarise,
};
