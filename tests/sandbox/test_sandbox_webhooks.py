"""brickgate-sandbox: signed webhooks, verified here with Python's hmac
over the documented manifest "id:<data.id>;request-id:<x-request-id>;ts:<ts>;".

Run: BRICKGATE_BUILD=<build dir> python3 tests/sandbox/test_sandbox_webhooks.py
"""
import os
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sbharness  # noqa: E402

SECRET = "s3cr3t-webhook-key"
WAIT_S = 10
SB = None
RECEIVER = None


def setup_module():
    global SB, RECEIVER
    RECEIVER = sbharness.WebhookReceiver(SECRET, WAIT_S)
    SB = sbharness.Sandbox("MLB", [
        "--webhook-url", RECEIVER.url("/mp/webhook?source_news=webhooks"),
        "--webhook-secret-file", RECEIVER.secret_file])


def teardown_module():
    rc = SB.stop()
    RECEIVER.stop()
    assert rc == 0, rc


def test_created_and_updated_are_signed():
    RECEIVER.drain()
    st, _, js = SB.pay({"transaction_amount": 25, "payment_method_id": "pix",
                        "payer": {"email": "a@example.com"}})
    assert st == 201
    q, body = RECEIVER.verify(RECEIVER.next())
    assert q["type"] == ["payment"]
    assert q["source_news"] == ["webhooks"]       # appended, kept
    assert body["action"] == "payment.created"
    assert body["type"] == "payment" and body["api_version"] == "v1"
    assert body["live_mode"] is False
    assert isinstance(body["id"], int) and isinstance(body["user_id"], int)
    assert body["data"]["id"] == str(js["id"])
    st, moved = SB.ctl("POST", "payments/%d/status" % js["id"],
                       {"status": "approved"})
    assert st == 200
    q, body = RECEIVER.verify(RECEIVER.next())
    assert body["action"] == "payment.updated"
    assert body["data"]["id"] == str(js["id"])


def test_cancel_sends_update():
    RECEIVER.drain()
    st, _, js = SB.pay(SB.card_body("CONT"))
    RECEIVER.verify(RECEIVER.next())
    st, _, _ = SB.request("PUT", "/v1/payments/%d" % js["id"],
                          {"status": "cancelled"})
    assert st == 200
    _, body = RECEIVER.verify(RECEIVER.next())
    assert body["action"] == "payment.updated"


def test_tampered_signature_fails():
    RECEIVER.drain()
    SB.pay(SB.card_body("APRO"))
    hook = RECEIVER.next()
    hook["headers"]["x-request-id"] = "00000000-0000-4000-8000-000000000000"
    try:
        RECEIVER.verify(hook)
        raise RuntimeError("a changed request id still verified")
    except AssertionError:
        pass


def test_loopback_notification_url_also_notified():
    RECEIVER.drain()
    url = RECEIVER.url("/per-payment")
    st, _, js = SB.pay(SB.card_body("APRO", notification_url=url))
    assert st == 201
    paths = sorted(urllib.parse.urlsplit(RECEIVER.next()["path"]).path
                   for _ in range(2))
    assert paths == ["/mp/webhook", "/per-payment"], paths
    st, js = SB.ctl("GET", "webhooks")
    assert st == 200 and all(d["http_status"] == 200
                             for d in js["deliveries"])


if __name__ == "__main__":
    sbharness.run(sys.modules[__name__])
