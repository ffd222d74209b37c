"""The systemd units and the logrotate snippet of examples/: the units pass
`systemd-analyze verify` and keep their promises (hardening, a stop timeout
longer than the request deadline, SIGHUP on reload); brickgate started the
way brickgate.socket starts it (systemd-socket-activate: the socket on fd 3,
LISTEN_FDS/LISTEN_PID) behind nginx takes a card payment from
brickgate-sandbox and stops cleanly on SIGTERM with a payment in flight;
the reconcile unit's command line works; the logrotate snippet passes
`logrotate -d` and, run for real, makes brickgate reopen its log."""
import os
import re
import shlex
import shutil
import signal
import subprocess
import threading
import time
import unittest

import paytest
from harness import BRICKGATE, SRCDIR, TOKEN, Proc, Stack, base_env, \
    run_brickgate, tmpdir, write_secret

EXAMPLES = os.path.join(SRCDIR, "examples")
UNITS = ("brickgate.socket", "brickgate.service",
         "brickgate-reconcile.service", "brickgate-reconcile.timer")
INSTALLED = "/usr/local/bin/brickgate"     # the path the units name
CONF = "/etc/brickgate/brickgate.conf"


def tool(name):
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if not path:
        raise unittest.SkipTest("%s is not installed (tests/install-deps.sh "
                                "--tests installs it)" % name)
    return path


def unit_text(name):
    with open(os.path.join(EXAMPLES, "systemd", name)) as f:
        return f.read()


def parse_unit(name):
    """{section: {key: [values...]}} of a unit file."""
    out, sec = {}, None
    for line in unit_text(name).splitlines():
        line = line.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            sec = out.setdefault(line.strip("[]"), {})
            continue
        k, _, v = line.partition("=")
        sec.setdefault(k.strip(), []).append(v.strip())
    return out


def one(unit, section, key):
    vals = unit[section].get(key)
    assert vals and len(vals) == 1, (section, key, vals)
    return vals[0]


def seconds(text):
    m = re.fullmatch(r"(\d+)\s*(s|sec|min)?", text)
    assert m, text
    return int(m.group(1)) * (60 if m.group(2) == "min" else 1)


def copy_units(d):
    """The four units in d, with the built binary for the installed one."""
    for name in UNITS:
        text = unit_text(name)
        assert INSTALLED in text or name.endswith((".socket", ".timer"))
        with open(os.path.join(d, name), "w") as f:
            f.write(text.replace(INSTALLED, BRICKGATE))
    return [os.path.join(d, n) for n in UNITS]


def exec_argv(unit_name, conf):
    """The unit's ExecStart as argv, for the built binary and conf."""
    cmd = one(parse_unit(unit_name), "Service", "ExecStart")
    argv = shlex.split(cmd)
    assert argv[0] == INSTALLED and CONF in argv, argv
    return [BRICKGATE if a == INSTALLED else conf if a == CONF else a
            for a in argv]


# -- the unit files --------------------------------------------------------

def test_units_pass_systemd_analyze_verify():
    analyze = tool("systemd-analyze")
    d = tmpdir("bg-units-")
    try:
        paths = copy_units(d)
        # --man=no: the man page is not installed where man(1) looks.
        p = subprocess.run([analyze, "verify", "--man=no"] + paths,
                           capture_output=True, text=True, timeout=120,
                           cwd=d)
        if p.returncode != 0 and re.search(
                r"(?i)failed to (initialize|connect|set up)|"
                r"not been booted with systemd|No such file or directory.*"
                r"(/run|/sys)", p.stderr):
            raise unittest.SkipTest("systemd-analyze cannot run here: " +
                                    p.stderr.strip().splitlines()[0])
        assert p.returncode == 0, p.stderr
        # Unknown keys and bad values are only warnings: none allowed.
        assert p.stderr.strip() == "", p.stderr
        # The hardening as systemd itself rates it (0 best, 10 worst).
        for svc in ("brickgate.service", "brickgate-reconcile.service"):
            p = subprocess.run([analyze, "security", "--offline=yes",
                                "--threshold=20", os.path.join(d, svc)],
                               capture_output=True, text=True, timeout=120,
                               cwd=d)
            assert p.returncode == 0, p.stdout[-3000:] + p.stderr
    finally:
        shutil.rmtree(d, ignore_errors=True)


def test_units_keep_their_promises():
    sock = parse_unit("brickgate.socket")
    assert one(sock, "Socket", "ListenStream").startswith("/run/")
    assert one(sock, "Socket", "SocketMode") == "0660"
    assert one(sock, "Socket", "SocketGroup")
    assert sock["Socket"].get("Accept", ["no"]) == ["no"]
    assert one(sock, "Install", "WantedBy") == "sockets.target"

    svc = parse_unit("brickgate.service")
    recon = parse_unit("brickgate-reconcile.service")
    s = svc["Service"]
    assert one(svc, "Service", "User") == "brickgate"
    assert "DynamicUser" not in s
    # Stop: longer than request_deadline_ms (25 s) + the 1 s of drain.
    assert one(svc, "Service", "KillSignal") == "SIGTERM"
    assert seconds(one(svc, "Service", "TimeoutStopSec")) > 26
    assert one(svc, "Service", "ExecReload") == "/bin/kill -HUP $MAINPID"
    assert one(svc, "Service", "RestartPreventExitStatus") == "78"
    # No RuntimeDirectory=: stopping would delete the socket's directory.
    assert "RuntimeDirectory" not in s
    for unit in (svc, recon):
        u = unit["Service"]
        for key, want in (("ProtectSystem", "strict"), ("ProtectHome", "yes"),
                          ("NoNewPrivileges", "yes"), ("PrivateTmp", "yes"),
                          ("PrivateDevices", "yes"), ("UMask", "0007"),
                          ("CapabilityBoundingSet", ""),
                          ("MemoryDenyWriteExecute", "yes"),
                          ("SystemCallArchitectures", "native"),
                          ("RestrictAddressFamilies",
                           "AF_UNIX AF_INET AF_INET6"),
                          ("User", "brickgate"), ("Group", "brickgate")):
            assert u.get(key) == [want], (key, u.get(key))
        assert "@system-service" in u["SystemCallFilter"]
        assert "/var/lib/brickgate/contexts" in u["ReadWritePaths"]
    assert one(recon, "Service", "Type") == "oneshot"
    assert exec_argv("brickgate-reconcile.service", "C")[1] == "reconcile"

    timer = parse_unit("brickgate-reconcile.timer")
    assert one(timer, "Timer", "Persistent") == "true"
    assert one(timer, "Timer", "OnCalendar") == "*:0/5"
    assert seconds(one(timer, "Timer", "RandomizedDelaySec")) <= 60


# -- brickgate socket-activated -------------------------------------------

class SocketActivatedStack(Stack):
    """Stack with brickgate started as brickgate.socket starts it: by
    systemd-socket-activate, which binds the socket, waits for the first
    connection and execs brickgate in its own process (the PID the
    harness holds) with the socket on fd 3.  The configuration goes into a
    file given with the unit's own ExecStart command line."""

    def spawn_brickgate(self):
        ssa = tool("systemd-socket-activate")
        if os.path.lexists(self.sock):
            os.unlink(self.sock)
        self.conf = os.path.join(self.root, "brickgate.conf")
        with open(self.conf, "w") as f:
            for k, v in sorted(self.env.items()):
                if k.startswith("BRICKGATE_"):
                    f.write("%s = %s\n" % (k[len("BRICKGATE_"):].lower(), v))
        argv = [ssa, "-l", self.sock]
        # systemd-socket-activate passes on only PATH, HOME, TERM and USER
        # and what -E names (the sanitizer options).
        for k in sorted(self.env):
            if not k.startswith("BRICKGATE_") and k != "PATH":
                argv += ["-E", k]
        argv += exec_argv("brickgate.service", self.conf)
        self.bg = Proc(argv, env=self.env, log=self.brickgate_log)
        for _ in range(500):
            if os.path.exists(self.sock) or not self.bg.alive():
                break
            time.sleep(0.01)
        assert os.path.exists(self.sock), self.log_text()
        # nginx's workers run as nobody (brickgate.socket: SocketGroup=).
        os.chmod(self.sock, 0o666)

    def check_activated(self):
        """brickgate took the socket from fd 3, not stdin (/dev/null).
        (Whether it unset LISTEN_* cannot be seen from outside:
        /proc/PID/environ shows the environment it was started with.)"""
        pid = self.bg.pid
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            assert f.read().split(b"\0")[0] == BRICKGATE.encode()
        assert os.readlink("/proc/%d/fd/0" % pid) == "/dev/null"
        assert os.readlink("/proc/%d/fd/3" % pid).startswith("socket:")


def socket_activated_site(config=None):
    """paytest.Site with its Stack started through socket activation."""
    return paytest.Site("MLB", config, stack_class=SocketActivatedStack)


def test_socket_activated_payment_and_clean_stop():
    tool("systemd-socket-activate")
    # debug: brickgate logs "begin" when it starts on a request.
    site = socket_activated_site({"log_level": "debug"})
    try:
        site.stack.check_activated()
        pid = site.context()
        r = site.pay(pid, site.card_form("APRO"))
        assert r.status == 201, r
        assert r.json()["status"] == "approved", r
        assert site.read(pid)["payment"]["status"] == "approved"

        # The reconcile unit's command line, on the same configuration.
        rc, out, err = run_brickgate(
            exec_argv("brickgate-reconcile.service", site.stack.conf)[1:] +
            ["--older-than", "0"])
        assert rc == 0, (rc, out, err)
        assert re.search(r"\b\d+ purchases, \d+ settled", err), err

        # SIGTERM (KillSignal=) while a payment waits on the API: it is
        # answered, then brickgate exits 0 (TimeoutStopSec= is not hit).
        pid = site.context()
        site.fault(mode="latency", ms=1500, count=1,
                   match="POST /v1/payments")
        box = {}
        t = threading.Thread(target=lambda: box.update(
            r=site.pay(pid, site.card_form("APRO"))))
        t.start()
        # The sandbox records a call only once it has answered: wait for
        # brickgate to begin on the request instead; the API then still
        # takes about 1.5 s.
        begun = "begin method=POST route=/process_payment"
        paytest.wait_for(lambda: site.log().count(begun) == 2,
                         "the second payment", timeout=20)
        site.stack.bg.send(signal.SIGTERM)
        t.join(60)
        assert box["r"].status == 201, box["r"]
        assert box["r"].json()["status"] == "approved", box["r"]
        rc = site.stack.bg.p.wait(30)
        assert rc == 0, (rc, site.log())
        log = site.log()
        assert "no new requests" in log and "stopped" in log, log
        # The signal came while the payment was in flight.
        assert log.index("no new requests") < \
            log.index("purchase_id=%s payment_id=9" % pid) < \
            log.index("stopped"), log
        assert TOKEN not in log
    finally:
        site.stop()


def run_as_activated(fd3, listen_fds, listen_pid="$$"):
    """brickgate exec'd by a shell that sets LISTEN_PID to its own PID
    (exec keeps it) with LISTEN_FDS and fd 3 as given: the two mistakes a
    socket unit can make.  Returns (exit status, stderr)."""
    d = tmpdir("bg-listenfds-")
    try:
        os.mkdir(os.path.join(d, "ctx"))
        write_secret(os.path.join(d, "token"), TOKEN)
        env = base_env()
        env.update({"BRICKGATE_ACCESS_TOKEN_FILE": os.path.join(d, "token"),
                    "BRICKGATE_CONTEXT_DIR": os.path.join(d, "ctx")})
        script = '%s LISTEN_PID=%s LISTEN_FDS=%s exec "$0"' % (
            fd3, listen_pid, listen_fds)
        p = subprocess.run(["/bin/sh", "-c", script, BRICKGATE], env=env,
                           capture_output=True, text=True, timeout=30,
                           stdin=subprocess.DEVNULL)
        return p.returncode, p.stderr
    finally:
        shutil.rmtree(d, ignore_errors=True)


def test_two_sockets_from_systemd_are_refused():
    """A .socket unit with two ListenStream= lines: exit 78 saying so,
    rather than serving standard input and leaving the unit's socket
    unanswered."""
    rc, err = run_as_activated("exec 3</dev/null 4</dev/null;", "2")
    assert rc == 78, (rc, err)
    assert "LISTEN_FDS=2" in err and "exactly one socket" in err, err


def test_fd3_that_is_not_a_listening_socket_is_refused():
    """Accept=yes hands over a connected socket, not a listening one."""
    rc, err = run_as_activated("exec 3</dev/null;", "1")
    assert rc == 78, (rc, err)
    assert "fd 3 is not a listening socket" in err, err


def test_listen_pid_of_another_process_is_ignored():
    """LISTEN_* meant for a parent (LISTEN_PID not ours) is not an error:
    without a socket brickgate says what it needs (exit 64)."""
    rc, err = run_as_activated("exec 3</dev/null;", "2", listen_pid="1")
    assert rc == 64, (rc, err)
    assert "LISTEN_FDS" not in err, err
    assert "no FastCGI socket" in err, err


# -- logrotate -------------------------------------------------------------

def logrotate_conf(d, postrotate=None):
    """The snippet with its paths in d and root instead of the brickgate
    user (who does not exist here)."""
    with open(os.path.join(EXAMPLES, "logrotate", "brickgate")) as f:
        text = f.read()
    assert "/var/log/brickgate/" in text and "su brickgate adm" in text
    text = text.replace("/var/log/brickgate/", d + "/logs/")
    text = text.replace("su brickgate adm", "su root root")
    text = text.replace("create 0640 brickgate adm", "create 0640 root root")
    if postrotate:
        text = re.sub(r"(?s)postrotate\n.*?endscript",
                      "postrotate\n        %s\n    endscript" % postrotate,
                      text)
    conf = os.path.join(d, "logrotate.conf")
    with open(conf, "w") as f:
        f.write(text)
    os.chmod(conf, 0o644)
    return conf


def test_logrotate_snippet_dry_run():
    logrotate = tool("logrotate")
    d = tmpdir("bg-logrotate-")
    try:
        os.mkdir(os.path.join(d, "logs"))
        with open(os.path.join(d, "logs", "brickgate.log"), "w") as f:
            f.write("a line\n")
        conf = logrotate_conf(d)
        p = subprocess.run([logrotate, "-d", "-f", "-s",
                            os.path.join(d, "state"), conf],
                           capture_output=True, text=True, timeout=60)
        out = p.stdout + p.stderr
        assert p.returncode == 0, out
        assert "error" not in out.lower(), out
        assert "rotating pattern: %s/logs/*.log" % d in out, out
        assert "running postrotate script" in out, out
    finally:
        shutil.rmtree(d, ignore_errors=True)


def test_logrotate_makes_brickgate_reopen_its_log():
    """A real rotation, the postrotate's SIGHUP sent to the
    socket-activated brickgate (as `systemctl reload` would)."""
    logrotate = tool("logrotate")
    tool("systemd-socket-activate")
    d = tmpdir("bg-logrotate-")
    os.mkdir(os.path.join(d, "logs"))
    log = os.path.join(d, "logs", "brickgate.log")
    s = SocketActivatedStack({"log_file": log}, name="rotate")
    try:
        s.start()
        s.request("GET", "/healthz?before=rotation")
        conf = logrotate_conf(d, "kill -HUP %d" % s.bg.pid)
        p = subprocess.run([logrotate, "-f", "-s", os.path.join(d, "state"),
                            conf], capture_output=True, text=True,
                           timeout=60)
        assert p.returncode == 0, p.stdout + p.stderr
        def reopened():
            with open(log) as f:
                return "SIGHUP" in f.read()
        paytest.wait_for(reopened, "the reopen", timeout=20)
        s.request("GET", "/healthz?after=rotation")
        with open(log + ".1") as f:
            old = f.read()
        with open(log) as f:
            new = f.read()
        assert "route=/healthz http=200" in old, old
        # Only the request after the rotation went to the new file.
        assert new.count("route=/healthz http=200") == 1, new
        assert oct(os.stat(log).st_mode & 0o777) == "0o640"
        assert s.bg.alive()
    finally:
        rc = s.stop()
        s.cleanup()
        shutil.rmtree(d, ignore_errors=True)
    assert rc == 0, rc
