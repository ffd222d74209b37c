"""Routing, limits, purchase ids, media type and JSON, through real nginx
and spawn-fcgi (brickgate(8), ENDPOINTS).  Every refusal is checked for
its exact status and code, and for leaving the context directory empty."""
import os

from harness import Stack, TOKEN, expect_error

S = None
PP = "/process_payment?purchase_id=order-1001"


def setup_module():
    global S
    S = Stack({"max_body_bytes": 1024}, name="http").start()


def teardown_module():
    rc = S.stop()
    try:
        assert rc == 0, "brickgate exit status %r\n%s" % (rc, S.log_text())
    finally:
        S.cleanup()


def nothing_written():
    assert S.context_files() == [], S.context_files()


def test_healthz():
    r = S.request("GET", "/healthz")
    assert r.status == 200, r
    assert r.body == '{"status":"ok","store":"ok"}', r.body
    assert r.header("Content-Type") == "application/json; charset=utf-8"
    assert r.header("Cache-Control") == "no-store"


def test_healthz_says_when_the_store_is_gone():
    s = Stack(name="gone").start()
    try:
        os.rmdir(s.ctx_dir)
        r = s.request("GET", "/healthz")
        assert r.status == 503, r
        assert r.body == '{"status":"unavailable","store":"unreachable"}', \
            r.body
        assert r.header("Cache-Control") == "no-store"
        assert "route=/healthz http=503" in s.log_text(), s.log_text()
    finally:
        rc = s.stop()
        s.cleanup()
    assert rc == 0, rc


def test_mounted_under_any_prefix():
    r = S.request("GET", "/shop/api/healthz?x=1")
    assert r.status == 200, r


def test_unknown_route_is_404():
    for path in ("/", "/nope", "/process_payment/", "/healthz/x",
                 "/process%5Fpayment", "/" + "a" * 100):
        r = S.request("GET", path)
        expect_error(r, 404, "not_found")
        assert r.body == ('{"error":{"code":"not_found",'
                          '"message":"no such endpoint"}}'), r.body


def test_wrong_method_is_405_with_allow():
    cases = [("GET", "/process_payment", "POST"),
             ("PUT", "/process_payment", "POST"),
             ("DELETE", "/create_preference", "POST"),
             ("POST", "/payment_status", "GET"),
             ("GET", "/webhooks", "POST"),
             ("POST", "/healthz", "GET")]
    for method, path, allow in cases:
        r = S.request(method, path)
        expect_error(r, 405, "method_not_allowed")
        assert r.header("Allow") == allow, (method, path, r.headers)
    nothing_written()


def test_missing_purchase_id():
    r = S.post_json("/process_payment", {"token": "x"})
    expect_error(r, 400, "missing_purchase_id", "purchase_id")
    r = S.request("GET", "/payment_status")
    expect_error(r, 400, "missing_purchase_id", "purchase_id")
    r = S.request("POST", "/create_preference")
    expect_error(r, 400, "missing_purchase_id", "purchase_id")
    nothing_written()


BAD_IDS = ["", "-abc", "_abc", "a%20b", "a.b", "..%2Fetc", "a/b", "%2E%2E",
           "a" * 65, "%00", "abc%00", "%zz", "%4", "caf%C3%A9", "a+b",
           "ab%0A"]


def test_invalid_purchase_id_in_query():
    for bad in BAD_IDS:
        r = S.post_json("/process_payment?purchase_id=" + bad, {})
        expect_error(r, 400, "invalid_purchase_id", "purchase_id")
        r = S.request("GET", "/payment_status?purchase_id=" + bad)
        expect_error(r, 400, "invalid_purchase_id", "purchase_id")
    nothing_written()


def test_invalid_purchase_id_in_header():
    for bad in ("-x", "a b", "a" * 65, "../x", "x;y"):
        r = S.post_json("/process_payment", {}, {"X-Purchase-Id": bad})
        expect_error(r, 400, "invalid_purchase_id", "X-Purchase-Id")
    nothing_written()


def test_purchase_id_limits_accepted():
    # 64 characters, underscores and dashes after the first: accepted,
    # and the request goes on to the handler, which finds no such purchase.
    for good in ("a" * 64, "A1_b-2", "9", "order-1001"):
        r = S.post_json("/process_payment?purchase_id=" + good, {})
        expect_error(r, 404, "unknown_purchase")
        r = S.post_json("/process_payment", {}, {"X-Purchase-Id": good})
        expect_error(r, 404, "unknown_purchase")
    nothing_written()


def test_query_and_header_must_agree():
    r = S.post_json(PP, {}, {"X-Purchase-Id": "order-1002"})
    expect_error(r, 400, "invalid_purchase_id", "purchase_id")
    r = S.post_json(PP, {}, {"X-Purchase-Id": "order-1001"})
    expect_error(r, 404, "unknown_purchase")
    r = S.post_json(PP + "&purchase_id=order-1001", {})
    expect_error(r, 400, "invalid_purchase_id", "purchase_id")
    r = S.post_json("/process_payment?x=1&purchase%5Fid=order-7&y", {})
    expect_error(r, 404, "unknown_purchase")
    nothing_written()


def test_content_type_415():
    for ct in (None, "text/plain", "application/x-www-form-urlencoded",
               "application/jsonx", "multipart/form-data; boundary=x"):
        h = {"Content-Type": ct} if ct else {}
        r = S.request("POST", PP, '{"a":1}', h)
        expect_error(r, 415, "unsupported_media_type")
    for ct in ("application/json; charset=utf-8", "Application/JSON",
               "application/json;charset=UTF-8"):
        r = S.request("POST", PP, '{"a":1}', {"Content-Type": ct})
        expect_error(r, 404, "unknown_purchase")
    nothing_written()


def test_body_too_large_413():
    big = '{"a":"' + "x" * 2000 + '"}'
    r = S.post_json(PP, big)
    expect_error(r, 413, "body_too_large")
    # Exactly at the limit is fine.
    body = '{"a":"' + "x" * (1024 - 8) + '"}'
    assert len(body) == 1024
    r = S.post_json(PP, body)
    expect_error(r, 404, "unknown_purchase")
    nothing_written()


INVALID_JSON = ["", " ", "{", "{}}", "[]", "[1]", '"s"', "12", "true",
                "{'a':1}", '{"a":NaN}', '{"a":Infinity}', '{"a":1.}',
                '{"a":01}', '{"a":1,}', '{"a":"\\u0000"}', '{"a":1} x',
                '{"a":"\t"}', "{" * 11 + "}" * 11,
                '{"a":' + "[" * 10 + "]" * 10 + "}"]


def test_invalid_json_400():
    for body in INVALID_JSON:
        r = S.post_json(PP, body)
        expect_error(r, 400, "invalid_json")
    r = S.request("POST", PP, b'{"a":"\xff"}',
                  {"Content-Type": "application/json"})
    expect_error(r, 400, "invalid_json")
    nothing_written()


def test_null_body_is_a_wallet_submission():
    # A null body is accepted by the JSON layer (wallet and credits).
    r = S.post_json(PP, "null")
    expect_error(r, 404, "unknown_purchase")


def test_nesting_within_limit():
    body = '{"a":' + "[" * 8 + "1" + "]" * 8 + "}"
    r = S.post_json(PP, body)
    expect_error(r, 404, "unknown_purchase")


def test_chunked_upload_reaches_brickgate():
    # nginx buffers a chunked body and passes CONTENT_LENGTH on.
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", S.port, timeout=30)
    try:
        conn.putrequest("POST", PP)
        conn.putheader("Content-Type", "application/json")
        conn.putheader("Transfer-Encoding", "chunked")
        conn.endheaders()
        for part in (b'{"pay', b'ment_method_id":', b'"pix"}'):
            conn.send(b"%x\r\n%s\r\n" % (len(part), part))
        conn.send(b"0\r\n\r\n")
        r = conn.getresponse()
        body = r.read().decode()
        assert r.status == 404 and "unknown_purchase" in body, (r.status, body)
    finally:
        conn.close()


def test_other_routes_validate_then_answer():
    r = S.request("POST", "/create_preference?purchase_id=order-1001")
    expect_error(r, 404, "unknown_purchase")
    r = S.request("GET", "/payment_status?purchase_id=order-1001")
    expect_error(r, 404, "unknown_purchase")
    r = S.request("GET", "/payment_status",
                  headers={"X-Purchase-Id": "order-1001"})
    expect_error(r, 404, "unknown_purchase")


def test_webhooks_disabled_without_secret():
    r = S.post_json("/webhooks?data.id=1&type=payment", {"type": "payment"})
    expect_error(r, 503, "webhooks_not_configured")
    nothing_written()


def test_log_has_one_line_per_request_and_no_secret():
    before = S.log_text().count("\n")
    S.post_json(PP, '{"token":"ff8080814c11e237014c1ff593b57b4d",'
                '"payer":{"email":"ana@example.com","identification":'
                '{"type":"CPF","number":"19119119100"}}}')
    S.request("GET", "/nope")
    text = S.log_text()
    lines = text.splitlines()
    assert text.count("\n") - before == 2, text[-500:]
    last = lines[-2]
    for part in (" info ", "method=POST", "route=/process_payment",
                 "http=404", "code=unknown_purchase", "purchase_id=order-1001",
                 "ms=", "upstream_ms=0"):
        assert part in last, (part, last)
    assert "http=404" in lines[-1] and "code=not_found" in lines[-1]
    for secret in (TOKEN, "ff8080814c11e237014c1ff593b57b4d",
                   "ana@example.com", "19119119100"):
        assert secret not in text, secret


def test_refusals_leave_no_files():
    nothing_written()
    assert not [f for f in os.listdir(S.root) if f.endswith(".json")]
