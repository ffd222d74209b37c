/*
 * purchase_id.c - purchase-id rules.
 */
#include <string.h>

#include "purchase_id.h"

static int
id_char(char c, int first)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return !first && (c == '_' || c == '-');
}

int
purchase_id_valid(const char *s)
{
	size_t i;

	if (s == NULL || s[0] == '\0')
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (i >= PURCHASE_ID_MAX || !id_char(s[i], i == 0))
			return 0;
	return 1;
}

int
purchase_id_pick(const struct query *q, const char *header, char *out,
    struct bg_error *e)
{
	const char *qv = NULL;

	switch (query_get(q, "purchase_id", &qv)) {
	case Q_ABSENT:
		break;
	case Q_ONE:
		if (!purchase_id_valid(qv))
			return bg_fail(e, 400, "invalid_purchase_id",
			    "purchase_id", "purchase_id must match "
			    "^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$");
		break;
	case Q_BAD:
		return bg_fail(e, 400, "invalid_purchase_id", "purchase_id",
		    "purchase_id is not correctly percent-encoded");
	case Q_REPEATED:
		return bg_fail(e, 400, "invalid_purchase_id", "purchase_id",
		    "purchase_id is given more than once");
	}
	if (header != NULL && !purchase_id_valid(header))
		return bg_fail(e, 400, "invalid_purchase_id", "X-Purchase-Id",
		    "X-Purchase-Id must match "
		    "^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$");
	if (qv != NULL && header != NULL && strcmp(qv, header) != 0)
		return bg_fail(e, 400, "invalid_purchase_id", "purchase_id",
		    "purchase_id and X-Purchase-Id name different purchases");
	if (qv == NULL && header == NULL)
		return bg_fail(e, 400, "missing_purchase_id", "purchase_id",
		    "name the purchase with the purchase_id query parameter "
		    "or the X-Purchase-Id header");
	strcpy(out, qv != NULL ? qv : header);
	return 0;
}
