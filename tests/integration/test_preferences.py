"""Wallet and consumer credits: POST /create_preference makes one
preference per purchase from the context, /process_payment answers a
wallet submission without creating anything, and the payment the buyer
makes on Mercado Pago's side is found by search."""
import json

from harness import expect_error
from paytest import AMOUNTS, EMAIL, Site, dumps, refused

RETURN = "https://shop.example.com/thanks#top"
SITES = {}


CREDITS = ("MLA", "MLB", "MLM")


def setup_module():
    SITES["MLB"] = Site("MLB", {"return_url": RETURN,
                                "notification_url":
                                "http://127.0.0.1:9/hooks?shop=1",
                                "statement_descriptor": "MYSHOP"})
    for code in ("MLA", "MLM", "MPE", "MCO", "MLU", "MLC"):
        SITES[code] = Site(code)


def teardown_module():
    for s in SITES.values():
        s.stop()


def create(s, pid):
    return s.stack.request("POST", "/create_preference?purchase_id=" + pid)


def prefs_sent(s):
    return s.api_requests("POST", "/checkout/preferences")


def wallet_pay(s, pref, **body):
    st, js = s.sb.ctl("POST", "preferences/%s/pay" % pref, body)
    assert st == 201, (st, js)
    return js


def test_created_once_from_the_context():
    s = SITES["MLB"]
    items = [{"id": "A1", "title": "Blue mug", "quantity": 2,
              "unit_price": "50.00", "category_id": "home"},
             {"id": "B2", "title": "Tea", "quantity": 1,
              "unit_price": "50.00"}]
    pid = s.context(description="Order 77", items=items,
                    payer={"email": EMAIL, "first_name": "Ana",
                           "last_name": "Souza",
                           "identification": {"type": "CPF",
                                              "number": "19119119100"},
                           "phone": {"area_code": "11",
                                     "number": "987654321"}},
                    purpose="wallet_purchase",
                    expires_at="2999-01-01T00:00:00Z",
                    metadata={"order": "77"})
    r = create(s, pid)
    assert r.status == 200, r
    pref = r.json()["preference_id"]
    assert r.json() == {"preference_id": pref}
    assert s.read(pid)["preference_id"] == pref
    sent = prefs_sent(s)
    assert len(sent) == 1
    body = sent[0]["body"]
    assert body["items"] == [
        {"id": "A1", "title": "Blue mug", "quantity": 2, "unit_price": 50,
         "category_id": "home"},
        {"id": "B2", "title": "Tea", "quantity": 1, "unit_price": 50}]
    assert body["payer"] == {
        "email": EMAIL, "name": "Ana", "surname": "Souza",
        "identification": {"type": "CPF", "number": "19119119100"},
        "phone": {"area_code": "11", "number": "987654321"}}
    assert body["external_reference"] == pid
    assert body["notification_url"] == \
        "http://127.0.0.1:9/hooks?shop=1&source_news=webhooks"
    back = "https://shop.example.com/thanks?purchase_id=%s#top" % pid
    assert body["back_urls"] == {"success": back, "pending": back,
                                 "failure": back}
    assert body["auto_return"] == "approved"
    assert body["purpose"] == "wallet_purchase"
    assert body["expires"] is True
    assert body["expiration_date_to"] == "2999-01-01T00:00:00.000+00:00"
    assert body["statement_descriptor"] == "MYSHOP"
    assert body["metadata"] == {"order": "77"}
    assert set(body) == {"items", "payer", "external_reference",
                         "notification_url", "back_urls", "auto_return",
                         "purpose", "expires", "expiration_date_to",
                         "statement_descriptor", "metadata"}
    # Again: the same id, and Mercado Pago is not asked again.
    r = create(s, pid)
    assert r.status == 200 and r.json() == {"preference_id": pref}, r
    assert len(prefs_sent(s)) == 1
    # The sandbox holds exactly that preference.
    st, _, js = s.sb.request("GET", "/checkout/preferences/" + pref)
    assert st == 200 and js["external_reference"] == pid


def test_items_that_do_not_add_up_become_one():
    s = SITES["MLB"]
    pid = s.context(description="Order 78", items=[
        {"title": "Mug", "quantity": 1, "unit_price": "100.00"}])
    assert create(s, pid).status == 200
    body = prefs_sent(s)[-1]["body"]
    assert body["items"] == [{"title": "Order 78", "quantity": 1,
                              "unit_price": 150}], body
    assert "purpose" not in body and "expires" not in body
    assert "payer" not in body
    # Untitled items, or none: the purchase as one item.
    pid = s.context(items=[{"quantity": 1, "unit_price": "150.00"}])
    assert create(s, pid).status == 200
    assert prefs_sent(s)[-1]["body"]["items"] == [
        {"title": "Purchase " + pid, "quantity": 1, "unit_price": 150}]


def test_long_description_cut_between_characters():
    """The one item's title is the description cut to 95 bytes; a cut in
    the middle of a character made the body invalid UTF-8, which the API
    refused (found by fuzz/context.c's read-back check)."""
    s = SITES["MLB"]
    desc = "A" * 94 + "\u00e9 and the rest of a long description"
    pid = s.context(description=desc)
    r = create(s, pid)
    assert r.status == 200, r
    title = prefs_sent(s)[-1]["body"]["items"][0]["title"]
    assert title == "A" * 94, title


def test_exact_decimals_reach_the_preference():
    s = SITES["MLB"]
    pid = s.context(amount="0.30", items=[
        {"title": "A", "quantity": 3, "unit_price": "0.10"}])
    assert create(s, pid).status == 200
    raw = prefs_sent(s)[-1]["body"]["items"][0]
    assert raw["unit_price"] == 0.1 and raw["quantity"] == 3


def test_without_return_url_or_payer():
    s = SITES["MLM"]
    pid = s.context(purpose="onboarding_credits")
    r = create(s, pid)
    assert r.status == 200, r
    body = prefs_sent(s)[-1]["body"]
    assert body["items"] == [{"title": "Purchase " + pid, "quantity": 1,
                              "unit_price": float(AMOUNTS["MLM"])}]
    assert "back_urls" not in body and "auto_return" not in body
    assert "notification_url" not in body
    assert body["purpose"] == "onboarding_credits"


def test_wallet_submission_redirects_and_creates_nothing():
    s = SITES["MLB"]
    pid = s.context()
    for raw in ("null", '{"formData": null}',
                '{"selectedPaymentMethod": "wallet_purchase",'
                ' "formData": null}'):
        refused(s, pid, None, 409, "no_preference", raw=raw)
    pref = create(s, pid).json()["preference_id"]
    calls = len(s.api_requests())
    for raw in ("null", '{"formData": null}',
                '{"selectedPaymentMethod": "onboarding_credits",'
                ' "formData": null}'):
        r = s.stack.post_json("/process_payment?purchase_id=" + pid, raw)
        assert r.status == 200, r
        assert r.json() == {"action": "redirect", "preference_id": pref}
    assert len(s.api_requests()) == calls
    assert "payments" not in s.read(pid) or s.read(pid)["payments"] == []
    raw = dumps({"selectedPaymentMethod": "wallet_purchase",
                 "formData": {"payment_method_id": "account_money"}})
    refused(s, pid, None, 400, "invalid_field", "selectedPaymentMethod",
            raw=raw)
    refused(s, pid, {"payment_method_id": "account_money",
                     "transaction_amount": 150}, 400,
            "unsupported_payment_method", "payment_method_id")


def test_wallet_payment_found_by_search():
    s = SITES["MLB"]
    pid = s.context()
    pref = create(s, pid).json()["preference_id"]
    expect_error(s.status(pid), 404, "no_payment")
    paid = wallet_pay(s, pref)
    assert paid["external_reference"] == pid
    # Searched a moment ago: not again within 5 seconds.
    searches = len(s.api_requests("GET", "/v1/payments/search"))
    expect_error(s.status(pid), 404, "no_payment")
    assert len(s.api_requests("GET", "/v1/payments/search")) == searches
    rec = s.read(pid)
    rec["searched_at"] = "2020-01-01T00:00:00.000Z"
    s.write_raw(pid, json.dumps(rec))
    r = s.status(pid)
    assert r.status == 200, r
    body = r.json()
    assert body["id"] == paid["id"] and body["status"] == "approved"
    assert body["payment_method_id"] == "account_money"
    assert body["transaction_amount"] == AMOUNTS["MLB"]
    rec = s.read(pid)
    assert rec["payment"]["state"] == "created"
    assert rec["payment"]["idempotency_key"] is None
    # Paid: no card payment, no second preference.
    calls = len(s.api_requests())
    r = s.pay(pid, s.card_form())
    assert r.status == 409 and \
        r.json()["error"]["code"] == "purchase_already_paid", r
    assert r.json()["payment"]["id"] == paid["id"]
    r = create(s, pid)
    assert r.status == 409 and \
        r.json()["error"]["code"] == "purchase_already_paid", r
    assert len(s.api_requests()) == calls


def test_credits_payment_found_before_a_card_is_charged():
    s = SITES["MLB"]
    pid = s.context(purpose="onboarding_credits")
    pref = create(s, pid).json()["preference_id"]
    paid = wallet_pay(s, pref)
    assert paid["payment_method_id"] == "consumer_credits"
    # The buyer comes back and submits a card: the search finds the
    # credits payment first, and nothing is charged.
    r = s.pay(pid, s.card_form())
    assert r.status == 409, r
    assert r.json()["payment"]["payment_method_id"] == "consumer_credits"
    assert not [q for q in s.api_requests()
                if q["body"].get("external_reference") == pid]


def test_mismatched_wallet_payment_never_counts():
    s = SITES["MLB"]
    pid = s.context()
    pref = create(s, pid).json()["preference_id"]
    wallet_pay(s, pref, transaction_amount=1.5)
    r = s.status(pid)
    assert r.status == 200, r
    assert s.read(pid)["payment"]["mismatch"] is True
    assert "recorded as a mismatch" in s.log()
    r = s.pay(pid, s.card_form())
    assert r.status == 201 and r.json()["status"] == "approved", r


def test_closed_purchases_and_bad_requests():
    s = SITES["MLB"]
    pid = s.context(expires_at="2020-01-01T00:00:00Z")
    r = create(s, pid)
    expect_error(r, 410, "purchase_expired")
    expect_error(create(s, "no-such-order"), 404, "unknown_purchase")
    expect_error(s.stack.request("POST", "/create_preference"), 400,
                 "missing_purchase_id", "purchase_id")
    expect_error(create(s, "../etc"), 400, "invalid_purchase_id",
                 "purchase_id")
    r = s.stack.request("GET", "/create_preference?purchase_id=" + pid)
    expect_error(r, 405, "method_not_allowed")
    assert r.header("Allow") == "POST"
    pid = s.context()
    assert s.pay(pid, s.card_form()).status == 201
    calls = len(s.api_requests())
    r = create(s, pid)
    assert r.status == 409, r
    assert r.json()["error"]["code"] == "purchase_already_paid"
    assert len(s.api_requests()) == calls
    assert "preference_id" not in s.read(pid)


def test_refused_preference_is_not_recorded():
    s = SITES["MLB"]
    pid = s.context()
    s.fault(mode="status", http_status=400, count=1,
            match="POST /checkout/preferences")
    r = create(s, pid)
    expect_error(r, 422, "payment_refused")
    assert r.json()["error"]["upstream"]["status"] == 400
    assert "preference_id" not in s.read(pid)
    s.fault(mode="status", http_status=401, count=1,
            match="POST /checkout/preferences")
    expect_error(create(s, pid), 500, "misconfigured")
    n = len(prefs_sent(s))
    s.fault(mode="status", http_status=503, count=10,
            match="POST /checkout/preferences")
    expect_error(create(s, pid), 502, "upstream_error")
    assert len(prefs_sent(s)) == n + 3     # api_retries = 2
    s.sb.ctl("DELETE", "faults")
    r = create(s, pid)
    assert r.status == 200, r
    assert s.read(pid)["preference_id"] == r.json()["preference_id"]


def test_wallet_and_credits_on_every_site():
    """The wallet everywhere, consumer credits where they exist: the
    preference carries the amount exactly, and the payment made through
    it is found and recorded."""
    for code, s in sorted(SITES.items()):
        for purpose, method in (("wallet_purchase", "account_money"),
                                ("onboarding_credits", "consumer_credits")):
            if method == "consumer_credits" and code not in CREDITS:
                continue
            pid = s.context(purpose=purpose, description="Order " + code)
            r = create(s, pid)
            assert r.status == 200, (code, r)
            body = prefs_sent(s)[-1]["body"]
            assert body["purpose"] == purpose
            assert body["external_reference"] == pid
            assert body["items"] == [{"title": "Order " + code,
                                      "quantity": 1,
                                      "unit_price": json.loads(
                                          AMOUNTS[code])}], (code, body)
            paid = wallet_pay(s, r.json()["preference_id"])
            assert paid["payment_method_id"] == method, (code, paid)
            rec = s.read(pid)
            rec["searched_at"] = "2020-01-01T00:00:00.000Z"
            s.write_raw(pid, json.dumps(rec))
            st = s.status(pid)
            assert st.status == 200, (code, st)
            assert st.json()["payment_method_id"] == method
            assert st.json()["status"] == "approved"
            assert st.json()["transaction_amount"] == AMOUNTS[code]
