/*
 * utf8.h - text that was valid UTF-8 stays so when a buffer cuts it.
 */
#ifndef BG_UTF8_H
#define BG_UTF8_H

/*
 * Text cut to fit a buffer (snprintf) may end inside a UTF-8 sequence,
 * which would make invalid JSON wherever it goes: drops such a tail.
 * s was valid UTF-8 before the cut.
 */
void	 utf8_cut(char *s);

#endif
