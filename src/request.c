/*
 * request.c - method, route, query, headers and body of one request.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json_strict.h"
#include "request.h"

/*
 * The route is PATH_INFO when the web server sets it (CGI on shared
 * hosting: /cgi-bin/brickgate.cgi/process_payment), else the path of
 * REQUEST_URI; only the last segment counts, so that brickgate can be
 * mounted under any prefix.
 */
static void
pick_route(struct bg_request *r)
{
	const char *path, *end, *seg;
	size_t n;

	path = r->io->param(r->io, "PATH_INFO");
	if (path == NULL || *path == '\0')
		path = r->io->param(r->io, "REQUEST_URI");
	if (path == NULL || *path == '\0')
		path = r->io->param(r->io, "SCRIPT_NAME");
	r->route[0] = '\0';
	if (path == NULL)
		return;
	end = path + strcspn(path, "?#");
	for (seg = end; seg > path && seg[-1] != '/'; seg--)
		;
	n = (size_t)(end - seg);
	if (n > ROUTE_MAX)
		return;
	memcpy(r->route, seg, n);
	r->route[n] = '\0';
}

int
request_begin(struct bg_request *r, struct bg_io *io, struct bg_error *e)
{
	memset(r, 0, sizeof(*r));
	clock_gettime(CLOCK_MONOTONIC, &r->start);
	r->io = io;
	r->method = io->param(io, "REQUEST_METHOD");
	if (r->method == NULL)
		r->method = "";
	pick_route(r);
	if (query_parse(&r->query, io->param(io, "QUERY_STRING")) == -1)
		return bg_fail(e, 500, "internal_error", NULL,
		    "out of memory");
	return 0;
}

void
request_end(struct bg_request *r)
{
	query_free(&r->query);
	json_object_put(r->json);
	free(r->body);
	r->json = NULL;
	r->body = NULL;
}

const char *
request_header(struct bg_request *r, const char *name)
{
	char var[80] = "HTTP_";
	size_t i, o = 5;

	for (i = 0; name[i] != '\0' && o + 1 < sizeof(var); i++, o++)
		var[o] = name[i] == '-' ? '_' :
		    (char)toupper((unsigned char)name[i]);
	var[o] = '\0';
	return r->io->param(r->io, var);
}

int
request_purchase_id(struct bg_request *r, struct bg_error *e)
{
	return purchase_id_pick(&r->query,
	    request_header(r, "X-Purchase-Id"), r->purchase_id, e);
}

/* "application/json", any case, optionally followed by parameters. */
static int
is_json_type(const char *ct)
{
	static const char want[] = "application/json";
	size_t n = sizeof(want) - 1;

	if (ct == NULL || strncasecmp(ct, want, n) != 0)
		return 0;
	ct += n;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	return *ct == '\0' || *ct == ';';
}

static int
content_length(struct bg_request *r, long max_body, size_t *len,
    struct bg_error *e)
{
	const char *cl = r->io->param(r->io, "CONTENT_LENGTH");
	unsigned long long v = 0;
	size_t i;

	if (cl == NULL || *cl == '\0') {
		*len = 0;
		return 0;
	}
	for (i = 0; cl[i] != '\0'; i++) {
		if (!isdigit((unsigned char)cl[i]) || i >= 18)
			return bg_fail(e, 400, "invalid_json", NULL,
			    "Content-Length is not a number");
		v = v * 10 + (unsigned)(cl[i] - '0');
	}
	if (v > (unsigned long long)max_body)
		return bg_fail(e, 413, "body_too_large", NULL,
		    "request body is larger than %ld bytes", max_body);
	*len = (size_t)v;
	return 0;
}

int
request_read_json(struct bg_request *r, long max_body, int allow_null,
    struct bg_error *e)
{
	size_t len = 0, got = 0;
	long n;

	if (!is_json_type(r->io->param(r->io, "CONTENT_TYPE")))
		return bg_fail(e, 415, "unsupported_media_type", NULL,
		    "Content-Type must be application/json");
	if (content_length(r, max_body, &len, e) == -1)
		return -1;
	if ((r->body = malloc(len + 1)) == NULL)
		return bg_fail(e, 500, "internal_error", NULL,
		    "out of memory");
	while (got < len) {
		n = r->io->read(r->io, r->body + got, len - got);
		if (n <= 0)
			return bg_fail(e, 400, "invalid_json", NULL,
			    "request body ended before Content-Length bytes");
		got += (size_t)n;
	}
	r->body[len] = '\0';
	r->body_len = len;
	if (json_strict_parse(r->body, len, JSON_MAX_DEPTH, &r->json, e) == -1)
		return -1;
	if (r->json == NULL && allow_null)
		return 0;
	if (!json_object_is_type(r->json, json_type_object))
		return bg_fail(e, 400, "invalid_json", NULL,
		    "request body must be a JSON object");
	return 0;
}
