/*
 * response.h - status line, headers and JSON body of an answer.
 */
#ifndef BG_RESPONSE_H
#define BG_RESPONSE_H

#include <json-c/json.h>

#include "error.h"
#include "request.h"

/*
 * Sends status and body (a JSON text) with Content-Type, Cache-Control:
 * no-store and Content-Length; extra is one more header line without its
 * CRLF ("Allow: POST"), or NULL.  Records status and code for the log.
 */
int	 respond(struct bg_request *r, int status, const char *body,
	    const char *extra);
/* The same with another media type (GET /metrics: text/plain). */
int	 respond_typed(struct bg_request *r, int status, const char *type,
	    const char *body, const char *extra);
int	 respond_obj(struct bg_request *r, int status, json_object *o);
/* A body of one string member: {"key": "value"}. */
int	 respond_string(struct bg_request *r, int status, const char *key,
	    const char *value);
int	 respond_error(struct bg_request *r, const struct bg_error *e,
	    const char *extra);

/*
 * An error body with Mercado Pago's refusal under error.upstream and/or
 * the purchase's payment summary under payment (both borrowed, may be
 * NULL).
 */
int	 respond_error_with(struct bg_request *r, const struct bg_error *e,
	    json_object *upstream, json_object *payment);

#endif
