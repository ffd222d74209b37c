/*
 * paymethod.c - the method table: every payment_method_id of every site,
 * as doc/payment-methods.md lists them, with the source of each card id.
 * A card row's brand is the one its BIN must show in the sandbox, or NULL
 * where no BIN range is documented (doc/payment-methods.md says which).
 */
#include <string.h>

#include "paymethod.h"

static const struct pm methods[] = {
	{ "visa",	"*",		"credit_card",	PM_CARD, "visa" },
	{ "master",	"*",		"credit_card",	PM_CARD, "master" },
	{ "amex",	"*",		"credit_card",	PM_CARD, "amex" },
	{ "debvisa",	"MLA MLC MCO MLM MPE MLU", "debit_card", PM_CARD,
	    "visa" },
	{ "debmaster",	"MLA MLC MCO MLM MPE", "debit_card", PM_CARD,
	    "master" },
	{ "elo",	"MLB",		"credit_card",	PM_CARD, NULL },
	{ "debelo",	"MLB",		"debit_card",	PM_CARD, NULL },
	{ "hipercard",	"MLB",		"credit_card",	PM_CARD, NULL },
	{ "naranja",	"MLA",		"credit_card",	PM_CARD, NULL },
	{ "cabal",	"MLA",		"credit_card",	PM_CARD, NULL },
	{ "debcabal",	"MLA MLB",	"debit_card",	PM_CARD, NULL },
	{ "maestro",	"MLA",		"debit_card",	PM_CARD, NULL },
	{ "tarshop",	"MLA",		"credit_card",	PM_CARD, NULL },
	{ "cencosud",	"MLA",		"credit_card",	PM_CARD, NULL },
	{ "argencard",	"MLA",		"credit_card",	PM_CARD, NULL },
	{ "cmr",	"MLA",		"credit_card",	PM_CARD, NULL },
	{ "diners",	"MLA MCO MPE",	"credit_card",	PM_CARD, NULL },
	{ "oca",	"MLU",		"credit_card",	PM_CARD, NULL },
	{ "lider",	"MLU",		"credit_card",	PM_CARD, NULL },
	{ "magna",	"MLC",		"credit_card",	PM_CARD, NULL },
	{ "presto",	"MLC",		"credit_card",	PM_CARD, NULL },
	{ "redcompra",	"MLC",		"debit_card",	PM_CARD, NULL },
	{ "codensa",	"MCO",		"credit_card",	PM_CARD, NULL },
	{ "mercadopagocard", "MLM",	"prepaid_card",	PM_CARD, NULL },
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
