/*
 * store_file.h - the file back end of the store: opening it, and the
 * first half of its write, visible to the unit tests so that they can
 * stop exactly where a crash would: after the temporary file is written
 * and synced, before the rename.
 */
#ifndef BG_STORE_FILE_H
#define BG_STORE_FILE_H

#include "store.h"

#define STORE_TMP_MAX 128

/* The file store on `dir` (doc/design.md, The store). */
int	 store_file_open(struct store *s, const char *dir, struct bg_error *e);

/*
 * Writes text into a fresh temporary file beside the purchase, with the
 * mode and group of `like_id`'s file when it exists (else `mode`), and
 * syncs it.  Its name goes into tmp (STORE_TMP_MAX bytes).
 */
int	 store_file_write_temp(struct store *s, const char *id,
	    const char *text, size_t len, int mode, char *tmp,
	    struct bg_error *e);

#endif
