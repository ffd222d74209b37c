/*
 * mperr.c - Mercado Pago error bodies.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "sandbox/mperr.h"
#include "sandbox/util.h"

static const struct {
	int	 status;
	const char *error;
} error_words[] = {
	{ 400, "bad_request" },
	{ 401, "unauthorized" },
	{ 403, "forbidden" },
	{ 404, "not_found" },
	{ 405, "method_not_allowed" },
	{ 409, "conflict" },
	{ 413, "request_entity_too_large" },
	{ 429, "too_many_requests" },
	{ 502, "bad_gateway" },
	{ 503, "service_unavailable" },
	{ 504, "gateway_timeout" },
};

int
mp_fail(struct mp_error *e, int status, int cause, const char *fmt, ...)
{
	va_list ap;

	e->status = status;
	e->cause = cause;
	e->error = NULL;
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
	return -1;
}

int
mp_fail_named(struct mp_error *e, int status, const char *error,
    const char *fmt, ...)
{
	va_list ap;

	e->status = status;
	e->cause = 0;
	e->error = error;
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
	return -1;
}

char *
mp_error_json(const struct mp_error *e)
{
	json_object *root, *causes, *c;
	const char *word = e->error;
	char data[96];
	size_t i;
	char *out;

	/* A 500 from Mercado Pago carries "error": null (api doc 1.5). */
	for (i = 0; word == NULL && i < sizeof(error_words) /
	    sizeof(error_words[0]); i++)
		if (error_words[i].status == e->status)
			word = error_words[i].error;
	root = json_object_new_object();
	json_object_object_add(root, "message",
	    json_object_new_string(e->message));
	json_object_object_add(root, "error",
	    word ? json_object_new_string(word) : NULL);
	json_object_object_add(root, "status", json_object_new_int(e->status));
	causes = json_object_new_array();
	if (e->cause != 0) {
		c = json_object_new_object();
		json_object_object_add(c, "code",
		    json_object_new_int(e->cause));
		json_object_object_add(c, "description",
		    json_object_new_string(e->message));
		sb_cause_data(data, sizeof(data));
		json_object_object_add(c, "data", json_object_new_string(data));
		json_object_array_add(causes, c);
	}
	json_object_object_add(root, "cause", causes);
	out = sb_jdump(root);
	json_object_put(root);
	return out;
}
