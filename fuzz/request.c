/*
 * request.c - the head of every request, as the server reads it before
 * any handler: route (PATH_INFO, REQUEST_URI), query string, purchase id
 * (query parameter and X-Purchase-Id), media type, Content-Length and
 * the body's JSON gate; then the error answer and the log line.
 *
 * Input: a CGI request as text (fuzz.h), e.g.
 *   REQUEST_URI=/process_payment?purchase_id=order-1
 *   QUERY_STRING=purchase_id=order-1
 *   CONTENT_TYPE=application/json
 *
 *   {"payment_method_id":"pix"}
 */
#include <string.h>

#include "fuzz.h"
#include "json_strict.h"
#include "purchase_id.h"
#include "response.h"

#define MAX_BODY	65536

int	 LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Whatever the query holds, a picked purchase id is a well-formed one. */
static void
pick_id(struct bg_request *r)
{
	struct bg_error e;

	bg_error_clear(&e);
	if (request_purchase_id(r, &e) == 0) {
		FUZZ_ASSERT(purchase_id_valid(r->purchase_id));
		return;
	}
	fuzz_error_ok(&e);
	FUZZ_ASSERT(e.status == 400);
	FUZZ_ASSERT(strcmp(e.code, "invalid_purchase_id") == 0 ||
	    strcmp(e.code, "missing_purchase_id") == 0);
}

/* Every query parameter read back through query_get(). */
static void
lookups(const struct query *q)
{
	const char *v;
	int i;

	FUZZ_ASSERT(q->n >= 0 && q->n <= QUERY_MAX_PARAMS);
	for (i = 0; i < q->n; i++) {
		switch (query_get(q, q->p[i].key, &v)) {
		case Q_ONE:
			FUZZ_ASSERT(v != NULL && !q->p[i].bad);
			break;
		case Q_REPEATED:
			FUZZ_ASSERT(v != NULL);
			break;
		case Q_BAD:
			break;
		case Q_ABSENT:
			FUZZ_ASSERT(0);	/* it is right there */
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_request fr;
	struct bg_request r;
	struct bg_error e;
	const char *body;

	fuzz_request_begin(&fr, &r, data, size);
	FUZZ_ASSERT(strlen(r.route) <= ROUTE_MAX &&
	    strchr(r.route, '/') == NULL && strchr(r.route, '?') == NULL);
	lookups(&r.query);
	pick_id(&r);
	bg_error_clear(&e);
	if (request_read_json(&r, MAX_BODY, 1, &e) == 0) {
		FUZZ_ASSERT(r.json == NULL ||
		    json_object_is_type(r.json, json_type_object));
		respond_obj(&r, 200, r.json);
	} else {
		fuzz_error_ok(&e);
		respond_error(&r, &e, NULL);
	}
	/* The answer is JSON the strict reader takes (HEAD: no body). */
	FUZZ_ASSERT((body = fuzz_answer_body(&fr)) != NULL);
	if (strcmp(r.method, "HEAD") != 0)
		fuzz_text_reads_back(body, strlen(body), JSON_MAX_DEPTH);
	fuzz_request_show(&fr);
	log_request(fuzz_log(), &r);
	request_end(&r);
	fuzz_request_free(&fr);
	return 0;
}
