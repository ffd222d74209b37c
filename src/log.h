/*
 * log.h - the request log (brickgate(8), LOGS).
 *
 * One line per request, written with a single write(2) so that lines from
 * several threads never interleave.  The line carries only fields that are
 * safe by construction (method, known route, status, codes, validated
 * purchase id, payment id and status); no function here takes a token, a
 * card token, an e-mail or an identification number.
 */
#ifndef BG_LOG_H
#define BG_LOG_H

#include "config.h"
#include "request.h"

struct bg_log {
	int		 fd;		/* 2, or log_file kept at one fd number */
	const char	*path;		/* NULL: standard error */
	enum log_level	 level;
};

/* Opens log_file (or uses standard error); -1 with why on failure. */
int	 log_open(struct bg_log *l, const char *path, enum log_level level,
	    char *why, size_t whysz);
/* Reopens log_file in place (SIGHUP, after rotation). */
int	 log_reopen(struct bg_log *l);
void	 log_close(struct bg_log *l);

void	 log_request(struct bg_log *l, const struct bg_request *r);
void	 log_msg(struct bg_log *l, enum log_level level, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

#endif
