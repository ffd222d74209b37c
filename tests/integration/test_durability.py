"""One durable write per payment (doc/design.md, Durability), and what
it must still survive.  The open attempt is saved without waiting for
the disk; its idempotency key is derived, so when a power cut loses that
record after Mercado Pago made the payment, the buyer's next click makes
an attempt with the same key and Mercado Pago answers with the payment
it made.  A power cut is simulated by putting the purchase back as the
last durable write left it (the side file gone, or torn, or one left
behind over a newer record), after brickgate was killed with SIGKILL
mid-call.  Payments are counted on the sandbox's side."""
import signal
import threading

from paytest import Site, made, payment_calls, wait_for

# How a site is made: test_durability_pg.py runs these tests again on the
# PostgreSQL store.
make_site = Site
S = None


def setup_module():
    global S
    # Long enough that the payment call is still out when it is killed.
    S = make_site("MLB", {"api_timeout_ms": 10000,
                          "request_deadline_ms": 20000, "api_retries": 2})


def teardown_module():
    if S is not None:
        S.stop()


def keys(site, pid):
    return [r["idempotency_key"] for r in payment_calls(site, pid)]


def killed_mid_call(site, pid):
    """Pays, and kills brickgate while the payment call is out: Mercado
    Pago has made the payment, brickgate has only its open attempt.
    Returns what the last durable write had left, and the attempt as
    brickgate reads it."""
    durable = site.raw(pid)
    site.fault(mode="create_then_delay", ms=3000, count=1,
               match="POST /v1/payments")
    box = {}
    t = threading.Thread(target=lambda: box.update(
        r=site.pay(pid, site.card_form())))
    t.start()
    wait_for(lambda: keys(site, pid), "the payment call")
    assert site.stack.kill_brickgate() == -signal.SIGKILL
    t.join()
    assert box["r"].status == 502, box["r"]     # nginx: upstream gone
    assert made(site, pid) == 1
    open_attempt = site.show(pid)["payment"]
    assert open_attempt["state"] == "creating"
    assert open_attempt["idempotency_key"] == site.expected_key(pid, 0)
    wait_for(lambda: site.sb.ctl("GET", "faults")[1].get("faults") == [],
             "the late answer")
    return durable, open_attempt


def pays_once_more(site, pid, key):
    """The buyer pays again: the same key, the payment already made."""
    site.stack.restart_brickgate()
    before = made(site, pid)
    r = site.pay(pid, site.card_form())
    assert r.status in (201, 409), (r, site.log())
    assert made(site, pid) == before == 1
    assert set(keys(site, pid)) == {key}
    rec = site.show(pid)
    assert len(rec["payments"]) == 1, rec["payments"]
    assert rec["payment"]["state"] == "created"
    assert rec["payment"]["status"] == "approved"
    assert rec["payment"]["idempotency_key"] == key
    # And as the storefront reads it, from the durable record.
    assert site.read(pid)["payment"]["status"] == "approved"
    return r


def test_killed_mid_call_the_open_attempt_resumes():
    """A crash of the process only: the page cache keeps the open
    attempt, and the next request settles it by search."""
    pid = S.context()
    _, attempt = killed_mid_call(S, pid)
    r = pays_once_more(S, pid, attempt["idempotency_key"])
    assert r.status == 409 and \
        r.json()["error"]["code"] == "purchase_already_paid", r


def power_cut(what):
    """Killed mid-call, then the open attempt's record as a power cut
    leaves it (what: the site's method that does it).  No attempt left:
    a new one, number 0 again, gets the same key, and Mercado Pago
    replays the payment it made."""
    pid = S.context()
    durable, attempt = killed_mid_call(S, pid)
    what(pid, durable)
    assert "payment" not in S.show(pid)
    r = pays_once_more(S, pid, attempt["idempotency_key"])
    assert r.status == 201, r
    assert r.json()["status"] == "approved"


def test_power_cut_loses_the_open_attempt():
    power_cut(S.lose_open_attempt)


def test_power_cut_tears_the_open_attempt():
    power_cut(S.tear_open_attempt)


def test_side_file_left_behind_is_never_read():
    """The side file's removal after the durable write is not synced
    either: one found again after a power cut is older than the record,
    and is not read."""
    pid = S.context()
    S.fault(mode="create_then_delay", ms=1500, count=1,
            match="POST /v1/payments")
    box = {}
    t = threading.Thread(target=lambda: box.update(
        r=S.pay(pid, S.card_form())))
    t.start()
    wait_for(lambda: keys(S, pid), "the payment call")
    left = S.keep_open_attempt(pid)
    t.join()
    assert box["r"].status == 201, box["r"]
    S.put_back_open_attempt(pid, left)
    rec = S.show(pid)
    assert rec["payment"]["state"] == "created"
    assert rec["payment"]["status"] == "approved"
    r = S.pay(pid, S.card_form())
    assert r.status == 409, r
    assert made(S, pid) == 1


def test_key_already_used_is_settled_by_search():
    """Mercado Pago answers 422 cause 422001 ("Idempotency key already
    used.") instead of replaying: the payment the key made is found by
    search and recorded in the attempt; nothing else is made."""
    other = S.context()
    assert S.pay(other, S.card_form()).status == 201
    body = dict(payment_calls(S, other)[-1]["body"])
    pid = S.context()
    body["external_reference"] = pid
    body["token"] = S.card_form()["token"]      # a card token is used once
    # What the lost attempt made, with the key it had.
    st, _, js = S.sb.request("POST", "/v1/payments", body,
                             key=S.expected_key(pid, 0))
    assert st == 201, js
    S.fault(mode="key_used", count=1, match="POST /v1/payments")
    r = S.pay(pid, S.card_form())
    assert r.status == 201, r
    assert r.json()["id"] == js["id"]
    assert made(S, pid) == 1
    rec = S.read(pid)
    assert len(rec["payments"]) == 1
    assert rec["payment"]["id"] == js["id"]
    assert rec["payment"]["idempotency_key"] == S.expected_key(pid, 0)
    assert "key was used already" in S.log()


def test_key_already_used_and_nothing_found():
    """The same answer with no payment to find: 502, the attempt stays
    open with its key, and the next click resumes it."""
    pid = S.context()
    S.fault(mode="key_used", count=1, match="POST /v1/payments")
    r = S.pay(pid, S.card_form())
    assert r.status == 502 and r.json()["error"]["code"] == \
        "upstream_error", r
    assert made(S, pid) == 0
    rec = S.read(pid)
    assert rec["payment"]["state"] == "creating"
    assert rec["payment"]["idempotency_key"] == S.expected_key(pid, 0)
    r = S.pay(pid, S.card_form())
    assert r.status == 201, r
    assert made(S, pid) == 1
    assert set(keys(S, pid)) == {S.expected_key(pid, 0)}


def test_keys_differ_between_installations():
    """Two shops (each its own secret), the same purchase id and cart:
    two keys, so one shop's attempt is never answered with the other's
    payment."""
    other = make_site("MLB", {"api_timeout_ms": 10000,
                              "request_deadline_ms": 20000})
    try:
        pid = "same-id-in-two-shops"
        S.context(pid=pid)
        other.context(pid=pid)
        assert S.pay(pid, S.card_form()).status == 201
        assert other.pay(pid, other.card_form()).status == 201
        mine, theirs = keys(S, pid), keys(other, pid)
        assert len(mine) == len(theirs) == 1
        assert mine != theirs
        assert mine == [S.expected_key(pid, 0)]
        assert theirs == [other.expected_key(pid, 0)]
        assert S.installation_secret() != other.installation_secret()
    finally:
        other.stop()


def test_purchase_id_reused_with_another_cart():
    """A storefront that reuses an id for another cart gets another key,
    and a payment of its own, not the first cart's replayed."""
    pid = S.context(description="the first cart")
    first = S.pay(pid, S.card_form())
    assert first.status == 201, first
    k1 = keys(S, pid)
    S.context(pid=pid, description="another cart")
    second = S.pay(pid, S.card_form())
    assert second.status == 201, second
    k2 = [k for k in keys(S, pid) if k not in k1]
    assert len(k1) == len(k2) == 1
    assert second.json()["id"] != first.json()["id"]
    assert made(S, pid) == 2


def test_the_secret_is_made_once():
    a = S.installation_secret()
    S.stack.kill_brickgate()
    S.stack.restart_brickgate()
    pid = S.context()
    assert S.pay(pid, S.card_form()).status == 201
    assert S.installation_secret() == a
    assert len(a) == 32
