/*
 * request.h - one HTTP request as brickgate sees it.
 *
 * request_begin() reads only what every route needs (method, route,
 * query); the body is read and parsed on demand by request_read_json(),
 * after the cheap checks, so that refused requests cost little.
 */
#ifndef BG_REQUEST_H
#define BG_REQUEST_H

#include <stddef.h>
#include <time.h>

#include <json-c/json.h>

#include "error.h"
#include "purchase_id.h"
#include "query.h"
#include "transport.h"

#define ROUTE_MAX 64

struct mp_client;
struct store_session;

struct bg_request {
	struct bg_io	*io;
	struct mp_client *mp;			/* the thread's API client */
	struct store_session *store;		/* its store session, or NULL */
	const char	*method;		/* "GET", "POST", ... */
	char		 route[ROUTE_MAX + 1];	/* last path segment */
	struct query	 query;
	char		 purchase_id[PURCHASE_ID_MAX + 1];
	char		*body;
	size_t		 body_len;
	json_object	*json;			/* NULL also for "null" */

	/* What the log line reports (brickgate(8), LOGS). */
	struct timespec	 start;
	long		 upstream_ms;
	int		 status;
	const char	*code;
	const char	*route_name;		/* known routes only */
	char		 payment_id[24];
	char		 payment_method[40];
	char		 payment_status[24];
	/* Its purchase owes an on_paid run, made once the answer is sent. */
	int		 notify_paid;
};

/* Method, route and query; -1 only when out of memory. */
int	 request_begin(struct bg_request *r, struct bg_io *io,
	    struct bg_error *e);
void	 request_end(struct bg_request *r);

/* An HTTP request header by its name as sent ("X-Purchase-Id"). */
const char *request_header(struct bg_request *r, const char *name);

/* Picks the purchase id from the query and X-Purchase-Id. */
int	 request_purchase_id(struct bg_request *r, struct bg_error *e);

/*
 * Checks Content-Type (415) and Content-Length against max_body (413,
 * before reading anything), reads exactly that many bytes and parses them
 * as strict JSON (400 invalid_json).  An object, or null when allow_null,
 * is accepted; any other JSON value is invalid_json.
 */
int	 request_read_json(struct bg_request *r, long max_body,
	    int allow_null, struct bg_error *e);

#endif
