/*
 * Unit tests: the classes of a payment's status (status.c; brickgate(8),
 * THE PURCHASE'S LIFE), every status Mercado Pago documents and some it
 * does not.
 */
#include "tap.h"

#include <stddef.h>

#include "status.h"

static void
every_status(void **state)
{
	static const struct {
		const char *name;
		int final, paid, live;
	} want[] = {
		{ "pending",		0, 0, 1 },
		{ "approved",		1, 1, 0 },
		{ "authorized",		0, 1, 1 },
		{ "in_process",		0, 1, 1 },
		{ "in_mediation",	0, 1, 1 },
		{ "rejected",		1, 0, 0 },
		{ "cancelled",		1, 0, 0 },
		{ "refunded",		1, 1, 0 },
		{ "charged_back",	1, 1, 0 },
		/* Unknown: asked about again, never paid, never pruned live. */
		{ "expired",		0, 0, 0 },
		{ "Approved",		0, 0, 0 },
		{ "",			0, 0, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_int_equal(status_final(want[i].name), want[i].final);
		assert_int_equal(status_paid(want[i].name), want[i].paid);
		assert_int_equal(status_live(want[i].name), want[i].live);
	}
	assert_int_equal(status_final(NULL), 0);
	assert_int_equal(status_paid(NULL), 0);
	assert_int_equal(status_live(NULL), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_status),
	};

	return RUN_TAP(tests);
}
