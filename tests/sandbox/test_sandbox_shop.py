"""brickgate-sandbox: what shops send beyond the Brick's form, as
brickgate-sandbox(1) describes it: the device id (X-Meli-Session-Id) in the
request log, customer payers, additional_info's fraud-scoring members and
binary mode on card payments.

Run: BRICKGATE_BUILD=<build dir> python3 tests/sandbox/test_sandbox_shop.py
"""
import copy
import os
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sbharness  # noqa: E402
from sbharness import assert_cause  # noqa: E402

SB = None
DEVICE = "armor.3f9c2b7e4a1d6f0c8b5e2a9d7c4f1b3e.0123456789abcdef"

INFO = {
    "ip_address": "203.0.113.7",
    "payer": {"first_name": "Ana", "last_name": "Souza",
              "phone": {"area_code": "11", "number": "987654321"},
              "address": {"zip_code": "01310100",
                          "street_name": "Avenida Paulista",
                          "street_number": "1500"}},
    "shipments": {"receiver_address": {
        "zip_code": "01310100", "street_name": "Avenida Paulista",
        "street_number": "1500", "floor": "", "apartment": "12B",
        "city_name": "Sao Paulo", "state_name": "SP"}},
}


def setup_module():
    global SB
    SB = sbharness.Sandbox("MLB")


def teardown_module():
    assert SB.stop() == 0


def logged(path):
    st, js = SB.ctl("GET", "requests")
    assert st == 200, js
    return [r for r in js["requests"] if r["path"] == path]


def test_device_id_is_logged_per_request():
    SB.ctl("DELETE", "requests")
    body = SB.card_body("APRO")
    st, _, js = SB.pay(body, headers={"X-Meli-Session-Id": DEVICE})
    assert st == 201, js
    st, _, _ = SB.request("GET", "/v1/payments/%d" % js["id"])
    assert st == 200
    st, _, _ = SB.request("GET", "/v1/payments/%d" % js["id"],
                          headers={"X-Meli-Session-Id": "other-device"})
    assert st == 200
    posts = logged("/v1/payments")
    assert len(posts) == 1, posts
    assert posts[0]["device_id"] == DEVICE
    assert posts[0]["body"] == body and posts[0]["status"] == 201
    gets = logged("/v1/payments/%d" % js["id"])
    assert [g["device_id"] for g in gets] == [None, "other-device"], gets
    for r in logged("/v1/card_tokens"):
        assert "device_id" in r and r["device_id"] is None, r


def test_device_id_is_never_refused():
    SB.ctl("DELETE", "requests")
    hdr = {"X-Meli-Session-Id": ""}
    st, _, js = SB.pay(SB.card_body("APRO"), headers=hdr)
    assert st == 201, js
    assert logged("/v1/payments")[0]["device_id"] == ""
    hdr = {"X-Meli-Session-Id": "x" * 2000}
    st, _, js = SB.request("POST", "/checkout/preferences",
                           {"items": [{"title": "Mug", "quantity": 1,
                                       "unit_price": 10}]}, headers=hdr)
    assert st == 201, js
    assert logged("/checkout/preferences")[0]["device_id"] == "x" * 2000
    st, _ = SB.ctl("GET", "stats")
    assert st == 200
    st, _, js = SB.request("POST", "/__sandbox/preferences/%s/pay" % js["id"],
                           {}, token=None, headers=hdr)
    assert st == 201, js
    # A refused request is logged with its device id too.
    st, _, js = SB.pay({"transaction_amount": 10},
                       headers={"X-Meli-Session-Id": "dev-1"})
    assert st == 400, js
    assert logged("/v1/payments")[-1]["device_id"] == "dev-1"
    assert logged("/v1/payments")[-1]["status"] == 400


def customer(payer, name="APRO"):
    body = SB.card_body(name)
    body["payer"].update(payer)
    return SB.pay(body)


def test_customer_payer_is_shown_as_itself():
    for pid, shown in (("1234567890", "1234567890"), (987654321, "987654321")):
        st, _, js = customer({"type": "customer", "id": pid})
        assert st == 201, js
        assert js["payer"]["type"] == "customer", js["payer"]
        assert js["payer"]["id"] == shown, js["payer"]
        st, _, got = SB.request("GET", "/v1/payments/%d" % js["id"])
        assert (got["payer"]["type"], got["payer"]["id"]) == ("customer",
                                                              shown)
    # Still a customer once a pending payment is approved later.
    st, _, js = customer({"type": "customer", "id": "555"}, "CONT")
    assert st == 201 and js["status"] == "in_process", js
    st, moved = SB.ctl("POST", "payments/%d/status" % js["id"],
                       {"status": "approved"})
    assert st == 200, moved
    assert (moved["payer"]["type"], moved["payer"]["id"]) == ("customer",
                                                              "555")


def test_guest_payer_gets_an_id_of_its_own():
    for payer in ({}, {"type": "guest"}, {"type": "guest", "id": "42"}):
        st, _, js = customer(payer)
        assert st == 201, (payer, js)
        assert js["payer"]["type"] == "guest", js["payer"]
        assert js["payer"]["id"] != "42" and js["payer"]["id"].isdigit()


def test_customer_payer_refusals():
    cases = [
        ({"type": "registered"}, 4029),
        ({"type": "Customer", "id": "1"}, 4029),
        ({"type": ""}, 4029),
        ({"type": 1}, 4029),
        ({"type": "customer"}, 4012),
        ({"type": "customer", "id": None}, 4012),
        ({"type": "customer", "id": ""}, 2002),
        ({"type": "customer", "id": "12ab"}, 2002),
        ({"type": "customer", "id": " 12"}, 2002),
        ({"type": "customer", "id": -5}, 2002),
        ({"type": "customer", "id": 1.5}, 2002),
        ({"type": "customer", "id": {"id": "1"}}, 2002),
        ({"type": "customer", "id": "1" * 30}, 2002),
    ]
    body = SB.card_body("APRO")
    for payer, code in cases:
        b = copy.deepcopy(body)
        b["payer"].update(payer)
        assert_cause(SB.pay(b), 400, code)
    # The sandbox's collector (the seller) cannot pay itself.
    st, _, js = SB.pay(SB.card_body("APRO"))
    b = copy.deepcopy(body)
    b["payer"].update({"type": "customer", "id": str(js["collector_id"])})
    assert_cause(SB.pay(b), 400, 2060)
    # None of them used the token.
    st, _, js = SB.pay(body)
    assert st == 201, js


def test_additional_info_is_echoed():
    for body in (SB.card_body("APRO", additional_info=INFO),
                 {"transaction_amount": 50, "payment_method_id": "pix",
                  "payer": {"email": "a@example.com"},
                  "additional_info": INFO}):
        st, _, js = SB.pay(body)
        assert st == 201, js
        assert js["additional_info"] == INFO
        st, _, got = SB.request("GET", "/v1/payments/%d" % js["id"])
        assert got["additional_info"] == INFO


def with_info(path, value):
    info = copy.deepcopy(INFO)
    keys = path.split(".")
    o = info
    for k in keys[:-1]:
        o = o[k]
    o[keys[-1]] = value
    return info


def test_additional_info_member_types():
    bad = [
        ("ip_address", 203),
        ("ip_address", ["203.0.113.7"]),
        ("payer", "Ana Souza"),
        ("payer.first_name", 1),
        ("payer.last_name", False),
        ("payer.phone", "11987654321"),
        ("payer.phone.area_code", 11),
        ("payer.phone.number", 987654321),
        ("payer.address", []),
        ("payer.address.zip_code", 1310100),
        ("payer.address.street_name", {}),
        ("payer.address.street_number", 1500),
        ("shipments", "standard"),
        ("shipments.receiver_address", 5),
        ("shipments.receiver_address.zip_code", 1310100),
        ("shipments.receiver_address.street_name", 7),
        ("shipments.receiver_address.street_number", 1500),
        ("shipments.receiver_address.floor", 3),
        ("shipments.receiver_address.apartment", 12),
        ("shipments.receiver_address.city_name", ["Sao Paulo"]),
        ("shipments.receiver_address.state_name", True),
    ]
    body = SB.card_body("APRO")
    for path, value in bad:
        st, _, js = SB.pay(dict(body, additional_info=with_info(path, value)))
        assert_cause((st, _, js), 400, 1)
        assert js["cause"][0]["description"] == \
            "additional_info.%s has an invalid value" % path, js
    # Not an object at all: cause 8, as before.
    assert_cause(SB.pay(dict(body, additional_info="x")), 400, 8)
    # Nulls are absent members; other members are the shop's business.
    ok = with_info("payer.phone.area_code", None)
    ok["items"] = [{"id": "sku-1", "title": "Mug", "quantity": 1,
                    "unit_price": 10}]
    st, _, js = SB.pay(dict(body, additional_info=ok))
    assert st == 201, js
    assert js["additional_info"] == ok


def test_binary_mode_never_leaves_a_card_in_process():
    st, _, js = SB.pay(SB.card_body("CONT"))
    assert (js["status"], js["status_detail"]) == (
        "in_process", "pending_contingency"), js
    assert js["binary_mode"] is False
    st, _, js = SB.pay(SB.card_body("CONT", binary_mode=True))
    assert st == 201, js
    assert (js["status"], js["status_detail"]) == (
        "rejected", "cc_rejected_other_reason"), js
    assert js["binary_mode"] is True
    st, _, got = SB.request("GET", "/v1/payments/%d" % js["id"])
    assert (got["status"], got["binary_mode"]) == ("rejected", True)
    for name, outcome in (("APRO", ("approved", "accredited")),
                          ("FUND", ("rejected",
                                    "cc_rejected_insufficient_amount"))):
        st, _, js = SB.pay(SB.card_body(name, binary_mode=True))
        assert (js["status"], js["status_detail"]) == outcome, (name, js)
        assert js["binary_mode"] is True
    # Binary mode with capture:false still authorizes.
    st, _, js = SB.pay(SB.card_body("APRO", binary_mode=True, capture=False))
    assert (js["status"], js["status_detail"]) == ("authorized",
                                                   "pending_capture"), js
    assert_cause(SB.pay(SB.card_body("APRO", binary_mode="true")), 400, 1)


if __name__ == "__main__":
    sbharness.run(sys.modules[__name__])
