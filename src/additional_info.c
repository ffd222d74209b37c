/*
 * additional_info.c - what Mercado Pago scores a payment's risk with:
 * who pays, where the goods go, from which address the buyer came.  The
 * members are exactly those Mercado Pago names (an unknown one is its
 * cause 8, a refusal), and every value was checked before: by the
 * method's field table when it is the form's, when the context was
 * loaded when it is the shop's.
 */
#include <stdio.h>
#include <string.h>

#include "additional_info.h"
#include "mp_body.h"

/* The payer's members sent, and the sub-members of the objects. */
static const struct {
	const char *name;
	const char *const members[4];	/* NULL-terminated; none: text */
} payer_parts[] = {
	{ "first_name",	{ NULL } },
	{ "last_name",	{ NULL } },
	{ "phone",	{ "area_code", "number", NULL } },
	{ "address",	{ "zip_code", "street_name", "street_number", NULL } },
};

static int
listed(const struct field_rule *checked, const char *path)
{
	for (; checked->path != NULL; checked++)
		if (strcmp(checked->path, path) == 0)
			return 1;
	return 0;
}

/* payer.<path> of the form when its table checked it, else the shop's. */
static json_object *
payer_value(const struct method_call *mc, const struct field_rule *checked,
    const char *path)
{
	char full[96];

	snprintf(full, sizeof(full), "payer.%s", path);
	if (listed(checked, full))
		return method_payer_value(mc, path);
	return mc->ctx->payer != NULL ? form_get(mc->ctx->payer, path) : NULL;
}

/*
 * A new reference to v as text: a shop may write a phone or a street
 * number as a JSON number, Mercado Pago documents them as text.  NULL for
 * anything else.
 */
static json_object *
as_text(json_object *v)
{
	if (json_object_is_type(v, json_type_int))
		return json_object_new_string(json_object_get_string(v));
	if (json_object_is_type(v, json_type_string))
		return json_object_get(v);
	return NULL;
}

/* The context's shipment, every member as text. */
static json_object *
shipments(const struct bg_context *c)
{
	json_object *ra = json_object_new_object(), *out, *from;

	json_object_object_get_ex(c->shipment, "receiver_address", &from);
	json_object_object_foreach(from, k, v)
		json_object_object_add(ra, k, as_text(v));
	out = json_object_new_object();
	json_object_object_add(out, "receiver_address", ra);
	return out;
}

static void
add_part(const struct method_call *mc, const struct field_rule *checked,
    json_object *payer, size_t i)
{
	json_object *v, *o;
	char path[96];
	size_t j;

	if (payer_parts[i].members[0] == NULL) {
		v = payer_value(mc, checked, payer_parts[i].name);
		if (json_object_is_type(v, json_type_string))
			json_object_object_add(payer, payer_parts[i].name,
			    json_object_get(v));
		return;
	}
	o = json_object_new_object();
	for (j = 0; payer_parts[i].members[j] != NULL; j++) {
		snprintf(path, sizeof(path), "%s.%s", payer_parts[i].name,
		    payer_parts[i].members[j]);
		if ((v = as_text(payer_value(mc, checked, path))) != NULL)
			json_object_object_add(o, payer_parts[i].members[j], v);
	}
	if (json_object_object_length(o) > 0)
		json_object_object_add(payer, payer_parts[i].name, o);
	else
		json_object_put(o);
}

static json_object *
payer_info(const struct method_call *mc, const struct field_rule *checked)
{
	json_object *payer = json_object_new_object();
	size_t i;

	for (i = 0; i < sizeof(payer_parts) / sizeof(payer_parts[0]); i++)
		add_part(mc, checked, payer, i);
	if (json_object_object_length(payer) > 0)
		return payer;
	json_object_put(payer);
	return NULL;
}

json_object *
additional_info_build(const struct method_call *mc,
    const struct field_rule *checked)
{
	json_object *ai = json_object_new_object(), *v;

	if (mc->ctx->items != NULL)
		json_object_object_add(ai, "items", mp_items(mc->ctx));
	if ((v = payer_info(mc, checked)) != NULL)
		json_object_object_add(ai, "payer", v);
	if (mc->ctx->shipment != NULL)
		json_object_object_add(ai, "shipments", shipments(mc->ctx));
	if (method_valid_ip(mc->remote_addr))
		json_object_object_add(ai, "ip_address",
		    json_object_new_string(mc->remote_addr));
	if (json_object_object_length(ai) > 0)
		return ai;
	json_object_put(ai);
	return NULL;
}
