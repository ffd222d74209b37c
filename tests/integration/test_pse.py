"""PSE (Colombia) through nginx against the sandbox: the body Mercado Pago
gets (callback_url, the buyer's IP, the bank), the redirect the page gets,
every refusal with nothing sent upstream, and a shop without callback_url."""
import time

from paytest import AMOUNTS, EMAIL, RawNumber, Site, refused

CALLBACK = "https://shop.example.com/pse/return?lang=es"
SITES = {}


def setup_module():
    SITES["pse"] = Site("MCO", {"callback_url": CALLBACK,
                                "notification_url":
                                "http://127.0.0.1:9/webhooks"})
    SITES["none"] = Site("MCO")


def teardown_module():
    for s in SITES.values():
        s.stop()


def form(**over):
    f = {"payment_method_id": "pse",
         "transaction_amount": RawNumber(AMOUNTS["MCO"]),
         "payer": {"email": EMAIL, "entity_type": "individual",
                   "identification": {"type": "CC",
                                      "number": "1012345678"}},
         "transaction_details": {"financial_institution": "1051"}}
    f.update(over)
    return f


def payer(**over):
    p = dict(form()["payer"])
    p.update(over)
    return p


def test_pse_payment_body_and_redirect():
    s = SITES["pse"]
    pid = s.context(description="Order 3003")
    r = s.pay(pid, form())
    assert r.status == 201, r
    body = r.json()
    assert body["status"] == "pending", body
    assert body["status_detail"] == "pending_waiting_transfer"
    assert body["payment_method_id"] == "pse"
    assert body["payment_type_id"] == "bank_transfer"
    assert body["redirect_url"].startswith("https://"), body
    assert "ticket" not in body and "pix" not in body
    sent = s.api_requests()[-1]["body"]
    assert sent["payment_method_id"] == "pse"
    assert sent["transaction_amount"] == 120000
    assert sent["description"] == "Order 3003"
    assert sent["external_reference"] == pid
    assert sent["callback_url"] == CALLBACK + "&purchase_id=" + pid
    assert sent["notification_url"] == \
        "http://127.0.0.1:9/webhooks?source_news=webhooks"
    assert sent["additional_info"]["ip_address"] == "127.0.0.1", sent
    assert sent["transaction_details"] == {"financial_institution": "1051"}
    assert sent["payer"] == form()["payer"], sent["payer"]
    assert "date_of_expiration" not in sent and "token" not in sent
    assert s.read(pid)["payment"]["summary"] == body


def test_pse_company_with_nit_and_context_address():
    s = SITES["pse"]
    addr = {"zip_code": "110111", "street_name": "Calle 26",
            "street_number": "68", "neighborhood": "Salitre",
            "city": "Bogota", "federal_unit": "Cundinamarca"}
    phone = {"area_code": "601", "number": "3001234567"}
    pid = s.context(payer={"first_name": "Camila", "last_name": "Rojas",
                           "address": addr, "phone": phone},
                    items=[{"id": "A1", "title": "Mug", "quantity": 2,
                            "unit_price": "60000"}])
    f = form(payer=payer(entity_type="association",
                         identification={"type": "NIT",
                                         "number": "800197268-4"}))
    r = s.pay(pid, f)
    assert r.status == 201, r
    sent = s.api_requests()[-1]["body"]
    assert sent["description"] == "Purchase " + pid
    assert sent["payer"]["entity_type"] == "association"
    assert sent["payer"]["address"] == addr
    assert sent["payer"]["phone"] == phone
    assert sent["payer"]["first_name"] == "Camila"
    # The items and the buyer's IP share additional_info.
    assert sent["additional_info"]["ip_address"] == "127.0.0.1"
    assert sent["additional_info"]["items"][0]["title"] == "Mug"


def test_pse_form_payer_objects_send_only_their_known_members():
    """The form's identification, address and phone reach Mercado Pago
    with the members the field tables check, never what the browser
    adds beside them (found by fuzz/form.c)."""
    s = SITES["pse"]
    pid = s.context()
    addr = {"zip_code": "110111", "street_name": "Calle 26",
            "street_number": "68", "neighborhood": "Salitre",
            "city": "Bogota", "federal_unit": "Cundinamarca"}
    phone = {"area_code": "601", "number": "3001234567"}
    f = form(payer=payer(
        identification={"type": "CC", "number": "1012345678",
                         "verified": True},
        address=dict(addr, country="XX", extra={"a": [1]}),
        phone=dict(phone, extension="99")))
    r = s.pay(pid, f)
    assert r.status == 201, r
    sent = s.api_requests()[-1]["body"]["payer"]
    assert sent["identification"] == {"type": "CC", "number": "1012345678"}
    assert sent["address"] == addr, sent
    assert sent["phone"] == phone, sent


def test_pse_refusals_send_nothing():
    s = SITES["pse"]
    pid = s.context()
    cases = [
        (form(payer=None), 400, "missing_field", "payer"),
        (form(payer=payer(entity_type=None)), 400, "missing_field",
         "payer.entity_type"),
        (form(payer=payer(entity_type="company")), 400, "invalid_field",
         "payer.entity_type"),
        (form(payer=payer(identification=None)), 400, "missing_field",
         "payer.identification"),
        (form(payer=payer(identification={"type": "CC"})), 400,
         "missing_field", "payer.identification.number"),
        (form(payer=payer(identification={"type": "CC", "number": "12"})),
         400, "invalid_field", "payer.identification.number"),
        (form(payer=payer(identification={"type": "DNI",
                                          "number": "12345678"})),
         400, "invalid_field", "payer.identification.type"),
        # A company pays with its NIT, a person with anything else.
        (form(payer=payer(identification={"type": "NIT",
                                          "number": "800197268-4"})),
         400, "invalid_field", "payer.identification.type"),
        (form(payer=payer(entity_type="association")), 400,
         "invalid_field", "payer.identification.type"),
        (form(payer=payer(email=None)), 400, "missing_field",
         "payer.email"),
        (form(payer=payer(email="nobody")), 400, "invalid_field",
         "payer.email"),
        (form(transaction_details=None), 400, "missing_field",
         "transaction_details"),
        (form(transaction_details={}), 400, "missing_field",
         "transaction_details.financial_institution"),
        (form(transaction_details={"financial_institution": "BANCO"}), 400,
         "invalid_field", "transaction_details.financial_institution"),
        (form(transaction_details={"financial_institution": 1051}), 400,
         "invalid_field", "transaction_details.financial_institution"),
        (form(payer=payer(phone={"area_code": "601", "number": 300})), 400,
         "invalid_field", "payer.phone.number"),
        (form(transaction_amount=RawNumber("119999")), 400,
         "amount_mismatch", "transaction_amount"),
    ]
    for f, status, code, field in cases:
        refused(s, pid, f, status, code, field)


def test_pse_refused_when_the_purchase_expires_too_soon():
    s = SITES["pse"]
    soon = time.strftime("%Y-%m-%dT%H:%M:%SZ",
                         time.gmtime(time.time() + 600))
    pid = s.context(expires_at=soon)
    r = refused(s, pid, form(), 400, "unsupported_payment_method",
                "payment_method_id")
    assert "15 minutes" in r.json()["error"]["message"]


def test_pse_without_callback_url_is_refused():
    s = SITES["none"]
    pid = s.context()
    r = refused(s, pid, form(), 400, "unsupported_payment_method",
                "payment_method_id")
    assert "callback_url" in r.json()["error"]["message"]


def test_pse_pending_is_cancelled_for_a_card():
    s = SITES["pse"]
    pid = s.context()
    r = s.pay(pid, form())
    assert r.status == 201, r
    first = r.json()["id"]
    r = s.pay(pid, s.card_form())
    assert r.status == 201, r
    assert r.json()["status"] == "approved"
    puts = s.api_requests("PUT", "/v1/payments/%d" % first)
    assert [p["body"] for p in puts] == [{"status": "cancelled"}]
    rec = s.read(pid)
    assert [p["status"] for p in rec["payments"]] == ["cancelled",
                                                       "approved"]
    # Cancelled: no bank to send the buyer to any more.
    assert "redirect_url" not in rec["payments"][0]["summary"]
