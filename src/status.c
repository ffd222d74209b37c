/*
 * status.c - the classes of a payment's status.  A status this table
 * does not know is neither final, nor paid, nor live: brickgate keeps
 * asking about it and never counts it as paid.
 */
#include <stddef.h>
#include <string.h>

#include "status.h"

#define FINAL	0x1
#define PAID	0x2

static const struct {
	const char	*name;
	unsigned	 class;
} statuses[] = {
	{ "pending",		0 },
	{ "approved",		FINAL | PAID },
	{ "authorized",		PAID },		/* reserved, to capture */
	{ "in_process",		PAID },		/* under review */
	{ "in_mediation",	PAID },		/* a dispute is open */
	{ "rejected",		FINAL },
	{ "cancelled",		FINAL },
	{ "refunded",		FINAL | PAID },
	{ "charged_back",	FINAL | PAID },
};

/* The status's line of the table, or -1. */
static int
find(const char *status)
{
	size_t i;

	for (i = 0; status != NULL &&
	    i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (strcmp(statuses[i].name, status) == 0)
			return (int)i;
	return -1;
}

int
status_final(const char *status)
{
	int i = find(status);

	return i >= 0 && (statuses[i].class & FINAL);
}

int
status_paid(const char *status)
{
	int i = find(status);

	return i >= 0 && (statuses[i].class & PAID);
}

int
status_live(const char *status)
{
	int i = find(status);

	return i >= 0 && !(statuses[i].class & FINAL);
}
