"""brickgate + brickgate-sandbox for payment tests: one site, one sandbox,
one brickgate under spawn-fcgi behind nginx, PIDs owned by the test.

The sandbox records every API request it gets, so a test can check the
exact body brickgate sent upstream, or that it sent nothing."""
import contextlib
import hashlib
import hmac
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "sandbox"))
from harness import (Stack, expect_error, run_brickgate,  # noqa: E402
                     write_secret)
import sbharness  # noqa: E402

EMAIL = "test_user_48151623@testuser.com"

# What a Brazilian voucher (boleto, pec) prints of its payer: all needed.
BOLETO_PAYER = {
    "email": EMAIL, "first_name": "Carla", "last_name": "Mendes",
    "identification": {"type": "CPF", "number": "19119119100"},
    "address": {"zip_code": "01310100", "street_name": "Avenida Paulista",
                "street_number": "1500", "neighborhood": "Bela Vista",
                "city": "Sao Paulo", "federal_unit": "SP"}}

# Valid identification numbers per site (check digits where defined).
IDS = {
    "MLB": {"type": "CPF", "number": "19119119100"},
    "MLA": {"type": "DNI", "number": "12345678"},
    "MCO": {"type": "CC", "number": "123456789"},
    "MLC": {"type": "RUT", "number": "12.345.678-5"},
    "MLU": {"type": "CI", "number": "12345672"},
    "MPE": {"type": "DNI", "number": "12345678"},
}

# The amount text of a purchase, per currency precision.
AMOUNTS = {"MLA": "1500.50", "MLB": "150.00", "MLM": "999.99",
           "MPE": "80.10", "MCO": "120000", "MLC": "25990", "MLU": "1200.00"}

CARDS = sbharness.CARDS


WEBHOOK_SECRET = "whsec-7f3a9c1e5b2d4f60a8e9c7b5d3f1a2e4"


# What brickgate writes into a context, apart from the storefront's part.
RECORDS = ("payments", "payment", "preference_id", "searched_at",
           "paid_notified_at", "refunds")

class Site:
    def __init__(self, site="MLB", config=None, sandbox_args=(),
                 webhooks=False, stack_class=Stack):
        """webhooks: brickgate verifies with WEBHOOK_SECRET, and the
        sandbox sends its signed notifications to brickgate's /webhooks
        through nginx.  stack_class: how brickgate is started (a Stack
        subclass)."""
        self.site = site
        cfg = {"site": site, "api_retries": 2}
        cfg.update(config or {})
        self.stack = stack_class(cfg, name="pay-" + site.lower())
        args = list(sandbox_args)
        if webhooks:
            secret = os.path.join(self.stack.root, "webhook-secret")
            write_secret(secret, WEBHOOK_SECRET)
            self.stack.env["BRICKGATE_WEBHOOK_SECRET_FILE"] = secret
            args += ["--webhook-url", "http://127.0.0.1:%d/webhooks" %
                     self.stack.port, "--webhook-secret-file", secret]
        self.sb = sbharness.Sandbox(site, extra=args)
        self.stack.env.setdefault("BRICKGATE_API_BASE",
                                  "http://127.0.0.1:%d" % self.sb.port)
        try:
            self.stack.start()
        except BaseException:
            self.sb.stop()
            raise
        self.ctx_dir = self.stack.ctx_dir
        self.n = 0

    # -- purchases -------------------------------------------------------

    def context(self, amount=None, pid=None, **fields):
        """Writes a purchase context the way a storefront does; returns
        its id."""
        self.n += 1
        pid = pid or "%s-order-%d" % (self.site.lower(), self.n)
        body = {"amount": AMOUNTS[self.site] if amount is None else amount}
        body.update(fields)
        self.write_raw(pid, json.dumps(body))
        return pid

    def write_raw(self, pid, text):
        tmp = os.path.join(self.ctx_dir, ".tmp-" + pid)
        with open(tmp, "w") as f:
            f.write(text)
        os.chmod(tmp, 0o660)
        os.rename(tmp, os.path.join(self.ctx_dir, pid + ".json"))

    # -- what a power cut leaves (test_durability.py) --------------------

    def raw(self, pid):
        """The purchase's durable record, as text."""
        with open(os.path.join(self.ctx_dir, pid + ".json")) as f:
            return f.read()

    def _open_path(self, pid):
        return os.path.join(self.ctx_dir, pid + ".open")

    def lose_open_attempt(self, pid, durable):
        """The side file, never synced, is lost; the .json is what the
        last durable write left."""
        os.unlink(self._open_path(pid))
        assert self.raw(pid) == durable

    def tear_open_attempt(self, pid, durable):
        """Half of the side file reached the disk."""
        with open(self._open_path(pid), "r+b") as f:
            f.truncate(os.path.getsize(self._open_path(pid)) // 2)
        assert self.raw(pid) == durable

    def keep_open_attempt(self, pid):
        with open(self._open_path(pid), "rb") as f:
            return f.read()

    def put_back_open_attempt(self, pid, data):
        with open(self._open_path(pid), "wb") as f:
            f.write(data)

    def show(self, pid):
        """The purchase as brickgate reads it (`brickgate context show`):
        with the open attempt's side file when that is what it reads."""
        env = {k: v for k, v in self.stack.env.items()
               if k.startswith("BRICKGATE_")}
        rc, out, err = run_brickgate(["context", "show", pid], env=env)
        assert rc == 0, (rc, err)
        return json.loads(out)

    def installation_secret(self):
        with open(os.path.join(self.ctx_dir, ".installation-secret")) as f:
            return bytes.fromhex(f.read().strip())

    def expected_key(self, pid, ordinal):
        """The idempotency key doc/design.md (Durability) says attempt
        number ordinal of the purchase gets, computed here on its own
        from the rule: an HMAC-SHA256 keyed by the installation's secret
        over the id, the SHA-256 of the storefront's part of the context
        written canonically, and the ordinal; 128 bits as a version 8
        UUID."""
        ctx = {k: v for k, v in self.read(pid).items()
               if k not in RECORDS}
        canon = json.dumps(ctx, sort_keys=True, separators=(",", ":"),
                           ensure_ascii=False)
        digest = hashlib.sha256(canon.encode()).hexdigest()
        msg = "brickgate attempt key 1\n%s\n%s\n%d" % (pid, digest, ordinal)
        mac = bytearray(hmac.new(self.installation_secret(), msg.encode(),
                                 hashlib.sha256).digest()[:16])
        mac[6] = (mac[6] & 0x0f) | 0x80
        mac[8] = (mac[8] & 0x3f) | 0x80
        h = mac.hex()
        return "-".join((h[:8], h[8:12], h[12:16], h[16:20], h[20:]))

    @contextlib.contextmanager
    def hold_lock(self, pid):
        """Holds the purchase's lock as another brickgate would: the lock
        file's flock (doc/design.md, The store)."""
        import fcntl
        with open(os.path.join(self.ctx_dir, pid + ".lock"), "a+") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            yield

    def read(self, pid):
        with open(os.path.join(self.ctx_dir, pid + ".json")) as f:
            return json.load(f)

    def age(self, pid):
        """Makes the latest payment's record look older than brickgate's
        5-second refresh interval, instead of waiting that long."""
        rec = self.read(pid)
        rec["payment"]["updated_at"] = "2020-01-01T00:00:00.000Z"
        rec["payments"][-1] = rec["payment"]
        self.write_raw(pid, json.dumps(rec))

    def snapshot(self):
        """Names and content hashes of every file in the context
        directory (lock files included)."""
        out = {}
        for name in sorted(os.listdir(self.ctx_dir)):
            with open(os.path.join(self.ctx_dir, name), "rb") as f:
                out[name] = hashlib.sha256(f.read()).hexdigest()
        return out

    # -- the browser's side ------------------------------------------------

    def token(self, name="APRO", number=None):
        if number is None:
            number = CARDS[self.site][1]
        body = {"card_number": number, "expiration_month": 11,
                "expiration_year": 2030, "security_code": "123",
                "cardholder": {"name": name}}
        if self.site in IDS:
            body["cardholder"]["identification"] = IDS[self.site]
        st, _, js = self.sb.request("POST", "/v1/card_tokens", body)
        assert st == 201, (st, js)
        return js["id"]

    def card_form(self, name="APRO", amount=None, method=None,
                  installments=1, **extra):
        """The Brick's card formData, with the amount as a JSON number
        written exactly as the page wrote it."""
        form = {"token": self.token(name),
                "issuer_id": "24",
                "payment_method_id": method or CARDS[self.site][0],
                "transaction_amount": RawNumber(
                    AMOUNTS[self.site] if amount is None else amount),
                "installments": installments,
                "payment_method_option_id": None,
                "processing_mode": None,
                "payer": {"email": EMAIL}}
        if self.site in IDS:
            form["payer"]["identification"] = dict(IDS[self.site])
        form.update(extra)
        return form

    def pix_form(self):
        return {"payment_method_id": "pix",
                "transaction_amount": RawNumber(AMOUNTS[self.site]),
                "payer": {"email": EMAIL}}

    def pay_pix(self, pid):
        """Pays the purchase with Pix: its payment id (pending)."""
        r = self.pay(pid, self.pix_form())
        assert r.status == 201, r
        return r.json()["id"]

    def pay(self, pid, form, headers=None):
        return self.stack.post_json("/process_payment?purchase_id=" + pid,
                                    dumps(form), headers)

    def status(self, pid):
        return self.stack.request("GET", "/payment_status?purchase_id=" +
                                  pid)

    # -- the API's side ----------------------------------------------------

    def api_requests(self, method="POST", path="/v1/payments"):
        st, js = self.sb.ctl("GET", "requests")
        assert st == 200, js
        return [r for r in js["requests"]
                if r["method"] == method and r["path"].startswith(path)]

    def fault(self, **f):
        st, js = self.sb.ctl("POST", "faults", f)
        assert st in (200, 201), (st, js)

    def set_status(self, payment_id, status, detail=None):
        body = {"status": status}
        if detail:
            body["status_detail"] = detail
        st, js = self.sb.ctl("POST", "payments/%d/status" % payment_id, body)
        assert st == 200, (st, js)

    def webhook(self, data_id, secret=WEBHOOK_SECRET, request_id=None,
                ts=None, query=None, header=None, body=None):
        """Sends a notification the way Mercado Pago does, signed with
        secret (or with the given x-signature header); body is an object,
        or text sent unchanged."""
        request_id = request_id or "4c1f5b2e-0d9a-4e51-9f0a-6a2d7c3b8e11"
        ts = int(time.time()) if ts is None else ts
        if query is None:
            query = "data.id=%s&type=payment" % data_id
        if header is None:
            header = sign(secret, data_id, request_id, ts)
        hdrs = {"x-request-id": request_id}
        if header is not False:
            hdrs["x-signature"] = header
        if body is None:
            body = {"id": 12345, "live_mode": False, "type": "payment",
                    "action": "payment.updated", "api_version": "v1",
                    "data": {"id": str(data_id)}}
        if not isinstance(body, str):     # a str is sent as it is
            body = json.dumps(body)
        return self.stack.post_json("/webhooks?source_news=webhooks&" +
                                    query, body, hdrs)

    def webhooks_sent(self):
        st, js = self.sb.ctl("GET", "webhooks")
        assert st == 200, js
        return js

    def log(self):
        return self.stack.log_text()

    def stop(self):
        rc = self.stack.stop()
        src = self.sb.stop()
        try:
            assert rc == 0, "brickgate exit %r\n%s" % (rc, self.log())
            assert src == 0, "sandbox exit %r" % src
        finally:
            self.stack.cleanup()


def refused(site, pid, form, status, code, field=None, raw=None):
    """Sends a bad submission and checks the answer, that Mercado Pago
    was not called and that nothing was written."""
    before = site.snapshot()
    calls = len(site.api_requests())
    if raw is not None:
        r = site.stack.post_json("/process_payment?purchase_id=" + pid, raw)
    else:
        r = site.pay(pid, form)
    expect_error(r, status, code, field)
    assert len(site.api_requests()) == calls, "Mercado Pago was called"
    after = site.snapshot()
    # Taking the purchase's lock may create its lock file; nothing else.
    assert {k: v for k, v in after.items() if not k.endswith(".lock")} == \
        {k: v for k, v in before.items() if not k.endswith(".lock")}
    return r


class RawNumber:
    """A JSON number written with exactly this text ("150.00")."""

    def __init__(self, text):
        self.text = text


def sign(secret, data_id, request_id, ts):
    """x-signature for a notification (brickgate(8), WEBHOOKS)."""
    manifest = ""
    if data_id is not None:
        manifest += "id:%s;" % data_id
    if request_id is not None:
        manifest += "request-id:%s;" % request_id
    manifest += "ts:%d;" % ts
    mac = hmac.new(secret.encode(), manifest.encode(), hashlib.sha256)
    return "ts=%d,v1=%s" % (ts, mac.hexdigest())


def dumps(obj):
    """json.dumps that writes RawNumber text as is."""
    marks = {}

    def enc(o):
        if isinstance(o, RawNumber):
            key = "@@raw%d@@" % len(marks)
            marks[key] = o.text
            return key
        raise TypeError(o)
    text = json.dumps(obj, default=enc)
    for k, v in marks.items():
        text = text.replace('"%s"' % k, v)
    return text


def parse_time(s):
    """Seconds since the epoch of an RFC 3339 time."""
    from datetime import datetime
    return datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()


def made(site, pid):
    """Payments Mercado Pago holds for the purchase (the sandbox's count,
    by external_reference)."""
    st, js = site.sb.ctl("GET", "stats")
    assert st == 200, js
    return js["by_external_reference"].get(pid, 0)


def payment_calls(site, pid):
    """The payment calls brickgate made for the purchase."""
    return [r for r in site.api_requests()
            if (r.get("body") or {}).get("external_reference") == pid]


def wait_for(pred, what, timeout=10):
    """Polls pred() until true (waiting for a condition, never timing)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return
        time.sleep(0.02)
    raise AssertionError("timed out waiting for " + what)
