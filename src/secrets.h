/*
 * secrets.h - the access token and the webhook secret.
 *
 * They are read from files that must not be world-readable (or the token
 * from the environment, for CGI hosting), kept only in memory, re-read on
 * SIGHUP, and handed out as copies so that a reload never frees a string a
 * worker is using.  Nothing here ever prints a secret.
 */
#ifndef BG_SECRETS_H
#define BG_SECRETS_H

#include <pthread.h>
#include <stddef.h>

struct bg_config;

struct bg_secrets {
	pthread_mutex_t	 mu;
	char		*token;
	char		*webhook_secret;	/* NULL: webhooks disabled */
};

/* Loads both secrets from the configuration; -1 with why on failure. */
int	 secrets_load(struct bg_secrets *s, const struct bg_config *c,
	    char *why, size_t whysz);
void	 secrets_free(struct bg_secrets *s);

/* Copies a secret into buf; 0, or -1 when unset or too long. */
int	 secrets_token(struct bg_secrets *s, char *buf, size_t size);
int	 secrets_webhook(struct bg_secrets *s, char *buf, size_t size);

#endif
