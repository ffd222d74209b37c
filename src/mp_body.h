/*
 * mp_body.h - the server-side parts of what brickgate sends Mercado Pago,
 * shared by payments and preferences: they come from the context and the
 * configuration, never from the browser.
 */
#ifndef BG_MP_BODY_H
#define BG_MP_BODY_H

#include <json-c/json.h>

#include "config.h"
#include "context.h"

/* notification_url with source_news=webhooks, or NULL when unset. */
json_object *mp_notification_url(const struct bg_config *cfg);

/* base with purchase_id=<id> in its query, or NULL when base is NULL. */
json_object *mp_url_for_purchase(const char *base, const char *id);

/* The context's items, each unit_price a JSON number with its text. */
json_object *mp_items(const struct bg_context *c);

#endif
