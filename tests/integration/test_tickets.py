"""Vouchers (tickets and ATM references) on every site that has them,
through nginx against the sandbox: the voucher the page links to, the
fields each method needs, the expiry rules, and refusals."""
import time

from harness import expect_error
from paytest import (AMOUNTS, BOLETO_PAYER, EMAIL, RawNumber, Site,
                     parse_time)

SITES = {}


def setup_module():
    for code in ("MLB", "MLA", "MLM", "MPE", "MCO", "MLU"):
        SITES[code] = Site(code, {"ticket_expires_days": 5})


def teardown_module():
    for s in SITES.values():
        s.stop()


def form(site, method, payer=None, **extra):
    f = {"payment_method_id": method,
         "transaction_amount": RawNumber(AMOUNTS[site.site]),
         "payer": payer or {"email": EMAIL}}
    f.update(extra)
    return f


def check_voucher(site, pid, method, type_id, payer=None, **extra):
    t0 = time.time()
    r = site.pay(pid, form(site, method, payer, **extra))
    assert r.status == 201, (method, r)
    body = r.json()
    assert body["status"] == "pending", body
    assert body["payment_method_id"] == method
    assert body["payment_type_id"] == type_id, body
    assert body["ticket"]["url"].startswith("http"), body
    sent = site.api_requests()[-1]["body"]
    assert sent["payment_method_id"] == method
    assert sent["external_reference"] == pid
    assert sent["description"] == "Purchase " + pid
    assert "installments" not in sent and "token" not in sent
    # Every voucher expires with the purchase, ticket_expires_days ahead.
    exp = parse_time(sent["date_of_expiration"])
    assert t0 + 5 * 86400 - 120 <= exp <= time.time() + 5 * 86400 + 1
    return body, sent


def test_every_voucher_method():
    s = SITES["MLB"]
    check_voucher(s, s.context(), "pec", "ticket", payer=BOLETO_PAYER)
    for code, method, type_id in (
            ("MLA", "rapipago", "ticket"), ("MLA", "pagofacil", "ticket"),
            ("MLM", "oxxo", "ticket"), ("MLM", "paycash", "ticket"),
            ("MLM", "bancomer", "atm"), ("MLM", "banamex", "atm"),
            ("MPE", "pagoefectivo_atm", "atm"), ("MCO", "efecty", "ticket"),
            ("MLU", "abitab", "ticket"), ("MLU", "redpagos", "ticket")):
        site = SITES[code]
        check_voucher(site, site.context(), method, type_id)


def test_boleto_with_its_payer_data():
    s = SITES["MLB"]
    pid = s.context()
    body, sent = check_voucher(s, pid, "bolbradesco", "ticket",
                               payer=BOLETO_PAYER)
    assert sent["payer"] == BOLETO_PAYER, sent["payer"]
    assert body["ticket"].get("barcode"), body
    assert s.read(pid)["payment"]["summary"] == body


def test_boleto_payer_data_from_the_context():
    s = SITES["MLB"]
    ctx_payer = dict(BOLETO_PAYER)
    del ctx_payer["email"]
    pid = s.context(payer=ctx_payer)
    body, sent = check_voucher(s, pid, "bolbradesco", "ticket")
    assert sent["payer"]["address"] == BOLETO_PAYER["address"]
    assert sent["payer"]["first_name"] == "Carla"


def test_boleto_refuses_missing_payer_data():
    s = SITES["MLB"]
    pid = s.context()
    for path in ("first_name", "identification", "address"):
        payer = dict(BOLETO_PAYER)
        del payer[path]
        calls = len(s.api_requests())
        r = s.pay(pid, form(s, "bolbradesco", payer))
        want = {"identification": "payer.identification.type",
                "address": "payer.address.zip_code"}.get(
                    path, "payer." + path)
        expect_error(r, 400, "missing_field", want)
        assert len(s.api_requests()) == calls
    payer = dict(BOLETO_PAYER, identification={"type": "CPF",
                                               "number": "12345678900"})
    expect_error(s.pay(pid, form(s, "bolbradesco", payer)), 400,
                 "invalid_field", "payer.identification.number")


def test_payment_point_reaches_metadata():
    s = SITES["MLM"]
    pid = s.context(metadata={"order": "A-1"})
    _, sent = check_voucher(s, pid, "oxxo", "ticket",
                            metadata={"payment_point": "oxxo",
                                      "other": "dropped"})
    assert sent["metadata"] == {"order": "A-1", "payment_point": "oxxo"}


def test_voucher_expiry_bounded_by_the_purchase():
    s = SITES["MLA"]
    end = time.strftime("%Y-%m-%dT%H:%M:%SZ",
                        time.gmtime(time.time() + 2 * 86400))
    pid = s.context(expires_at=end)
    s.pay(pid, form(s, "rapipago"))
    sent = s.api_requests()[-1]["body"]
    assert abs(parse_time(sent["date_of_expiration"]) - parse_time(end)) < 1
    soon = time.strftime("%Y-%m-%dT%H:%M:%SZ",
                         time.gmtime(time.time() + 3600))
    pid = s.context(expires_at=soon)
    calls = len(s.api_requests())
    r = s.pay(pid, form(s, "rapipago"))
    expect_error(r, 400, "unsupported_payment_method", "payment_method_id")
    assert len(s.api_requests()) == calls


def test_vouchers_of_other_sites_refused():
    for code, method in (("MLB", "oxxo"), ("MLA", "efecty"),
                         ("MCO", "abitab"), ("MPE", "bancomer")):
        s = SITES[code]
        pid = s.context()
        expect_error(s.pay(pid, form(s, method)), 400,
                     "unsupported_payment_method", "payment_method_id")
