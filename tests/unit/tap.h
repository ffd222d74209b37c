/*
 * tap.h - runs a cmocka group with TAP output, so the test driver can count
 * every case (tests/run reads "ok" / "not ok" lines).
 */
#ifndef BG_TAP_H
#define BG_TAP_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#define RUN_TAP(group) \
	(cmocka_set_message_output(CM_OUTPUT_TAP), \
	 cmocka_run_group_tests(group, NULL, NULL))

#endif
