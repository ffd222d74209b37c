/*
 * server.c - FastCGI worker pool, CGI one-shot, listening sockets.
 *
 * Shutdown is the delicate part of a threaded libfcgi program: a signal
 * wakes one thread at most, and libfcgi's own handler only sets a flag
 * (doc/design.md, Signals and threads).  So signals are blocked in every
 * thread and taken by main with sigwait(); workers wait for a connection
 * in poll() on the listening socket and on a pipe that main writes once
 * to stop.
 * Nothing is done to the listening socket itself, which systemd may still
 * hold and hand to the next instance.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "notify.h"
#include "request.h"
#include "response.h"
#include "router.h"
#include "server.h"

/* Text from the request goes to the log only when it is a plain token. */
static const char *
safe_token(const char *s)
{
	static const char ok[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789_-.";

	return s[strspn(s, ok)] == '\0' ? s : "?";
}

void
server_handle(struct bg_ctx *ctx, const struct bg_worker *w,
    struct bg_io *io, char owed[PURCHASE_ID_MAX + 1])
{
	struct bg_request r;
	struct bg_error e;

	bg_error_clear(&e);
	if (request_begin(&r, io, &e) == -1)
		respond_error(&r, &e, NULL);
	else {
		r.mp = w->mp;
		r.store = w->store;
		/* For operators chasing a request that never ends. */
		log_msg(ctx->log, CFG_LOG_DEBUG, "begin method=%.10s route=/%s",
		    safe_token(r.method), safe_token(r.route));
		router_dispatch(ctx, &r);
	}
	log_request(ctx->log, &r);
	snprintf(owed, PURCHASE_ID_MAX + 1, "%s", r.notify_paid ?
	    r.purchase_id : "");
	request_end(&r);
}

/*
 * After the answer went: the purchase's on_paid, under its lock again
 * (the request's was released with its answer), once (notify.h).
 */
static void
notify_paid(struct bg_ctx *ctx, const struct bg_worker *w, const char *id)
{
	struct notifier n = { ctx->on_paid, w->slot };
	struct purchase p;
	struct bg_error e;

	if (id[0] == '\0' || ctx->on_paid == NULL)
		return;
	bg_error_clear(&e);
	purchase_init(&p, ctx->cfg, w->store, w->mp, ctx->log,
	    ctx->cfg->request_deadline_ms);
	if (purchase_open(&p, id, &e) == 0)
		purchase_notify(&p, &n);
	purchase_close(&p);
}

static int
is_listening_socket(int fd)
{
	int on = 0;
	socklen_t len = sizeof(on);

	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &len) == -1)
		return 0;
	return on != 0;
}

/*
 * fd 3 from systemd when LISTEN_PID names us, else standard input when it
 * is a listening socket, else -1.  A socket unit that hands over anything
 * but one listening socket is a mistake to report, not to guess around:
 * serving stdin instead would leave the unit's socket unanswered.
 */
int
server_inherited_socket(char *why, size_t whysz)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");

	why[0] = '\0';
	if (pid != NULL && fds != NULL && strtol(pid, NULL, 10) == getpid()) {
		if (strcmp(fds, "1") != 0) {
			snprintf(why, whysz, "systemd passed LISTEN_FDS=%.20s; "
			    "brickgate serves exactly one socket (one "
			    "ListenStream= in its .socket unit)", fds);
			return -1;
		}
		if (!is_listening_socket(3)) {
			snprintf(why, whysz, "systemd passed LISTEN_FDS=1 but "
			    "fd 3 is not a listening socket (Accept=no in "
			    "the .socket unit)");
			return -1;
		}
		/* Children must not mistake the socket for their own. */
		unsetenv("LISTEN_PID");
		unsetenv("LISTEN_FDS");
		unsetenv("LISTEN_FDNAMES");
		return 3;
	}
	if (is_listening_socket(STDIN_FILENO))
		return STDIN_FILENO;
	return -1;
}

static int
listen_unix(const char *path, char *why, size_t whysz)
{
	struct sockaddr_un sun;
	struct stat st;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path) || path[0] != '/') {
		snprintf(why, whysz, "unix socket path must be absolute and "
		    "shorter than %zu bytes", sizeof(sun.sun_path));
		return -1;
	}
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		goto fail;
	/* A stale socket from a crashed run is replaced; a live one is not. */
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode)) {
		if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
			snprintf(why, whysz, "%s is in use by another process",
			    path);
			close(fd);
			return -1;
		}
		unlink(path);
		close(fd);
		if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
			goto fail;
	}
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    chmod(path, 0660) == -1 || listen(fd, 1024) == -1)
		goto fail;
	return fd;
fail:
	snprintf(why, whysz, "%s: %s", path, strerror(errno));
	if (fd != -1)
		close(fd);
	return -1;
}

static int
listen_tcp(const char *addr, char *why, size_t whysz)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	char host[64];
	const char *colon = strrchr(addr, ':');
	char *end;
	long port;
	socklen_t sslen;
	int fd = -1, on = 1;

	if (colon == NULL || (size_t)(colon - addr) >= sizeof(host)) {
		snprintf(why, whysz, "--listen takes unix:/path or "
		    "127.0.0.1:PORT");
		return -1;
	}
	memcpy(host, addr, (size_t)(colon - addr));
	host[colon - addr] = '\0';
	port = strtol(colon + 1, &end, 10);
	if (*end != '\0' || port < 1 || port > 65535) {
		snprintf(why, whysz, "%s: bad port", addr);
		return -1;
	}
	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((unsigned short)port);
		sslen = sizeof(*sin);
		/* 127.0.0.0/8 only. */
		if ((ntohl(sin->sin_addr.s_addr) >> 24) != 127)
			goto notloop;
	} else if (strcmp(host, "[::1]") == 0) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = in6addr_loopback;
		sin6->sin6_port = htons((unsigned short)port);
		sslen = sizeof(*sin6);
	} else
		goto notloop;
	if ((fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1 ||
	    bind(fd, (struct sockaddr *)&ss, sslen) == -1 ||
	    listen(fd, 1024) == -1) {
		snprintf(why, whysz, "%s: %s", addr, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	return fd;
notloop:
	snprintf(why, whysz, "%s: --listen accepts only unix: paths and "
	    "loopback addresses (the FastCGI socket must be reachable by the "
	    "web server alone)", addr);
	return -1;
}

int
server_listen(const char *addr, char *why, size_t whysz)
{
	if (strncmp(addr, "unix:", 5) == 0)
		return listen_unix(addr + 5, why, whysz);
	return listen_tcp(addr, why, whysz);
}

struct pool {
	struct bg_ctx	*ctx;
	int		 listen_fd;
	int		 wake[2];	/* written once: stop accepting */
	pthread_mutex_t	 accept_mu;
	pthread_mutex_t	 done_mu;
	pthread_cond_t	 done_cv;
	int		 alive;		/* workers not yet returned */
	atomic_int	 next_slot;	/* each worker's on_paid slot */
};

/*
 * Waits, holding accept_mu, until the listening socket has a connection
 * (1) or shutdown began (0).  Holding the mutex keeps one thread in
 * poll() instead of waking all of them for every connection.
 */
static int
wait_connection(struct pool *p)
{
	struct pollfd pfd[2];

	pfd[0].fd = p->listen_fd;
	pfd[0].events = POLLIN;
	pfd[1].fd = p->wake[0];
	pfd[1].events = POLLIN;
	for (;;) {
		pfd[0].revents = pfd[1].revents = 0;
		if (poll(pfd, 2, -1) == -1) {
			if (errno == EINTR)
				continue;
			return 0;
		}
		if (pfd[1].revents != 0)
			return 0;
		if (pfd[0].revents & POLLIN)
			return 1;
		if (pfd[0].revents & (POLLERR | POLLHUP | POLLNVAL))
			return 0;
	}
}

/* Accept errors worth a pause rather than the end of the worker. */
static int
accept_transient(int err)
{
	switch (err) {
	case EAGAIN: case EINTR: case ECONNABORTED: case EPROTO:
	case ECONNRESET: case EPIPE: case ETIMEDOUT:
		return 1;
	case EMFILE: case ENFILE: case ENOBUFS: case ENOMEM:
		return 2;
	}
	return 0;
}

/* A thread's own API client and store session. */
static void
worker_open(struct bg_ctx *ctx, struct bg_worker *w)
{
	struct bg_error e;

	w->mp = mp_client_new(ctx->cfg, ctx->secrets);
	w->store = NULL;
	bg_error_clear(&e);
	/* A CGI run with a broken configuration has no store to open. */
	if (ctx->store->ops != NULL &&
	    store_session_open(ctx->store, &w->store, &e) == -1)
		log_msg(ctx->log, CFG_LOG_ERROR, "store: %s", e.message);
}

static void
worker_close(struct bg_worker *w)
{
	store_session_close(w->store);
	mp_client_free(w->mp);
}

static void *
worker(void *arg)
{
	struct pool *p = arg;
	struct pollfd pfd;
	FCGX_Request req;
	struct bg_io io;
	struct bg_worker w;
	char owed[PURCHASE_ID_MAX + 1];
	int rc, kind;

	worker_open(p->ctx, &w);
	w.slot = atomic_fetch_add(&p->next_slot, 1);
	FCGX_InitRequest(&req, p->listen_fd, 0);
	for (;;) {
		if (req.ipcFd < 0) {
			pthread_mutex_lock(&p->accept_mu);
			if (!wait_connection(p)) {
				pthread_mutex_unlock(&p->accept_mu);
				break;
			}
			rc = FCGX_Accept_r(&req);
			pthread_mutex_unlock(&p->accept_mu);
		} else		/* nginx fastcgi_keep_conn: same connection */
			rc = FCGX_Accept_r(&req);
		if (rc < 0) {
			kind = accept_transient(-rc);
			if (kind == 0) {
				log_msg(p->ctx->log, CFG_LOG_ERROR, "accept: %s; "
				    "worker stops", strerror(-rc));
				break;
			}
			if (kind == 2) {
				/* Out of descriptors: pause, don't spin. */
				log_msg(p->ctx->log, CFG_LOG_WARN, "accept: %s; "
				    "pausing", strerror(-rc));
				pfd.fd = p->wake[0];
				pfd.events = POLLIN;
				if (poll(&pfd, 1, 1000) > 0)
					break;
			}
			continue;
		}
		io_fcgi(&io, &req);
		server_handle(p->ctx, &w, &io, owed);
		FCGX_Finish_r(&req);
		notify_paid(p->ctx, &w, owed);
	}
	FCGX_Free(&req, 1);
	worker_close(&w);
	pthread_mutex_lock(&p->done_mu);
	p->alive--;
	pthread_cond_signal(&p->done_cv);
	pthread_mutex_unlock(&p->done_mu);
	return NULL;
}

/* Waits for every worker until the deadline; 0 if all returned. */
static int
drain(struct pool *p, long ms)
{
	struct timespec until;
	int rc = 0;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (ms % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&p->done_mu);
	while (p->alive > 0 && rc == 0)
		rc = pthread_cond_timedwait(&p->done_cv, &p->done_mu, &until);
	rc = p->alive;
	pthread_mutex_unlock(&p->done_mu);
	return rc;
}

static void
handle_hup(struct bg_ctx *ctx)
{
	char why[512];

	if (log_reopen(ctx->log) == -1)
		log_msg(ctx->log, CFG_LOG_ERROR, "SIGHUP: cannot reopen log_file "
		    "%s: %s", ctx->log->path, strerror(errno));
	if (secrets_load(ctx->secrets, ctx->cfg, why, sizeof(why)) == -1)
		log_msg(ctx->log, CFG_LOG_ERROR, "SIGHUP: keeping the secrets "
		    "loaded before: %s", why);
	else
		log_msg(ctx->log, CFG_LOG_INFO, "SIGHUP: secrets re-read, log "
		    "reopened");
}

/*
 * glibc gives threads arenas of their own, up to eight per core.  Workers
 * mostly wait on Mercado Pago or the disk, and each extra arena keeps
 * memory of its own: with 64 threads on 2 cores, one arena per core
 * holds 2 MB less and stops growing sooner (bench/run), while every
 * thread that runs still finds one free.
 */
static void
limit_arenas(void)
{
#ifdef M_ARENA_MAX
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	mallopt(M_ARENA_MAX, ncpu > 0 && ncpu < 64 ? (int)ncpu : 64);
#endif
}

/*
 * A worker's stack.  glibc's default is 8 MB of address space a thread:
 * 2 GB for 256 threads, which a shared host's address-space limit
 * refuses, while a worker touches a few tens of kilobytes (libcurl,
 * OpenSSL, libpq and the JSON it reads, nested at most JSON_MAX_DEPTH).
 * The sanitizers' frames are several times larger: they keep the
 * default.
 */
#define WORKER_STACK	(512 * 1024)

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BG_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define BG_ASAN 1
#endif

static void
stack_size(pthread_attr_t *attr)
{
#ifndef BG_ASAN
	pthread_attr_setstacksize(attr, WORKER_STACK);
#else
	(void)attr;
#endif
}

int
server_run_fcgi(struct bg_ctx *ctx, int listen_fd)
{
	struct pool p;
	pthread_attr_t attr;
	pthread_t *tids;
	sigset_t set;
	long i, started = 0;
	int sig, left, flags;

	memset(&p, 0, sizeof(p));
	p.ctx = ctx;
	p.listen_fd = listen_fd;
	/* Several processes may share the socket (spawn-fcgi -F, systemd):
	 * a connection another took must not block us in accept(). */
	if ((flags = fcntl(listen_fd, F_GETFL)) == -1 ||
	    fcntl(listen_fd, F_SETFL, flags | O_NONBLOCK) == -1 ||
	    pipe2(p.wake, O_CLOEXEC) == -1) {
		log_msg(ctx->log, CFG_LOG_ERROR, "listening socket: %s",
		    strerror(errno));
		return 1;
	}
	limit_arenas();
	pthread_mutex_init(&p.accept_mu, NULL);
	pthread_mutex_init(&p.done_mu, NULL);
	pthread_cond_init(&p.done_cv, NULL);
	if (FCGX_Init() != 0) {
		log_msg(ctx->log, CFG_LOG_ERROR, "FCGX_Init failed");
		return 1;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if ((tids = calloc((size_t)ctx->cfg->threads, sizeof(*tids))) == NULL)
		return 1;
	p.alive = (int)ctx->cfg->threads;
	pthread_attr_init(&attr);
	stack_size(&attr);
	for (i = 0; i < ctx->cfg->threads; i++) {
		if (pthread_create(&tids[i], &attr, worker, &p) != 0)
			break;
		started++;
	}
	pthread_attr_destroy(&attr);
	pthread_mutex_lock(&p.done_mu);
	p.alive = (int)started;
	pthread_mutex_unlock(&p.done_mu);
	if (started == 0) {
		log_msg(ctx->log, CFG_LOG_ERROR, "cannot start worker threads");
		free(tids);
		return 1;
	}
	log_msg(ctx->log, CFG_LOG_INFO, "brickgate %s ready: FastCGI, %ld "
	    "threads, site %s", PACKAGE_VERSION, started, ctx->cfg->site->id);
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			handle_hup(ctx);
			continue;
		}
		break;
	}
	log_msg(ctx->log, CFG_LOG_INFO, "signal %d: no new requests; waiting "
	    "for those in flight", sig);
	if (write(p.wake[1], "x", 1) != 1)
		log_msg(ctx->log, CFG_LOG_ERROR, "wake pipe: %s", strerror(errno));
	left = drain(&p, ctx->cfg->request_deadline_ms + 1000);
	if (left > 0) {
		/* Past the deadline: exiting still leaves every context
		 * file whole, and open attempts are resolved later. */
		log_msg(ctx->log, CFG_LOG_WARN, "%d requests still running at "
		    "the shutdown deadline; exiting", left);
		return 0;
	}
	for (i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	free(tids);
	close(p.wake[0]);
	close(p.wake[1]);
	pthread_mutex_destroy(&p.accept_mu);
	pthread_mutex_destroy(&p.done_mu);
	pthread_cond_destroy(&p.done_cv);
	log_msg(ctx->log, CFG_LOG_INFO, "stopped");
	return 0;
}

int
server_run_cgi(struct bg_ctx *ctx)
{
	struct bg_worker w;
	char owed[PURCHASE_ID_MAX + 1];
	struct bg_io io;

	worker_open(ctx, &w);
	w.slot = 0;
	io_cgi(&io);
	server_handle(ctx, &w, &io, owed);
	io_cgi_drain(&io);
	if (owed[0] != '\0') {
		/* The web server ends the answer when standard output does. */
		fflush(stdout);
		close(STDOUT_FILENO);
		notify_paid(ctx, &w, owed);
	}
	worker_close(&w);
	return 0;
}
