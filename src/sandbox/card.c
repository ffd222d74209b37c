/*
 * card.c - Luhn, brands, outcomes, card token validation.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sandbox/card.h"
#include "sandbox/util.h"

/*
 * Mercado Pago's test cardholder names (brickgate-sandbox(1)).  UNSU
 * and TEST have no documented result: UNSU refuses generically, TEST
 * approves.  CONT is in_process, as observed, not the documented "pending".
 */
static const struct card_outcome outcomes[] = {
	{ "APRO", "approved", "accredited" },
	{ "OTHE", "rejected", "cc_rejected_other_reason" },
	{ "CONT", "in_process", "pending_contingency" },
	{ "CALL", "rejected", "cc_rejected_call_for_authorize" },
	{ "FUND", "rejected", "cc_rejected_insufficient_amount" },
	{ "SECU", "rejected", "cc_rejected_bad_filled_security_code" },
	{ "EXPI", "rejected", "cc_rejected_bad_filled_date" },
	{ "FORM", "rejected", "cc_rejected_bad_filled_other" },
	{ "CARD", "rejected", "cc_rejected_bad_filled_card_number" },
	{ "INST", "rejected", "cc_rejected_invalid_installments" },
	{ "DUPL", "rejected", "cc_rejected_duplicated_payment" },
	{ "LOCK", "rejected", "cc_rejected_card_disabled" },
	{ "CTNA", "rejected", "cc_rejected_card_type_not_allowed" },
	{ "ATTE", "rejected", "cc_rejected_max_attempts" },
	{ "BLAC", "rejected", "cc_rejected_blacklist" },
	{ "UNSU", "rejected", "cc_rejected_other_reason" },
	{ "TEST", "approved", "accredited" },
	{ CARD_NAME_3DS, "pending", "pending_challenge" },
};

int
card_luhn_ok(const char *digits)
{
	size_t n = strlen(digits), i;
	int sum = 0, d, dbl = 0;

	if (n == 0)
		return 0;
	for (i = n; i-- > 0; dbl = !dbl) {
		if (!isdigit((unsigned char)digits[i]))
			return 0;
		d = digits[i] - '0';
		if (dbl && (d *= 2) > 9)
			d -= 9;
		sum += d;
	}
	return sum % 10 == 0;
}

static const struct {
	const char *prefix;
	const char *brand;
} brands[] = {
	{ "34", "amex" }, { "37", "amex" },
	{ "4011", "elo" }, { "4389", "elo" }, { "4514", "elo" },
	{ "5067", "elo" }, { "6277", "elo" }, { "6362", "elo" },
	{ "6504", "elo" }, { "6516", "elo" },
	{ "4", "visa" },
	{ "51", "master" }, { "52", "master" }, { "53", "master" },
	{ "54", "master" }, { "55", "master" }, { "50", "master" },
	{ "2", "master" },
};

const char *
card_brand(const char *digits)
{
	size_t i;

	for (i = 0; i < sizeof(brands) / sizeof(brands[0]); i++)
		if (strncmp(digits, brands[i].prefix,
		    strlen(brands[i].prefix)) == 0)
			return brands[i].brand;
	return "other";
}

const struct card_outcome *
card_outcome(const char *holder)
{
	size_t i, n;

	n = strcspn(holder, " ");
	for (i = 0; i < sizeof(outcomes) / sizeof(outcomes[0]); i++)
		if (strlen(outcomes[i].name) == n &&
		    strncasecmp(outcomes[i].name, holder, n) == 0)
			return &outcomes[i];
	return &outcomes[0];
}

/* An integer field that may arrive as a number or as digit text. */
static int
int_field(json_object *req, const char *key, int *out)
{
	json_object *v = sb_jget(req, key);
	const char *s;
	int n = 0;

	if (v == NULL || json_object_is_type(v, json_type_null))
		return 0;
	if (json_object_is_type(v, json_type_int)) {
		*out = (int)json_object_get_int64(v);
		return json_object_get_int64(v) >= 0 &&
		    json_object_get_int64(v) < 100000 ? 1 : -1;
	}
	if (!json_object_is_type(v, json_type_string))
		return -1;
	s = json_object_get_string(v);
	if (*s == '\0' || strlen(s) > 4)
		return -1;
	for (; *s != '\0'; s++) {
		if (!isdigit((unsigned char)*s))
			return -1;
		n = n * 10 + (*s - '0');
	}
	*out = n;
	return 1;
}

static int
copy_field(char *dst, size_t size, const char *src)
{
	if (src == NULL || strlen(src) >= size)
		return -1;
	memcpy(dst, src, strlen(src) + 1);
	return 0;
}

int
card_input_parse(json_object *req, int year_now, int month_now,
    struct card_input *in, struct mp_error *e)
{
	const char *number, *cvv, *s;
	size_t n, i, cvvlen;
	int r;

	memset(in, 0, sizeof(*in));
	number = sb_jstr(req, "card_number");
	if (number == NULL)
		return mp_fail(e, 400, 3017, "card_number_id can't be null");
	n = strlen(number);
	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)number[i]))
			return mp_fail(e, 400, 3016, "invalid card_number");
	if (n < 13 || n > 19)
		return mp_fail(e, 400, 3015, "invalid card_number_length");
	if (!card_luhn_ok(number))
		return mp_fail(e, 400, 3034,
		    "invalid card_number_validation");
	memcpy(in->number, number, n + 1);

	if ((r = int_field(req, "expiration_month", &in->month)) == 0)
		return mp_fail(e, 400, 3018,
		    "expiration_month can't be null");
	if (r < 0 || in->month < 1 || in->month > 12)
		return mp_fail(e, 400, 3029, "invalid card expiration month");
	if ((r = int_field(req, "expiration_year", &in->year)) == 0)
		return mp_fail(e, 400, 3019, "expiration_year can't be null");
	if (r < 0)
		return mp_fail(e, 400, 3030, "invalid card expiration year");
	if (in->year < 100)
		in->year += 2000;
	if (in->year < year_now || in->year > year_now + 30)
		return mp_fail(e, 400, 3030, "invalid card expiration year");
	if (in->year == year_now && in->month < month_now)
		return mp_fail(e, 400, 3029, "invalid card expiration month");

	cvv = sb_jstr(req, "security_code");
	if (cvv == NULL)
		return mp_fail(e, 400, 3013,
		    "security_code is a required field");
	cvvlen = strlen(cvv);
	for (i = 0; i < cvvlen; i++)
		if (!isdigit((unsigned char)cvv[i]))
			return mp_fail(e, 400, 3012,
			    "invalid security_code_length");
	if (cvvlen != (strcmp(card_brand(number), "amex") == 0 ? 4u : 3u))
		return mp_fail(e, 400, 3012, "invalid security_code_length");

	if (copy_field(in->holder, sizeof(in->holder),
	    sb_jstr(req, "cardholder.name")) != 0)
		return mp_fail(e, 400, 3020, "cardholder.name can't be null");
	/* Mexico collects no document: identification is optional. */
	if (sb_jget(req, "cardholder.identification") != NULL &&
	    !json_object_is_type(sb_jget(req, "cardholder.identification"),
	    json_type_null)) {
		if (copy_field(in->id_type, sizeof(in->id_type),
		    sb_jstr(req, "cardholder.identification.type")) != 0)
			return mp_fail(e, 400, 3022,
			    "cardholder.document.type can't be null");
		s = sb_jstr(req, "cardholder.identification.number");
		if (copy_field(in->id_number, sizeof(in->id_number), s) != 0)
			return mp_fail(e, 400, 3021,
			    "cardholder.document.number can't be null");
	}
	return 0;
}
