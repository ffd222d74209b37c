/*
 * refund_cli.h - `brickgate refund` (brickgate(8), COMMANDS).
 */
#ifndef BG_REFUND_CLI_H
#define BG_REFUND_CLI_H

#include "handler.h"

/*
 * Refunds the purchase's approved payment, in full or by --amount;
 * argv[0] is "refund".  Returns the exit status: 0 refunded, 1 refused
 * or left open (no answer: the next run resumes it), 64 usage errors.
 */
int	 refund_command(int argc, char **argv, struct bg_ctx *ctx);

#endif
