/*
 * registry.c - the list of payment-method modules, and what they share.
 */
#include <stdio.h>
#include <string.h>

#include "identification.h"
#include "method.h"

extern const struct method method_card;
extern const struct method method_pix;
extern const struct method method_ticket;

static const struct method *const modules[] = {
	&method_card,
	&method_pix,
	&method_ticket,
};

const struct method *
method_for(const struct pm *pm)
{
	size_t i;

	for (i = 0; i < sizeof(modules) / sizeof(modules[0]); i++)
		if (modules[i]->match(pm))
			return modules[i];
	return NULL;
}

void
method_copy(json_object *obj, const char *name, json_object *form,
    const char *path)
{
	json_object *v = form_get(form, path);

	if (v != NULL)
		json_object_object_add(obj, name, json_object_get(v));
}

json_object *
method_payer_value(const struct method_call *mc, const char *path)
{
	char full[96];
	json_object *v;

	snprintf(full, sizeof(full), "payer.%s", path);
	if ((v = form_get(mc->form, full)) == NULL && mc->ctx->payer != NULL)
		v = form_get(mc->ctx->payer, path);
	return v;
}

int
method_need_email(const struct method_call *mc, struct bg_error *e)
{
	if (method_payer_value(mc, "email") == NULL)
		return bg_fail(e, 400, "missing_field", "payer.email",
		    "payer.email is required");
	return 0;
}

int
method_check_identification(const struct method_call *mc, int required,
    struct bg_error *e)
{
	if (!required && form_get(mc->form, "payer.identification") == NULL)
		return 0;
	return identification_check(mc->ctx->site,
	    form_str(mc->form, "payer.identification.type"),
	    form_str(mc->form, "payer.identification.number"),
	    "payer.identification", e);
}

/* The form's member, else the context's payer member. */
static void
payer_member(const struct method_call *mc, json_object *payer,
    const char *name)
{
	json_object *v = method_payer_value(mc, name);

	if (v != NULL)
		json_object_object_add(payer, name, json_object_get(v));
}

json_object *
method_payer(const struct method_call *mc)
{
	static const char *const members[] = { "email", "first_name",
	    "last_name", "identification" };
	json_object *payer = json_object_new_object();
	size_t i;

	for (i = 0; i < sizeof(members) / sizeof(members[0]); i++)
		payer_member(mc, payer, members[i]);
	return payer;
}
