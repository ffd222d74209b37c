/*
 * site.h - the seven Mercado Pago sites and what they decide.
 */
#ifndef BG_SITE_H
#define BG_SITE_H

struct bg_site {
	const char *id;		/* "MLB" */
	const char *currency;	/* "BRL" */
	int	 decimals;	/* digits after the point in amounts */
	const char *country;	/* for messages */
	const char *tld;	/* mercadopago.com.<tld>, for sandbox URLs */
};

/* NULL when id is not one of MLA MLB MLM MPE MCO MLU MLC. */
const struct bg_site *site_find(const char *id);

/* "MLA MLB ..." for messages. */
const char *site_list(void);

#endif
