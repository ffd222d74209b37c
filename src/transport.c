/*
 * transport.c - the FastCGI and CGI implementations of struct bg_io.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "transport.h"

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

	(void)io;
	do
		got = read(STDIN_FILENO, buf, n);
	while (got == -1 && errno == EINTR);
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
}
