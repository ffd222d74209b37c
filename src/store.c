/*
 * store.c - what commands over every purchase need from any store back
 * end, written once on top of the interface.
 */
#include <stdlib.h>
#include <string.h>

#include "store.h"

static int
collect(const char *id, void *arg)
{
	struct store_ids *ids = arg;
	char **nv;

	if (ids->n == ids->cap) {
		ids->cap = ids->cap ? ids->cap * 2 : 64;
		if ((nv = realloc(ids->v, ids->cap * sizeof(*nv))) == NULL)
			return -1;
		ids->v = nv;
	}
	if ((ids->v[ids->n] = strdup(id)) == NULL)
		return -1;
	ids->n++;
	return 0;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
store_ids(struct store *s, struct store_ids *ids, struct bg_error *e)
{
	memset(ids, 0, sizeof(*ids));
	if (store_list(s, collect, ids, e) == -1) {
		store_ids_free(ids);
		return -1;
	}
	qsort(ids->v, ids->n, sizeof(*ids->v), by_name);
	return 0;
}

void
store_ids_free(struct store_ids *ids)
{
	size_t i;

	for (i = 0; i < ids->n; i++)
		free(ids->v[i]);
	free(ids->v);
	memset(ids, 0, sizeof(*ids));
}
