/*
 * confine.h - what brickgate may still do once it serves
 * (brickgate(8), CONFINEMENT; doc/design.md, Confinement).
 *
 * Applied once, after the configuration and the secrets are read and the
 * socket is bound, before the first request: the user of `user`, then
 * no_new_privs, a Landlock file-system policy where the kernel has one,
 * and a seccomp filter.  None of it can be undone by the process.
 */
#ifndef BG_CONFINE_H
#define BG_CONFINE_H

#include <stddef.h>

#include "config.h"
#include "error.h"

#define CONFINE_SECRETS	2

/* What the process may still reach, taken from its configuration. */
struct confine_policy {
	const char	*context_dir;	/* read and write beneath; or NULL */
	const char	*log_file;	/* its directory: create and append */
	const char	*ca_file;	/* read */
	const char	*secrets[CONFINE_SECRETS]; /* read (SIGHUP) */
	const char	*exec;		/* the one program it may run; or NULL */
	int		 postgresql;	/* libpq's files: passfile, certificates */
	const char	*database_url;	/* and those its parameters name */
};

/* The policy of a checked configuration. */
void	 confine_policy(struct confine_policy *pol, const struct bg_config *c);

/*
 * Switches to user and its groups (initgroups, setresgid, setresuid) and
 * checks that root cannot be regained.  Started as user already, does
 * nothing; started as anyone else but root, fails.
 */
int	 confine_user(const char *user, struct bg_error *e);

/*
 * Applies no_new_privs, Landlock (when the kernel offers it) and the
 * seccomp filter to the calling process, which must have one thread
 * only: Landlock binds the threads that exist when it is applied.
 * Writes into what the part of the start-up line after "confined: ",
 * e.g. "seccomp, landlock ABI 6".  On failure the process may be
 * partly confined; the caller stops.
 */
int	 confine_apply(const struct confine_policy *pol, char *what,
	    size_t whatsz, struct bg_error *e);

/*
 * no_new_privs and the seccomp filter alone, for brickgate-sandbox
 * (brickgate-sandbox(1)), whose files are the test's to place; what as
 * for confine_apply().  Applies to the threads started after it.
 */
int	 confine_syscalls(char *what, size_t whatsz, struct bg_error *e);

#endif
