/*
 * secrets.c - loading and reloading the token and webhook secret.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "secret_file.h"
#include "secrets.h"

static void
secret_free(char *s)
{
	if (s != NULL) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

int
secrets_load(struct bg_secrets *s, const struct bg_config *c, char *why,
    size_t whysz)
{
	char *token = NULL, *hook = NULL, *old_token, *old_hook;

	if (c->access_token_file != NULL) {
		if (secret_file_read(c->access_token_file, &token, why,
		    whysz) == -1)
			return -1;
	} else if (c->access_token != NULL) {
		if ((token = strdup(c->access_token)) == NULL) {
			snprintf(why, whysz, "out of memory");
			return -1;
		}
	}
	if (c->webhook_secret_file != NULL &&
	    secret_file_read(c->webhook_secret_file, &hook, why,
	    whysz) == -1) {
		secret_free(token);
		return -1;
	}
	pthread_mutex_lock(&s->mu);
	old_token = s->token;
	old_hook = s->webhook_secret;
	s->token = token;
	s->webhook_secret = hook;
	pthread_mutex_unlock(&s->mu);
	secret_free(old_token);
	secret_free(old_hook);
	return 0;
}

void
secrets_free(struct bg_secrets *s)
{
	secret_free(s->token);
	secret_free(s->webhook_secret);
	s->token = s->webhook_secret = NULL;
}

static int
copy_secret(struct bg_secrets *s, char *const *which, char *buf,
    size_t size)
{
	int rc = -1;

	pthread_mutex_lock(&s->mu);
	if (*which != NULL && strlen(*which) < size) {
		memcpy(buf, *which, strlen(*which) + 1);
		rc = 0;
	}
	pthread_mutex_unlock(&s->mu);
	return rc;
}

int
secrets_token(struct bg_secrets *s, char *buf, size_t size)
{
	return copy_secret(s, &s->token, buf, size);
}

int
secrets_webhook(struct bg_secrets *s, char *buf, size_t size)
{
	return copy_secret(s, &s->webhook_secret, buf, size);
}
