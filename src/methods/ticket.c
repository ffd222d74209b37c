/*
 * ticket.c - vouchers paid in cash or at a bank: tickets (boleto, pec,
 * Rapipago, Pago Fácil, OXXO, Paycash, Efecty, Abitab, Redpagos) and ATM
 * references (BBVA, Citibanamex, PagoEfectivo); brickgate(8), PAYMENT
 * METHODS.
 *
 * The payment is created pending with a voucher the page links to.  Some
 * methods need the buyer's name, document and address on the voucher;
 * those come from the form, else from the purchase context.  A voucher
 * lives at least a day, so a purchase that expires sooner cannot be paid
 * with one.
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
 * What a registered boleto prints: without it Mercado Pago refuses the
 * payment (cause 7521).  Paths are under payer, read from the form or,
 * failing that, from the context.
 */
static const struct {
	const char *method;
	const char *path;
} needs[] = {
	{ "bolbradesco", "first_name" },
	{ "bolbradesco", "last_name" },
	{ "bolbradesco", "identification.type" },
	{ "bolbradesco", "identification.number" },
	{ "bolbradesco", "address.zip_code" },
	{ "bolbradesco", "address.street_name" },
	{ "bolbradesco", "address.street_number" },
	{ "bolbradesco", "address.neighborhood" },
	{ "bolbradesco", "address.city" },
	{ "bolbradesco", "address.federal_unit" },
};

/* Methods documented to take a date_of_expiration (brickgate.conf(5)). */
static const char *const expiring[] = { "bolbradesco", "rapipago",
    "pagofacil", "efecty" };

static int
ticket_match(const struct pm *pm)
{
	return pm->family == PM_TICKET;
}

static int
ticket_validate(const struct method_call *mc, struct bg_error *e)
{
	char field[96];
	json_object *v;
	size_t i;

	if (method_need_email(mc, e) == -1)
		return -1;
	for (i = 0; i < sizeof(needs) / sizeof(needs[0]); i++) {
		if (strcmp(needs[i].method, mc->pm->id) != 0)
			continue;
		v = method_payer_value(mc, needs[i].path);
		if (v == NULL || (json_object_is_type(v, json_type_string) &&
		    json_object_get_string_len(v) == 0)) {
			snprintf(field, sizeof(field), "payer.%s",
			    needs[i].path);
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
takes_expiry(const char *id)
{
	size_t i;

	for (i = 0; i < sizeof(expiring) / sizeof(expiring[0]); i++)
		if (strcmp(expiring[i], id) == 0)
			return 1;
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
	if (takes_expiry(mc->pm->id)) {
		until = mc->now_ms + mc->cfg->ticket_expires_days * DAY_MS;
		if (mc->ctx->expires_ms != 0 && mc->ctx->expires_ms < until)
			until = mc->ctx->expires_ms;
		rfc3339_format_offset(until, text, sizeof(text));
		json_object_object_add(body, "date_of_expiration",
		    json_object_new_string(text));
	}
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
	json_object_object_add(summary, "ticket", t);
}

const struct method method_ticket = {
	"ticket",
	ticket_match,
	ticket_fields,
	ticket_validate,
	ticket_build,
	ticket_summarise,
};
