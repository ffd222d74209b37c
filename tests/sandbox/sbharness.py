"""Shared helpers for the brickgate-sandbox integration tests.

Each test module starts its own sandbox on a free loopback port, owns its
PID and stops it in teardown_module.  Only the standard library is used.
"""
import hashlib
import hmac
import http.client
import http.server
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid

TOKEN = "TEST-1234567890123456-030214-0123456789abcdef0123456789abcdef-111222333"
READY_WAIT_S = 10.0

# Mercado Pago's test cards (doc/design.md, Mercado Pago's rules in the code).
CARDS = {
    "MLB": ("master", "5031433215406351"),
    "MLA": ("visa", "4509953566233704"),
    "MLM": ("visa", "4075595716483764"),
    "MCO": ("visa", "4013540682746260"),
    "MLC": ("visa", "4168818844447115"),
    "MLU": ("visa", "4509953566233704"),
    "MPE": ("visa", "4009175332806176"),
}
IDS = {
    "MLB": {"type": "CPF", "number": "12345678909"},
    "MLA": {"type": "DNI", "number": "12345678"},
    "MCO": {"type": "CC", "number": "123456789"},
    "MLC": {"type": "Otro", "number": "123456789"},
    "MLU": {"type": "CI", "number": "12345678"},
    "MPE": {"type": "DNI", "number": "123456789"},
}


def binary():
    build = os.environ.get("BRICKGATE_BUILD")
    assert build, "set BRICKGATE_BUILD to the build directory"
    path = os.path.join(build, "brickgate-sandbox")
    assert os.access(path, os.X_OK), "no sandbox binary at " + path
    return path


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Sandbox:
    def __init__(self, site="MLB", extra=()):
        self.port = free_port()
        self.site = site
        self.stderr_path = os.path.join(
            os.environ.get("TMPDIR", "/tmp"),
            "brickgate-sandbox-%d-%d.log" % (os.getpid(), self.port))
        self.stderr = open(self.stderr_path, "wb")
        args = [binary(), "--listen", "127.0.0.1:%d" % self.port,
                "--site", site] + list(extra)
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL,
                                     stderr=self.stderr)
        try:
            self.wait_ready()
        except BaseException:
            self.stop()
            raise

    def wait_ready(self):
        deadline = time.monotonic() + READY_WAIT_S
        while True:
            assert self.proc.poll() is None, "sandbox exited early: " + \
                self.log_text()[-2000:]
            try:
                socket.create_connection(("127.0.0.1", self.port),
                                         timeout=1).close()
                return
            except OSError:
                assert time.monotonic() < deadline, "sandbox not ready"
                time.sleep(0.05)

    def stop(self):
        """SIGTERM, then wait; returns the exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.stderr.close()
        # Keep the log of a sandbox that failed (sanitizer reports).
        if self.proc.returncode == 0 and os.path.exists(self.stderr_path):
            os.unlink(self.stderr_path)
        return self.proc.returncode

    def log_text(self):
        with open(self.stderr_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def request(self, method, path, body=None, headers=None, token=TOKEN,
                key=None, timeout=10, raw=None):
        """Returns (status, headers dict with lower-case names, JSON)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                          timeout=timeout)
        h = {"Accept": "application/json"}
        if token is not None:
            h["Authorization"] = "Bearer " + token
        if key is not None:
            h["X-Idempotency-Key"] = key
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
        if data is not None:
            h["Content-Type"] = "application/json"
        h.update(headers or {})
        try:
            conn.request(method, path, body=data, headers=h)
            resp = conn.getresponse()
            text = resp.read()
            self.last_raw = text
            hdrs = {k.lower(): v for k, v in resp.getheaders()}
            return resp.status, hdrs, json.loads(text) if text else None
        finally:
            conn.close()

    def card_token(self, name="APRO", number=None, cvv="123", month=11,
                   year=2030, ident=True):
        if number is None:
            number = CARDS[self.site][1]
        body = {"card_number": number, "expiration_month": month,
                "expiration_year": year, "security_code": cvv,
                "cardholder": {"name": name}}
        if ident and self.site in IDS:
            body["cardholder"]["identification"] = IDS[self.site]
        st, _, js = self.request("POST", "/v1/card_tokens", body)
        assert st == 201, (st, js)
        return js["id"]

    def card_body(self, name="APRO", amount=100, **extra):
        body = {"transaction_amount": amount,
                "token": self.card_token(name),
                "installments": 1,
                "payment_method_id": CARDS[self.site][0],
                "payer": {"email": "test_user_1@testuser.com"}}
        if self.site in IDS:
            body["payer"]["identification"] = IDS[self.site]
        body.update(extra)
        return body

    def pay(self, body, key=None, **kw):
        return self.request("POST", "/v1/payments", body,
                            key=key or str(uuid.uuid4()), **kw)

    def ctl(self, method, path, body=None):
        st, _, js = self.request(method, "/__sandbox/" + path, body,
                                 token=None)
        return st, js


def assert_cause(resp, status, code):
    st, _, js = resp
    assert st == status, (st, js)
    assert js["status"] == status, js
    assert isinstance(js["message"], str) and js["message"], js
    assert js["error"], js
    codes = [c["code"] for c in js["cause"]]
    assert code in codes, (code, js)
    for c in js["cause"]:
        assert set(c) == {"code", "description", "data"}, c


def run(module):
    """Runs a test module's tests the way the project runner does."""
    names = [n for n in sorted(dir(module)) if n.startswith("test_")
             and callable(getattr(module, n))]
    passed = failed = 0
    if hasattr(module, "setup_module"):
        module.setup_module()
    try:
        for n in names:
            try:
                getattr(module, n)()
                passed += 1
                print("ok - " + n)
            except Exception as e:  # report every failure, keep going
                failed += 1
                print("not ok - %s: %r" % (n, e))
    finally:
        if hasattr(module, "teardown_module"):
            module.teardown_module()
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


class WebhookReceiver:
    """A loopback HTTP server that keeps every notification it gets, and
    the secret file a sandbox signs them with (--webhook-secret-file)."""

    def __init__(self, secret, wait_s=10):
        self.secret = secret
        self.wait_s = wait_s
        self.got = queue.Queue()
        got = self.got

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                got.put({"path": self.path,
                         "headers": dict(self.headers.items()),
                         "body": self.rfile.read(n)})
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                                      Handler)
        threading.Thread(target=self.server.serve_forever,
                         daemon=True).start()
        fd, self.secret_file = tempfile.mkstemp()
        os.write(fd, (secret + "\n").encode())
        os.close(fd)

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.server.server_address[1],
                                          path)

    def drain(self):
        while not self.got.empty():
            self.got.get_nowait()

    def next(self):
        try:
            return self.got.get(timeout=self.wait_s)
        except queue.Empty:
            raise AssertionError("no webhook arrived")

    def verify(self, hook):
        """Checks the signature the way a receiver must; returns (query,
        body)."""
        h = {k.lower(): v for k, v in hook["headers"].items()}
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(hook["path"]).query)
        data_id = q["data.id"][0]
        parts = dict(p.strip().split("=", 1)
                     for p in h["x-signature"].split(","))
        manifest = "id:%s;request-id:%s;ts:%s;" % (
            data_id, h["x-request-id"], parts["ts"])
        want = hmac.new(self.secret.encode(), manifest.encode(),
                        hashlib.sha256).hexdigest()
        assert hmac.compare_digest(want, parts["v1"]), (manifest, parts)
        assert parts["ts"].isdigit() and len(parts["ts"]) == 10
        body = json.loads(hook["body"])
        assert body["data"]["id"] == data_id
        return q, body

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        os.unlink(self.secret_file)
