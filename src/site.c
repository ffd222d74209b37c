/*
 * site.c - the site table.  COP and CLP amounts are whole numbers: Mercado
 * Pago refuses decimals there (doc/design.md).
 */
#include <string.h>

#include "site.h"

static const struct bg_site sites[] = {
	{ "MLA", "ARS", 2, "Argentina", "com.ar" },
	{ "MLB", "BRL", 2, "Brazil",    "com.br" },
	{ "MLM", "MXN", 2, "Mexico",    "com.mx" },
	{ "MPE", "PEN", 2, "Peru",      "com.pe" },
	{ "MCO", "COP", 0, "Colombia",  "com.co" },
	{ "MLU", "UYU", 2, "Uruguay",   "com.uy" },
	{ "MLC", "CLP", 0, "Chile",     "cl" },
};

const struct bg_site *
site_find(const char *id)
{
	size_t i;

	if (id == NULL)
		return NULL;
	for (i = 0; i < sizeof(sites) / sizeof(sites[0]); i++)
		if (strcmp(sites[i].id, id) == 0)
			return &sites[i];
	return NULL;
}

const char *
site_list(void)
{
	return "MLA MLB MLM MPE MCO MLU MLC";
}
