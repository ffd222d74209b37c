/*
 * ticket.c - vouchers paid in cash or at a bank: tickets (boleto, pec,
 * Rapipago, Pago Fácil, OXXO, Paycash, Efecty, Abitab, Redpagos) and ATM
 * references (BBVA, Citibanamex, PagoEfectivo); brickgate(8), PAYMENT
 * METHODS.
 *
 * The payment is created pending with a voucher the page links to.  Some
 * methods need the buyer's name, document and address on the voucher;
 * those come from the form, else from the purchase context.  Every
 * voucher expires with the purchase (ticket_expires_days ahead, never
 * after expires_at): one paid later would pay a purchase the shop has
 * given up.  Mercado Pago takes 1 to 30 days, so a purchase that expires
 * within a day cannot be paid with one.
 */
#include <stdio.h>
#include <string.h>

#include "method.h"
#include "timefmt.h"

#define DAY_MS		(24 * 3600 * 1000LL)

static const struct field_rule ticket_fields[] = {
	{ "payment_method_id",		FORM_TOKEN,  FORM_REQUIRED, 40, NULL },
	{ "transaction_amount",		FORM_NUMBER, FORM_REQUIRED, 0, NULL },
	{ "payer",			FORM_OBJECT, FORM_OPTIONAL, 0, NULL },
	{ "payer.email",		FORM_EMAIL,  FORM_OPTIONAL, 254, NULL },
	{ "payer.first_name",		FORM_STRING, FORM_OPTIONAL, 64, NULL },
	{ "payer.last_name",		FORM_STRING, FORM_OPTIONAL, 64, NULL },
	{ "payer.identification",	FORM_OBJECT, FORM_OPTIONAL, 0, NULL },
	{ "payer.identification.type",	FORM_STRING, FORM_OPTIONAL, 16, NULL },
	{ "payer.identification.number", FORM_STRING, FORM_OPTIONAL, 32, NULL },
	{ "payer.address",		FORM_OBJECT, FORM_OPTIONAL, 0, NULL },
	{ "payer.address.zip_code",	FORM_STRING, FORM_OPTIONAL, 16, NULL },
	{ "payer.address.street_name",	FORM_STRING, FORM_OPTIONAL, 128, NULL },
	{ "payer.address.street_number", FORM_STRING, FORM_OPTIONAL, 16, NULL },
	{ "payer.address.neighborhood",	FORM_STRING, FORM_OPTIONAL, 64, NULL },
	{ "payer.address.city",		FORM_STRING, FORM_OPTIONAL, 64, NULL },
	{ "payer.address.federal_unit",	FORM_STRING, FORM_OPTIONAL, 2, NULL },
	{ NULL, 0, 0, 0, NULL },
};

/*
 * What a Brazilian voucher prints, a registered boleto's and a lottery
 * house's (pec) alike: without it Mercado Pago refuses the payment
 * (cause 7521).  Paths are under payer, read from the form or, failing
 * that, from the context.
 */
static const char *const voucher_payer[] = { "first_name", "last_name",
    "identification.type", "identification.number", "address.zip_code",
    "address.street_name", "address.street_number", "address.neighborhood",
    "address.city", "address.federal_unit", NULL };

static const struct {
	const char		*method;
	const char *const	*paths;
} needs[] = {
	{ "bolbradesco",	voucher_payer },
	{ "pec",		voucher_payer },
};

static int
ticket_match(const struct pm *pm)
{
	return pm->family == PM_TICKET;
}

/* The payer's fields the method needs on its voucher, or NULL. */
static const char *const *
payer_needs(const char *method)
{
	size_t i;

	for (i = 0; i < sizeof(needs) / sizeof(needs[0]); i++)
		if (strcmp(needs[i].method, method) == 0)
			return needs[i].paths;
	return NULL;
}

static int
ticket_validate(const struct method_call *mc, struct bg_error *e)
{
	const char *const *path = payer_needs(mc->pm->id);
	char field[96];
	json_object *v;

	if (method_need_email(mc, e) == -1)
		return -1;
	for (; path != NULL && *path != NULL; path++) {
		v = method_payer_value(mc, *path);
		if (v == NULL || (json_object_is_type(v, json_type_string) &&
		    json_object_get_string_len(v) == 0)) {
			snprintf(field, sizeof(field), "payer.%s", *path);
			return bg_fail(e, 400, "missing_field", field,
			    "%s is required for %s", field, mc->pm->id);
		}
	}
	if (method_check_identification(mc, 0, e) == -1)
		return -1;
	if (mc->ctx->expires_ms != 0 && mc->ctx->expires_ms - mc->now_ms <
	    DAY_MS)
		return bg_fail(e, 400, "unsupported_payment_method",
		    "payment_method_id", "this purchase expires in less than "
		    "a day, too soon for a voucher");
	return 0;
}

static int
ticket_build(const struct method_call *mc, json_object *body,
    struct bg_error *e)
{
	json_object *payer = method_payer(mc);
	int64_t until;
	char text[96];

	(void)e;
	method_copy(body, "payment_method_id", mc->form, "payment_method_id");
	method_payer_add(mc, payer, "address");
	json_object_object_add(body, "payer", payer);
	method_default_description(mc, body);
	until = mc->now_ms + mc->cfg->ticket_expires_days * DAY_MS;
	if (mc->ctx->expires_ms != 0 && mc->ctx->expires_ms < until)
		until = mc->ctx->expires_ms;
	rfc3339_format_offset(until, text, sizeof(text));
	json_object_object_add(body, "date_of_expiration",
	    json_object_new_string(text));
	return 0;
}

static void
ticket_summarise(json_object *payment, json_object *summary)
{
	json_object *t = json_object_new_object(), *bc;

	method_copy_string(t, "url", payment,
	    "transaction_details.external_resource_url");
	/* The barcode is in either place depending on the API's version. */
	bc = form_get(payment, "transaction_details.barcode.content");
	if (bc == NULL)
		bc = form_get(payment, "barcode.content");
	if (json_object_is_type(bc, json_type_string))
		json_object_object_add(t, "barcode", json_object_get(bc));
	method_copy_string(t, "expires_at", payment, "date_of_expiration");
	/* What the buyer types at the counter or the bank, where given. */
	method_copy_string(t, "payment_method_reference_id", payment,
	    "transaction_details.payment_method_reference_id");
	method_copy_string(t, "verification_code", payment,
	    "transaction_details.verification_code");
	method_copy_string(t, "digitable_line", payment,
	    "transaction_details.digitable_line");
	/* Only a payment that has a voucher shows one. */
	if (json_object_object_length(t) > 0)
		json_object_object_add(summary, "ticket", t);
	else
		json_object_put(t);
}

const struct method method_ticket = {
	"ticket",
	ticket_match,
	ticket_fields,
	ticket_validate,
	ticket_build,
	ticket_summarise,
};
