/*
 * status.h - Mercado Pago's payment statuses and what each means to a
 * purchase, in one table (brickgate(8), THE PURCHASE'S LIFE).
 */
#ifndef BG_STATUS_H
#define BG_STATUS_H

/* True when Mercado Pago never moves a payment on from this status. */
int	 status_final(const char *status);

/* True when the buyer must not be charged again: paid, or as good as. */
int	 status_paid(const char *status);

/* True for a known status that may still change (never final). */
int	 status_live(const char *status);

#endif
