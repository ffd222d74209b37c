/*
 * server.h - serving requests: the FastCGI worker pool and the one-shot
 * CGI run, both ending in the same handler.
 */
#ifndef BG_SERVER_H
#define BG_SERVER_H

#include <stdatomic.h>

#include "config.h"
#include "log.h"
#include "mp_client.h"
#include "secrets.h"
#include "store.h"
#include "transport.h"

/* What a request handler may use: read-only but for the secrets' lock
 * and the flag of a warning logged once. */
struct bg_ctx {
	const struct bg_config	*cfg;
	struct bg_secrets	*secrets;
	struct bg_log		*log;
	struct store		*store;		/* purchases; shared */
	int			 misconfigured;	/* CGI with a bad config */
	/* Set by the first IPN call, so its warning is logged once. */
	atomic_int		 ipn_warned;
};

/*
 * Handles one request end to end: parse, route, answer, log.  mp is the
 * calling thread's own API client.
 */
void	 server_handle(struct bg_ctx *ctx, struct mp_client *mp,
	    struct bg_io *io);

/*
 * The listening socket handed over by spawn-fcgi or mod_fcgid (fd 0) or
 * by systemd (LISTEN_FDS/LISTEN_PID, fd 3); -1 when there is none, with
 * why set when systemd handed over something else than one listening
 * socket (empty otherwise).
 */
int	 server_inherited_socket(char *why, size_t whysz);

/* Binds unix:/path or a loopback host:port; -1 with why. */
int	 server_listen(const char *addr, char *why, size_t whysz);

/*
 * Runs the worker pool until SIGTERM or SIGINT, then lets requests in
 * flight finish (at most request_deadline_ms plus a grace second).
 * SIGHUP re-reads the secrets and reopens the log.  Returns the exit
 * status.
 */
int	 server_run_fcgi(struct bg_ctx *ctx, int listen_fd);

/* Serves the one CGI request on the process's environment and stdio. */
int	 server_run_cgi(struct bg_ctx *ctx);

#endif
