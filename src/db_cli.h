/*
 * db_cli.h - `brickgate db init|import`, the PostgreSQL store's own
 * commands (brickgate(8), COMMANDS).
 */
#ifndef BG_DB_CLI_H
#define BG_DB_CLI_H

#include "config.h"

/* argv[0] is "db"; configuration flags are skipped. Exit status. */
int	 db_command(int argc, char **argv, const struct bg_config *cfg);

#endif
