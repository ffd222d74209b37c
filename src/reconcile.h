/*
 * reconcile.h - `brickgate reconcile` (brickgate(8), COMMANDS).
 */
#ifndef BG_RECONCILE_H
#define BG_RECONCILE_H

#include "handler.h"

/*
 * Settles every purchase whose records are older than --older-than
 * seconds (default 120); argv[0] is "reconcile".  Returns the exit
 * status: 0, 1 when a purchase could not be settled, 64 on usage errors.
 */
int	 reconcile_command(int argc, char **argv, struct bg_ctx *ctx);

#endif
