/*
 * payment.c - POST/PUT /v1/payments, POST /v1/card_tokens and the
 * payments buyers make through a preference.
 *
 * Validation follows the order of the request's importance to Mercado
 * Pago: amount, method, installments, payer, then per-method fields, so
 * a request with several faults gets the cause a real call would name
 * first as far as the documentation tells.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "money.h"
#include "sandbox/card.h"
#include "paymethod.h"
#include "sandbox/payment.h"
#include "sandbox/qrpng.h"
#include "sandbox/util.h"
#include "sandbox/webhook.h"

#define MAX_INSTALLMENTS	36
#define MAX_NOTIFICATION_URL	248	/* the field's documented maximum */
#define MAX_EMAIL		254
#define PIX_DEFAULT_TTL		(24 * 3600)
#define PIX_MIN_TTL		(30 * 60)
#define MAX_TTL			(30 * 24 * 3600)
#define TICKET_DEFAULT_TTL	(3 * 24 * 3600)
#define TICKET_MIN_TTL		(24 * 3600)
#define PSE_TTL			(15 * 60)
/* Seconds a client's clock may lag ours on an explicit expiry. */
#define TTL_SLACK		120
/* Merchant order ids, like payment ids, exceed 32 bits. */
#define FIRST_ORDER_ID		39000000001LL
/* Room for a status_detail, checked before any payment exists. */
#define DETAIL_SIZE	sizeof(((struct sb_payment *)NULL)->status_detail)

/* What a validated request carries into the payment object. */
struct pay_req {
	const struct pm *pm;
	int64_t	 minor;
	const char *amount_text;
	int	 installments;
	const char *email;
	struct sb_token *token;
	time_t	 expires;	/* 0: none */
	int	 binary_mode;
	int	 capture;
	int	 three_ds;
};

/* Document types per site (doc/design.md); Mexico takes none. */
static const struct {
	const char *site;
	const char *types[6];
} id_types[] = {
	{ "MLB", { "CPF", "CNPJ" } },
	{ "MLA", { "DNI", "CI", "LC", "LE", "Otro", "CUIT" } },
	{ "MCO", { "CC", "CE", "NIT", "Otro" } },
	{ "MLC", { "RUT", "Otro" } },
	{ "MLU", { "CI", "Otro" } },
	{ "MPE", { "DNI", "C.E", "CE", "RUC", "Otro" } },
};

/*
 * Fields some methods cannot do without.  Registered boleto refuses a
 * missing name, document or address with cause 7521 (doc/design.md); the
 * sandbox uses that cause for every such field except PSE's callback_url,
 * whose own cause 4058 has been observed.
 */
static const struct {
	const char *method;
	const char *path;
	int	 cause;
} required_fields[] = {
	{ "bolbradesco", "payer.first_name", 7521 },
	{ "bolbradesco", "payer.last_name", 7521 },
	{ "bolbradesco", "payer.identification.type", 7521 },
	{ "bolbradesco", "payer.identification.number", 7521 },
	{ "bolbradesco", "payer.address.zip_code", 7521 },
	{ "bolbradesco", "payer.address.street_name", 7521 },
	{ "bolbradesco", "payer.address.street_number", 7521 },
	{ "bolbradesco", "payer.address.neighborhood", 7521 },
	{ "bolbradesco", "payer.address.city", 7521 },
	{ "bolbradesco", "payer.address.federal_unit", 7521 },
	{ "pse", "description", 7521 },
	{ "pse", "payer.entity_type", 7521 },
	{ "pse", "payer.identification.type", 7521 },
	{ "pse", "payer.identification.number", 7521 },
	{ "pse", "transaction_details.financial_institution", 7521 },
	{ "pse", "additional_info.ip_address", 7521 },
	{ "pse", "callback_url", 4058 },
	{ "pagoefectivo_atm", "description", 7521 },
};

struct typed {
	const char *path;
	json_type type;
	int	 cause;
};

/* Optional fields that must have one JSON type when present. */
static const struct typed typed_fields[] = {
	{ "description", json_type_string, 1 },
	{ "external_reference", json_type_string, 1 },
	{ "statement_descriptor", json_type_string, 1 },
	{ "notification_url", json_type_string, 4020 },
	{ "callback_url", json_type_string, 1 },
	{ "metadata", json_type_object, 4022 },
	{ "additional_info", json_type_object, 8 },
	{ "binary_mode", json_type_boolean, 1 },
	{ "capture", json_type_boolean, 2078 },
	{ "three_d_secure_mode", json_type_string, 1 },
	{ "date_of_expiration", json_type_string, 23 },
	{ "payer.identification", json_type_object, 2067 },
	{ "payer.address", json_type_object, 7521 },
};

/*
 * additional_info's members the shop fills for fraud scoring (brickgate(8)
 * sends them on every payment), an object before its members, so that a
 * member is only looked for in an object.  A wrong type is cause 1, the
 * Params error of the other typed fields; strings may be empty.
 */
static const struct typed info_fields[] = {
	{ "additional_info.ip_address", json_type_string, 1 },
	{ "additional_info.payer", json_type_object, 1 },
	{ "additional_info.payer.first_name", json_type_string, 1 },
	{ "additional_info.payer.last_name", json_type_string, 1 },
	{ "additional_info.payer.phone", json_type_object, 1 },
	{ "additional_info.payer.phone.area_code", json_type_string, 1 },
	{ "additional_info.payer.phone.number", json_type_string, 1 },
	{ "additional_info.payer.address", json_type_object, 1 },
	{ "additional_info.payer.address.zip_code", json_type_string, 1 },
	{ "additional_info.payer.address.street_name", json_type_string, 1 },
	{ "additional_info.payer.address.street_number", json_type_string, 1 },
	{ "additional_info.shipments", json_type_object, 1 },
	{ "additional_info.shipments.receiver_address", json_type_object, 1 },
	{ "additional_info.shipments.receiver_address.zip_code",
	    json_type_string, 1 },
	{ "additional_info.shipments.receiver_address.street_name",
	    json_type_string, 1 },
	{ "additional_info.shipments.receiver_address.street_number",
	    json_type_string, 1 },
	{ "additional_info.shipments.receiver_address.floor",
	    json_type_string, 1 },
	{ "additional_info.shipments.receiver_address.apartment",
	    json_type_string, 1 },
	{ "additional_info.shipments.receiver_address.city_name",
	    json_type_string, 1 },
	{ "additional_info.shipments.receiver_address.state_name",
	    json_type_string, 1 },
};

/* payer.type's values; a customer is named by payer.id (api doc 1.3). */
static const char *payer_types[] = { "customer", "guest" };

/* The status_detail a status usually goes with (control endpoint). */
static const struct {
	const char *status;
	const char *detail;
} default_details[] = {
	{ "approved", "accredited" },
	{ "pending", "pending_waiting_payment" },
	{ "authorized", "pending_capture" },
	{ "in_process", "pending_contingency" },
	{ "in_mediation", "in_process" },
	{ "rejected", "cc_rejected_other_reason" },
	{ "cancelled", "by_collector" },
	{ "refunded", "refunded" },
	{ "charged_back", "settled" },
};

static int
present(json_object *req, const char *path)
{
	json_object *v = sb_jget(req, path);

	return v != NULL && !json_object_is_type(v, json_type_null);
}

static void
set(json_object *o, const char *key, json_object *v)
{
	json_object_object_add(o, key, v);
}

static json_object *
str_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

json_object *
sb_amount_json(int64_t minor, int decimals)
{
	char buf[32];

	if (money_format(minor, decimals, buf, sizeof(buf)) != 0)
		return json_object_new_int(0);
	return sb_jnumber(buf);
}

static json_object *
date_json(time_t t)
{
	char buf[SB_DATE_LEN + 1];

	sb_date(t, buf);
	return json_object_new_string(buf);
}

static int
check_amount(struct sb_store *st, json_object *req, struct pay_req *r,
    struct mp_error *e)
{
	json_object *v = sb_jget(req, "transaction_amount");
	struct bg_error be;

	if (v == NULL || json_object_is_type(v, json_type_null))
		return mp_fail(e, 400, 4002,
		    "transaction_amount attribute can't be null");
	if (!json_object_is_type(v, json_type_int) &&
	    !json_object_is_type(v, json_type_double))
		return mp_fail(e, 400, 4003,
		    "transaction_amount attribute must be numeric");
	r->amount_text = json_object_get_string(v);
	if (r->amount_text[0] == '-')
		return mp_fail(e, 400, 4037, "Invalid transaction_amount");
	bg_error_clear(&be);
	if (money_from_json(v, st->cfg->site->decimals, 0, &r->minor,
	    "transaction_amount", &be) != 0)
		return mp_fail(e, 400, 2072,
		    "Invalid value for transaction_amount: %s", be.message);
	if (r->minor <= 0)
		return mp_fail(e, 400, 4037, "Invalid transaction_amount");
	return 0;
}

static int
check_method(struct sb_store *st, json_object *req, struct pay_req *r,
    struct mp_error *e)
{
	json_object *v = sb_jget(req, "payment_method_id");

	if (v == NULL || json_object_is_type(v, json_type_null))
		return mp_fail(e, 400, 4001,
		    "payment_method_id attribute can't be null");
	r->pm = pm_find(st->cfg->site->id, sb_jstr(req, "payment_method_id"));
	/* Wallet and credits are paid on Mercado Pago's side only. */
	if (r->pm == NULL || r->pm->family == PM_WALLET)
		return mp_fail(e, 400, 3028, "Invalid payment_method_id");
	return 0;
}

/*
 * Credit cards take installments, and so do Mercado Pago's credits
 * (installments without a card); nothing else does.
 */
static int
splits(const struct pm *pm)
{
	return strcmp(pm->type, "credit_card") == 0 ||
	    strcmp(pm->id, "consumer_credits") == 0;
}

static int
check_installments(json_object *req, struct pay_req *r, struct mp_error *e)
{
	json_object *v = sb_jget(req, "installments");
	int64_t n;

	if (v == NULL || json_object_is_type(v, json_type_null)) {
		/* Pix and vouchers are sent without installments. */
		if (r->pm->family == PM_CARD)
			return mp_fail(e, 400, 4004,
			    "installments attribute can't be null");
		r->installments = 1;
		return 0;
	}
	if (!json_object_is_type(v, json_type_int))
		return mp_fail(e, 400, 4005,
		    "installments attribute must be numeric");
	n = json_object_get_int64(v);
	if (n < 1 || n > MAX_INSTALLMENTS ||
	    (n != 1 && !splits(r->pm)))
		return mp_fail(e, 400, 4033, "Invalid installments");
	r->installments = (int)n;
	return 0;
}

static int
valid_email(const char *s)
{
	const char *at = strchr(s, '@');
	size_t i;

	if (at == NULL || at == s || strchr(at + 1, '@') != NULL ||
	    strchr(at + 1, '.') == NULL || at[1] == '.' ||
	    s[strlen(s) - 1] == '.')
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
			return 0;
	return 1;
}

static int
all_digits(const char *s, size_t n)
{
	size_t i;

	if (strlen(s) != n)
		return 0;
	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static int
check_identification(struct sb_store *st, json_object *req,
    struct mp_error *e)
{
	const char *type = sb_jstr(req, "payer.identification.type");
	const char *num = sb_jstr(req, "payer.identification.number");
	size_t i, j;

	if (type == NULL && num == NULL)
		return 0;
	if (type == NULL || num == NULL)
		return mp_fail(e, 400, 2067,
		    "Invalid user identification number");
	for (i = 0; i < sizeof(id_types) / sizeof(id_types[0]); i++) {
		if (strcmp(id_types[i].site, st->cfg->site->id) != 0)
			continue;
		for (j = 0; j < 6 && id_types[i].types[j] != NULL; j++)
			if (strcmp(id_types[i].types[j], type) == 0)
				break;
		if (j == 6 || id_types[i].types[j] == NULL)
			return mp_fail(e, 400, 2067,
			    "Invalid user identification type %s", type);
	}
	if ((strcmp(type, "CPF") == 0 && !all_digits(num, 11)) ||
	    (strcmp(type, "CNPJ") == 0 && !all_digits(num, 14)) ||
	    strlen(num) > 20)
		return mp_fail(e, 400, 2067,
		    "Invalid user identification number");
	return 0;
}

/* A customer id: digits, as a string or a non-negative integer. */
static int
customer_id(json_object *v, char *buf, size_t size)
{
	const char *s;
	size_t i;

	if (json_object_is_type(v, json_type_string))
		s = sb_jstr(v, "");
	else if (json_object_is_type(v, json_type_int) &&
	    json_object_get_int64(v) >= 0)
		s = json_object_get_string(v);
	else
		return -1;
	for (i = 0; s != NULL && s[i] != '\0'; i++)
		if (!isdigit((unsigned char)s[i]))
			return -1;
	if (i == 0 || i >= size)
		return -1;
	memcpy(buf, s, i + 1);
	return 0;
}

/* payer.type: guest by default; a customer needs its payer.id. */
static int
check_payer_type(struct sb_store *st, json_object *req, struct mp_error *e)
{
	const char *type = sb_jstr(req, "payer.type");
	char id[24], collector[24];
	size_t i;

	if (!present(req, "payer.type"))
		return 0;
	for (i = 0; type != NULL && i < sizeof(payer_types) /
	    sizeof(payer_types[0]); i++)
		if (strcmp(payer_types[i], type) == 0)
			break;
	if (type == NULL || i == sizeof(payer_types) / sizeof(payer_types[0]))
		return mp_fail(e, 400, 4029, "Invalid payer type");
	if (strcmp(type, "customer") != 0)
		return 0;
	if (!present(req, "payer.id"))
		return mp_fail(e, 400, 4012, "payer.id attribute can't be null");
	if (customer_id(sb_jget(req, "payer.id"), id, sizeof(id)) != 0)
		return mp_fail(e, 400, 2002, "Customer not found");
	snprintf(collector, sizeof(collector), "%lld",
	    (long long)st->cfg->collector_id);
	if (strcmp(id, collector) == 0)
		return mp_fail(e, 400, 2060,
		    "Customer can't be equal to collector");
	return 0;
}

static int
check_payer(struct sb_store *st, json_object *req, struct pay_req *r,
    struct mp_error *e)
{
	json_object *payer = sb_jget(req, "payer");

	if (payer == NULL || !json_object_is_type(payer, json_type_object))
		return mp_fail(e, 400, 4006, "payer attribute is malformed");
	r->email = sb_jstr(req, "payer.email");
	if (r->email == NULL || !valid_email(r->email))
		return mp_fail(e, 400, 4050,
		    "payer.email must be a valid email");
	if (strlen(r->email) >= MAX_EMAIL)
		return mp_fail(e, 400, 4051,
		    "payer.email must be shorter than %d characters",
		    MAX_EMAIL);
	if (check_payer_type(st, req, e) != 0)
		return -1;
	return check_identification(st, req, e);
}

/* Checks the fields of t present in req; nonempty: strings not "". */
static int
check_types(json_object *req, const struct typed *t, size_t n, int nonempty,
    struct mp_error *e)
{
	json_object *v;
	size_t i;

	for (i = 0; i < n; i++) {
		v = sb_jget(req, t[i].path);
		if (v == NULL || json_object_is_type(v, json_type_null))
			continue;
		if (!json_object_is_type(v, t[i].type) || (nonempty &&
		    t[i].type == json_type_string &&
		    sb_jstr(req, t[i].path) == NULL))
			return mp_fail(e, 400, t[i].cause,
			    "%s has an invalid value", t[i].path);
	}
	return 0;
}

static int
check_typed(json_object *req, struct mp_error *e)
{
	if (check_types(req, typed_fields, sizeof(typed_fields) /
	    sizeof(typed_fields[0]), 1, e) != 0)
		return -1;
	return check_types(req, info_fields, sizeof(info_fields) /
	    sizeof(info_fields[0]), 0, e);
}

static int
check_options(json_object *req, struct pay_req *r, struct mp_error *e)
{
	const char *url = sb_jstr(req, "notification_url");
	const char *mode = sb_jstr(req, "three_d_secure_mode");

	if (url != NULL) {
		if (strlen(url) > MAX_NOTIFICATION_URL)
			return mp_fail(e, 400, 4021,
			    "notification_url attribute must be shorter "
			    "than %d characters", MAX_NOTIFICATION_URL + 1);
		if ((strncmp(url, "https://", 8) != 0 || url[8] == '\0' ||
		    url[8] == '/') && !wh_url_is_loopback(url))
			return mp_fail(e, 400, 4020,
			    "notification_url attribute must be url valid");
	}
	if (mode != NULL && strcmp(mode, "optional") != 0 &&
	    strcmp(mode, "not_supported") != 0)
		return mp_fail(e, 400, 1, "Invalid three_d_secure_mode");
	r->three_ds = mode != NULL && strcmp(mode, "optional") == 0;
	r->binary_mode = present(req, "binary_mode") &&
	    json_object_get_boolean(sb_jget(req, "binary_mode"));
	r->capture = !present(req, "capture") ||
	    json_object_get_boolean(sb_jget(req, "capture"));
	return 0;
}

static int
check_expiry(json_object *req, struct pay_req *r, struct mp_error *e)
{
	const char *s = sb_jstr(req, "date_of_expiration");
	time_t now = time(NULL), t, lo, hi;

	switch (r->pm->family) {
	case PM_PIX:
		lo = now + PIX_MIN_TTL - TTL_SLACK;
		hi = now + MAX_TTL + TTL_SLACK;
		r->expires = now + PIX_DEFAULT_TTL;
		break;
	case PM_TICKET:
		/* 1 to 30 days; a day's slack for a date at a day's end. */
		lo = now + TICKET_MIN_TTL - TTL_SLACK;
		hi = now + MAX_TTL + 24 * 3600;
		r->expires = now + TICKET_DEFAULT_TTL;
		break;
	case PM_PSE:
		lo = now;
		hi = now + PSE_TTL + TTL_SLACK;
		r->expires = now + PSE_TTL;
		break;
	default:
		lo = now;
		hi = now + MAX_TTL;
		r->expires = 0;
		break;
	}
	if (s == NULL)
		return 0;
	if (sb_parse_date(s, &t) != 0)
		return mp_fail(e, 400, 23,
		    "date_of_expiration has an invalid format");
	if (t < lo || t > hi)
		return mp_fail(e, 400, 7523, "Invalid expiration date");
	r->expires = t;
	return 0;
}

static int
check_required(json_object *req, struct pay_req *r, struct mp_error *e)
{
	const char *t;
	size_t i;

	for (i = 0; i < sizeof(required_fields) /
	    sizeof(required_fields[0]); i++) {
		if (strcmp(required_fields[i].method, r->pm->id) != 0)
			continue;
		if (sb_jstr(req, required_fields[i].path) == NULL)
			return mp_fail(e, 400, required_fields[i].cause,
			    required_fields[i].cause == 4058 ?
			    "%s cant be null" :
			    "The parameter %s is required",
			    required_fields[i].path);
	}
	if (r->pm->family == PM_PSE) {
		t = sb_jstr(req, "payer.entity_type");
		if (strcmp(t, "individual") != 0 &&
		    strcmp(t, "association") != 0)
			return mp_fail(e, 400, 7521,
			    "payer.entity_type must be individual or "
			    "association");
		if ((strcmp(t, "association") == 0) != (strcmp(sb_jstr(req,
		    "payer.identification.type"), "NIT") == 0))
			return mp_fail(e, 400, 2067,
			    "payer.identification.type does not fit "
			    "payer.entity_type");
	}
	return 0;
}

static int
check_token(struct sb_store *st, json_object *req, struct pay_req *r,
    struct mp_error *e)
{
	const char *id;
	size_t i;

	if (r->pm->family != PM_CARD)
		return 0;
	if (!present(req, "token"))
		return mp_fail(e, 400, 4000,
		    "token attribute can't be null");
	id = sb_jstr(req, "token");
	if (id == NULL || strlen(id) != 32)
		return mp_fail(e, 400, 3003, "Invalid card_token_id");
	for (i = 0; i < 32; i++)
		if (!isxdigit((unsigned char)id[i]))
			return mp_fail(e, 400, 3003, "Invalid card_token_id");
	if ((r->token = store_token_find(st, id)) == NULL)
		return mp_fail(e, 400, 2006, "Card Token not found");
	if (r->token->used)
		return mp_fail(e, 400, 2062, "Invalid card token");
	if (r->pm->brand != NULL &&
	    strcmp(card_brand(r->token->card.number), r->pm->brand) != 0)
		return mp_fail(e, 400, 2131, "Cannot infer Payment Method");
	return 0;
}

/* The payer block: e-mail and document only once approved (api 1.4). */
static json_object *
payer_block(const struct sb_payment *p, int full)
{
	json_object *o = json_object_new_object(), *id;
	json_object *src = p->payer;
	const char *type = sb_jstr(src, "type");
	char pid[24];

	/* A customer is shown as itself, a guest gets an id of its own. */
	if (type == NULL || strcmp(type, "customer") != 0 ||
	    customer_id(sb_jget(src, "id"), pid, sizeof(pid)) != 0)
		snprintf(pid, sizeof(pid), "%lld",
		    (long long)(1200000000LL + p->id % 100000000LL));
	set(o, "id", json_object_new_string(pid));
	set(o, "type", json_object_new_string(type ? type : "guest"));
	set(o, "email", full ? str_or_null(sb_jstr(src, "email")) : NULL);
	id = json_object_new_object();
	set(id, "type", full ?
	    str_or_null(sb_jstr(src, "identification.type")) : NULL);
	set(id, "number", full ?
	    str_or_null(sb_jstr(src, "identification.number")) : NULL);
	set(o, "identification", id);
	set(o, "first_name", full ?
	    str_or_null(sb_jstr(src, "first_name")) : NULL);
	set(o, "last_name", full ?
	    str_or_null(sb_jstr(src, "last_name")) : NULL);
	if (sb_jstr(src, "entity_type") != NULL)
		set(o, "entity_type", json_object_new_string(
		    sb_jstr(src, "entity_type")));
	set(o, "phone", sb_jcopy(sb_jget(src, "phone")));
	set(o, "operator_id", NULL);
	return o;
}

static int
payer_sees_all(const char *status)
{
	return strcmp(status, "approved") == 0 ||
	    strcmp(status, "refunded") == 0 ||
	    strcmp(status, "charged_back") == 0;
}

static int64_t
fee_of(int64_t minor)
{
	/* 3.99 %, rounded half up: a plausible aggregator fee. */
	return (minor * 399 + 5000) / 10000;
}

/* Fields that follow the status: dates, fees, payer, captured. */
static void
apply_status(struct sb_store *st, struct sb_payment *p, time_t now)
{
	json_object *o = p->obj, *fees, *fee, *td;
	int decimals = st->cfg->site->decimals;
	int approved = strcmp(p->status, "approved") == 0;
	int64_t minor = 0;
	struct bg_error be;
	char code[8];

	set(o, "status", json_object_new_string(p->status));
	set(o, "status_detail", json_object_new_string(p->status_detail));
	set(o, "date_last_updated", date_json(now));
	set(o, "payer", payer_block(p, payer_sees_all(p->status)));
	money_from_json(sb_jget(o, "transaction_amount"), decimals, 0,
	    &minor, "transaction_amount", &be);
	td = sb_jget(o, "transaction_details");
	fees = json_object_new_array();
	if (approved) {
		if (!present(o, "date_approved"))
			set(o, "date_approved", date_json(now));
		set(o, "money_release_date", date_json(now + 14 * 24 * 3600));
		set(o, "money_release_status", json_object_new_string(
		    "pending"));
		fee = json_object_new_object();
		set(fee, "type", json_object_new_string("mercadopago_fee"));
		set(fee, "amount", sb_amount_json(fee_of(minor), decimals));
		set(fee, "fee_payer", json_object_new_string("collector"));
		json_object_array_add(fees, fee);
		set(td, "net_received_amount",
		    sb_amount_json(minor - fee_of(minor), decimals));
		set(o, "captured", json_object_new_boolean(1));
		if (json_object_is_type(sb_jget(o, "card"), json_type_object) &&
		    sb_jget(o, "card.first_six_digits") != NULL &&
		    !present(o, "authorization_code")) {
			snprintf(code, sizeof(code), "%06llu",
			    (unsigned long long)sb_random_below(1000000));
			set(o, "authorization_code",
			    json_object_new_string(code));
		}
	} else
		set(td, "net_received_amount", json_object_new_int(0));
	set(o, "fee_details", fees);
}

static void
card_block(json_object *o, const struct sb_token *t)
{
	json_object *c = json_object_new_object(), *h, *id;
	char first[7], last[5];
	size_t n = strlen(t->card.number);

	memcpy(first, t->card.number, 6);
	first[6] = '\0';
	memcpy(last, t->card.number + n - 4, 5);
	set(c, "id", NULL);
	set(c, "first_six_digits", json_object_new_string(first));
	set(c, "last_four_digits", json_object_new_string(last));
	set(c, "expiration_month", json_object_new_int(t->card.month));
	set(c, "expiration_year", json_object_new_int(t->card.year));
	set(c, "date_created", date_json(t->created));
	set(c, "date_last_updated", date_json(t->created));
	h = json_object_new_object();
	set(h, "name", json_object_new_string(t->card.holder));
	id = json_object_new_object();
	set(id, "type", t->card.id_type[0] ?
	    json_object_new_string(t->card.id_type) : NULL);
	set(id, "number", t->card.id_number[0] ?
	    json_object_new_string(t->card.id_number) : NULL);
	set(h, "identification", id);
	set(c, "cardholder", h);
	set(o, "card", c);
}

/* base64url without padding, as 3DS CReq values travel. */
static json_object *
creq_json(void)
{
	char tid[SB_UUID_LEN + 1], aid[SB_UUID_LEN + 1], msg[256], *b;
	size_t i, n;
	json_object *v;

	sb_uuid(tid);
	sb_uuid(aid);
	snprintf(msg, sizeof(msg), "{\"threeDSServerTransID\":\"%s\","
	    "\"acsTransID\":\"%s\",\"challengeWindowSize\":\"04\","
	    "\"messageType\":\"CReq\",\"messageVersion\":\"2.1.0\"}",
	    tid, aid);
	if ((b = qr_base64((const unsigned char *)msg, strlen(msg))) == NULL)
		return NULL;
	for (i = 0, n = strlen(b); i < n; i++)
		if (b[i] == '+')
			b[i] = '-';
		else if (b[i] == '/')
			b[i] = '_';
	while (n > 0 && b[n - 1] == '=')
		b[--n] = '\0';
	v = json_object_new_string(b);
	free(b);
	return v;
}

static void
card_outcome_apply(struct sb_store *st, struct sb_payment *p,
    json_object *o, const struct pay_req *r)
{
	const struct card_outcome *oc = card_outcome(r->token->card.holder);
	json_object *tds;
	char url[256];

	snprintf(p->status, sizeof(p->status), "%s", oc->status);
	snprintf(p->status_detail, sizeof(p->status_detail), "%s",
	    oc->status_detail);
	if (strcmp(oc->name, CARD_NAME_3DS) == 0 && !r->three_ds) {
		/* No challenge unless the request allows one. */
		snprintf(p->status, sizeof(p->status), "approved");
		snprintf(p->status_detail, sizeof(p->status_detail),
		    "accredited");
	} else if (strcmp(oc->name, CARD_NAME_3DS) == 0) {
		tds = json_object_new_object();
		snprintf(url, sizeof(url), "https://www.mercadopago.%s/"
		    "sandbox/3ds/challenge?payment_id=%lld",
		    st->cfg->site->tld, (long long)p->id);
		set(tds, "external_resource_url",
		    json_object_new_string(url));
		set(tds, "creq", creq_json());
		set(o, "three_ds_info", tds);
	}
	/* Binary mode only approves or rejects (api doc 1.3). */
	if (r->binary_mode && strcmp(p->status, "in_process") == 0) {
		snprintf(p->status, sizeof(p->status), "rejected");
		snprintf(p->status_detail, sizeof(p->status_detail),
		    "cc_rejected_other_reason");
	}
	if (!r->capture && strcmp(p->status, "approved") == 0) {
		snprintf(p->status, sizeof(p->status), "authorized");
		snprintf(p->status_detail, sizeof(p->status_detail),
		    "pending_capture");
	}
	card_block(o, r->token);
	set(o, "captured", json_object_new_boolean(r->capture));
}

static int
pix_apply(struct sb_store *st, struct sb_payment *p, json_object *o,
    const struct pay_req *r)
{
	json_object *poi, *data;
	char key[SB_UUID_LEN + 1], hash[SB_UUID_LEN + 1], amount[32];
	char txid[32], url[256], *code, *png;

	sb_uuid(key);
	sb_uuid(hash);
	snprintf(txid, sizeof(txid), "MPSANDBOX%lld", (long long)p->id);
	if (money_format(r->minor, 2, amount, sizeof(amount)) != 0 ||
	    (code = qr_pix_code(key, amount, txid)) == NULL)
		return -1;
	if ((png = qr_png_base64(code)) == NULL) {
		free(code);
		return -1;
	}
	snprintf(url, sizeof(url), "https://www.mercadopago.%s/sandbox/"
	    "payments/%lld/ticket?caller_id=%lld&hash=%s",
	    st->cfg->site->tld, (long long)p->id,
	    (long long)st->cfg->collector_id, hash);
	poi = json_object_new_object();
	set(poi, "type", json_object_new_string("PIX"));
	set(poi, "sub_type", NULL);
	data = json_object_new_object();
	set(data, "qr_code", json_object_new_string(code));
	set(data, "qr_code_base64", json_object_new_string(png));
	set(data, "ticket_url", json_object_new_string(url));
	set(data, "transaction_id", NULL);
	set(data, "bank_transfer_id", NULL);
	set(data, "financial_institution", NULL);
	set(poi, "transaction_data", data);
	set(o, "point_of_interaction", poi);
	free(code);
	free(png);
	snprintf(p->status, sizeof(p->status), "pending");
	snprintf(p->status_detail, sizeof(p->status_detail),
	    "pending_waiting_transfer");
	return 0;
}

/* A boleto-like 44-digit barcode and its 47-digit typed line. */
static void
boleto_lines(int64_t id, int64_t minor, char *bar, char *line)
{
	char free_field[26];

	snprintf(free_field, sizeof(free_field), "%025lld", (long long)id);
	snprintf(bar, 64, "23791%04d%010lld%s", 1000 + (int)(id % 9000),
	    (long long)(minor % 10000000000LL), free_field);
	bar[44] = '\0';
	/* 23790.XXXXX X XXXXX.XXXXXX X ... : the shape, not real checks. */
	snprintf(line, 64, "%.4s%.1s.%.4s0 %.5s.%.5s0 %.5s.%.5s0 %.1s %.14s",
	    bar, bar + 19, bar + 20, bar + 24, bar + 29, bar + 34, bar + 39,
	    bar + 4, bar + 5);
}

static void
ticket_apply(struct sb_store *st, struct sb_payment *p, json_object *o,
    const struct pay_req *r)
{
	json_object *td = sb_jget(o, "transaction_details"), *bc;
	char ref[24], ver[16], hash[SB_UUID_LEN + 1], url[512];
	char bar[64], line[64];

	sb_uuid(hash);
	snprintf(ref, sizeof(ref), "%010lld",
	    (long long)(p->id % 10000000000LL));
	snprintf(ver, sizeof(ver), "%08llu",
	    (unsigned long long)sb_random_below(100000000));
	snprintf(url, sizeof(url), "https://www.mercadopago.%s/sandbox/"
	    "payments/%lld/ticket?caller_id=%lld&payment_method_id=%s"
	    "&payment_id=%lld&payment_method_reference_id=%s&hash=%s",
	    st->cfg->site->tld, (long long)p->id,
	    (long long)st->cfg->collector_id, r->pm->id, (long long)p->id,
	    ref, hash);
	boleto_lines(p->id, r->minor, bar, line);
	set(td, "external_resource_url", json_object_new_string(url));
	set(td, "payment_method_reference_id", json_object_new_string(ref));
	set(td, "verification_code", json_object_new_string(ver));
	set(td, "financial_institution",
	    strcmp(r->pm->id, "pagoefectivo_atm") == 0 ?
	    json_object_new_string("PagoEfectivo") : NULL);
	bc = json_object_new_object();
	set(bc, "content", json_object_new_string(bar));
	set(td, "barcode", bc);
	/* Both places exist in the wild (api doc 1.4): fill both. */
	set(o, "barcode", sb_jcopy(bc));
	if (strcmp(st->cfg->site->id, "MLB") == 0)
		set(td, "digitable_line", json_object_new_string(line));
	snprintf(p->status, sizeof(p->status), "pending");
	snprintf(p->status_detail, sizeof(p->status_detail),
	    "pending_waiting_payment");
}

static void
pse_apply(struct sb_store *st, struct sb_payment *p, json_object *o,
    json_object *req)
{
	json_object *td = sb_jget(o, "transaction_details");
	char hash[SB_UUID_LEN + 1], url[256], tid[32];

	sb_uuid(hash);
	snprintf(url, sizeof(url), "https://www.mercadopago.%s/sandbox/"
	    "payments/%lld/bank_transfer?caller_id=%lld&hash=%s",
	    st->cfg->site->tld, (long long)p->id,
	    (long long)st->cfg->collector_id, hash);
	snprintf(tid, sizeof(tid), "%llu",
	    (unsigned long long)(1000000000000ULL +
	    sb_random_below(8999999999999ULL)));
	set(td, "external_resource_url", json_object_new_string(url));
	set(td, "financial_institution", json_object_new_string(
	    sb_jstr(req, "transaction_details.financial_institution")));
	set(td, "bank_transfer_id",
	    json_object_new_int64(3000000 + p->id % 1000000));
	set(td, "transaction_id", json_object_new_string(tid));
	snprintf(p->status, sizeof(p->status), "pending");
	snprintf(p->status_detail, sizeof(p->status_detail),
	    "pending_waiting_transfer");
}

static json_object *
build(struct sb_store *st, struct sb_payment *p, json_object *req,
    const struct pay_req *r)
{
	json_object *o = json_object_new_object(), *td, *pm, *poi, *bi;
	int decimals = st->cfg->site->decimals;
	json_object *issuer = sb_jget(req, "issuer_id");
	char issuer_text[32];

	if (issuer != NULL && (json_object_is_type(issuer, json_type_int) ||
	    json_object_is_type(issuer, json_type_string)))
		snprintf(issuer_text, sizeof(issuer_text), "%s",
		    json_object_get_string(issuer));
	else
		snprintf(issuer_text, sizeof(issuer_text), "%s",
		    r->pm->family == PM_CARD ? "24" : "");
	set(o, "id", json_object_new_int64(p->id));
	set(o, "date_created", date_json(p->created));
	set(o, "date_approved", NULL);
	set(o, "date_last_updated", date_json(p->created));
	set(o, "date_of_expiration", r->expires ? date_json(r->expires) :
	    NULL);
	set(o, "money_release_date", NULL);
	set(o, "money_release_status", NULL);
	set(o, "operation_type", json_object_new_string("regular_payment"));
	set(o, "issuer_id", issuer_text[0] ?
	    json_object_new_string(issuer_text) : NULL);
	set(o, "payment_method_id", json_object_new_string(r->pm->id));
	set(o, "payment_type_id", json_object_new_string(r->pm->type));
	pm = json_object_new_object();
	set(pm, "id", json_object_new_string(r->pm->id));
	set(pm, "type", json_object_new_string(r->pm->type));
	set(pm, "issuer_id", issuer_text[0] ?
	    json_object_new_string(issuer_text) : NULL);
	set(o, "payment_method", pm);
	set(o, "status", NULL);
	set(o, "status_detail", NULL);
	set(o, "currency_id", json_object_new_string(st->cfg->site->currency));
	set(o, "description", str_or_null(sb_jstr(req, "description")));
	set(o, "live_mode", json_object_new_boolean(0));
	set(o, "sponsor_id", NULL);
	set(o, "authorization_code", NULL);
	set(o, "collector_id", json_object_new_int64(st->cfg->collector_id));
	set(o, "metadata", present(req, "metadata") ?
	    sb_jcopy(sb_jget(req, "metadata")) : json_object_new_object());
	set(o, "additional_info", present(req, "additional_info") ?
	    sb_jcopy(sb_jget(req, "additional_info")) :
	    json_object_new_object());
	set(o, "external_reference",
	    str_or_null(sb_jstr(req, "external_reference")));
	set(o, "transaction_amount", sb_jnumber(r->amount_text));
	set(o, "transaction_amount_refunded", json_object_new_int(0));
	set(o, "coupon_amount", json_object_new_int(0));
	set(o, "installments", json_object_new_int(r->installments));
	td = json_object_new_object();
	set(td, "net_received_amount", json_object_new_int(0));
	set(td, "total_paid_amount", sb_jnumber(r->amount_text));
	set(td, "overpaid_amount", json_object_new_int(0));
	set(td, "external_resource_url", NULL);
	set(td, "installment_amount", r->pm->family == PM_CARD ?
	    sb_amount_json(r->minor / r->installments, decimals) :
	    json_object_new_int(0));
	set(td, "financial_institution", NULL);
	set(td, "payment_method_reference_id", NULL);
	set(td, "acquirer_reference", NULL);
	set(o, "transaction_details", td);
	set(o, "fee_details", json_object_new_array());
	set(o, "captured", json_object_new_boolean(1));
	set(o, "binary_mode", json_object_new_boolean(r->binary_mode));
	set(o, "statement_descriptor",
	    str_or_null(sb_jstr(req, "statement_descriptor")));
	set(o, "notification_url", str_or_null(p->notification_url));
	set(o, "callback_url", str_or_null(sb_jstr(req, "callback_url")));
	set(o, "refunds", json_object_new_array());
	set(o, "processing_mode", json_object_new_string("aggregator"));
	set(o, "card", json_object_new_object());
	poi = json_object_new_object();
	set(poi, "type", json_object_new_string("UNSPECIFIED"));
	bi = json_object_new_object();
	set(bi, "unit", json_object_new_string("online_payments"));
	set(bi, "sub_unit", json_object_new_string("default"));
	set(poi, "business_info", bi);
	set(o, "point_of_interaction", poi);
	return o;
}

int
payment_create(struct sb_store *st, json_object *req,
    struct sb_payment **out, struct mp_error *e)
{
	struct pay_req r;
	struct sb_payment *p;
	const char *s;
	int rc = 0;

	memset(&r, 0, sizeof(r));
	if (!json_object_is_type(req, json_type_object))
		return mp_fail(e, 400, 1, "Params error: body must be an "
		    "object");
	if (check_amount(st, req, &r, e) || check_method(st, req, &r, e) ||
	    check_installments(req, &r, e) || check_payer(st, req, &r, e) ||
	    check_typed(req, e) || check_options(req, &r, e) ||
	    check_token(st, req, &r, e) || check_required(req, &r, e) ||
	    check_expiry(req, &r, e))
		return -1;

	if ((p = store_payment_new(st)) == NULL)
		return mp_fail(e, 500, 0, "internal_error");
	p->payer = sb_jcopy(sb_jget(req, "payer"));
	if ((s = sb_jstr(req, "external_reference")) != NULL)
		p->external_reference = strdup(s);
	if ((s = sb_jstr(req, "notification_url")) != NULL)
		p->notification_url = strdup(s);
	p->obj = build(st, p, req, &r);
	switch (r.pm->family) {
	case PM_CARD:
		card_outcome_apply(st, p, p->obj, &r);
		r.token->used = 1;
		break;
	case PM_PIX:
		rc = pix_apply(st, p, p->obj, &r);
		break;
	case PM_TICKET:
		ticket_apply(st, p, p->obj, &r);
		break;
	case PM_PSE:
		pse_apply(st, p, p->obj, req);
		break;
	case PM_WALLET:		/* refused by check_method */
		break;
	}
	if (rc != 0) {
		/* Keep the slot (ids never repeat) but mark it failed. */
		snprintf(p->status, sizeof(p->status), "rejected");
		snprintf(p->status_detail, sizeof(p->status_detail),
		    "rejected_by_bank");
	}
	apply_status(st, p, p->created);
	wh_notify(st, p, "payment.created");
	*out = p;
	return 0;
}

static int
known_status(const char *status, const char **detail)
{
	size_t i;

	for (i = 0; i < sizeof(default_details) /
	    sizeof(default_details[0]); i++)
		if (strcmp(default_details[i].status, status) == 0) {
			*detail = default_details[i].detail;
			return 1;
		}
	return 0;
}

/* Checks status; a NULL *detail becomes the usual one for it. */
static int
check_status(const char *status, const char **detail, struct mp_error *e)
{
	const char *def;

	if (status == NULL || !known_status(status, &def))
		return mp_fail(e, 400, 2016, "Invalid status for update");
	if (*detail == NULL)
		*detail = def;
	if (strlen(*detail) >= DETAIL_SIZE)
		return mp_fail(e, 400, 2016, "Invalid status_detail");
	return 0;
}

int
payment_set_status(struct sb_store *st, struct sb_payment *p,
    const char *status, const char *detail, struct mp_error *e)
{
	if (check_status(status, &detail, e) != 0)
		return -1;
	snprintf(p->status, sizeof(p->status), "%s", status);
	snprintf(p->status_detail, sizeof(p->status_detail), "%s", detail);
	apply_status(st, p, time(NULL));
	wh_notify(st, p, "payment.updated");
	return 0;
}

/*
 * Paying a preference (the pay control endpoint).  The buyer does it on
 * Mercado Pago's pages, so nothing comes from the shop: the payment is
 * made of the preference plus the few choices the buyer has.
 */

/* Fields of the pay body that must be strings when present. */
static const char *pref_strings[] = {
	"payment_method_id", "status", "status_detail",
};

static int
check_pref_strings(json_object *req, struct mp_error *e)
{
	size_t i;

	for (i = 0; i < sizeof(pref_strings) / sizeof(pref_strings[0]); i++)
		if (present(req, pref_strings[i]) &&
		    sb_jstr(req, pref_strings[i]) == NULL)
			return mp_fail(e, 400, 1, "%s must be a string",
			    pref_strings[i]);
	return 0;
}

/* True when the list (of {"id": ...}) names id. */
static int
listed(json_object *list, const char *id)
{
	const char *s;
	size_t i;

	if (!json_object_is_type(list, json_type_array))
		return 0;
	for (i = 0; i < json_object_array_length(list); i++)
		if ((s = sb_jstr(json_object_array_get_idx(list, i), "id")) !=
		    NULL && strcmp(s, id) == 0)
			return 1;
	return 0;
}

const char *
pref_exclusion(json_object *pref, const struct pm *pm)
{
	if (listed(sb_jget(pref, "payment_methods.excluded_payment_methods"),
	    pm->id))
		return "excluded_payment_methods";
	if (listed(sb_jget(pref, "payment_methods.excluded_payment_types"),
	    pm->type))
		return "excluded_payment_types";
	return NULL;
}

/*
 * The wallet, credits and the site's cards (saved in the buyer's
 * account) are paid this way, unless the preference excludes them;
 * credits come preselected when the purpose is onboarding_credits.
 */
static int
check_pref_method(struct sb_store *st, json_object *pref, json_object *req,
    struct pay_req *r, struct mp_error *e)
{
	const char *id = sb_jstr(req, "payment_method_id");
	const char *purpose = sb_jstr(pref, "purpose"), *why;

	if (id == NULL)
		id = purpose != NULL &&
		    strcmp(purpose, "onboarding_credits") == 0 ?
		    "consumer_credits" : "account_money";
	r->pm = pm_find(st->cfg->site->id, id);
	if (r->pm == NULL || (r->pm->family != PM_WALLET &&
	    r->pm->family != PM_CARD))
		return mp_fail(e, 400, 3028, "payment_method_id %s cannot pay "
		    "a preference on %s", id, st->cfg->site->id);
	if ((why = pref_exclusion(pref, r->pm)) != NULL)
		return mp_fail(e, 400, 3028, "payment_method_id %s (payment "
		    "type %s) is in the preference's %s", id, r->pm->type,
		    why);
	return 0;
}

/*
 * 1 by default, for a card too (the buyer picks on Mercado Pago's page),
 * and no more than the preference's payment_methods allow.
 */
static int
check_pref_installments(json_object *pref, json_object *req,
    struct pay_req *r, struct mp_error *e)
{
	json_object *v = sb_jget(pref, "payment_methods.installments");

	r->installments = 1;
	if (present(req, "installments") && check_installments(req, r, e) != 0)
		return -1;
	if (json_object_is_type(v, json_type_int) &&
	    r->installments > json_object_get_int64(v))
		return mp_fail(e, 400, 4033, "Invalid installments: the "
		    "preference allows at most %lld",
		    (long long)json_object_get_int64(v));
	return 0;
}

/* Sum of quantity * unit_price over the items, in minor units. */
static int
pref_total(struct sb_store *st, json_object *pref, int64_t *total,
    struct mp_error *e)
{
	json_object *items = sb_jget(pref, "items"), *it;
	struct bg_error be;
	int64_t q, minor;
	size_t i;

	*total = 0;
	for (i = 0; i < json_object_array_length(items); i++) {
		it = json_object_array_get_idx(items, i);
		q = json_object_get_int64(sb_jget(it, "quantity"));
		bg_error_clear(&be);
		if (money_from_json(sb_jget(it, "unit_price"),
		    st->cfg->site->decimals, 0, &minor, "unit_price",
		    &be) != 0 || q < 1 || minor > (INT64_MAX - *total) / q)
			return mp_fail(e, 400, 4037,
			    "Invalid transaction_amount");
		*total += q * minor;
	}
	return 0;
}

/* The body's amount, else the items' total written into buf. */
static int
check_pref_amount(struct sb_store *st, json_object *pref, json_object *req,
    struct pay_req *r, char *buf, size_t size, struct mp_error *e)
{
	if (present(req, "transaction_amount"))
		return check_amount(st, req, r, e);
	if (pref_total(st, pref, &r->minor, e) != 0)
		return -1;
	if (r->minor <= 0 || money_format(r->minor, st->cfg->site->decimals,
	    buf, size) != 0)
		return mp_fail(e, 400, 4037, "Invalid transaction_amount");
	r->amount_text = buf;
	return 0;
}

/* The buyer as the preference names them (name/surname, not first/last). */
static json_object *
pref_payer(json_object *pref)
{
	json_object *o = json_object_new_object();

	set(o, "email", str_or_null(sb_jstr(pref, "payer.email")));
	set(o, "first_name", str_or_null(sb_jstr(pref, "payer.name")));
	set(o, "last_name", str_or_null(sb_jstr(pref, "payer.surname")));
	set(o, "identification",
	    sb_jcopy(sb_jget(pref, "payer.identification")));
	set(o, "phone", sb_jcopy(sb_jget(pref, "payer.phone")));
	return o;
}

/*
 * additional_info.items as Mercado Pago fills it from the preference,
 * quantity and unit_price as strings (api doc 1.4).
 */
static json_object *
pref_items_info(json_object *pref)
{
	static const char *keys[] = {
		"id", "title", "description", "picture_url", "category_id",
	};
	json_object *ai = json_object_new_object(), *arr, *src, *it, *o;
	size_t i, k;

	arr = json_object_new_array();
	src = sb_jget(pref, "items");
	for (i = 0; i < json_object_array_length(src); i++) {
		it = json_object_array_get_idx(src, i);
		o = json_object_new_object();
		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			set(o, keys[k], str_or_null(sb_jstr(it, keys[k])));
		set(o, "quantity", json_object_new_string(
		    json_object_get_string(sb_jget(it, "quantity"))));
		set(o, "unit_price", json_object_new_string(
		    json_object_get_string(sb_jget(it, "unit_price"))));
		json_object_array_add(arr, o);
	}
	set(ai, "items", arr);
	return ai;
}

/* What build() reads from a request, taken from the preference. */
static json_object *
pref_request(json_object *pref)
{
	json_object *req = json_object_new_object();
	json_object *first = json_object_array_get_idx(sb_jget(pref, "items"),
	    0);

	set(req, "description", str_or_null(sb_jstr(first, "title")));
	set(req, "external_reference",
	    str_or_null(sb_jstr(pref, "external_reference")));
	set(req, "statement_descriptor",
	    str_or_null(sb_jstr(pref, "statement_descriptor")));
	if (json_object_is_type(sb_jget(pref, "metadata"), json_type_object))
		set(req, "metadata", sb_jcopy(sb_jget(pref, "metadata")));
	set(req, "additional_info", pref_items_info(pref));
	return req;
}

/*
 * Mercado Pago keeps one merchant order per preference, so every payment
 * of a preference names the same order.
 */
static json_object *
pref_order(struct sb_store *st, const json_object *pref)
{
	json_object *o = json_object_new_object();
	size_t i;

	for (i = 0; i < st->nprefs && st->prefs[i] != pref; i++)
		;
	set(o, "type", json_object_new_string("mercadopago"));
	set(o, "id", json_object_new_int64(FIRST_ORDER_ID + (int64_t)i));
	return o;
}

/* Where Checkout Pro's payments say they come from. */
static json_object *
checkout_poi(void)
{
	json_object *poi = json_object_new_object(), *bi;

	set(poi, "type", json_object_new_string("CHECKOUT"));
	bi = json_object_new_object();
	set(bi, "unit", json_object_new_string("online_payments"));
	set(bi, "sub_unit", json_object_new_string("checkout_pro"));
	set(poi, "business_info", bi);
	return poi;
}

static struct sb_payment *
pref_payment_new(struct sb_store *st, json_object *pref,
    const struct pay_req *r)
{
	struct sb_payment *p;
	json_object *req;
	const char *s;

	if ((p = store_payment_new(st)) == NULL)
		return NULL;
	p->payer = pref_payer(pref);
	if ((s = sb_jstr(pref, "external_reference")) != NULL)
		p->external_reference = strdup(s);
	if ((s = sb_jstr(pref, "notification_url")) != NULL)
		p->notification_url = strdup(s);
	req = pref_request(pref);
	p->obj = build(st, p, req, r);
	json_object_put(req);
	set(p->obj, "order", pref_order(st, pref));
	set(p->obj, "point_of_interaction", checkout_poi());
	return p;
}

int
payment_create_from_preference(struct sb_store *st, json_object *pref,
    json_object *req, struct sb_payment **out, struct mp_error *e)
{
	struct pay_req r;
	struct sb_payment *p;
	const char *status, *detail;
	char amount[32];

	memset(&r, 0, sizeof(r));
	if (req != NULL && !json_object_is_type(req, json_type_object))
		return mp_fail(e, 400, 1, "body must be an object");
	if (check_pref_strings(req, e) != 0)
		return -1;
	status = present(req, "status") ? sb_jstr(req, "status") : "approved";
	detail = sb_jstr(req, "status_detail");
	if (check_pref_method(st, pref, req, &r, e) ||
	    check_pref_amount(st, pref, req, &r, amount, sizeof(amount), e) ||
	    check_pref_installments(pref, req, &r, e) ||
	    check_status(status, &detail, e))
		return -1;
	r.capture = 1;
	r.binary_mode = json_object_get_boolean(sb_jget(pref, "binary_mode"));
	if ((p = pref_payment_new(st, pref, &r)) == NULL)
		return mp_fail(e, 500, 0, "internal_error");
	snprintf(p->status, sizeof(p->status), "%s", status);
	snprintf(p->status_detail, sizeof(p->status_detail), "%s", detail);
	apply_status(st, p, p->created);
	wh_notify(st, p, "payment.created");
	*out = p;
	return 0;
}

int
payment_update(struct sb_store *st, struct sb_payment *p, json_object *req,
    struct mp_error *e)
{
	json_object *cap = sb_jget(req, "capture"), *amt;
	const char *status = sb_jstr(req, "status");
	int64_t minor, had;
	struct bg_error be;
	int decimals = st->cfg->site->decimals;

	if (!json_object_is_type(req, json_type_object))
		return mp_fail(e, 400, 1, "Params error");
	if (cap != NULL && !json_object_is_type(cap, json_type_boolean))
		return mp_fail(e, 400, 2078, "capture must be boolean");
	if (cap != NULL && json_object_get_boolean(cap)) {
		if (strcmp(p->status, "authorized") != 0)
			return mp_fail(e, 400, 2018, "The action requested is "
			    "not valid for the current payment state");
		amt = sb_jget(req, "transaction_amount");
		if (amt != NULL) {
			bg_error_clear(&be);
			if (money_from_json(amt, decimals, 0, &minor,
			    "transaction_amount", &be) != 0 ||
			    money_from_json(sb_jget(p->obj,
			    "transaction_amount"), decimals, 0, &had,
			    "transaction_amount", &be) != 0 ||
			    minor <= 0 || minor > had)
				return mp_fail(e, 400, 2017,
				    "Invalid transaction_amount for update");
			set(p->obj, "transaction_amount",
			    sb_jnumber(json_object_get_string(amt)));
		}
		return payment_set_status(st, p, "approved", "accredited", e);
	}
	if (!present(req, "status"))
		return mp_fail(e, 400, 4017, "status attribute can't be null");
	if (status == NULL || strcmp(status, "cancelled") != 0)
		return mp_fail(e, 400, 2016, "Invalid status for update");
	if (strcmp(p->status, "pending") != 0 &&
	    strcmp(p->status, "in_process") != 0 &&
	    strcmp(p->status, "authorized") != 0)
		return mp_fail(e, 400, 2018, "The action requested is not "
		    "valid for the current payment state");
	return payment_set_status(st, p, "cancelled", "by_collector", e);
}

int
card_token_create(struct sb_store *st, json_object *req, json_object **out,
    struct mp_error *e)
{
	struct card_input in;
	struct sb_token *t;
	json_object *o, *h, *id;
	struct tm tm;
	time_t now = time(NULL);
	char first[7], last[5];
	size_t n;

	gmtime_r(&now, &tm);
	if (!json_object_is_type(req, json_type_object))
		return mp_fail(e, 400, 1, "Params error: body must be an "
		    "object");
	if (card_input_parse(req, tm.tm_year + 1900, tm.tm_mon + 1, &in,
	    e) != 0)
		return -1;
	if ((t = store_token_new(st)) == NULL)
		return mp_fail(e, 500, 0, "internal_error");
	sb_random_hex(t->id, 16);
	t->card = in;
	n = strlen(in.number);
	memcpy(first, in.number, 6);
	first[6] = '\0';
	memcpy(last, in.number + n - 4, 5);

	o = json_object_new_object();
	set(o, "id", json_object_new_string(t->id));
	set(o, "public_key", NULL);
	set(o, "first_six_digits", json_object_new_string(first));
	set(o, "last_four_digits", json_object_new_string(last));
	set(o, "expiration_month", json_object_new_int(in.month));
	set(o, "expiration_year", json_object_new_int(in.year));
	set(o, "card_number_length", json_object_new_int((int)n));
	set(o, "security_code_length", json_object_new_int(
	    strcmp(card_brand(in.number), "amex") == 0 ? 4 : 3));
	h = json_object_new_object();
	set(h, "name", json_object_new_string(in.holder));
	id = json_object_new_object();
	set(id, "type", in.id_type[0] ? json_object_new_string(in.id_type) :
	    NULL);
	set(id, "number", in.id_number[0] ?
	    json_object_new_string(in.id_number) : NULL);
	set(h, "identification", id);
	set(o, "cardholder", h);
	set(o, "status", json_object_new_string("active"));
	set(o, "date_created", date_json(now));
	set(o, "date_last_updated", date_json(now));
	set(o, "date_due", date_json(now + 7 * 24 * 3600));
	set(o, "luhn_validation", json_object_new_boolean(1));
	set(o, "live_mode", json_object_new_boolean(0));
	set(o, "require_esc", json_object_new_boolean(0));
	*out = o;
	return 0;
}
