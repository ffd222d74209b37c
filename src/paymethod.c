/*
 * paymethod.c - the method table.  Non-card ids are every id of
 * the Brick on each site (doc/design.md); card ids are the common ones of
 * GET /v1/payment_methods for each site.
 */
#include <string.h>

#include "paymethod.h"

static const struct pm methods[] = {
	{ "visa",	"*",		"credit_card",	PM_CARD, "visa" },
	{ "master",	"*",		"credit_card",	PM_CARD, "master" },
	{ "amex",	"MLA MLB MLC MCO MLM MPE", "credit_card", PM_CARD,
	    "amex" },
	{ "debvisa",	"*",		"debit_card",	PM_CARD, "visa" },
	{ "debmaster",	"*",		"debit_card",	PM_CARD, "master" },
	{ "elo",	"MLB",		"credit_card",	PM_CARD, NULL },
	{ "debelo",	"MLB",		"debit_card",	PM_CARD, NULL },
	{ "hipercard",	"MLB",		"credit_card",	PM_CARD, NULL },
	{ "naranja",	"MLA",		"credit_card",	PM_CARD, NULL },
	{ "cabal",	"MLA",		"credit_card",	PM_CARD, NULL },
	{ "debcabal",	"MLA",		"debit_card",	PM_CARD, NULL },
	{ "maestro",	"MLA",		"debit_card",	PM_CARD, NULL },
	{ "diners",	"MCO MLC MLU MPE", "credit_card", PM_CARD, NULL },
	{ "oca",	"MLU",		"credit_card",	PM_CARD, NULL },
	{ "magna",	"MLC",		"credit_card",	PM_CARD, NULL },
	{ "codensa",	"MCO",		"credit_card",	PM_CARD, NULL },
	{ "pix",	"MLB",		"bank_transfer", PM_PIX, NULL },
	{ "bolbradesco", "MLB",		"ticket",	PM_TICKET, NULL },
	{ "pec",	"MLB",		"ticket",	PM_TICKET, NULL },
	{ "rapipago",	"MLA",		"ticket",	PM_TICKET, NULL },
	{ "pagofacil",	"MLA",		"ticket",	PM_TICKET, NULL },
	{ "oxxo",	"MLM",		"ticket",	PM_TICKET, NULL },
	{ "paycash",	"MLM",		"ticket",	PM_TICKET, NULL },
	{ "bancomer",	"MLM",		"atm",		PM_TICKET, NULL },
	{ "banamex",	"MLM",		"atm",		PM_TICKET, NULL },
	{ "pagoefectivo_atm", "MPE",	"atm",		PM_TICKET, NULL },
	{ "pse",	"MCO",		"bank_transfer", PM_PSE, NULL },
	{ "efecty",	"MCO",		"ticket",	PM_TICKET, NULL },
	{ "abitab",	"MLU",		"ticket",	PM_TICKET, NULL },
	{ "redpagos",	"MLU",		"ticket",	PM_TICKET, NULL },
	{ "account_money", "*",		"account_money", PM_WALLET, NULL },
	{ "consumer_credits", "MLA MLB MLM", "digital_currency", PM_WALLET,
	    NULL },
};

static int
offered(const char *sites, const char *site)
{
	size_t n = strlen(site);
	const char *p;

	if (strcmp(sites, "*") == 0)
		return 1;
	for (p = sites; (p = strstr(p, site)) != NULL; p += n)
		if ((p == sites || p[-1] == ' ') &&
		    (p[n] == '\0' || p[n] == ' '))
			return 1;
	return 0;
}

const struct pm *
pm_find(const char *site, const char *id)
{
	size_t i;

	if (id == NULL)
		return NULL;
	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (strcmp(methods[i].id, id) == 0)
			return offered(methods[i].sites, site) ?
			    &methods[i] : NULL;
	return NULL;
}

int
pm_offered(const struct pm *pm, const char *site)
{
	return offered(pm->sites, site);
}

const struct pm *
pm_all(size_t *n)
{
	*n = sizeof(methods) / sizeof(methods[0]);
	return methods;
}
