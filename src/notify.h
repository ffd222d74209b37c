/*
 * notify.h - on_paid once per purchase: whether a purchase is owed its
 * run, and the run recorded (brickgate.conf(5), on_paid; doc/design.md,
 * The on_paid hook).
 */
#ifndef BG_NOTIFY_H
#define BG_NOTIFY_H

#include "on_paid.h"
#include "purchase.h"

/* How the hook is run: through a runner's slot, or (runner NULL) here. */
struct notifier {
	struct on_paid	*runner;
	int		 slot;
};

/*
 * True when the loaded purchase has an approved payment (its amount and
 * currency the purchase's), on_paid is set, and no run of it succeeded.
 */
int	 purchase_owes_notice(const struct purchase *p);

/*
 * Under the purchase's lock: runs on_paid when the purchase owes it, and
 * records its success (paid_notified_at, saved durably), so that it
 * never runs again.  1 run and recorded, 0 nothing owed, -1 failed
 * (logged: the hook's exit, or why it did not run; reconcile runs it
 * again).
 */
int	 purchase_notify(struct purchase *p, const struct notifier *n);

#endif
