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

/*
 * Writes into out the value of parameter key in s (a keyword's value
 * unquoted, a URI query's value percent-decoded; the last one when given
 * twice, as libpq takes it).  Returns 1 when found, 0 when s does not
 * give it, gives it in a form this reader cannot follow (an unclosed
 * quote, a bad escape) or gives one longer than size - 1 bytes.
 */
int	 conninfo_value(const char *s, const char *key, char *out,
	    size_t size);

#endif
