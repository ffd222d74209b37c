"""`brickgate refund` (brickgate(8), COMMANDS):
through nginx and the CLI against the sandbox.  A full refund; partial
ones up to the amount, and one above what is left refused before
anything is sent; a refund whose answer never came, resumed with the
same key by the next run; refusals with one line and nothing sent (no
approved payment, bad amounts, a busy purchase)."""

import json

from harness import TOKEN, run_brickgate
from paytest import Site

make_site = Site
S = None


def setup_module():
    global S
    S = make_site("MLB", {"api_retries": 1, "api_timeout_ms": 1500,
                          "request_deadline_ms": 10000})


def teardown_module():
    if S is not None:
        S.stop()


def refund(site, *args):
    env = {k: v for k, v in site.stack.env.items()
           if k.startswith("BRICKGATE_")}
    return run_brickgate(["refund"] + list(args), env=env)


def paid(site):
    """A purchase of 150.00 paid by an approved card payment."""
    pid = site.context()
    r = site.pay(pid, site.card_form())
    assert r.status == 201, r
    assert r.json()["status"] == "approved", r.json()
    return pid, r.json()["id"]


def refund_calls(site, pay_id):
    return site.api_requests("POST", "/v1/payments/%d/refunds" % pay_id)


def sandbox_refunds(site, pay_id):
    st, _, js = site.sb.request("GET", "/v1/payments/%d/refunds" % pay_id)
    assert st == 200, (st, js)
    return js


def payment_of(site, pay_id):
    st, _, js = site.sb.request("GET", "/v1/payments/%d" % pay_id)
    assert st == 200, (st, js)
    return js


def no_secret(*texts):
    """The access token never shows, whole or its secret tail."""
    with open(S.stack.env["BRICKGATE_ACCESS_TOKEN_FILE"]) as f:
        token = f.read().strip()
    assert len(token) > 20
    for t in texts:
        assert token not in t and token[-16:] not in t, t


def test_full_refund():
    pid, pay_id = paid(S)
    rc, out, err = refund(S, pid)
    assert rc == 0, (rc, out, err)
    rid, amount, status = out.split()
    assert amount == "150.00" and status == "approved", out
    no_secret(out, err)
    calls = refund_calls(S, pay_id)
    assert len(calls) == 1 and calls[0]["body"] in ({}, None), calls
    rec = S.read(pid)
    assert len(rec["refunds"]) == 1, rec
    f = rec["refunds"][0]
    assert set(f) == {"id", "payment_id", "amount", "status",
                      "idempotency_key", "date_created"}, f
    assert f["id"] == int(rid) and f["payment_id"] == pay_id
    assert str(f["amount"]) in ("150.00", "150.0", "150"), f
    assert f["idempotency_key"] == calls[0]["idempotency_key"]
    assert rec["payment"]["status"] == "refunded", rec["payment"]
    assert payment_of(S, pay_id)["status"] == "refunded"
    # Refunded: nothing left, and nothing sent.
    rc, out, err = refund(S, pid)
    assert rc == 1 and out == "", (rc, out, err)
    assert err == "brickgate refund: %s: no approved payment to refund\n" \
        % pid, err
    assert len(refund_calls(S, pay_id)) == 1


def test_partial_refunds_then_one_too_many():
    pid, pay_id = paid(S)
    rc, out, err = refund(S, pid, "--amount", "50.00")
    assert rc == 0, (rc, out, err)
    assert out.split()[1:] == ["50.00", "approved"], out
    rc, out, err = refund(S, pid, "--amount=60.5")
    assert rc == 0, (rc, out, err)
    assert out.split()[1:] == ["60.50", "approved"], out
    pay = payment_of(S, pay_id)
    assert pay["status"] == "approved", pay
    assert pay["status_detail"] == "partially_refunded", pay
    assert pay["transaction_amount_refunded"] == 110.5, pay
    assert len(pay["refunds"]) == 2
    rec = S.read(pid)
    assert rec["payment"]["status_detail"] == "partially_refunded"
    assert len(rec["refunds"]) == 2
    keys = [f["idempotency_key"] for f in rec["refunds"]]
    assert len(set(keys)) == 2, keys
    # 39.50 left: 40.00 is refused before anything is sent.
    rc, out, err = refund(S, pid, "--amount", "40.00")
    assert rc == 1 and out == "", (rc, out, err)
    assert err == ("brickgate refund: %s: 40.00 is more than the 39.50 "
                   "left to refund\n" % pid), err
    assert len(refund_calls(S, pay_id)) == 2
    assert len(sandbox_refunds(S, pay_id)) == 2
    # The rest, in full: the payment becomes refunded.
    rc, out, err = refund(S, pid)
    assert rc == 0, (rc, out, err)
    assert out.split()[1:] == ["39.50", "approved"], out
    assert payment_of(S, pay_id)["status"] == "refunded"
    assert S.read(pid)["payment"]["status"] == "refunded"


def test_refund_whose_answer_never_came_is_resumed_with_its_key():
    pid, pay_id = paid(S)
    S.fault(mode="drop", count=10, match="POST /v1/payments/*")
    try:
        rc, out, err = refund(S, pid, "--amount", "20.00")
    finally:
        S.sb.ctl("DELETE", "faults")
    assert rc == 1 and out == "", (rc, out, err)
    # The retries are logged (standard error with no log_file); the
    # command's own word is its last line.
    lines = err.splitlines()
    assert lines[-1] == ("brickgate refund: %s: Mercado Pago did not "
                         "answer (Empty reply from server); the refund "
                         "stays open: run the same command again to "
                         "resume it" % pid), err
    assert all(" warn purchase %s: " % pid in x for x in lines[:-1]), err
    assert sandbox_refunds(S, pay_id) == []
    rec = S.read(pid)
    assert len(rec["refunds"]) == 1 and rec["refunds"][0]["id"] is None
    key = rec["refunds"][0]["idempotency_key"]
    # Another amount while it is open: refused, nothing sent.
    n = len(refund_calls(S, pay_id))
    rc, out, err = refund(S, pid, "--amount", "30.00")
    assert rc == 1, (rc, out, err)
    no_secret(out, err)
    assert err == ("brickgate refund: %s: a refund of 20.00 is open (its "
                   "answer never came); run this command with --amount "
                   "20.00 to resume it\n" % pid), err
    assert len(refund_calls(S, pay_id)) == n
    rc, out, err = refund(S, pid, "--amount", "20.00")
    assert rc == 0, (rc, out, err)
    no_secret(out, err)
    assert out.split()[1:] == ["20.00", "approved"], out
    calls = refund_calls(S, pay_id)
    assert {c["idempotency_key"] for c in calls} == {key}, calls
    assert len(sandbox_refunds(S, pay_id)) == 1
    rec = S.read(pid)
    assert len(rec["refunds"]) == 1 and rec["refunds"][0]["id"] > 0


def test_refund_made_whose_answer_came_late_is_made_once():
    pid, pay_id = paid(S)
    S.fault(mode="create_then_delay", ms=4000, count=2,
            match="POST /v1/payments/*")
    try:
        rc, out, err = refund(S, pid)
    finally:
        S.sb.ctl("DELETE", "faults")
    assert rc == 1, (rc, out, err)
    assert len(sandbox_refunds(S, pay_id)) == 1
    rc, out, err = refund(S, pid)
    assert rc == 0, (rc, out, err)
    assert out.split()[1:] == ["150.00", "approved"], out
    assert len(sandbox_refunds(S, pay_id)) == 1
    keys = {c["idempotency_key"] for c in refund_calls(S, pay_id)}
    assert len(keys) == 1, keys
    assert S.read(pid)["payment"]["status"] == "refunded"


def test_no_approved_payment():
    pid = S.context()
    before = len(S.api_requests("POST", "/v1/payments/"))
    rc, out, err = refund(S, pid)
    assert rc == 1 and out == "", (rc, out, err)
    assert err == "brickgate refund: %s: no approved payment to refund\n" \
        % pid, err
    assert len(S.api_requests("POST", "/v1/payments/")) == before
    assert "refunds" not in S.read(pid)


def test_bad_amounts():
    pid, pay_id = paid(S)
    rc, out, err = refund(S, pid, "--amount", "10.005")
    assert (rc, out) == (1, ""), (rc, out, err)
    assert err == ("brickgate refund: %s: --amount has more decimals than "
                   "BRL has (2)\n" % pid), err
    usage = ("brickgate refund: --amount takes a positive decimal amount "
             "(150.00)\nusage: brickgate refund PURCHASE_ID "
             "[--amount DECIMAL]\n")
    for bad in ("ten", "0", "0.00", "-5", "1e2", ""):
        rc, out, err = refund(S, pid, "--amount=" + bad)
        assert (rc, out, err) == (64, "", usage), (bad, rc, out, err)
    rc, out, err = refund(S)
    assert rc == 64 and "PURCHASE_ID" in err, (rc, err)
    rc, out, err = refund(S, pid, "--amount")
    assert rc == 64, (rc, err)
    rc, out, err = refund(S, "not/an/id")
    assert rc == 64, (rc, err)
    rc, out, err = refund(S, pid, "extra", "words")
    assert rc == 64, (rc, err)
    assert refund_calls(S, pay_id) == []
    assert "refunds" not in S.read(pid)


def test_busy_purchase():
    pid, pay_id = paid(S)
    with S.hold_lock(pid):
        rc, out, err = refund(S, pid)
    assert rc == 1 and out == "", (rc, out, err)
    assert err == ("brickgate refund: %s: a request is working on this "
                   "purchase (its lock is busy); nothing sent, try "
                   "again\n" % pid), err
    assert refund_calls(S, pay_id) == []


def test_unknown_purchase():
    rc, out, err = refund(S, "no-such-purchase")
    assert rc == 1 and out == "" and err.count("\n") == 1, (rc, out, err)
    assert err.startswith("brickgate refund: no-such-purchase: "), err


def test_crash_after_the_call_resumes_with_the_recorded_key():
    """brickgate died after Mercado Pago made the refund, before the
    answer was recorded: the purchase holds the open refund (as the save
    before the call left it), the sandbox the refund (made with
    brickgate's token: the sandbox keeps keys per token).  The next run asks
    again with the same key and records that refund: one, not two."""
    pid, pay_id = paid(S)
    key = "5d1c7a3e-8b2f-4c6d-9e0a-1f2b3c4d5e6f"
    st, _, made = S.sb.request("POST", "/v1/payments/%d/refunds" % pay_id,
                               {"amount": 25}, key=key, token=TOKEN)
    assert st == 201, (st, made)
    rec = S.read(pid)
    rec["refunds"] = [{"id": None, "payment_id": pay_id, "amount": 25.00,
                       "status": None, "idempotency_key": key,
                       "date_created": None}]
    S.write_raw(pid, json.dumps(rec))
    rc, out, err = refund(S, pid, "--amount", "25.00")
    assert rc == 0, (rc, out, err)
    assert out == "%d 25.00 approved\n" % made["id"], out
    assert len(sandbox_refunds(S, pay_id)) == 1
    assert {c["idempotency_key"] for c in refund_calls(S, pay_id)} == {key}
    f = S.read(pid)["refunds"]
    assert len(f) == 1 and f[0]["id"] == made["id"], f
    assert f[0]["date_created"] == made["date_created"], f
