"""The PostgreSQL store (store = postgresql) against a real server the
test starts (tests/lib/pg.py): `brickgate db init` and `db import`, the
context commands and reconcile on the database, payments through nginx
on one host and on two hosts behind one nginx upstream (requests in
turn), the database stopped (503 store_unavailable, nothing sent) and
back (served again, no restart), a host killed while it holds a
purchase's lock, and one host's payment notified to the other.  Payments
are counted on the sandbox's side."""
import json
import os
import re
import signal
import threading
import time

from fcgi_client import Client
from harness import TOKEN, expect_error, run_brickgate, tmpdir
import paytest
from paytest import AMOUNTS, made, wait_for
from pg import PgSite, Postgres, literal
import storefront

DB = None
ONE = None      # one host
TWO = None      # two hosts behind one nginx
PASSWORD = "pg-Secret-7f3a9c1e"


def setup_module():
    global DB, ONE, TWO
    DB = Postgres()
    ONE = PgSite(DB, "MLB", password=PASSWORD)
    TWO = PgSite(DB, "MLB", {"threads": 8}, hosts=2)


def teardown_module():
    try:
        for s in (ONE, TWO):
            if s is not None:
                s.stop()
    finally:
        if DB is not None:
            rc = DB.close()
            assert rc == 0, rc


def env(**cfg):
    e = {"BRICKGATE_STORE": "postgresql", "BRICKGATE_DATABASE_URL": DB.url,
         "BRICKGATE_SITE": "MLB"}
    for k, v in cfg.items():
        e["BRICKGATE_" + k.upper()] = v
    return e


# -- the commands -------------------------------------------------------------

def test_db_init_is_idempotent():
    for _ in range(2):
        rc, out, err = run_brickgate(["db", "init"], env())
        assert (rc, out, err) == (0, "brickgate schema version 2\n", ""), \
            (rc, out, err)
    assert DB.query("SELECT version FROM brickgate.schema_version") == \
        [["2"]]


def test_db_commands_refused_on_the_file_store_and_checked():
    d = tmpdir("bg-db-file-")
    rc, out, err = run_brickgate(["db", "init"], {
        "BRICKGATE_CONTEXT_DIR": d})
    assert rc == 1 and out == "", (rc, out, err)
    assert err == "brickgate db: store is file: the db commands work on " \
        "store = postgresql\n", err
    for args, why in ((["db"], "which command: init or import?"),
                      (["db", "drop"], "which command: init or import?"),
                      (["db", "import"], "import needs the directory of a "
                       "file store"),
                      (["db", "init", "x"], "init takes no argument"),
                      (["db", "init", "--force"], "unknown option --force")):
        rc, out, err = run_brickgate(args, env())
        assert rc == 64, (args, rc, err)
        assert err.startswith("brickgate db: %s\n" % why), (args, err)


def test_context_commands_on_the_database():
    rc, out, err = run_brickgate(["context", "create", "--amount", "42.00",
                                  "--id", "cli-1"], env())
    assert (rc, out) == (0, "cli-1\n"), (rc, out, err)
    rc, out, err = run_brickgate(["context", "create", "--amount", "42.00",
                                  "--id", "cli-1"], env())
    assert rc == 1 and "purchase cli-1 exists already" in err, (rc, err)
    rc, out, err = run_brickgate(["context", "show", "cli-1"], env())
    assert rc == 0 and json.loads(out)["amount"] == "42.00", (rc, out, err)
    rc, out, err = run_brickgate(["context", "list"], env())
    assert rc == 0 and re.search(r"(?m)^cli-1 none - 42\.00 [0-9]+s - - -$",
                                 out), out
    assert DB.query("SELECT context->>'amount' FROM brickgate.purchases "
                    "WHERE id = 'cli-1'") == [["42.00"]]


def test_database_password_never_shown():
    url = DB.url + " password=" + PASSWORD
    rc, out, err = run_brickgate(["--check-config"], dict(
        env(database_url=url), BRICKGATE_ACCESS_TOKEN=TOKEN))
    assert rc == 0, (rc, out, err)
    assert PASSWORD not in out + err, out + err
    assert "password=***" in out, out
    rc, out, err = run_brickgate(["--check-config"], dict(
        env(database_url="postgresql://postgres:%s@127.0.0.1:%d/postgres"
            % (PASSWORD, DB.port)), BRICKGATE_ACCESS_TOKEN=TOKEN))
    assert rc == 0 and PASSWORD not in out + err, out + err
    assert "postgresql://postgres:***@127.0.0.1:%d/postgres" % DB.port \
        in out, out


def test_store_and_database_url_go_together():
    for cfg, why in (({"store": "postgresql"},
                      "store = postgresql needs database_url"),
                     ({"database_url": "host=x"}, "database_url is set but "
                      "store is file: set store = postgresql, or drop "
                      "database_url")):
        e = {"BRICKGATE_ACCESS_TOKEN": TOKEN,
             "BRICKGATE_CONTEXT_DIR": tmpdir("bg-db-cfg-")}
        e.update({"BRICKGATE_" + k.upper(): v for k, v in cfg.items()})
        rc, out, err = run_brickgate(["--check-config"], e)
        assert rc == 78 and "brickgate: %s\n" % why in err, (rc, err)


def test_db_import_moves_a_file_store_in():
    d = tmpdir("bg-db-import-")
    for pid, text in (("imp-1", '{"amount":"10.00"}'),
                      ("imp-2", '{"amount":"20.00","payment":{"id":1}}'),
                      ("imp-3", "not json")):
        with open(os.path.join(d, pid + ".json"), "w") as f:
            f.write(text)
    DB.psql("INSERT INTO brickgate.purchases (id, context) VALUES "
            "('imp-2', '{\"amount\":\"99.00\"}') ON CONFLICT DO NOTHING")
    rc, out, err = run_brickgate(["db", "import", d], env())
    assert rc == 1, (rc, out, err)
    assert out == "imported 1, skipped 1 (already there), failed 1\n", out
    assert err == "brickgate db: imp-3: not a JSON object\n", err
    got = dict(DB.query("SELECT id, context->>'amount' FROM "
                        "brickgate.purchases WHERE id LIKE 'imp-%'"))
    # What was there stays; what was not comes in; nothing else.
    assert got == {"imp-1": "10.00", "imp-2": "99.00"}, got


# -- payments -----------------------------------------------------------------

def test_card_payment_recorded_in_the_database():
    pid = ONE.context()
    r = ONE.pay(pid, ONE.card_form())
    assert r.status == 201 and r.json()["status"] == "approved", r
    rec = ONE.read(pid)
    assert rec["payment"]["status"] == "approved"
    assert rec["payment"]["id"] == r.json()["id"]
    assert rec["amount"] == AMOUNTS["MLB"]
    assert made(ONE, pid) == 1
    r = ONE.status(pid)
    assert r.status == 200 and r.json()["status"] == "approved", r
    r = ONE.pay(pid, ONE.card_form())
    assert r.status == 409, r
    assert r.json()["error"]["code"] == "purchase_already_paid", r
    assert made(ONE, pid) == 1


def test_storefront_insert_then_pay():
    pid = "shop-7c1d"
    ONE.psql("INSERT INTO brickgate.purchases (id, context) VALUES "
             "(%s, %s::jsonb)" % (literal(pid), literal(json.dumps(
                 {"amount": AMOUNTS["MLB"], "description": "Pedido 7"}))))
    r = ONE.pay(pid, ONE.card_form())
    assert r.status == 201, r
    assert ONE.api_requests()[-1]["body"]["description"] == "Pedido 7"


def test_refusals_write_nothing_and_send_nothing():
    pid = ONE.context()
    paytest.refused(ONE, pid, ONE.card_form(amount="1.50"), 400,
                    "amount_mismatch", "transaction_amount")
    expect_error(ONE.pay("no-such-purchase", ONE.card_form()), 404,
                 "unknown_purchase")
    ONE.write_raw("bad-ctx", '{"amount": "1.005"}')
    try:
        paytest.refused(ONE, "bad-ctx", ONE.card_form(), 500,
                        "invalid_context")
        # The operator is told where the purchase is.
        assert "purchase context bad-ctx: amount is not a decimal amount" \
            in ONE.log() and "(brickgate.purchases, id bad-ctx)" in \
            ONE.log(), ONE.log()
    finally:
        # It would fail reconcile's run below.
        ONE.psql("DELETE FROM brickgate.purchases WHERE id = 'bad-ctx'")


def test_concurrent_submits_on_two_hosts_make_one_payment():
    pid = TWO.context()
    forms = [TWO.card_form() for _ in range(12)]
    TWO.fault(mode="latency", ms=600, count=1, match="POST /v1/payments")
    answers = [None] * len(forms)

    def submit(i):
        answers[i] = TWO.pay(pid, forms[i])
    threads = [threading.Thread(target=submit, args=(i,))
               for i in range(len(forms))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    statuses = sorted(a.status for a in answers)
    assert statuses.count(201) == 1, statuses
    assert set(statuses) <= {201, 409}, statuses
    for a in answers:
        if a.status == 409:
            assert a.json()["error"]["code"] in (
                "payment_in_progress", "purchase_already_paid"), a
    assert made(TWO, pid) == 1
    # Both hosts served some of them.
    logs = [open(p).read() for p in TWO.stack.logs]
    assert all("route=/process_payment" in log for log in logs), logs


def test_host_killed_holding_the_lock_the_other_settles():
    """Host 0 takes a payment (straight at its FastCGI socket, so which
    host is known) and is killed mid-call, its lock held; the buyer pays
    again through nginx: host 1 gets the lock at once (the server
    dropped it with host 0's connection) and one payment is made."""
    pid = TWO.context()
    TWO.fault(mode="latency", ms=2000, count=1, match="POST /v1/payments")
    body = paytest.dumps(TWO.card_form()).encode()
    c = Client(TWO.stack.socks[0])
    uri = "/process_payment?purchase_id=" + pid
    c.begin({"REQUEST_METHOD": "POST", "REQUEST_URI": uri,
             "QUERY_STRING": uri.partition("?")[2],
             "CONTENT_TYPE": "application/json",
             "CONTENT_LENGTH": str(len(body)), "REMOTE_ADDR": "127.0.0.1"})
    c.send_stdin(body, end=True)
    # The attempt is committed before the call: host 0 is in it now.
    wait_for(lambda: TWO.query(
        "SELECT context->'payment'->>'state' FROM brickgate.purchases "
        "WHERE id = %s" % literal(pid)) == [["creating"]],
        "the open attempt", timeout=20)
    assert TWO.stack.kill_host(0) == -signal.SIGKILL
    c.close()
    r = TWO.pay(pid, TWO.card_form())
    assert r.status in (201, 409), r
    wait_for(lambda: made(TWO, pid) >= 1, "the payment", 20)
    # Whatever host 0's call did, the purchase records one payment, paid.
    r = TWO.status(pid)
    assert r.status == 200 and r.json()["status"] == "approved", r
    assert made(TWO, pid) == 1
    assert TWO.read(pid)["payment"]["state"] == "created"
    TWO.stack.restart_host(0)


def test_database_down_then_back():
    pid = ONE.context()
    form = ONE.card_form()
    DB.stop()
    try:
        before = len(ONE.sb.ctl("GET", "requests")[1]["requests"])
        refused = ONE.pay(pid, form)
        expect_error(refused, 503, "store_unavailable")
        r = ONE.status(pid)
        expect_error(r, 503, "store_unavailable")
        r = ONE.stack.request("GET", "/healthz")
        assert r.status == 503, r
        assert r.json() == {"status": "unavailable", "store": "unreachable"}
        # Nothing reached Mercado Pago (the card token was made first).
        assert len(ONE.sb.ctl("GET", "requests")[1]["requests"]) == before
        # libpq's words reach the log, not the buyer; the password never.
        assert re.search(r"purchase %s: PostgreSQL: " % pid, ONE.log()), \
            ONE.log()
        assert "PostgreSQL" not in refused.body, refused.body
        assert PASSWORD not in ONE.log() + refused.body
    finally:
        DB.start()
    # Served again without a restart, on the next requests.
    wait_for(lambda: ONE.stack.request("GET", "/healthz").status == 200,
             "/healthz after the database came back", timeout=10)
    r = ONE.pay(pid, ONE.card_form())
    assert r.status == 201, r
    assert ONE.stack.bg.alive()


def test_reconcile_on_the_database():
    pid = ONE.context()
    r = ONE.pay(pid, ONE.card_form("CONT"))
    assert r.status == 201 and r.json()["status"] == "in_process", r
    ONE.set_status(r.json()["id"], "approved", "accredited")
    rc, out, err = run_brickgate(["reconcile", "--older-than", "0"], dict(
        env(api_base="http://127.0.0.1:%d" % ONE.sb.port,
            database_url=ONE.url),
        BRICKGATE_ACCESS_TOKEN=TOKEN))
    assert rc == 0, (rc, out, err)
    assert pid in out.split(), out
    assert ONE.read(pid)["payment"]["status"] == "approved"


def fcgi(sock, method, uri, body=b"", headers=None):
    """One request straight at a host's FastCGI socket: its output."""
    c = Client(sock)
    p = {"REQUEST_METHOD": method, "REQUEST_URI": uri,
         "QUERY_STRING": uri.partition("?")[2], "REMOTE_ADDR": "127.0.0.1",
         "CONTENT_TYPE": "application/json",
         "CONTENT_LENGTH": str(len(body))}
    for k, v in (headers or {}).items():
        p["HTTP_" + k.upper().replace("-", "_")] = v
    c.begin(p)
    c.send_stdin(body, end=True)
    out = c.response()
    c.close()
    return out


def test_webhook_for_one_hosts_payment_recorded_by_the_other():
    w = PgSite(DB, "MLB", hosts=2, webhooks=True)
    try:
        pid = w.context()
        form = paytest.dumps({"payment_method_id": "pix",
                              "transaction_amount": paytest.RawNumber(
                                  AMOUNTS["MLB"]),
                              "payer": {"email": paytest.EMAIL}}).encode()
        out = fcgi(w.stack.socks[0], "POST",
                   "/process_payment?purchase_id=" + pid, form)
        assert b"Status: 201" in out, out
        pay_id = w.read(pid)["payment"]["id"]
        w.set_status(pay_id, "approved", "accredited")
        # Mercado Pago's notification, signed, to the other host.
        rid = "9b2f0c1e-4d3a-4b5c-8e7f-0a1b2c3d4e5f"
        ts = int(time.time())
        sig = paytest.sign(paytest.WEBHOOK_SECRET, str(pay_id), rid, ts)
        body = json.dumps({"type": "payment", "action": "payment.updated",
                           "data": {"id": str(pay_id)}}).encode()
        out = fcgi(w.stack.socks[1], "POST",
                   "/webhooks?data.id=%d&type=payment" % pay_id, body,
                   {"x-signature": sig, "x-request-id": rid})
        assert b"Status: 200" in out and b'"recorded"' in out, out
        assert w.read(pid)["payment"]["status"] == "approved"
    finally:
        w.stop()


def test_storefront_examples_insert_into_the_database():
    """examples/storefront/checkout.php (PDO pgsql) and checkout.py
    (psycopg2) with the PostgreSQL store: the purchase they insert is
    paid through brickgate, the cart sent as the payment's items."""
    dsn = "pgsql:host=127.0.0.1;port=%d;dbname=%s" % (DB.port, ONE.dbname)
    for kind in ("php", "py"):
        pid, _ = storefront.render(kind, "/nonexistent", db=(dsn, ONE.url))
        ctx = ONE.read(pid)
        assert ctx["amount"] == storefront.AMOUNT, ctx
        r = ONE.pay(pid, storefront.card_form(ONE, "134.8"))
        assert r.status == 201 and r.json()["status"] == "approved", r
        items = ONE.api_requests()[-1]["body"]["additional_info"]["items"]
        assert [i["id"] for i in items] == ["sku-101", "sku-202"], items
