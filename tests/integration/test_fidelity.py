"""What Mercado Pago's documentation asks of a backend, through nginx
against the sandbox (brickgate(8), PAYMENT METHODS): the device id,
binary_mode, the fraud-prevention data, every voucher's expiry and what
the buyer needs to pay it, pec's payer fields, the wallet keeping the
purchase's limits, saved cards bound to the purchase's customer, credits
only where they exist, IPN calls warned about.  Every refusal is checked
for its exact status, code and field, and that nothing reached the
sandbox or changed on disk."""
import json
import time

from harness import expect_error
from paytest import (AMOUNTS, BOLETO_PAYER, EMAIL, RawNumber, Site,
                     parse_time, refused)

SITES = {}
DEVICE = "armor.5f3c1e9a7b2d4c6e8f0a1b3c5d7e9f11.1733241600"
CALLBACK = "https://shop.example.com/pse/return"


def setup_module():
    SITES["MLB"] = Site("MLB", {"ticket_expires_days": 4})
    # Its own site: the others' payments must not be notified meanwhile
    # (a notification makes brickgate read and record the payment).
    SITES["hooks"] = Site("MLB", webhooks=True)
    SITES["binary"] = Site("MLB", {"binary_mode": "true"})
    SITES["MCO"] = Site("MCO", {"callback_url": CALLBACK})
    SITES["MLM"] = Site("MLM")


def teardown_module():
    for s in SITES.values():
        s.stop()


def requests(site, method="POST", path="/v1/payments"):
    return site.api_requests(method, path)


def voucher_form(site, method, payer=None):
    return {"payment_method_id": method,
            "transaction_amount": RawNumber(AMOUNTS[site.site]),
            "payer": payer or {"email": EMAIL}}


def pix_form():
    return {"payment_method_id": "pix",
            "transaction_amount": RawNumber(AMOUNTS["MLB"]),
            "payer": {"email": EMAIL}}


def pse_form():
    return {"payment_method_id": "pse",
            "transaction_amount": RawNumber(AMOUNTS["MCO"]),
            "payer": {"email": EMAIL, "entity_type": "individual",
                      "identification": {"type": "CC",
                                         "number": "1012345678"}},
            "transaction_details": {"financial_institution": "1051"}}


def refused_with_headers(site, pid, form, headers, status, code, field):
    """refused() for a request with headers: the answer, no call to
    Mercado Pago, nothing written but the lock file."""
    before = site.snapshot()
    calls = len(site.sb.ctl("GET", "requests")[1]["requests"])
    r = site.pay(pid, form, headers)
    expect_error(r, status, code, field)
    assert len(site.sb.ctl("GET", "requests")[1]["requests"]) == calls
    after = site.snapshot()
    assert {k: v for k, v in after.items() if not k.endswith(".lock")} == \
        {k: v for k, v in before.items() if not k.endswith(".lock")}


# -- the device id ------------------------------------------------------------

def test_device_id_reaches_the_payment_with_every_method():
    mlb, mco = SITES["MLB"], SITES["MCO"]
    cases = ((mlb, lambda: mlb.card_form()), (mlb, pix_form),
             (mlb, lambda: voucher_form(mlb, "bolbradesco", BOLETO_PAYER)),
             (mco, pse_form))
    for site, form in cases:
        pid = site.context()
        r = site.pay(pid, form(), {"X-Meli-Session-Id": DEVICE})
        assert r.status == 201, r
        sent = requests(site)[-1]
        assert sent["body"]["external_reference"] == pid
        assert sent["device_id"] == DEVICE, sent
    for site in (mlb, mco):
        assert DEVICE not in site.log(), "the device id reached the log"


def test_device_id_only_on_the_creation():
    s = SITES["MLB"]
    pid = s.context()
    r = s.pay(pid, pix_form(), {"X-Meli-Session-Id": DEVICE})
    assert r.status == 201, r
    # Switching to a card cancels the Pix code: the cancel carries no id.
    r = s.pay(pid, s.card_form(), {"X-Meli-Session-Id": DEVICE + "2"})
    assert r.status == 201, r
    puts = requests(s, "PUT", "/v1/payments/")
    assert puts and puts[-1]["device_id"] is None, puts
    assert requests(s)[-1]["device_id"] == DEVICE + "2"


def test_no_or_empty_device_id_sends_none():
    s = SITES["MLB"]
    for headers in (None, {"X-Meli-Session-Id": ""}):
        pid = s.context()
        r = s.pay(pid, s.card_form(), headers)
        assert r.status == 201, r
        assert requests(s)[-1]["device_id"] is None


def test_bad_device_ids_are_refused():
    s = SITES["MLB"]
    pid = s.context()
    form = s.card_form()
    for bad in ("has space", "x" * 257, "tab\there", "caf\u00e9"):
        refused_with_headers(s, pid, form,
                             {"X-Meli-Session-Id": bad.encode("utf-8")},
                             400, "invalid_field", "X-Meli-Session-Id")
    # 256 printable characters are the most.
    r = s.pay(pid, form, {"X-Meli-Session-Id": "d" * 256})
    assert r.status == 201, r
    assert requests(s)[-1]["device_id"] == "d" * 256


# -- binary_mode ----------------------------------------------------------------

def test_binary_mode_on_cards_only():
    s = SITES["binary"]
    pid = s.context()
    # CONT would leave the payment in process; binary mode rejects it.
    r = s.pay(pid, s.card_form("CONT"))
    assert r.status == 201, r
    assert r.json()["status"] == "rejected", r
    assert requests(s)[-1]["body"]["binary_mode"] is True
    r = s.pay(pid, s.card_form("APRO"))
    assert r.json()["status"] == "approved", r
    pid = s.context()
    assert s.pay(pid, pix_form()).status == 201
    assert "binary_mode" not in requests(s)[-1]["body"]
    # Without the key, nothing is sent.
    m = SITES["MLB"]
    pid = m.context()
    assert m.pay(pid, m.card_form()).status == 201
    assert "binary_mode" not in requests(m)[-1]["body"]


# -- additional_info ------------------------------------------------------------

SHOP_PAYER = {"first_name": "Ana", "last_name": "Souza",
              "phone": {"area_code": "11", "number": 987654321},
              "address": {"zip_code": "01310100",
                          "street_name": "Avenida Paulista",
                          "street_number": "1500",
                          "neighborhood": "Bela Vista"}}
SHIPMENT = {"receiver_address": {"zip_code": "04538133",
                                 "street_name": "Rua Funchal",
                                 "street_number": 418, "floor": "5",
                                 "apartment": "52", "city_name": "Sao Paulo",
                                 "state_name": "SP"}}
INFO = {"payer": {"first_name": "Ana", "last_name": "Souza",
                  "phone": {"area_code": "11", "number": "987654321"},
                  "address": {"zip_code": "01310100",
                              "street_name": "Avenida Paulista",
                              "street_number": "1500"}},
        "shipments": {"receiver_address": {
            "zip_code": "04538133", "street_name": "Rua Funchal",
            "street_number": "418", "floor": "5", "apartment": "52",
            "city_name": "Sao Paulo", "state_name": "SP"}},
        "ip_address": "127.0.0.1"}


def test_fraud_data_with_every_payment():
    s = SITES["MLB"]
    items = [{"id": "sku-1", "title": "Mug", "quantity": 2,
              "unit_price": "75.00"}]
    for form in (lambda: s.card_form(), pix_form,
                 lambda: voucher_form(s, "bolbradesco", BOLETO_PAYER)):
        pid = s.context(payer=SHOP_PAYER, shipment=SHIPMENT, items=items)
        r = s.pay(pid, form())
        assert r.status == 201, r
        info = requests(s)[-1]["body"]["additional_info"]
        want = dict(INFO, items=[{"id": "sku-1", "title": "Mug",
                                  "quantity": 2, "unit_price": 75.0}])
        if form().get("payment_method_id") == "bolbradesco":
            # The boleto's form gives names and address: they win.
            want["payer"] = dict(want["payer"], first_name="Carla",
                                 last_name="Mendes",
                                 address={"zip_code": "01310100",
                                          "street_name": "Avenida Paulista",
                                          "street_number": "1500"})
        assert info == want, info
    # PSE too, with nothing but the address the buyer came from.
    c = SITES["MCO"]
    pid = c.context()
    assert c.pay(pid, pse_form()).status == 201
    assert requests(c)[-1]["body"]["additional_info"] == \
        {"ip_address": "127.0.0.1"}


def test_bad_shipment_is_an_invalid_context():
    s = SITES["MLB"]
    for shipment in ({"zip_code": "1"}, {"receiver_address": {"x": "1"}},
                     {"receiver_address": {"floor": 5}}, "Rua Funchal"):
        pid = s.context(shipment=shipment)
        refused(s, pid, s.card_form(), 500, "invalid_context")


# -- vouchers ---------------------------------------------------------------------

def test_every_voucher_expires_with_the_purchase():
    mlb = SITES["MLB"]
    for site, method in ((mlb, "bolbradesco"), (mlb, "pec"),
                         (SITES["MCO"], "efecty"), (SITES["MLM"], "oxxo"),
                         (SITES["MLM"], "paycash"), (SITES["MLM"], "bancomer"),
                         (SITES["MLM"], "banamex")):
        days = 4 if site is mlb else 3
        payer = BOLETO_PAYER if site is mlb else None
        pid = site.context()
        t0 = time.time()
        r = site.pay(pid, voucher_form(site, method, payer))
        assert r.status == 201, (method, r)
        exp = parse_time(requests(site)[-1]["body"]["date_of_expiration"])
        assert t0 + days * 86400 - 120 <= exp <= \
            time.time() + days * 86400 + 1, method
        # Never after the purchase's own end.
        end = time.time() + 2 * 86400
        pid = site.context(expires_at=time.strftime(
            "%Y-%m-%dT%H:%M:%SZ", time.gmtime(end)))
        r = site.pay(pid, voucher_form(site, method, payer))
        assert r.status == 201, (method, r)
        exp = parse_time(requests(site)[-1]["body"]["date_of_expiration"])
        assert abs(exp - int(end)) <= 1, (method, exp, end)


def test_pec_needs_the_payer_like_a_boleto():
    s = SITES["MLB"]
    pid = s.context()
    for path, field in (("first_name", "payer.first_name"),
                        ("last_name", "payer.last_name"),
                        ("identification", "payer.identification.type"),
                        ("address", "payer.address.zip_code")):
        payer = {k: v for k, v in BOLETO_PAYER.items() if k != path}
        refused(s, pid, voucher_form(s, "pec", payer), 400, "missing_field",
                field)
    r = s.pay(pid, voucher_form(s, "pec", BOLETO_PAYER))
    assert r.status == 201, r
    assert requests(s)[-1]["body"]["payer"] == BOLETO_PAYER


def test_voucher_summary_says_how_to_pay():
    for site, method, payer in ((SITES["MLB"], "bolbradesco", BOLETO_PAYER),
                                (SITES["MLM"], "oxxo", None),
                                (SITES["MCO"], "efecty", None)):
        pid = site.context()
        r = site.pay(pid, voucher_form(site, method, payer))
        assert r.status == 201, r
        ticket = r.json()["ticket"]
        st, _, payment = site.sb.request("GET", "/v1/payments/%d" %
                                         r.json()["id"])
        td = payment["transaction_details"]
        assert ticket["payment_method_reference_id"] == \
            td["payment_method_reference_id"], (ticket, td)
        assert ticket["verification_code"] == td["verification_code"]
        if method == "bolbradesco":
            assert ticket["digitable_line"] == td["digitable_line"]
        else:
            assert "digitable_line" not in ticket, ticket
        assert site.read(pid)["payment"]["summary"] == r.json()


# -- the wallet keeps the purchase's limits --------------------------------------

def create_preference(site, pid):
    return site.stack.request("POST", "/create_preference?purchase_id=" +
                              pid)


def test_wallet_preference_keeps_the_limits():
    s = SITES["MLM"]
    pid = s.context(payment_methods=["credit_card", "account_money"],
                    max_installments=3)
    r = create_preference(s, pid)
    assert r.status == 200, r
    pref = r.json()["preference_id"]
    sent = requests(s, "POST", "/checkout/preferences")[-1]["body"]
    assert sent["payment_methods"] == {
        "excluded_payment_types": [{"id": "debit_card"},
                                   {"id": "prepaid_card"},
                                   {"id": "ticket"}, {"id": "atm"},
                                   {"id": "digital_currency"}],
        "excluded_payment_methods": [], "installments": 3}, sent
    # On Mercado Pago's side the buyer cannot take what the purchase
    # forbids: a debit card, credits, more instalments.
    for body in ({"payment_method_id": "debvisa"},
                 {"payment_method_id": "consumer_credits"},
                 {"payment_method_id": "visa", "installments": 6}):
        st, js = s.sb.ctl("POST", "preferences/%s/pay" % pref, body)
        assert st == 400, (body, st, js)
    st, js = s.sb.ctl("POST", "preferences/%s/pay" % pref,
                      {"payment_method_id": "visa", "installments": 3})
    assert st == 201, js
    assert js["payment_method_id"] == "visa"


def test_wallet_refused_when_the_purchase_refuses_account_money():
    s = SITES["MLM"]
    pid = s.context(payment_methods=["credit_card"])
    before = s.snapshot()
    calls = len(requests(s, "POST", "/checkout/preferences"))
    r = create_preference(s, pid)
    expect_error(r, 403, "payment_method_not_allowed")
    assert len(requests(s, "POST", "/checkout/preferences")) == calls
    after = s.snapshot()
    assert {k: v for k, v in after.items() if not k.endswith(".lock")} == \
        {k: v for k, v in before.items() if not k.endswith(".lock")}


# -- saved cards ------------------------------------------------------------------

CUSTOMER = "1234567890"


def saved_card_form(site, customer):
    f = site.card_form()
    f["payer"] = {"type": "customer", "id": customer}
    return f


def test_saved_card_only_as_the_purchases_customer():
    s = SITES["MLB"]
    pid = s.context(customer_id=CUSTOMER, payer={"email": EMAIL})
    refused(s, pid, saved_card_form(s, "1234567891"), 400, "invalid_field",
            "payer.id")
    none = s.context(payer={"email": EMAIL})
    refused(s, none, saved_card_form(s, CUSTOMER), 400, "invalid_field",
            "payer.id")
    r = s.pay(pid, saved_card_form(s, CUSTOMER))
    assert r.status == 201, r
    sent = requests(s)[-1]["body"]["payer"]
    assert sent["type"] == "customer" and sent["id"] == CUSTOMER, sent
    st, _, payment = s.sb.request("GET", "/v1/payments/%d" % r.json()["id"])
    assert payment["payer"]["type"] == "customer"
    assert payment["payer"]["id"] == CUSTOMER


def test_a_bad_customer_id_is_an_invalid_context():
    s = SITES["MLB"]
    for bad in ("has space", 1234567890, "", "x" * 65):
        pid = s.context(customer_id=bad)
        refused(s, pid, saved_card_form(s, CUSTOMER), 500,
                "invalid_context")


# -- credits only where they exist -------------------------------------------

def test_credits_purpose_only_in_mla_mlb_mlm():
    c = SITES["MCO"]
    pid = c.context(purpose="onboarding_credits")
    calls = len(requests(c, "POST", "/checkout/preferences"))
    expect_error(create_preference(c, pid), 500, "invalid_context")
    assert len(requests(c, "POST", "/checkout/preferences")) == calls
    assert "purpose is onboarding_credits, which this site does not offer" \
        in c.log()
    for code in ("MLB", "MLM"):
        s = SITES[code]
        pid = s.context(purpose="onboarding_credits")
        assert create_preference(s, pid).status == 200


# -- IPN ----------------------------------------------------------------------------

def test_ipn_acknowledged_and_warned_about_once():
    s = SITES["hooks"]
    warning = "an IPN notification (topic=&id=, unsigned) was acknowledged"
    before = s.log().count(warning)
    for n in range(3):
        r = s.stack.post_json("/webhooks?topic=payment&id=%d" % (555 + n),
                              json.dumps({"resource": str(555 + n),
                                          "topic": "payment"}))
        assert r.status == 200, r
        assert r.json() == {"status": "ignored"}
    assert before == 0 and s.log().count(warning) == 1, s.log()
    assert "source_news=webhooks" in s.log()
    assert not requests(s, "GET", "/v1/payments/555")
