"""The storefront examples: examples/storefront/checkout.php (run by
php-cli, as shared-hosting shops run PHP) and checkout.py (run as the CGI
program it is) each write a purchase context atomically and render the
checkout page with its purchase id; the purchase is then paid through
brickgate behind nginx against brickgate-sandbox, with the cart sent as
the payment's items, and a tampered amount is refused with nothing sent."""
import json
import os
import re
import shutil
import stat
import subprocess
import sys

import paytest
from harness import TOKEN, base_env, run_brickgate
from paytest import refused
from storefront import AMOUNT, EXAMPLES, card_form, render

CART = [{"id": "sku-101", "title": "Camiseta", "quantity": 2,
         "unit_price": "49.90"},
        {"id": "sku-202", "title": "Caneca", "quantity": 1,
         "unit_price": "35.00"}]


def check_context(site, pid):
    """Written whole, once, group-shared, nothing left behind, and read
    by brickgate itself as valid."""
    names = os.listdir(site.ctx_dir)
    assert not [n for n in names if n.startswith(".tmp")], names
    path = os.path.join(site.ctx_dir, pid + ".json")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o660
    ctx = site.read(pid)
    assert ctx["amount"] == AMOUNT and ctx["site"] == "MLB", ctx
    assert ctx["items"] == CART, ctx
    rc, out, err = run_brickgate(["context", "list"], {
        "BRICKGATE_ACCESS_TOKEN": TOKEN,
        "BRICKGATE_CONTEXT_DIR": site.ctx_dir})
    assert rc == 0, err
    # id state status amount age refunded notified mark
    assert re.search(r"(?m)^%s none - %s [0-9]+s - - -$" %
                     (pid, re.escape(AMOUNT)), out), out


def storefront_pays(kind):
    site = paytest.Site("MLB")
    try:
        pid, _ = render(kind, site.ctx_dir)
        check_context(site, pid)

        # The Brick posts the number the page gave it.
        r = site.pay(pid, card_form(site, "134.8"))
        assert r.status == 201, (r, site.log())
        assert r.json()["status"] == "approved", r
        sent = site.api_requests()
        assert len(sent) == 1, sent
        body = sent[0]["body"]
        assert body["external_reference"] == pid, body
        assert body["transaction_amount"] == 134.8, body
        items = body["additional_info"]["items"]
        assert [(i["id"], i["title"], i["quantity"], i["unit_price"])
                for i in items] == [("sku-101", "Camiseta", 2, 49.9),
                                    ("sku-202", "Caneca", 1, 35.0)], items
        assert site.read(pid)["payment"]["status"] == "approved"

        # Another visit is another purchase; a page tampered with to pay
        # less is refused before anything is sent.
        other, _ = render(kind, site.ctx_dir)
        assert other != pid
        before = len(site.api_requests())
        refused(site, other, card_form(site, "13.48"), 400,
                "amount_mismatch", "transaction_amount")
        assert len(site.api_requests()) == before
        assert "payment" not in site.read(other)
    finally:
        site.stop()


def test_php_storefront_writes_a_context_that_is_paid():
    storefront_pays("php")


def test_python_storefront_writes_a_context_that_is_paid():
    storefront_pays("py")


def collide(d):
    """A context dir holding a paid purchase under the id every example
    run is then made to draw."""
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    with open(os.path.join(d, FIXED + ".json"), "w") as f:
        f.write('{"amount": "1.00", "payment": {"id": 1}}')


def untouched(d):
    with open(os.path.join(d, FIXED + ".json")) as f:
        assert json.load(f)["payment"] == {"id": 1}
    assert os.listdir(d) == [FIXED + ".json"], os.listdir(d)


FIXED = "0" * 32


def test_storefronts_never_replace_a_purchase():
    """The examples create the name with link(), which fails when it
    exists, so a purchase (and the payment recorded in it) is never
    overwritten: shown by making the id generator repeat itself."""
    d = os.path.join(os.environ.get("BG_TEST_TMP", "/tmp"), "bg-sf-fixed")
    try:
        collide(d)
        env = base_env()
        env["BRICKGATE_CONTEXT_DIR"] = d
        php = shutil.which("php")
        assert php, "php-cli is missing"
        code = ("$src = file_get_contents($argv[1]); "
                "$n = 0; $src = str_replace('bin2hex(random_bytes(16))', "
                "'str_repeat(\"0\", 32)', $src, $n); "
                "if ($n != 1) exit(9); eval('?>' . $src);")
        p = subprocess.run([php, "-r", code,
                            os.path.join(EXAMPLES, "checkout.php")],
                           env=env, capture_output=True, timeout=60)
        assert p.returncode not in (0, 9), p.returncode
        assert b"cannot create" in p.stdout + p.stderr, p
        untouched(d)

        collide(d)
        sys.path.insert(0, EXAMPLES)
        try:
            import checkout
        finally:
            sys.path.remove(EXAMPLES)
        checkout.CONTEXT_DIR = d
        real = checkout.secrets.token_hex
        checkout.secrets.token_hex = lambda n: FIXED
        try:
            checkout.new_purchase("buyer@example.com")
            assert False, "a purchase was replaced"
        except FileExistsError:
            pass
        finally:
            checkout.secrets.token_hex = real
        untouched(d)
    finally:
        shutil.rmtree(d, ignore_errors=True)
