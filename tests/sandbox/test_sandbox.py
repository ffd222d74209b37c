"""brickgate-sandbox: auth, card tokens, card payments, idempotency,
validation causes, get/search/cancel/capture, preferences, control.

Run: BRICKGATE_BUILD=<build dir> python3 tests/sandbox/test_sandbox.py
"""
import http.client
import json
import os
import subprocess
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sbharness  # noqa: E402
from sbharness import TOKEN, assert_cause  # noqa: E402

SB = None

OUTCOMES = {
    "APRO": ("approved", "accredited"),
    "OTHE": ("rejected", "cc_rejected_other_reason"),
    "CONT": ("in_process", "pending_contingency"),
    "CALL": ("rejected", "cc_rejected_call_for_authorize"),
    "FUND": ("rejected", "cc_rejected_insufficient_amount"),
    "SECU": ("rejected", "cc_rejected_bad_filled_security_code"),
    "EXPI": ("rejected", "cc_rejected_bad_filled_date"),
    "FORM": ("rejected", "cc_rejected_bad_filled_other"),
    "CARD": ("rejected", "cc_rejected_bad_filled_card_number"),
    "INST": ("rejected", "cc_rejected_invalid_installments"),
    "DUPL": ("rejected", "cc_rejected_duplicated_payment"),
    "LOCK": ("rejected", "cc_rejected_card_disabled"),
    "CTNA": ("rejected", "cc_rejected_card_type_not_allowed"),
    "ATTE": ("rejected", "cc_rejected_max_attempts"),
    "BLAC": ("rejected", "cc_rejected_blacklist"),
    "UNSU": ("rejected", "cc_rejected_other_reason"),
    "TEST": ("approved", "accredited"),
}


def setup_module():
    global SB
    SB = sbharness.Sandbox("MLB")


def teardown_module():
    log = SB.log_text()
    rc = SB.stop()
    assert rc == 0, rc
    assert TOKEN not in log, "the bearer token reached the log"


def test_cli_help_version_and_loopback_only():
    b = sbharness.binary()
    r = subprocess.run([b, "--help"], capture_output=True, timeout=10)
    assert r.returncode == 0 and b"--listen" in r.stdout
    r = subprocess.run([b, "--version"], capture_output=True, timeout=10)
    assert r.returncode == 0 and r.stdout.startswith(b"brickgate-sandbox ")
    for addr in ("0.0.0.0:8081", "192.168.1.1:8081", "[::]:8081",
                 "example.com:8081", "127.0.0.1"):
        r = subprocess.run([b, "--listen", addr], capture_output=True,
                           timeout=10)
        assert r.returncode == 2, (addr, r.returncode)


def test_auth_401_shape():
    for tok in (None, "APP_USR-123", "not-a-test-token"):
        resp = SB.request("POST", "/v1/payments", {}, token=tok, key="k")
        assert_cause(resp, 401, 5)
        assert resp[2]["error"] == "unauthorized"
    st, _, _ = SB.request("GET", "/v1/payments/1", token="TEST-other")
    assert st == 404


def test_configured_access_token_is_the_only_one():
    sb = sbharness.Sandbox("MLB", ["--access-token", "APP_USR-secret-1"])
    try:
        st, _, js = sb.request("GET", "/v1/payments/1", token=TOKEN)
        assert st == 401 and js["cause"][0]["code"] == 5
        st, _, _ = sb.request("GET", "/v1/payments/1",
                              token="APP_USR-secret-1")
        assert st == 404
    finally:
        assert sb.stop() == 0


def test_card_token_answer():
    st, _, js = SB.request("POST", "/v1/card_tokens", {
        "card_number": "5031433215406351", "expiration_month": 11,
        "expiration_year": 2030, "security_code": "123",
        "cardholder": {"name": "APRO", "identification":
                       {"type": "CPF", "number": "12345678909"}}})
    assert st == 201, js
    assert len(js["id"]) == 32 and int(js["id"], 16) >= 0
    assert js["first_six_digits"] == "503143"
    assert js["last_four_digits"] == "6351"
    assert js["cardholder"]["name"] == "APRO"
    assert js["status"] == "active"
    assert js["expiration_month"] == 11 and js["expiration_year"] == 2030
    assert js["date_created"].endswith("-04:00")


def test_card_token_validation_causes():
    good = {"card_number": "4235647728025682", "expiration_month": 11,
            "expiration_year": 2030, "security_code": "123",
            "cardholder": {"name": "APRO"}}
    cases = [
        ({"card_number": None}, 3017),
        ({"card_number": "4235647728025683"}, 3034),    # Luhn
        ({"card_number": "4235 6477"}, 3016),
        ({"card_number": "42356"}, 3015),
        ({"expiration_month": 13}, 3029),
        ({"expiration_year": 2020}, 3030),
        ({"expiration_month": None}, 3018),
        ({"security_code": "12"}, 3012),
        ({"security_code": None}, 3013),
        ({"cardholder": {}}, 3020),
        ({"card_number": "375365153556885", "security_code": "123"}, 3012),
    ]
    for change, code in cases:
        body = dict(good)
        for k, v in change.items():
            if v is None:
                body.pop(k, None)
            else:
                body[k] = v
        assert_cause(SB.request("POST", "/v1/card_tokens", body), 400, code)
    body = dict(good, card_number="375365153556885", security_code="1234")
    st, _, _ = SB.request("POST", "/v1/card_tokens", body)
    assert st == 201


def test_card_payment_approved_shape():
    body = SB.card_body("APRO", amount=249.9, installments=3,
                        external_reference="shape-1",
                        description="Order shape-1",
                        metadata={"purchase": "p1"})
    st, hdrs, js = SB.pay(body)
    assert st == 201, js
    assert int(hdrs["content-length"]) > 0
    assert isinstance(js["id"], int) and js["id"] > 2 ** 32
    assert js["status"] == "approved" and js["status_detail"] == "accredited"
    assert js["currency_id"] == "BRL"
    assert js["live_mode"] is False
    assert js["payment_type_id"] == "credit_card"
    assert js["installments"] == 3
    assert js["external_reference"] == "shape-1"
    assert js["metadata"] == {"purchase": "p1"}
    assert js["card"]["last_four_digits"] == "6351"
    assert js["card"]["cardholder"]["name"] == "APRO"
    assert js["payer"]["email"] == "test_user_1@testuser.com"
    assert js["payer"]["identification"]["number"] == "12345678909"
    assert len(js["authorization_code"]) == 6
    for k in ("date_created", "date_approved", "date_last_updated"):
        d = js[k]
        assert len(d) == 29 and d[10] == "T" and d[19:] == ".000-04:00", d


def test_amount_is_exact_decimal_text():
    body = SB.card_body("APRO")
    body["transaction_amount"] = 0  # placeholder replaced in raw text
    raw = json.dumps(body).replace('"transaction_amount": 0',
                                   '"transaction_amount": 100.10')
    st, _, js = SB.request("POST", "/v1/payments", raw=raw.encode(),
                           key=str(uuid.uuid4()))
    assert st == 201, js
    assert b'"transaction_amount":100.10' in SB.last_raw
    st, _, again = SB.request("GET", "/v1/payments/%d" % js["id"])
    assert st == 200
    assert b'"transaction_amount":100.10' in SB.last_raw


def test_every_cardholder_outcome():
    for name, (status, detail) in OUTCOMES.items():
        st, _, js = SB.pay(SB.card_body(name))
        assert st == 201, (name, js)
        assert (js["status"], js["status_detail"]) == (status, detail), \
            (name, js["status"], js["status_detail"])
        if status != "approved":
            assert js["payer"]["email"] is None, name
            assert js["date_approved"] is None, name


def test_3ds_challenge_only_when_asked():
    st, _, js = SB.pay(SB.card_body("3DSC", three_d_secure_mode="optional"))
    assert st == 201, js
    assert js["status"] == "pending"
    assert js["status_detail"] == "pending_challenge"
    tds = js["three_ds_info"]
    assert tds["external_resource_url"].startswith("https://")
    assert tds["creq"]
    st, _, js = SB.pay(SB.card_body("3DSC"))
    assert (js["status"], js["status_detail"]) == ("approved", "accredited")
    assert "three_ds_info" not in js


def test_binary_mode_and_capture_false():
    st, _, js = SB.pay(SB.card_body("CONT", binary_mode=True))
    assert js["status"] == "rejected", js
    st, _, js = SB.pay(SB.card_body("APRO", capture=False))
    assert (js["status"], js["status_detail"]) == ("authorized",
                                                   "pending_capture")
    assert js["captured"] is False
    st, _, js = SB.request("PUT", "/v1/payments/%d" % js["id"],
                           {"capture": True})
    assert st == 200, js
    assert (js["status"], js["status_detail"]) == ("approved", "accredited")
    assert js["captured"] is True


def test_payment_validation_causes():
    base = SB.card_body("APRO")
    cases = [
        ({"transaction_amount": None}, 4002),
        ({"transaction_amount": "100"}, 4003),
        ({"transaction_amount": 1.234}, 2072),
        ({"transaction_amount": 0}, 4037),
        ({"transaction_amount": -5}, 4037),
        ({"payment_method_id": None}, 4001),
        ({"payment_method_id": "bitcoin"}, 3028),
        ({"payment_method_id": "oxxo"}, 3028),        # not on MLB
        ({"payment_method_id": "visa"}, 2131),        # master BIN
        ({"installments": None}, 4004),
        ({"installments": "3"}, 4005),
        ({"installments": 0}, 4033),
        ({"installments": 99}, 4033),
        ({"payer": {"email": "not-an-email"}}, 4050),
        ({"payer": {"email": "x" * 250 + "@a.com"}}, 4051),
        ({"payer": None}, 4006),
        ({"token": None}, 4000),
        ({"token": "0" * 32}, 2006),
        ({"token": "zz"}, 3003),
        ({"notification_url": "http://shop.example/hook"}, 4020),
        ({"notification_url": "https://x.example/" + "a" * 300}, 4021),
        ({"metadata": "x"}, 4022),
        ({"payer": {"email": "a@b.com", "identification":
                    {"type": "CPF", "number": "123"}}}, 2067),
    ]
    for change, code in cases:
        body = dict(base)
        for k, v in change.items():
            if v is None:
                body.pop(k, None)
            else:
                body[k] = v
        assert_cause(SB.pay(body), 400, code)
    # Nothing was created by any of them: the token is still unused.
    st, _, js = SB.pay(base)
    assert st == 201, js


def test_missing_idempotency_key_and_bad_json():
    body = SB.card_body("APRO")
    assert_cause(SB.request("POST", "/v1/payments", body), 400, 4292)
    st, _, js = SB.request("POST", "/v1/payments", raw=b"{not json",
                           key="bad-json")
    assert st == 400 and js["status"] == 400, js


def test_idempotent_replay_same_key():
    _, before = SB.ctl("GET", "stats")
    key = str(uuid.uuid4())
    body = SB.card_body("APRO", external_reference="idem-1")
    st1, _, js1 = SB.pay(body, key=key)
    body2 = dict(body, transaction_amount=999)   # different body
    st2, _, js2 = SB.pay(body2, key=key)
    assert st1 == st2 == 201
    assert js1 == js2
    _, after = SB.ctl("GET", "stats")
    assert after["payments"] == before["payments"] + 1
    assert after["by_external_reference"]["idem-1"] == 1
    # A replay wins over the token being used up.
    st3, _, js3 = SB.pay(body, key=key)
    assert st3 == 201 and js3["id"] == js1["id"]


def test_new_key_new_payment_and_single_use_token():
    body = SB.card_body("APRO", external_reference="idem-2")
    st1, _, js1 = SB.pay(body)
    st2, _, js2 = SB.pay(body)         # same token, new key
    assert st1 == 201
    assert_cause((st2, {}, js2), 400, 2062)
    body["token"] = SB.card_token("APRO")
    st3, _, js3 = SB.pay(body)
    assert st3 == 201 and js3["id"] != js1["id"]


def test_get_and_not_found():
    st, _, js = SB.pay(SB.card_body("FUND"))
    st, _, got = SB.request("GET", "/v1/payments/%d" % js["id"])
    assert st == 200 and got["id"] == js["id"]
    assert got["status_detail"] == "cc_rejected_insufficient_amount"
    assert_cause(SB.request("GET", "/v1/payments/123"), 404, 2000)
    assert_cause(SB.request("GET", "/v1/payments/abc"), 404, 2000)


def test_search_filters_and_paging():
    ref = "search-" + uuid.uuid4().hex[:8]
    ids = []
    for name in ("APRO", "OTHE", "APRO"):
        st, _, js = SB.pay(SB.card_body(name, external_reference=ref))
        ids.append(js["id"])
    st, _, js = SB.request("GET", "/v1/payments/search?external_reference="
                           + ref)
    assert st == 200
    assert js["paging"] == {"total": 3, "limit": 30, "offset": 0}
    assert [p["id"] for p in js["results"]] == ids
    st, _, js = SB.request("GET", "/v1/payments/search?external_reference="
                           + ref + "&status=approved")
    assert js["paging"]["total"] == 2
    st, _, js = SB.request("GET", "/v1/payments/search?external_reference="
                           + ref + "&limit=1&offset=1")
    assert js["paging"] == {"total": 3, "limit": 1, "offset": 1}
    assert [p["id"] for p in js["results"]] == ids[1:2]
    st, _, js = SB.request("GET", "/v1/payments/search?external_reference="
                           + ref + "&criteria=desc&limit=1")
    assert js["results"][0]["id"] == ids[2]
    st, _, js = SB.request("GET", "/v1/payments/search?external_reference="
                           "nothing-here")
    assert js["paging"]["total"] == 0 and js["results"] == []


def test_cancel_rules():
    st, _, js = SB.pay(SB.card_body("CONT"))
    assert js["status"] == "in_process"
    st, _, c = SB.request("PUT", "/v1/payments/%d" % js["id"],
                          {"status": "cancelled"})
    assert st == 200, c
    assert (c["status"], c["status_detail"]) == ("cancelled", "by_collector")
    st, _, got = SB.request("GET", "/v1/payments/%d" % js["id"])
    assert got["status"] == "cancelled"
    st, _, js = SB.pay(SB.card_body("APRO"))
    assert_cause(SB.request("PUT", "/v1/payments/%d" % js["id"],
                            {"status": "cancelled"}), 400, 2018)
    assert_cause(SB.request("PUT", "/v1/payments/%d" % js["id"],
                            {"status": "approved"}), 400, 2016)
    assert_cause(SB.request("PUT", "/v1/payments/%d" % js["id"], {}),
                 400, 4017)
    assert_cause(SB.request("PUT", "/v1/payments/1", {"status": "cancelled"}),
                 404, 2000)


def test_control_status_change():
    st, _, js = SB.pay(SB.card_body("3DSC", three_d_secure_mode="optional"))
    pid = js["id"]
    st, moved = SB.ctl("POST", "payments/%d/status" % pid,
                       {"status": "approved"})
    assert st == 200, moved
    assert (moved["status"], moved["status_detail"]) == ("approved",
                                                         "accredited")
    assert moved["date_approved"] is not None
    assert moved["payer"]["email"] == "test_user_1@testuser.com"
    st, _, got = SB.request("GET", "/v1/payments/%d" % pid)
    assert got["status"] == "approved"
    st, js = SB.ctl("POST", "payments/%d/status" % pid, {"status": "nope"})
    assert st == 400
    st, js = SB.ctl("POST", "payments/1/status", {"status": "approved"})
    assert st == 404


def test_preferences():
    _, before = SB.ctl("GET", "stats")
    body = {"items": [{"title": "Blue mug", "quantity": 2,
                       "unit_price": 75.76}],
            "purpose": "wallet_purchase", "external_reference": "pref-1",
            "back_urls": {"success": "https://shop.example/ok"},
            "auto_return": "approved",
            "payer": {"email": "test_user_1@testuser.com"}}
    st, _, js = SB.request("POST", "/checkout/preferences", body)
    assert st == 201, js
    collector, _, rest = js["id"].partition("-")
    assert collector.isdigit() and uuid.UUID(rest)
    assert js["init_point"] == ("https://www.mercadopago.com.br/checkout/v1/"
                                "redirect?pref_id=" + js["id"])
    assert js["sandbox_init_point"].startswith("https://sandbox.")
    assert js["items"][0]["title"] == "Blue mug"
    assert js["items"][0]["currency_id"] == "BRL"
    assert js["purpose"] == "wallet_purchase"
    assert js["external_reference"] == "pref-1"
    assert js["back_urls"]["success"] == "https://shop.example/ok"
    st, _, got = SB.request("GET", "/checkout/preferences/" + js["id"])
    assert st == 200 and got["id"] == js["id"]
    _, after = SB.ctl("GET", "stats")
    assert after["preferences"] == before["preferences"] + 1
    bad = [
        ({"items": []}, "invalid_items"),
        ({"items": [{"title": "x", "unit_price": 1}]}, "invalid_items"),
        ({"items": [{"title": "x", "quantity": 1}]}, "invalid_items"),
        ({"items": [{"title": "x", "quantity": 1, "unit_price": "1"}]},
         "invalid_items"),
        ({"items": [{"title": "x", "quantity": 1, "unit_price": 1,
                     "currency_id": "USD"}]}, "invalid_items"),
        ({"items": [{"title": "x", "quantity": 1, "unit_price": 1}],
          "payment_methods": {"installments": 40}},
         "invalid_payment_methods"),
        ({"items": [{"title": "x", "quantity": 1, "unit_price": 1}],
          "auto_return": "approved"}, "invalid_auto_return"),
    ]
    for b, err in bad:
        st, _, js = SB.request("POST", "/checkout/preferences", b)
        assert st == 400 and js["error"] == err, (b, js)
        assert js["status"] == 400 and js["cause"] == []
    _, final = SB.ctl("GET", "stats")
    assert final["preferences"] == after["preferences"]


def test_request_log():
    SB.ctl("DELETE", "requests")
    key = str(uuid.uuid4())
    body = SB.card_body("APRO", external_reference="log-1")
    SB.pay(body, key=key)
    st, js = SB.ctl("GET", "requests")
    assert st == 200
    payments = [r for r in js["requests"] if r["path"] == "/v1/payments"]
    assert len(payments) == 1
    r = payments[0]
    assert r["method"] == "POST" and r["idempotency_key"] == key
    assert r["body"] == body and r["status"] == 201
    SB.ctl("DELETE", "requests")
    st, js = SB.ctl("GET", "requests")
    assert js["requests"] == []


def test_body_limit_and_keep_alive():
    st, _, js = SB.request("POST", "/v1/payments", key="big",
                           raw=b"[" + b"1," * 600000 + b"1]")
    assert st == 413 and js["status"] == 413, (st, js)
    conn = http.client.HTTPConnection("127.0.0.1", SB.port, timeout=10)
    try:
        for _ in range(3):          # three answers on one connection
            conn.request("GET", "/v1/payments/1",
                         headers={"Authorization": "Bearer " + TOKEN})
            resp = conn.getresponse()
            resp.read()
            assert resp.status == 404
            assert resp.getheader("Content-Length")
    finally:
        conn.close()


def test_unknown_route_and_method():
    st, _, js = SB.request("GET", "/v1/nothing")
    assert st == 404 and js["status"] == 404
    st, _, js = SB.request("DELETE", "/v1/payments")
    assert st == 405


if __name__ == "__main__":
    sbharness.run(sys.modules[__name__])
