"""brickgate-sandbox: Pix (a PNG that really decodes), tickets and ATM per
site, PSE, and per-method required fields.  One sandbox per site.

Run: BRICKGATE_BUILD=<build dir> python3 tests/sandbox/test_sandbox_methods.py
"""
import base64
import datetime
import os
import struct
import sys
import time
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sbharness  # noqa: E402
from sbharness import assert_cause  # noqa: E402

SITES = ("MLB", "MLA", "MLM", "MPE", "MCO", "MLU", "MLC")
SB = {}

TICKETS = {
    "MLB": ["bolbradesco", "pec"],
    "MLA": ["rapipago", "pagofacil"],
    "MLM": ["oxxo", "paycash", "bancomer", "banamex"],
    "MPE": ["pagoefectivo_atm"],
    "MCO": ["efecty"],
    "MLU": ["abitab", "redpagos"],
}
ATM = {"bancomer", "banamex", "pagoefectivo_atm"}

BOLETO_PAYER = {
    "email": "carla.mendes@example.com",
    "first_name": "Carla", "last_name": "Mendes",
    "identification": {"type": "CPF", "number": "98765432100"},
    "address": {"zip_code": "01310100", "street_name": "Avenida Paulista",
                "street_number": "1500", "neighborhood": "Bela Vista",
                "city": "Sao Paulo", "federal_unit": "SP"},
}

PSE_BODY = {
    "transaction_amount": 120000,
    "description": "Order order-3003",
    "payment_method_id": "pse",
    "external_reference": "order-3003",
    "callback_url": "https://shop.example.com/return/order-3003",
    "additional_info": {"ip_address": "181.49.12.7"},
    "transaction_details": {"financial_institution": "1051"},
    "payer": {"email": "camila.rojas@example.com",
              "entity_type": "individual",
              "identification": {"type": "CC", "number": "1012345678"}},
}


def setup_module():
    for s in SITES:
        SB[s] = sbharness.Sandbox(s)


def teardown_module():
    # Every sandbox is stopped before any exit status is judged.
    rcs = {s: SB[s].stop() for s in SITES if s in SB}
    assert rcs == {s: 0 for s in SITES}, rcs


def parse_png(data):
    """Checks the signature and every chunk's CRC, inflates IDAT and
    returns (width, height, bit depth, colour type, raw rows)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", data[:8]
    pos, chunks = 8, []
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + n]
        (crc,) = struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])
        assert zlib.crc32(kind + body) == crc, kind
        chunks.append((kind, body))
        pos += 12 + n
    assert chunks[0][0] == b"IHDR" and chunks[-1][0] == b"IEND"
    w, h, depth, colour = struct.unpack(">IIBB", chunks[0][1][:10])
    raw = zlib.decompress(b"".join(b for k, b in chunks if k == b"IDAT"))
    return w, h, depth, colour, raw


def test_pix_answer_and_png():
    sb = SB["MLB"]
    st, _, js = sb.pay({"transaction_amount": 89.9,
                        "payment_method_id": "pix",
                        "description": "Order order-2002",
                        "external_reference": "order-2002",
                        "payer": {"email": "bruno.lima@example.com"}})
    assert st == 201, js
    assert (js["status"], js["status_detail"]) == ("pending",
                                                   "pending_waiting_transfer")
    assert js["payment_type_id"] == "bank_transfer"
    poi = js["point_of_interaction"]
    assert poi["type"] == "PIX"
    td = poi["transaction_data"]
    code = td["qr_code"]
    assert code.startswith("000201") and "br.gov.bcb.pix" in code
    assert "540589.90" in code and code[-8:-4] == "6304"
    assert td["ticket_url"].startswith("https://www.mercadopago.com.br/")
    png = base64.b64decode(td["qr_code_base64"], validate=True)
    w, h, depth, colour, raw = parse_png(png)
    assert w == h and w >= 21 * 4, (w, h)
    assert (depth, colour) == (8, 0)
    assert len(raw) == h * (w + 1)
    pixels = set(raw[1:w + 1]) | set(raw[(h // 2) * (w + 1) + 1:
                                         (h // 2 + 1) * (w + 1)])
    assert pixels == {0, 255}, pixels          # black and white modules
    assert js["date_of_expiration"] is not None
    assert js["transaction_details"]["external_resource_url"] is None


def test_pix_expiry_from_request_and_bounds():
    sb = SB["MLB"]
    t = time.time() + 2 * 3600
    when = time.strftime("%Y-%m-%dT%H:%M:%S.000-00:00", time.gmtime(t))
    body = {"transaction_amount": 10, "payment_method_id": "pix",
            "payer": {"email": "a@example.com"},
            "date_of_expiration": when}
    st, _, js = sb.pay(body)
    assert st == 201, js
    assert js["date_of_expiration"] is not None
    too_soon = time.strftime("%Y-%m-%dT%H:%M:%S.000-00:00",
                             time.gmtime(time.time() + 60))
    assert_cause(sb.pay(dict(body, date_of_expiration=too_soon)), 400, 7523)
    assert_cause(sb.pay(dict(body, date_of_expiration="tomorrow")), 400, 23)


def test_pix_only_in_brazil():
    assert_cause(SB["MLA"].pay({"transaction_amount": 10,
                                "payment_method_id": "pix",
                                "payer": {"email": "a@example.com"}}),
                 400, 3028)


def test_tickets_per_site():
    for site, methods in TICKETS.items():
        sb = SB[site]
        for m in methods:
            payer = dict(BOLETO_PAYER) if site == "MLB" else \
                {"email": "buyer@example.com"}
            amount = 120000 if site in ("MCO", "MLC") else 310.5
            body = {"transaction_amount": amount, "payment_method_id": m,
                    "description": "Order t-" + m, "payer": payer}
            st, _, js = sb.pay(body)
            assert st == 201, (site, m, js)
            assert (js["status"], js["status_detail"]) == (
                "pending", "pending_waiting_payment"), (site, m)
            assert js["payment_type_id"] == ("atm" if m in ATM
                                             else "ticket"), (site, m)
            td = js["transaction_details"]
            assert td["external_resource_url"].startswith("https://"), m
            assert td["payment_method_reference_id"]
            assert td["verification_code"]
            assert td["barcode"]["content"].isdigit()
            assert js["date_of_expiration"] is not None
            if site == "MLB":
                assert len(td["barcode"]["content"]) == 44
                assert td["digitable_line"]
            if m == "pagoefectivo_atm":
                assert td["financial_institution"] == "PagoEfectivo"


def ticket_body(site, method, **extra):
    payer = dict(BOLETO_PAYER) if site == "MLB" else \
        {"email": "buyer@example.com"}
    amount = 120000 if site in ("MCO", "MLC") else 310.5
    body = {"transaction_amount": amount, "payment_method_id": method,
            "description": "Order t-" + method, "payer": payer}
    body.update(extra)
    return body


def ahead(seconds, offset="-03:00"):
    """date_of_expiration `seconds` from now, written in `offset`."""
    sign = -1 if offset[0] == "-" else 1
    shift = sign * (int(offset[1:3]) * 3600 + int(offset[4:6]) * 60)
    t = time.gmtime(time.time() + seconds + shift)
    return time.strftime("%Y-%m-%dT%H:%M:%S.000", t) + offset


def epoch(text):
    return datetime.datetime.fromisoformat(text).timestamp()


def test_every_voucher_takes_date_of_expiration():
    day = 24 * 3600
    for site, methods in TICKETS.items():
        sb = SB[site]
        for m in methods:
            for secs in (day + 300, 3 * day, 30 * day, 30 * day + 23 * 3600):
                when = ahead(secs)
                st, _, js = sb.pay(ticket_body(site, m,
                                               date_of_expiration=when))
                assert st == 201, (site, m, secs, js)
                assert epoch(js["date_of_expiration"]) == epoch(when), \
                    (site, m, when, js["date_of_expiration"])
                assert js["date_of_expiration"].endswith("-04:00")
                st, _, got = sb.request("GET", "/v1/payments/%d" % js["id"])
                assert got["date_of_expiration"] == js["date_of_expiration"]
            for secs in (-3600, 60, 12 * 3600, day - 600, 31 * day + 600,
                         60 * day):
                assert_cause(sb.pay(ticket_body(
                    site, m, date_of_expiration=ahead(secs))), 400, 7523)
            for bad in ("in three days", "2026-13-01T00:00:00.000-03:00"):
                assert_cause(sb.pay(ticket_body(
                    site, m, date_of_expiration=bad)), 400, 23)
            assert_cause(sb.pay(ticket_body(
                site, m, date_of_expiration=1767225600)), 400, 23)
            # Without one, three days.
            st, _, js = sb.pay(ticket_body(site, m))
            left = epoch(js["date_of_expiration"]) - time.time()
            assert 3 * day - 120 < left <= 3 * day + 5, (site, m, left)


def test_voucher_answer_fields():
    for site, methods in TICKETS.items():
        sb = SB[site]
        for m in methods:
            st, _, js = sb.pay(ticket_body(site, m))
            assert st == 201, (site, m, js)
            td = js["transaction_details"]
            ref = td["payment_method_reference_id"]
            assert isinstance(ref, str) and ref.isdigit(), (m, td)
            assert "payment_method_reference_id=" + ref in \
                td["external_resource_url"], td
            assert "payment_method_id=%s&" % m in td["external_resource_url"]
            code = td["verification_code"]
            assert isinstance(code, str) and len(code) == 8 and \
                code.isdigit(), td
            assert td["barcode"] == js["barcode"], js
            assert set(td["barcode"]) == {"content"}
            assert td["barcode"]["content"].isdigit()
            if site == "MLB":
                line = td["digitable_line"]
                digits = line.replace(".", "").replace(" ", "")
                assert len(digits) == 47 and digits.isdigit(), line
                assert digits.startswith(td["barcode"]["content"][:4])
            else:
                assert "digitable_line" not in td, (m, td)
            # Two vouchers never share a reference.
            st, _, other = sb.pay(ticket_body(site, m))
            assert other["transaction_details"][
                "payment_method_reference_id"] != ref


def test_currency_and_decimals_per_site():
    expect = {"MLB": "BRL", "MLA": "ARS", "MLM": "MXN", "MPE": "PEN",
              "MCO": "COP", "MLU": "UYU", "MLC": "CLP"}
    for site, cur in expect.items():
        sb = SB[site]
        body = sb.card_body("APRO", amount=1500)
        st, _, js = sb.pay(body)
        assert st == 201, (site, js)
        assert js["currency_id"] == cur
        body = sb.card_body("APRO", amount=15.5)
        if site in ("MCO", "MLC"):
            assert_cause(sb.pay(body), 400, 2072)
        else:
            assert sb.pay(body)[0] == 201


def test_boleto_requires_name_document_address():
    sb = SB["MLB"]
    for missing in ("first_name", "last_name", "identification", "address"):
        payer = dict(BOLETO_PAYER)
        payer.pop(missing)
        assert_cause(sb.pay({"transaction_amount": 310,
                             "payment_method_id": "bolbradesco",
                             "payer": payer}), 400, 7521)
    payer = dict(BOLETO_PAYER,
                 address=dict(BOLETO_PAYER["address"]))
    payer["address"].pop("zip_code")
    assert_cause(sb.pay({"transaction_amount": 310,
                         "payment_method_id": "bolbradesco",
                         "payer": payer}), 400, 7521)
    # pec does not need them.
    st, _, js = sb.pay({"transaction_amount": 310,
                        "payment_method_id": "pec",
                        "payer": {"email": "a@example.com"}})
    assert st == 201, js


def test_pse_answer():
    sb = SB["MCO"]
    st, _, js = sb.pay(PSE_BODY)
    assert st == 201, js
    assert (js["status"], js["status_detail"]) == ("pending",
                                                   "pending_waiting_transfer")
    assert js["payment_type_id"] == "bank_transfer"
    assert js["callback_url"] == PSE_BODY["callback_url"]
    td = js["transaction_details"]
    assert td["external_resource_url"].startswith(
        "https://www.mercadopago.com.co/")
    assert isinstance(td["bank_transfer_id"], int)
    assert isinstance(td["transaction_id"], str) and td["transaction_id"]
    assert td["financial_institution"] == "1051"
    assert js["currency_id"] == "COP"


def test_pse_required_fields():
    sb = SB["MCO"]
    paths = [("description",), ("callback_url",),
             ("additional_info", "ip_address"),
             ("transaction_details", "financial_institution"),
             ("payer", "entity_type"), ("payer", "identification")]
    for path in paths:
        body = {k: (dict(v) if isinstance(v, dict) else v)
                for k, v in PSE_BODY.items()}
        if len(path) == 1:
            body.pop(path[0])
        else:
            body[path[0]].pop(path[1])
        code = 4058 if path == ("callback_url",) else 7521
        assert_cause(sb.pay(body), 400, code)
    body = dict(PSE_BODY, payer=dict(PSE_BODY["payer"],
                                     entity_type="company"))
    assert_cause(sb.pay(body), 400, 7521)
    body = dict(PSE_BODY, payer=dict(PSE_BODY["payer"],
                                     entity_type="association"))
    assert_cause(sb.pay(body), 400, 2067)     # CC is not a company's
    body = dict(PSE_BODY, transaction_amount=120000.5)
    assert_cause(sb.pay(body), 400, 2072)


def test_ticket_paid_by_control_endpoint():
    sb = SB["MLM"]
    st, _, js = sb.pay({"transaction_amount": 742, "payment_method_id":
                        "oxxo", "payer": {"email": "d@example.com"},
                        "metadata": {"payment_point": "oxxo"}})
    assert js["metadata"] == {"payment_point": "oxxo"}
    st, moved = sb.ctl("POST", "payments/%d/status" % js["id"],
                       {"status": "approved", "status_detail": "accredited"})
    assert st == 200 and moved["status"] == "approved"
    st, _, c = sb.request("PUT", "/v1/payments/%d" % js["id"],
                          {"status": "cancelled"})
    assert st == 400 and c["cause"][0]["code"] == 2018


if __name__ == "__main__":
    sbharness.run(sys.modules[__name__])
