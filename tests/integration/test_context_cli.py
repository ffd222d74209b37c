"""`brickgate context create|show|list|prune` (brickgate(8), COMMANDS), on
the real binary; list and prune after real payments through nginx."""
import json
import os
import re
import stat
import time

from harness import run_brickgate
from paytest import Site

S = None


def setup_module():
    global S
    S = Site("MLB")


def teardown_module():
    S.stop()


def ctx(*args, site="MLB", env=None):
    e = {"BRICKGATE_CONTEXT_DIR": S.ctx_dir, "BRICKGATE_SITE": site}
    e.update(env or {})
    return run_brickgate(["context"] + list(args), env=e)


def test_create_random_id_and_fields():
    rc, out, err = ctx("create", "--amount", "150.00", "--description",
                       "Two mugs", "--email", "a@example.com",
                       "--expires-in", "3600", "--methods", "credit_card,pix")
    assert rc == 0, err
    pid = out.strip()
    assert re.fullmatch(r"[0-9a-f]{32}", pid), pid
    path = os.path.join(S.ctx_dir, pid + ".json")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o660
    c = S.read(pid)
    assert c["amount"] == "150.00" and c["site"] == "MLB"
    assert c["currency"] == "BRL" and c["description"] == "Two mugs"
    assert c["payer"] == {"email": "a@example.com"}
    assert c["payment_methods"] == ["credit_card", "pix"]
    assert c["expires_at"].endswith("Z")
    rc2, out2, _ = ctx("create", "--amount", "1")
    assert rc2 == 0 and out2.strip() != pid     # random each time


def test_create_refuses_overwrite_and_bad_input():
    rc, out, err = ctx("create", "--amount=10", "--id", "cli-1")
    assert rc == 0 and out.strip() == "cli-1", err
    before = open(os.path.join(S.ctx_dir, "cli-1.json")).read()
    rc, out, err = ctx("create", "--amount", "99", "--id", "cli-1")
    assert rc == 1 and "exists" in err, (rc, err)
    assert open(os.path.join(S.ctx_dir, "cli-1.json")).read() == before
    for bad in (["--amount", "10.001"], ["--amount", "-5"], ["--amount",
                "0"], [], ["--amount", "1", "--id", "../x"],
                ["--amount", "1", "--expires-in", "soon"]):
        rc, out, err = ctx("create", *bad)
        assert rc == 64, (bad, rc, err)
    # COP has no decimals.
    rc, out, err = ctx("create", "--amount", "1500.50", site="MCO")
    assert rc == 64, err
    rc, out, err = ctx("bogus")
    assert rc == 64


def test_arguments_refused_exactly():
    """A misspelt option, a missing value or a word too many is a usage
    error (64) naming it, and nothing is created; configuration flags
    before or after the command are main's and are stepped over."""
    before = sorted(os.listdir(S.ctx_dir))
    for bad, why in ((["create", "--ammount", "10"], "unknown option "
                      "--ammount"),
                     (["create", "--amount"], "--amount needs a value"),
                     (["show", "cli-1", "extra"], "unexpected argument "
                      "'extra'"),
                     (["list", "--older-then=3"], "unknown option "
                      "--older-then")):
        rc, out, err = ctx(*bad)
        assert rc == 64 and why in err and out == "", (bad, rc, err)
    assert sorted(os.listdir(S.ctx_dir)) == before
    # Checking the configuration and running a command: one or the other.
    rc, out, err = ctx("create", "--amount", "7", "--check-config")
    assert rc == 78 and "--check-config runs no command" in err, (rc, err)
    assert out == "" and sorted(os.listdir(S.ctx_dir)) == before
    rc, out, err = ctx("create", "--log-level", "debug", "--amount", "7",
                       "--site=MLB", "--id", "cli-flags")
    assert rc == 0 and out.strip() == "cli-flags", err
    assert S.read("cli-flags")["amount"] == "7.00"
    rc, out, err = run_brickgate(
        ["context", "show", "--log-level=debug", "cli-flags", "--site",
         "MLB"],
        env={"BRICKGATE_CONTEXT_DIR": S.ctx_dir})
    assert rc == 0 and json.loads(out)["amount"] == "7.00", (rc, err)


def test_show():
    rc, out, err = ctx("show", "cli-1")
    assert rc == 0 and json.loads(out)["amount"] == "10.00", (out, err)
    rc, out, err = ctx("show", "nope")
    assert rc == 1


def test_no_token_needed_but_config_checked():
    rc, out, err = run_brickgate(["context", "list"], env={
        "BRICKGATE_CONTEXT_DIR": "/nonexistent"})
    assert rc == 78, (rc, err)


AGE = re.compile(r" [0-9]+[smhd] ")


def ages_out(out):
    return AGE.sub(" AGE ", out)


def list_by_status(paid, rejected, waiting, fresh):
    """--status: a payment status or a state, exact lines."""
    for status, want in (
            ("approved", "%s created approved 150.00 AGE - - -\n" % paid),
            ("rejected", "%s created rejected 150.00 AGE - - -\n" % rejected),
            ("in_process",
             "%s created in_process 150.00 AGE - - -\n" % waiting),
            ("invalid", "broken invalid - - AGE - - !invalid\n"),
            ("charged_back", "")):
        rc, out, err = ctx("list", "--status", status)
        assert rc == 0 and ages_out(out) == want, (status, out, err)
    rc, out, err = ctx("list", "--status=none")
    assert rc == 0 and "%s none - 150.00 AGE - - -\n" % fresh in \
        ages_out(out), out
    assert paid not in out
    for bad in ("APPROVED", "paid", "", "approved,pending"):
        rc, out, err = ctx("list", "--status", bad)
        assert rc == 64 and out == "", (bad, rc, out)
        assert err.count("\n") == 1 and "--status takes a state" in err, err


def test_list_shows_refunds_notification_and_what_is_stuck():
    """refunds and paid_notified_at as brickgate refund and on_paid
    record them; an attempt left creating, an approval not notified a
    minute on, marked."""
    paid = S.context()
    assert S.pay(paid, S.card_form("APRO")).status == 201
    rec = S.read(paid)
    rec["refunds"] = [
        {"id": 1, "payment_id": 2, "amount": 50.0, "status": "approved",
         "idempotency_key": "k1", "date_created": "2026-01-01T00:00:00Z"},
        {"id": 3, "payment_id": 2, "amount": 25.5, "status": "approved",
         "idempotency_key": "k2", "date_created": "2026-01-01T00:00:00Z"},
        {"id": 4, "payment_id": 2, "amount": 70.0, "status": "rejected",
         "idempotency_key": "k3", "date_created": "2026-01-01T00:00:00Z"}]
    rec["paid_notified_at"] = "2026-01-01T00:00:01Z"
    S.write_raw(paid, json.dumps(rec))
    unnotified = S.context()
    assert S.pay(unnotified, S.card_form("APRO")).status == 201
    stuck = S.context()
    rec = S.read(unnotified)
    for a in (rec["payments"][-1], rec["payment"]):
        a.update(state="creating", id=None, status=None,
                 status_detail=None)
        a.pop("summary", None)
    S.write_raw(stuck, json.dumps(rec))
    bad = S.context()
    rec = S.read(paid)
    rec["refunds"] = {"amount": "1"}
    S.write_raw(bad, json.dumps(rec))
    old = time.time() - 2 * 3600
    for pid in (paid, unnotified, stuck, bad):
        os.utime(os.path.join(S.ctx_dir, pid + ".json"), (old, old))
    try:
        check_marked(paid, unnotified, stuck, bad)
    finally:
        for pid in (paid, unnotified, stuck, bad):
            os.remove(os.path.join(S.ctx_dir, pid + ".json"))


def check_marked(paid, unnotified, stuck, bad):
    # Without on_paid, nothing is owed a notification.
    rc, out, err = ctx("list")
    assert rc == 0, err
    lines = dict((l.split()[0], l) for l in out.splitlines())
    assert lines[unnotified] == "%s created approved 150.00 2h - - -" % \
        unnotified, lines[unnotified]
    rc, out, err = ctx("list", env={"BRICKGATE_ON_PAID": "/bin/true"})
    assert rc == 0, err
    lines = dict((l.split()[0], l) for l in out.splitlines())
    assert lines[paid] == "%s created approved 150.00 2h 75.50 " \
        "2026-01-01T00:00:01.000Z -" % paid, lines[paid]
    assert lines[unnotified] == "%s created approved 150.00 2h - - " \
        "!notify" % unnotified, lines[unnotified]
    assert re.fullmatch(r"%s creating - 150\.00 2h - - !creating" % stuck,
                        lines[stuck]), lines[stuck]
    # Refunds that are not brickgate's records: the purchase is damaged.
    assert lines[bad] == "%s invalid - - 2h - - !invalid" % bad, lines[bad]
    rc, out, err = ctx("list", "--status", "creating")
    assert rc == 0 and out == lines[stuck] + "\n", out


def test_list_and_prune_after_payments():
    paid = S.context()
    r = S.pay(paid, S.card_form("APRO"))
    assert r.status == 201, r
    rejected = S.context()
    assert S.pay(rejected, S.card_form("OTHE")).status == 201
    waiting = S.context()
    assert S.pay(waiting, S.card_form("CONT")).status == 201
    fresh = S.context()
    expired = S.context(expires_at="2020-01-01T00:00:00Z")
    S.write_raw("broken", "{")
    rc, out, err = ctx("list")
    assert rc == 0, err
    lines = dict((l.split()[0], l.split()[1:]) for l in out.splitlines())
    # id state status amount age refunded notified mark
    for pid, want in ((paid, ["created", "approved", "150.00"]),
                      (rejected, ["created", "rejected", "150.00"]),
                      (waiting, ["created", "in_process", "150.00"]),
                      (fresh, ["none", "-", "150.00"])):
        assert lines[pid][:3] == want and lines[pid][4:] == ["-", "-", "-"], \
            lines[pid]
        assert re.fullmatch(r"[0-9]+s", lines[pid][3]), lines[pid]
    assert lines["broken"][:3] == ["invalid", "-", "-"]
    assert lines["broken"][4:] == ["-", "-", "!invalid"]
    assert not any(k.endswith(".lock") for k in lines)
    list_by_status(paid, rejected, waiting, fresh)
    # Nothing is older than a day yet.
    rc, out, err = ctx("prune", "--older-than", "1")
    assert rc == 0 and out.strip() == "removed 0 purchases", out
    old = time.time() - 3 * 86400
    for pid in (paid, rejected, waiting, fresh, expired, "broken"):
        os.utime(os.path.join(S.ctx_dir, pid + ".json"), (old, old))
    rc, out, err = ctx("prune", "--older-than", "2")
    assert rc == 0, err
    names = os.listdir(S.ctx_dir)
    for gone in (paid, rejected, expired):
        assert gone + ".json" not in names and gone + ".lock" not in names
    for kept in (waiting, fresh, "broken"):
        assert kept + ".json" in names, kept
    assert out.strip() == "removed 3 purchases", out
