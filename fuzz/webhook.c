/*
 * webhook.c - a notification as POST /webhooks reads it before it asks
 * Mercado Pago anything: the query (data.id, type, the IPN shape), the
 * x-signature header checked against x-request-id and data.id, and the
 * body's topic when the query has none.
 *
 * Input: a CGI request as text (fuzz.h).  So that the fuzzer gets past
 * the HMAC, a v1 of "@sign@" in HTTP_X_SIGNATURE is replaced by the
 * right one for the manifest as signature.c builds it (the driver's own
 * reading of ts, which may differ from the server's: then it does not
 * match, as a forgery would not).  Checked: a notice acted on was
 * signed, names a payment by digits, is not an IPN call; refusals are
 * complete errors; the answer reads back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "json_strict.h"
#include "response.h"
#include "signature.h"
#include "webhook.h"

#define SECRET		"whsec-7f3a9c1e5b2d4f60a8e9c7b5d3f1a2e4"
#define NOW		1767225600LL	/* 2026-01-01T00:00:00Z */
#define MAX_AGE_S	86400
#define MAX_BODY	65536
#define PLACEHOLDER	"@sign@"

int	 LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The header with the placeholder replaced by the right v1; malloc'ed. */
static char *
signed_header(const char *h, const char *data_id, const char *request_id)
{
	char ts[32] = "", manifest[600], mac[65], *out;
	const char *at = strstr(h, PLACEHOLDER), *t;
	size_t n;

	if (at == NULL)
		return NULL;
	if ((t = strstr(h, "ts=")) != NULL) {
		n = strspn(t + 3, "0123456789");
		snprintf(ts, sizeof(ts), "%.*s", (int)(n < 20 ? n : 20), t + 3);
	}
	snprintf(manifest, sizeof(manifest), "%s%s%s%s%s%sts:%s;",
	    data_id ? "id:" : "", data_id ? data_id : "", data_id ? ";" : "",
	    request_id ? "request-id:" : "", request_id ? request_id : "",
	    request_id ? ";" : "", ts);
	if (signature_hmac_hex(SECRET, manifest, mac) == -1)
		return NULL;
	n = strlen(h) - strlen(PLACEHOLDER) + 64 + 1;
	FUZZ_ASSERT((out = malloc(n)) != NULL);
	snprintf(out, n, "%.*s%s%s", (int)(at - h), h, mac,
	    at + strlen(PLACEHOLDER));
	return out;
}

static int
verify(struct bg_request *r, const struct webhook_note *n)
{
	struct signature_check c;
	char why[128], *fixed;
	int rc;

	memset(&c, 0, sizeof(c));
	c.secret = SECRET;
	c.header = request_header(r, "X-Signature");
	c.data_id = n->data_id;
	c.request_id = request_header(r, "X-Request-Id");
	c.now = NOW;
	c.max_age_s = MAX_AGE_S;
	fixed = c.header ? signed_header(c.header, c.data_id, c.request_id) :
	    NULL;
	if (fixed != NULL)
		c.header = fixed;
	why[0] = '\0';
	rc = signature_verify(&c, why, sizeof(why));
	FUZZ_ASSERT(rc == 0 || why[0] != '\0');
	/* The reason goes to the log: it never holds the secret. */
	FUZZ_ASSERT(strstr(why, SECRET) == NULL);
	free(fixed);
	return rc;
}

/* What webhook_handle() does up to the fetch; the answer it gives. */
static void
handle(struct bg_request *r)
{
	struct webhook_note n;
	struct bg_error e;
	const char *v;

	bg_error_clear(&e);
	webhook_read_query(&r->query, &n);
	if (n.ipn) {
		FUZZ_ASSERT(query_get(&r->query, "data.id", &v) == Q_ABSENT);
		respond_string(r, 200, "status", "ignored");
		return;
	}
	if (verify(r, &n) == -1) {
		bg_fail(&e, 401, "invalid_signature", NULL,
		    "the notification's signature is not valid");
		respond_error(r, &e, NULL);
		return;
	}
	if (n.type == NULL && request_read_json(r, MAX_BODY, 0, &e) == 0)
		webhook_read_body(&n, r->json);
	else if (e.status != 0)
		fuzz_error_ok(&e);
	if (!webhook_is_payment(&n)) {
		respond_string(r, 200, "status", "ignored");
		return;
	}
	/* Only a signed notice of a payment id made of digits gets here. */
	FUZZ_ASSERT(n.data_id != NULL && strlen(n.data_id) <= 19 &&
	    n.data_id[strspn(n.data_id, "0123456789")] == '\0');
	FUZZ_ASSERT(strcmp(n.type, "payment") == 0);
	snprintf(r->payment_id, sizeof(r->payment_id), "%s", n.data_id);
	respond_string(r, 200, "status", "fetched");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_request fr;
	struct bg_request r;
	const char *body;

	fuzz_request_begin(&fr, &r, data, size);
	handle(&r);
	FUZZ_ASSERT((body = fuzz_answer_body(&fr)) != NULL);
	if (strcmp(r.method, "HEAD") != 0)
		fuzz_text_reads_back(body, strlen(body), JSON_MAX_DEPTH);
	fuzz_request_show(&fr);
	log_request(fuzz_log(), &r);
	request_end(&r);
	fuzz_request_free(&fr);
	return 0;
}
