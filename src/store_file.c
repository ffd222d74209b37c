/*
 * store_file.c - purchases as <context_dir>/<id>.json, locked through
 * <id>.lock (doc/design.md, The store).
 *
 * The lock lives in its own file because every save replaces the .json:
 * a waiter blocked on the old .json would wake up holding a lock on a
 * file nobody reads any more.  Every write goes to a temporary file that
 * is synced, renamed over the purchase and followed by a sync of the
 * directory, so a crash leaves the old content or the new, never a torn
 * file.  All paths are resolved against one directory descriptor opened
 * at start-up; ids were checked against the purchase-id pattern, so a
 * name can never leave the directory.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "purchase_id.h"
#include "randomid.h"
#include "store_file.h"

/* A context with every attempt recorded stays far below this. */
#define MAX_CONTEXT_BYTES (4 * 1024 * 1024)

struct fstore {
	int	 dirfd;
	char	*dir;		/* as configured, for log lines */
};

/* A session needs nothing of its own: the directory is shared. */
struct fsession {
	struct store_session	 s;
};

/* A held purchase is its open, flocked lock file. */
struct fheld {
	struct store_held	 h;
	int			 fd;
};

static int
dirfd_of(struct store *s)
{
	return ((struct fstore *)s->be)->dirfd;
}

static void
name_of(char *buf, size_t size, const char *id, const char *ext)
{
	snprintf(buf, size, "%s%s", id, ext);
}

static int
sys_fail(struct bg_error *e, const char *what, const char *name)
{
	return bg_fail(e, 500, "internal_error", NULL, "%s %s: %s", what,
	    name, strerror(errno));
}

static int
exists(struct store *s, const char *id, struct bg_error *e)
{
	char name[PURCHASE_ID_MAX + 8];
	struct stat st;

	name_of(name, sizeof(name), id, ".json");
	if (fstatat(dirfd_of(s), name, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return 0;
	if (errno == ENOENT)
		return bg_fail(e, 404, "unknown_purchase", NULL,
		    "no purchase %s", id);
	return sys_fail(e, "stat", name);
}

static int
file_session_open(struct store *s, struct store_session **out,
    struct bg_error *e)
{
	struct fsession *fs;

	if ((fs = calloc(1, sizeof(*fs))) == NULL)
		return sys_fail(e, "open a session of", "the file store");
	fs->s.store = s;
	*out = &fs->s;
	return 0;
}

static void
file_session_close(struct store_session *ss)
{
	free(ss);
}

/* One try of flock(): 1 taken, 0 held by another, -1 failed (errno). */
static int
try_flock(void *arg)
{
	if (flock(*(int *)arg, LOCK_EX | LOCK_NB) == 0)
		return 1;
	return errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
}

/* The lock file, flocked within wait_ms: its fd, -2 busy, -1 error. */
static int
lock_file(struct store *s, const char *id, long wait_ms, struct bg_error *e)
{
	char name[PURCHASE_ID_MAX + 8];
	int fd, rc;

	/* No lock file for a purchase that does not exist. */
	if (exists(s, id, e) == -1)
		return -1;
	name_of(name, sizeof(name), id, ".lock");
	fd = openat(dirfd_of(s), name, O_RDWR | O_CREAT | O_CLOEXEC |
	    O_NOFOLLOW, 0660);
	if (fd == -1)
		return sys_fail(e, "open", name);
	if ((rc = store_wait_lock(try_flock, &fd, wait_ms)) == 1)
		return fd;
	if (rc == -1)
		sys_fail(e, "flock", name);
	close(fd);
	return rc == -1 ? -1 : -2;
}

static int
file_hold(struct store_session *ss, const char *id, long wait_ms,
    struct store_held **out, struct bg_error *e)
{
	struct fheld *fh;
	int fd = lock_file(ss->store, id, wait_ms, e);

	if (fd == -2)
		return 1;
	if (fd == -1)
		return -1;
	if ((fh = calloc(1, sizeof(*fh))) == NULL) {
		close(fd);
		return sys_fail(e, "hold", id);
	}
	fh->h.session = ss;
	snprintf(fh->h.id, sizeof(fh->h.id), "%s", id);
	fh->fd = fd;
	*out = &fh->h;
	return 0;
}

static void
file_release(struct store_held *h)
{
	struct fheld *fh = (struct fheld *)h;

	close(fh->fd);		/* closing drops the flock */
	free(fh);
}

static int
read_purchase(struct store *s, const char *id, char **text, size_t *len,
    struct bg_error *e)
{
	char name[PURCHASE_ID_MAX + 8], *buf;
	struct stat st;
	size_t have = 0;
	ssize_t n;
	int fd;

	name_of(name, sizeof(name), id, ".json");
	fd = openat(dirfd_of(s), name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd == -1)
		return errno == ENOENT ? bg_fail(e, 404, "unknown_purchase",
		    NULL, "no purchase %s", id) : sys_fail(e, "open", name);
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > MAX_CONTEXT_BYTES) {
		close(fd);
		return bg_fail(e, 500, "invalid_context", NULL,
		    "%s is not a regular file of at most %d bytes", name,
		    MAX_CONTEXT_BYTES);
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		close(fd);
		return sys_fail(e, "read", name);
	}
	while (have < (size_t)st.st_size) {
		n = read(fd, buf + have, (size_t)st.st_size - have);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		have += (size_t)n;
	}
	close(fd);
	if (have != (size_t)st.st_size) {
		free(buf);
		return bg_fail(e, 500, "internal_error", NULL,
		    "short read of %s", name);
	}
	buf[have] = '\0';
	*text = buf;
	*len = have;
	return 0;
}

static int
write_all(int fd, const char *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
store_file_write_temp(struct store *s, const char *id, const char *text,
    size_t len, int mode, char *tmp, struct bg_error *e)
{
	char name[PURCHASE_ID_MAX + 8], rnd[33];
	struct stat st;
	int fd, dfd = dirfd_of(s), have_old;

	if (random_hex128(rnd, sizeof(rnd), e) == -1)
		return -1;
	/* A dot first: list() and shell globs for *.json skip it. */
	snprintf(tmp, STORE_TMP_MAX, ".%s.json.%.12s.tmp", id, rnd);
	name_of(name, sizeof(name), id, ".json");
	have_old = fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
	    O_NOFOLLOW, 0600);
	if (fd == -1)
		return sys_fail(e, "create", tmp);
	/*
	 * The storefront reads what we write: keep the mode and group it
	 * gave the file (typically 0660 in a setgid 2770 directory).
	 */
	if (fchmod(fd, have_old ? (st.st_mode & 07777) : (mode_t)mode)
	    == -1 || (have_old && fchown(fd, (uid_t)-1, st.st_gid) == -1) ||
	    write_all(fd, text, len) == -1 || fsync(fd) == -1) {
		sys_fail(e, "write", tmp);
		close(fd);
		unlinkat(dfd, tmp, 0);
		return -1;
	}
	if (close(fd) == -1) {
		sys_fail(e, "close", tmp);
		unlinkat(dfd, tmp, 0);
		return -1;
	}
	return 0;
}

/* Renames tmp over the purchase's file and syncs the directory. */
static int
store_file_commit(struct store *s, const char *tmp, const char *id,
    struct bg_error *e)
{
	char name[PURCHASE_ID_MAX + 8];
	int dfd = dirfd_of(s);

	name_of(name, sizeof(name), id, ".json");
	if (renameat(dfd, tmp, dfd, name) == -1) {
		sys_fail(e, "rename", tmp);
		unlinkat(dfd, tmp, 0);
		return -1;
	}
	if (fsync(dfd) == -1)
		return sys_fail(e, "fsync of the directory of", name);
	return 0;
}

static int
file_load(struct store_held *h, char **text, size_t *len,
    struct bg_error *e)
{
	return read_purchase(h->session->store, h->id, text, len, e);
}

static int
file_peek(struct store_session *ss, const char *id, char **text,
    size_t *len, struct bg_error *e)
{
	return read_purchase(ss->store, id, text, len, e);
}

static int
file_save(struct store_held *h, const char *text, size_t len,
    struct bg_error *e)
{
	struct store *s = h->session->store;
	char tmp[STORE_TMP_MAX];

	if (store_file_write_temp(s, h->id, text, len, 0660, tmp, e) == -1)
		return -1;
	return store_file_commit(s, tmp, h->id, e);
}

static int
file_create(struct store_session *ss, const char *id, const char *text,
    size_t len, struct bg_error *e)
{
	struct store *s = ss->store;
	char tmp[STORE_TMP_MAX], name[PURCHASE_ID_MAX + 8];
	int dfd = dirfd_of(s), rc = 0;

	name_of(name, sizeof(name), id, ".json");
	if (store_file_write_temp(s, id, text, len, 0660, tmp, e) == -1)
		return -1;
	/* link() refuses an existing name, so no purchase is replaced. */
	if (linkat(dfd, tmp, dfd, name, 0) == -1)
		rc = errno == EEXIST ? bg_fail(e, 409, "purchase_exists",
		    NULL, "purchase %s exists already", id) :
		    sys_fail(e, "link", name);
	unlinkat(dfd, tmp, 0);
	if (rc == 0 && fsync(dfd) == -1)
		rc = sys_fail(e, "fsync of the directory of", name);
	return rc;
}

static int
file_list(struct store_session *ss, int (*fn)(const char *, void *),
    void *arg, struct bg_error *e)
{
	struct store *s = ss->store;
	char id[PURCHASE_ID_MAX + 1];
	struct dirent *de;
	size_t n;
	DIR *d;
	int fd, rc = 0;

	if ((fd = openat(dirfd_of(s), ".", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1 || (d = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		return sys_fail(e, "open", "context_dir");
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		n = strlen(de->d_name);
		/* Lock files and temporary files are not purchases. */
		if (n <= 5 || n - 5 > PURCHASE_ID_MAX ||
		    strcmp(de->d_name + n - 5, ".json") != 0)
			continue;
		memcpy(id, de->d_name, n - 5);
		id[n - 5] = '\0';
		if (purchase_id_valid(id))
			rc = fn(id, arg);
	}
	closedir(d);
	return rc;
}

static int
file_remove(struct store_held *h, struct bg_error *e)
{
	char name[PURCHASE_ID_MAX + 8];
	int dfd = dirfd_of(h->session->store);
	const char *id = h->id;

	name_of(name, sizeof(name), id, ".json");
	if (unlinkat(dfd, name, 0) == -1 && errno != ENOENT)
		return sys_fail(e, "remove", name);
	/*
	 * The lock goes last, while still held: a waiter that gets it next
	 * finds no purchase and answers 404.
	 */
	name_of(name, sizeof(name), id, ".lock");
	if (unlinkat(dfd, name, 0) == -1 && errno != ENOENT)
		return sys_fail(e, "remove", name);
	if (fsync(dfd) == -1)
		return sys_fail(e, "fsync of", "context_dir");
	return 0;
}

static int
file_mtime(struct store_session *ss, const char *id, int64_t *ms,
    struct bg_error *e)
{
	char name[PURCHASE_ID_MAX + 8];
	struct stat st;

	name_of(name, sizeof(name), id, ".json");
	if (fstatat(dirfd_of(ss->store), name, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return sys_fail(e, "stat", name);
	*ms = (int64_t)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000;
	return 0;
}

/*
 * The directory is reached through the descriptor opened at start-up: it
 * still serves after a rename, but not once the directory is removed
 * (no link left), when nothing could be written into it any more.
 */
static int
file_health(struct store_session *ss, struct bg_error *e)
{
	struct stat st;

	if (fstat(dirfd_of(ss->store), &st) == -1)
		return sys_fail(e, "stat", "context_dir");
	if (st.st_nlink == 0)
		return bg_fail(e, 503, "store_unavailable", NULL,
		    "context_dir was removed");
	return 0;
}

static void
file_where(struct store *s, const char *id, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s.json", ((struct fstore *)s->be)->dir, id);
}

static void
file_close(struct store *s)
{
	struct fstore *fs = s->be;

	if (fs != NULL) {
		close(fs->dirfd);
		free(fs->dir);
		free(fs);
	}
	s->be = NULL;
}

static const struct store_ops file_ops = {
	file_session_open, file_session_close, file_hold, file_load,
	file_save, file_remove, file_release, file_peek, file_create,
	file_list, file_mtime, file_health, file_where, file_close,
};

int
store_file_open(struct store *s, const char *dir, struct bg_error *e)
{
	struct fstore *fs;

	if ((fs = calloc(1, sizeof(*fs))) == NULL ||
	    (fs->dir = strdup(dir)) == NULL) {
		free(fs);
		return sys_fail(e, "open", dir);
	}
	fs->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fs->dirfd == -1) {
		sys_fail(e, "open", dir);
		free(fs->dir);
		free(fs);
		return -1;
	}
	s->ops = &file_ops;
	s->be = fs;
	return 0;
}
