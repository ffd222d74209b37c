/*
 * log.c - request and event lines.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static const char *const level_names[] = { "error", "warn", "info", "debug" };

int
log_open(struct bg_log *l, const char *path, enum log_level level,
    char *why, size_t whysz)
{
	l->path = path;
	l->level = level;
	l->fd = STDERR_FILENO;
	if (path == NULL)
		return 0;
	l->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (l->fd == -1) {
		snprintf(why, whysz, "log_file %s: %s", path, strerror(errno));
		l->fd = STDERR_FILENO;
		return -1;
	}
	return 0;
}

int
log_reopen(struct bg_log *l)
{
	int fd;

	if (l->path == NULL)
		return 0;
	fd = open(l->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd == -1)
		return -1;
	/* dup2 swaps the file under the same number: writers never see
	 * a closed descriptor. */
	if (dup3(fd, l->fd, O_CLOEXEC) == -1) {
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

void
log_close(struct bg_log *l)
{
	if (l->path != NULL && l->fd != STDERR_FILENO)
		close(l->fd);
	l->fd = STDERR_FILENO;
}

static size_t
stamp(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	n += (size_t)snprintf(buf + n, size - n, ".%03ldZ",
	    ts.tv_nsec / 1000000);
	return n;
}

static void
emit(struct bg_log *l, char *line, size_t n, size_t size)
{
	ssize_t w;

	if (n >= size - 1)
		n = size - 2;
	line[n++] = '\n';
	do
		w = write(l->fd, line, n);
	while (w == -1 && errno == EINTR);
}

static const char *
or_dash(const char *s)
{
	return (s == NULL || *s == '\0') ? "-" : s;
}

void
log_request(struct bg_log *l, const struct bg_request *r)
{
	char line[1024];
	struct timespec now;
	enum log_level lv;
	long ms;
	size_t n;

	lv = r->status >= 500 && r->status != 501 && r->status != 503 ?
	    CFG_LOG_ERROR : CFG_LOG_INFO;
	if (lv > l->level)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (now.tv_sec - r->start.tv_sec) * 1000 +
	    (now.tv_nsec - r->start.tv_nsec) / 1000000;
	n = stamp(line, sizeof(line));
	/* The method is a token of the web server's; keep it short. */
	n += (size_t)snprintf(line + n, sizeof(line) - n,
	    " %s method=%.10s route=/%s http=%d code=%s purchase_id=%s "
	    "payment_id=%s payment_method=%s status=%s ms=%ld upstream_ms=%ld",
	    level_names[lv],
	    strspn(r->method, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") ==
	    strlen(r->method) ? or_dash(r->method) : "?",
	    r->route_name ? r->route_name : "?", r->status,
	    or_dash(r->code), or_dash(r->purchase_id), or_dash(r->payment_id),
	    or_dash(r->payment_method), or_dash(r->payment_status), ms,
	    r->upstream_ms);
	emit(l, line, n < sizeof(line) ? n : sizeof(line) - 1, sizeof(line));
}

void
log_msg(struct bg_log *l, enum log_level level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	size_t n;
	int m;

	if (level > l->level)
		return;
	n = stamp(line, sizeof(line));
	n += (size_t)snprintf(line + n, sizeof(line) - n, " %s ",
	    level_names[level]);
	va_start(ap, fmt);
	m = vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	if (m > 0)
		n += (size_t)m;
	emit(l, line, n < sizeof(line) ? n : sizeof(line) - 1, sizeof(line));
}
