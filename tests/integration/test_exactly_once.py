"""Never charge twice, never lose a payment: double submits, upstream
errors and timeouts, a crash in the middle of the payment call, and
`brickgate reconcile`, made to happen for real with the sandbox's faults.
Payments are counted on the sandbox's side, by external_reference and by
idempotency key."""
import os
import re
import signal
import threading

from harness import expect_error, run_brickgate
from paytest import Site, made, wait_for
from paytest import payment_calls as posts

S = SLOW = None
# How a site is made: test_exactly_once_pg.py runs these tests again on
# the PostgreSQL store, two hosts behind one nginx.
make_site = Site


def setup_module():
    global S, SLOW
    S = make_site("MLB", {"threads": 12, "api_retries": 2})
    # A tight budget, so that a late answer outlives it.
    SLOW = make_site("MLB", {"api_timeout_ms": 800,
                             "request_deadline_ms": 2000, "api_retries": 2})


def teardown_module():
    try:
        if S is not None:
            S.stop()
    finally:
        if SLOW is not None:
            SLOW.stop()


def test_twelve_concurrent_submits_make_one_payment():
    pid = S.context()
    forms = [S.card_form() for _ in range(12)]
    S.fault(mode="latency", ms=400, count=100, match="POST /v1/payments")
    answers = [None] * 12

    def submit(i):
        answers[i] = S.pay(pid, forms[i])

    threads = [threading.Thread(target=submit, args=(i,))
               for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    S.sb.ctl("DELETE", "faults")
    statuses = sorted(a.status for a in answers)
    assert statuses == [201] + [409] * 11, answers
    for a in answers:
        if a.status == 409:
            assert a.json()["error"]["code"] in (
                "payment_in_progress", "purchase_already_paid"), a
    assert made(S, pid) == 1
    assert len(posts(S, pid)) == 1
    assert len(S.read(pid)["payments"]) == 1


def test_500_then_503_then_success_with_one_key():
    pid = S.context()
    S.fault(mode="status", http_status=500, count=1,
            match="POST /v1/payments")
    S.fault(mode="status", http_status=503, count=1,
            match="POST /v1/payments")
    r = S.pay(pid, S.card_form())
    assert r.status == 201 and r.json()["status"] == "approved", r
    calls = posts(S, pid)
    assert [c["status"] for c in calls] == [500, 503, 201]
    assert len({c["idempotency_key"] for c in calls}) == 1
    assert calls[0]["idempotency_key"] == \
        S.read(pid)["payment"]["idempotency_key"]
    assert made(S, pid) == 1


def test_429_then_success():
    pid = S.context()
    S.fault(mode="status", http_status=429, retry_after=1, count=1,
            match="POST /v1/payments")
    r = S.pay(pid, S.card_form())
    assert r.status == 201, r
    calls = posts(S, pid)
    assert [c["status"] for c in calls] == [429, 201]
    assert calls[0]["idempotency_key"] == calls[1]["idempotency_key"]


def test_4xx_is_not_retried():
    pid = S.context()
    S.fault(mode="status", http_status=400, count=1,
            match="POST /v1/payments")
    r = S.pay(pid, S.card_form())
    expect_error(r, 422, "payment_refused")
    assert len(posts(S, pid)) == 1
    assert S.read(pid)["payment"]["state"] == "refused"


def test_three_500s_then_the_buyer_clicks_again():
    pid = S.context()
    S.fault(mode="status", http_status=500, count=3,
            match="POST /v1/payments")
    r = S.pay(pid, S.card_form())
    expect_error(r, 502, "upstream_error")
    rec = S.read(pid)
    assert rec["payment"]["state"] == "creating"
    key = rec["payment"]["idempotency_key"]
    assert made(S, pid) == 0
    # The next request searches, finds nothing, and resumes the open
    # attempt with its key: still one attempt, now one payment.
    r = S.pay(pid, S.card_form())
    assert r.status == 201 and r.json()["status"] == "approved", r
    calls = posts(S, pid)
    assert len(calls) == 4
    assert {c["idempotency_key"] for c in calls} == {key}
    rec = S.read(pid)
    assert len(rec["payments"]) == 1 and rec["payment"]["state"] == "created"
    assert S.api_requests("GET", "/v1/payments/search")
    assert made(S, pid) == 1


def test_created_then_late_answer_then_resubmit():
    s = SLOW
    pid = s.context()
    s.fault(mode="create_then_delay", ms=4000, count=1,
            match="POST /v1/payments")
    first = s.pay(pid, s.card_form())
    # Whatever this answer is (the retry with the same key may already
    # have found the payment), Mercado Pago holds exactly one payment.
    assert first.status in (201, 502, 504), first
    assert made(s, pid) == 1
    calls = posts(s, pid)
    assert len({c["idempotency_key"] for c in calls}) == 1
    wait_for(lambda: s.sb.ctl("GET", "faults")[1].get("faults") == [],
             "the late answer")
    r = s.pay(pid, s.card_form())
    assert r.status == 409, r
    assert r.json()["error"]["code"] == "purchase_already_paid"
    assert r.json()["payment"]["status"] == "approved"
    assert made(s, pid) == 1
    rec = s.read(pid)
    assert len(rec["payments"]) == 1
    assert rec["payment"]["state"] == "created"


def test_sigkill_in_the_middle_of_the_call():
    s = SLOW
    pid = s.context()
    s.fault(mode="create_then_delay", ms=3000, count=1,
            match="POST /v1/payments")
    box = {}
    t = threading.Thread(target=lambda: box.update(
        r=s.pay(pid, s.card_form())))
    t.start()
    wait_for(lambda: posts(s, pid), "the payment call")
    assert s.stack.kill_brickgate() == -signal.SIGKILL
    t.join()
    assert box["r"].status == 502, box["r"]     # nginx: upstream gone
    # The record is whole and says an attempt was being made: brickgate
    # reads it so, from the side file the page cache kept (the process
    # died, not the machine).
    rec = s.show(pid)
    assert rec["payment"]["state"] == "creating"
    key = rec["payment"]["idempotency_key"]
    assert not [n for n in os.listdir(s.ctx_dir) if n.endswith(".tmp")]
    s.stack.restart_brickgate()
    r = s.pay(pid, s.card_form())
    assert r.status == 409, r
    assert r.json()["error"]["code"] == "purchase_already_paid"
    assert made(s, pid) == 1
    rec = s.read(pid)
    assert len(rec["payments"]) == 1
    assert rec["payment"]["idempotency_key"] == key
    assert rec["payment"]["status"] == "approved"


# -- brickgate reconcile ------------------------------------------------------

def reconcile(site, *args):
    env = {k: v for k, v in site.stack.env.items()
           if k.startswith("BRICKGATE_")}
    return run_brickgate(["reconcile"] + list(args), env=env)


def pix(site, pid):
    return site.pay_pix(pid)


def test_reconcile_settles_what_was_left():
    s = make_site("MLB", {"api_retries": 0})
    try:
        # 1. A Pix paid while nobody asked.
        paid_pix = s.context()
        pay_id = pix(s, paid_pix)
        s.set_status(pay_id, "approved")
        # 2. An attempt whose answer never came, made upstream meanwhile.
        lost = s.context()
        s.fault(mode="drop", count=20, match="POST /v1/payments")
        expect_error(s.pay(lost, s.card_form()), 504, "upstream_timeout")
        s.sb.ctl("DELETE", "faults")
        rec = s.read(lost)
        body = posts(s, lost)[-1]["body"]
        st, _, upstream = s.sb.request(
            "POST", "/v1/payments", body,
            key=rec["payment"]["idempotency_key"])
        assert st == 201, upstream
        # 3. A wallet payment nobody came back from.
        wallet = s.context()
        r = s.stack.request("POST", "/create_preference?purchase_id=" +
                            wallet)
        pref = r.json()["preference_id"]
        st, js = s.sb.ctl("POST", "preferences/%s/pay" % pref, {})
        assert st == 201, js
        # 4. Nothing to do.
        idle = s.context()
        before_idle = s.read(idle)

        # Young records belong to requests that may still run: skipped.
        # A preference with no attempt has nothing in flight: searched.
        rc, out, err = reconcile(s)
        assert rc == 0, err
        assert out == "%s created approved %d\n" % (
            wallet, s.read(wallet)["payment"]["id"]), out
        assert s.read(paid_pix)["payment"]["status"] == "pending"
        assert s.read(lost)["payment"]["state"] == "creating"

        rc, out, err = reconcile(s, "--older-than", "0")
        assert rc == 0, err
        assert "4 purchases, 2 settled, 0 busy, 0 failed" in err, err
        assert sorted(ln.split()[0] for ln in out.splitlines()) == \
            sorted([paid_pix, lost]), out
        assert s.read(paid_pix)["payment"]["status"] == "approved"
        rec = s.read(lost)
        assert rec["payment"]["state"] == "created"
        assert rec["payment"]["id"] == upstream["id"]
        assert len(rec["payments"]) == 1
        w = s.read(wallet)
        assert w["payment"]["payment_method_id"] == "account_money"
        assert w["payment"]["status"] == "approved"
        assert s.read(idle) == before_idle
        assert made(s, lost) == 1
        # It never creates or cancels anything.
        assert not s.api_requests("PUT", "/v1/payments")
    finally:
        s.stop()


def test_reconcile_fails_while_mercado_pago_does_not_answer():
    """A run that could not ask Mercado Pago exits 1 naming the purchase
    (a timer or cron then shows the failure), changes nothing, and the
    next run settles it."""
    pid = S.context()
    pay_id = pix(S, pid)
    S.set_status(pay_id, "approved")
    before = S.read(pid)
    S.fault(mode="status", http_status=503, count=1000,
            match="GET /v1/payments*")
    try:
        rc, out, err = reconcile(S, "--older-than=0")
    finally:
        S.sb.ctl("DELETE", "faults")
    assert rc == 1, (rc, out, err)
    assert "%s: Mercado Pago did not answer" % pid in err, err
    assert re.search(r" [1-9]\d* failed", err), err
    assert pid not in out, out
    assert S.read(pid) == before
    rc, out, err = reconcile(S, "--older-than=0")
    assert rc == 0, err
    assert "%s created approved %d" % (pid, pay_id) in out, out
    assert S.read(pid)["payment"]["status"] == "approved"


def test_reconcile_skips_busy_purchases_and_checks_its_arguments():
    pid = S.context()
    pix(S, pid)
    with S.hold_lock(pid):
        rc, out, err = reconcile(S, "--older-than=0")
    assert rc == 0, err
    assert " 1 busy, 0 failed" in err, err
    rc, _, err = reconcile(S, "--older-than", "soon")
    assert rc == 64 and "--older-than" in err, err
    for bad, why in ((["extra"], "unexpected argument 'extra'"),
                     (["--older-than"], "--older-than needs a value"),
                     # A misspelt option must not fall back to 120 s.
                     (["--older-then", "0"], "unknown option --older-then")):
        rc, out, err = reconcile(S, *bad)
        assert rc == 64 and why in err and out == "", (bad, rc, err)
    rc, out, err = reconcile(S, "--check-config")
    assert rc == 78 and "--check-config runs no command" in err, (rc, err)
    assert out == "", out
