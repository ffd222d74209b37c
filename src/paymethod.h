/*
 * paymethod.h - every payment_method_id of every site, with its
 * payment_type_id and family.  One table serves brickgate (which module
 * handles an id, and whether the site offers it) and the sandbox (what
 * it accepts).
 */
#ifndef BG_PAYMETHOD_H
#define BG_PAYMETHOD_H

#include <stddef.h>

enum pm_family {
	PM_CARD,
	PM_PIX,
	PM_TICKET,	/* tickets and ATM vouchers: a printable reference */
	PM_PSE,
	PM_WALLET,	/* paid on Mercado Pago's side through a preference */
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

/* True when the method is offered on `site`. */
int	 pm_offered(const struct pm *pm, const char *site);

/* The whole table, in its order (for listings); *n is its length. */
const struct pm *pm_all(size_t *n);

#endif
