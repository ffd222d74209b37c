/*
 * secrets.c - loading and reloading the token and webhook secret.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "secrets.h"

#define SECRET_MAX 1024

int
secret_file_read(const char *path, char **out, char *why, size_t whysz)
{
	char buf[SECRET_MAX + 2];
	struct stat st;
	ssize_t n;
	size_t len, i;
	int fd;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd == -1) {
		snprintf(why, whysz, "cannot open %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		snprintf(why, whysz, "%s is not a regular file", path);
		close(fd);
		return -1;
	}
	if (st.st_mode & S_IROTH) {
		snprintf(why, whysz, "%s is world-readable (chmod o-rwx %s)",
		    path, path);
		close(fd);
		return -1;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0) {
		snprintf(why, whysz, "cannot read %s: %s", path,
		    strerror(errno));
		return -1;
	}
	len = (size_t)n;
	if (len > SECRET_MAX) {
		snprintf(why, whysz, "%s is longer than %d bytes", path,
		    SECRET_MAX);
		return -1;
	}
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r' ||
	    buf[len - 1] == ' ' || buf[len - 1] == '\t'))
		len--;
	buf[len] = '\0';
	if (len == 0) {
		snprintf(why, whysz, "%s is empty", path);
		return -1;
	}
	for (i = 0; i < len; i++)
		if ((unsigned char)buf[i] <= ' ' ||
		    (unsigned char)buf[i] >= 0x7f) {
			snprintf(why, whysz, "%s holds more than one line or "
			    "a non-printable character", path);
			explicit_bzero(buf, sizeof(buf));
			return -1;
		}
	*out = strdup(buf);
	explicit_bzero(buf, sizeof(buf));
	if (*out == NULL) {
		snprintf(why, whysz, "out of memory");
		return -1;
	}
	return 0;
}

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
