"""on_paid (brickgate.conf(5)): the storefront's hook, run once for each
purchase whose payment becomes approved, however brickgate learns it
(the creation's answer, a webhook, /payment_status, reconcile), after
the approval is recorded and the answer sent; its success recorded
(paid_notified_at), its failure logged and run again by reconcile; its
environment the four variables and PATH, never the token.  The hook is
a shell script that appends what it was given to a file outside
context_dir, which the confined brickgate itself could not write."""
import json
import os
import re
import stat
import subprocess

from harness import TOKEN, run_brickgate, run_cgi, tmpdir
from paytest import EMAIL, Site, dumps, wait_for

HOOK = """#!/bin/sh
# What it was run with, one JSON line per run (one write), then its
# whole environment.
env=$(tr '\\0' ' ' < /proc/$$/environ)
printf '{{"argv": "%s", "env": "%s"}}\\n' "$1" "$env" >> {out}
if [ -e {fail} ]; then exit 3; fi
if [ -e {hang} ]; then sleep 60; fi
exit 0
"""

S = Q = None     # Q: a second shop, which the sandbox does not notify
D = None
make_site = Site


def paths():
    return {k: os.path.join(D, k) for k in ("runs", "fail", "hang")}


def setup_module():
    global S, Q, D
    D = tmpdir("bg-on-paid-")
    p = paths()
    hook = os.path.join(D, "hook.sh")
    with open(hook, "w") as f:
        f.write(HOOK.format(out=p["runs"], fail=p["fail"], hang=p["hang"]))
    os.chmod(hook, 0o755)
    S = make_site("MLB", {"on_paid": hook, "webhook_max_age_s": 600},
                  webhooks=True)
    Q = make_site("MLB", {"on_paid": hook})


def teardown_module():
    try:
        if S is not None:
            S.stop()
    finally:
        if Q is not None:
            Q.stop()


def runs(pid=None):
    try:
        with open(paths()["runs"]) as f:
            # A line the hook is still writing has no newline yet.
            lines = [json.loads(ln) for ln in f if ln.endswith("\n")]
    except FileNotFoundError:
        return []
    return [r for r in lines if pid is None or r["argv"] == pid]


def reconcile(*args, site=None):
    env = {k: v for k, v in (site or S).stack.env.items()
           if k.startswith("BRICKGATE_")}
    return run_brickgate(["reconcile"] + list(args), env=env)


def flag(name, on):
    path = paths()[name]
    if on:
        open(path, "w").close()
    elif os.path.exists(path):
        os.unlink(path)


def pix(pid):
    return S.pay_pix(pid)


def test_approved_card_runs_it_once_after_the_answer():
    pid = S.context()
    r = S.pay(pid, S.card_form())
    assert r.status == 201 and r.json()["status"] == "approved", r
    wait_for(lambda: runs(pid), "the hook's run")
    wait_for(lambda: "paid_notified_at" in S.read(pid), "its record")
    [run] = runs(pid)
    env = dict(kv.split("=", 1) for kv in run["env"].split())
    assert env == {"PATH": "/usr/local/bin:/usr/bin:/bin",
                   "BRICKGATE_PURCHASE_ID": pid,
                   "BRICKGATE_PAYMENT_ID": str(r.json()["id"]),
                   "BRICKGATE_STATUS": "approved",
                   "BRICKGATE_AMOUNT": "150.00"}, env
    assert TOKEN not in run["env"] and EMAIL not in run["env"]
    # A reload, and the same answer again: never a second run.
    assert S.pay(pid, S.card_form()).status == 409
    assert S.stack.request("GET", "/payment_status?purchase_id=" +
                           pid).status == 200
    rc, _, err = reconcile("--older-than=0")
    assert rc == 0 and ", 0 notified" in err, err
    assert len(runs(pid)) == 1
    assert "on_paid done" in S.log()
    # Counted in GET /metrics, by how the runs ended.
    text = S.stack.request("GET", "/metrics").body
    text = text.decode() if isinstance(text, bytes) else text
    ok = re.search(r'(?m)^brickgate_on_paid_runs_total\{outcome="ok"\} '
                   r'(\d+)$', text)
    assert ok and int(ok.group(1)) >= 1, text


def test_a_rejected_or_pending_payment_runs_nothing():
    pid = S.context()
    assert S.pay(pid, S.card_form("OTHE")).json()["status"] == "rejected"
    pending = S.context()
    pix(pending)
    rc, _, err = reconcile("--older-than=0")
    assert rc == 0, err
    assert runs(pid) == [] and runs(pending) == []
    assert "paid_notified_at" not in S.read(pending)


def test_approved_by_webhook_runs_once_however_often_it_comes():
    pid = S.context()
    pay_id = pix(pid)
    S.set_status(pay_id, "approved")    # the sandbox notifies brickgate
    wait_for(lambda: runs(pid), "the hook's run after the notification")
    for _ in range(3):
        assert S.webhook(pay_id).status == 200
    assert S.stack.request("GET", "/payment_status?purchase_id=" +
                           pid).status == 200
    rc, _, err = reconcile("--older-than=0")
    assert rc == 0, err
    assert len(runs(pid)) == 1
    assert S.read(pid)["payment"]["status"] == "approved"


def test_failing_hook_is_run_again_by_reconcile_until_it_succeeds():
    flag("fail", True)
    try:
        pid = Q.context(pid="quiet-fails")
        assert Q.pay(pid, Q.card_form()).status == 201
        wait_for(lambda: "on_paid failed (exit 3)" in Q.log(), "its log")
        assert len(runs(pid)) == 1
        assert "paid_notified_at" not in Q.read(pid)
        rc, _, err = reconcile("--older-than=0", site=Q)
        assert rc == 1 and "%s: on_paid failed" % pid in err, err
        assert len(runs(pid)) == 2
    finally:
        flag("fail", False)
    rc, _, err = reconcile("--older-than=0", site=Q)
    assert rc == 0 and ", 1 notified" in err, err
    assert len(runs(pid)) == 3
    assert "paid_notified_at" in Q.read(pid)
    rc, _, err = reconcile("--older-than=0", site=Q)
    assert rc == 0 and ", 0 notified" in err, err
    assert Q.stack.request("GET", "/payment_status?purchase_id=" +
                           pid).status == 200
    assert len(runs(pid)) == 3


def test_hook_past_its_limit_is_killed():
    flag("hang", True)
    try:
        pid = Q.context(pid="quiet-hangs")
        assert Q.pay(pid, Q.card_form()).status == 201
        wait_for(lambda: "on_paid failed (killed after 10 s)" in Q.log(),
                 "the hook killed at its limit", timeout=30)
        assert "paid_notified_at" not in Q.read(pid)
    finally:
        flag("hang", False)
    rc, _, err = reconcile("--older-than=0", site=Q)
    assert rc == 0 and ", 1 notified" in err, err
    assert len(runs(pid)) == 2


def test_cgi_runs_it_after_the_answer_then_exits():
    """A CGI brickgate (one process per request) answers, closes its
    output so that the web server ends the answer, runs the hook, and
    exits once its success is recorded."""
    pid = Q.context(pid="quiet-cgi")
    env = {k: v for k, v in Q.stack.env.items() if k.startswith("BRICKGATE_")}
    r = run_cgi("POST", "/process_payment?purchase_id=" + pid,
                dumps(Q.card_form()), env=env, path_info="/process_payment")
    assert r.rc == 0, r.stderr
    assert r.status == 201 and r.json()["status"] == "approved", r
    assert len(runs(pid)) == 1
    assert "paid_notified_at" in Q.read(pid)


def test_the_storefront_example_marks_the_order_and_mails_once():
    """examples/storefront/order_paid.py, its constants pointed at this
    test's folders and at a stand-in for sendmail that keeps the message:
    the order marked paid and the buyer mailed once, however often it is
    run."""
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                       "..", "examples", "storefront", "order_paid.py")
    d = tmpdir("bg-shop-")
    orders = os.path.join(d, "orders")
    os.mkdir(orders)
    mailbox = os.path.join(d, "mailbox")
    sendmail = os.path.join(d, "sendmail")
    with open(sendmail, "w") as f:
        f.write("#!/bin/sh\n[ \"$1\" = -t ] || exit 9\ncat >> %s\n" % mailbox)
    os.chmod(sendmail, 0o755)
    hook = os.path.join(d, "order_paid.py")
    with open(hook, "w") as f:
        f.write("#!/bin/sh\nexit 1\n")   # filled in once the shop runs
    os.chmod(hook, 0o755)
    shop = make_site("MLB", {"on_paid": hook})
    try:
        with open(src) as f:
            text = f.read()
        for name, value in (("CONTEXT_DIR", shop.ctx_dir),
                            ("ORDERS_DIR", orders), ("SENDMAIL", sendmail)):
            text, n = re.subn(r'(?m)^%s = "[^"]*"' % name,
                              '%s = "%s"' % (name, value), text)
            assert n == 1, name
        with open(hook, "w") as f:
            f.write(text)
        pid = shop.context(payer={"email": EMAIL})
        r = shop.pay(pid, shop.card_form())
        assert r.status == 201, r
        wait_for(lambda: "paid_notified_at" in shop.read(pid), "the hook")
        with open(os.path.join(orders, pid + ".paid")) as f:
            assert json.load(f) == {"payment_id": str(r.json()["id"]),
                                    "amount": "150.00"}
        with open(mailbox) as f:
            mail = f.read()
        assert mail.startswith("To: %s\n" % EMAIL), mail
        # Run again by hand, as a crash before its record would: no second
        # e-mail, the order left as it is.
        env = {"BRICKGATE_PURCHASE_ID": pid, "BRICKGATE_STATUS": "approved",
               "BRICKGATE_PAYMENT_ID": str(r.json()["id"]),
               "BRICKGATE_AMOUNT": "150.00",
               "PATH": "/usr/local/bin:/usr/bin:/bin"}
        assert subprocess.run([hook, pid], env=env).returncode == 0
        with open(mailbox) as f:
            assert f.read() == mail
    finally:
        shop.stop()


def test_on_paid_must_be_an_absolute_executable():
    d = tmpdir("bg-on-paid-cfg-")
    plain = os.path.join(d, "plain")
    open(plain, "w").close()
    os.chmod(plain, stat.S_IRUSR | stat.S_IWUSR)
    env = {k: v for k, v in S.stack.env.items() if k.startswith("BRICKGATE_")}
    for value, why in (("hook.sh", "not an absolute path"),
                       (plain, "Permission denied"),
                       (os.path.join(d, "none"),
                        "No such file or directory")):
        rc, out, err = run_brickgate(["--check-config"],
                                     env=dict(env, BRICKGATE_ON_PAID=value))
        assert rc == 78 and "on_paid %s: %s" % (value, why) in err, \
            (value, rc, err)
