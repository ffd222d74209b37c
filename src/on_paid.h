/*
 * on_paid.h - the storefront's hook, run once for each purchase whose
 * payment becomes approved (brickgate.conf(5), on_paid; doc/design.md,
 * The on_paid hook).
 *
 * A confined brickgate may not execute anything, so the hook is run by a
 * runner: a process forked before the confinement, as the same user, that
 * does nothing but start the hook when asked, wait for it (at most
 * ON_PAID_LIMIT_S seconds) and answer how it ended.  Each worker thread
 * has a slot of its own, a socket pair, so that no answer can reach
 * another thread.  Commands, which are not confined, run the hook
 * themselves.
 */
#ifndef BG_ON_PAID_H
#define BG_ON_PAID_H

#include <sys/types.h>

#include "config.h"
#include "error.h"
#include "purchase_id.h"

#define ON_PAID_LIMIT_S	10

/* What the hook is told: its argument and its environment. */
struct paid_note {
	char	purchase_id[PURCHASE_ID_MAX + 1];
	char	payment_id[24];
	char	amount[32];	/* decimal text, as the purchase's */
};

/* How the hook ended: exit status, or one of these. */
#define ON_PAID_KILLED		(-1)	/* by a signal */
#define ON_PAID_TIMED_OUT	(-2)	/* killed after ON_PAID_LIMIT_S */

struct on_paid {
	pid_t	 runner;	/* 0: none */
	int	*fds;		/* one per slot, the server's end */
	int	 nslots;
};

/*
 * Starts the runner with nslots slots (one per worker thread).  Called
 * before the process confines itself; the runner closes every other
 * descriptor it inherited.
 */
int	 on_paid_start(struct on_paid *op, const struct bg_config *cfg,
	    int nslots, struct bg_error *e);
/* Closes the slots and waits for the runner, which then exits. */
void	 on_paid_stop(struct on_paid *op);

/* Asks the runner, through slot, to run the hook: 0 with *how, or -1. */
int	 on_paid_ask(struct on_paid *op, int slot, const struct paid_note *n,
	    int *how, struct bg_error *e);

/* Runs the hook here and waits for it: 0 with *how, or -1. */
int	 on_paid_exec(const char *path, const struct paid_note *n, int *how,
	    struct bg_error *e);

/* "exit 3", "killed by a signal", "killed after 10 s". */
void	 on_paid_how(int how, char *buf, size_t size);

#endif
