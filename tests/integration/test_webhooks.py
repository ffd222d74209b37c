"""POST /webhooks through nginx: the sandbox's own signed notifications,
and hand-made ones (forged, stale, another request id, malformed, unknown
payment, other topics, IPN), each checked for its answer, for what was
recorded and for the API calls it made."""
import fcntl
import json
import os
import time

from harness import expect_error
from paytest import EMAIL, WEBHOOK_SECRET, Site, sign, wait_for

S = None


def setup_module():
    global S
    S = Site("MLB", {"webhook_max_age_s": 600}, webhooks=True)


def teardown_module():
    S.stop()


def pix(pid):
    return S.pay_pix(pid)


def signed(data_id, request_id, ts):
    return sign(WEBHOOK_SECRET, data_id, request_id, ts)


def quiet():
    """Waits until the sandbox has delivered its own notifications, which
    would otherwise change the purchase while a test looks at it."""
    wait_for(lambda: S.sb.ctl("GET", "stats")[1]["webhooks_pending"] == 0,
             "the sandbox's notifications")


def gets(pid_payment):
    return len(S.api_requests("GET", "/v1/payments/%d" % pid_payment))


def unchanged(pid, send, status=401, code="invalid_signature"):
    """Sends a bad notification: its answer, no API call, nothing
    written."""
    quiet()
    before = S.snapshot()
    calls = len(S.api_requests("GET", "/v1/payments"))
    r = send()
    if status == 200:
        assert r.status == 200, r
    else:
        expect_error(r, status, code)
    assert len(S.api_requests("GET", "/v1/payments")) == calls
    assert S.snapshot() == before
    return r


def test_sandbox_notification_records_the_paid_pix():
    pid = S.context()
    pay_id = pix(pid)
    S.set_status(pay_id, "approved")
    wait_for(lambda: S.read(pid)["payment"]["status"] == "approved",
             "the webhook recorded the approval")
    rec = S.read(pid)
    assert rec["payment"]["id"] == pay_id
    assert rec["payment"]["summary"]["status"] == "approved"
    sent = [d for d in S.webhooks_sent()["deliveries"]
            if d["data_id"] == str(pay_id)]
    assert sent and all(d["http_status"] == 200 for d in sent), sent
    assert all(d["signature"] for d in sent)
    # A replay of the same notification changes nothing and is still 200.
    r = S.webhook(pay_id)
    assert r.status == 200 and r.json() == {"status": "recorded"}, r
    assert S.read(pid)["payment"]["status"] == "approved"


def test_hand_signed_notification_refreshes_the_payment():
    pid = S.context()
    pay_id = pix(pid)
    st, _, _ = S.sb.request("POST", "/__sandbox/payments/%d/status" % pay_id,
                            {"status": "approved"}, token=None)
    assert st == 200
    quiet()
    n = gets(pay_id)
    r = S.webhook(pay_id)
    assert r.status == 200 and r.json() == {"status": "recorded"}, r
    assert gets(pay_id) == n + 1
    assert S.read(pid)["payment"]["status"] == "approved"
    assert "webhook" in S.log()


def test_forged_stale_and_malformed_are_refused():
    pid = S.context()
    pay_id = pix(pid)
    S.set_status(pay_id, "approved")
    wait_for(lambda: S.read(pid)["payment"]["status"] == "approved",
             "the sandbox's own notification")
    now = int(time.time())
    cases = [
        ("wrong secret", lambda: S.webhook(pay_id, secret="not-the-one")),
        ("stale", lambda: S.webhook(pay_id, ts=now - 601)),
        ("future", lambda: S.webhook(pay_id, ts=now + 400)),
        ("other request id", lambda: S.webhook(
            pay_id, header=signed(pay_id, "another-id", now))),
        ("other payment", lambda: S.webhook(
            pay_id, header=signed(pay_id + 1, None, now))),
        ("no header", lambda: S.webhook(pay_id, header=False)),
        ("malformed", lambda: S.webhook(pay_id, header="ts=abc,v1=zz")),
        ("no v1", lambda: S.webhook(pay_id, header="ts=%d" % now)),
        ("repeated data.id", lambda: S.webhook(
            pay_id, query="data.id=%d&data.id=%d&type=payment" %
            (pay_id, pay_id))),
    ]
    for what, send in cases:
        try:
            unchanged(pid, send)
        except AssertionError as e:
            raise AssertionError("%s: %s" % (what, e))
    log = S.log()
    assert "webhook refused: v1 does not match" in log
    assert "webhook refused: ts older than webhook_max_age_s" in log
    assert "webhook refused: no x-signature header" in log
    assert WEBHOOK_SECRET not in log


def test_not_ours_other_topics_and_ipn_are_acknowledged():
    # Another shop's payment (external_reference unknown here).
    st, _, js = S.sb.request("POST", "/v1/payments", {
        "transaction_amount": 10, "payment_method_id": "pix",
        "external_reference": "another-shop-1",
        "payer": {"email": EMAIL}}, key="k-other-shop-1")
    assert st == 201, js
    r = S.webhook(js["id"])
    assert r.status == 200 and r.json() == {"status": "ignored"}, r
    assert not os.path.exists(os.path.join(S.ctx_dir, "another-shop-1.json"))
    # No such payment at Mercado Pago.
    r = S.webhook(99999999999)
    assert r.status == 200 and r.json() == {"status": "ignored"}, r
    pid = S.context()
    # The topic only in the body: still a payment notification.
    pay_id = pix(pid)
    n = gets(pay_id)
    r = S.webhook(pay_id, query="data.id=%d" % pay_id)
    assert r.status == 200 and r.json() == {"status": "recorded"}, r
    assert gets(pay_id) == n + 1
    # Another topic: acknowledged without asking the API.
    unchanged(pid, lambda: S.webhook(
        "123", query="data.id=123&type=merchant_order"), 200)
    # The unsigned IPN shape: acknowledged, nothing read or recorded.
    unchanged(pid, lambda: S.webhook(
        None, query="topic=payment&id=123", header=False), 200)


def test_body_repeating_a_member_name_is_not_read():
    """Without a topic in the query the body gives it; a body that gives
    it twice is not read (json-c would keep the last): acknowledged,
    nothing asked of the API, nothing recorded."""
    pid = S.context()
    pay_id = pix(pid)
    body = ('{"type": "payment", "data": {"id": "%d"}, "type": "payment"}'
            % pay_id)
    r = unchanged(pid, lambda: S.webhook(
        pay_id, query="data.id=%d" % pay_id, body=body), 200)
    assert r.json() == {"status": "ignored"}, r


def test_notification_while_the_payment_call_is_in_flight():
    """The sandbox notifies as soon as it creates the payment, before
    brickgate has its answer: the webhook waits for the purchase's lock,
    then records into the same attempt; one payment, one attempt."""
    pid = S.context()
    S.fault(mode="create_then_delay", ms=1000, count=1,
            match="POST /v1/payments")
    r = S.pay(pid, S.card_form())
    assert r.status == 201 and r.json()["status"] == "approved", r
    pay_id = r.json()["id"]
    wait_for(lambda: [d for d in S.webhooks_sent()["deliveries"]
                      if d["data_id"] == str(pay_id)],
             "the creation notification")
    sent = [d for d in S.webhooks_sent()["deliveries"]
            if d["data_id"] == str(pay_id)]
    assert sent[0]["http_status"] == 200, sent
    rec = S.read(pid)
    assert len(rec["payments"]) == 1
    assert rec["payment"]["state"] == "created"
    assert rec["payment"]["status"] == "approved"


def test_open_attempt_closed_by_webhook():
    """The payment call got no answer (504): the attempt stays open with
    its key.  Mercado Pago did create it; its notification then closes
    that attempt with the payment."""
    pid = S.context()
    # curl itself retries once on a reused connection that died, so
    # arm more drops than brickgate makes calls, and disarm after.
    S.fault(mode="drop", count=20, match="POST /v1/payments")
    r = S.pay(pid, S.card_form())
    S.sb.ctl("DELETE", "faults")
    expect_error(r, 504, "upstream_timeout")
    assert S.read(pid)["payment"]["state"] == "creating"
    # Mercado Pago did make it, as the sandbox does after a dropped answer
    # only when asked: create it with the attempt's own key.
    key = S.read(pid)["payment"]["idempotency_key"]
    sent = S.api_requests()[-1]["body"]
    st, _, js = S.sb.request("POST", "/v1/payments", sent, key=key)
    assert st == 201, js
    r = S.webhook(js["id"])
    assert r.status == 200 and r.json() == {"status": "recorded"}, r
    rec = S.read(pid)
    assert len(rec["payments"]) == 1
    assert rec["payment"]["state"] == "created"
    assert rec["payment"]["id"] == js["id"]
    assert rec["payment"]["idempotency_key"] == key


def test_final_status_never_goes_back():
    pid = S.context()
    pay_id = pix(pid)
    S.set_status(pay_id, "approved")
    wait_for(lambda: S.read(pid)["payment"]["status"] == "approved",
             "approval recorded")
    # An older record arriving later (a reordered read) cannot undo it:
    # brickgate re-reads the payment, and its rules keep the final status.
    r = S.webhook(pay_id)
    assert r.status == 200
    rec = S.read(pid)
    assert rec["payment"]["status"] == "approved"
    rec["payment"]["date_last_updated"] = "2999-01-01T00:00:00.000-04:00"
    rec["payments"][-1] = rec["payment"]
    S.write_raw(pid, json.dumps(rec))
    S.set_status(pay_id, "refunded")
    r = S.webhook(pay_id)
    assert r.status == 200
    # The API's answer is older than what is recorded: kept as it is.
    assert S.read(pid)["payment"]["status"] == "approved"


def test_busy_purchase_answers_503():
    pid = S.context()
    pay_id = pix(pid)
    with open(os.path.join(S.ctx_dir, pid + ".lock"), "r+") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        r = S.webhook(pay_id)
        expect_error(r, 503, "payment_in_progress")
    r = S.webhook(pay_id)
    assert r.status == 200 and r.json() == {"status": "recorded"}, r


def test_webhook_log_lines_hold_no_secret():
    log = S.log()
    assert WEBHOOK_SECRET not in log
    assert EMAIL not in log
    assert "POST webhooks 401 invalid_signature" in log or \
        "webhooks" in log
