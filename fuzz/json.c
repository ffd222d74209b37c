/*
 * json.c - the strict JSON reader that every body, context file and
 * answer goes through (json_strict.c), against json-c itself: what the
 * recogniser takes json-c must parse too (only a repeated name may still
 * refuse it), what is refused is refused whole, and what is read writes
 * out as text that reads back to the same text.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "json_strict.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *
serialise(json_object *o)
{
	return strdup(json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
}

/* Written out, read again, written again: the same text. */
static void
stable(json_object *o)
{
	struct bg_error e;
	json_object *again = NULL;
	char *first, *second;

	FUZZ_ASSERT((first = serialise(o)) != NULL);
	bg_error_clear(&e);
	FUZZ_ASSERT(json_strict_parse(first, strlen(first), JSON_MAX_DEPTH,
	    &again, &e) == 0);
	FUZZ_ASSERT((second = serialise(again)) != NULL);
	FUZZ_ASSERT(strcmp(first, second) == 0);
	free(first);
	free(second);
	json_object_put(again);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct bg_error ec, ep;
	json_object *o = NULL;
	int checked;

	bg_error_clear(&ec);
	checked = json_strict_check(text, size, JSON_MAX_DEPTH, &ec);
	if (checked == -1)
		fuzz_error_ok(&ec);
	bg_error_clear(&ep);
	if (json_strict_parse(text, size, JSON_MAX_DEPTH, &o, &ep) == 0) {
		FUZZ_ASSERT(checked == 0);
		stable(o);
		json_object_put(o);
		return 0;
	}
	FUZZ_ASSERT(o == NULL);
	fuzz_error_ok(&ep);
	if (checked == 0)
		FUZZ_ASSERT(strstr(ep.message, "repeats a member name") !=
		    NULL);
	return 0;
}
