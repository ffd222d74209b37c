"""The sandbox's refunds (man/brickgate-sandbox.1, API ROUTES): full and
partial, by key, the list and one by id, the payment's status after
them, the refusals and their causes, and the stats' count."""
import os
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sbharness  # noqa: E402
from sbharness import assert_cause  # noqa: E402

SB = None


def setup_module():
    global SB
    SB = sbharness.Sandbox("MLB")


def teardown_module():
    rc = SB.stop()
    assert rc == 0, rc


def approved(amount=100):
    st, _, p = SB.pay(SB.card_body("APRO", amount=amount))
    assert st == 201 and p["status"] == "approved", (st, p)
    return p["id"]


def refund(pay_id, body=None, key=None, raw=None):
    return SB.request("POST", "/v1/payments/%d/refunds" % pay_id, body,
                      key=key or str(uuid.uuid4()), raw=raw)


def get(path):
    st, _, js = SB.request("GET", path)
    assert st == 200, (st, js)
    return js


def refunds_made():
    st, js = SB.ctl("GET", "stats")
    assert st == 200, js
    return js["refunds"]


def test_partial_then_full():
    pid = approved(100)
    before = refunds_made()
    st, _, r = refund(pid, {"amount": 30.25})
    assert st == 201, (st, r)
    assert r["payment_id"] == pid and r["amount"] == 30.25, r
    assert r["status"] == "approved" and r["refund_mode"] == "standard", r
    assert r["amount_refunded_to_payer"] == 30.25, r
    p = get("/v1/payments/%d" % pid)
    assert (p["status"], p["status_detail"]) == \
        ("approved", "partially_refunded"), p
    assert p["transaction_amount_refunded"] == 30.25, p
    st, _, full = refund(pid, raw=b"")
    assert st == 201 and full["amount"] == 69.75, (st, full)
    p = get("/v1/payments/%d" % pid)
    assert (p["status"], p["status_detail"]) == ("refunded", "refunded"), p
    assert p["transaction_amount_refunded"] == 100, p
    assert [x["id"] for x in p["refunds"]] == [r["id"], full["id"]], p
    assert get("/v1/payments/%d/refunds" % pid) == p["refunds"]
    assert get("/v1/payments/%d/refunds/%d" % (pid, full["id"])) == full
    assert refunds_made() == before + 2
    # Refunded: nothing more.
    assert_cause(refund(pid, {}), 400, 2063)


def test_a_key_is_replayed_not_refunded_twice():
    pid = approved(100)
    key = str(uuid.uuid4())
    before = refunds_made()
    a = refund(pid, {"amount": 10}, key=key)
    b = refund(pid, {"amount": 20}, key=key)
    assert a[0] == b[0] == 201 and a[2] == b[2], (a, b)
    assert refunds_made() == before + 1
    assert len(get("/v1/payments/%d/refunds" % pid)) == 1


def test_refusals():
    pid = approved(100)
    before = refunds_made()
    st, _, js = SB.request("POST", "/v1/payments/%d/refunds" % pid, {})
    assert_cause((st, _, js), 400, 4292)
    assert_cause(refund(pid, {"amount": 100.01}), 400, 4040)
    assert_cause(refund(pid, {"amount": 0}), 400, 4040)
    assert_cause(refund(pid, {"amount": -5}), 400, 4040)
    assert_cause(refund(pid, {"amount": "10"}), 400, 4041)
    assert_cause(refund(pid, {"amount": 10.001}), 400, 4041)
    assert_cause(refund(91999999999, {}), 404, 2000)
    st, _, p = SB.pay(SB.card_body("CONT"))
    assert st == 201 and p["status"] == "in_process", p
    assert_cause(refund(p["id"], {}), 400, 2063)
    st, _, js = SB.request("GET", "/v1/payments/%d/refunds/1" % pid)
    assert st == 404, (st, js)
    assert refunds_made() == before
    assert get("/v1/payments/%d" % pid)["status_detail"] == "accredited"
