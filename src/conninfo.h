/*
 * conninfo.h - a PostgreSQL connection string (a libpq keyword string
 * or a postgresql:// URI) made fit to print: its password masked.
 */
#ifndef BG_CONNINFO_H
#define BG_CONNINFO_H

#include <stddef.h>

/*
 * Writes s into out (size bytes, always NUL-terminated) with every
 * password it holds replaced by "***": the user-info password of a URI,
 * a password= parameter of its query, a password keyword's value.
 * Returns 1 when something was masked, 0 when nothing was.
 */
int	 conninfo_mask(const char *s, char *out, size_t size);

#endif
