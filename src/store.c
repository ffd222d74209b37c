/*
 * store.c - the store interface's entry points, which call through the
 * back end's table (store_open.c picks it), and what the back ends and
 * the commands over every purchase share, written once.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "metrics.h"
#include "store.h"
#include "timefmt.h"

void
store_close(struct store *s)
{
	if (s->ops != NULL)
		s->ops->close(s);
	s->ops = NULL;
}

int
store_session_open(struct store *s, struct store_session **ss,
    struct bg_error *e)
{
	*ss = NULL;
	return s->ops->session_open(s, ss, e);
}

void
store_session_close(struct store_session *ss)
{
	if (ss != NULL)
		ss->store->ops->session_close(ss);
}

int
store_hold(struct store_session *ss, const char *id, long wait_ms,
    struct store_held **held, struct bg_error *e)
{
	*held = NULL;
	return ss->store->ops->hold(ss, id, wait_ms, held, e);
}

int
store_held_load(struct store_held *h, char **text, size_t *len,
    struct bg_error *e)
{
	return h->session->store->ops->load(h, text, len, e);
}

int
store_held_save(struct store_held *h, const char *text, size_t len,
    enum store_sync sync, struct bg_error *e)
{
	return h->session->store->ops->save(h, text, len, sync, e);
}

int
store_secret(struct store_session *ss, unsigned char out[STORE_SECRET_LEN],
    struct bg_error *e)
{
	if (!ss->have_secret) {
		if (ss->store->ops->secret(ss, ss->secret, e) == -1)
			return -1;
		ss->have_secret = 1;
	}
	memcpy(out, ss->secret, STORE_SECRET_LEN);
	return 0;
}

int
store_held_remove(struct store_held *h, struct bg_error *e)
{
	return h->session->store->ops->remove(h, e);
}

void
store_release(struct store_held *h)
{
	if (h != NULL)
		h->session->store->ops->release(h);
}

int
store_peek(struct store_session *ss, const char *id, char **text,
    size_t *len, struct bg_error *e)
{
	return ss->store->ops->peek(ss, id, text, len, e);
}

int
store_create(struct store_session *ss, const char *id, const char *text,
    size_t len, struct bg_error *e)
{
	return ss->store->ops->create(ss, id, text, len, e);
}

int
store_list(struct store_session *ss, int (*fn)(const char *id, void *arg),
    void *arg, struct bg_error *e)
{
	return ss->store->ops->list(ss, fn, arg, e);
}

int
store_mtime(struct store_session *ss, const char *id, int64_t *ms,
    struct bg_error *e)
{
	return ss->store->ops->mtime(ss, id, ms, e);
}

#define LOCK_POLL_MS	10

int
store_wait_lock(struct store *s, int (*try_lock)(void *arg), void *arg,
    long wait_ms)
{
	long waited = 0;
	int rc;

	if ((rc = try_lock(arg)) == 0)
		metrics_lock_wait(s->metrics);
	for (; rc == 0 && waited < wait_ms; rc = try_lock(arg)) {
		sleep_ms(LOCK_POLL_MS);
		waited += LOCK_POLL_MS;
	}
	if (rc == 0)
		metrics_lock_busy(s->metrics);
	return rc;
}

int
store_health(struct store_session *ss, struct bg_error *e)
{
	return ss->store->ops->health(ss, e);
}

void
store_where(struct store_session *ss, const char *id, char *buf,
    size_t size)
{
	ss->store->ops->where(ss->store, id, buf, size);
}

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
store_ids(struct store_session *ss, struct store_ids *ids,
    struct bg_error *e)
{
	memset(ids, 0, sizeof(*ids));
	if (store_list(ss, collect, ids, e) == -1) {
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
