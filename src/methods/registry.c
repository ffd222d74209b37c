/*
 * registry.c - the list of payment-method modules, and what they share.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "identification.h"
#include "method.h"

extern const struct method method_card;
extern const struct method method_pix;
extern const struct method method_ticket;
extern const struct method method_pse;

static const struct method *const modules[] = {
	&method_card,
	&method_pix,
	&method_ticket,
	&method_pse,
};

/* A listing's columns: each module, then what goes through a preference. */
static const struct {
	const char *module;	/* NULL: wallet and credits */
	const char *heading;
} columns[] = {
	{ "card",	"cards" },
	{ "pix",	"Pix" },
	{ "pse",	"PSE" },
	{ "ticket",	"vouchers (cash, ATM)" },
	{ NULL,		"wallet and credits (/create_preference)" },
};

static int
in_column(const struct pm *pm, size_t col)
{
	const struct method *m;

	if (columns[col].module == NULL)
		return pm->family == PM_WALLET;
	return (m = method_for(pm)) != NULL &&
	    strcmp(m->name, columns[col].module) == 0;
}

/* One site's row: the ids each column takes there. */
static void
listing_row(FILE *out, const char *site)
{
	const struct pm *all;
	size_t n, i, col, shown;

	all = pm_all(&n);
	fprintf(out, "| %s |", site);
	for (col = 0; col < sizeof(columns) / sizeof(columns[0]); col++) {
		for (i = shown = 0; i < n; i++)
			if (pm_offered(&all[i], site) && in_column(&all[i], col))
				fprintf(out, "%s`%s`", shown++ ? ", " : " ",
				    all[i].id);
		fprintf(out, "%s |", shown ? "" : " –");
	}
	fprintf(out, "\n");
}

void
method_listing(FILE *out)
{
	char sites[64], *site, *last;
	size_t col;

	fprintf(out, "| site |");
	for (col = 0; col < sizeof(columns) / sizeof(columns[0]); col++)
		fprintf(out, " %s |", columns[col].heading);
	fprintf(out, "\n| --- |");
	for (col = 0; col < sizeof(columns) / sizeof(columns[0]); col++)
		fprintf(out, " --- |");
	fprintf(out, "\n");
	snprintf(sites, sizeof(sites), "%s", site_list());
	for (site = strtok_r(sites, " ", &last); site != NULL;
	    site = strtok_r(NULL, " ", &last))
		listing_row(out, site);
}

const struct method *
method_for(const struct pm *pm)
{
	size_t i;

	for (i = 0; i < sizeof(modules) / sizeof(modules[0]); i++)
		if (modules[i]->match(pm))
			return modules[i];
	return NULL;
}

int
method_valid_ip(const char *s)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return s != NULL && (inet_pton(AF_INET, s, buf) == 1 ||
	    inet_pton(AF_INET6, s, buf) == 1);
}

void
method_copy(json_object *obj, const char *name, json_object *form,
    const char *path)
{
	json_object *v = form_get(form, path);

	if (v != NULL)
		json_object_object_add(obj, name, json_object_get(v));
}

void
method_copy_string(json_object *obj, const char *name, json_object *from,
    const char *path)
{
	json_object *v = form_get(from, path);

	if (json_object_is_type(v, json_type_string))
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

/*
 * The members of the form's payer objects that the modules' tables
 * check; only those are sent, whatever else the browser put beside them.
 */
static const struct {
	const char *name;
	const char *const members[7];
} payer_objects[] = {
	{ "identification", { "type", "number", NULL } },
	{ "address", { "zip_code", "street_name", "street_number",
	    "neighborhood", "city", "federal_unit", NULL } },
	{ "phone", { "area_code", "number", NULL } },
};

/* The form's payer.<name> as it may be sent: a new reference. */
static json_object *
form_payer_member(json_object *v, const char *name)
{
	json_object *o, *m;
	size_t i, j;

	if (!json_object_is_type(v, json_type_object))
		return json_object_get(v);
	for (i = 0; i < sizeof(payer_objects) / sizeof(payer_objects[0]); i++)
		if (strcmp(payer_objects[i].name, name) == 0)
			break;
	if (i == sizeof(payer_objects) / sizeof(payer_objects[0]))
		return NULL;	/* no payer member of ours is an object */
	o = json_object_new_object();
	for (j = 0; payer_objects[i].members[j] != NULL; j++)
		if ((m = form_get(v, payer_objects[i].members[j])) != NULL)
			json_object_object_add(o, payer_objects[i].members[j],
			    json_object_get(m));
	return o;
}

void
method_payer_add(const struct method_call *mc, json_object *payer,
    const char *name)
{
	char full[96];
	json_object *v;

	/* The context's payer is the shop's, checked when it was loaded. */
	snprintf(full, sizeof(full), "payer.%s", name);
	if ((v = form_get(mc->form, full)) != NULL)
		v = form_payer_member(v, name);
	else if (mc->ctx->payer != NULL &&
	    (v = form_get(mc->ctx->payer, name)) != NULL)
		json_object_get(v);
	if (v != NULL)
		json_object_object_add(payer, name, v);
}

json_object *
method_payer(const struct method_call *mc)
{
	static const char *const members[] = { "email", "first_name",
	    "last_name", "identification" };
	json_object *payer = json_object_new_object();
	size_t i;

	for (i = 0; i < sizeof(members) / sizeof(members[0]); i++)
		method_payer_add(mc, payer, members[i]);
	return payer;
}

void
method_default_description(const struct method_call *mc, json_object *body)
{
	char text[96];

	if (json_object_object_get_ex(body, "description", NULL))
		return;
	snprintf(text, sizeof(text), "Purchase %s", mc->ctx->id);
	json_object_object_add(body, "description",
	    json_object_new_string(text));
}
