/*
 * error.c - filling and rendering the error value.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "error.h"

#undef bg_fail		/* error.h's stand-in for the analyzer */
#include "utf8.h"

int
bg_fail(struct bg_error *e, int status, const char *code, const char *field,
    const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return -1;
	e->status = status;
	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
	snprintf(e->field, sizeof(e->field), "%s", field ? field : "");
	/* Both go into a JSON body: a cut must not split a character. */
	utf8_cut(e->message);
	utf8_cut(e->field);
	return -1;
}

void
bg_error_clear(struct bg_error *e)
{
	memset(e, 0, sizeof(*e));
}

/* Only the statuses brickgate answers with; anything else is a bug. */
static const struct {
	int	 status;
	const char *text;
} status_texts[] = {
	{ 200, "OK" },
	{ 201, "Created" },
	{ 400, "Bad Request" },
	{ 401, "Unauthorized" },
	{ 403, "Forbidden" },
	{ 404, "Not Found" },
	{ 405, "Method Not Allowed" },
	{ 409, "Conflict" },
	{ 410, "Gone" },
	{ 413, "Payload Too Large" },
	{ 415, "Unsupported Media Type" },
	{ 422, "Unprocessable Entity" },
	{ 429, "Too Many Requests" },
	{ 500, "Internal Server Error" },
	{ 501, "Not Implemented" },
	{ 502, "Bad Gateway" },
	{ 503, "Service Unavailable" },
	{ 504, "Gateway Timeout" },
};

const char *
bg_status_text(int status)
{
	size_t i;

	for (i = 0; i < sizeof(status_texts) / sizeof(status_texts[0]); i++)
		if (status_texts[i].status == status)
			return status_texts[i].text;
	return "Unknown";
}

json_object *
bg_error_obj(const struct bg_error *e)
{
	json_object *root, *err;

	root = json_object_new_object();
	err = json_object_new_object();
	if (root == NULL || err == NULL) {
		json_object_put(root);
		json_object_put(err);
		return NULL;
	}
	json_object_object_add(root, "error", err);
	json_object_object_add(err, "code",
	    json_object_new_string(e->code ? e->code : "internal_error"));
	json_object_object_add(err, "message",
	    json_object_new_string(e->message));
	if (e->field[0] != '\0')
		json_object_object_add(err, "field",
		    json_object_new_string(e->field));
	return root;
}

char *
bg_error_json(const struct bg_error *e)
{
	json_object *root = bg_error_obj(e);
	char *out;

	if (root == NULL)
		return NULL;
	out = strdup(json_object_to_json_string_ext(root,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	return out;
}
