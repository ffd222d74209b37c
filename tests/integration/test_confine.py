"""brickgate confines itself before its first request (brickgate(8),
CONFINEMENT): read from the kernel's own account of the running process
(/proc/PID/status: NoNewPrivs, Seccomp, Uid) and from its first log line,
for the FastCGI process under spawn-fcgi, with user set when started as
root, with confine = off, and for the CGI program under Apache, whose
process is caught while it waits for the request body (it confines
itself before reading it).

Under valgrind (BG_VALGRIND=1), which runs no seccomp filter, brickgate
applies no_new_privs alone and says so: checked here too."""
import ctypes
import grp
import os
import pwd
import re
import shutil
import socket
import subprocess
import unittest

from apache import ApacheSite
from harness import (BRICKGATE, TOKEN, VALGRIND, Stack, as_user, base_env,
                     free_port, reachable, run_brickgate, tmpdir,
                     write_secret)
from paytest import Site, wait_for

LINE = re.compile(r"^\S+ (\w+) (.*)$")


def landlock_abi():
    """The Landlock ABI this kernel offers, 0 for none: the question
    brickgate itself asks (landlock_create_ruleset(2) with
    LANDLOCK_CREATE_RULESET_VERSION; x86-64 and arm64 number it 444)."""
    if os.uname().machine not in ("x86_64", "aarch64"):
        raise unittest.SkipTest("the Landlock system call's number is "
                                "known here for x86-64 and arm64 only")
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    abi = libc.syscall(ctypes.c_long(444), None, ctypes.c_size_t(0),
                       ctypes.c_uint32(1))
    return abi if abi > 0 else 0


def expected_first_line():
    """The level and text of the start-up line this machine should give."""
    if VALGRIND:
        return "info", re.compile(
            r"confined: no_new_privs only \(no seccomp under valgrind\)"
            r"(, landlock ABI \d+|; landlock not available under valgrind)$")
    abi = landlock_abi()
    if abi:
        return "info", re.compile(r"confined: seccomp( \(ptrace allowed: "
                                  r"sanitizer build\))?, landlock ABI %d$"
                                  % abi)
    return "info", re.compile(r"confined: seccomp( \(ptrace allowed: "
                              r"sanitizer build\))?; landlock not available "
                              r"on this kernel$")


def status(pid):
    """/proc/PID/status as a dict of its fields."""
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            out[k] = v.strip()
    return out


def first_line(text):
    m = LINE.match(text.splitlines()[0]) if text else None
    assert m, "no log line: %r" % text
    return m.group(1), m.group(2)


def check_confined(st, text):
    level, pattern = expected_first_line()
    got = first_line(text)
    assert got[0] == level and pattern.match(got[1]), (got, text)
    assert st["NoNewPrivs"] == "1", st
    assert st["Seccomp"] == ("0" if VALGRIND else "2"), st


def test_fastcgi_process_is_confined():
    s = Stack(name="confine").start()
    try:
        check_confined(status(s.bg.pid), s.log_text())
        # Started as root without user: said at warn level.
        warned = "warn running as root: set user" in s.log_text()
        assert warned == (os.getuid() == 0), s.log_text()
        r = s.request("GET", "/healthz")
        assert r.status == 200, r
    finally:
        rc = s.stop()
        s.cleanup()
    assert rc == 0, rc


class NobodyStack(Stack):
    """A Stack whose context directory belongs to nobody, the user
    brickgate switches to."""

    def __init__(self, config=None, env=None, name="stack"):
        Stack.__init__(self, config, env, name)
        os.chown(self.ctx_dir, *nobody())


def nobody():
    return pwd.getpwnam("nobody").pw_uid, grp.getgrnam("nogroup").gr_gid


def test_user_is_switched_to_and_still_serves():
    if os.getuid() != 0:
        raise unittest.SkipTest("switching users needs the tests run as "
                                "root")
    uid, gid = nobody()
    site = Site(config={"user": "nobody"}, stack_class=NobodyStack)
    try:
        st = status(site.stack.bg.pid)
        assert st["Uid"].split() == [str(uid)] * 4, st
        assert st["Gid"].split() == [str(gid)] * 4, st
        check_confined(st, site.stack.log_text())
        assert "running as root" not in site.stack.log_text()
        pid = site.context()
        path = os.path.join(site.ctx_dir, pid + ".json")
        os.chown(path, uid, gid)
        r = site.pay(pid, site.card_form("APRO"))
        assert r.status == 201 and r.json()["status"] == "approved", r
        # Rewritten by brickgate: a new file, nobody's.
        assert os.stat(path).st_uid == uid
        assert site.read(pid)["payment"]["status"] == "approved"
    finally:
        site.stop()


class TlsStack(Stack):
    """A Stack whose brickgate reaches the sandbox over TLS: nginx, in a
    second server block, terminates TLS with a certificate made here and
    passes the requests on; brickgate trusts it through ca_file, a file
    outside every directory its Landlock policy names but that one."""

    def __init__(self, config=None, env=None, name="stack"):
        Stack.__init__(self, config, env, name)
        self.tls_port = free_port()
        # A directory of its own: no other rule names it.
        os.mkdir(os.path.join(self.root, "tls"))
        self.cert = os.path.join(self.root, "tls", "tls.crt")
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
             "-days", "2", "-subj", "/CN=127.0.0.1",
             "-addext", "subjectAltName=IP:127.0.0.1",
             "-keyout", os.path.join(self.root, "tls", "tls.key"),
             "-out", self.cert], check=True, capture_output=True,
            timeout=60)
        self.upstream = None

    def spawn_brickgate(self):
        if self.upstream is None:
            self.upstream = self.env["BRICKGATE_API_BASE"]
            self.env["BRICKGATE_API_BASE"] = "https://127.0.0.1:%d" % \
                self.tls_port
            self.env["BRICKGATE_CA_FILE"] = self.cert
        Stack.spawn_brickgate(self)

    def nginx_conf(self):
        tls = """
    server {
        listen 127.0.0.1:%d ssl;
        ssl_certificate %s;
        ssl_certificate_key %s;
        location / { proxy_pass %s; }
    }
}
""" % (self.tls_port, self.cert, os.path.join(self.root, "tls", "tls.key"),
            self.upstream)
        conf = Stack.nginx_conf(self).rstrip()
        assert conf.endswith("}")
        return conf[:-1] + tls


def test_tls_to_the_api_with_ca_file_works_confined():
    if shutil.which("openssl") is None:
        raise unittest.SkipTest("openssl is not installed")
    site = Site(stack_class=TlsStack)
    try:
        assert site.stack.env["BRICKGATE_API_BASE"].startswith("https://")
        check_confined(status(site.stack.bg.pid), site.stack.log_text())
        pid = site.context()
        r = site.pay(pid, site.card_form("APRO"))
        assert r.status == 201 and r.json()["status"] == "approved", r
        assert len(site.api_requests()) == 1
    finally:
        site.stop()


def test_confine_off_warns_and_applies_nothing():
    s = Stack(config={"confine": "off"}, name="confine-off").start()
    try:
        st = status(s.bg.pid)
        level, text = first_line(s.log_text())
        assert level == "warn" and text == \
            "confined: nothing (confine = off; for debugging only)", text
        assert st["Seccomp"] == "0", st
        # spawn-fcgi does not set it: nothing else did either.
        assert st["NoNewPrivs"] == "0", st
    finally:
        rc = s.stop()
        s.cleanup()
    assert rc == 0, rc


def test_cgi_under_apache_is_confined_before_it_reads_the_body():
    if VALGRIND:
        raise unittest.SkipTest("the CGI program runs under Apache, not "
                                "valgrind")
    site = ApacheSite("cgi")
    try:
        pid = site.context()
        body = ('{"token":"x","payment_method_id":"visa",'
                '"installments":1}').encode()
        apache = site.stack.apache
        before = apache.log_text().count("confined:")
        c = socket.create_connection(("127.0.0.1", apache.port), 30)
        try:
            # The headers and half the body: the CGI program starts and
            # waits in read() for the rest.
            c.sendall(("POST /cgi-bin/brickgate.cgi/process_payment?"
                       "purchase_id=%s HTTP/1.1\r\nHost: localhost\r\n"
                       "Content-Type: application/json\r\n"
                       "Content-Length: %d\r\nConnection: close\r\n\r\n"
                       % (pid, len(body))).encode() + body[:5])
            cgi = []

            def started():
                cgi[:] = [p for p, a in apache.programs()
                          if a.endswith("brickgate.cgi")]
                return cgi and apache.log_text().count("confined:") > \
                    before
            wait_for(started, "the CGI program's start-up line")
            check_confined(status(cgi[0]), "\n".join(
                ln.split("] ", 3)[-1] for ln in apache.log_text()
                .splitlines() if "confined:" in ln))
            c.sendall(body[5:])
            answer = b""
            while True:
                got = c.recv(65536)
                if not got:
                    break
                answer += got
        finally:
            c.close()
        head = answer.split(b"\r\n", 1)[0]
        # The form is not a payable one; what matters is that it was read.
        assert head.startswith(b"HTTP/1.1 4"), answer[:500]
    finally:
        site.stop()


def test_user_and_confine_are_checked():
    for key, value, problem in (
            ("user", "no-such-user-here", "user no-such-user-here: no such "
             "user"),
            ("confine", "maybe", "confine: 'maybe' is not one of: on off")):
        rc, out, err = run_brickgate(
            ["--check-config", "--%s=%s" % (key, value)],
            {"BRICKGATE_ACCESS_TOKEN": TOKEN})
        assert rc == 78 and problem in err, (rc, out, err)


def test_user_needs_root_to_switch():
    """Started as nobody with user = root, brickgate does not serve."""
    if os.getuid() != 0:
        raise unittest.SkipTest("starting brickgate as another user needs "
                                "the tests run as root")
    d = tmpdir("bg-confine-user-")
    try:
        os.mkdir(os.path.join(d, "ctx"))
        os.chown(os.path.join(d, "ctx"), *nobody())
        token = os.path.join(d, "token")
        write_secret(token, TOKEN)
        os.chown(token, *nobody())
        env = base_env()
        env.update({"BRICKGATE_ACCESS_TOKEN_FILE": token,
                    "BRICKGATE_CONTEXT_DIR": os.path.join(d, "ctx"),
                    "BRICKGATE_USER": "root"})
        p = subprocess.run([reachable(BRICKGATE), "--listen",
                            "127.0.0.1:%d" % free_port()], env=env,
                           capture_output=True, text=True, timeout=60,
                           stdin=subprocess.DEVNULL, **as_user(nobody()))
        assert p.returncode == 78, (p.returncode, p.stderr)
        assert "user root: switching needs root (running as uid %d)" % \
            nobody()[0] in p.stderr, p.stderr
    finally:
        shutil.rmtree(d, ignore_errors=True)
