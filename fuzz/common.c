/*
 * common.c - the drivers' shared helpers (fuzz.h).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "json_strict.h"

static const char *
req_param(struct bg_io *io, const char *name)
{
	struct fuzz_request *fr = (struct fuzz_request *)io;
	int i;

	for (i = 0; i < fr->n; i++)
		if (strcmp(fr->name[i], name) == 0)
			return fr->value[i];
	if (strcmp(name, "CONTENT_LENGTH") == 0 && fr->body_len > 0)
		return fr->length;
	return NULL;
}

static long
req_read(struct bg_io *io, char *buf, size_t n)
{
	struct fuzz_request *fr = (struct fuzz_request *)io;
	size_t left = fr->body_len - fr->read_at;

	if (n > left)
		n = left;
	memcpy(buf, fr->body + fr->read_at, n);
	fr->read_at += n;
	return (long)n;
}

static int
req_write(struct bg_io *io, const char *buf, size_t n)
{
	struct fuzz_request *fr = (struct fuzz_request *)io;
	char *p;

	if ((p = realloc(fr->out, fr->out_len + n + 1)) == NULL)
		return -1;
	memcpy(p + fr->out_len, buf, n);
	fr->out = p;
	fr->out_len += n;
	fr->out[fr->out_len] = '\0';
	return 0;
}

/* One "NAME=value" line; lines without '=' are skipped. */
static void
add_param(struct fuzz_request *fr, char *line)
{
	char *eq = strchr(line, '=');
	int i;

	if (eq == NULL || fr->n == FUZZ_MAX_PARAMS)
		return;
	*eq = '\0';
	for (i = 0; i < fr->n; i++)
		if (strcmp(fr->name[i], line) == 0)
			return;		/* the first one counts, as getenv() */
	fr->name[fr->n] = line;
	fr->value[fr->n++] = eq + 1;
}

void
fuzz_request_begin(struct fuzz_request *fr, struct bg_request *r,
    const uint8_t *data, size_t size)
{
	struct bg_error e;
	char *p, *end, *nl;

	memset(fr, 0, sizeof(*fr));
	fr->io.param = req_param;
	fr->io.read = req_read;
	fr->io.write = req_write;
	FUZZ_ASSERT((fr->text = malloc(size + 1)) != NULL);
	memcpy(fr->text, data, size);
	fr->text[size] = '\0';
	end = fr->text + size;
	for (p = fr->text; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		*nl = '\0';
		if (nl == p) {
			fr->body = nl + 1 <= end ? nl + 1 : end;
			fr->body_len = (size_t)(end - fr->body);
			break;
		}
		add_param(fr, p);
	}
	if (fr->body == NULL)
		fr->body = end;
	snprintf(fr->length, sizeof(fr->length), "%zu", fr->body_len);
	/* Every route starts here; it reads only what it needs, never fails. */
	bg_error_clear(&e);
	FUZZ_ASSERT(request_begin(r, &fr->io, &e) == 0);
}

void
fuzz_request_free(struct fuzz_request *fr)
{
	free(fr->text);
	free(fr->out);
	memset(fr, 0, sizeof(*fr));
}

void
fuzz_request_show(const struct fuzz_request *fr)
{
	if (getenv("FUZZ_DEBUG") != NULL)
		fprintf(stderr, "%s\n", fr->out ? fr->out : "(no answer)");
}

const char *
fuzz_answer_body(const struct fuzz_request *fr)
{
	const char *b;

	if (fr->out == NULL || (b = strstr(fr->out, "\r\n\r\n")) == NULL)
		return NULL;
	return b + 4;
}

const char *
fuzz_pick_site(const uint8_t **data, size_t *size, const char *const *sites,
    int *variant)
{
	const char *d = (const char *)*data;
	size_t i, skip = 0;

	*variant = 0;
	if (*size >= 4 && d[3] == '\n')
		skip = 4;
	else if (*size >= 6 && d[3] == ' ' && d[4] >= '0' && d[4] <= '9' &&
	    d[5] == '\n') {
		*variant = d[4] - '0';
		skip = 6;
	}
	for (i = 0; skip > 0 && sites[i] != NULL; i++)
		if (memcmp(d, sites[i], 3) == 0) {
			*data += skip;
			*size -= skip;
			return sites[i];
		}
	*variant = 0;
	return sites[0];
}

struct bg_log *
fuzz_log(void)
{
	static struct bg_log l = { -1, NULL, CFG_LOG_DEBUG };

	if (l.fd == -1)
		FUZZ_ASSERT((l.fd = open("/dev/null", O_WRONLY | O_CLOEXEC))
		    != -1);
	return &l;
}

void
fuzz_config(struct bg_config *c, const char *site, const char *const *kv)
{
	struct bg_problems p = { { NULL }, 0, 0 };
	int i;

	config_init(c);
	c->no_token = 1;
	config_set_flag(c, "site", site, &p);
	for (i = 0; kv != NULL && kv[i] != NULL; i += 2)
		config_set_flag(c, kv[i], kv[i + 1], &p);
	config_check(c, &p);
	for (i = 0; i < p.n; i++)
		fprintf(stderr, "fuzz_config: %s\n", p.line[i]);
	FUZZ_ASSERT(p.n == 0);
}

void
fuzz_context(struct bg_context *c, const char *id, const char *text,
    const struct bg_site *site)
{
	struct bg_error e;

	bg_error_clear(&e);
	if (context_parse(c, id, text, strlen(text), site, &e) == -1)
		fprintf(stderr, "fuzz_context: %s\n", e.message);
	FUZZ_ASSERT(c->root != NULL);
}
