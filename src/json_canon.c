/*
 * json_canon.c - the same value, the same text.  A file keeps members in
 * the order they were written, PostgreSQL's jsonb in an order of its
 * own; sorting them (and writing leaves as json-c writes them, numbers in
 * the text they were read from) gives one text for both, so a digest of
 * it names the content, not the way it was stored.
 */
#include <stdlib.h>
#include <string.h>

#include "json_canon.h"

static int
named_in(const char *name, const char *const *skip)
{
	for (; skip != NULL && *skip != NULL; skip++)
		if (strcmp(name, *skip) == 0)
			return 1;
	return 0;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int
put(struct printbuf *pb, const char *s)
{
	return printbuf_memappend(pb, s, (int)strlen(s)) < 0 ? -1 : 0;
}

/* A leaf (or a name) as json-c writes it, plain. */
static int
put_plain(struct printbuf *pb, json_object *v)
{
	return put(pb, json_object_to_json_string_ext(v,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
}

static int
put_name(struct printbuf *pb, const char *name)
{
	json_object *s = json_object_new_string(name);
	int rc = s != NULL ? put_plain(pb, s) : -1;

	json_object_put(s);
	return rc;
}

static int
put_object(json_object *o, const char *const *skip, struct printbuf *pb)
{
	const char **names;
	size_t n = 0, i;
	int rc = 0;

	names = malloc(((size_t)json_object_object_length(o) + 1) *
	    sizeof(*names));
	if (names == NULL)
		return -1;
	json_object_object_foreach(o, k, unused) {
		(void)unused;
		if (!named_in(k, skip))
			names[n++] = k;
	}
	qsort(names, n, sizeof(*names), by_name);
	rc = put(pb, "{");
	for (i = 0; rc == 0 && i < n; i++) {
		if (i > 0)
			rc = put(pb, ",");
		if (rc == 0)
			rc = put_name(pb, names[i]);
		if (rc == 0)
			rc = put(pb, ":");
		if (rc == 0)
			rc = json_canon(json_object_object_get(o, names[i]),
			    NULL, pb);
	}
	free(names);
	return rc == 0 ? put(pb, "}") : -1;
}

int
json_canon(json_object *o, const char *const *skip, struct printbuf *pb)
{
	size_t i, n;
	int rc;

	switch (json_object_get_type(o)) {
	case json_type_object:
		return put_object(o, skip, pb);
	case json_type_array:
		n = json_object_array_length(o);
		rc = put(pb, "[");
		for (i = 0; rc == 0 && i < n; i++) {
			if (i > 0)
				rc = put(pb, ",");
			if (rc == 0)
				rc = json_canon(json_object_array_get_idx(o,
				    i), NULL, pb);
		}
		return rc == 0 ? put(pb, "]") : -1;
	case json_type_null:
		return put(pb, "null");
	default:
		return put_plain(pb, o);
	}
}
