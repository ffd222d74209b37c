"""brickgate-sandbox: fault modes.  No timing assertions beyond "it did
answer" and "the client did time out".

Run: BRICKGATE_BUILD=<build dir> python3 tests/sandbox/test_sandbox_faults.py
"""
import http.client
import os
import socket
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sbharness  # noqa: E402

SB = None


def setup_module():
    global SB
    SB = sbharness.Sandbox("MLB")


def teardown_module():
    assert SB.stop() == 0


def arm(**fault):
    st, js = SB.ctl("POST", "faults", fault)
    assert st == 201, js
    return js


def payments_for(ref):
    st, _, js = SB.request("GET", "/v1/payments/search?external_reference="
                           + ref)
    assert st == 200
    return js["results"]


def test_fault_validation_and_clear():
    st, js = SB.ctl("POST", "faults", {"mode": "explode"})
    assert st == 400
    st, js = SB.ctl("POST", "faults", {"mode": "status", "http_status": 200})
    assert st == 400
    arm(mode="status", count=3, match="GET /v1/payments/*")
    st, js = SB.ctl("GET", "faults")
    assert js["faults"][0]["count"] == 3
    st, js = SB.ctl("DELETE", "faults")
    assert st == 200 and js["faults"] == []
    st, _, _ = SB.request("GET", "/v1/payments/1")
    assert st == 404


def test_latency_then_normal_answer():
    arm(mode="latency", ms=300, count=1, match="POST /v1/payments")
    ref = "lat-" + uuid.uuid4().hex[:6]
    st, _, js = SB.pay(SB.card_body("APRO", external_reference=ref))
    assert st == 201 and js["status"] == "approved"     # it did answer
    assert len(payments_for(ref)) == 1


def test_status_faults_create_nothing():
    for code in (500, 503):
        ref = "st-%d-%s" % (code, uuid.uuid4().hex[:6])
        arm(mode="status", http_status=code, match="POST /v1/payments")
        st, _, js = SB.pay(SB.card_body("APRO", external_reference=ref))
        assert st == code, (code, st)
        assert js["status"] == code and js["cause"] == []
        assert payments_for(ref) == []
    ref = "st-429-" + uuid.uuid4().hex[:6]
    arm(mode="status", http_status=429, retry_after=7,
        match="POST /v1/payments")
    body = SB.card_body("APRO", external_reference=ref)
    key = str(uuid.uuid4())
    st, hdrs, js = SB.pay(body, key=key)
    assert st == 429 and hdrs["retry-after"] == "7", hdrs
    assert payments_for(ref) == []
    # The fault is used up: the retry with the same key creates it.
    st, _, js = SB.pay(body, key=key)
    assert st == 201
    assert len(payments_for(ref)) == 1


def test_count_applies_to_n_requests_only():
    arm(mode="status", http_status=503, count=2, match="GET /v1/payments/*")
    codes = [SB.request("GET", "/v1/payments/5")[0] for _ in range(3)]
    assert codes == [503, 503, 404], codes


def test_drop_closes_without_answer():
    ref = "drop-" + uuid.uuid4().hex[:6]
    arm(mode="drop", match="POST /v1/payments")
    body = SB.card_body("APRO", external_reference=ref)
    try:
        SB.pay(body)
        assert False, "expected no answer"
    except (http.client.RemoteDisconnected, ConnectionResetError,
            http.client.BadStatusLine):
        pass
    assert payments_for(ref) == []
    st, js = SB.ctl("GET", "requests")
    dropped = [r for r in js["requests"] if r["fault"] == "drop"]
    assert dropped and dropped[-1]["status"] == 0


def test_create_then_delay_client_times_out_payment_exists():
    ref = "ctd-" + uuid.uuid4().hex[:6]
    arm(mode="create_then_delay", ms=3000, match="POST /v1/payments")
    body = SB.card_body("APRO", external_reference=ref)
    key = str(uuid.uuid4())
    try:
        SB.pay(body, key=key, timeout=0.5)
        assert False, "expected a client timeout"
    except (socket.timeout, TimeoutError):
        pass
    found = payments_for(ref)
    assert len(found) == 1 and found[0]["status"] == "approved"
    st, _, got = SB.request("GET", "/v1/payments/%d" % found[0]["id"])
    assert st == 200
    # Retrying with the same key gives the stored payment, not a new one.
    st, _, js = SB.pay(body, key=key)
    assert st == 201 and js["id"] == found[0]["id"]
    assert len(payments_for(ref)) == 1


def test_latency_does_not_block_other_requests():
    arm(mode="latency", ms=3000, match="GET /v1/payments/77")
    import threading
    out = {}

    def slow():
        out["slow"] = SB.request("GET", "/v1/payments/77", timeout=20)[0]
    t = threading.Thread(target=slow)
    t.start()
    # Answered while the slow one still sleeps: a short client timeout.
    st, js = SB.ctl("GET", "stats")
    st2, _, _ = SB.request("GET", "/v1/payments/78", timeout=2)
    t.join(30)
    assert st == 200 and st2 == 404 and out["slow"] == 404


if __name__ == "__main__":
    sbharness.run(sys.modules[__name__])
