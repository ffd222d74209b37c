/*
 * fuzz.h - what the libFuzzer drivers share.
 *
 * Each driver feeds one parser of outside input with the fuzzer's bytes,
 * through the same functions the server runs, and checks what must hold
 * whatever the input: no crash, no leak, no undefined behaviour (the
 * sanitizers), and every text brickgate would send or write reads back
 * through its own strict JSON reader.  A broken property is abort(),
 * which libFuzzer reports as a crash with the input that caused it.
 */
#ifndef BG_FUZZ_H
#define BG_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "config.h"
#include "context.h"
#include "error.h"
#include "log.h"
#include "request.h"
#include "transport.h"

#define FUZZ_MAX_PARAMS	16

/* Aborts with a message when cond is false: a property the input broke. */
#define FUZZ_ASSERT(cond)	fuzz_assert((cond), #cond, __FILE__, __LINE__)

/*
 * A CGI request written as text, so that seeds stay readable: lines
 * "NAME=value" (REQUEST_URI, QUERY_STRING, HTTP_X_SIGNATURE...), an
 * empty line, then the body.  Without a CONTENT_LENGTH line the body's
 * own length is given, as nginx does.
 */
struct fuzz_request {
	struct bg_io	 io;		/* first: the callbacks get it back */
	char		*text;		/* the input, NUL-terminated */
	const char	*name[FUZZ_MAX_PARAMS];
	const char	*value[FUZZ_MAX_PARAMS];
	int		 n;
	char		 length[24];	/* the implied CONTENT_LENGTH */
	const char	*body;
	size_t		 body_len, read_at;
	char		*out;		/* what brickgate wrote */
	size_t		 out_len;
};

void	 fuzz_assert(int cond, const char *what, const char *file, int line);

/* Reads the text into fr, then request_begin(r) over it (asserted). */
void	 fuzz_request_begin(struct fuzz_request *fr, struct bg_request *r,
	    const uint8_t *data, size_t size);
void	 fuzz_request_free(struct fuzz_request *fr);

/* Prints what brickgate wrote, when FUZZ_DEBUG is set (seed writing). */
void	 fuzz_request_show(const struct fuzz_request *fr);

/* The body of the answer written to fr, after its header block. */
const char *fuzz_answer_body(const struct fuzz_request *fr);

/*
 * An optional first line "SITE" or "SITE N" (N a digit) picks a site
 * and a variant; the rest is the driver's input.  Without one, the
 * first site of the list and variant 0 are used and nothing is skipped.
 */
const char *fuzz_pick_site(const uint8_t **data, size_t *size,
	    const char *const *sites, int *variant);

/* A log that formats every line, debug included, into /dev/null. */
struct bg_log *fuzz_log(void);

/*
 * A checked configuration for site, with NULL-terminated key, value
 * pairs set as flags would; aborts on a problem (the driver's bug).
 */
void	 fuzz_config(struct bg_config *c, const char *site,
	    const char *const *kv);

/* A purchase context from text, which must be valid; aborts if not. */
void	 fuzz_context(struct bg_context *c, const char *id, const char *text,
	    const struct bg_site *site);

/*
 * What brickgate sends Mercado Pago, answers or writes must read back:
 * serialises o and aborts unless the strict reader takes the text
 * (valid UTF-8, no repeated names) within depth.
 */
void	 fuzz_reads_back(json_object *o, int depth);

/* The same for a text. */
void	 fuzz_text_reads_back(const char *text, size_t len, int depth);

/* An error e must be complete, and its body must read back. */
void	 fuzz_error_ok(const struct bg_error *e);

#endif
