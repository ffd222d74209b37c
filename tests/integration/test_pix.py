"""Pix (Brazil) end to end through nginx against the sandbox: the code the
page shows, its expiry, paying it, switching to a card, and refusals."""
import base64
import time

from harness import expect_error
from paytest import EMAIL, RawNumber, Site, parse_time

S = None


def setup_module():
    global S
    S = Site("MLB", {"pix_expires_minutes": 60})


def teardown_module():
    S.stop()


def pix_form(amount="150.00", **extra):
    form = {"payment_method_id": "pix",
            "transaction_amount": RawNumber(amount),
            "payer": {"email": EMAIL}}
    form.update(extra)
    return form


def test_pix_code_and_body():
    pid = S.context(description="Order by Pix")
    t0 = time.time()
    r = S.pay(pid, pix_form())
    assert r.status == 201, r
    body = r.json()
    assert body["status"] == "pending"
    assert body["status_detail"] == "pending_waiting_transfer"
    assert body["payment_type_id"] == "bank_transfer"
    pix = body["pix"]
    assert set(pix) == {"qr_code", "qr_code_base64", "ticket_url",
                        "expires_at"}, pix
    assert base64.b64decode(pix["qr_code_base64"])[:8] == \
        b"\x89PNG\r\n\x1a\n"
    assert pix["qr_code"].startswith("000201"), pix["qr_code"]
    sent = S.api_requests()[-1]["body"]
    assert set(sent) == {"transaction_amount", "description",
                         "external_reference", "metadata",
                         "payment_method_id", "payer",
                         "date_of_expiration", "additional_info"}, sorted(sent)
    assert sent["additional_info"] == {"ip_address": "127.0.0.1"}
    assert sent["payer"] == {"email": EMAIL}
    # pix_expires_minutes = 60.
    exp = parse_time(sent["date_of_expiration"])
    assert t0 + 3600 - 120 <= exp <= time.time() + 3600 + 1, (t0, exp)
    assert S.read(pid)["payment"]["summary"]["pix"] == pix


def test_expiry_never_after_the_purchase():
    end = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 2400))
    pid = S.context(expires_at=end)
    r = S.pay(pid, pix_form())
    assert r.status == 201, r
    sent = S.api_requests()[-1]["body"]
    assert abs(parse_time(sent["date_of_expiration"]) - parse_time(end)) < 1


def test_purchase_expiring_too_soon_refuses_pix():
    end = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 600))
    pid = S.context(expires_at=end)
    calls = len(S.api_requests())
    before = S.read(pid)
    r = S.pay(pid, pix_form())
    expect_error(r, 400, "unsupported_payment_method", "payment_method_id")
    assert "30 minutes" in r.json()["error"]["message"]
    assert len(S.api_requests()) == calls and S.read(pid) == before


def test_pix_paid_shows_in_payment_status():
    pid = S.context()
    body = S.pay(pid, pix_form()).json()
    r = S.status(pid)
    assert r.status == 200 and r.json()["status"] == "pending"
    S.set_status(body["id"], "approved", "accredited")
    # brickgate refreshes at most every 5 s: age the record instead of
    # waiting.
    S.age(pid)
    r = S.status(pid)
    assert r.status == 200, r
    assert r.json()["status"] == "approved", r.json()
    assert "payment_id=%d" % body["id"] in S.log()
    # Paid: a new submission gets 409 with the payment.
    r = S.pay(pid, pix_form())
    assert r.status == 409 and r.json()["payment"]["status"] == "approved"


def test_switch_from_pix_to_card_cancels_the_code():
    pid = S.context()
    pix = S.pay(pid, pix_form()).json()
    r = S.pay(pid, S.card_form())
    assert r.status == 201 and r.json()["status"] == "approved", r
    puts = S.api_requests("PUT", "/v1/payments/%d" % pix["id"])
    assert len(puts) == 1 and puts[0]["body"] == {"status": "cancelled"}
    rec = S.read(pid)
    assert [p["status"] for p in rec["payments"]] == ["cancelled",
                                                      "approved"]


def test_pix_paid_meanwhile_is_not_replaced():
    pid = S.context()
    pix = S.pay(pid, pix_form()).json()
    S.set_status(pix["id"], "approved", "accredited")
    # The record still says pending (fresh): the cancel is refused, the
    # payment is read again and found paid.
    calls = len(S.api_requests())
    r = S.pay(pid, S.card_form())
    assert r.status == 409, r
    assert r.json()["error"]["code"] == "purchase_already_paid"
    assert r.json()["payment"]["id"] == pix["id"]
    assert len(S.api_requests()) == calls, "a payment was created"


def test_pix_refusals():
    pid = S.context()
    for form, status, code, field in (
            (pix_form(amount="149.99"), 400, "amount_mismatch",
             "transaction_amount"),
            (pix_form(amount="150.001"), 400, "invalid_field",
             "transaction_amount"),
            (pix_form(payer={}), 400, "missing_field", "payer.email"),
            (pix_form(payer={"email": EMAIL, "identification": {
                "type": "CPF", "number": "11111111111"}}), 400,
             "invalid_field", "payer.identification.number")):
        calls = len(S.api_requests())
        r = S.pay(pid, form)
        expect_error(r, status, code, field)
        assert len(S.api_requests()) == calls
    pid2 = S.context(payment_methods=["credit_card"])
    expect_error(S.pay(pid2, pix_form()), 403, "payment_method_not_allowed",
                 "payment_method_id")
    arg = Site("MLA")
    try:
        p = arg.context()
        r = arg.pay(p, pix_form(amount="1500.50"))
        expect_error(r, 400, "unsupported_payment_method",
                     "payment_method_id")
        assert "Argentina" in r.json()["error"]["message"]
    finally:
        arg.stop()
