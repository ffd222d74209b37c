"""Fidelity proof: Mercado Pago's official Node SDK (npm mercadopago, pinned),
unmodified but for its base URL, drives brickgate-sandbox as it would drive
the real API: card payments approved and rejected, Pix, a boleto, get,
search, a preference, refunds (PaymentRefund: partial, total, list, get,
one refused), and a validation error surfaced with its causes."""
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sbharness  # noqa: E402
from harness import SRCDIR, npm_install  # noqa: E402

SDK_VERSION = "3.6.1"
HERE = os.path.dirname(os.path.abspath(__file__))
SB = None
SDK_DIR = None
STEPS = {}


def install_sdk():
    return npm_install(os.path.join(SRCDIR, "out", "npm"), "mercadopago",
                       SDK_VERSION)


def setup_module():
    global SB, SDK_DIR
    if shutil.which("node") is None or shutil.which("npm") is None:
        raise AssertionError("node and npm are needed for the SDK test")
    SDK_DIR = install_sdk()
    SB = sbharness.Sandbox()
    p = subprocess.run(["node", os.path.join(HERE, "sdk_fidelity.js"),
                        SDK_DIR, "http://127.0.0.1:%d" % SB.port,
                        sbharness.TOKEN],
                       capture_output=True, text=True, timeout=120)
    for line in p.stdout.splitlines():
        rec = json.loads(line)
        STEPS[rec["step"]] = rec["value"]
    assert "crash" not in STEPS, STEPS["crash"]
    assert p.returncode == 0, p.stderr


def teardown_module():
    if SB is not None:
        rc = SB.stop()
        assert rc == 0, "sandbox exit status %r" % rc


def test_card_token_created():
    assert len(STEPS["token"]["id"]) == 32


def test_approved_card_payment():
    p = STEPS["approved"]
    assert p["status"] == "approved" and p["status_detail"] == "accredited"
    assert p["payment_method_id"] == "master"
    assert p["payment_type_id"] == "credit_card"
    assert p["transaction_amount"] == 150.1
    assert p["currency_id"] == "BRL"
    assert isinstance(p["id"], int) and p["id"] > 2 ** 32


def test_rejected_card_payment_is_a_created_payment():
    p = STEPS["rejected"]
    assert p["status"] == "rejected", p
    assert p["status_detail"] == "cc_rejected_insufficient_amount"


def test_pix():
    p = STEPS["pix"]
    assert p["status"] == "pending"
    assert p["status_detail"] == "pending_waiting_transfer"
    td = p["point_of_interaction"]["transaction_data"]
    assert td["qr_code"] and td["ticket_url"]
    import base64
    assert base64.b64decode(td["qr_code_base64"])[:8] == b"\x89PNG\r\n\x1a\n"


def test_ticket():
    p = STEPS["ticket"]
    assert p["status"] == "pending" and p["payment_type_id"] == "ticket"
    assert p["transaction_details"]["external_resource_url"]


def test_get_and_search():
    assert STEPS["get"]["id"] == STEPS["approved"]["id"]
    assert STEPS["get"]["status"] == "approved"
    s = STEPS["search"]
    ids = sorted(r["id"] for r in s["results"])
    want = sorted(STEPS[k]["id"] for k in ("approved", "rejected", "pix",
                                           "ticket"))
    assert ids == want, (ids, want)
    assert s["paging"]["total"] == 4


def test_preference():
    p = STEPS["preference"]
    assert p["id"] and "pref_id=" in p["init_point"], p
    assert p["items"][0]["title"] == "Mug"


def test_validation_error_surfaces_cause_codes():
    v = STEPS["validation"]
    assert v["thrown"] and v["name"] == "MPBadRequestError", v
    assert v["status"] == 400
    assert [c["code"] for c in v["causes"]] == [4000], v


def test_wrong_token_is_an_authentication_error():
    v = STEPS["auth"]
    assert v["thrown"] and v["name"] == "MPAuthenticationError", v
    assert v["status"] == 401


def test_payment_refund_partial_then_total():
    part = STEPS["refund_partial"]
    assert part["amount"] == 50.1 and part["status"] == "approved", part
    assert part["payment_id"] == STEPS["approved"]["id"], part
    assert part["source"]["type"] == "collector", part
    pay = STEPS["refund_partial_payment"]
    assert (pay["status"], pay["status_detail"]) == \
        ("approved", "partially_refunded"), pay
    assert pay["transaction_amount_refunded"] == 50.1, pay
    total = STEPS["refund_total"]
    assert total["amount"] == 100.0 and total["status"] == "approved", total
    pay = STEPS["refund_payment"]
    assert (pay["status"], pay["status_detail"]) == \
        ("refunded", "refunded"), pay
    assert pay["transaction_amount_refunded"] == 150.1, pay
    assert [r["id"] for r in pay["refunds"]] == [part["id"], total["id"]]


def test_payment_refund_list_and_get():
    listed = STEPS["refund_list"]
    assert [r["amount"] for r in listed] == [50.1, 100.0], listed
    # The SDK adds the HTTP answer's status and headers (api_response).
    def bare(r):
        return {k: v for k, v in r.items() if k != "api_response"}
    assert bare(STEPS["refund_get"]) == bare(STEPS["refund_partial"])


def test_payment_refund_refused_when_refunded():
    r = STEPS["refund_refused"]
    assert r["thrown"] and r["status"] == 400, r
    assert [c["code"] for c in r["causes"]] == [2063], r
