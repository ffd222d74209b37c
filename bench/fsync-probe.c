/*
 * fsync-probe.c - how many durable atomic file writes a directory's file
 * system takes per second, from a given number of threads.
 *
 *	fsync-probe DIR THREADS SECONDS [BYTES]
 *
 * Each write is the one brickgate's file store makes (store_file.c): a
 * temporary file in the directory, write, fsync, rename over the target,
 * fsync of the directory.  Each thread replaces its own few targets, as
 * payments replace their purchases' files.  Prints one line:
 *
 *	threads N writes W seconds S rate R
 *
 * and removes every file it made.  Part of bench/run, not of brickgate.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define TARGETS	8	/* files each thread keeps replacing */

static int		 dirfd_;
static size_t		 bytes = 1500;
static char		*payload;
static atomic_int	 stop;
static atomic_long	 done;
static atomic_int	 failed;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
durable_write(long t, long n)
{
	char tmp[64], name[64];
	size_t off = 0;
	ssize_t w;
	int fd;

	snprintf(tmp, sizeof(tmp), ".probe-%ld-%ld.tmp", t, n);
	snprintf(name, sizeof(name), "probe-%ld-%ld.json", t, n % TARGETS);
	fd = openat(dirfd_, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600);
	if (fd == -1)
		return -1;
	while (off < bytes) {
		if ((w = write(fd, payload + off, bytes - off)) <= 0) {
			close(fd);
			return -1;
		}
		off += (size_t)w;
	}
	if (fsync(fd) == -1 || close(fd) == -1)
		return -1;
	if (renameat(dirfd_, tmp, dirfd_, name) == -1)
		return -1;
	return fsync(dirfd_);
}

static void *
worker(void *arg)
{
	long t = (long)arg, n;

	for (n = 0; !atomic_load(&stop); n++) {
		if (durable_write(t, n) == -1) {
			perror("fsync-probe");
			atomic_store(&failed, 1);
			break;
		}
		atomic_fetch_add(&done, 1);
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	pthread_t *tids;
	struct timespec ts;
	char name[64];
	double t0, secs;
	long threads, i, k;

	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: fsync-probe DIR THREADS SECONDS "
		    "[BYTES]\n");
		return 64;
	}
	threads = strtol(argv[2], NULL, 10);
	secs = strtod(argv[3], NULL);
	if (argc == 5)
		bytes = (size_t)strtoul(argv[4], NULL, 10);
	if (threads < 1 || threads > 1024 || secs <= 0 || bytes < 1 ||
	    bytes > 1 << 20) {
		fprintf(stderr, "fsync-probe: bad arguments\n");
		return 64;
	}
	if ((dirfd_ = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC))
	    == -1) {
		perror(argv[1]);
		return 1;
	}
	if ((payload = malloc(bytes)) == NULL ||
	    (tids = calloc((size_t)threads, sizeof(*tids))) == NULL)
		return 1;
	memset(payload, 'x', bytes);
	t0 = now();
	for (i = 0; i < threads; i++)
		if (pthread_create(&tids[i], NULL, worker, (void *)i) != 0) {
			fprintf(stderr, "fsync-probe: cannot start threads\n");
			return 1;
		}
	ts.tv_sec = (time_t)secs;
	ts.tv_nsec = (long)((secs - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
	atomic_store(&stop, 1);
	for (i = 0; i < threads; i++)
		pthread_join(tids[i], NULL);
	secs = now() - t0;
	printf("threads %ld writes %ld seconds %.3f rate %.1f\n", threads,
	    atomic_load(&done), secs, atomic_load(&done) / secs);
	/* Leave the directory as it was. */
	for (i = 0; i < threads; i++)
		for (k = 0; k < TARGETS; k++) {
			snprintf(name, sizeof(name), "probe-%ld-%ld.json", i,
			    k);
			unlinkat(dirfd_, name, 0);
		}
	return atomic_load(&failed) ? 1 : 0;
}
