"""A private PostgreSQL server for the tests of the PostgreSQL store.

Debian's server (the `postgresql` package), run by the test: `initdb`
into a fresh directory under the runtime directory, then `postgres`
itself, as the unprivileged user `postgres` (the server refuses root),
on a free loopback port, its PID the harness's own (no pg_ctl or runuser
between), stopped by that PID.  The cluster the package may have started
on port 5432 is never used or touched.
"""
import contextlib
import glob
import importlib.util
import hashlib
import json
import os
import pwd
import shutil
import signal
import subprocess
import time
import unittest

from fcgi_client import Client
from harness import (BRICKGATE, NGINX_CONF, SPAWN_FCGI, VALGRIND_EXIT,
                     Proc, Stack, as_user, free_port, run_brickgate, tmpdir,
                     valgrind_argv, valgrind_problems)
import paytest

USER = "postgres"
READY_WAIT_S = 30


def bindir():
    """Where Debian puts the server's programs (/usr/lib/postgresql/N/bin),
    the newest version first; SkipTest without a server."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"),
                   reverse=True)
    if not found or shutil.which("psql") is None:
        raise unittest.SkipTest("no PostgreSQL server (tests/install-deps.sh "
                                "--tests installs postgresql)")
    return os.path.dirname(found[0])


class Postgres:
    def __init__(self, settings=()):
        """settings: more "name=value" server settings (-c)."""
        self.settings = list(settings)
        self.bin = bindir()
        pw = pwd.getpwnam(USER)
        self.user = (pw.pw_uid, pw.pw_gid)
        self.root = tmpdir("bg-pg-")
        self.data = os.path.join(self.root, "data")
        self.sock = os.path.join(self.root, "sock")
        for d in (self.data, self.sock):
            os.mkdir(d, 0o700)
            os.chown(d, *self.user)
        self.port = free_port()
        self.log = os.path.join(self.root, "postgres.log")
        p = subprocess.run([os.path.join(self.bin, "initdb"), "-D",
                            self.data, "-U", USER, "--auth=trust", "-E",
                            "UTF8", "--locale=C"], capture_output=True,
                           text=True, cwd=self.root, timeout=120,
                           **as_user(self.user))
        assert p.returncode == 0, p.stdout + p.stderr
        self.proc = None
        self.start()

    @property
    def url(self):
        return "host=127.0.0.1 port=%d user=%s dbname=postgres" % (
            self.port, USER)

    def start(self):
        """Starts the server and waits until it answers a query."""
        self.proc = Proc([os.path.join(self.bin, "postgres"), "-D",
                          self.data, "-p", str(self.port), "-k", self.sock,
                          "-c", "listen_addresses=127.0.0.1"] +
                         [a for s in self.settings for a in ("-c", s)],
                         log=self.log, cwd=self.root, user=self.user)
        deadline = time.monotonic() + READY_WAIT_S
        while True:
            assert self.proc.alive(), "postgres exited:\n" + self.log_tail()
            p = self.psql("SELECT 1", check=False)
            if p.returncode == 0:
                return
            assert time.monotonic() < deadline, "postgres never became " \
                "ready:\n" + self.log_tail()
            time.sleep(0.05)

    def close(self):
        """stop(), then its files go; the server's exit status."""
        try:
            return self.stop()
        finally:
            self.cleanup()

    def stop(self):
        """Fast shutdown (SIGINT): sessions are ended, the server exits."""
        if self.proc is not None:
            rc = self.proc.stop(signal.SIGINT, timeout=60)
            self.proc = None
            return rc
        return 0

    def url_of(self, dbname):
        return "host=127.0.0.1 port=%d user=%s dbname=%s" % (
            self.port, USER, dbname)

    def create_database(self, dbname):
        """A new database with brickgate's schema (db init, as an operator
        runs it); its connection string."""
        self.psql("CREATE DATABASE %s" % dbname)
        url = self.url_of(dbname)
        rc, out, err = run_brickgate(["db", "init"], {
            "BRICKGATE_STORE": "postgresql", "BRICKGATE_DATABASE_URL": url})
        assert rc == 0, (rc, out, err)
        return url

    def psql(self, sql, check=True, db="postgres"):
        p = subprocess.run(["psql", "-X", "-q", "-At", "-v",
                            "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p",
                            str(self.port), "-U", USER, "-d", db,
                            "-c", sql], capture_output=True, text=True,
                           timeout=60, stdin=subprocess.DEVNULL)
        if check:
            assert p.returncode == 0, (sql, p.stderr)
        return p

    def query(self, sql, db="postgres"):
        """The rows of a query, each a list of text fields."""
        out = self.psql(sql, db=db).stdout
        return [line.split("|") for line in out.splitlines()]

    def log_tail(self, n=30):
        try:
            with open(self.log, errors="replace") as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""

    def cleanup(self):
        shutil.rmtree(self.root, ignore_errors=True)


# -- brickgate on the PostgreSQL store, on one host or several -----------


class HostsStack(Stack):
    """Stack with `hosts` brickgate processes, each under its own
    spawn-fcgi on its own socket (as on hosts of their own), behind one
    nginx upstream that sends requests to them in turn.  bgs[i] is host
    i's Proc; bg is host 0's, for what a one-host Stack offers."""

    hosts = 2

    def spawn_brickgate(self):
        self.socks = [os.path.join(self.root, "bg%d.sock" % i)
                      for i in range(self.hosts)]
        self.logs = [os.path.join(self.root, "brickgate%d.log" % i)
                     for i in range(self.hosts)]
        self.bgs = []
        for i in range(self.hosts):
            self.spawn_host(i)
        self.bg = self.bgs[0]
        self.brickgate_log = self.logs[0]

    def spawn_host(self, i):
        proc = Proc([SPAWN_FCGI, "-n", "-s", self.socks[i], "-M", "0666",
                     "--"] + valgrind_argv(self.root) + [BRICKGATE],
                    env=self.env, log=self.logs[i])
        if i < len(self.bgs):
            self.bgs[i] = proc
        else:
            self.bgs.append(proc)

    def nginx_conf(self):
        """One upstream of every host's socket: nginx takes them in turn.
        max_fails=0: a host the tests killed and started again takes
        requests at once, instead of after nginx's 10-second penalty."""
        text = NGINX_CONF.format(root=self.root, sock=self.socks[0],
                                 port=self.port)
        servers = "".join("server unix:%s max_fails=0; " % s
                          for s in self.socks)
        return text.replace("server unix:%s; " % self.socks[0], servers)

    def check_alive(self):
        for i, bg in enumerate(getattr(self, "bgs", [])):
            if bg is not None and not bg.alive():
                raise AssertionError("brickgate %d exited with %s: %s" % (
                    i, bg.p.returncode, self.log_text()))

    def kill_brickgate(self):
        """SIGKILL to every host, as a crash of the one serving would;
        host 0's exit status."""
        rcs = [self.kill_host(i) for i in range(self.hosts)]
        return rcs[0]

    def restart_brickgate(self):
        for i in range(self.hosts):
            self.spawn_host(i)
        for i in range(self.hosts):
            self.wait_host(i)

    def kill_host(self, i):
        """SIGKILL to host i's brickgate; its exit status."""
        self.bgs[i].send(signal.SIGKILL)
        return self.bgs[i].p.wait(30)

    def restart_host(self, i):
        self.spawn_host(i)
        self.wait_host(i)

    def wait_host(self, i):
        """Waits until host i answers /healthz on its own socket (nginx's
        answer may come from another host)."""
        deadline = time.monotonic() + READY_WAIT_S
        while True:
            if not self.bgs[i].alive():
                raise AssertionError("brickgate %d exited with %s: %s" % (
                    i, self.bgs[i].p.returncode, self.log_text()))
            try:
                c = Client(self.socks[i])
                c.begin({"REQUEST_METHOD": "GET", "REQUEST_URI": "/healthz",
                         "QUERY_STRING": ""})
                c.send_stdin(b"", end=True)
                out = c.response()
                c.close()
                if b'"store":"ok"' in out:
                    return
            except OSError:
                pass
            assert time.monotonic() < deadline, "host %d never ready" % i
            time.sleep(0.05)

    def log_text(self):
        text = ""
        for path in getattr(self, "logs", []):
            try:
                with open(path, errors="replace") as f:
                    text += f.read()
            except OSError:
                pass
        return text

    def stop(self):
        """As Stack.stop, for every host: the first non-zero exit status
        (VALGRIND_EXIT when valgrind found a problem in any)."""
        rc = 0
        try:
            if self.nginx:
                self.nginx.stop(signal.SIGQUIT)
        finally:
            for bg in getattr(self, "bgs", []):
                r = bg.stop(signal.SIGTERM)
                rc = rc or r
        report = valgrind_problems(self.root)
        if report:
            with open(self.logs[0], "a") as f:
                f.write(report)
            if rc == 0:
                rc = VALGRIND_EXIT
        return rc


class PgSite(paytest.Site):
    """paytest.Site whose purchases live in the PostgreSQL server db, the
    storefront writing them with the INSERT brickgate.conf(5) shows."""

    sites = 0

    def __init__(self, db, site="MLB", config=None, hosts=1, password=None,
                 **kw):
        """Each site has a database of its own, as each shop would.  A
        password (which the server, trusting loopback, ignores) goes into
        brickgate's database_url, for tests that it is never shown."""
        self.db = db
        PgSite.sites += 1
        self.dbname = "shop%d" % PgSite.sites
        self.url = db.create_database(self.dbname)
        if password is not None:
            self.url += " password=" + password
        cfg = {"store": "postgresql", "database_url": self.url}
        cfg.update(config or {})
        stack_class = type("Hosts%d" % hosts, (HostsStack,),
                           {"hosts": hosts})
        super().__init__(site, cfg, stack_class=stack_class, **kw)

    def psql(self, sql):
        return self.db.psql(sql, db=self.dbname)

    def query(self, sql):
        return self.db.query(sql, db=self.dbname)

    @contextlib.contextmanager
    def hold_lock(self, pid):
        """Holds the purchase's lock as another host would: the session
        advisory lock of doc/design.md, taken by a psql that stays
        connected until the block ends, then stopped by its PID."""
        p = subprocess.Popen(
            ["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h",
             "127.0.0.1", "-p", str(self.db.port), "-U", USER, "-d",
             self.dbname], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            text=True)
        try:
            p.stdin.write("SELECT pg_advisory_lock(hashtextextended(%s, "
                          "0));\n\\echo held\n" % literal(pid))
            p.stdin.flush()
            lines = [p.stdout.readline(), p.stdout.readline()]
            assert lines[-1] == "held\n", lines
            yield
        finally:
            p.stdin.close()
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()

    def installation_secret(self):
        rows = self.query("SELECT encode(secret, 'hex') FROM "
                          "brickgate.installation")
        assert len(rows) == 1, rows
        return bytes.fromhex(rows[0][0])

    def show(self, pid):
        return self.read(pid)

    def raw(self, pid):
        rows = self.query("SELECT context::text FROM brickgate.purchases "
                          "WHERE id = %s" % literal(pid))
        assert len(rows) == 1, (pid, rows)
        return rows[0][0]

    def lose_open_attempt(self, pid, durable):
        """The attempt's commit, not waited for, never reached the disk:
        the row is what the last synchronous commit left."""
        self.write_raw(pid, durable)


    def write_raw(self, pid, text):
        self.psql("INSERT INTO brickgate.purchases (id, context) VALUES "
                  "(%s, %s::jsonb) ON CONFLICT (id) DO UPDATE SET "
                  "context = EXCLUDED.context" % (literal(pid),
                                                  literal(text)))

    def read(self, pid):
        rows = self.query("SELECT context FROM brickgate.purchases WHERE "
                          "id = %s" % literal(pid))
        assert len(rows) == 1, (pid, rows)
        return json.loads(rows[0][0])

    def snapshot(self):
        """Every purchase's id and a hash of its context."""
        return {r[0]: hashlib.sha256(r[1].encode()).hexdigest()
                for r in self.query("SELECT id, context::text FROM "
                                    "brickgate.purchases ORDER BY id")}


def literal(text):
    """text as an SQL string literal (standard_conforming_strings)."""
    return "'" + text.replace("'", "''") + "'"


def on_postgresql(module_file, namespace, hosts=2, leave_out=()):
    """Makes namespace (a test module's globals) run the tests of
    module_file once more on the PostgreSQL store: that module makes its
    sites with make_site, which becomes a PgSite on a private server of
    this module's own, with `hosts` brickgates behind one nginx upstream.
    leave_out: tests that do not apply to a database."""
    name = os.path.splitext(os.path.basename(module_file))[0] + "_on_pg"
    spec = importlib.util.spec_from_file_location(name, module_file)
    base = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(base)
    state = {}

    def setup_module():
        state["db"] = Postgres()
        base.make_site = lambda site, config=None, **kw: PgSite(
            state["db"], site, config, hosts=hosts, **kw)
        base.setup_module()

    def teardown_module():
        try:
            base.teardown_module()
        finally:
            if "db" in state:
                rc = state["db"].close()
                assert rc == 0, rc

    namespace["setup_module"] = setup_module
    namespace["teardown_module"] = teardown_module
    for n in dir(base):
        if n.startswith("test_") and n not in leave_out:
            namespace[n] = getattr(base, n)
    return base
