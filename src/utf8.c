/*
 * utf8.c - cutting UTF-8 text at a character's boundary.
 */
#include <string.h>

#include "utf8.h"

void
utf8_cut(char *s)
{
	size_t n = strlen(s), lead = n, need;
	unsigned char c;

	/* Back over continuation bytes to the sequence's first byte. */
	while (lead > 0 && n - lead < 3 &&
	    ((unsigned char)s[lead - 1] & 0xC0) == 0x80)
		lead--;
	if (lead == 0 || (c = (unsigned char)s[lead - 1]) < 0xC0)
		return;
	need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
	if (n - (lead - 1) < need)
		s[lead - 1] = '\0';
}
