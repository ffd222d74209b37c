/*
 * main.c - command line, configuration, and the choice of mode.
 *
 * brickgate serves FastCGI when it is handed a listening socket (spawn-fcgi,
 * mod_fcgid, systemd) or told to --listen, and plain CGI when a web server
 * runs it as a CGI program.  Either way the configuration is checked in
 * full before the first request: a configuration that cannot work stops
 * the program with exit status 78 (EX_CONFIG), one line per problem.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "cli.h"
#include "config.h"
#include "confine.h"
#include "on_paid.h"
#include "context_cli.h"
#include "db_cli.h"
#include "method.h"
#include "reconcile.h"
#include "refund_cli.h"
#include "log.h"
#include "secrets.h"
#include "server.h"

#define EX_USAGE	64
#define EX_CONFIG	78

extern char **environ;

static void
usage(FILE *out)
{
	fprintf(out,
"usage: brickgate [--config FILE] [--listen unix:/path|127.0.0.1:PORT]\n"
"                 [--KEY=VALUE ...]\n"
"       brickgate --check-config [--config FILE] [--KEY=VALUE ...]\n"
"       brickgate context create --amount AMOUNT [--description TEXT]\n"
"                 [--email E] [--id ID] [--expires-in SECONDS] [--methods a,b]\n"
"       brickgate context show ID | list | prune --older-than DAYS\n"
"       brickgate reconcile [--older-than SECONDS]\n"
"       brickgate refund PURCHASE_ID [--amount DECIMAL]\n"
"       brickgate db init | import DIR        (store = postgresql)\n"
"       brickgate --list-methods | --version | --help\n"
"\n"
"brickgate takes Mercado Pago Payment Brick submissions for a web shop.\n"
"It runs as a FastCGI responder when given a listening socket on standard\n"
"input (spawn-fcgi, mod_fcgid, systemd StandardInput=socket), by systemd\n"
"socket activation, or with --listen; and as a CGI program when a web\n"
"server starts it with GATEWAY_INTERFACE set.\n"
"\n"
"Configuration keys (file `key = value`, environment BRICKGATE_KEY, or\n"
"--key=value; later sources win): access_token_file, access_token\n"
"(environment only), api_base, ca_file, store, context_dir, database_url,\n"
"site, notification_url, callback_url, return_url, statement_descriptor,\n"
"three_d_secure_mode, binary_mode, pix_expires_minutes, ticket_expires_days,\n"
"webhook_secret_file, webhook_max_age_s, threads, connect_timeout_ms,\n"
"api_timeout_ms,\n"
"api_retries, request_deadline_ms, max_attempts, max_body_bytes, log_level,\n"
"log_file, user, confine, on_paid.  Default config file:\n"
"%s/brickgate/brickgate.conf\n",
	    SYSCONFDIR);
}

/* spawn-fcgi and CGI hand us fds 0-2; make sure none is ever closed. */
static void
keep_std_fds(void)
{
	int fd;

	for (fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) == -1 && errno == EBADF &&
		    open("/dev/null", O_RDWR) != fd)
			_exit(EX_CONFIG);
}

struct opts {
	const char	*config;
	const char	*listen;
	int		 check;
	int		 cmd;		/* argv index of the command, or 0 */
};

static void
parse_args(int argc, char **argv, struct opts *o, struct bg_config *c,
    struct bg_problems *p, int apply)
{
	const char *flag, *value;
	char name[64];
	size_t len;
	int i, used;

	for (i = 1; i < argc; i += used) {
		used = 1;
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			exit(0);
		}
		if (strcmp(argv[i], "--version") == 0) {
			printf("brickgate %s\n", PACKAGE_VERSION);
			exit(0);
		}
		if (o->cmd == 0 && strcmp(argv[i], "--list-methods") == 0) {
			method_listing(stdout);
			exit(0);
		}
		if (strcmp(argv[i], "--check-config") == 0) {
			/* One or the other: which would the user want run? */
			if (!apply && o->cmd != 0)
				problems_add(p, "--check-config runs no command; "
				    "drop it, or the %s command", argv[o->cmd]);
			o->check = 1;
			continue;
		}
		if (i == 1 && (strcmp(argv[i], "context") == 0 ||
		    strcmp(argv[i], "reconcile") == 0 ||
		    strcmp(argv[i], "refund") == 0 ||
		    strcmp(argv[i], "db") == 0)) {
			o->cmd = i;
			continue;
		}
		if (strncmp(argv[i], "--", 2) != 0) {
			if (!apply && o->cmd == 0)
				problems_add(p, "unexpected argument '%s' (the "
				    "context, reconcile, refund and db commands "
				    "come "
				    "first)", argv[i]);
			continue;
		}
		used = cli_flag(argc, argv, i, &flag, &len, &value);
		snprintf(name, sizeof(name), "%.*s", (int)len, flag);
		/* The command's own options are the command's business. */
		if (o->cmd != 0 && cli_main_flag(flag, len) != 2) {
			used = 1;
			continue;
		}
		if (value == NULL) {
			if (!apply)
				problems_add(p, "--%s needs a value", name);
			continue;
		}
		if (strcmp(name, "config") == 0)
			o->config = value;
		else if (strcmp(name, "listen") == 0)
			o->listen = value;
		else if (apply)
			config_set_flag(c, name, value, p);
		else if (!config_is_key(name))
			problems_add(p, "unknown option --%s", name);
	}
}

static void
print_problems(const struct bg_problems *p)
{
	int i;

	for (i = 0; i < p->n; i++)
		fprintf(stderr, "brickgate: %s\n", p->line[i]);
}

/* Defaults, file, environment, flags: later sources win. */
static void
load_config(int argc, char **argv, struct opts *o, struct bg_config *c,
    struct bg_problems *p)
{
	const char *path;
	int named = 1;

	config_init(c);
	parse_args(argc, argv, o, c, p, 0);
	/* Contexts and the database need no token; reconcile reads
	 * Mercado Pago. */
	c->no_token = o->cmd != 0 && (strcmp(argv[o->cmd], "context") == 0 ||
	    strcmp(argv[o->cmd], "db") == 0);
	if ((path = o->config) == NULL && (path = getenv("BRICKGATE_CONFIG"))
	    == NULL) {
		path = SYSCONFDIR "/brickgate/brickgate.conf";
		named = 0;
	}
	config_read_file(c, path, named, p);
	config_read_env(c, environ, p);
	parse_args(argc, argv, o, c, p, 1);
	config_finish(c, p);
}

/*
 * Confines the process before its first request (brickgate(8),
 * CONFINEMENT): the user of `user`, then on_paid's runner (which runs
 * what the confined process may not, on_paid.h) with nslots slots, then
 * confine_apply().  The first log line says what was applied.  -1 when
 * any of it failed: a process that was asked to be confined does not
 * serve unconfined.
 */
static int
confine_process(const struct bg_config *cfg, struct bg_log *log,
    struct bg_ctx *ctx, struct on_paid *runner, int nslots)
{
	struct confine_policy pol;
	struct bg_error e;
	char what[128];
	int root = geteuid() == 0;

	bg_error_clear(&e);
	if (cfg->user != NULL && confine_user(cfg->user, &e) == -1) {
		log_msg(log, CFG_LOG_ERROR, "%s", e.message);
		return -1;
	}
	if (cfg->on_paid != NULL) {
		if (on_paid_start(runner, cfg, nslots, &e) == -1) {
			log_msg(log, CFG_LOG_ERROR, "%s", e.message);
			return -1;
		}
		ctx->on_paid = runner;
	}
	if (strcmp(cfg->confine, "off") == 0)
		log_msg(log, CFG_LOG_WARN, "confined: nothing (confine = off; "
		    "for debugging only)");
	else {
		confine_policy(&pol, cfg);
		if (confine_apply(&pol, what, sizeof(what), &e) == -1) {
			log_msg(log, CFG_LOG_ERROR, "cannot confine the "
			    "process: %s (confine = off runs it unconfined, "
			    "for debugging only)", e.message);
			return -1;
		}
		log_msg(log, CFG_LOG_INFO, "confined: %s", what);
	}
	if (root && cfg->user == NULL)
		log_msg(log, CFG_LOG_WARN, "running as root: set user to the "
		    "user brickgate should serve as (brickgate.conf(5))");
	return 0;
}

int
main(int argc, char **argv)
{
	static struct bg_secrets secrets = { PTHREAD_MUTEX_INITIALIZER, 0, 0 };
	struct bg_problems probs = { { 0 }, 0, 0 };
	struct bg_config cfg;
	struct bg_log log;
	struct bg_ctx ctx;
	struct on_paid runner;
	struct store store = { NULL, NULL, NULL };
	struct bg_error se;
	struct opts o = { NULL, NULL, 0, 0 };
	char why[512];
	int listen_fd = -1, inherited = -1, cgi, rc;

	memset(&ctx, 0, sizeof(ctx));
	memset(&runner, 0, sizeof(runner));
	keep_std_fds();
	signal(SIGPIPE, SIG_IGN);
	load_config(argc, argv, &o, &cfg, &probs);
	/* Looked up once: taking systemd's socket clears LISTEN_FDS. */
	if (o.listen == NULL && !o.check &&
	    (inherited = server_inherited_socket(why, sizeof(why))) == -1 &&
	    why[0] != '\0')
		problems_add(&probs, "%s", why);
	cgi = o.listen == NULL && !o.check && inherited == -1 &&
	    getenv("GATEWAY_INTERFACE") != NULL;
	if (o.cmd != 0 && (strcmp(argv[o.cmd], "context") == 0 ||
	    strcmp(argv[o.cmd], "db") == 0)) {
		print_problems(&probs);
		rc = probs.n ? EX_CONFIG : strcmp(argv[o.cmd], "db") == 0 ?
		    db_command(argc - o.cmd, argv + o.cmd, &cfg) :
		    context_command(argc - o.cmd, argv + o.cmd, &cfg);
		problems_free(&probs);
		config_free(&cfg);
		return rc;
	}
	if (probs.n == 0 && log_open(&log, cfg.log_file, cfg.log_level, why,
	    sizeof(why)) == -1)
		problems_add(&probs, "%s", why);
	if (probs.n == 0 && secrets_load(&secrets, &cfg, why,
	    sizeof(why)) == -1)
		problems_add(&probs, "%s", why);
	if (probs.n == 0 && !o.check && store_open(&store, &cfg, &se) == -1)
		problems_add(&probs, "context_dir: %s", se.message);
	if (o.cmd != 0 && probs.n > 0) {
		print_problems(&probs);
		rc = EX_CONFIG;
		goto out;
	}
	if (o.check) {
		print_problems(&probs);
		if (probs.n == 0) {
			config_print(&cfg, stdout);
			/* On a shared host: which libcurl the program found. */
			printf("libraries: %s\n", curl_version());
		}
		rc = probs.n ? EX_CONFIG : 0;
		goto out;
	}
	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = &cfg;
	ctx.secrets = &secrets;
	ctx.log = &log;
	ctx.store = &store;
	metrics_init(&ctx.metrics);
	store.metrics = &ctx.metrics;
	if (o.cmd != 0) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		rc = strcmp(argv[o.cmd], "refund") == 0 ?
		    refund_command(argc - o.cmd, argv + o.cmd, &ctx) :
		    reconcile_command(argc - o.cmd, argv + o.cmd, &ctx);
		curl_global_cleanup();
		goto out;
	}
	if (cgi) {
		/* The web server shows the 500; its error log the why. */
		if (probs.n > 0) {
			print_problems(&probs);
			log_open(&log, NULL, CFG_LOG_INFO, why, sizeof(why));
			ctx.misconfigured = 1;
		}
		curl_global_init(CURL_GLOBAL_DEFAULT);
		/* Before the body is read; a failure answers 500. */
		if (!ctx.misconfigured && confine_process(&cfg, &log, &ctx,
		    &runner, 1) == -1)
			ctx.misconfigured = 1;
		rc = server_run_cgi(&ctx);
		curl_global_cleanup();
		goto out;
	}
	if (probs.n > 0) {
		print_problems(&probs);
		rc = EX_CONFIG;
		goto out;
	}
	if (o.listen != NULL)
		listen_fd = server_listen(o.listen, why, sizeof(why));
	else if ((listen_fd = inherited) == -1)
		snprintf(why, sizeof(why), "no FastCGI socket on standard "
		    "input, none from systemd, and no --listen: run brickgate "
		    "under spawn-fcgi, systemd or a web server (brickgate "
		    "--help)");
	if (listen_fd == -1) {
		fprintf(stderr, "brickgate: %s\n", why);
		rc = o.listen != NULL ? EX_CONFIG : EX_USAGE;
		goto out;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	/* Bound, secrets read, no thread started yet. */
	if (confine_process(&cfg, &log, &ctx, &runner, (int)cfg.threads) == -1)
		rc = EX_CONFIG;
	else
		rc = server_run_fcgi(&ctx, listen_fd);
	curl_global_cleanup();
out:
	if (ctx.on_paid != NULL)
		on_paid_stop(ctx.on_paid);
	if (store.ops != NULL)
		store_close(&store);
	if (probs.n == 0)
		log_close(&log);
	secrets_free(&secrets);
	problems_free(&probs);
	config_free(&cfg);
	return rc;
}
