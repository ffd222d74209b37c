/*
 * unit_method.h - one submission to a payment-method module, as
 * payment.c makes it: a configuration for a site, a purchase context, the
 * Brick's form and the method table's line, with the module's steps
 * (its field table, validate, build, summarise) one call each.
 */
#ifndef BG_UNIT_METHOD_H
#define BG_UNIT_METHOD_H

#include "unit_json.h"

#include <stdlib.h>

#include "config.h"
#include "context.h"
#include "method.h"

/* 2030-01-01T00:00:00Z: "now" in every test, so expiries are exact. */
#define UNIT_NOW_MS	1893456000000LL
#define UNIT_MIN_MS	60000LL

struct unit_call {
	struct bg_config	 cfg;
	struct bg_context	 ctx;
	struct method_call	 mc;
	const struct method	*m;
	struct bg_error		 e;
};

/*
 * Opens a call: site, then up to four more configuration flags as
 * "key", "value" pairs ending with NULL, the context's text and the
 * form's.  The method is the form's payment_method_id.
 */
static inline void
unit_call_open(struct unit_call *u, const char *site, const char *context,
    const char *form, ...)
{
	struct bg_problems p = { { 0 }, 0, 0 };
	const char *k, *v;
	va_list ap;

	memset(u, 0, sizeof(*u));
	config_init(&u->cfg);
	u->cfg.no_token = 1;
	config_set_flag(&u->cfg, "site", site, &p);
	va_start(ap, form);
	while ((k = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		config_set_flag(&u->cfg, k, v, &p);
	}
	va_end(ap);
	assert_int_equal(config_check(&u->cfg, &p), 0);
	assert_int_equal(p.n, 0);
	bg_error_clear(&u->e);
	assert_int_equal(context_parse(&u->ctx, "order-1", context,
	    strlen(context), u->cfg.site, &u->e), 0);
	u->mc.cfg = &u->cfg;
	u->mc.ctx = &u->ctx;
	u->mc.form = unit_json(form);
	u->mc.remote_addr = "203.0.113.7";
	u->mc.now_ms = UNIT_NOW_MS;
	assert_non_null(u->mc.pm = pm_find(site, form_str(u->mc.form,
	    "payment_method_id")));
	assert_non_null(u->m = method_for(u->mc.pm));
}

static inline void
unit_call_close(struct unit_call *u)
{
	json_object_put(u->mc.form);
	context_free(&u->ctx);
	config_free(&u->cfg);
}

/* The module's field table, then its validate(): 0 or -1 with u->e. */
static inline int
unit_validate(struct unit_call *u)
{
	bg_error_clear(&u->e);
	if (form_validate(u->mc.form, u->m->fields, &u->e) == -1)
		return -1;
	return u->m->validate(&u->mc, &u->e);
}

/* unit_validate fails with exactly this error. */
static inline void
unit_refused(struct unit_call *u, int status, const char *code,
    const char *field, const char *message)
{
	assert_int_equal(unit_validate(u), -1);
	unit_error(&u->e, status, code, field, message);
}

/*
 * What the module adds to a body that holds `start` (JSON text) already,
 * as the text sent; the caller frees it.
 */
static inline char *
unit_build(struct unit_call *u, const char *start)
{
	json_object *body = unit_json(start);
	char *text;

	assert_int_equal(unit_validate(u), 0);
	bg_error_clear(&u->e);
	assert_int_equal(u->m->build(&u->mc, body, &u->e), 0);
	text = strdup(unit_text(body));
	json_object_put(body);
	assert_non_null(text);
	return text;
}

/* unit_build's text is exactly `want`. */
static inline void
unit_built(struct unit_call *u, const char *start, const char *want)
{
	char *got = unit_build(u, start);

	assert_string_equal(got, want);
	free(got);
}

/* What the module adds to an empty summary for a payment, as text. */
static inline char *
unit_summarise(const struct method *m, const char *payment)
{
	json_object *pay = unit_json(payment), *s = json_object_new_object();
	char *text;

	m->summarise(pay, s);
	text = strdup(unit_text(s));
	json_object_put(s);
	json_object_put(pay);
	assert_non_null(text);
	return text;
}

static inline void
unit_summary_is(const struct method *m, const char *payment,
    const char *want)
{
	char *got = unit_summarise(m, payment);

	assert_string_equal(got, want);
	free(got);
}

#endif
