/*
 * cli.c - the command line's options.
 *
 * main() reads the configuration flags from the whole line first, so
 * that `brickgate --config F reconcile` and `brickgate reconcile
 * --config F` mean the same; a command (context, reconcile) then reads
 * its own options the same way, and steps over the configuration's.
 * One splitter serves both, so that the two readings can never disagree
 * on which argument is a value.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "config.h"

int
cli_flag(int argc, char **argv, int i, const char **name, size_t *len,
    const char **value)
{
	const char *arg = argv[i] + 2, *eq = strchr(arg, '=');

	*name = arg;
	*len = eq ? (size_t)(eq - arg) : strlen(arg);
	if (eq != NULL) {
		*value = eq + 1;
		return 1;
	}
	*value = i + 1 < argc ? argv[i + 1] : NULL;
	return *value != NULL ? 2 : 1;
}

int
cli_main_flag(const char *name, size_t len)
{
	char key[64];

	if (len >= sizeof(key))
		return 0;
	memcpy(key, name, len);
	key[len] = '\0';
	if (strcmp(key, "check-config") == 0)
		return 1;
	return strcmp(key, "config") == 0 || config_is_key(key) ? 2 : 0;
}

int
cli_command(int argc, char **argv, const struct cli_opt *opts,
    size_t nopts, const char **pos, size_t npos, char *why, size_t whysz)
{
	const char *name, *value;
	size_t len, i, npos_seen = 0;
	int k, used;

	for (k = 1; k < argc; k += used) {
		used = 1;
		if (strncmp(argv[k], "--", 2) != 0) {
			if (npos_seen == npos) {
				snprintf(why, whysz, "unexpected argument "
				    "'%s'", argv[k]);
				return -1;
			}
			pos[npos_seen++] = argv[k];
			continue;
		}
		used = cli_flag(argc, argv, k, &name, &len, &value);
		for (i = 0; i < nopts; i++)
			if (strlen(opts[i].name) == len &&
			    strncmp(name, opts[i].name, len) == 0)
				break;
		if (i < nopts && value != NULL) {
			*opts[i].value = value;
			continue;
		}
		if (i < nopts) {
			snprintf(why, whysz, "--%s needs a value",
			    opts[i].name);
			return -1;
		}
		switch (cli_main_flag(name, len)) {
		case 1:
			used = 1;
			break;
		case 2:
			break;		/* main's, taken with its value */
		default:
			snprintf(why, whysz, "unknown option --%.*s",
			    (int)(len > 64 ? 64 : len), name);
			return -1;
		}
	}
	return 0;
}
