/*
 * response.c - writing answers.  The header block is a CGI/FastCGI
 * "Status:" response, which both nginx and Apache turn into HTTP.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_strict.h"
#include "response.h"

int
respond(struct bg_request *r, int status, const char *body,
    const char *extra)
{
	return respond_typed(r, status, "application/json; charset=utf-8",
	    body, extra);
}

int
respond_typed(struct bg_request *r, int status, const char *type,
    const char *body, const char *extra)
{
	char head[512];
	size_t blen = strlen(body);
	int n;

	n = snprintf(head, sizeof(head),
	    "Status: %d %s\r\n"
	    "Content-Type: %s\r\n"
	    "Cache-Control: no-store\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "Content-Length: %zu\r\n"
	    "%s%s"
	    "\r\n",
	    status, bg_status_text(status), type, blen,
	    extra ? extra : "", extra ? "\r\n" : "");
	r->status = status;
	if (n < 0 || (size_t)n >= sizeof(head))
		return -1;
	if (r->io->write(r->io, head, (size_t)n) == -1)
		return -1;
	if (strcmp(r->method, "HEAD") == 0)
		return 0;
	return r->io->write(r->io, body, blen);
}

int
respond_obj(struct bg_request *r, int status, json_object *o)
{
	return respond(r, status, json_plain(o), NULL);
}

int
respond_string(struct bg_request *r, int status, const char *key,
    const char *value)
{
	json_object *o = json_object_new_object();
	int rc;

	json_object_object_add(o, key, json_object_new_string(value));
	rc = respond_obj(r, status, o);
	json_object_put(o);
	return rc;
}

int
respond_error(struct bg_request *r, const struct bg_error *e,
    const char *extra)
{
	static const char fallback[] = "{\"error\":{\"code\":\"internal_error\","
	    "\"message\":\"out of memory\"}}";
	char *body = bg_error_json(e);
	int rc;

	r->code = e->code;
	rc = respond(r, e->status ? e->status : 500,
	    body ? body : fallback, extra);
	free(body);
	return rc;
}

int
respond_error_with(struct bg_request *r, const struct bg_error *e,
    json_object *upstream, json_object *payment)
{
	json_object *body = bg_error_obj(e), *err;
	int rc;

	if (body == NULL)
		return respond_error(r, e, NULL);
	if (upstream != NULL && json_object_object_get_ex(body, "error", &err))
		json_object_object_add(err, "upstream",
		    json_object_get(upstream));
	if (payment != NULL)
		json_object_object_add(body, "payment",
		    json_object_get(payment));
	r->code = e->code;
	rc = respond_obj(r, e->status, body);
	json_object_put(body);
	return rc;
}
