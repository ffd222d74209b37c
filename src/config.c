/*
 * config.c - the key table, the four sources, and the checks.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "conninfo.h"
#include "secret_file.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#ifndef LOCALSTATEDIR
#define LOCALSTATEDIR "/var"
#endif

enum ktype { K_STR, K_INT, K_BOOL, K_ENUM, K_URL, K_PATH };

#define KEY_ENV_ONLY	0x1	/* never from the file or a flag */
#define KEY_SECRET	0x2	/* never printed */
#define KEY_HTTPS		0x4	/* URL must be https unless loopback */
#define KEY_CONNINFO	0x8	/* printed with its password masked */

struct keydef {
	const char	*name;
	enum ktype	 type;
	size_t		 str_off;	/* offset of the const char * */
	size_t		 int_off;	/* offset of the long */
	const char	*def;
	long		 min, max;
	const char	*choices;	/* space-separated, for K_ENUM */
	unsigned	 flags;
};

#define S(f)	offsetof(struct bg_config, f), 0
#define I(f)	0, offsetof(struct bg_config, f)
#define E(f)	offsetof(struct bg_config, f), 0

static const struct keydef keys[CONFIG_NKEYS] = {
	{ "access_token_file", K_PATH, S(access_token_file), NULL, 0, 0, NULL, 0 },
	{ "access_token", K_STR, S(access_token), NULL, 0, 0, NULL,
	    KEY_ENV_ONLY | KEY_SECRET },
	{ "api_base", K_URL, S(api_base), "https://api.mercadopago.com",
	    0, 0, NULL, 0 },
	{ "ca_file", K_PATH, S(ca_file), NULL, 0, 0, NULL, 0 },
	{ "store", K_ENUM, E(store), "file", 0, 0, "file postgresql", 0 },
	{ "context_dir", K_PATH, S(context_dir),
	    LOCALSTATEDIR "/lib/brickgate/contexts", 0, 0, NULL, 0 },
	{ "database_url", K_STR, S(database_url), NULL, 0, 0, NULL,
	    KEY_CONNINFO },
	{ "site", K_ENUM, 0, 0, "MLB", 0, 0, "MLA MLB MLM MPE MCO MLU MLC", 0 },
	{ "notification_url", K_URL, S(notification_url), NULL, 0, 0, NULL,
	    KEY_HTTPS },
	{ "callback_url", K_URL, S(callback_url), NULL, 0, 0, NULL, 0 },
	{ "return_url", K_URL, S(return_url), NULL, 0, 0, NULL, 0 },
	{ "statement_descriptor", K_STR, S(statement_descriptor), NULL,
	    0, 0, NULL, 0 },
	{ "three_d_secure_mode", K_ENUM, E(three_d_secure_mode),
	    "not_supported", 0, 0, "not_supported optional", 0 },
	{ "binary_mode", K_BOOL, I(binary_mode), "false", 0, 1, NULL, 0 },
	{ "pix_expires_minutes", K_INT, I(pix_expires_minutes), "1440",
	    31, 43140, NULL, 0 },
	{ "ticket_expires_days", K_INT, I(ticket_expires_days), "3",
	    1, 29, NULL, 0 },
	{ "webhook_secret_file", K_PATH, S(webhook_secret_file), NULL,
	    0, 0, NULL, 0 },
	{ "webhook_max_age_s", K_INT, I(webhook_max_age_s), "86400",
	    1, 30 * 86400, NULL, 0 },
	{ "threads", K_INT, I(threads), "256", 1, 1024, NULL, 0 },
	{ "connect_timeout_ms", K_INT, I(connect_timeout_ms), "3000",
	    1, 120000, NULL, 0 },
	{ "api_timeout_ms", K_INT, I(api_timeout_ms), "15000",
	    1, 600000, NULL, 0 },
	{ "api_retries", K_INT, I(api_retries), "2", 0, 10, NULL, 0 },
	{ "request_deadline_ms", K_INT, I(request_deadline_ms), "25000",
	    1, 600000, NULL, 0 },
	{ "max_attempts", K_INT, I(max_attempts), "5", 1, 1000, NULL, 0 },
	{ "max_body_bytes", K_INT, I(max_body_bytes), "65536",
	    256, 16 * 1024 * 1024, NULL, 0 },
	{ "log_level", K_ENUM, 0, 0, "info", 0, 0, "error warn info debug", 0 },
	{ "log_file", K_PATH, S(log_file), NULL, 0, 0, NULL, 0 },
	{ "user", K_STR, S(user), NULL, 0, 0, NULL, 0 },
	{ "confine", K_ENUM, E(confine), "on", 0, 0, "on off", 0 },
	{ "on_paid", K_PATH, S(on_paid), NULL, 0, 0, NULL, 0 },
};

#undef S
#undef I
#undef E

static const char *const source_names[] = {
	"default", "config file", "environment", "command line"
};

void
problems_add(struct bg_problems *p, const char *fmt, ...)
{
	va_list ap;
	char *line;

	/* Past the limit a problem is counted, so that callers see it. */
	p->total++;
	if (p->n >= CONFIG_MAX_PROBLEMS)
		return;
	va_start(ap, fmt);
	if (vasprintf(&line, fmt, ap) == -1)
		line = NULL;
	va_end(ap);
	if (line != NULL)
		p->line[p->n++] = line;
}

void
problems_free(struct bg_problems *p)
{
	int i;

	for (i = 0; i < p->n; i++)
		free(p->line[i]);
	p->n = p->total = 0;
}

/* Folds dashes to underscores and lower-cases; -1 if not a key. */
static int
key_index(const char *name)
{
	char norm[64];
	size_t i, n = strlen(name);

	if (n >= sizeof(norm))
		return -1;
	for (i = 0; i < n; i++)
		norm[i] = name[i] == '-' ? '_' :
		    (char)tolower((unsigned char)name[i]);
	norm[n] = '\0';
	for (i = 0; i < CONFIG_NKEYS; i++)
		if (strcmp(keys[i].name, norm) == 0)
			return (int)i;
	return -1;
}

int
config_is_key(const char *name)
{
	return key_index(name) >= 0;
}

static void
set_raw(struct bg_config *c, int k, const char *value, enum cfg_source src)
{
	char *copy = strdup(value);

	if (copy == NULL)
		return;		/* config_finish() reports the missing value */
	if (c->raw[k] != NULL && (keys[k].flags & KEY_SECRET))
		explicit_bzero(c->raw[k], strlen(c->raw[k]));
	free(c->raw[k]);
	c->raw[k] = copy;
	c->src[k] = src;
}

void
config_init(struct bg_config *c)
{
	int k;

	memset(c, 0, sizeof(*c));
	for (k = 0; k < CONFIG_NKEYS; k++)
		if (keys[k].def != NULL)
			set_raw(c, k, keys[k].def, SRC_DEFAULT);
}

void
config_free(struct bg_config *c)
{
	int k;

	for (k = 0; k < CONFIG_NKEYS; k++) {
		if (c->raw[k] != NULL && (keys[k].flags & KEY_SECRET))
			explicit_bzero(c->raw[k], strlen(c->raw[k]));
		free(c->raw[k]);
	}
	free(c->config_path);
	memset(c, 0, sizeof(*c));
}

static char *
trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\r' || end[-1] == '\n'))
		*--end = '\0';
	return s;
}

int
config_read_stream(struct bg_config *c, FILE *f, const char *name,
    struct bg_problems *p)
{
	char line[4096], *key, *value, *eq;
	unsigned char seen[CONFIG_NKEYS] = { 0 };
	int lineno = 0, k, before = p->total;

	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			problems_add(p, "%s:%d: line too long", name, lineno);
			break;
		}
		key = trim(line);
		if (*key == '\0' || *key == '#')
			continue;
		if ((eq = strchr(key, '=')) == NULL) {
			problems_add(p, "%s:%d: expected key = value", name,
			    lineno);
			continue;
		}
		*eq = '\0';
		key = trim(key);
		value = trim(eq + 1);
		if ((k = key_index(key)) < 0) {
			problems_add(p, "%s:%d: unknown key '%s'", name,
			    lineno, key);
			continue;
		}
		if (keys[k].flags & KEY_ENV_ONLY) {
			problems_add(p, "%s:%d: %s is accepted from the "
			    "environment only (BRICKGATE_%s); use "
			    "access_token_file", name, lineno, keys[k].name,
			    "ACCESS_TOKEN");
			continue;
		}
		if (seen[k]++) {
			problems_add(p, "%s:%d: %s given twice", name, lineno,
			    keys[k].name);
			continue;
		}
		set_raw(c, k, value, SRC_FILE);
	}
	return p->total == before ? 0 : -1;
}

int
config_read_file(struct bg_config *c, const char *path, int must_exist,
    struct bg_problems *p)
{
	FILE *f;
	int rc;

	if ((f = fopen(path, "re")) == NULL) {
		if (errno == ENOENT && !must_exist)
			return 0;
		problems_add(p, "config file %s: %s", path, strerror(errno));
		return -1;
	}
	free(c->config_path);
	c->config_path = strdup(path);
	rc = config_read_stream(c, f, path, p);
	fclose(f);
	return rc;
}

void
config_read_env(struct bg_config *c, char *const *envp,
    struct bg_problems *p)
{
	static const char prefix[] = "BRICKGATE_";
	char name[64];
	const char *eq;
	size_t n;
	int k;

	for (; envp != NULL && *envp != NULL; envp++) {
		if (strncmp(*envp, prefix, sizeof(prefix) - 1) != 0)
			continue;
		if ((eq = strchr(*envp, '=')) == NULL)
			continue;
		n = (size_t)(eq - *envp) - (sizeof(prefix) - 1);
		if (n == 0 || n >= sizeof(name)) {
			problems_add(p, "unknown environment variable %.*s",
			    (int)(eq - *envp), *envp);
			continue;
		}
		memcpy(name, *envp + sizeof(prefix) - 1, n);
		name[n] = '\0';
		if (strcmp(name, "CONFIG") == 0)
			continue;
		/* Variables are upper case and spelled with underscores. */
		if ((k = key_index(name)) < 0 || strchr(name, '-') != NULL) {
			problems_add(p, "unknown environment variable "
			    "BRICKGATE_%s", name);
			continue;
		}
		set_raw(c, k, eq + 1, SRC_ENV);
	}
}

void
config_set_flag(struct bg_config *c, const char *key, const char *value,
    struct bg_problems *p)
{
	int k;

	if ((k = key_index(key)) < 0) {
		problems_add(p, "unknown option --%s", key);
		return;
	}
	if (keys[k].flags & KEY_ENV_ONLY) {
		problems_add(p, "--%s is not accepted on the command line "
		    "(it would show in ps); use access_token_file", key);
		return;
	}
	set_raw(c, k, value, SRC_FLAG);
}

static int
parse_long(const char *s, long *out)
{
	char *end;
	long v;

	if (*s == '\0' || !(isdigit((unsigned char)*s) || *s == '-'))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

static int
in_choices(const char *choices, const char *v)
{
	size_t n = strlen(v);
	const char *p = choices;

	if (n == 0)
		return 0;
	while ((p = strstr(p, v)) != NULL) {
		if ((p == choices || p[-1] == ' ') &&
		    (p[n] == '\0' || p[n] == ' '))
			return 1;
		p += n;
	}
	return 0;
}

/*
 * Syntax only: scheme http or https, a host, an optional numeric port,
 * no white space or control characters anywhere.
 */
static int
url_check(const char *u, char *why, size_t whysz)
{
	const char *host, *p;
	size_t i;

	/* brickgate adds its own parameters; the result must fit. */
	if (strlen(u) > URL_MAX_LEN) {
		snprintf(why, whysz, "is longer than %d characters",
		    URL_MAX_LEN);
		return -1;
	}
	for (i = 0; u[i] != '\0'; i++)
		if ((unsigned char)u[i] <= ' ' || (unsigned char)u[i] >= 0x7f) {
			snprintf(why, whysz, "contains white space or a "
			    "non-ASCII character");
			return -1;
		}
	if (strncmp(u, "https://", 8) == 0)
		host = u + 8;
	else if (strncmp(u, "http://", 7) == 0)
		host = u + 7;
	else {
		snprintf(why, whysz, "must start with https:// or http://");
		return -1;
	}
	p = host;
	if (*p == '[') {
		while (*p != '\0' && *p != ']')
			p++;
		if (*p++ != ']') {
			snprintf(why, whysz, "has a malformed IPv6 host");
			return -1;
		}
	} else
		while (*p != '\0' && *p != ':' && *p != '/' && *p != '?' &&
		    *p != '#' && *p != '@')
			p++;
	if (p == host || *p == '@') {
		snprintf(why, whysz, "has no host (or has credentials)");
		return -1;
	}
	if (*p == ':') {
		long port = 0;

		/* Digits past the sixth only count: a long would overflow. */
		for (p++, i = 0; isdigit((unsigned char)*p); p++, i++)
			if (i < 6)
				port = port * 10 + (*p - '0');
		if (i == 0 || i > 5 || port < 1 || port > 65535 ||
		    (*p != '\0' && *p != '/' && *p != '?')) {
			snprintf(why, whysz, "has a bad port");
			return -1;
		}
	}
	if (*p == '#') {
		snprintf(why, whysz, "must not have a fragment");
		return -1;
	}
	return 0;
}

int
url_is_loopback(const char *url)
{
	const char *h = strstr(url, "://");
	size_t n;

	if (h == NULL)
		return 0;
	h += 3;
	n = strcspn(h, ":/?#");
	if (*h == '[')
		return strncmp(h, "[::1]", 5) == 0;
	if (n == 9 && strncmp(h, "localhost", 9) == 0)
		return 1;
	return strncmp(h, "127.", 4) == 0 && n >= 7 && n <= 15 &&
	    strspn(h, "0123456789.") >= n;
}

static void
check_dir(const char *dir, struct bg_problems *p)
{
	struct stat st;

	if (stat(dir, &st) == -1) {
		problems_add(p, "context_dir %s: %s", dir, strerror(errno));
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		problems_add(p, "context_dir %s is not a directory", dir);
		return;
	}
	if (access(dir, R_OK | W_OK | X_OK) == -1)
		problems_add(p, "context_dir %s is not writable by this user "
		    "(uid %d)", dir, (int)geteuid());
}

static void
check_log_file(const char *path, struct bg_problems *p)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);

	if (fd == -1)
		problems_add(p, "log_file %s: %s", path, strerror(errno));
	else
		close(fd);
}

/*
 * The user must exist.  Whether brickgate can switch to it (as root, or
 * already as it) is the server's business at start: the commands run as
 * whoever the operator is and switch to nobody.
 */
static void
check_user(const char *user, struct bg_problems *p)
{
	struct passwd pw, *found = NULL;
	char buf[4096];
	int rc;

	rc = getpwnam_r(user, &pw, buf, sizeof(buf), &found);
	if (found == NULL)
		problems_add(p, "user %s: %s", user, rc != 0 ? strerror(rc) :
		    "no such user");
}

static void
check_secret(const char *key, const char *path, struct bg_problems *p)
{
	char why[512], *s;

	if (secret_file_read(path, &s, why, sizeof(why)) == -1) {
		problems_add(p, "%s: %s", key, why);
		return;
	}
	explicit_bzero(s, strlen(s));
	free(s);
}

/* Converts one key's raw text into its typed field. */
static void
finish_key(struct bg_config *c, int k, struct bg_problems *p)
{
	const struct keydef *kd = &keys[k];
	const char *v = c->raw[k];
	char why[128];
	long n;

	if (v == NULL)
		return;
	switch (kd->type) {
	case K_INT:
		if (parse_long(v, &n) == -1)
			problems_add(p, "%s: '%s' is not a whole number",
			    kd->name, v);
		else if (n < kd->min || n > kd->max)
			problems_add(p, "%s: %ld is outside %ld..%ld",
			    kd->name, n, kd->min, kd->max);
		else
			*(long *)((char *)c + kd->int_off) = n;
		return;
	case K_BOOL:
		if (strcmp(v, "true") != 0 && strcmp(v, "false") != 0)
			problems_add(p, "%s: '%s' is not true or false",
			    kd->name, v);
		else
			*(long *)((char *)c + kd->int_off) = *v == 't';
		return;
	case K_ENUM:
		if (!in_choices(kd->choices, v)) {
			problems_add(p, "%s: '%s' is not one of: %s",
			    kd->name, v, kd->choices);
			return;
		}
		break;
	case K_URL:
		if (url_check(v, why, sizeof(why)) == -1) {
			problems_add(p, "%s: '%s' %s", kd->name, v, why);
			return;
		}
		if ((kd->flags & KEY_HTTPS) && strncmp(v, "https://", 8) != 0 &&
		    !url_is_loopback(v)) {
			problems_add(p, "%s: '%s' must use https (http is "
			    "accepted only for loopback hosts)", kd->name, v);
			return;
		}
		break;
	case K_PATH:
		if (*v == '\0') {
			problems_add(p, "%s: empty path", kd->name);
			return;
		}
		break;
	case K_STR:
		break;
	}
	if (kd->str_off != 0)
		*(const char **)((char *)c + kd->str_off) = v;
}

static int
store_is(const struct bg_config *c, const char *name)
{
	return c->store != NULL && strcmp(c->store, name) == 0;
}

int
config_check(struct bg_config *c, struct bg_problems *p)
{
	int k, before = p->total;
	size_t i;

	for (k = 0; k < CONFIG_NKEYS; k++)
		finish_key(c, k, p);
	if (c->raw[key_index("site")] != NULL)
		c->site = site_find(c->raw[key_index("site")]);
	if (c->raw[key_index("log_level")] != NULL) {
		static const char *const lv[] = {
			"error", "warn", "info", "debug"
		};
		for (i = 0; i < 4; i++)
			if (strcmp(c->raw[key_index("log_level")], lv[i]) == 0)
				c->log_level = (enum log_level)i;
	}
	if (c->statement_descriptor != NULL) {
		for (i = 0; c->statement_descriptor[i] != '\0'; i++)
			if (!isprint((unsigned char)c->statement_descriptor[i]))
				break;
		if (c->statement_descriptor[i] != '\0' || i == 0 || i > 64)
			problems_add(p, "statement_descriptor: must be 1 to "
			    "64 printable ASCII characters");
	}
	if (store_is(c, "postgresql") && c->database_url == NULL)
		problems_add(p, "store = postgresql needs database_url");
	/*
	 * Each thread keeps a connection to the database, and PostgreSQL
	 * takes 100 by default: the file store's 256 would not fit
	 * (doc/deploy.md, Threads).
	 */
	if (store_is(c, "postgresql") &&
	    c->src[key_index("threads")] == SRC_DEFAULT)
		c->threads = PG_DEFAULT_THREADS;
	if (store_is(c, "file") && c->database_url != NULL)
		problems_add(p, "database_url is set but store is file: set "
		    "store = postgresql, or drop database_url");
	if (c->no_token)
		;	/* `context` and `db` call no API */
	else if (c->access_token_file != NULL && c->access_token != NULL)
		problems_add(p, "access token given twice: set "
		    "access_token_file or BRICKGATE_ACCESS_TOKEN, not both");
	else if (c->access_token_file == NULL && c->access_token == NULL)
		problems_add(p, "no access token: set access_token_file (or "
		    "BRICKGATE_ACCESS_TOKEN where the environment is the "
		    "only means)");
	else if (c->access_token_file == NULL &&
	    (c->access_token[0] == '\0' ||
	    strpbrk(c->access_token, " \t\r\n") != NULL))
		problems_add(p, "BRICKGATE_ACCESS_TOKEN is empty or has "
		    "white space");
	return p->total == before ? 0 : -1;
}

int
config_finish(struct bg_config *c, struct bg_problems *p)
{
	int before = p->total;

	config_check(c, p);
	if (!c->no_token && c->access_token_file != NULL &&
	    c->access_token == NULL)
		check_secret("access_token_file", c->access_token_file, p);
	/* Run directly, never through a shell: it must be a program. */
	if (c->on_paid != NULL && (c->on_paid[0] != '/' ||
	    access(c->on_paid, X_OK) == -1))
		problems_add(p, "on_paid %s: %s", c->on_paid,
		    c->on_paid[0] != '/' ? "not an absolute path" :
		    strerror(errno));
	if (c->webhook_secret_file != NULL)
		check_secret("webhook_secret_file", c->webhook_secret_file, p);
	if (c->ca_file != NULL && access(c->ca_file, R_OK) == -1)
		problems_add(p, "ca_file %s: %s", c->ca_file, strerror(errno));
	/* The database holds the purchases: no directory is used. */
	if (c->context_dir != NULL && store_is(c, "file"))
		check_dir(c->context_dir, p);
	if (c->log_file != NULL)
		check_log_file(c->log_file, p);
	if (c->user != NULL)
		check_user(c->user, p);
	return p->total == before ? 0 : -1;
}

void
config_print(const struct bg_config *c, FILE *out)
{
	char masked[URL_MAX_LEN + 64];
	int k;

	fprintf(out, "config file: %s\n",
	    c->config_path ? c->config_path : "(none)");
	for (k = 0; k < CONFIG_NKEYS; k++) {
		if (c->raw[k] == NULL)
			continue;
		if (keys[k].flags & KEY_SECRET)
			fprintf(out, "%s = (set, %zu characters, not shown)",
			    keys[k].name, strlen(c->raw[k]));
		else if (keys[k].flags & KEY_CONNINFO) {
			conninfo_mask(c->raw[k], masked, sizeof(masked));
			fprintf(out, "%s = %s", keys[k].name, masked);
		} else
			fprintf(out, "%s = %s", keys[k].name, c->raw[k]);
		fprintf(out, "    [%s]\n", source_names[c->src[k]]);
	}
	fprintf(out, "site: %s (%s, %d decimals)\n", c->site->id,
	    c->site->currency, c->site->decimals);
	fprintf(out, "access token: read from %s, not shown\n",
	    c->access_token_file ? c->access_token_file : "the environment");
	fprintf(out, "webhooks: %s\n", c->webhook_secret_file ?
	    "signature secret loaded" : "disabled (no webhook_secret_file)");
	if (store_is(c, "file"))
		fprintf(out, "context_dir: %s is writable\n", c->context_dir);
	else {
		conninfo_mask(c->database_url, masked, sizeof(masked));
		fprintf(out, "store: postgresql at %s (connected to on the "
		    "first request; up to %ld connections, one per thread)\n",
		    masked, c->threads);
	}
	/* A thread waits out each call: the pool bounds the rate. */
	fprintf(out, "capacity: %ld threads, at most %ld payments/s while a "
	    "Mercado Pago call takes %d ms, %ld/s at %d ms\n", c->threads,
	    c->threads * 1000 / TYPICAL_API_MS, TYPICAL_API_MS,
	    c->threads * 1000 / SLOW_API_MS, SLOW_API_MS);
}
