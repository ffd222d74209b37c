"""The demo end to end in a real browser: demo/run (a sandbox and a
brickgate for each of MLB, MLM and MCO, behind one nginx) from the build
under test, its checkout page driven in headless Chromium (Debian's
/usr/bin/chromium through npm playwright-core, pinned) by demo.spec.js: an
approved card, a rejected card paid again, a Pix paid through the sandbox's
control endpoint, a boleto, an OXXO voucher, a PSE transfer and a wallet
payment paid through the page's Simulate buttons.  Screenshots of each
final state go to out/screenshots/.

Pix is skipped, saying so, while brickgate answers it with 400
unsupported_payment_method (it comes with a later issue); every other
answer, for Pix or a card, is checked.
"""
import base64
import glob
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import unittest
import urllib.request

from harness import npm_install, tmpdir

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.path.dirname(os.path.dirname(HERE))
PLAYWRIGHT_VERSION = "1.65.1"
CHROMIUM = "/usr/bin/chromium"
SHOTS = os.path.join(SRCDIR, "out", "screenshots")
# npm's packages stay with the clone (only this process reads them); the
# demo's files go where nginx's worker (nobody) can read them.
NPM_BASE = os.path.join(SRCDIR, "out", "npm")

DEMO = None        # the demo/run child
RUN = None         # its files
PIDS = {}          # name -> PID, as demo/run wrote them
PORT = SANDBOX_PORT = None   # the sandboxes: SANDBOX_PORT and the next two
SITES = ("mlb", "mlm", "mco")
STEPS = {}
LOG = None


def free_ports(n, run=1):
    """n distinct free loopback ports, the last one the first of `run`
    consecutive free ports (demo/run puts its sandboxes on consecutive
    ports)."""
    for _ in range(50):
        socks, ports = [], []
        try:
            for i in range(n + run - 1):
                s = socket.socket()
                socks.append(s)
                s.bind(("127.0.0.1", ports[-1] + 1 if i >= n else 0))
                ports.append(s.getsockname()[1])
        except (OSError, OverflowError):
            continue
        finally:
            for s in socks:
                s.close()
        return ports[:n]
    raise AssertionError("no %d consecutive free ports" % run)


def install_playwright():
    return npm_install(NPM_BASE, "playwright-core", PLAYWRIGHT_VERSION)


def get(url):
    with urllib.request.urlopen(url, timeout=5) as r:
        return r.status, r.read().decode("utf-8", "replace")


def wait_for_page(url, text="brickgate demo checkout", timeout=30):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        assert DEMO.poll() is None, "demo/run exited with %s:\n%s" % (
            DEMO.returncode, demo_output())
        try:
            status, body = get(url)
            if status == 200 and text in body:
                return
            last = status
        except OSError as e:
            last = e
        time.sleep(0.1)
    raise AssertionError("the demo page never came up: %r\n%s"
                         % (last, demo_output()))


def demo_output():
    try:
        with open(LOG, encoding="utf-8", errors="replace") as f:
            return f.read()[-4000:]
    except (OSError, TypeError):
        return ""


def setup_module():
    global DEMO, RUN, PORT, SANDBOX_PORT, LOG
    for tool in ("node", "npm"):
        assert shutil.which(tool), tool + " is needed for the browser test"
    assert os.access(CHROMIUM, os.X_OK), "no " + CHROMIUM
    build = os.environ.get("BRICKGATE_BUILD")
    assert build, "set BRICKGATE_BUILD to the build directory"
    pw = install_playwright()

    tmp = tmpdir("bg-browser-")     # nginx's worker reads the page there
    os.makedirs(SHOTS, exist_ok=True)
    for old in glob.glob(os.path.join(SHOTS, "*.png")):
        os.remove(old)

    PORT, SANDBOX_PORT = free_ports(2, run=len(SITES))
    # As a person runs it; demo/run also drops any BRICKGATE_* it inherits
    # (brickgate refuses unknown ones, such as the harness's
    # BRICKGATE_BUILD).
    env = dict(os.environ, DEMO_BUILD=build, DEMO_PORT=str(PORT),
               DEMO_SANDBOX_PORT=str(SANDBOX_PORT), TMPDIR=tmp)
    LOG = os.path.join(tmp, "demo-run.out")
    with open(LOG, "wb") as out:
        # Its own process group: teardown stops the demo and all it started.
        DEMO = subprocess.Popen([os.path.join(SRCDIR, "demo", "run")],
                                env=env, stdin=subprocess.DEVNULL,
                                stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    wait_for_page("http://127.0.0.1:%d/" % PORT)
    for site in SITES:
        wait_for_page("http://127.0.0.1:%d/api/%s/healthz" % (PORT, site),
                      '"status":"ok"')
    runs = glob.glob(os.path.join(tmp, "brickgate-demo.*"))
    assert len(runs) == 1, runs
    RUN = runs[0]
    with open(os.path.join(RUN, "pids")) as f:
        for line in f:
            name, pid = line.split()
            PIDS[name] = int(pid)
    assert sorted(PIDS) == sorted(
        ["nginx"] + ["%s-%s" % (what, site) for site in SITES
                     for what in ("brickgate", "sandbox")]), PIDS

    p = subprocess.run(["node", os.path.join(HERE, "demo.spec.js"), pw,
                        "http://127.0.0.1:%d" % PORT] +
                       ["http://127.0.0.1:%d" % (SANDBOX_PORT + i)
                        for i in range(len(SITES))] + [SHOTS],
                       capture_output=True, text=True, timeout=180)
    for line in p.stdout.splitlines():
        rec = json.loads(line)
        STEPS[rec["step"]] = rec["value"]
    assert "crash" not in STEPS, "%s\n%s" % (STEPS["crash"], p.stderr)
    assert p.returncode == 0, p.stderr
    timings = ", ".join("%s %.1fs" % (k, v["ms"] / 1000.0)
                        for k, v in STEPS.items()
                        if isinstance(v, dict) and "ms" in v)
    print("# browser: " + timings, flush=True)


def kill_all(pgid):
    """After a failed stop: the demo's group, and what it said it started."""
    for pid in PIDS.values():
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def teardown_module():
    if DEMO is None:
        return
    # Keep the logs (demo/run removes its folder when it stops).
    if RUN and os.path.isdir(RUN):
        for src in glob.glob(os.path.join(RUN, "*.log")):
            shutil.copy(src, os.path.dirname(RUN))
    pgid = DEMO.pid
    if DEMO.poll() is None:
        os.killpg(pgid, signal.SIGTERM)
    try:
        rc = DEMO.wait(30)
    except subprocess.TimeoutExpired:
        kill_all(pgid)
        DEMO.wait()
        raise AssertionError("demo/run did not stop on SIGTERM")
    left = subprocess.run(["pgrep", "-g", str(pgid)], capture_output=True,
                          text=True).stdout.split()
    for name, pid in PIDS.items():
        try:
            os.kill(pid, 0)
            left.append("%s %d" % (name, pid))
        except ProcessLookupError:
            pass
    if left:
        kill_all(pgid)
    assert not left, "left running after the demo stopped: %s" % left
    assert rc == 0, "demo/run exit status %d:\n%s" % (rc, demo_output())
    assert not os.path.exists(RUN), "demo/run left " + RUN


# -- helpers -----------------------------------------------------------------

def step(name):
    v = STEPS.get(name)
    assert v is not None, "no result for step %s: %s" % (name, STEPS)
    assert "crash" not in v, v["crash"]
    return v


def skip_if_missing(answer, what, code):
    """Skips when brickgate says the flow is not there yet."""
    body = answer.get("body") or {}
    if answer["status"] == 400 and \
            (body.get("error") or {}).get("code") == code:
        raise unittest.SkipTest("%s: brickgate answers %d %s" % (
            what, answer["status"], code))


def png(name):
    path = os.path.join(SHOTS, name)
    with open(path, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", path
    width = int.from_bytes(head[16:20], "big")
    height = int.from_bytes(head[20:24], "big")
    assert width >= 800 and height >= 600, (path, width, height)


def summary_ok(p, status, purchase):
    """The payment summary of brickgate(8), Answers, nothing more."""
    assert isinstance(p["id"], int) and p["id"] > 0, p
    assert p["status"] == status, p
    assert isinstance(p["status_detail"], str) and p["status_detail"], p
    if "purchase_id" in p:
        assert p["purchase_id"] == purchase, p
    allowed = {"purchase_id", "id", "status", "status_detail",
               "payment_method_id", "payment_type_id", "transaction_amount",
               "installments", "pix", "ticket", "redirect_url", "three_ds"}
    assert set(p) <= allowed, "not in the summary: %s" % (set(p) - allowed)


def approved_shown(card, purchase):
    assert card["token"]["status"] == 201, card
    assert re.fullmatch(r"[0-9a-f]{32}", card["token"]["id"] or ""), card
    assert card["pay"]["status"] == 201, card["pay"]
    summary_ok(card["pay"]["body"], "approved", purchase)
    shown = card["shown"]
    assert shown["state"] == "approved", shown
    assert shown["title"] == "Payment approved", shown
    assert str(card["pay"]["body"]["id"]) in shown["text"], shown
    assert shown["http"] == "201", shown
    assert card["payDisabled"], "a paid purchase still offers Pay"


# -- tests -------------------------------------------------------------------

def test_page_loads_only_local_assets():
    v = step("form")
    assert v["status"] == 200, v
    assert v["title"] == "brickgate demo checkout", v
    assert v["purchase"] == "demo-card-1" and v["amount"] == "150.00", v
    assert v["shown"]["state"] == "idle", v["shown"]
    assert v["shown"]["title"] == "Nothing submitted yet", v["shown"]
    assert "Payment Brick" in v["note"], v
    assert v["errors"] == [], v["errors"]
    assert step("external")["requests"] == [], step("external")
    png("checkout-form.png")


def test_card_tokenised_through_the_sandbox():
    card = step("card_approved")
    assert card["token"]["status"] == 201, card
    assert re.fullmatch(r"[0-9a-f]{32}", card["token"]["id"] or ""), card


def test_approved_card():
    card = step("card_approved")
    approved_shown(card, "demo-card-1")
    assert card["pay"]["body"]["status_detail"] == "accredited", card
    assert card["errors"] == [], card["errors"]
    png("card-approved.png")


def test_reload_shows_the_recorded_payment():
    v = step("card_reload")
    assert v["status_answer"]["status"] == 200, v
    summary_ok(v["status_answer"]["body"], "approved", "demo-card-1")
    assert v["status_answer"]["body"]["id"] == \
        step("card_approved")["pay"]["body"]["id"], v
    assert v["shown"]["state"] == "approved", v["shown"]
    assert v["shown"]["title"] == "Payment approved", v["shown"]
    assert v["payDisabled"], v
    assert v["errors"] == [], v["errors"]
    png("card-reload.png")


def test_rejected_card_then_paid_again():
    v = step("card_rejected_then_approved")
    rej = v["rejected"]
    assert rej["pay"]["status"] == 201, rej["pay"]
    summary_ok(rej["pay"]["body"], "rejected", "demo-card-2")
    assert rej["pay"]["body"]["status_detail"] == \
        "cc_rejected_other_reason", rej
    shown = rej["shown"]
    assert shown["state"] == "rejected", shown
    assert shown["title"] == "Payment rejected", shown
    assert "declined" in shown["text"] and "pay again" in shown["text"], \
        shown
    assert not rej["payDisabled"], "a rejected card must let the buyer retry"
    png("card-rejected.png")
    again = v["retried"]
    approved_shown(again, "demo-card-2")
    assert again["pay"]["body"]["id"] != rej["pay"]["body"]["id"], v
    assert again["token"]["id"] != rej["token"]["id"], "a token was reused"
    assert v["errors"] == [], v["errors"]
    png("card-retry-approved.png")


def test_cards_in_mexico_and_colombia():
    v = step("card_other_sites")
    mx, co = v["MLM"], v["MCO"]
    approved_shown(mx, "demo-mx-card-1")
    assert not mx["docVisible"], "Mexico asks for no document"
    assert "identification" not in mx["sent"]["payer"], mx["sent"]
    assert mx["sent"]["transaction_amount"] == 499.5, mx["sent"]
    assert mx["pay"]["body"]["transaction_amount"] == "499.50", mx["pay"]
    assert mx["errors"] == [], mx["errors"]
    png("card-mlm.png")
    approved_shown(co, "demo-co-card-1")
    assert co["docVisible"], co
    assert co["sent"]["payer"]["identification"] == \
        {"type": "CC", "number": "1012345678"}, co["sent"]
    assert co["sent"]["transaction_amount"] == 120000, co["sent"]
    assert co["pay"]["body"]["transaction_amount"] == "120000", co["pay"]
    assert co["errors"] == [], co["errors"]
    png("card-mco.png")


def test_pix_code_shown_and_paid():
    v = step("pix")
    skip_if_missing(v["pay"], "Pix", "unsupported_payment_method")
    assert v["pay"]["status"] == 201, v["pay"]
    p = v["pay"]["body"]
    summary_ok(p, "pending", "demo-pix-1")
    assert p["status_detail"] == "pending_waiting_transfer", p
    assert p.get("payment_method_id", "pix") == "pix", p
    pix = p["pix"]
    assert base64.b64decode(pix["qr_code_base64"])[:8] == \
        b"\x89PNG\r\n\x1a\n", "qr_code_base64 is not a PNG"
    assert pix["qr_code"].startswith("000201"), pix["qr_code"][:40]
    shown = v["shown"]
    assert shown["state"] == "pending" and shown["title"] == "Pay with Pix", \
        shown
    assert v["qr"]["visible"] and v["qr"]["complete"], v["qr"]
    assert v["qr"]["naturalWidth"] > 20, "the QR image did not decode"
    assert v["qr"]["src"] == "data:image/png;base64,", v["qr"]
    assert v["code"] == pix["qr_code"], "copy-paste code not shown"
    assert v["ticket_url"] == pix["ticket_url"], v
    png("pix-code.png")

    assert v["control"]["status"] == 200, v["control"]
    assert v["status_answer"]["status"] == 200, v["status_answer"]
    summary_ok(v["status_answer"]["body"], "approved", "demo-pix-1")
    assert v["status_answer"]["body"]["id"] == p["id"], v
    after = v["after"]
    assert after["state"] == "approved", after
    assert after["title"] == "Payment approved", after
    assert str(p["id"]) in after["text"], after
    assert v["errors"] == [], v["errors"]
    png("pix-approved.png")


def test_boleto_voucher_linked():
    v = step("boleto")
    assert v["pay"]["status"] == 201, v["pay"]
    p = v["pay"]["body"]
    summary_ok(p, "pending", "demo-boleto-1")
    assert p["payment_method_id"] == "bolbradesco", p
    assert p["status_detail"] == "pending_waiting_payment", p
    assert p["ticket"]["url"].startswith("http"), p
    shown = v["shown"]
    assert shown["state"] == "pending" and shown["title"] == \
        "Boleto issued", shown
    assert v["voucher"]["visible"], v["voucher"]
    assert v["voucher"]["href"] == p["ticket"]["url"], v
    assert v["errors"] == [], v["errors"]
    png("boleto.png")


def test_contexts_per_site():
    """Each brickgate has its own context dir, and each purchase the site
    and currency of the brickgate that serves it."""
    want = {"mlb": ("MLB", "BRL", {"demo-card-1": "150.00",
                                   "demo-pix-1": "89.90",
                                   "demo-boleto-1": "310.00",
                                   "demo-wallet-1": "120.00"}),
            "mlm": ("MLM", "MXN", {"demo-oxxo-1": "250.00"}),
            "mco": ("MCO", "COP", {"demo-pse-1": "50000"})}
    for site, (code, currency, purchases) in want.items():
        d = os.path.join(RUN, "contexts-" + site)
        names = os.listdir(d)
        assert not [n for n in names if n.endswith(".tmp")], names
        for name in names:
            if not name.endswith(".json"):
                continue
            with open(os.path.join(d, name)) as f:
                c = json.load(f)
            assert c["site"] == code and c["currency"] == currency, (name, c)
        for pid, amount in purchases.items():
            with open(os.path.join(d, pid + ".json")) as f:
                assert json.load(f)["amount"] == amount, pid


def test_oxxo_voucher_linked():
    v = step("oxxo")
    assert v["header"] == {"amount": "250.00", "currency": "MXN"}, v
    assert v["tabs"] == ["Card", "OXXO", "Mercado Pago"], v["tabs"]
    assert v["api"] == "/api/mlm/process_payment", v["api"]
    assert v["sent"] == {"payment_method_id": "oxxo",
                         "transaction_amount": 250,
                         "payer": {"email": "test_user_123@testuser.com"}}, \
        v["sent"]
    assert v["pay"]["status"] == 201, v["pay"]
    p = v["pay"]["body"]
    summary_ok(p, "pending", "demo-oxxo-1")
    assert p["payment_method_id"] == "oxxo", p
    assert p["status_detail"] == "pending_waiting_payment", p
    assert p["transaction_amount"] == "250.00", p
    assert p["ticket"]["url"].startswith("http"), p
    shown = v["shown"]
    assert shown["state"] == "pending", shown
    assert shown["title"] == "OXXO voucher issued", shown
    assert "OXXO" in shown["text"], shown
    assert v["voucher"]["visible"], v["voucher"]
    assert v["voucher"]["href"] == p["ticket"]["url"], v
    assert v["voucher"]["text"] == "Open the OXXO voucher", v["voucher"]
    if p["ticket"].get("barcode"):
        assert p["ticket"]["barcode"] in v["code"], v["code"]
    assert v["errors"] == [], v["errors"]
    png("oxxo.png")


def test_pse_bank_link_then_paid():
    v = step("pse")
    assert v["header"] == {"amount": "50000", "currency": "COP"}, v
    assert v["tabs"] == ["Card", "PSE", "Mercado Pago"], v["tabs"]
    assert v["api"] == "/api/mco/process_payment", v["api"]
    assert v["sent"] == {
        "payment_method_id": "pse", "transaction_amount": 50000,
        "payer": {"email": "test_user_123@testuser.com",
                  "entity_type": "individual",
                  "identification": {"type": "CC", "number": "1012345678"}},
        "transaction_details": {"financial_institution": "1051"}}, v["sent"]
    assert v["pay"]["status"] == 201, v["pay"]
    p = v["pay"]["body"]
    summary_ok(p, "pending", "demo-pse-1")
    assert p["payment_method_id"] == "pse", p
    assert p["status_detail"] == "pending_waiting_transfer", p
    assert p["transaction_amount"] == "50000", p
    assert p["redirect_url"].startswith("http"), p
    shown = v["shown"]
    assert shown["state"] == "pending", shown
    assert shown["title"] == "Continue at your bank", shown
    assert str(p["id"]) in shown["text"], shown
    # The link to the bank, which the page does not follow by itself.
    assert v["bank"]["visible"], v["bank"]
    assert v["bank"]["href"] == p["redirect_url"], v
    assert v["page_url"].startswith("http://127.0.0.1:%d/" % PORT), v
    png("pse-bank.png")

    # The bank: the sandbox marks the payment approved.
    assert v["control"]["url"] == \
        "/sandbox/mco/__sandbox/payments/%d/status" % p["id"], v["control"]
    assert v["control"]["status"] == 200, v["control"]
    assert v["status_answer"]["status"] == 200, v["status_answer"]
    summary_ok(v["status_answer"]["body"], "approved", "demo-pse-1")
    assert v["status_answer"]["body"]["id"] == p["id"], v
    after = v["after"]
    assert after["state"] == "approved", after
    assert after["title"] == "Payment approved", after
    assert str(p["id"]) in after["text"], after
    assert v["page_url_after"] == v["page_url"], "the page left for the bank"
    assert v["errors"] == [], v["errors"]
    png("pse-approved.png")

    # The bank sends the buyer back to the demo's page, which shows the
    # payment.
    cb = v["callback_url"]
    assert cb and cb.startswith("http://127.0.0.1:%d/?" % PORT), cb
    assert "site=MCO" in cb and "purchase_id=demo-pse-1" in cb, cb
    back = v["returned"]
    assert back["shown"]["state"] == "approved", back
    assert str(p["id"]) in back["shown"]["text"], back
    assert back["amount"] == "50000", back
    assert back["tab"] == "PSE", back
    assert back["errors"] == [], back["errors"]
    png("pse-return.png")


def test_wallet_redirect_then_paid():
    v = step("wallet")
    pref = v["preference"]
    assert pref["status"] == 200, pref
    pid = pref["body"]["preference_id"]
    assert isinstance(pid, str) and pid, pref
    assert v["sent"] == {"selectedPaymentMethod": "wallet_purchase",
                         "formData": None}, v["sent"]
    assert v["pay"]["status"] == 200, v["pay"]
    assert v["pay"]["body"] == {"action": "redirect",
                                "preference_id": pid}, v["pay"]
    shown = v["shown"]
    assert shown["state"] == "pending", shown
    assert shown["title"] == "Continue at Mercado Pago", shown
    assert v["preference_shown"] == pid, v
    png("wallet-redirect.png")

    # Mercado Pago: the sandbox pays the preference.
    assert v["control"]["url"] == \
        "/sandbox/mlb/__sandbox/preferences/%s/pay" % pid, v["control"]
    assert v["control"]["status"] in (200, 201), v["control"]
    ans = v["status_answer"]
    assert ans["status"] == 200, ans
    summary_ok(ans["body"], "approved", "demo-wallet-1")
    assert ans["body"]["payment_method_id"] == "account_money", ans
    assert ans["body"]["transaction_amount"] == "120.00", ans
    after = v["after"]
    assert after["state"] == "approved", after
    assert after["title"] == "Payment approved", after
    assert str(ans["body"]["id"]) in after["text"], after
    assert v["errors"] == [], v["errors"]
    png("wallet-approved.png")


def test_every_payment_carried_the_device_id():
    """The page sends X-Meli-Session-Id with each /process_payment (a
    fixed test value offline: no security.js), and brickgate forwarded it
    on every payment it created, in each of the three countries."""
    made = 0
    for i in range(len(SITES)):
        st, text = get("http://127.0.0.1:%d/__sandbox/requests" %
                       (SANDBOX_PORT + i))
        assert st == 200, text
        for r in json.loads(text)["requests"]:
            if r["method"] == "POST" and r["path"] == "/v1/payments":
                made += 1
                assert r["device_id"] == "demo-device-0000000000000000", r
    assert made >= 6, made
