/*
 * error.h - the one error value every fallible function fills.
 *
 * A failing function returns -1 (or NULL) and leaves in a struct bg_error
 * everything the response layer needs: the HTTP status, the stable code
 * (brickgate(8), Error codes), a human message and, where one field is at
 * fault, its JSON path.  Nothing is printed where the error happens; the
 * caller decides.
 */
#ifndef BG_ERROR_H
#define BG_ERROR_H

#include <stddef.h>

struct bg_error {
	int	 status;		/* HTTP status, 0 when no error */
	const char *code;		/* static string, e.g. "invalid_json" */
	char	 message[256];
	char	 field[128];		/* JSON path, "" when none */
};

/* Fills e and returns -1, so that callers can write `return bg_fail(...)`. */
int	 bg_fail(struct bg_error *e, int status, const char *code,
	    const char *field, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));
#ifdef __clang_analyzer__
/*
 * clang's analyzer (scan-build) does not follow calls to variadic
 * functions, so it would not know that this one is always -1 and would
 * explore `return bg_fail(...)` as a success.  Analysis only.
 */
#define bg_fail(...)	(bg_fail(__VA_ARGS__), -1)
#endif
void	 bg_error_clear(struct bg_error *e);

/* Reason phrase for a status line ("Bad Request"); never NULL. */
const char *bg_status_text(int status);

/*
 * Renders the error body of brickgate(8), Answers, into a fresh string
 * ({"error":{"code":..,"message":..,"field":..}}); the caller frees it.
 */
char	*bg_error_json(const struct bg_error *e);

/* The same body as a json-c object, for answers that add to it. */
struct json_object;
struct json_object *bg_error_obj(const struct bg_error *e);

#endif
