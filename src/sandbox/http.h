/*
 * http.h - the sandbox's HTTP face (libmicrohttpd): routing, auth, faults,
 * the request log and the control endpoints.
 */
#ifndef SB_HTTP_H
#define SB_HTTP_H

#include <sys/socket.h>

#include "sandbox/store.h"

/* Largest request body accepted; more is answered 413. */
#define SB_MAX_BODY	(1024 * 1024)

struct MHD_Daemon;

/*
 * Starts the server on sa (thread per connection, so that a slow answer
 * never holds up another).  Returns the daemon and the bound port.
 */
struct MHD_Daemon *http_start(struct sb_store *st, const struct sockaddr *sa,
	    int ipv6, unsigned *port);

void	 http_stop(struct MHD_Daemon *d);

#endif
