/*
 * secret_file.h - one secret read from its file.
 */
#ifndef BG_SECRET_FILE_H
#define BG_SECRET_FILE_H

#include <stddef.h>

/*
 * Reads one secret file: a regular file, not world-readable, holding one
 * non-empty line of printable characters.  On failure writes the reason
 * to why and returns -1.
 */
int	 secret_file_read(const char *path, char **out, char *why,
	    size_t whysz);

#endif
