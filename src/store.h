/*
 * store.h - where purchases live: one interface, so that the payment
 * flow, webhooks, reconcile and the commands never know which back end
 * runs (doc/design.md, The store).  The store moves bytes and holds
 * locks; what the bytes mean is context.c's business.
 *
 * Three objects: the store, opened once per process from the
 * configuration; a session, one per thread that uses it (a database
 * back end keeps its connection there); and a held purchase, the lock on
 * one purchase with what may be done under it (load, save, remove),
 * released as one.  A back end embeds the generic struct as the first
 * member of its own.
 */
#ifndef BG_STORE_H
#define BG_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "error.h"
#include "purchase_id.h"

struct store;
struct store_session;
struct store_held;

/*
 * How far a save must have gone before it returns (doc/design.md,
 * Durability).  STORE_DURABLE: on the disk, through a power cut.
 * STORE_VOLATILE: seen by every later load at once and through a crash
 * of the process, but perhaps lost with the power; only the open
 * attempt is saved so, since its idempotency key is derived and a lost
 * attempt comes back with the same one.
 */
enum store_sync {
	STORE_DURABLE,
	STORE_VOLATILE,
};

#define STORE_SECRET_LEN	32

struct store_ops {
	int	(*session_open)(struct store *, struct store_session **,
		    struct bg_error *);
	void	(*session_close)(struct store_session *);
	/*
	 * Waits up to wait_ms for the purchase's exclusive lock.  0 when
	 * held (*held set); 1 when still busy after wait_ms (nothing filled
	 * in e); -1 on error (404 unknown_purchase when the purchase does
	 * not exist: no lock is created for it).
	 */
	int	(*hold)(struct store_session *, const char *id, long wait_ms,
		    struct store_held **, struct bg_error *);
	/* The held purchase's bytes, NUL-terminated; 404 unknown_purchase. */
	int	(*load)(struct store_held *, char **text, size_t *len,
		    struct bg_error *);
	/* Replaces the held purchase atomically, as far as sync says. */
	int	(*save)(struct store_held *, const char *text, size_t len,
		    enum store_sync sync, struct bg_error *);
	/* Removes the held purchase (the hold must still be released). */
	int	(*remove)(struct store_held *, struct bg_error *);
	/* Releases the lock and frees the held purchase. */
	void	(*release)(struct store_held *);
	/* A purchase's bytes read without its lock, as they are. */
	int	(*peek)(struct store_session *, const char *id, char **text,
		    size_t *len, struct bg_error *);
	/* Writes a new purchase; 409 purchase_exists when the id exists. */
	int	(*create)(struct store_session *, const char *id,
		    const char *text, size_t len, struct bg_error *);
	/* Calls fn for every purchase id, in no particular order. */
	int	(*list)(struct store_session *,
		    int (*fn)(const char *id, void *arg), void *arg,
		    struct bg_error *);
	/* Last modification of the purchase, in ms since the epoch. */
	int	(*mtime)(struct store_session *, const char *id, int64_t *ms,
		    struct bg_error *);
	/*
	 * The installation's secret, made once (random, durably) by the
	 * first session that asks and the same ever after.
	 */
	int	(*secret)(struct store_session *,
		    unsigned char out[STORE_SECRET_LEN], struct bg_error *);
	/* 0 when the purchases can be reached now (for /healthz). */
	int	(*health)(struct store_session *, struct bg_error *);
	/* Where purchase id lives, for an operator's log line. */
	void	(*where)(struct store *, const char *id, char *buf,
		    size_t size);
	void	(*close)(struct store *);
};

struct bg_metrics;

struct store {
	const struct store_ops	*ops;
	void			*be;	/* the back end's own state */
	struct bg_metrics	*metrics; /* lock waits counted, or NULL */
};

struct store_session {
	struct store	*store;
	/* The installation's secret, once read (store_secret). */
	unsigned char	 secret[STORE_SECRET_LEN];
	int		 have_secret;
};

struct store_held {
	struct store_session	*session;
	char			 id[PURCHASE_ID_MAX + 1];
};

/* The back end the configuration names, opened (store_open.c); -1 with e. */
int	 store_open(struct store *s, const struct bg_config *cfg,
	    struct bg_error *e);
void	 store_close(struct store *s);

/* A session for the calling thread; -1 with e. */
int	 store_session_open(struct store *s, struct store_session **ss,
	    struct bg_error *e);
void	 store_session_close(struct store_session *ss);

int	 store_hold(struct store_session *ss, const char *id, long wait_ms,
	    struct store_held **held, struct bg_error *e);
int	 store_held_load(struct store_held *h, char **text, size_t *len,
	    struct bg_error *e);
int	 store_held_save(struct store_held *h, const char *text, size_t len,
	    enum store_sync sync, struct bg_error *e);
int	 store_held_remove(struct store_held *h, struct bg_error *e);
/* Releases and frees h; NULL is nothing to release. */
void	 store_release(struct store_held *h);

int	 store_peek(struct store_session *ss, const char *id, char **text,
	    size_t *len, struct bg_error *e);
int	 store_create(struct store_session *ss, const char *id,
	    const char *text, size_t len, struct bg_error *e);
int	 store_list(struct store_session *ss,
	    int (*fn)(const char *id, void *arg), void *arg,
	    struct bg_error *e);
int	 store_mtime(struct store_session *ss, const char *id, int64_t *ms,
	    struct bg_error *e);
int	 store_health(struct store_session *ss, struct bg_error *e);
/* The installation's secret (read once per session); -1 with e. */
int	 store_secret(struct store_session *ss,
	    unsigned char out[STORE_SECRET_LEN], struct bg_error *e);
/* "<context_dir>/<id>.json", or the row's table and id. */
void	 store_where(struct store_session *ss, const char *id, char *buf,
	    size_t size);

/*
 * For the back ends: the bounded wait for a purchase's lock.  Their
 * locks (flock, pg_try_advisory_lock) only try, never wait with a bound,
 * so this calls try_lock(arg) every few milliseconds while it answers 0
 * (busy), for at most wait_ms.  Returns its last answer: 1 taken, 0 still
 * busy, -1 failed.
 */
int	 store_wait_lock(struct store *s, int (*try_lock)(void *arg),
	    void *arg, long wait_ms);

/* Every purchase id, sorted, as one array (for commands over all). */
struct store_ids {
	char	**v;
	size_t	 n, cap;
};

int	 store_ids(struct store_session *ss, struct store_ids *ids,
	    struct bg_error *e);
void	 store_ids_free(struct store_ids *ids);

#endif
