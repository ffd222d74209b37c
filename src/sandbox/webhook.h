/*
 * webhook.h - signed payment notifications, sent from one background
 * thread so that an API answer never waits for a webhook receiver.
 */
#ifndef SB_WEBHOOK_H
#define SB_WEBHOOK_H

#include <stddef.h>

#include "sandbox/store.h"

/*
 * The signed manifest: "id:<data.id>;request-id:<x-request-id>;ts:<ts>;"
 * (brickgate-sandbox(1), WEBHOOKS).  -1 when it does not fit.
 */
int	 wh_manifest(char *buf, size_t size, const char *data_id,
	    const char *request_id, const char *ts);

/* Lowercase hex HMAC-SHA256(secret, msg) into hex[65]; -1 on failure. */
int	 wh_hmac_hex(const char *secret, const char *msg, char *hex);

/* "ts=<ts>,v1=<hex>" for a notification about data_id. */
int	 wh_signature(const char *secret, const char *data_id,
	    const char *request_id, const char *ts, char *buf, size_t size);

/*
 * Queues notifications about p (action "payment.created" or
 * "payment.updated") to the panel URL and, when loopback, to the
 * payment's notification_url.  Lock held.
 */
void	 wh_notify(struct sb_store *st, const struct sb_payment *p,
	    const char *action);

/* 1 when url is http(s) to 127.0.0.0/8, ::1 or localhost. */
int	 wh_url_is_loopback(const char *url);

int	 wh_start(struct sb_store *st);
/* Sends what is queued, then joins the thread. */
void	 wh_stop(struct sb_store *st);

#endif
