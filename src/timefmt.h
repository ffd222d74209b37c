/*
 * timefmt.h - RFC 3339 times, as purchase contexts and Mercado Pago
 * write them ("2026-03-02T14:10:06.000-03:00", "2026-03-02T17:10:06Z").
 */
#ifndef BG_TIMEFMT_H
#define BG_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/*
 * Parses an RFC 3339 date-time with a "Z" or +hh:mm offset and optional
 * fraction into milliseconds since the epoch; -1 when malformed.
 */
int	 rfc3339_parse(const char *s, int64_t *ms);

/* Writes `ms` as "2026-11-24T10:00:00.000Z"; buf needs 25 bytes. */
void	 rfc3339_format(int64_t ms, char *buf, size_t size);

/*
 * The same with a numeric offset ("2026-11-24T10:00:00.000+00:00"), the
 * form Mercado Pago documents for date_of_expiration.
 */
void	 rfc3339_format_offset(int64_t ms, char *buf, size_t size);

/* Wall-clock milliseconds since the epoch. */
int64_t	 now_ms(void);

/* Milliseconds of the monotonic clock: for deadlines and waits. */
int64_t	 mono_ms(void);

/* Sleeps ms milliseconds, again after a signal cut the sleep short. */
void	 sleep_ms(long ms);

#endif
