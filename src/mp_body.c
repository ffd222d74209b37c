/*
 * mp_body.c - the server-side parts of payment and preference bodies.
 */
#include <string.h>

#include "money.h"
#include "mp_body.h"
#include "query.h"

/* Any configured URL (URL_MAX_LEN) plus what is added to it. */
#define URL_MAX	(URL_MAX_LEN + 256)

static json_object *
url_param(const char *base, const char *name, const char *value)
{
	char buf[URL_MAX];

	if (base == NULL ||
	    url_with_param(base, name, value, buf, sizeof(buf)) == -1)
		return NULL;
	return json_object_new_string(buf);
}

/* Signed webhooks only, not the older unsigned IPN calls. */
json_object *
mp_notification_url(const struct bg_config *cfg)
{
	return url_param(cfg->notification_url, "source_news", "webhooks");
}

json_object *
mp_url_for_purchase(const char *base, const char *id)
{
	return url_param(base, "purchase_id", id);
}

json_object *
mp_items(const struct bg_context *c)
{
	json_object *out = json_object_new_array(), *it, *o;
	struct bg_error e;
	size_t i, n = json_object_array_length(c->items);
	int64_t minor;

	for (i = 0; i < n; i++) {
		it = json_object_array_get_idx(c->items, i);
		o = json_object_new_object();
		json_object_object_foreach(it, k, v) {
			if (strcmp(k, "unit_price") == 0 && money_from_json(v,
			    c->site->decimals, 1, &minor, k, &e) == 0)
				v = money_to_json(minor, c->site->decimals);
			else
				json_object_get(v);
			json_object_object_add(o, k, v);
		}
		json_object_array_add(out, o);
	}
	return out;
}
