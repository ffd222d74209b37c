"""brickgate-sandbox: a buyer paying a checkout preference on Mercado Pago's
side (POST /__sandbox/preferences/{id}/pay), the wallet and consumer-credits
options of the Payment Brick.  The payment must then be found, read, moved
and notified like any payment made through POST /v1/payments.

Run: BRICKGATE_BUILD=<build dir> python3 tests/sandbox/test_sandbox_preferences.py
"""
import os
import sys
import time
import urllib.parse
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sbharness  # noqa: E402
from sbharness import assert_cause  # noqa: E402

SECRET = "pref-webhook-secret"
WAIT_S = 10
SITES = ("MLA", "MLM", "MPE", "MCO", "MLU", "MLC")
CREDIT_SITES = ("MLA", "MLB", "MLM")
CURRENCY = {"MLB": "BRL", "MLA": "ARS", "MLM": "MXN", "MPE": "PEN",
            "MCO": "COP", "MLU": "UYU", "MLC": "CLP"}
SB = None           # MLB, with webhooks to RECEIVER
PLAIN = None        # MLB without webhooks, for the many payments of
                    # the exclusion tests (none of them in RECEIVER's way)
OTHER = {}          # one sandbox per other site
RECEIVER = None


def setup_module():
    global SB, PLAIN, RECEIVER
    PLAIN = sbharness.Sandbox("MLB")
    RECEIVER = sbharness.WebhookReceiver(SECRET, WAIT_S)
    SB = sbharness.Sandbox("MLB", ["--webhook-url", RECEIVER.url("/panel"),
                                   "--webhook-secret-file",
                                   RECEIVER.secret_file])
    for s in SITES:
        OTHER[s] = sbharness.Sandbox(s)


def teardown_module():
    # Every sandbox is stopped before any exit status is judged.
    rcs = [SB.stop() if SB is not None else None] + \
        [OTHER[s].stop() for s in SITES if s in OTHER] + \
        [PLAIN.stop() if PLAIN is not None else None]
    if RECEIVER is not None:
        RECEIVER.stop()
    assert rcs == [0] * (2 + len(SITES)), rcs


def new_ref():
    return "purchase-" + uuid.uuid4().hex[:10]


def preference(sb=None, price=75.76, quantity=2, **extra):
    """Creates a preference of two items; returns it."""
    sb = sb or SB
    body = {"items": [{"title": "Blue mug", "quantity": quantity,
                       "unit_price": price},
                      {"title": "Gift wrap", "quantity": 1,
                       "unit_price": 1}],
            "external_reference": new_ref()}
    body.update(extra)
    st, _, js = sb.request("POST", "/checkout/preferences", body)
    assert st == 201, js
    return js


def pay(pref, body=None, sb=None):
    """Pays pref through the control endpoint; returns (status, JSON)."""
    return (sb or SB).ctl("POST", "preferences/%s/pay" % pref["id"], body)


def paid(pref, body=None, sb=None):
    st, js = pay(pref, body, sb)
    assert st == 201, js
    return js


def search(ref, extra="", sb=None):
    st, _, js = (sb or SB).request("GET", "/v1/payments/search?external_reference="
                           + ref + extra)
    assert st == 200, js
    return js


def test_wallet_by_default_looks_like_a_checkout_payment():
    pref = preference(payer={"email": "buyer@example.com", "name": "Ana",
                             "surname": "Souza"},
                      metadata={"purchase_id": "p-77"},
                      statement_descriptor="BRICKSHOP")
    js = paid(pref)
    assert isinstance(js["id"], int) and js["id"] > 2 ** 32
    assert js["payment_method_id"] == "account_money"
    assert js["payment_type_id"] == "account_money"
    assert js["payment_method"]["id"] == "account_money"
    assert (js["status"], js["status_detail"]) == ("approved", "accredited")
    assert js["date_approved"] is not None
    assert js["date_created"].endswith("-04:00")
    assert js["money_release_date"] is not None
    assert js["operation_type"] == "regular_payment"
    assert js["currency_id"] == "BRL"
    assert js["description"] == "Blue mug"
    assert js["external_reference"] == pref["external_reference"]
    assert js["metadata"] == {"purchase_id": "p-77"}
    assert js["statement_descriptor"] == "BRICKSHOP"
    assert js["installments"] == 1
    assert js["live_mode"] is False
    assert js["captured"] is True
    assert js["card"] == {}
    assert js["notification_url"] is None
    assert js["payer"]["email"] == "buyer@example.com"
    assert js["payer"]["first_name"] == "Ana"
    assert js["order"]["type"] == "mercadopago"
    assert isinstance(js["order"]["id"], int)
    assert js["point_of_interaction"]["type"] == "CHECKOUT"
    items = js["additional_info"]["items"]
    assert [(i["title"], i["quantity"], i["unit_price"]) for i in items] == \
        [("Blue mug", "2", "75.76"), ("Gift wrap", "1", "1")]
    # 2 x 75.76 + 1, added in cents, written as exact decimal text.
    assert b'"transaction_amount":152.52' in SB.last_raw
    assert js["transaction_details"]["total_paid_amount"] == 152.52
    assert js["fee_details"][0]["type"] == "mercadopago_fee"


def test_get_by_id_is_the_same_payment():
    pref = preference()
    js = paid(pref)
    st, _, got = SB.request("GET", "/v1/payments/%d" % js["id"])
    assert st == 200
    assert got == js


def test_payer_email_absent_without_preference_payer():
    js = paid(preference())
    assert js["payer"]["email"] is None
    assert js["payer"]["id"]


def test_credits_when_purpose_is_onboarding_credits():
    pref = preference(purpose="onboarding_credits")
    js = paid(pref)
    assert js["payment_method_id"] == "consumer_credits"
    assert js["payment_type_id"] == "digital_currency"
    assert js["status"] == "approved"
    # The buyer can still pick the wallet, and the wallet purpose gives it.
    js = paid(pref, {"payment_method_id": "account_money"})
    assert js["payment_method_id"] == "account_money"
    js = paid(preference(purpose="wallet_purchase"))
    assert js["payment_method_id"] == "account_money"
    js = paid(preference(), {"payment_method_id": "consumer_credits",
                             "installments": 6})
    assert js["payment_type_id"] == "digital_currency"
    assert js["installments"] == 6


def test_credits_only_on_mla_mlb_mlm():
    for site in SITES:
        sb = OTHER[site]
        price = 1500 if site in ("MCO", "MLC") else 15.5
        pref = preference(sb, price=price, quantity=1)
        if site in CREDIT_SITES:
            js = paid(pref, {"payment_method_id": "consumer_credits"}, sb)
            assert js["payment_type_id"] == "digital_currency", site
            js = paid(preference(sb, price=price,
                                 purpose="onboarding_credits"), None, sb)
            assert js["payment_method_id"] == "consumer_credits", site
        else:
            st, js = pay(pref, {"payment_method_id": "consumer_credits"}, sb)
            assert st == 400 and js["status"] == 400, (site, js)
            st, js = pay(preference(sb, price=price,
                                    purpose="onboarding_credits"), None, sb)
            assert st == 400, (site, js)
            _, stats = sb.ctl("GET", "stats")
            assert stats["payments"] == 0, (site, stats)
        js = paid(pref, None, sb)
        assert js["payment_method_id"] == "account_money", site
        assert js["currency_id"] == CURRENCY[site], site
        assert js["transaction_amount"] == price + 1, site


def test_explicit_amount_makes_a_mismatched_payment():
    pref = preference()
    # Raw text, so that the amount arrives as written: 100.10.
    st, _, js = SB.request("POST", "/__sandbox/preferences/%s/pay"
                           % pref["id"], raw=b'{"transaction_amount":100.10}',
                           token=None)
    assert st == 201, js
    assert b'"transaction_amount":100.10' in SB.last_raw
    assert js["transaction_details"]["total_paid_amount"] == 100.1
    js = paid(pref, {"transaction_amount": 7})
    assert js["transaction_amount"] == 7
    found = search(pref["external_reference"])
    assert sorted(p["transaction_amount"] for p in found["results"]) == \
        [7, 100.1]


def test_pending_then_approved_through_the_status_endpoint():
    pref = preference(payer={"email": "later@example.com"})
    js = paid(pref, {"status": "pending"})
    assert (js["status"], js["status_detail"]) == ("pending",
                                                   "pending_waiting_payment")
    assert js["date_approved"] is None
    assert js["payer"]["email"] is None      # only once approved
    assert js["fee_details"] == []
    st, moved = SB.ctl("POST", "payments/%d/status" % js["id"],
                       {"status": "approved"})
    assert st == 200, moved
    assert (moved["status"], moved["status_detail"]) == ("approved",
                                                         "accredited")
    assert moved["date_approved"] is not None
    assert moved["payer"]["email"] == "later@example.com"
    st, _, got = SB.request("GET", "/v1/payments/%d" % js["id"])
    assert got["status"] == "approved"
    assert got["order"] == js["order"]
    js = paid(pref, {"status": "rejected",
                     "status_detail": "cc_rejected_insufficient_amount"})
    assert (js["status"], js["status_detail"]) == (
        "rejected", "cc_rejected_insufficient_amount")


def test_cancel_a_pending_one_through_put():
    js = paid(preference(), {"status": "in_process"})
    st, _, c = SB.request("PUT", "/v1/payments/%d" % js["id"],
                          {"status": "cancelled"})
    assert st == 200, c
    assert (c["status"], c["status_detail"]) == ("cancelled", "by_collector")


def test_search_finds_it_by_external_reference():
    pref = preference()
    ref = pref["external_reference"]
    first = paid(pref, {"status": "rejected"})
    second = paid(pref)
    found = search(ref)
    assert found["paging"] == {"total": 2, "limit": 30, "offset": 0}
    assert [p["id"] for p in found["results"]] == [first["id"], second["id"]]
    assert found["results"][1] == second
    found = search(ref, "&criteria=desc&limit=1")
    assert [p["id"] for p in found["results"]] == [second["id"]]
    found = search(ref, "&status=approved")
    assert [p["id"] for p in found["results"]] == [second["id"]]
    found = search(ref, "&payment_method_id=account_money")
    assert found["paging"]["total"] == 2
    # One merchant order per preference.
    assert first["order"] == second["order"]
    assert paid(preference())["order"] != second["order"]
    _, stats = SB.ctl("GET", "stats")
    assert stats["by_external_reference"][ref] == 2


def test_unknown_preference_is_404():
    for pid in ("111222333-00000000-0000-4000-8000-000000000000", "nope"):
        st, js = SB.ctl("POST", "preferences/%s/pay" % pid)
        assert st == 404, js
        assert js["status"] == 404 and js["error"] == "not_found", js
        assert js["cause"] == [], js
    st, _, _ = SB.request("GET", "/__sandbox/preferences/x/pay", token=None)
    assert st == 405


def test_bad_bodies_are_400_and_create_nothing():
    pref = preference(purpose="onboarding_credits")
    _, before = SB.ctl("GET", "stats")
    bad = [
        [], "approved", 12,
        {"payment_method_id": 5},
        {"payment_method_id": ""},
        {"payment_method_id": "naranja"},     # an MLA card
        {"payment_method_id": "pix"},
        {"payment_method_id": "bolbradesco"},
        {"payment_method_id": "bitcoin"},
        {"status": True},
        {"status": "nope"},
        {"status": "approved", "status_detail": 7},
        {"status": "approved", "status_detail": "x" * 60},
        {"transaction_amount": "10"},
        {"transaction_amount": 1.234},
        {"transaction_amount": 0},
        {"transaction_amount": -5},
        {"installments": "2"},
        {"installments": 1.5},
        {"installments": 0},
        {"installments": 99},
        {"payment_method_id": "account_money", "installments": 3},
    ]
    for body in bad:
        st, js = pay(pref, body)
        assert st == 400, (body, js)
        assert js["status"] == 400 and js["message"], (body, js)
    st, _, js = SB.request("POST", "/__sandbox/preferences/%s/pay"
                           % pref["id"], raw=b"{not json", token=None)
    assert st == 400, js
    _, after = SB.ctl("GET", "stats")
    assert after["payments"] == before["payments"]


MLB_TYPES = ["credit_card", "debit_card", "ticket", "bank_transfer",
             "account_money", "digital_currency"]


def ids(*names):
    return [{"id": n} for n in names]


def pref_refused(body, message, sb=None):
    """POST /checkout/preferences of two items plus body: 400
    invalid_payment_methods with message, creating nothing."""
    sb = sb or PLAIN
    _, before = sb.ctl("GET", "stats")
    full = {"items": [{"title": "Mug", "quantity": 1, "unit_price": 10}]}
    full.update(body)
    st, _, js = sb.request("POST", "/checkout/preferences", full)
    assert st == 400, (body, js)
    assert js == {"message": message, "error": "invalid_payment_methods",
                  "status": 400, "cause": []}, (body, js)
    _, after = sb.ctl("GET", "stats")
    assert after["preferences"] == before["preferences"]


def test_exclusions_must_be_lists_of_ids():
    types = "payment_methods.excluded_payment_types"
    methods = "payment_methods.excluded_payment_methods"
    for path, key in ((types, "excluded_payment_types"),
                      (methods, "excluded_payment_methods")):
        for bad in ("ticket", {"id": "ticket"}, 7, True):
            pref_refused({"payment_methods": {key: bad}},
                         path + " must be an array")
        for bad in (["ticket"], [{"id": 5}], [{}], [{"id": ""}],
                    [{"id": "ticket"}, None], [[{"id": "ticket"}]],
                    [{"name": "ticket"}]):
            pref_refused({"payment_methods": {key: bad}},
                         path + " must hold objects with a string id")
    for bad in ("all", [], 1):
        pref_refused({"payment_methods": bad},
                     "payment_methods must be an object")
    pref_refused({"payment_methods": {"installments": 37}},
                 "installments must be between 1 and 36")
    # Well formed, echoed as sent; an unknown id is no error; null is none.
    pm = {"excluded_payment_types": ids("ticket", "atm"),
          "excluded_payment_methods": [{"id": "visa", "name": "Visa"},
                                       {"id": "no-such-method"}],
          "installments": 6, "default_installments": 1}
    js = preference(PLAIN, payment_methods=pm)
    assert js["payment_methods"] == pm
    st, _, got = PLAIN.request("GET", "/checkout/preferences/" + js["id"])
    assert got["payment_methods"] == pm
    pm = {"excluded_payment_types": None, "excluded_payment_methods": []}
    assert preference(PLAIN, payment_methods=pm)["payment_methods"] == pm


def test_cannot_exclude_all_payment_methods():
    msg = "cannot exclude all payment methods"
    pref_refused({"payment_methods": {
        "excluded_payment_types": ids(*MLB_TYPES)}}, msg)
    # Types and ids together.
    pref_refused({"payment_methods": {
        "excluded_payment_types": ids(*MLB_TYPES[:4]),
        "excluded_payment_methods": ids("account_money",
                                        "consumer_credits")}}, msg)
    # One method left is enough.
    for left in MLB_TYPES:
        rest = [t for t in MLB_TYPES if t != left]
        js = preference(PLAIN, payment_methods={
            "excluded_payment_types": ids(*rest)})
        assert js["payment_methods"]["excluded_payment_types"] == ids(*rest)
    # wallet_purchase rules cash and transfers out: only these count.
    wallet = ids("credit_card", "debit_card", "account_money",
                 "digital_currency")
    pref_refused({"purpose": "wallet_purchase", "payment_methods": {
        "excluded_payment_types": wallet}}, msg)
    preference(PLAIN, payment_methods={"excluded_payment_types": wallet})
    # Each site's own methods: Chile has cards and the wallet only.
    pref_refused({"payment_methods": {"excluded_payment_types": ids(
        "credit_card", "debit_card", "account_money")}}, msg, OTHER["MLC"])
    preference(OTHER["MLA"], payment_methods={"excluded_payment_types": ids(
        "credit_card", "debit_card", "account_money")})


def refused(pref, body, code, message):
    _, before = PLAIN.ctl("GET", "stats")
    st, js = pay(pref, body, PLAIN)
    assert st == 400, (body, js)
    assert js["status"] == 400 and js["error"] == "bad_request", js
    assert [c["code"] for c in js["cause"]] == [code], js
    assert js["message"] == message, js
    _, after = PLAIN.ctl("GET", "stats")
    assert after["payments"] == before["payments"]


def test_pay_with_a_card_saved_in_the_account():
    pref = preference(PLAIN)
    for method, ptype, n in (("visa", "credit_card", 1),
                             ("master", "credit_card", 12),
                             ("elo", "credit_card", 3),
                             ("debelo", "debit_card", 1),
                             ("debcabal", "debit_card", 1)):
        body = {"payment_method_id": method}
        if n != 1:
            body["installments"] = n
        js = paid(pref, body, PLAIN)
        assert js["payment_method_id"] == method
        assert js["payment_type_id"] == ptype
        assert js["payment_method"]["id"] == method
        assert js["payment_method"]["type"] == ptype
        assert js["installments"] == n
        assert (js["status"], js["status_detail"]) == ("approved",
                                                       "accredited")
        assert js["order"]["type"] == "mercadopago"
        st, _, got = PLAIN.request("GET", "/v1/payments/%d" % js["id"])
        assert got == js
    found = search(pref["external_reference"], "&payment_method_id=master",
                   PLAIN)
    assert found["paging"]["total"] == 1
    refused(pref, {"payment_method_id": "debelo", "installments": 3}, 4033,
            "Invalid installments")
    refused(pref, {"payment_method_id": "naranja"}, 3028,
            "payment_method_id naranja cannot pay a preference on MLB")
    js = paid(preference(OTHER["MLA"], price=15.5, quantity=1),
              {"payment_method_id": "naranja"}, OTHER["MLA"])
    assert js["payment_type_id"] == "credit_card"


def test_pay_refuses_what_the_preference_excludes():
    pref = preference(PLAIN, payment_methods={
        "excluded_payment_types": ids("credit_card"),
        "excluded_payment_methods": ids("account_money", "debcabal")})
    for method, why in (
            ("visa", "credit_card) is in the preference's "
                     "excluded_payment_types"),
            ("master", "credit_card) is in the preference's "
                       "excluded_payment_types"),
            ("account_money", "account_money) is in the preference's "
                              "excluded_payment_methods"),
            ("debcabal", "debit_card) is in the preference's "
                          "excluded_payment_methods")):
        refused(pref, {"payment_method_id": method}, 3028,
                "payment_method_id %s (payment type %s" % (method, why))
    # The default, the wallet, is excluded too.
    refused(pref, None, 3028, "payment_method_id account_money (payment "
            "type account_money) is in the preference's "
            "excluded_payment_methods")
    assert paid(pref, {"payment_method_id": "debelo"}, PLAIN)[
        "payment_type_id"] == "debit_card"
    assert paid(pref, {"payment_method_id": "consumer_credits"}, PLAIN)[
        "payment_type_id"] == "digital_currency"


def test_pay_keeps_to_the_preference_installments():
    pref = preference(PLAIN, payment_methods={"installments": 3})
    for method in ("visa", "consumer_credits"):
        refused(pref, {"payment_method_id": method, "installments": 4},
                4033, "Invalid installments: the preference allows at "
                "most 3")
        js = paid(pref, {"payment_method_id": method, "installments": 3},
                  PLAIN)
        assert js["installments"] == 3
    assert paid(pref, {"payment_method_id": "visa"},
                PLAIN)["installments"] == 1
    pref = preference(PLAIN, payment_methods={"installments": 1})
    refused(pref, {"payment_method_id": "master", "installments": 2}, 4033,
            "Invalid installments: the preference allows at most 1")
    # Without a limit, a credit card takes up to 36.
    assert paid(preference(PLAIN), {"payment_method_id": "visa",
                                    "installments": 36},
                PLAIN)["installments"] == 36


def test_post_payments_refuses_the_wallet_family():
    for method in ("account_money", "consumer_credits"):
        body = {"transaction_amount": 100, "payment_method_id": method,
                "installments": 1,
                "payer": {"email": "test_user_1@testuser.com"}}
        assert_cause(SB.pay(body), 400, 3028)


def test_not_logged_as_an_api_request():
    pref = preference()
    SB.ctl("DELETE", "requests")
    paid(pref)
    st, js = SB.ctl("GET", "requests")
    assert st == 200 and js["requests"] == [], js
    SB.request("GET", "/checkout/preferences/" + pref["id"])
    st, js = SB.ctl("GET", "requests")
    assert [r["path"] for r in js["requests"]] == \
        ["/checkout/preferences/" + pref["id"]]


def test_webhooks_go_out_like_for_other_payments():
    RECEIVER.drain()
    st, _, card = SB.pay(SB.card_body("APRO"))
    assert st == 201
    _, card_hook = RECEIVER.verify(RECEIVER.next())
    RECEIVER.drain()
    url = RECEIVER.url("/per-preference")
    pref = preference(notification_url=url)
    js = paid(pref)
    assert js["notification_url"] == url
    hooks = [RECEIVER.next(), RECEIVER.next()]
    paths = sorted(urllib.parse.urlsplit(h["path"]).path for h in hooks)
    assert paths == ["/panel", "/per-preference"], paths
    for h in hooks:
        q, body = RECEIVER.verify(h)
        assert q["type"] == ["payment"]
        assert q["data.id"] == [str(js["id"])]
        assert body["action"] == "payment.created"
        assert body["data"] == {"id": str(js["id"])}
        assert sorted(body) == sorted(card_hook)
    st, moved = SB.ctl("POST", "payments/%d/status" % js["id"],
                       {"status": "refunded"})
    assert st == 200, moved
    for _ in range(2):
        _, body = RECEIVER.verify(RECEIVER.next())
        assert body["action"] == "payment.updated"
    # A delivery is listed once its answer is read: wait for all four.
    deadline = time.monotonic() + WAIT_S
    while True:
        st, got = SB.ctl("GET", "webhooks")
        mine = [d for d in got["deliveries"]
                if d["data_id"] == str(js["id"])]
        if len(mine) == 4 or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert len(mine) == 4, mine
    assert all(d["http_status"] == 200 for d in mine), mine


if __name__ == "__main__":
    sbharness.run(sys.modules[__name__])
