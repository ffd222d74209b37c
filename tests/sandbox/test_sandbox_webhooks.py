"""brickgate-sandbox: signed webhooks, verified here with Python's hmac
over the documented manifest "id:<data.id>;request-id:<x-request-id>;ts:<ts>;".

Run: BRICKGATE_BUILD=<build dir> python3 tests/sandbox/test_sandbox_webhooks.py
"""
import hashlib
import hmac
import http.server
import json
import os
import queue
import sys
import tempfile
import threading
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sbharness  # noqa: E402

SECRET = "s3cr3t-webhook-key"
WAIT_S = 10
SB = None
RECEIVER = None
GOT = queue.Queue()
SECRET_FILE = None


class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n)
        GOT.put({"path": self.path, "headers": dict(self.headers.items()),
                 "body": body})
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def setup_module():
    global SB, RECEIVER, SECRET_FILE
    RECEIVER = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=RECEIVER.serve_forever, daemon=True).start()
    fd, SECRET_FILE = tempfile.mkstemp()
    os.write(fd, (SECRET + "\n").encode())
    os.close(fd)
    url = "http://127.0.0.1:%d/mp/webhook?source_news=webhooks" % \
        RECEIVER.server_address[1]
    SB = sbharness.Sandbox("MLB", ["--webhook-url", url,
                                   "--webhook-secret-file", SECRET_FILE])


def teardown_module():
    rc = SB.stop()
    RECEIVER.shutdown()
    RECEIVER.server_close()
    os.unlink(SECRET_FILE)
    assert rc == 0, rc


def next_hook():
    try:
        return GOT.get(timeout=WAIT_S)
    except queue.Empty:
        raise AssertionError("no webhook arrived")


def verify(hook):
    """Checks the signature the way a receiver must; returns the body."""
    h = {k.lower(): v for k, v in hook["headers"].items()}
    q = urllib.parse.parse_qs(urllib.parse.urlsplit(hook["path"]).query)
    data_id = q["data.id"][0]
    parts = dict(p.strip().split("=", 1) for p in h["x-signature"].split(","))
    manifest = "id:%s;request-id:%s;ts:%s;" % (data_id, h["x-request-id"],
                                               parts["ts"])
    want = hmac.new(SECRET.encode(), manifest.encode(),
                    hashlib.sha256).hexdigest()
    assert hmac.compare_digest(want, parts["v1"]), (manifest, parts)
    assert parts["ts"].isdigit() and len(parts["ts"]) == 10
    body = json.loads(hook["body"])
    assert body["data"]["id"] == data_id
    return q, body


def drain():
    while not GOT.empty():
        GOT.get_nowait()


def test_created_and_updated_are_signed():
    drain()
    st, _, js = SB.pay({"transaction_amount": 25, "payment_method_id": "pix",
                        "payer": {"email": "a@example.com"}})
    assert st == 201
    q, body = verify(next_hook())
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
    q, body = verify(next_hook())
    assert body["action"] == "payment.updated"
    assert body["data"]["id"] == str(js["id"])


def test_cancel_sends_update():
    drain()
    st, _, js = SB.pay(SB.card_body("CONT"))
    verify(next_hook())
    st, _, _ = SB.request("PUT", "/v1/payments/%d" % js["id"],
                          {"status": "cancelled"})
    assert st == 200
    _, body = verify(next_hook())
    assert body["action"] == "payment.updated"


def test_tampered_signature_fails():
    drain()
    SB.pay(SB.card_body("APRO"))
    hook = next_hook()
    hook["headers"]["x-request-id"] = "00000000-0000-4000-8000-000000000000"
    try:
        verify(hook)
        raise RuntimeError("a changed request id still verified")
    except AssertionError:
        pass


def test_loopback_notification_url_also_notified():
    drain()
    url = "http://127.0.0.1:%d/per-payment" % RECEIVER.server_address[1]
    st, _, js = SB.pay(SB.card_body("APRO", notification_url=url))
    assert st == 201
    paths = sorted(urllib.parse.urlsplit(next_hook()["path"]).path
                   for _ in range(2))
    assert paths == ["/mp/webhook", "/per-payment"], paths
    st, js = SB.ctl("GET", "webhooks")
    assert st == 200 and all(d["http_status"] == 200
                             for d in js["deliveries"])


if __name__ == "__main__":
    sbharness.run(sys.modules[__name__])
