/*
 * on_paid.c - starting the storefront's hook and waiting for it, here or
 * in the runner (on_paid.h says why there is one).
 *
 * The hook gets the purchase id as its only argument and four variables
 * as its whole environment, never brickgate's (which may hold the access
 * token), /dev/null as its standard streams (what it prints could hold
 * anything, and brickgate's log must not), no descriptor of brickgate's,
 * default signals, and a process group of its own, so that what it
 * started goes with it when the limit kills it.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "on_paid.h"
#include "timefmt.h"

/* While hooks run, the runner looks for their end this often. */
#define REAP_MS		50
/* A slot waits for the runner's answer at most this long. */
#define ASK_MS		((ON_PAID_LIMIT_S + 5) * 1000)

static int
spawn(const char *path, const struct paid_note *n, pid_t *pid,
    struct bg_error *e)
{
	char id[PURCHASE_ID_MAX + 32], pay[64], amount[64];
	char *argv[3], *envp[6];
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, all;
	int rc;

	snprintf(id, sizeof(id), "BRICKGATE_PURCHASE_ID=%s", n->purchase_id);
	snprintf(pay, sizeof(pay), "BRICKGATE_PAYMENT_ID=%s", n->payment_id);
	snprintf(amount, sizeof(amount), "BRICKGATE_AMOUNT=%s", n->amount);
	argv[0] = (char *)path;
	argv[1] = (char *)n->purchase_id;
	argv[2] = NULL;
	envp[0] = (char *)"PATH=/usr/local/bin:/usr/bin:/bin";
	envp[1] = id;
	envp[2] = pay;
	envp[3] = (char *)"BRICKGATE_STATUS=approved";
	envp[4] = amount;
	envp[5] = NULL;
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	posix_spawnattr_init(&at);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP |
	    POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &all);
	rc = posix_spawn(pid, path, &fa, &at, argv, envp);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		return bg_fail(e, 500, "internal_error", NULL,
		    "on_paid %s cannot be started: %s", path, strerror(rc));
	return 0;
}

/* What waitpid() said, as on_paid.h counts it. */
static int
ended(int status, int timed_out)
{
	if (timed_out)
		return ON_PAID_TIMED_OUT;
	return WIFEXITED(status) ? WEXITSTATUS(status) : ON_PAID_KILLED;
}

int
on_paid_exec(const char *path, const struct paid_note *n, int *how,
    struct bg_error *e)
{
	int64_t end = mono_ms() + ON_PAID_LIMIT_S * 1000;
	int status = 0, late = 0;
	pid_t pid, got;

	if (spawn(path, n, &pid, e) == -1)
		return -1;
	while ((got = waitpid(pid, &status, WNOHANG)) == 0) {
		if (!late && mono_ms() >= end) {
			kill(-pid, SIGKILL);
			late = 1;
		}
		sleep_ms(REAP_MS);
	}
	if (got == -1)
		return bg_fail(e, 500, "internal_error", NULL, "on_paid: "
		    "waitpid: %s", strerror(errno));
	*how = ended(status, late);
	return 0;
}

void
on_paid_how(int how, char *buf, size_t size)
{
	if (how == ON_PAID_TIMED_OUT)
		snprintf(buf, size, "killed after %d s", ON_PAID_LIMIT_S);
	else if (how == ON_PAID_KILLED)
		snprintf(buf, size, "killed by a signal");
	else
		snprintf(buf, size, "exit %d", how);
}

/* -- the runner ---------------------------------------------------------- */

struct job {
	pid_t	 pid;		/* 0: the slot is idle */
	int64_t	 end;
	int	 late;
};

struct runner {
	const char	*path;
	int		*fds;
	struct job	*jobs;
	int		 n, open;
};

/* A request on slot i: start the hook, or answer at once that it failed. */
static void
take(struct runner *r, int i)
{
	struct paid_note note;
	struct bg_error e;
	ssize_t got;
	int how = ON_PAID_KILLED;

	got = recv(r->fds[i], &note, sizeof(note), 0);
	if (got == 0 || (got == -1 && errno != EINTR && errno != EAGAIN)) {
		close(r->fds[i]);
		r->fds[i] = -1;
		r->open--;
		return;
	}
	if (got != (ssize_t)sizeof(note))
		return;
	note.purchase_id[sizeof(note.purchase_id) - 1] = '\0';
	note.payment_id[sizeof(note.payment_id) - 1] = '\0';
	note.amount[sizeof(note.amount) - 1] = '\0';
	bg_error_clear(&e);
	if (spawn(r->path, &note, &r->jobs[i].pid, &e) == -1) {
		r->jobs[i].pid = 0;
		(void)send(r->fds[i], &how, sizeof(how), MSG_NOSIGNAL);
		return;
	}
	r->jobs[i].end = mono_ms() + ON_PAID_LIMIT_S * 1000;
	r->jobs[i].late = 0;
}

/* Answers for the hooks that ended; kills those past the limit. */
static void
reap(struct runner *r)
{
	int status, how, i;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		for (i = 0; i < r->n; i++)
			if (r->jobs[i].pid == pid) {
				how = ended(status, r->jobs[i].late);
				r->jobs[i].pid = 0;
				if (r->fds[i] != -1)
					(void)send(r->fds[i], &how,
					    sizeof(how), MSG_NOSIGNAL);
			}
	for (i = 0; i < r->n; i++)
		if (r->jobs[i].pid != 0 && !r->jobs[i].late &&
		    mono_ms() >= r->jobs[i].end) {
			kill(-r->jobs[i].pid, SIGKILL);
			r->jobs[i].late = 1;
		}
}

static int
busy(const struct runner *r)
{
	int i;

	for (i = 0; i < r->n; i++)
		if (r->jobs[i].pid != 0)
			return 1;
	return 0;
}

/* The runner's life: until every slot is closed and no hook runs. */
static void
run(struct runner *r, struct pollfd *pfd, int *slot)
{
	int i, j, k;

	while (r->open > 0 || busy(r)) {
		for (i = k = 0; i < r->n; i++)
			if (r->fds[i] != -1 && r->jobs[i].pid == 0) {
				pfd[k].fd = r->fds[i];
				pfd[k].events = POLLIN;
				pfd[k].revents = 0;
				slot[k++] = i;
			}
		if (poll(pfd, (nfds_t)k, busy(r) ? REAP_MS : -1) > 0)
			for (j = 0; j < k; j++)
				if (pfd[j].revents != 0)
					take(r, slot[j]);
		reap(r);
	}
}

/*
 * The forked runner: only its own ends of the slots stay open (it was
 * forked before any thread, so no other descriptor is newer than they
 * are), signals as a new process has them.
 */
static void
runner_main(const char *path, int *mine, int *theirs, int n)
{
	struct runner r;
	struct pollfd *pfd = calloc((size_t)n, sizeof(*pfd));
	int *slot = calloc((size_t)n, sizeof(*slot));
	int fd, i, keep, top = 2;
	sigset_t none;

	r.path = path;
	r.fds = mine;
	r.n = r.open = n;
	r.jobs = calloc((size_t)n, sizeof(*r.jobs));
	if (pfd == NULL || slot == NULL || r.jobs == NULL) {
		free(r.jobs);
		free(slot);
		free(pfd);
		return;
	}
	for (i = 0; i < n; i++) {
		close(theirs[i]);
		top = mine[i] > top ? mine[i] : top;
		top = theirs[i] > top ? theirs[i] : top;
	}
	for (fd = 3; fd <= top; fd++) {
		for (i = 0, keep = 0; i < n && !keep; i++)
			keep = mine[i] == fd;
		if (!keep)
			close(fd);
	}
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	run(&r, pfd, slot);
	free(r.jobs);
	free(slot);
	free(pfd);
}

int
on_paid_start(struct on_paid *op, const struct bg_config *cfg, int nslots,
    struct bg_error *e)
{
	int *mine, pair[2], i;
	pid_t pid;

	memset(op, 0, sizeof(*op));
	op->fds = calloc((size_t)nslots, sizeof(*op->fds));
	mine = calloc((size_t)nslots, sizeof(*mine));
	if (op->fds == NULL || mine == NULL) {
		free(mine);
		free(op->fds);
		op->fds = NULL;
		return bg_fail(e, 500, "internal_error", NULL, "on_paid: out "
		    "of memory");
	}
	for (i = 0; i < nslots; i++) {
		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair)
		    == -1)
			break;
		op->fds[i] = pair[0];
		mine[i] = pair[1];
		op->nslots++;
	}
	if (op->nslots < nslots || (pid = fork()) == -1) {
		bg_fail(e, 500, "internal_error", NULL, "on_paid: cannot "
		    "start its runner: %s", strerror(errno));
		for (i = 0; i < op->nslots; i++)
			close(mine[i]);
		free(mine);
		on_paid_stop(op);
		return -1;
	}
	if (pid == 0) {
		runner_main(cfg->on_paid, mine, op->fds, nslots);
		/* A forked child leaves without the parent's atexit work. */
		_exit(0);
	}
	for (i = 0; i < nslots; i++)
		close(mine[i]);
	free(mine);
	op->runner = pid;
	return 0;
}

void
on_paid_stop(struct on_paid *op)
{
	int i, status;

	for (i = 0; op->fds != NULL && i < op->nslots; i++)
		close(op->fds[i]);
	free(op->fds);
	op->fds = NULL;
	op->nslots = 0;
	if (op->runner > 0)
		while (waitpid(op->runner, &status, 0) == -1 && errno == EINTR)
			;
	op->runner = 0;
}

int
on_paid_ask(struct on_paid *op, int slot, const struct paid_note *n,
    int *how, struct bg_error *e)
{
	struct pollfd pfd;

	if (slot < 0 || slot >= op->nslots)
		return bg_fail(e, 500, "internal_error", NULL, "on_paid: no "
		    "slot %d", slot);
	pfd.fd = op->fds[slot];
	pfd.events = POLLIN;
	/* An answer the last ask gave up on must not pass for this one's. */
	while (recv(pfd.fd, how, sizeof(*how), MSG_DONTWAIT) > 0)
		;
	if (send(pfd.fd, n, sizeof(*n), MSG_NOSIGNAL) != (ssize_t)sizeof(*n))
		return bg_fail(e, 500, "internal_error", NULL, "on_paid: its "
		    "runner is gone: %s", strerror(errno));
	if (poll(&pfd, 1, ASK_MS) != 1 ||
	    recv(pfd.fd, how, sizeof(*how), 0) != (ssize_t)sizeof(*how))
		return bg_fail(e, 500, "internal_error", NULL, "on_paid: its "
		    "runner did not answer");
	return 0;
}
