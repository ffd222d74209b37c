/*
 * config.c - the configuration file (brickgate.conf: "key = value"
 * lines) and the BRICKGATE_* environment, which on shared hosting comes
 * from an .htaccess: config_read_stream(), config_read_env(), then every
 * value's check (config_check(); config_finish() would also look at the
 * files and directories the input names, which a driver must not).
 *
 * Input: the file's text; each of its lines is also one environment
 * variable for a second configuration.  Checked: a configuration without
 * problems has a site and numbers in their bounds, and prints; a secret
 * (access_token) is printed as "(set, N characters, not shown)"; a
 * database_url holding a password is never printed as it is (the
 * password masked by conninfo_mask, which this input reaches).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conninfo.h"
#include "fuzz.h"

#define MAX_ENV	64

int	 LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * True when the line of text that starts with start holds s.  (Other
 * lines may: a path is any text, the URL's included.)
 */
static int
line_holds(const char *text, const char *start, const char *s)
{
	const char *line = strstr(text, start), *end;
	char *copy;
	int found;

	if (line == NULL)
		return 0;
	end = strchr(line + 1, '\n');
	copy = strndup(line, end ? (size_t)(end - line) : strlen(line));
	FUZZ_ASSERT(copy != NULL);
	found = strstr(copy, s) != NULL;
	free(copy);
	return found;
}

/* What --check-config would print, which must never show the token. */
static void
print_checked(const struct bg_config *c)
{
	char *text = NULL, *line, masked[4096];
	size_t len = 0;
	FILE *f;

	FUZZ_ASSERT(c->site != NULL);
	FUZZ_ASSERT(c->threads >= 1 && c->threads <= 1024);
	FUZZ_ASSERT(c->max_body_bytes >= 256);
	FUZZ_ASSERT(c->pix_expires_minutes >= 31 &&
	    c->pix_expires_minutes <= 43140);
	FUZZ_ASSERT((f = open_memstream(&text, &len)) != NULL);
	config_print(c, f);
	fclose(f);
	if ((line = strstr(text, "\naccess_token = ")) != NULL)
		FUZZ_ASSERT(strncmp(line + 16, "(set, ", 6) == 0);
	/* (An empty password masked makes a longer text that holds it.) */
	if (c->database_url != NULL && c->database_url[0] != '\0' &&
	    conninfo_mask(c->database_url, masked, sizeof(masked)) == 1 &&
	    strstr(masked, c->database_url) == NULL) {
		FUZZ_ASSERT(!line_holds(text, "\ndatabase_url = ",
		    c->database_url));
		FUZZ_ASSERT(!line_holds(text, "\nstore: postgresql at ",
		    c->database_url));
	}
	free(text);
}

static void
check(struct bg_config *c, struct bg_problems *p)
{
	int i;

	c->no_token = 0;
	if (config_check(c, p) == 0)
		print_checked(c);
	for (i = 0; i < p->n; i++)
		FUZZ_ASSERT(p->line[i] != NULL && p->line[i][0] != '\0');
	FUZZ_ASSERT(p->n <= CONFIG_MAX_PROBLEMS);
}

static void
as_file(const uint8_t *data, size_t size)
{
	struct bg_config c;
	struct bg_problems p = { { NULL }, 0, 0 };
	FILE *f;

	config_init(&c);
	/* fmemopen() refuses a zero size on some C libraries. */
	if (size > 0) {
		FUZZ_ASSERT((f = fmemopen((void *)data, size, "r")) != NULL);
		config_read_stream(&c, f, "fuzz.conf", &p);
		fclose(f);
	}
	check(&c, &p);
	problems_free(&p);
	config_free(&c);
}

static void
as_environment(const uint8_t *data, size_t size)
{
	struct bg_config c;
	struct bg_problems p = { { NULL }, 0, 0 };
	char *text, *env[MAX_ENV + 1], *line, *last;
	int n = 0;

	FUZZ_ASSERT((text = malloc(size + 1)) != NULL);
	memcpy(text, data, size);
	text[size] = '\0';
	for (line = strtok_r(text, "\n", &last); line != NULL && n < MAX_ENV;
	    line = strtok_r(NULL, "\n", &last))
		env[n++] = line;
	env[n] = NULL;
	config_init(&c);
	config_read_env(&c, env, &p);
	check(&c, &p);
	problems_free(&p);
	config_free(&c);
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	as_file(data, size);
	as_environment(data, size);
	return 0;
}
