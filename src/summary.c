/*
 * summary.c - from Mercado Pago's payment to what the page may see.
 */
#include "form.h"
#include "method.h"
#include "money.h"
#include "summary.h"

static void
copy_typed(json_object *to, json_object *from, const char *name,
    json_type type)
{
	json_object *v = form_get(from, name);

	if (v != NULL && json_object_is_type(v, type))
		json_object_object_add(to, name, json_object_get(v));
}

json_object *
summary_build(const char *purchase_id, json_object *payment,
    const struct bg_site *site)
{
	json_object *s = json_object_new_object();
	const struct method *m;
	const struct pm *pm;
	struct bg_error e;
	int64_t minor;
	char amount[32];

	json_object_object_add(s, "purchase_id",
	    json_object_new_string(purchase_id));
	copy_typed(s, payment, "id", json_type_int);
	copy_typed(s, payment, "status", json_type_string);
	copy_typed(s, payment, "status_detail", json_type_string);
	copy_typed(s, payment, "payment_method_id", json_type_string);
	copy_typed(s, payment, "payment_type_id", json_type_string);
	if (money_from_json(form_get(payment, "transaction_amount"),
	    site->decimals, 0, &minor, "transaction_amount", &e) == 0) {
		money_format(minor, site->decimals, amount, sizeof(amount));
		json_object_object_add(s, "transaction_amount",
		    json_object_new_string(amount));
	}
	copy_typed(s, payment, "installments", json_type_int);
	pm = pm_find(site->id, form_str(payment, "payment_method_id"));
	if (pm != NULL && (m = method_for(pm)) != NULL && m->summarise)
		m->summarise(payment, s);
	return s;
}
