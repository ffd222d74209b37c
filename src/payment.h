/*
 * payment.h - the payment endpoints: POST /process_payment and
 * GET /payment_status (brickgate(8), ENDPOINTS).
 */
#ifndef BG_PAYMENT_H
#define BG_PAYMENT_H

#include "method.h"
#include "purchase.h"
#include "request.h"
#include "handler.h"

/* What the Brick submitted. */
struct submission {
	json_object	*form;		/* formData; NULL: wallet or credits */
	const char	*selected;	/* selectedPaymentMethod, if given */
	const char	*device_id;	/* X-Meli-Session-Id, if given */
};

/* Both answer the request themselves (0) or fill e for the router (-1). */
int	 payment_process(struct bg_ctx *ctx, struct bg_request *r,
	    struct bg_error *e);
int	 payment_status(struct bg_ctx *ctx, struct bg_request *r,
	    struct bg_error *e);

/*
 * root, the parsed request body (NULL for JSON null), as the Brick's
 * formData alone or its whole onSubmit argument; s borrows from it.
 * 400 invalid_field for a formData that is not an object or null, or
 * a wallet selection that sends form data.
 */
int	 payment_read_submission(json_object *root, struct submission *s,
	    struct bg_error *e);

/*
 * The page's X-Meli-Session-Id header (Mercado Pago's device
 * fingerprint), given as HTTP_X_MELI_SESSION_ID, into s->device_id:
 * NULL when absent or empty; 400 invalid_field unless 1 to
 * DEVICE_ID_MAX printable ASCII characters without spaces.
 */
#define DEVICE_ID_MAX	256
int	 payment_read_device_id(const char *header, struct submission *s,
	    struct bg_error *e);

/*
 * Steps 3 to 6 on a loaded purchase (mc->cfg, ctx, form, remote_addr,
 * now_ms): the module through the method table (sets mc->pm), the
 * form's fields, the checks against the purchase, then the payment body
 * to send (the caller's), or NULL with e.  Reads no file and calls
 * nothing upstream.
 */
json_object *payment_prepare(struct method_call *mc, struct bg_error *e);

/*
 * The end of step 2: a paid purchase (409 with its payment, answered
 * here: returns 1), an expired one (410), one out of attempts when
 * new_attempt (429): -1 with e.  0 when the purchase is open.
 */
int	 payment_refuse_closed(struct purchase *p, struct bg_request *r,
	    int new_attempt, struct bg_error *e);

/* {"status", "causes"}: what a refusal passes on as error.upstream. */
json_object *payment_upstream(const struct mp_reply *rep,
	    json_object *causes);

/*
 * Answers a 4xx from Mercado Pago that closes a create call: 401 or 403
 * mean a wrong token (500 misconfigured, causes logged, e filled: -1);
 * any other is 422 payment_refused with up, answered here (0).  what
 * names the refused thing for the message ("payment").
 */
int	 payment_answer_refusal(struct purchase *p, struct bg_request *r,
	    const struct mp_reply *rep, json_object *up, const char *what,
	    struct bg_error *e);

/* Copies a payment's id, method and status into the request's log line. */
void	 note_payment(struct bg_request *r, const struct attempt *a);

#endif
