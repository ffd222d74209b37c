/*
 * main.c - brickgate-sandbox: a local, offline stand-in for the Mercado
 * Pago Payments API (brickgate-sandbox(1)).
 *
 * Signals are blocked in every thread and taken by sigwait() here, so
 * SIGTERM/SIGINT end the process through the normal shutdown path.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "confine.h"
#include "site.h"
#include "sandbox/http.h"
#include "sandbox/store.h"
#include "sandbox/webhook.h"

#define DEFAULT_COLLECTOR_ID	111222333LL
#define MAX_SECRET		4096

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: brickgate-sandbox --listen ADDR:PORT [--access-token T]\n"
	    "           [--webhook-url URL --webhook-secret-file FILE]"
	    " [--site SITE]\n"
	    "       brickgate-sandbox --help | --version\n"
	    "\n"
	    "A local stand-in for the Mercado Pago Payments API.\n"
	    "  --listen ADDR:PORT   loopback only: 127.0.0.1:8081, "
	    "[::1]:8081,\n"
	    "                       localhost:8081; port 0 picks a free one\n"
	    "  --access-token T     the only bearer token accepted (default:\n"
	    "                       any token starting with TEST-)\n"
	    "  --webhook-url URL    send signed payment notifications there\n"
	    "  --webhook-secret-file FILE  the signing secret\n"
	    "  --site SITE          %s (default MLB)\n", site_list());
}

/* Loopback only: the sandbox has no auth on its control endpoints. */
static int
parse_listen(const char *arg, struct sockaddr_storage *ss, int *ipv6)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	char host[64];
	const char *colon, *p;
	char *end;
	long port;
	size_t n;

	memset(ss, 0, sizeof(*ss));
	if (arg[0] == '[') {
		if ((p = strchr(arg, ']')) == NULL || p[1] != ':')
			return -1;
		n = (size_t)(p - arg - 1);
		colon = p + 1;
		arg++;
	} else {
		if ((colon = strrchr(arg, ':')) == NULL)
			return -1;
		n = (size_t)(colon - arg);
	}
	if (n == 0 || n >= sizeof(host))
		return -1;
	memcpy(host, arg, n);
	host[n] = '\0';
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (errno != 0 || *end != '\0' || end == colon + 1 || port < 0 ||
	    port > 65535)
		return -1;
	if (strcmp(host, "localhost") == 0)
		snprintf(host, sizeof(host), "127.0.0.1");
	if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
		if ((ntohl(in4->sin_addr.s_addr) >> 24) != 127)
			return -1;
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)port);
		*ipv6 = 0;
		return 0;
	}
	if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		if (!IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr))
			return -1;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		*ipv6 = 1;
		return 0;
	}
	return -1;
}

static char *
read_secret(const char *path)
{
	FILE *f;
	char *buf;
	size_t n;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	if ((buf = calloc(1, MAX_SECRET + 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, MAX_SECRET, f);
	fclose(f);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' ||
	    buf[n - 1] == ' '))
		buf[--n] = '\0';
	if (n == 0 || strlen(buf) != n) {
		free(buf);
		return NULL;
	}
	return buf;
}

int
main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "access-token", required_argument, NULL, 't' },
		{ "webhook-url", required_argument, NULL, 'w' },
		{ "webhook-secret-file", required_argument, NULL, 's' },
		{ "site", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct sb_config cfg;
	struct sb_store st;
	struct sockaddr_storage ss;
	struct MHD_Daemon *d;
	struct bg_error e;
	char what[128];
	const char *listen_arg = NULL, *secret_file = NULL;
	char *secret = NULL;
	sigset_t set;
	unsigned port;
	int ch, ipv6 = 0, sig;

	memset(&cfg, 0, sizeof(cfg));
	cfg.site = site_find("MLB");
	cfg.collector_id = DEFAULT_COLLECTOR_ID;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'l':
			listen_arg = optarg;
			break;
		case 't':
			cfg.access_token = optarg;
			break;
		case 'w':
			cfg.webhook_url = optarg;
			break;
		case 's':
			secret_file = optarg;
			break;
		case 'S':
			if ((cfg.site = site_find(optarg)) == NULL) {
				fprintf(stderr, "brickgate-sandbox: unknown "
				    "site %s (one of %s)\n", optarg,
				    site_list());
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("brickgate-sandbox %s\n", PACKAGE_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc || listen_arg == NULL) {
		usage(stderr);
		return 2;
	}
	if (parse_listen(listen_arg, &ss, &ipv6) != 0) {
		fprintf(stderr, "brickgate-sandbox: --listen %s: need a "
		    "loopback ADDR:PORT\n", listen_arg);
		return 2;
	}
	if (cfg.webhook_url != NULL && strncmp(cfg.webhook_url, "http://",
	    7) != 0 && strncmp(cfg.webhook_url, "https://", 8) != 0) {
		fprintf(stderr, "brickgate-sandbox: --webhook-url must be "
		    "http(s)\n");
		return 2;
	}
	if (secret_file != NULL) {
		if ((secret = read_secret(secret_file)) == NULL) {
			fprintf(stderr, "brickgate-sandbox: cannot read a "
			    "secret from %s\n", secret_file);
			return 2;
		}
		cfg.webhook_secret = secret;
	}

	/* Before any thread exists: every thread inherits the mask. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	/* Before the webhook and server threads, which inherit it. */
	if (confine_syscalls(what, sizeof(what), &e) == -1) {
		fprintf(stderr, "brickgate-sandbox: cannot confine the "
		    "process: %s\n", e.message);
		free(secret);
		curl_global_cleanup();
		return 1;
	}
	fprintf(stderr, "brickgate-sandbox: confined: %s\n", what);

	if (store_init(&st, &cfg) != 0 || wh_start(&st) != 0) {
		fprintf(stderr, "brickgate-sandbox: cannot start\n");
		return 1;
	}
	d = http_start(&st, (const struct sockaddr *)&ss, ipv6, &port);
	if (d == NULL) {
		fprintf(stderr, "brickgate-sandbox: cannot listen on %s\n",
		    listen_arg);
		wh_stop(&st);
		store_free(&st);
		free(secret);
		curl_global_cleanup();
		return 1;
	}
	printf("brickgate-sandbox listening on port %u (site %s)\n", port,
	    cfg.site->id);
	fflush(stdout);

	while (sigwait(&set, &sig) != 0)
		;
	fprintf(stderr, "brickgate-sandbox: signal %d, stopping\n", sig);
	http_stop(d);
	wh_stop(&st);
	store_free(&st);
	free(secret);
	curl_global_cleanup();
	return 0;
}
