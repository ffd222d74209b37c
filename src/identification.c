/*
 * identification.c - document types per site and the checks of their
 * numbers.
 *
 * Check digits are verified where the document defines one (CPF, CNPJ,
 * CUIT/CUIL, RUT, Uruguayan CI, Colombian NIT written with its digit);
 * elsewhere only the documented length, and types without one are free
 * printable text (doc/design.md, Mercado Pago's rules in the code).
 *
 * Punctuation.  The number is forwarded to Mercado Pago as received (this
 * check does not rewrite it), so a form is accepted only where people and
 * the Brick write it that way and the number stays unambiguous:
 * - CPF, CNPJ, DNI, CUIT/CUIL, RUC, CC: characters only, no punctuation.
 *   The Brick and every API sample send them bare ("12345678909"), and
 *   the sandbox refuses a punctuated CPF, so "123.456.789-09" is refused
 *   here rather than after a payment attempt.
 * - RUT and Uruguayan CI: bare ("123456785"), or with a hyphen before the
 *   check character and, optionally, dots between thousands
 *   ("12.345.678-5", "12345678-5"): that is how both are printed on the
 *   cards and typed by buyers.  Dots without the hyphen are refused.
 * - NIT: bare digits (check digit not given, nothing to verify) or
 *   "<digits>-<d>", whose DIAN check digit is then verified.
 *
 * CNPJ: from July 2026 the Receita Federal issues alphanumeric CNPJs
 * (IN RFB 2.229/2024): the first 12 characters are 0-9 or A-Z, the last
 * two are digits, and the check digits use the same weights with each
 * character worth its ASCII code minus 48.  Digits keep their value, so
 * numeric CNPJs are checked exactly as before; uppercase letters are
 * accepted so that companies registered since then can pay.
 */
#include <stdio.h>
#include <string.h>

#include "identification.h"

/* Longest number or type kept, and the bound of the free-text types. */
#define ID_MAX_TEXT	32
/* Longest body among the typed checks (CNPJ, 14 characters). */
#define ID_MAX_BODY	14

/* What a checker found; the message is chosen from it. */
enum id_verdict {
	ID_OK,
	ID_SHAPE,		/* not the form of that type */
	ID_CHECK,		/* wrong check digit */
	ID_REPEATED,		/* one digit repeated: CPF/CNPJ placeholders */
};

struct id_rule;
typedef enum id_verdict (*id_checker)(const char *, size_t,
    const struct id_rule *);

/*
 * min and max bound the length of the number, or of its body for RUT, CI
 * and NIT.  shape describes the expected form for the message; it holds no
 * sample number, so that no message ever looks like it carries the buyer's.
 */
struct id_rule {
	const char	*site;
	const char	*type;
	id_checker	 check;
	size_t		 min;
	size_t		 max;
	const char	*shape;
};

static enum id_verdict	check_text(const char *, size_t,
			    const struct id_rule *);
static enum id_verdict	check_digits(const char *, size_t,
			    const struct id_rule *);
static enum id_verdict	check_cpf(const char *, size_t,
			    const struct id_rule *);
static enum id_verdict	check_cnpj(const char *, size_t,
			    const struct id_rule *);
static enum id_verdict	check_cuit(const char *, size_t,
			    const struct id_rule *);
static enum id_verdict	check_rut(const char *, size_t,
			    const struct id_rule *);
static enum id_verdict	check_ci_uy(const char *, size_t,
			    const struct id_rule *);
static enum id_verdict	check_nit(const char *, size_t,
			    const struct id_rule *);

#define TEXT	check_text, 1, ID_MAX_TEXT, "1 to 32 printable characters"

/*
 * Types per site (doc/design.md).  CUIT and CUIL are not in the docs'
 * table for MLA, which leaves them to GET /v1/identification_types; they
 * are taken because they are the tax ids companies and self-employed
 * buyers pay with.  Peru's foreigner card appears as "C.E"
 * (sdk-js) and "CE" (document-types page): both are taken.  Order within a
 * site is the order the message lists them in.
 */
static const struct id_rule rules[] = {
	{ "MLB", "CPF",  check_cpf,    11, 11, "11 digits" },
	{ "MLB", "CNPJ", check_cnpj,   14, 14,
	    "12 digits or capital letters then 2 digits, no punctuation" },
	{ "MLA", "DNI",  check_digits,  7,  8, "7 or 8 digits" },
	{ "MLA", "CI",   TEXT },
	{ "MLA", "LC",   TEXT },
	{ "MLA", "LE",   TEXT },
	{ "MLA", "Otro", TEXT },
	{ "MLA", "CUIT", check_cuit,   11, 11, "11 digits" },
	{ "MLA", "CUIL", check_cuit,   11, 11, "11 digits" },
	{ "MCO", "CC",   check_digits,  5, 10, "5 to 10 digits" },
	{ "MCO", "CE",   TEXT },
	{ "MCO", "NIT",  check_nit,     8, 10,
	    "8 to 10 digits, optionally a hyphen and the check digit" },
	{ "MCO", "Otro", TEXT },
	{ "MLC", "RUT",  check_rut,     1,  8,
	    "1 to 8 digits then a check character 0-9 or K, "
	    "with optional dots between thousands and a hyphen" },
	{ "MLC", "Otro", TEXT },
	{ "MLU", "CI",   check_ci_uy,   6,  7,
	    "7 or 8 digits, the last a check digit, "
	    "with optional dots between thousands and a hyphen" },
	{ "MLU", "Otro", TEXT },
	{ "MPE", "DNI",  check_digits,  8,  8, "8 digits" },
	{ "MPE", "C.E",  TEXT },
	{ "MPE", "CE",   TEXT },
	{ "MPE", "RUC",  check_digits, 11, 11, "11 digits" },
	{ "MPE", "Otro", TEXT },
};

#undef TEXT

/*
 * Sites where identification does not apply (Mexico collects no document);
 * whatever the form carries is forwarded if it is short printable text.
 */
static const char *const no_id_sites[] = { "MLM" };

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* 0x21..0x7e, with spaces allowed inside but not at either end. */
static int
printable(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || s[0] == ' ' || s[len - 1] == ' ')
		return 0;
	for (i = 0; i < len; i++)
		if ((s[i] < 0x21 || s[i] > 0x7e) && s[i] != ' ')
			return 0;
	return 1;
}

static int
all_digits(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!is_digit(s[i]))
			return 0;
	return 1;
}

static int
all_same(const char *s, size_t len)
{
	size_t i;

	for (i = 1; i < len; i++)
		if (s[i] != s[0])
			return 0;
	return 1;
}

/*
 * Sum of the characters of s weighted from the right 2, 3, ... hi, then
 * again from 2: the scheme shared by CPF (hi 11: never wraps), CNPJ (hi 9),
 * RUT and CUIT (hi 7).  A character is worth its code minus '0', which is
 * its digit, and for CNPJ letters the value the Receita defines.
 */
static int
sum_mod11(const char *s, size_t len, int hi)
{
	int sum = 0, w = 2;
	size_t i;

	for (i = len; i > 0; i--) {
		sum += (s[i - 1] - '0') * w;
		if (++w > hi)
			w = 2;
	}
	return sum;
}

/* CPF and CNPJ: remainder below 2 gives 0, else 11 minus it. */
static int
dv_br(const char *s, size_t len, int hi)
{
	int r = sum_mod11(s, len, hi) % 11;

	return r < 2 ? 0 : 11 - r;
}

/*
 * A number with its check character last: "12.345.678-5", "12345678-5" or
 * "123456785".  Copies the body's digits into body (at most r->max, NUL
 * ended) and returns the check character, or -1 when the form is wrong.
 * Dots must separate groups of three from the right and need the hyphen,
 * so that "1.2.3-4" or "12.345.6785" are not read as numbers.
 */
static int
split_check(const char *s, size_t len, const struct id_rule *r, char *body)
{
	size_t end, i, n = 0, group = 0;
	int dotted = 0, check;

	if (len < 2)
		return -1;
	check = (unsigned char)s[len - 1];
	end = len - 1;
	if (s[end - 1] == '-')
		end--;
	for (i = 0; i < end; i++) {
		if (s[i] == '.') {
			/* First group 1 to 3 digits, then exactly 3. */
			if (group == 0 || group > 3 || (dotted && group != 3))
				return -1;
			dotted = 1;
			group = 0;
			continue;
		}
		if (!is_digit(s[i]) || n >= r->max)
			return -1;
		body[n++] = s[i];
		group++;
	}
	body[n] = '\0';
	if (n < r->min || (dotted && (group != 3 || end == len - 1)))
		return -1;
	return check;
}

static enum id_verdict
check_text(const char *s, size_t len, const struct id_rule *r)
{
	return len >= r->min && len <= r->max && printable(s, len) ?
	    ID_OK : ID_SHAPE;
}

static enum id_verdict
check_digits(const char *s, size_t len, const struct id_rule *r)
{
	return len >= r->min && len <= r->max && all_digits(s, len) ?
	    ID_OK : ID_SHAPE;
}

/* Two check digits over the first 9 then 10 digits (weights 10..2, 11..2). */
static enum id_verdict
check_cpf(const char *s, size_t len, const struct id_rule *r)
{
	if (check_digits(s, len, r) != ID_OK)
		return ID_SHAPE;
	/* 11111111111 and its like pass both checks: placeholders, no one's. */
	if (all_same(s, len))
		return ID_REPEATED;
	if (dv_br(s, 9, 11) != s[9] - '0' || dv_br(s, 10, 11) != s[10] - '0')
		return ID_CHECK;
	return ID_OK;
}

/* Two check digits over the first 12 then 13 characters (weights 2..9). */
static enum id_verdict
check_cnpj(const char *s, size_t len, const struct id_rule *r)
{
	size_t i;

	if (len != r->max)
		return ID_SHAPE;
	for (i = 0; i < len - 2; i++)
		if (!is_digit(s[i]) && (s[i] < 'A' || s[i] > 'Z'))
			return ID_SHAPE;
	if (!is_digit(s[12]) || !is_digit(s[13]))
		return ID_SHAPE;
	if (all_same(s, len))
		return ID_REPEATED;
	if (dv_br(s, 12, 9) != s[12] - '0' || dv_br(s, 13, 9) != s[13] - '0')
		return ID_CHECK;
	return ID_OK;
}

/*
 * CUIT/CUIL: weights 5,4,3,2,7,6,5,4,3,2 over the first ten digits, which
 * is 2..7 from the right.  11 - sum % 11, 11 giving 0; a result of 10 is
 * never issued (AFIP changes the prefix instead), so no digit matches it.
 */
static enum id_verdict
check_cuit(const char *s, size_t len, const struct id_rule *r)
{
	int dv;

	if (check_digits(s, len, r) != ID_OK)
		return ID_SHAPE;
	dv = 11 - sum_mod11(s, 10, 7) % 11;
	if (dv == 11)
		dv = 0;
	return dv == s[10] - '0' ? ID_OK : ID_CHECK;
}

/* RUT: weights 2..7 from the right, 11 - sum % 11; 11 is 0, 10 is K. */
static enum id_verdict
check_rut(const char *s, size_t len, const struct id_rule *r)
{
	char body[ID_MAX_BODY + 1];
	int c, dv;

	if ((c = split_check(s, len, r, body)) == -1)
		return ID_SHAPE;
	if (c == 'k')
		c = 'K';
	if (!is_digit((char)c) && c != 'K')
		return ID_SHAPE;
	dv = 11 - sum_mod11(body, strlen(body), 7) % 11;
	if (dv == 11)
		dv = '0';
	else if (dv == 10)
		dv = 'K';
	else
		dv += '0';
	return dv == c ? ID_OK : ID_CHECK;
}

/*
 * Uruguayan CI: the body, left-padded with zeros to 7 digits, weighted
 * 2,9,8,7,6,3,4; check = (10 - sum % 10) % 10.
 */
static enum id_verdict
check_ci_uy(const char *s, size_t len, const struct id_rule *r)
{
	static const int w[7] = { 2, 9, 8, 7, 6, 3, 4 };
	char body[ID_MAX_BODY + 1];
	size_t n, pad, i;
	int c, sum = 0;

	if ((c = split_check(s, len, r, body)) == -1 || !is_digit((char)c))
		return ID_SHAPE;
	n = strlen(body);
	pad = 7 - n;
	for (i = 0; i < n; i++)
		sum += (body[i] - '0') * w[pad + i];
	return (10 - sum % 10) % 10 == c - '0' ? ID_OK : ID_CHECK;
}

/*
 * NIT: bare digits carry no separate check digit to verify.  With "-d",
 * DIAN's weights 3,7,13,17,... from the right; r = sum % 11, check is r
 * when r < 2, else 11 - r.
 */
static enum id_verdict
check_nit(const char *s, size_t len, const struct id_rule *r)
{
	static const int w[] = { 3, 7, 13, 17, 19, 23, 29, 37, 41, 43, 47,
	    53, 59, 67, 71 };
	char body[ID_MAX_BODY + 1];
	size_t n, i;
	int c, sum = 0, dv;

	if (memchr(s, '-', len) == NULL)
		return check_digits(s, len, r);
	if (memchr(s, '.', len) != NULL ||
	    len < 2 || s[len - 2] != '-' ||
	    (c = split_check(s, len, r, body)) == -1 || !is_digit((char)c))
		return ID_SHAPE;
	n = strlen(body);
	for (i = 0; i < n; i++)
		sum += (body[n - 1 - i] - '0') * w[i];
	dv = sum % 11;
	if (dv >= 2)
		dv = 11 - dv;
	return dv == c - '0' ? ID_OK : ID_CHECK;
}

/* "CPF, CNPJ" for the site, into buf (type names come from the table). */
static void
site_types(const char *site, char *buf, size_t size)
{
	size_t i, off = 0;
	int n;

	buf[0] = '\0';
	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		if (strcmp(rules[i].site, site) != 0)
			continue;
		n = snprintf(buf + off, size - off, "%s%s",
		    off == 0 ? "" : ", ", rules[i].type);
		if (n < 0 || (size_t)n >= size - off)
			return;
		off += (size_t)n;
	}
}

int
identification_check(const struct bg_site *site, const char *type,
    const char *number, const char *prefix, struct bg_error *e)
{
	const struct id_rule *r = NULL;
	char tfield[128], nfield[128], types[128];
	size_t i, len;

	if (prefix == NULL)
		prefix = "identification";
	snprintf(tfield, sizeof(tfield), "%s.type", prefix);
	snprintf(nfield, sizeof(nfield), "%s.number", prefix);
	if (type != NULL && type[0] == '\0')
		type = NULL;
	if (number != NULL && number[0] == '\0')
		number = NULL;
	if (site == NULL)
		return bg_fail(e, 500, "internal_error", NULL,
		    "no site to check the identification against");

	for (i = 0; i < sizeof(no_id_sites) / sizeof(no_id_sites[0]); i++) {
		if (strcmp(no_id_sites[i], site->id) != 0)
			continue;
		if (type != NULL && (strlen(type) > ID_MAX_TEXT ||
		    !printable(type, strlen(type))))
			return bg_fail(e, 400, "invalid_field", tfield,
			    "%s must be 1 to 32 printable characters",
			    tfield);
		if (number != NULL && (strlen(number) > ID_MAX_TEXT ||
		    !printable(number, strlen(number))))
			return bg_fail(e, 400, "invalid_field", nfield,
			    "%s must be 1 to 32 printable characters",
			    nfield);
		return 0;
	}

	if (type == NULL)
		return bg_fail(e, 400, "missing_field", tfield,
		    "%s is required in %s", tfield, site->country);
	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (strcmp(rules[i].site, site->id) == 0 &&
		    strcmp(rules[i].type, type) == 0) {
			r = &rules[i];
			break;
		}
	if (r == NULL) {
		/* Not echoed: a confused form may put the number here. */
		site_types(site->id, types, sizeof(types));
		return bg_fail(e, 400, "invalid_field", tfield,
		    "%s must be one of %s in %s", tfield, types,
		    site->country);
	}
	if (number == NULL)
		return bg_fail(e, 400, "missing_field", nfield,
		    "%s is required in %s", nfield, site->country);

	len = strlen(number);
	switch (r->check(number, len, r)) {
	case ID_OK:
		return 0;
	case ID_CHECK:
		return bg_fail(e, 400, "invalid_field", nfield,
		    "%s is not a valid %s: wrong check digit", nfield,
		    r->type);
	case ID_REPEATED:
		return bg_fail(e, 400, "invalid_field", nfield,
		    "%s is not a valid %s: one digit repeated", nfield,
		    r->type);
	case ID_SHAPE:
	default:
		return bg_fail(e, 400, "invalid_field", nfield,
		    "%s must be %s for %s", nfield, r->shape, r->type);
	}
}
