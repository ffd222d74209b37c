"""Card payments end to end (issue 4): brickgate under spawn-fcgi behind
nginx, against brickgate-sandbox.  Every refusal is checked for its exact
status and code, for making no call to Mercado Pago and for writing
nothing in the context directory."""
import json
import os

from harness import TOKEN, expect_error
from paytest import AMOUNTS, EMAIL, IDS, RawNumber, Site, dumps, refused

S = None          # MLB
OUTCOMES = {
    "APRO": ("approved", "accredited"),
    "OTHE": ("rejected", "cc_rejected_other_reason"),
    "CONT": ("in_process", "pending_contingency"),
    "CALL": ("rejected", "cc_rejected_call_for_authorize"),
    "FUND": ("rejected", "cc_rejected_insufficient_amount"),
    "SECU": ("rejected", "cc_rejected_bad_filled_security_code"),
    "EXPI": ("rejected", "cc_rejected_bad_filled_date"),
    "FORM": ("rejected", "cc_rejected_bad_filled_other"),
    "CARD": ("rejected", "cc_rejected_bad_filled_card_number"),
    "INST": ("rejected", "cc_rejected_invalid_installments"),
    "DUPL": ("rejected", "cc_rejected_duplicated_payment"),
    "LOCK": ("rejected", "cc_rejected_card_disabled"),
    "CTNA": ("rejected", "cc_rejected_card_type_not_allowed"),
    "ATTE": ("rejected", "cc_rejected_max_attempts"),
    "BLAC": ("rejected", "cc_rejected_blacklist"),
}
SUMMARY_KEYS = {"purchase_id", "id", "status", "status_detail",
                "payment_method_id", "payment_type_id", "transaction_amount",
                "installments"}


def setup_module():
    global S
    S = Site("MLB", {"statement_descriptor": "BRICKSHOP",
                     "notification_url": "http://127.0.0.1:9/webhooks",
                     "max_attempts": 4})


def teardown_module():
    S.stop()


def created(r, status, detail=None):
    assert r.status == 201, r
    body = r.json()
    assert set(body) == SUMMARY_KEYS, body
    assert body["status"] == status, body
    if detail:
        assert body["status_detail"] == detail, body
    return body


# -- approved on every site, body checked field by field -------------------

def check_upstream_body(site, pid, sent, form, amount_text):
    body = sent["body"]
    want = {"transaction_amount", "description", "external_reference",
            "metadata", "token", "installments", "payment_method_id",
            "issuer_id", "payer", "additional_info"}
    if site.stack.env.get("BRICKGATE_NOTIFICATION_URL"):
        want.add("notification_url")
    if site.stack.env.get("BRICKGATE_STATEMENT_DESCRIPTOR"):
        want.add("statement_descriptor")
    assert set(body) == want, sorted(body)
    # The exact decimal text of the context, as a JSON number.
    assert sent_text_amount(site, sent) == amount_text
    assert body["external_reference"] == pid
    assert body["description"] == "Order " + pid
    assert body["token"] == form["token"]
    assert body["installments"] == form["installments"]
    assert body["payment_method_id"] == form["payment_method_id"]
    assert body["issuer_id"] == "24"
    assert body["metadata"] == {}
    # The fraud data: nothing of the payer but the address it came from.
    assert body["additional_info"] == {"ip_address": "127.0.0.1"}
    payer = {"email": EMAIL}
    if site.site in IDS:
        payer["identification"] = IDS[site.site]
    assert body["payer"] == payer, body["payer"]
    # Derived, not drawn (doc/design.md, Durability): the first attempt's.
    assert sent["idempotency_key"] == site.expected_key(pid, 0)
    assert sent["idempotency_key"][14] == "8"      # UUID version 8


def sent_text_amount(site, sent):
    """The amount brickgate wrote, as decimal text (the sandbox keeps the
    JSON it received; json.loads turned the number into a float, so it is
    re-rendered with the currency's decimals)."""
    dec = 0 if site.site in ("MCO", "MLC") else 2
    return "%.*f" % (dec, sent["body"]["transaction_amount"])


def test_approved_card_on_every_site():
    for code in ("MLA", "MLB", "MLM", "MPE", "MCO", "MLU", "MLC"):
        site = Site(code)
        try:
            pid = site.context(description=None)
            ctx = site.read(pid)
            ctx["description"] = "Order " + pid
            site.write_raw(pid, json.dumps(ctx))
            form = site.card_form()
            # The page's device id goes with the payment on every site.
            device = "device-%s-0123456789abcdef" % code.lower()
            body = created(site.pay(pid, form, {"X-Meli-Session-Id":
                                                device}),
                           "approved", "accredited")
            assert body["purchase_id"] == pid
            assert body["transaction_amount"] == AMOUNTS[code], body
            assert body["payment_type_id"] == "credit_card"
            sent = site.api_requests()
            assert len(sent) == 1, sent
            assert sent[0]["device_id"] == device, sent[0]
            check_upstream_body(site, pid, sent[0], form, AMOUNTS[code])
            rec = site.read(pid)
            assert rec["payment"]["state"] == "created"
            assert rec["payment"]["id"] == body["id"]
            assert rec["payment"]["summary"] == body
            assert rec["payments"] == [rec["payment"]]
            assert rec["payment"]["idempotency_key"] == \
                sent[0]["idempotency_key"]
            r = site.status(pid)
            assert r.status == 200 and r.json() == body, r
        finally:
            site.stop()


# -- outcomes ----------------------------------------------------------------

def test_every_test_cardholder_outcome():
    for name, (status, detail) in OUTCOMES.items():
        pid = S.context()
        created(S.pay(pid, S.card_form(name)), status, detail)
        assert S.read(pid)["payment"]["status"] == status


def test_installments_reach_the_api():
    pid = S.context(max_installments=6)
    created(S.pay(pid, S.card_form(installments=6)), "approved")
    assert S.api_requests()[-1]["body"]["installments"] == 6


def test_debit_card():
    site = Site("MLA")
    try:
        pid = site.context()
        form = site.card_form(method="debvisa")
        form["token"] = site.token("APRO", "4002768694395619")
        body = created(site.pay(pid, form), "approved")
        assert body["payment_type_id"] == "debit_card"
        assert body["payment_method_id"] == "debvisa"
        # A debit card is paid at once.
        pid = site.context()
        form = site.card_form(method="debvisa", installments=3)
        refused(site, pid, form, 400, "invalid_field", "installments")
    finally:
        site.stop()


def test_rejected_then_approved_with_a_new_key():
    pid = S.context()
    created(S.pay(pid, S.card_form("FUND")), "rejected")
    created(S.pay(pid, S.card_form("APRO")), "approved")
    rec = S.read(pid)
    assert [p["status"] for p in rec["payments"]] == ["rejected", "approved"]
    keys = [p["idempotency_key"] for p in rec["payments"]]
    assert keys[0] != keys[1], keys
    assert rec["payment"] == rec["payments"][-1]


def test_paid_purchase_409_without_a_call():
    pid = S.context()
    first = created(S.pay(pid, S.card_form()), "approved")
    before = S.snapshot()
    calls = len(S.api_requests())
    r = S.pay(pid, S.card_form())
    assert r.status == 409, r
    body = r.json()
    assert body["error"]["code"] == "purchase_already_paid"
    assert body["payment"] == first, body
    assert len(S.api_requests()) == calls
    assert S.snapshot() == before


def test_in_process_counts_as_paid():
    pid = S.context()
    created(S.pay(pid, S.card_form("CONT")), "in_process")
    r = S.pay(pid, S.card_form())
    assert r.status == 409 and r.json()["error"]["code"] == \
        "purchase_already_paid", r


def test_wrapper_with_selected_payment_method():
    pid = S.context()
    form = S.card_form()
    r = S.stack.post_json("/process_payment?purchase_id=" + pid, dumps(
        {"selectedPaymentMethod": "credit_card", "formData": form}))
    created(r, "approved")


# -- refusals ----------------------------------------------------------------

def test_amount_off_by_one_minor_unit():
    pid = S.context(amount="150.00")
    for bad in ("149.99", "150.01", "15000", "1.50"):
        refused(S, pid, S.card_form(amount=bad), 400, "amount_mismatch",
                "transaction_amount")
    cop = Site("MCO")
    try:
        pid = cop.context(amount="120000")
        refused(cop, pid, cop.card_form(amount="119999"), 400,
                "amount_mismatch", "transaction_amount")
        # More decimals than COP has, even when zero.
        refused(cop, pid, cop.card_form(amount="120000.0"), 400,
                "invalid_field", "transaction_amount")
        created(cop.pay(pid, cop.card_form(amount="120000")), "approved")
    finally:
        cop.stop()


def test_amount_formats():
    pid = S.context(amount="150.00")
    # Trailing zeros are the same amount.
    for ok_text in ("150", "150.0"):
        p2 = S.context(amount="150.00")
        created(S.pay(p2, S.card_form(amount=ok_text)), "approved")
    refused(S, pid, S.card_form(amount="150.001"), 400, "invalid_field",
            "transaction_amount")
    refused(S, pid, S.card_form(amount="-150.00"), 400, "invalid_field",
            "transaction_amount")
    refused(S, pid, S.card_form(amount="1.5e2"), 400, "invalid_field",
            "transaction_amount")
    form = S.card_form()
    form["transaction_amount"] = "150.00"
    refused(S, pid, form, 400, "invalid_field", "transaction_amount")
    form["transaction_amount"] = None
    refused(S, pid, form, 400, "missing_field", "transaction_amount")
    del form["transaction_amount"]
    refused(S, pid, form, 400, "missing_field", "transaction_amount")


def test_payer_mismatch():
    pid = S.context(payer={"email": "test_user_1@testuser.com"})
    refused(S, pid, S.card_form(), 400, "payer_mismatch", "payer.email")
    form = S.card_form()
    form["payer"]["email"] = "TEST_USER_1@testuser.com"
    created(S.pay(pid, form), "approved")


def test_email_from_the_context_when_the_form_has_none():
    pid = S.context(payer={"email": EMAIL})
    form = S.card_form()
    del form["payer"]["email"]
    created(S.pay(pid, form), "approved")
    assert S.api_requests()[-1]["body"]["payer"]["email"] == EMAIL
    pid = S.context()
    refused(S, pid, form, 400, "missing_field", "payer.email")


def test_installments_rules():
    pid = S.context(max_installments=3)
    refused(S, pid, S.card_form(installments=4), 400, "invalid_field",
            "installments")
    for bad in ("3", 0, -1, True, [3]):
        refused(S, pid, S.card_form(installments=bad), 400,
                "invalid_field", "installments")
    refused(S, pid, S.card_form(installments=RawNumber("3.0")), 400,
            "invalid_field", "installments")
    form = S.card_form()
    del form["installments"]
    refused(S, pid, form, 400, "missing_field", "installments")


def test_missing_and_bad_fields():
    pid = S.context()
    for path, value, code in (
            (("token",), None, "missing_field"),
            (("token",), "", "missing_field"),
            (("token",), 12345, "invalid_field"),
            (("token",), "abc def", "invalid_field"),
            (("payer",), None, "missing_field"),
            (("payer",), "x", "invalid_field"),
            (("payer", "email"), "not-an-email", "invalid_field"),
            (("payer", "identification"), None, "missing_field"),
            (("payer", "identification", "type"), "DNI", "invalid_field"),
            (("payer", "identification", "number"), "12345678900",
             "invalid_field"),
            (("issuer_id",), "24a", "invalid_field"),
            (("processing_mode",), "direct", "invalid_field"),
            (("payment_method_id",), None, "missing_field"),
            (("payment_method_id",), 5, "invalid_field"),
            (("metadata",), {"payment_point": "Bad Value"},
             "invalid_field")):
        form = S.card_form()
        target = form
        for k in path[:-1]:
            target = target[k]
        if value is None and path[-1] != "token":
            target.pop(path[-1])
        else:
            target[path[-1]] = value
        field = ".".join(path)
        if path == ("payer", "identification"):
            field = "payer.identification.type"
        if path == ("metadata",):
            field = "metadata.payment_point"
        refused(S, pid, form, 400, code, field)


def test_unknown_and_unoffered_methods():
    pid = S.context()
    # debvisa and debmaster: Brazil's debit cards are Elo and CAIXA only
    # (doc/payment-methods.md).
    for method in ("bitcoin", "naranja", "oxxo", "account_money",
                   "debvisa", "debmaster"):
        refused(S, pid, S.card_form(method=method), 400,
                "unsupported_payment_method", "payment_method_id")


def test_method_not_allowed_by_the_purchase():
    pid = S.context(payment_methods=["debit_card", "pix"])
    refused(S, pid, S.card_form(), 403, "payment_method_not_allowed",
            "payment_method_id")
    pid = S.context(payment_methods=["master"])
    created(S.pay(pid, S.card_form()), "approved")
    pid = S.context(payment_methods=["credit_card"])
    created(S.pay(pid, S.card_form()), "approved")


def test_expired_and_unknown_purchases():
    pid = S.context(expires_at="2020-01-01T00:00:00-03:00")
    refused(S, pid, S.card_form(), 410, "purchase_expired")
    pid = S.context(expires_at="2999-01-01T00:00:00Z")
    created(S.pay(pid, S.card_form()), "approved")
    before = S.snapshot()
    r = S.pay("no-such-order", S.card_form())
    expect_error(r, 404, "unknown_purchase")
    assert S.snapshot() == before, "a lock file was made for nothing"


INVALID_CONTEXTS = [
    "", "not json", "[]", "null", '{"amount": 150.00,}',
    "{}", '{"amount": null}', '{"amount": "150.001"}', '{"amount": 150.001}',
    '{"amount": "-1.00"}', '{"amount": "0"}', '{"amount": "1,50"}',
    '{"amount": "150.00", "site": "MLA"}',
    '{"amount": "150.00", "currency": "ARS"}',
    '{"amount": "150.00", "max_installments": 0}',
    '{"amount": "150.00", "max_installments": "3"}',
    '{"amount": "150.00", "expires_at": "tomorrow"}',
    '{"amount": "150.00", "payment_methods": "pix"}',
    '{"amount": "150.00", "payer": {"email": 5}}',
    '{"amount": "150.00", "items": [{"quantity": 1.5, "unit_price": "1"}]}',
    '{"amount": "150.00", "purpose": "gift"}',
    '{"amount": "150.00", "payments": {}}',
    '{"amount": "1.00", "amount": "150.00"}',
    '{"amount": "150.00", "payer": {"email": "%s", "email": "x@y.z"}}'
    % EMAIL,
]


def test_invalid_context_file():
    for i, text in enumerate(INVALID_CONTEXTS):
        pid = "bad-ctx-%d" % i
        S.write_raw(pid, text)
        refused(S, pid, S.card_form(), 500, "invalid_context")
        with open(os.path.join(S.ctx_dir, pid + ".json")) as f:
            assert f.read() == text, "an invalid context was rewritten"
        r = S.status(pid)
        expect_error(r, 500, "invalid_context")
    assert "bad-ctx-0.json" in S.log(), "the log names the file"


def test_number_amount_in_context():
    pid = "number-amount"
    S.write_raw(pid, '{"amount": 150.5}')
    created(S.pay(pid, S.card_form(amount="150.50")), "approved")


def test_repeated_member_names_are_invalid_json():
    """json-c keeps the last of two members with one name, so a form
    could show one amount and be read with another.  Any repeat, at any
    depth and however it is spelt, is 400 invalid_json, before anything
    is called or written."""
    pid = S.context()
    form = dumps(S.card_form())
    assert form.startswith('{"token": ')
    cases = [
        '{"transaction_amount": 1, ' + form[1:],    # the last one is right
        form[:-1] + ', "transaction_amount": 1000}',
        form[:-1] + ', "\\u0074ransaction_amount": 1}',
        form.replace('"payer": {', '"payer": {"email": "x@y.z", ', 1),
        form[:-1] + ', "metadata": {"payment_point": "a", '
        '"payment_point": "b"}}',
        '{"selectedPaymentMethod": "credit_card", "formData": %s, '
        '"formData": %s}' % (form, form),
    ]
    for raw in cases:
        r = refused(S, pid, None, 400, "invalid_json", raw=raw)
        assert "repeats a member name" in r.json()["error"]["message"], r
    created(S.pay(pid, S.card_form()), "approved")


# -- server-side fields -------------------------------------------------------

def test_browser_cannot_set_server_side_fields():
    pid = S.context(description="Two mugs",
                    metadata={"order": 1001},
                    statement_descriptor="MUGSHOP",
                    items=[{"id": "m1", "title": "Mug", "quantity": 2,
                            "unit_price": "75.00"}])
    form = S.card_form()
    form.update({
        "notification_url": "https://evil.example/hook",
        "external_reference": "someone-else",
        "application_fee": 100,
        "description": "free stuff",
        "statement_descriptor": "EVIL",
        "callback_url": "https://evil.example/back",
        "binary_mode": True, "capture": False,
        "three_d_secure_mode": "optional",
        "additional_info": {"items": [{"title": "x", "unit_price": 1,
                                       "quantity": 1}],
                            "ip_address": "6.6.6.6"},
        "metadata": {"payment_point": "store_12", "payment_mode": "online",
                     "evil": "yes"},
        "sponsor_id": 1, "coupon_amount": 10})
    form["payer"]["first_name"] = "Ana"
    form["payer"]["identification"]["verified"] = True
    created(S.pay(pid, form), "approved")
    body = S.api_requests()[-1]["body"]
    assert body["external_reference"] == pid
    assert body["description"] == "Two mugs"
    assert body["statement_descriptor"] == "MUGSHOP"
    assert body["notification_url"] == \
        "http://127.0.0.1:9/webhooks?source_news=webhooks"
    assert body["metadata"] == {"order": 1001, "payment_point": "store_12",
                                "payment_mode": "online"}, body["metadata"]
    # The shop's items, the checked first name, the peer nginx saw: not
    # the browser's items or address.
    assert body["additional_info"] == {"items": [
        {"id": "m1", "title": "Mug", "quantity": 2, "unit_price": 75.0}],
        "payer": {"first_name": "Ana"}, "ip_address": "127.0.0.1"}
    for k in ("application_fee", "callback_url", "binary_mode", "capture",
              "three_d_secure_mode", "sponsor_id", "coupon_amount"):
        assert k not in body, k
    assert set(body["payer"]) == {"email", "identification", "first_name"}
    assert body["payer"]["identification"] == IDS["MLB"], body["payer"]
    assert "statement_descriptor" in body


def test_card_payer_names_are_checked():
    """A card form's payer names reach Mercado Pago, so they are checked
    like every other method's: text of at most 64 bytes (found by
    fuzz/form.c: an object or an array went through as is)."""
    pid = S.context()
    form = S.card_form()
    form["payer"]["last_name"] = "Souza"
    created(S.pay(pid, form), "approved")
    assert S.api_requests()[-1]["body"]["payer"]["last_name"] == "Souza"
    pid = S.context()
    for bad in ({"x": 1}, ["Ana"], 5, "A" * 65):
        form = S.card_form()
        form["payer"]["first_name"] = bad
        refused(S, pid, form, 400, "invalid_field", "payer.first_name")


def test_configured_statement_descriptor_and_3ds():
    pid = S.context()
    created(S.pay(pid, S.card_form()), "approved")
    body = S.api_requests()[-1]["body"]
    assert body["statement_descriptor"] == "BRICKSHOP"
    assert "three_d_secure_mode" not in body


def test_3ds_challenge_then_another_card():
    site = Site("MLB", {"three_d_secure_mode": "optional"})
    try:
        pid = site.context()
        r = site.pay(pid, site.card_form("3DSC"))
        assert r.status == 201, r
        body = r.json()
        assert body["status"] == "pending"
        assert body["status_detail"] == "pending_challenge"
        ds = body["three_ds"]
        assert set(ds) == {"external_resource_url", "creq"}, ds
        assert ds["external_resource_url"].startswith("http"), ds
        sent = site.api_requests()[-1]["body"]
        assert sent["three_d_secure_mode"] == "optional"
        # The buyer gives up on the challenge and pays with another card:
        # the pending payment is cancelled first.
        second = created(site.pay(pid, site.card_form("APRO")), "approved")
        puts = site.api_requests("PUT", "/v1/payments/")
        assert len(puts) == 1 and puts[0]["body"] == {"status": "cancelled"}
        assert puts[0]["path"] == "/v1/payments/%d" % body["id"]
        rec = site.read(pid)
        assert [p["status"] for p in rec["payments"]] == \
            ["cancelled", "approved"], rec["payments"]
        assert rec["payment"]["id"] == second["id"]
    finally:
        site.stop()


# -- Mercado Pago's refusals and faults ---------------------------------------

def test_used_token_is_payment_refused():
    pid = S.context()
    form = S.card_form()
    created(S.pay(pid, form), "approved")
    pid2 = S.context()
    r = S.pay(pid2, form)           # the same single-use token again
    assert r.status == 422, r
    err = r.json()["error"]
    assert err["code"] == "payment_refused"
    assert err["upstream"]["status"] == 400, err
    codes = [c["code"] for c in err["upstream"]["causes"]]
    assert codes and all(isinstance(c, str) for c in codes), err
    rec = S.read(pid2)
    assert rec["payment"]["state"] == "refused"
    # The purchase stays open: a new token pays it.
    created(S.pay(pid2, S.card_form()), "approved")


def test_transient_error_is_retried_with_the_same_key():
    pid = S.context()
    S.fault(mode="status", http_status=500, count=1,
            match="POST /v1/payments")
    created(S.pay(pid, S.card_form()), "approved")
    posts = S.api_requests()[-2:]
    assert [p["status"] for p in posts] == [500, 201], posts
    assert posts[0]["idempotency_key"] == posts[1]["idempotency_key"]


def test_wrong_token_is_misconfigured():
    site = Site("MLB", sandbox_args=("--access-token", "TEST-other"))
    try:
        pid = site.context()
        r = site.pay(pid, form_without_tokenising(site))
        expect_error(r, 500, "misconfigured")
        assert "check access_token_file" in site.log()
    finally:
        site.stop()


def form_without_tokenising(site):
    """A card form whose token the sandbox never made (the sandbox that
    refuses our access token would refuse to make one too)."""
    form = {"token": "0123456789abcdef0123456789abcdef",
            "payment_method_id": "master", "issuer_id": "24",
            "transaction_amount": RawNumber(AMOUNTS["MLB"]),
            "installments": 1,
            "payer": {"email": EMAIL, "identification": IDS["MLB"]}}
    return form


def test_too_many_attempts():
    pid = S.context()
    for _ in range(4):
        created(S.pay(pid, S.card_form("OTHE")), "rejected")
    refused(S, pid, S.card_form(), 429, "too_many_attempts")


# -- wallet submissions --------------------------------------------------------

def test_wallet_submission():
    pid = S.context()
    refused(S, pid, None, 409, "no_preference", raw="null")
    refused(S, pid, None, 409, "no_preference",
            raw='{"selectedPaymentMethod":"wallet_purchase","formData":null}')
    refused(S, pid, None, 400, "invalid_field", "selectedPaymentMethod",
            raw='{"selectedPaymentMethod":"wallet_purchase",'
                '"formData":{"payment_method_id":"master"}}')
    refused(S, pid, None, 400, "invalid_field", "formData",
            raw='{"formData":"x"}')
    pid = S.context(preference_id="123-abc")
    r = S.stack.post_json("/process_payment?purchase_id=" + pid, "null")
    assert r.status == 200 and r.json() == {
        "action": "redirect", "preference_id": "123-abc"}, r


# -- /payment_status -----------------------------------------------------------

def test_payment_status():
    pid = S.context()
    expect_error(S.status(pid), 404, "no_payment")
    body = created(S.pay(pid, S.card_form("CONT")), "in_process")
    r = S.status(pid)
    assert r.status == 200 and r.json() == body
    # Mercado Pago approves it; a status older than 5 s is refreshed.
    S.set_status(body["id"], "approved", "accredited")
    S.age(pid)
    gets = len(S.api_requests("GET", "/v1/payments/%d" % body["id"]))
    r = S.status(pid)
    assert r.status == 200 and r.json()["status"] == "approved", r
    assert len(S.api_requests("GET", "/v1/payments/%d" % body["id"])) == \
        gets + 1
    # Final now: answered from the file, no call.
    r = S.status(pid)
    assert r.json()["status"] == "approved"
    assert len(S.api_requests("GET", "/v1/payments/%d" % body["id"])) == \
        gets + 1
    expect_error(S.status("no-such-order"), 404, "unknown_purchase")


def test_lock_held_elsewhere():
    import fcntl
    pid = S.context()
    created(S.pay(pid, S.card_form("CONT")), "in_process")
    with open(os.path.join(S.ctx_dir, pid + ".lock"), "r+") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        p2 = pid
        calls = len(S.api_requests())
        r = S.pay(p2, S.card_form())
        expect_error(r, 409, "payment_in_progress")
        assert len(S.api_requests()) == calls
        # /payment_status answers from the file as it is.
        r = S.status(pid)
        assert r.status == 200 and r.json()["status"] == "in_process", r


# -- logs ----------------------------------------------------------------------

def test_logs_hold_no_secret():
    text = S.log()
    assert "route=/process_payment http=201" in text
    secrets = [TOKEN, EMAIL, IDS["MLB"]["number"], "test_user_1@testuser.com"]
    for req in S.api_requests():
        secrets.append(req["body"]["token"])
    for s in secrets:
        assert s not in text, s
