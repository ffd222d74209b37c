/*
 * config.h - brickgate's configuration (brickgate.conf(5)).
 *
 * Sources, later ones win: built-in defaults, the config file, BRICKGATE_*
 * environment variables, --key=value flags.  Every key is declared once in
 * the table in config.c with its type and bounds; config_finish() checks
 * them all and reports every problem, one line each, so that an operator
 * fixes a broken configuration in one go.
 */
#ifndef BG_CONFIG_H
#define BG_CONFIG_H

#include <stdio.h>

#include "site.h"

#define CONFIG_MAX_PROBLEMS 32
/* Longest URL accepted; brickgate adds at most ~200 bytes to one. */
#define URL_MAX_LEN	1500

struct bg_problems {
	char	*line[CONFIG_MAX_PROBLEMS];
	int	 n;
	int	 total;		/* every problem, the ones not kept too */
};

void	 problems_add(struct bg_problems *p, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	 problems_free(struct bg_problems *p);

enum log_level { CFG_LOG_ERROR, CFG_LOG_WARN, CFG_LOG_INFO, CFG_LOG_DEBUG };

enum cfg_source { SRC_DEFAULT, SRC_FILE, SRC_ENV, SRC_FLAG };

/* threads when store = postgresql and threads is not set. */
#define PG_DEFAULT_THREADS	64
/* What --check-config works capacity out at (doc/deploy.md, Threads). */
#define TYPICAL_API_MS		300
#define SLOW_API_MS		1000

#define CONFIG_NKEYS 30

struct bg_config {
	/* Raw text per key and where it came from, indexed like the table. */
	char	*raw[CONFIG_NKEYS];
	enum cfg_source src[CONFIG_NKEYS];

	/* Typed values, filled by config_finish(). */
	const char *access_token_file;
	const char *access_token;	/* environment only */
	const char *api_base;
	const char *ca_file;
	const char *store;		/* "file" or "postgresql" */
	const char *context_dir;
	const char *database_url;	/* store = postgresql */
	const char *notification_url;
	const char *callback_url;
	const char *return_url;
	const char *statement_descriptor;
	const char *three_d_secure_mode;
	const char *webhook_secret_file;
	const char *log_file;
	const char *user;		/* switched to when started as root */
	const char *confine;		/* "on" or "off" (debugging only) */
	const char *on_paid;		/* run once a purchase is approved */
	const struct bg_site *site;
	long	 binary_mode;		/* 1: cards approved or rejected */
	long	 pix_expires_minutes;
	long	 ticket_expires_days;
	long	 webhook_max_age_s;
	long	 threads;
	long	 connect_timeout_ms;
	long	 api_timeout_ms;
	long	 api_retries;
	long	 request_deadline_ms;
	long	 max_attempts;
	long	 max_body_bytes;
	enum log_level log_level;

	char	*config_path;		/* the file read, or NULL */
	int	 no_token;		/* commands that never call the API */
};

/* Defaults only. */
void	 config_init(struct bg_config *c);
void	 config_free(struct bg_config *c);

/*
 * Reads `key = value` lines.  A missing file is a problem only when
 * must_exist (named by --config or BRICKGATE_CONFIG).
 */
int	 config_read_file(struct bg_config *c, const char *path,
	    int must_exist, struct bg_problems *p);

/* The same lines from any stream; name labels them in problems. */
int	 config_read_stream(struct bg_config *c, FILE *f, const char *name,
	    struct bg_problems *p);

/* Applies every BRICKGATE_* variable of envp (BRICKGATE_CONFIG aside). */
void	 config_read_env(struct bg_config *c, char *const *envp,
	    struct bg_problems *p);

/* Applies one --key=value flag (dashes in key count as underscores). */
void	 config_set_flag(struct bg_config *c, const char *key,
	    const char *value, struct bg_problems *p);

/* True when name (after dash folding) is a configuration key. */
int	 config_is_key(const char *name);

/*
 * Checks every value and converts it: numbers and bounds, URLs, enums,
 * the token and secret files, the context directory, the log file.
 * Returns 0 when p gained no problem.
 */
int	 config_finish(struct bg_config *c, struct bg_problems *p);

/*
 * config_finish() without the file system: the values alone (numbers,
 * URLs, enums, whether a token is given), so that it can run on any
 * input.  config_finish() calls it first.
 */
int	 config_check(struct bg_config *c, struct bg_problems *p);

/* Prints what --check-config found, never a secret. */
void	 config_print(const struct bg_config *c, FILE *out);

/* Does the host of an http(s) URL name the loopback? */
int	 url_is_loopback(const char *url);

#endif
