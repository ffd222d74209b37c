/*
 * card.h - what the sandbox knows about cards: number checks, brands and
 * the cardholder-name convention that picks a test card's outcome.
 * Pure functions, no store: the unit tests call them directly.
 */
#ifndef SB_CARD_H
#define SB_CARD_H

#include <json-c/json.h>

#include "sandbox/mperr.h"

/* The sandbox's own cardholder name: a 3DS challenge when asked for. */
#define CARD_NAME_3DS	"3DSC"

struct card_outcome {
	const char *name;	/* cardholder name, "APRO" */
	const char *status;
	const char *status_detail;
};

/* What POST /v1/card_tokens accepted. */
struct card_input {
	char	 number[20];
	int	 month, year;
	char	 holder[128];
	char	 id_type[16];	/* "" when no identification */
	char	 id_number[32];
};

/* 1 when the digits pass the Luhn check. */
int	 card_luhn_ok(const char *digits);

/* "visa", "master", "amex", "elo" or "other", from the number's prefix. */
const char *card_brand(const char *digits);

/*
 * The outcome for a cardholder name (compared without case, first word
 * only, as Mercado Pago's test names are single words).  Names outside
 * the table approve: the sandbox's choice, documented in
 * brickgate-sandbox(1).
 */
const struct card_outcome *card_outcome(const char *holder);

/*
 * Validates a card token request against today's year and month; fills
 * in and returns 0, or fills e with the 3xxx cause and returns -1.
 */
int	 card_input_parse(json_object *req, int year_now, int month_now,
	    struct card_input *in, struct mp_error *e);

#endif
