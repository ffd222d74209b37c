/*
 * context_cli.h - `brickgate context create|show|list|prune`, the
 * purchase-context helper for storefronts, operators and tests
 * (brickgate(8), COMMANDS).
 */
#ifndef BG_CONTEXT_CLI_H
#define BG_CONTEXT_CLI_H

#include "config.h"

/* argv[0] is "context"; configuration flags are skipped. Exit status. */
int	 context_command(int argc, char **argv, const struct bg_config *cfg);

#endif
