/*
 * check.c - the properties every driver checks (fuzz.h); apart from
 * common.c because the sandbox's driver links none of brickgate's
 * request code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "json_strict.h"

void
fuzz_assert(int cond, const char *what, const char *file, int line)
{
	if (cond)
		return;
	fprintf(stderr, "%s:%d: property broken: %s\n", file, line, what);
	abort();
}

void
fuzz_text_reads_back(const char *text, size_t len, int depth)
{
	struct bg_error e;
	json_object *o = NULL;

	bg_error_clear(&e);
	if (json_strict_parse(text, len, depth, &o, &e) == -1)
		fprintf(stderr, "does not read back (%s): %.*s\n", e.message,
		    (int)(len > 2000 ? 2000 : len), text);
	FUZZ_ASSERT(e.status == 0);
	json_object_put(o);
}

void
fuzz_reads_back(json_object *o, int depth)
{
	size_t len;
	const char *text = json_object_to_json_string_length(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);

	fuzz_text_reads_back(text, len, depth);
}

void
fuzz_error_ok(const struct bg_error *e)
{
	char *body;

	FUZZ_ASSERT(e->status >= 400 && e->status <= 599);
	FUZZ_ASSERT(e->code != NULL && e->code[0] != '\0');
	FUZZ_ASSERT(e->message[0] != '\0');
	FUZZ_ASSERT((body = bg_error_json(e)) != NULL);
	fuzz_text_reads_back(body, strlen(body), 3);
	free(body);
}
