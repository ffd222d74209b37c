/*
 * transport.h - one request's input and output, however it arrived.
 *
 * libfcgi's FCGX_Accept_r has no CGI fallback (doc/design.md), so the
 * request code talks to this small interface instead, with two
 * implementations: libfcgi's request streams, and the CGI environment
 * with standard input and output.  Everything above it is shared.
 */
#ifndef BG_TRANSPORT_H
#define BG_TRANSPORT_H

#include <stddef.h>

#include <fcgiapp.h>

struct bg_io {
	/* A request variable (REQUEST_METHOD, HTTP_X_PURCHASE_ID...). */
	const char *(*param)(struct bg_io *io, const char *name);
	/* Up to n body bytes; 0 at the end, -1 on error. */
	long	 (*read)(struct bg_io *io, char *buf, size_t n);
	/* All of buf, or -1. */
	int	 (*write)(struct bg_io *io, const char *buf, size_t n);
	FCGX_Request *fcgi;		/* NULL in CGI mode */
	unsigned long long read_total;	/* body bytes read so far (CGI) */
};

void	 io_fcgi(struct bg_io *io, FCGX_Request *req);
void	 io_cgi(struct bg_io *io);

/*
 * CGI, after the answer: reads and drops what is left of the body.  A
 * program that exits with unread input on a socket (mod_cgid) makes the
 * kernel reset it, and the web server then cuts the answer short.
 */
void	 io_cgi_drain(struct bg_io *io);

#endif
