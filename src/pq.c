/*
 * pq.c - loading libpq by name at run time.  Every function is looked up
 * once, when the store opens; a libpq that lacks one is refused then, not
 * in the middle of a payment.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "pq.h"

#define LIBPQ	"libpq.so.5"

static const struct {
	const char	*name;
	size_t		 off;
} syms[] = {
	{ "PQconnectdb",		offsetof(struct pq_api, connectdb) },
	{ "PQstatus",			offsetof(struct pq_api, status) },
	{ "PQerrorMessage",		offsetof(struct pq_api, error_message) },
	{ "PQfinish",			offsetof(struct pq_api, finish) },
	{ "PQexec",			offsetof(struct pq_api, exec) },
	{ "PQprepare",			offsetof(struct pq_api, prepare) },
	{ "PQexecPrepared",		offsetof(struct pq_api, exec_prepared) },
	{ "PQresultStatus",		offsetof(struct pq_api, result_status) },
	{ "PQresultErrorField",		offsetof(struct pq_api,
	    result_error_field) },
	{ "PQresultErrorMessage",	offsetof(struct pq_api,
	    result_error_message) },
	{ "PQntuples",			offsetof(struct pq_api, ntuples) },
	{ "PQgetvalue",			offsetof(struct pq_api, get_value) },
	{ "PQgetlength",		offsetof(struct pq_api, get_length) },
	{ "PQgetisnull",		offsetof(struct pq_api, get_isnull) },
	{ "PQclear",			offsetof(struct pq_api, clear) },
};

int
pq_load(struct pq_api *api, char *why, size_t whysz)
{
	void *sym;
	size_t i;

	memset(api, 0, sizeof(*api));
	/* NODELETE: what libpq keeps in its statics stays reachable to the
	 * end, so that a leak checker at exit does not count it lost. */
	if ((api->lib = dlopen(LIBPQ, RTLD_NOW | RTLD_LOCAL |
	    RTLD_NODELETE)) == NULL) {
		snprintf(why, whysz, "store = postgresql needs %s (Debian: "
		    "libpq5): %s", LIBPQ, dlerror());
		return -1;
	}
	for (i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		if ((sym = dlsym(api->lib, syms[i].name)) == NULL) {
			snprintf(why, whysz, "%s has no %s", LIBPQ,
			    syms[i].name);
			pq_unload(api);
			return -1;
		}
		/* POSIX: a function's address comes back as a void *. */
		memcpy((char *)api + syms[i].off, &sym, sizeof(sym));
	}
	return 0;
}

void
pq_unload(struct pq_api *api)
{
	if (api->lib != NULL)
		dlclose(api->lib);
	memset(api, 0, sizeof(*api));
}
