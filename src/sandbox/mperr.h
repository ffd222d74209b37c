/*
 * mperr.h - errors in Mercado Pago's own shape.
 *
 * brickgate's struct bg_error carries a string code for brickgate's
 * own answers; Mercado Pago's body needs a numeric cause code and an `error`
 * word instead, so the sandbox fills this one:
 *   {"message":..,"error":..,"status":..,
 *    "cause":[{"code","description","data"}]}
 */
#ifndef SB_MPERR_H
#define SB_MPERR_H

struct mp_error {
	int	 status;		/* HTTP status */
	int	 cause;			/* 0: empty cause array */
	const char *error;		/* NULL: derived from status */
	char	 message[256];
};

/* Fills e with a cause and returns -1. */
int	 mp_fail(struct mp_error *e, int status, int cause,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Fills e with an `error` word and no cause (preferences), returns -1. */
int	 mp_fail_named(struct mp_error *e, int status, const char *error,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* The body; the caller frees it. */
char	*mp_error_json(const struct mp_error *e);

#endif
