/*
 * Unit tests: Mercado Pago's payments recorded into a purchase, as a
 * search, a refresh or a webhook records them (purchase_learn,
 * purchase_learn_search), with inputs fuzz/mp_reply.c found.
 */
#include "tap.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "form.h"
#include "json_strict.h"
#include "purchase.h"
#include "summary.h"

static struct bg_config cfg;
static struct bg_log quiet = { -1, NULL, CFG_LOG_ERROR };

static int
setup(void **state)
{
	struct bg_problems p = { { 0 }, 0, 0 };

	(void)state;
	config_init(&cfg);
	cfg.no_token = 1;
	config_set_flag(&cfg, "site", "MLB", &p);
	quiet.fd = open("/dev/null", O_WRONLY);
	return config_check(&cfg, &p) == 0 && quiet.fd != -1 ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	config_free(&cfg);
	close(quiet.fd);
	return 0;
}

static json_object *
parse(const char *text)
{
	struct bg_error e;
	json_object *o = NULL;

	bg_error_clear(&e);
	assert_int_equal(json_strict_parse(text, strlen(text), 32, &o, &e), 0);
	return o;
}

static void
open_purchase(struct purchase *p, const char *text)
{
	struct bg_error e;

	purchase_init(p, &cfg, NULL, NULL, &quiet, 1000);
	bg_error_clear(&e);
	assert_int_equal(context_parse(&p->c, "order-1", text, strlen(text),
	    cfg.site, &e), 0);
}

/*
 * fuzz/mp_reply.c's first crash: a payment found for a purchase without
 * an attempt of its own (a wallet payment), with an id and a status but
 * no payment_method_id or payment_type_id, made a NULL string and
 * brought the whole FastCGI process down.  It is recorded with those
 * unknown, and, having no amount, as a mismatch that never counts.
 */
static void
payment_without_method(void **state)
{
	struct purchase p;
	struct attempt *a;
	json_object *pay;

	(void)state;
	open_purchase(&p, "{\"amount\":\"150.00\"}");
	pay = parse("{\"id\":91000000002,\"status\":\"approved\"}");
	assert_true(purchase_payment_complete(pay));
	assert_non_null(a = purchase_learn(&p, pay, NULL, NULL));
	assert_null(a->key);
	assert_null(a->method_id);
	assert_null(a->type_id);
	assert_int_equal(a->state, ATTEMPT_CREATED);
	assert_int_equal(a->payment_id, 91000000002LL);
	assert_string_equal(a->status, "approved");
	assert_true(a->mismatch);
	assert_null(purchase_paid(&p));
	json_object_put(pay);
	context_free(&p.c);
}

/* The same in a search's results, beside one that is the purchase's. */
static void
search_results(void **state)
{
	struct purchase p;
	json_object *reply;

	(void)state;
	open_purchase(&p, "{\"amount\":\"150.00\"}");
	reply = parse("{\"results\":[{\"id\":91000000003,\"status\":"
	    "\"pending\"},{\"id\":\"x\"},{\"id\":91000000004,\"status\":"
	    "\"approved\",\"payment_method_id\":\"account_money\","
	    "\"payment_type_id\":\"account_money\",\"transaction_amount\":150,"
	    "\"currency_id\":\"BRL\"}]}");
	assert_int_equal(purchase_learn_search(&p, reply, NULL), 1);
	assert_int_equal(p.c.n_attempts, 2);
	assert_ptr_equal(purchase_paid(&p), p.c.attempts[1]);
	assert_false(p.c.attempts[1]->mismatch);
	assert_non_null(p.c.attempts[1]->summary);
	assert_int_equal(purchase_learn_search(&p, json_object_array_get_idx(
	    form_get(reply, "results"), 0), NULL), -1);
	json_object_put(reply);
	context_free(&p.c);
}

/*
 * fuzz/mp_reply.c's check that the summary holds only what brickgate(8),
 * Answers, lists: a Pix code, voucher or 3DS value that is not a string
 * (an object, which could carry anything) is left out.
 */
static void
summary_takes_strings_only(void **state)
{
	json_object *pay, *s;

	(void)state;
	pay = parse("{\"id\": 91000000003, \"status\": \"pending\", "
	    "\"payment_method_id\": \"pix\", \"payment_type_id\": "
	    "\"bank_transfer\", \"transaction_amount\": 25, "
	    "\"date_of_expiration\": [1], \"point_of_interaction\": "
	    "{\"transaction_data\": {\"qr_code\": {\"payer\": \"x\"}, "
	    "\"ticket_url\": \"https://mp.example/t\"}}}");
	s = summary_build("order-1", pay, cfg.site);
	assert_string_equal(json_object_to_json_string_ext(form_get(s, "pix"),
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
	    "{\"ticket_url\":\"https://mp.example/t\"}");
	json_object_put(s);
	json_object_put(pay);
	pay = parse("{\"id\": 1, \"status\": \"pending\", "
	    "\"status_detail\": \"pending_challenge\", "
	    "\"payment_method_id\": \"master\", \"three_ds_info\": "
	    "{\"creq\": 5, \"external_resource_url\": {}}}");
	s = summary_build("order-1", pay, cfg.site);
	assert_int_equal(json_object_object_length(form_get(s, "three_ds")),
	    0);
	json_object_put(s);
	json_object_put(pay);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(payment_without_method),
		cmocka_unit_test(search_results),
		cmocka_unit_test(summary_takes_strings_only),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup, teardown);
}
