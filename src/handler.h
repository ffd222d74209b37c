/*
 * handler.h - what every request handler is given: the process's
 * configuration, secrets, log and store.  Its own header, below the
 * server and the handlers alike, so that a handler needs nothing of the
 * server that calls it.
 */
#ifndef BG_HANDLER_H
#define BG_HANDLER_H

#include <stdatomic.h>

#include "config.h"
#include "log.h"
#include "secrets.h"
#include "store.h"

/* Read-only but for the secrets' lock and the flag of a warning logged
 * once. */
struct bg_ctx {
	const struct bg_config	*cfg;
	struct bg_secrets	*secrets;
	struct bg_log		*log;
	struct store		*store;		/* purchases; shared */
	int			 misconfigured;	/* CGI with a bad config */
	/* The runner of on_paid (on_paid.h), or NULL without the key. */
	struct on_paid		*on_paid;
	/* Set by the first IPN call, so its warning is logged once. */
	atomic_int		 ipn_warned;
};

/*
 * What one thread owns for the requests it serves: an API client (its
 * connection stays open) and a store session (a database back end's
 * connection); store is NULL when the session could not be opened, and
 * requests that need a purchase then answer 503 store_unavailable.
 */
struct mp_client;

struct bg_worker {
	struct mp_client	*mp;
	struct store_session	*store;
	int			 slot;	/* its slot of the on_paid runner */
};

#endif
