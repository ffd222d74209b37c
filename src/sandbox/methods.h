/*
 * methods.h - the payment_method_id values the sandbox accepts, per site.
 */
#ifndef SB_METHODS_H
#define SB_METHODS_H

enum pm_family {
	PM_CARD,
	PM_PIX,
	PM_TICKET,	/* tickets and ATM vouchers: a printable reference */
	PM_PSE,
};

struct pm {
	const char *id;
	const char *sites;	/* space-separated site ids, "*" for all */
	const char *type;	/* payment_type_id */
	enum pm_family family;
	const char *brand;	/* card brand the BIN must show, or NULL */
};

/* The method `id` on `site`, or NULL when the site does not offer it. */
const struct pm *pm_find(const char *site, const char *id);

#endif
