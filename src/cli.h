/*
 * cli.h - the command line's options, for main() and its commands.
 */
#ifndef BG_CLI_H
#define BG_CLI_H

#include <stddef.h>

/*
 * Splits argv[i], "--name=value" or "--name value": *name points past the
 * dashes and is len bytes long; *value is NULL when nothing follows.
 * Returns how many arguments it used (1 or 2).
 */
int	 cli_flag(int argc, char **argv, int i, const char **name,
	    size_t *len, const char **value);

/*
 * Whether "--name" (len bytes) is main()'s to take, whatever command
 * follows: 2 with a value (the configuration's keys and --config), 1
 * alone (--check-config), 0 not at all (a command's own option).
 */
int	 cli_main_flag(const char *name, size_t len);

/* One option of a command, and where its value goes. */
struct cli_opt {
	const char	 *name;		/* without the dashes */
	const char	**value;
};

/*
 * A command's arguments after its name (argv[0]): each option of opts,
 * and up to npos words into pos[] in order.  A configuration flag (a key
 * of brickgate.conf(5), --config, --check-config) was main's: it is
 * stepped over with its value.  0, or -1 with why (whysz bytes) saying
 * what was wrong: an unknown option, one without its value, a word too
 * many.
 */
int	 cli_command(int argc, char **argv, const struct cli_opt *opts,
	    size_t nopts, const char **pos, size_t npos, char *why,
	    size_t whysz);

#endif
