/*
 * store_file.c - purchases as <context_dir>/<id>.json, locked through
 * <id>.lock (doc/design.md, The store).
 *
 * The lock lives in its own file because every save replaces the .json:
 * a waiter blocked on the old .json would wake up holding a lock on a
 * file nobody reads any more.  A durable save goes to a temporary file
 * that is synced, renamed over the purchase and followed by a sync of the
 * directory, so a crash leaves the old content or the new, never a torn
 * file.  A volatile save (the open attempt) goes to <id>.open, renamed
 * into place but never synced, and names the .json it was written over
 * and its own content by their SHA-256: loading takes it instead of the
 * .json only when both still match, so a side file torn, lost or left
 * behind by a power cut is never read (doc/design.md, Durability).  All
 * paths are resolved against one directory descriptor opened at
 * start-up; ids were checked against the purchase-id pattern, so a name
 * can never leave the directory.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <openssl/sha.h>

#include "hex.h"
#include "purchase_id.h"
#include "randomid.h"
#include "store_file.h"

/* A context with every attempt recorded stays far below this. */
#define MAX_CONTEXT_BYTES (4 * 1024 * 1024)

/* "brickgate-open 1 <base> <body> <length>\n", then the body. */
#define OPEN_MAGIC	"brickgate-open 1 "
#define MAGIC_LEN	(sizeof(OPEN_MAGIC) - 1)
#define OPEN_HEAD_MAX	(sizeof(OPEN_MAGIC) + 2 * 65 + 24)
#define SECRET_NAME	".installation-secret"

struct fstore {
	int	 dirfd;
	char	*dir;		/* as configured, for log lines */
};

/* A session needs nothing of its own: the directory is shared. */
struct fsession {
	struct store_session	 s;
};

/*
 * A held purchase is its open, flocked lock file, and the digest and
 * status of the .json as it was last loaded or saved: what a volatile
 * save is written over, and the mode and group every save keeps.
 */
struct fheld {
	struct store_held	 h;
	int			 fd;
	unsigned char		 base[SHA256_DIGEST_LENGTH];
	struct stat		 st;		/* of that .json: its mode, group */
	int			 have_base;
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
	if ((rc = store_wait_lock(s, try_flock, &fd, wait_ms)) == 1)
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

/*
 * A whole regular file of at most max bytes, NUL-terminated, into *buf,
 * and its status into *sto when not NULL.  -1 with errno (ENOENT: there
 * is none; EFBIG: not regular or too big).
 */
static int
read_whole(int dfd, const char *name, size_t max, char **buf, size_t *len,
    struct stat *sto)
{
	struct stat st;
	size_t have = 0, size;
	ssize_t n;
	char *b;
	int fd;

	if ((fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return -1;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size > max) {
		close(fd);
		errno = EFBIG;	/* not a file of ours, or not one we take */
		return -1;
	}
	size = (size_t)st.st_size;
	if ((b = malloc(size + 1)) == NULL) {
		close(fd);
		errno = ENOMEM;
		return -1;
	}
	while (have < size) {
		n = read(fd, b + have, size - have);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		have += (size_t)n;
	}
	close(fd);
	if (have != size) {
		free(b);
		errno = EIO;
		return -1;
	}
	b[have] = '\0';
	*buf = b;
	*len = have;
	if (sto != NULL)
		*sto = st;
	return 0;
}

/* True when the side file in buf (n bytes) is whole and over base. */
static int
open_valid(const char *buf, size_t n, const char *base, const char **body)
{
	const char *h = buf + MAGIC_LEN;
	unsigned char d[SHA256_DIGEST_LENGTH];
	char hex[65], *end;
	unsigned long blen;

	if (n < MAGIC_LEN + 131 || memcmp(buf, OPEN_MAGIC, MAGIC_LEN) != 0 ||
	    memcmp(h, base, 64) != 0 || h[64] != ' ' || h[129] != ' ')
		return 0;
	blen = strtoul(h + 130, &end, 10);
	if (*end != '\n' || (size_t)(buf + n - (end + 1)) != blen)
		return 0;
	*body = end + 1;
	SHA256((const unsigned char *)*body, blen, d);
	hex_encode(d, sizeof(d), hex);
	return memcmp(h + 65, hex, 64) == 0;
}

/*
 * The side file's body when it was written over exactly base[] and is
 * whole; NULL otherwise (none, torn, or older than the .json).
 */
static char *
open_body(int dfd, const char *id, const unsigned char *base, size_t *len)
{
	char name[PURCHASE_ID_MAX + 8], *buf, want[65];
	const char *body;
	size_t n;

	name_of(name, sizeof(name), id, ".open");
	if (read_whole(dfd, name, MAX_CONTEXT_BYTES + OPEN_HEAD_MAX, &buf,
	    &n, NULL) == -1)
		return NULL;
	hex_encode(base, SHA256_DIGEST_LENGTH, want);
	if (!open_valid(buf, n, want, &body)) {
		free(buf);
		return NULL;
	}
	*len = (size_t)(buf + n - body);
	memmove(buf, body, *len + 1);
	return buf;
}

/*
 * The purchase as the last save left it: the .json, or the open
 * attempt's side file written over it.  base and st (when not NULL) get
 * the .json's digest and status.
 */
static int
read_purchase(struct store *s, const char *id, char **text, size_t *len,
    unsigned char *base, struct stat *st, struct bg_error *e)
{
	char name[PURCHASE_ID_MAX + 8], *side;
	unsigned char d[SHA256_DIGEST_LENGTH];
	size_t side_len;

	name_of(name, sizeof(name), id, ".json");
	if (read_whole(dirfd_of(s), name, MAX_CONTEXT_BYTES, text, len, st)
	    == -1) {
		if (errno == ENOENT)
			return bg_fail(e, 404, "unknown_purchase", NULL,
			    "no purchase %s", id);
		if (errno == EFBIG)
			return bg_fail(e, 500, "invalid_context", NULL,
			    "%s is not a regular file of at most %d bytes",
			    name, MAX_CONTEXT_BYTES);
		return errno == EIO ? bg_fail(e, 500, "internal_error", NULL,
		    "short read of %s", name) : sys_fail(e, "read", name);
	}
	SHA256((unsigned char *)*text, *len, d);
	if (base != NULL)
		memcpy(base, d, sizeof(d));
	if ((side = open_body(dirfd_of(s), id, d, &side_len)) != NULL) {
		free(*text);
		*text = side;
		*len = side_len;
	}
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

/*
 * Writes iov into a temporary file named after name (its name into tmp),
 * with the mode and group of like, or of name when like is NULL and it
 * exists, else mode; synced when sync says so.  held: the purchase's
 * lock is held, so the name can be fixed (".<name>.tmp", truncated: one
 * left by a crash is overwritten) instead of drawn at random.
 */
static int
write_temp(struct store *s, const char *name, const struct iovec *iov,
    int iovcnt, const struct stat *like, int mode, enum store_sync sync,
    int held, char *tmp, struct bg_error *e)
{
	char rnd[33];
	struct stat st;
	int fd, dfd = dirfd_of(s), i, failed = 0;

	if (like == NULL && fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
		like = &st;
	/* A dot first: list() and shell globs for *.json skip it. */
	if (held)
		snprintf(tmp, STORE_TMP_MAX, ".%s.tmp", name);
	else if (random_hex128(rnd, sizeof(rnd), e) == -1)
		return -1;
	else
		snprintf(tmp, STORE_TMP_MAX, ".%s.%.12s.tmp", name, rnd);
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | (held ? O_TRUNC : O_EXCL) |
	    O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd == -1)
		return sys_fail(e, "create", tmp);
	/*
	 * The storefront reads what we write: keep the mode and group it
	 * gave the file (typically 0660 in a setgid 2770 directory).
	 */
	if (fchmod(fd, like ? (like->st_mode & 07777) : (mode_t)mode) == -1 ||
	    (like && fchown(fd, (uid_t)-1, like->st_gid) == -1))
		failed = 1;
	for (i = 0; !failed && i < iovcnt; i++)
		failed = write_all(fd, iov[i].iov_base, iov[i].iov_len) == -1;
	if (failed || (sync == STORE_DURABLE && fsync(fd) == -1)) {
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

int
store_file_write_temp(struct store *s, const char *id, const char *text,
    size_t len, int mode, char *tmp, struct bg_error *e)
{
	char name[PURCHASE_ID_MAX + 8];
	struct iovec iov = { (void *)text, len };

	name_of(name, sizeof(name), id, ".json");
	return write_temp(s, name, &iov, 1, NULL, mode, STORE_DURABLE, 0, tmp,
	    e);
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
	struct fheld *fh = (struct fheld *)h;

	if (read_purchase(h->session->store, h->id, text, len, fh->base,
	    &fh->st, e) == -1)
		return -1;
	fh->have_base = 1;
	return 0;
}

static int
file_peek(struct store_session *ss, const char *id, char **text,
    size_t *len, struct bg_error *e)
{
	return read_purchase(ss->store, id, text, len, NULL, NULL, e);
}

/* The side file, over the .json as loaded; renamed in, never synced. */
static int
save_open(struct fheld *fh, const char *text, size_t len,
    struct bg_error *e)
{
	struct store *s = fh->h.session->store;
	char head[OPEN_HEAD_MAX], base[65], body[65], tmp[STORE_TMP_MAX];
	char name[PURCHASE_ID_MAX + 8];
	unsigned char d[SHA256_DIGEST_LENGTH];
	struct iovec iov[2];
	int dfd = dirfd_of(s);

	if (!fh->have_base)
		return bg_fail(e, 500, "internal_error", NULL,
		    "purchase %s saved before it was loaded", fh->h.id);
	hex_encode(fh->base, sizeof(fh->base), base);
	SHA256((const unsigned char *)text, len, d);
	hex_encode(d, sizeof(d), body);
	iov[0].iov_base = head;
	iov[0].iov_len = (size_t)snprintf(head, sizeof(head), "%s%s %s %zu\n",
	    OPEN_MAGIC, base, body, len);
	iov[1].iov_base = (void *)text;
	iov[1].iov_len = len;
	name_of(name, sizeof(name), fh->h.id, ".open");
	if (write_temp(s, name, iov, 2, &fh->st, 0660, STORE_VOLATILE, 1, tmp,
	    e) == -1)
		return -1;
	if (renameat(dfd, tmp, dfd, name) == -1) {
		sys_fail(e, "rename", tmp);
		unlinkat(dfd, tmp, 0);
		return -1;
	}
	return 0;
}

static int
file_save(struct store_held *h, const char *text, size_t len,
    enum store_sync sync, struct bg_error *e)
{
	struct fheld *fh = (struct fheld *)h;
	struct store *s = h->session->store;
	char tmp[STORE_TMP_MAX], name[PURCHASE_ID_MAX + 8];
	struct iovec iov = { (void *)text, len };

	if (sync == STORE_VOLATILE)
		return save_open(fh, text, len, e);
	name_of(name, sizeof(name), h->id, ".json");
	if (write_temp(s, name, &iov, 1, fh->have_base ? &fh->st : NULL, 0660,
	    STORE_DURABLE, 1, tmp, e) == -1 ||
	    store_file_commit(s, tmp, h->id, e) == -1)
		return -1;
	SHA256((const unsigned char *)text, len, fh->base);
	fh->have_base = 1;
	/* Left behind, it no longer matches the .json: never read again. */
	name_of(name, sizeof(name), h->id, ".open");
	if (unlinkat(dirfd_of(s), name, 0) == -1 && errno != ENOENT)
		return sys_fail(e, "remove", name);
	return 0;
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
	name_of(name, sizeof(name), id, ".open");
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

/* The secret file's 64 hex digits into out; -1 (errno) when unreadable. */
static int
read_secret(int dfd, unsigned char out[STORE_SECRET_LEN])
{
	char *buf;
	size_t n;
	int ok;

	if (read_whole(dfd, SECRET_NAME, 2 * STORE_SECRET_LEN + 1, &buf, &n,
	    NULL) == -1)
		return -1;
	ok = n == 2 * STORE_SECRET_LEN + 1 && buf[n - 1] == '\n';
	if (ok) {
		buf[n - 1] = '\0';
		ok = hex_decode(buf, out, STORE_SECRET_LEN) == 0;
	}
	free(buf);
	if (!ok)
		errno = EINVAL;
	return ok ? 0 : -1;
}

/*
 * Made by whoever asks first: written and synced under a temporary name,
 * then linked into place, which fails for all but one of several
 * processes racing to make it; the others read the winner's.
 */
static int
make_secret(struct store *s, struct bg_error *e)
{
	char text[2 * STORE_SECRET_LEN + 2], tmp[STORE_TMP_MAX];
	struct iovec iov;
	int dfd = dirfd_of(s), rc = 0;

	/* 256 bits from getrandom(2), as two 128-bit halves in hex. */
	if (random_hex128(text, 33, e) == -1 ||
	    random_hex128(text + 32, 33, e) == -1)
		return -1;
	text[2 * STORE_SECRET_LEN] = '\n';
	text[2 * STORE_SECRET_LEN + 1] = '\0';
	iov.iov_base = text;
	iov.iov_len = 2 * STORE_SECRET_LEN + 1;
	if (write_temp(s, SECRET_NAME, &iov, 1, NULL, 0640, STORE_DURABLE, 0,
	    tmp, e) == -1)
		return -1;
	if (linkat(dfd, tmp, dfd, SECRET_NAME, 0) == -1 && errno != EEXIST)
		rc = sys_fail(e, "link", SECRET_NAME);
	unlinkat(dfd, tmp, 0);
	if (rc == 0 && fsync(dfd) == -1)
		rc = sys_fail(e, "fsync of the directory of", SECRET_NAME);
	return rc;
}

static int
file_secret(struct store_session *ss, unsigned char out[STORE_SECRET_LEN],
    struct bg_error *e)
{
	struct store *s = ss->store;

	if (read_secret(dirfd_of(s), out) == 0)
		return 0;
	/* A damaged secret is never replaced: keys would change with it. */
	if (errno != ENOENT)
		return bg_fail(e, 500, "internal_error", NULL, "%s/%s is not "
		    "64 hex digits and a newline: %s", ((struct fstore *)
		    s->be)->dir, SECRET_NAME, strerror(errno));
	if (make_secret(s, e) == -1)
		return -1;
	if (read_secret(dirfd_of(s), out) == -1)
		return sys_fail(e, "read", SECRET_NAME);
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
	file_list, file_mtime, file_secret, file_health, file_where,
	file_close,
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
