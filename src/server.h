/*
 * server.h - serving requests: the FastCGI worker pool and the one-shot
 * CGI run, both ending in the same handler.
 */
#ifndef BG_SERVER_H
#define BG_SERVER_H

#include "handler.h"
#include "mp_client.h"
#include "purchase_id.h"
#include "transport.h"

/*
 * Handles one request end to end: parse, route, answer, log, with the
 * calling thread's own API client and store session.  owed gets the
 * purchase id whose on_paid is owed once the answer is sent, or "".
 */
void	 server_handle(struct bg_ctx *ctx, const struct bg_worker *w,
	    struct bg_io *io, char owed[PURCHASE_ID_MAX + 1]);

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
