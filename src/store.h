/*
 * store.h - where purchases live: one small interface (lock, load, save,
 * create, list, remove) so that a PostgreSQL back end for shops running
 * several hosts can replace the file store without touching the payment
 * flow.  The store moves bytes and holds locks; what the bytes mean is
 * context.c's business.
 */
#ifndef BG_STORE_H
#define BG_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct store;

/* A held purchase lock; released by store_unlock(). */
struct store_lock {
	int	 fd;
};

struct store_ops {
	/*
	 * Waits up to wait_ms for the purchase's exclusive lock.  0 when
	 * held; 1 when still busy after wait_ms (nothing filled in e);
	 * -1 on error (404 unknown_purchase when the purchase does not
	 * exist: no lock is created for it).
	 */
	int	(*lock)(struct store *, const char *id, long wait_ms,
		    struct store_lock *, struct bg_error *);
	void	(*unlock)(struct store *, struct store_lock *);
	/* The purchase's bytes, NUL-terminated; 404 unknown_purchase. */
	int	(*load)(struct store *, const char *id, char **text,
		    size_t *len, struct bg_error *);
	/* Replaces the purchase atomically; the caller holds its lock. */
	int	(*save)(struct store *, const char *id, const char *text,
		    size_t len, struct bg_error *);
	/* Writes a new purchase; 409 when the id exists. */
	int	(*create)(struct store *, const char *id, const char *text,
		    size_t len, struct bg_error *);
	/* Calls fn for every purchase id, in no particular order. */
	int	(*list)(struct store *, int (*fn)(const char *id, void *arg),
		    void *arg, struct bg_error *);
	/* Removes a purchase and its lock; the caller holds the lock. */
	int	(*remove)(struct store *, const char *id, struct bg_error *);
	/* Last modification of the purchase, in ms since the epoch. */
	int	(*mtime)(struct store *, const char *id, int64_t *ms,
		    struct bg_error *);
	void	(*close)(struct store *);
};

struct store {
	const struct store_ops	*ops;
	void			*be;	/* the back end's own state */
};

/* The file store on `dir` (doc/design.md, The store). */
int	 store_file_open(struct store *s, const char *dir, struct bg_error *e);

#define store_lock(s, id, ms, l, e)	((s)->ops->lock((s), (id), (ms), (l), (e)))
#define store_unlock(s, l)		((s)->ops->unlock((s), (l)))
#define store_load(s, id, t, n, e)	((s)->ops->load((s), (id), (t), (n), (e)))
#define store_save(s, id, t, n, e)	((s)->ops->save((s), (id), (t), (n), (e)))
#define store_create(s, id, t, n, e)	((s)->ops->create((s), (id), (t), (n), (e)))
#define store_list(s, fn, a, e)		((s)->ops->list((s), (fn), (a), (e)))
#define store_remove(s, id, e)		((s)->ops->remove((s), (id), (e)))
#define store_mtime(s, id, ms, e)	((s)->ops->mtime((s), (id), (ms), (e)))
#define store_close(s)			((s)->ops->close((s)))

/* Every purchase id, sorted, as one array (for commands over all). */
struct store_ids {
	char	**v;
	size_t	 n, cap;
};

int	 store_ids(struct store *s, struct store_ids *ids, struct bg_error *e);
void	 store_ids_free(struct store_ids *ids);

#endif
