/*
 * method.h - the payment-method module interface.
 *
 * Each family of payment_method_id (cards, Pix, tickets, PSE) is one
 * module in src/methods/, exposing one small table: which ids it takes,
 * the fields it reads (a validation table), what only code can check,
 * the method's part of the payment body, and what the browser needs
 * from Mercado Pago's answer.  Adding a method is one file and one line
 * in methods/registry.c.
 */
#ifndef BG_METHOD_H
#define BG_METHOD_H

#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>

#include "config.h"
#include "context.h"
#include "error.h"
#include "form.h"
#include "paymethod.h"

/* Everything a module may read while handling one submission. */
struct method_call {
	const struct bg_config	*cfg;
	const struct pm		*pm;	/* the id's line of the method table */
	struct bg_context	*ctx;
	json_object		*form;	/* the Brick's formData */
	const char		*remote_addr;
	int64_t			 now_ms;
};

struct method {
	const char		*name;
	/* True when the module handles this method-table line. */
	int			(*match)(const struct pm *);
	/* The fields it reads, checked in order before validate(). */
	const struct field_rule	*fields;
	/* Rules a table cannot state (check digits, debit = 1 instalment). */
	int			(*validate)(const struct method_call *,
				    struct bg_error *);
	/* Adds the method's own members to the payment body. */
	int			(*build)(const struct method_call *,
				    json_object *body, struct bg_error *);
	/* Adds what the page needs (pix, ticket, three_ds) to a summary. */
	void			(*summarise)(json_object *payment,
				    json_object *summary);
};

/*
 * Prints, as a Markdown table, which payment_method_ids each site takes
 * and through which module (brickgate --list-methods; the README's table).
 */
void	 method_listing(FILE *out);

/* The module for a method-table line, or NULL. */
const struct method *method_for(const struct pm *pm);

/*
 * The payer object every method sends: e-mail, identification and names
 * from the form, else from the context.
 */
json_object *method_payer(const struct method_call *mc);

/* Adds payer.<name> of the form, else of the context, to payer. */
void	 method_payer_add(const struct method_call *mc, json_object *payer,
	    const char *name);

/*
 * Adds "Purchase <id>" as the description when the context gave none:
 * vouchers print it and PSE and PagoEfectivo refuse a payment without.
 */
void	 method_default_description(const struct method_call *mc,
	    json_object *body);

/* payer.<path> of the form, else <path> of the context's payer; or NULL. */
json_object *method_payer_value(const struct method_call *mc,
	    const char *path);

/* 400 missing_field unless the form or the context gives an e-mail. */
int	 method_need_email(const struct method_call *mc, struct bg_error *e);

/*
 * Checks the form's payer.identification for the site's types and check
 * digits: always when required, else only when the form has one.
 */
int	 method_check_identification(const struct method_call *mc,
	    int required, struct bg_error *e);

/* True when s is an IPv4 or IPv6 address in text form (REMOTE_ADDR). */
int	 method_valid_ip(const char *s);

/* Copies form member `path`'s value into obj under `name` if present. */
void	 method_copy(json_object *obj, const char *name, json_object *form,
	    const char *path);

/*
 * The same for a string only: what a summary takes from Mercado Pago's
 * payment goes to the browser, and must not carry whatever an object
 * there would hold.
 */
void	 method_copy_string(json_object *obj, const char *name,
	    json_object *from, const char *path);

#endif
