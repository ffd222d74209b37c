/*
 * transport.c - the FastCGI and CGI implementations of struct bg_io.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

#include "transport.h"

#define DRAIN_MAX	(64ULL << 20)	/* more than this: let it be cut */
#define DRAIN_WAIT_MS	5000		/* per read, for a stalled client */

static const char *
fcgi_param(struct bg_io *io, const char *name)
{
	return FCGX_GetParam(name, io->fcgi->envp);
}

static long
fcgi_read(struct bg_io *io, char *buf, size_t n)
{
	int got;

	if (n > 1 << 30)
		n = 1 << 30;
	got = FCGX_GetStr(buf, (int)n, io->fcgi->in);
	if (got == 0 && FCGX_GetError(io->fcgi->in) != 0)
		return -1;
	return got;
}

static int
fcgi_write(struct bg_io *io, const char *buf, size_t n)
{
	if (n > 1 << 30)
		return -1;
	return FCGX_PutStr(buf, (int)n, io->fcgi->out) == (int)n ? 0 : -1;
}

void
io_fcgi(struct bg_io *io, FCGX_Request *req)
{
	io->param = fcgi_param;
	io->read = fcgi_read;
	io->write = fcgi_write;
	io->fcgi = req;
}

static const char *
cgi_param(struct bg_io *io, const char *name)
{
	(void)io;
	return getenv(name);
}

/*
 * The web server need not close standard input after the body (RFC 3875),
 * so callers read exactly CONTENT_LENGTH bytes and never "until EOF".
 */
static long
cgi_read(struct bg_io *io, char *buf, size_t n)
{
	ssize_t got;

	do
		got = read(STDIN_FILENO, buf, n);
	while (got == -1 && errno == EINTR);
	if (got > 0)
		io->read_total += (unsigned long long)got;
	return got;
}

static int
cgi_write(struct bg_io *io, const char *buf, size_t n)
{
	ssize_t w;

	(void)io;
	while (n > 0) {
		w = write(STDOUT_FILENO, buf, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

void
io_cgi(struct bg_io *io)
{
	io->param = cgi_param;
	io->read = cgi_read;
	io->write = cgi_write;
	io->fcgi = NULL;
	io->read_total = 0;
}

void
io_cgi_drain(struct bg_io *io)
{
	const char *cl = getenv("CONTENT_LENGTH");
	unsigned long long want, left;
	struct pollfd pfd = { STDIN_FILENO, POLLIN, 0 };
	char buf[16384];
	long got;
	char *end;

	if (cl == NULL || *cl == '\0')
		return;
	want = strtoull(cl, &end, 10);
	if (*end != '\0' || want <= io->read_total)
		return;
	/* Bounded in size and time: a client that never sends is cut. */
	left = want - io->read_total;
	if (left > DRAIN_MAX)
		return;
	while (left > 0 && poll(&pfd, 1, DRAIN_WAIT_MS) == 1) {
		got = cgi_read(io, buf, left < sizeof(buf) ? left :
		    sizeof(buf));
		if (got <= 0)
			break;
		left -= (unsigned long long)got;
	}
}
