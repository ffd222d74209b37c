/*
 * secret_file.c - reading one secret from a file that guards it, for the
 * secrets themselves and for --check-config alike.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "secret_file.h"

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
