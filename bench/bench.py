#!/usr/bin/env python3
"""The benchmark behind bench/run (which installs and builds first).

    bench/bench.py --build DIR [--quick]

Starts on loopback a stand-in for Mercado Pago's API (nginx, and the same
after 300 ms), one front nginx, brickgate under spawn-fcgi, Express with
the official Node SDK (one process, one per core) and brickgate as a CGI
program under Apache's mod_cgid; drives each with wrk and bench/wrk.lua;
writes the figures to out/bench/ and, for a full run, bench/results.md and
bench/results.png; prints every target as met or missed.  Every process it
starts is a child whose PID it keeps; all are stopped by PID on the way
out, whatever happens.
"""
import argparse
import glob
import grp
import json
import math
import os
import platform
import pwd
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(HERE)
OUT = os.path.join(SRC, "out", "bench")
# The test harness's helpers; it reads nothing at import that matters here.
sys.path.insert(0, os.path.join(SRC, "tests", "lib"))
from fcgi_client import Client  # noqa: E402
from harness import Proc, free_port, process_tree  # noqa: E402
import reaper  # noqa: E402
TOKEN = "TEST-4242424242424242-112233-0123456789abcdef0123456789abcdef-99"
THREADS = 64            # brickgate's worker threads, every FastCGI run
CONNS = 64              # wrk connections for the peak runs
SLOW_CONNS = 256        # clients against the 300 ms upstream
SLOW_S = 0.3
WRK_THREADS = 2
MODERATE_RATE = 1000    # requests/s of the paced refusal-latency runs
PACED_CONNS = 16
DURABLE_WRITES = 1      # per payment: doc/design.md, "Durability"
TRACED = 200            # payments (and refusals) counted under strace
# The Brick's card form, as wrk.lua sends it (%s: the amount).
FORM = ('{"token":"9f8e7d6c5b4a39281706f5e4d3c2b1a0","issuer_id":"24",'
        '"payment_method_id":"master","transaction_amount":%s,'
        '"installments":1,"payment_method_option_id":null,'
        '"processing_mode":null,"payer":{"email":'
        '"test_user_1@testuser.com","identification":{"type":"CPF",'
        '"number":"19119119100"}}}')
CONTEXT = json.dumps({
    "amount": "150.00", "site": "MLB", "currency": "BRL",
    "description": "Bench order",
    "payer": {"email": "test_user_1@testuser.com"},
    "items": [{"id": "sku-1", "title": "Bench item", "quantity": 1,
               "unit_price": "150.00"}],
    "expires_at": "2099-01-01T00:00:00Z"}).encode() + b"\n"


T0 = time.monotonic()


def log(*a):
    print("[%3.0fs]" % (time.monotonic() - T0), *a, flush=True)


class Procs:
    """Every process the benchmark starts, each a harness Proc (its output
    in LOGDIR/NAME.out), stopped by PID in reverse order: the signal that
    stops each cleanly, then SIGKILL if it has not exited after a while."""

    def __init__(self, logdir):
        self.logdir = logdir
        self.procs = []

    def start(self, name, argv, env=None, stop_sig=signal.SIGTERM,
              cwd=None):
        p = Proc(argv, env=env, log=os.path.join(self.logdir, name + ".out"),
                 cwd=cwd)
        self.procs.append((name, p, stop_sig))
        with open(os.path.join(self.logdir, "pids"), "a") as f:
            f.write("%s %d\n" % (name, p.pid))
        return p

    def stop_all(self):
        while self.procs:
            n, p, sig = self.procs.pop()
            t = time.monotonic()
            try:
                p.stop(sig)
            except AssertionError:      # Proc killed it after 30 s
                log("  %s (PID %d) did not stop: SIGKILL" % (n, p.pid))
            if time.monotonic() - t > 2:
                log("  %s took %.0f s to stop" % (n, time.monotonic() - t))

    def check(self):
        for n, p, _ in self.procs:
            if not p.alive():
                raise SystemExit("%s exited (%s); see %s/%s.out" % (
                    n, p.p.returncode, self.logdir, n))


def http_get(url, timeout=2):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.status


def wait_ready(procs, url, what, seconds=20):
    end = time.monotonic() + seconds
    last = None
    while time.monotonic() < end:
        procs.check()
        try:
            if http_get(url) == 200:
                return
        except Exception as e:  # noqa: BLE001 - any failure: not yet
            last = e
        time.sleep(0.05)
    raise SystemExit("%s never became ready (%s): %r" % (what, url, last))


def fill(template, names):
    with open(os.path.join(HERE, template)) as f:
        text = f.read()
    for k, v in names.items():
        text = text.replace("@%s@" % k, str(v))
    left = re.findall(r"@[A-Z0-9_]+@", text)
    assert not left, "%s: %s not filled in" % (template, left)
    return text


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def pss_kb(pid):
    """Proportional set size: the RSS with each shared page divided
    among the processes that map it (libraries), what a host with many
    brickgates really spends on each."""
    with open("/proc/%d/smaps_rollup" % pid) as f:
        for line in f:
            if line.startswith("Pss:"):
                return int(line.split()[1])
    return 0


def thread_count(pid):
    return len(os.listdir("/proc/%d/task" % pid))


def tree_cpu(pids):
    """CPU seconds (user and system) used so far by the processes pids
    and all their descendants, reaped ones included (cutime, cstime):
    the difference between two readings is what the trees used in
    between, however busy the rest of the machine was."""
    tree = process_tree(pids, zombies=True)
    total = sum(sum(int(x) for x in f[11:15]) for f in tree.values())
    return total / float(os.sysconf("SC_CLK_TCK"))


class Bench:
    def __init__(self, build, quick):
        self.build = build
        self.quick = quick
        self.warm_s = 1 if quick else 3
        self.run_s = 2 if quick else 10
        self.rss_payments = 5000 if quick else 100000
        self.rss_max_s = 20 if quick else 200
        self.probe_s = 1 if quick else 2
        self.t0 = time.monotonic()
        self.load_start = os.getloadavg()
        shutil.rmtree(OUT, ignore_errors=True)
        self.run = os.path.join(OUT, "run")
        self.logs = os.path.join(OUT, "logs")
        for d in (self.run, self.logs, os.path.join(self.run, "tmp")):
            os.makedirs(d)
        os.chmod(OUT, 0o755)
        # nginx's workers and Apache's children run unprivileged.
        os.chmod(self.run, 0o755)
        self.procs = Procs(self.logs)
        self.ctx = os.path.join(self.run, "ctx")
        os.mkdir(self.ctx)
        self.results = {"runs": {}, "figures": {}}
        self.root = os.getuid() == 0
        self.ports = {k: free_port() for k in (
            "UPSTREAM_PORT", "UPSTREAM_TLS_PORT", "FRONT_PORT", "NODE1_PORT",
            "NODES_PORT", "NODESLOW_PORT", "APACHE_PORT")}
        self.up_log = os.path.join(self.run, "upstream-access.log")
        self.up_n = 0
        self.bg_payments = 0     # 201s from the 64-thread brickgate

    def elapsed(self):
        return time.monotonic() - self.t0

    # -- helpers -----------------------------------------------------------

    def url(self, path, port="FRONT_PORT"):
        return "http://127.0.0.1:%d%s" % (self.ports[port], path)

    def wrk(self, label, path, mode, conns, seconds, port="FRONT_PORT",
            expect=201, **opt):
        """One wrk run; returns its figures (rate counts `expect`
        answers only)."""
        args = ["mode=" + mode, "path=" + path] + \
            ["%s=%s" % kv for kv in opt.items()]
        argv = ["wrk", "-t%d" % min(WRK_THREADS, conns), "-c%d" % conns,
                "-d%ds" % seconds, "--timeout", "10s", "-s",
                os.path.join(HERE, "wrk.lua"), self.url("/", port), "--"] + \
            args
        servers = [p.pid for _, p, _ in self.procs.procs]
        # The PostgreSQL server works for the 2p and 2pp payments too.
        if getattr(self, "pg", None) is not None and self.pg.proc:
            servers.append(self.pg.proc.pid)
        cpu0 = tree_cpu(servers)
        ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        p = subprocess.run(argv, capture_output=True, text=True,
                           timeout=seconds + 60)
        ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = tree_cpu(servers) - cpu0
        cpu_wrk = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime -
                                                     ru0.ru_stime)
        fname = re.sub(r"[^A-Za-z0-9_.-]+", "_", label)
        with open(os.path.join(self.logs, "wrk-%s.txt" % fname), "w") as f:
            f.write(" ".join(argv) + "\n" + p.stdout + p.stderr)
        line = [ln for ln in p.stdout.splitlines() if ln.startswith("BENCH ")]
        if p.returncode != 0 or not line:
            raise SystemExit("wrk %s failed:\n%s%s" % (label, p.stdout,
                                                       p.stderr))
        r = json.loads(line[0][6:])
        secs = r["duration_us"] / 1e6
        ok = r["statuses"].get(str(expect), 0)
        r.update(cpu_s=cpu, cpu_wrk_s=cpu_wrk,
                 cpu_us=1e6 * (cpu + cpu_wrk) / max(r["requests"], 1),
                 label=label, seconds=secs, ok=ok, rate=ok / secs,
                 bad=r["requests"] - ok + sum(r["errors"].values()),
                 p50_ms=r["p50_us"] / 1000, p99_ms=r["p99_us"] / 1000,
                 mean_ms=r["mean_us"] / 1000, conns=conns)
        self.procs.check()
        return r

    def contexts(self, ctx, prefix, per, owner=None):
        """per purchases for each wrk thread, written as a storefront
        does (a temporary file, then rename), with the given owner."""
        for t in range(WRK_THREADS):
            for k in range(per):
                name = "%s-%d-%d" % (prefix, t, k)
                tmp = os.path.join(ctx, ".%s.tmp" % name)
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL,
                             0o660)
                os.write(fd, CONTEXT)
                if owner:
                    os.fchown(fd, *owner)
                os.close(fd)
                os.rename(tmp, os.path.join(ctx, name + ".json"))
        # On disk before the run: a storefront writes its purchases one
        # at a time, not thousands in the second before they are paid,
        # and brickgate's first fsyncs must not write these out.
        os.sync()

    def pay_run(self, label, path, prefix, seconds, rate_bound, conns=CONNS,
                ctx=None, owner=None, port="FRONT_PORT", per=None,
                writer=None, **opt):
        """A run in which each request pays its own purchase: writes
        enough purchases for rate_bound payments/s (or per for each wrk
        thread), runs; a thread that paid them all idles, which only a
        run given per may do."""
        ctx = ctx or self.ctx
        exact = per is not None
        if not exact:
            per = int(math.ceil(rate_bound * seconds / WRK_THREADS)) + 100
        if writer is not None:
            writer(prefix, per)
        else:
            self.contexts(ctx, prefix, per, owner)
        r = self.wrk(label, path, "pay", conns, seconds, port=port,
                     prefix=prefix, per=per,
                     idle=path.rsplit("/", 1)[0] + "/healthz", **opt)
        if not exact and max(r["used"]) >= per:
            raise SystemExit("%s: wrk ran out of purchases (%d per "
                             "thread): raise the bound" % (label, per))
        return r

    def rotate_upstream_log(self, label):
        """Closes the stand-in's log for what ran since the last call
        (nginx flushes and reopens it on SIGUSR1); returns its counts."""
        self.up_n += 1
        old = os.path.join(self.logs, "upstream-%02d-%s.log" %
                           (self.up_n, label))
        os.rename(self.up_log, old)
        self.upstream.send(signal.SIGUSR1)
        end = time.monotonic() + 10
        while not os.path.exists(self.up_log):
            if time.monotonic() > end:
                raise SystemExit("the stand-in did not reopen its log")
            time.sleep(0.02)
        time.sleep(0.1)
        posts = new = 0
        conns = set()
        with open(old) as f:
            for line in f:
                parts = line.split()
                if len(parts) < 5 or parts[2] != "POST":
                    continue
                posts += 1
                conns.add(parts[0])
                if parts[1] == "1":
                    new += 1
        return {"posts": posts, "new_connections": new,
                "connections_used": len(conns),
                "new_per_10k": new * 10000.0 / posts if posts else None}

    # -- phases ------------------------------------------------------------

    def probe(self, threads, label=""):
        """Durable writes/s of the context directory's file system from
        each number of threads (bench/fsync-probe.c)."""
        exe = os.path.join(OUT, "fsync-probe")
        if not os.path.exists(exe):
            subprocess.run(["cc", "-O2", "-pthread", "-o", exe,
                            os.path.join(HERE, "fsync-probe.c")], check=True)
        d = os.path.join(self.run, "probe")
        os.makedirs(d, exist_ok=True)
        os.sync()       # each probe from the same clean start
        res = {}
        for n in threads:
            p = subprocess.run([exe, d, str(n), str(self.probe_s), "1500"],
                               capture_output=True, text=True, check=True)
            res[n] = float(p.stdout.split()[-1])
            log("  fsync probe%s, %3d threads: %7.0f durable writes/s" %
                (label, n, res[n]))
        os.rmdir(d)
        return res

    def make_certificate(self):
        """A self-signed certificate for 127.0.0.1 (RSA 2048, as a
        common public CA issues), which the TLS brickgate trusts through
        ca_file."""
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
             "-days", "2", "-subj", "/CN=127.0.0.1",
             "-addext", "subjectAltName=IP:127.0.0.1",
             "-keyout", os.path.join(self.run, "tls.key"),
             "-out", os.path.join(self.run, "tls.crt")],
            check=True, capture_output=True)

    def start_upstream(self):
        self.make_certificate()
        with open(os.path.join(HERE, "upstream-payment.json")) as f:
            payment = f.read().strip()
        conf = os.path.join(self.run, "upstream.conf")
        with open(conf, "w") as f:
            f.write(fill("upstream.conf.in", dict(
                RUN=self.run, PAYMENT=payment, **self.ports)))
        self.upstream = self.procs.start(
            "upstream", ["nginx", "-p", self.run, "-c", conf, "-e",
                         os.path.join(self.run, "upstream-error.log")],
            stop_sig=signal.SIGQUIT)
        end = time.monotonic() + 10
        while True:
            self.procs.check()
            try:
                socket.create_connection(
                    ("127.0.0.1", self.ports["UPSTREAM_PORT"]), 1).close()
                break
            except OSError:
                if time.monotonic() > end:
                    raise SystemExit("the stand-in never listened")
                time.sleep(0.05)

    def upstream_alone(self):
        self.wrk("upstream-warm", "/v1/payments", "node", CONNS,
                 self.warm_s, port="UPSTREAM_PORT")
        r = self.wrk("upstream", "/v1/payments", "node", CONNS, self.run_s,
                     port="UPSTREAM_PORT")
        self.results["runs"]["upstream"] = r
        s = self.wrk("upstream-slow", "/slow/v1/payments", "node",
                     SLOW_CONNS, self.run_s, port="UPSTREAM_PORT")
        self.results["runs"]["upstream-slow"] = s
        self.rotate_upstream_log("alone")
        log("  stand-in alone: %.0f/s (p99 %.2f ms); 300 ms one with %d "
            "clients: %.0f/s (p50 %.0f ms)" % (r["rate"], r["p99_ms"],
                                               SLOW_CONNS, s["rate"],
                                               s["p50_ms"]))

    def bg_env(self, api_base, sock_log, ca_file=None):
        token = os.path.join(self.run, "token")
        if not os.path.exists(token):
            with open(token, "w") as f:
                f.write(TOKEN + "\n")
            os.chmod(token, 0o600)
        return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                "BRICKGATE_ACCESS_TOKEN_FILE": token,
                "BRICKGATE_CONTEXT_DIR": self.ctx,
                "BRICKGATE_API_BASE": api_base,
                "BRICKGATE_SITE": "MLB",
                "BRICKGATE_NOTIFICATION_URL":
                    "https://shop.example/api/webhooks",
                "BRICKGATE_THREADS": str(THREADS),
                "BRICKGATE_LOG_FILE": os.path.join(self.logs, sock_log),
                **({"BRICKGATE_CA_FILE": ca_file} if ca_file else {})}

    def start_brickgate(self, name, api_base, ca_file=None, extra=None,
                        wait=True):
        sock = os.path.join(self.run, name + ".sock")
        env = self.bg_env(api_base, name + ".log", ca_file)
        env.update(extra or {})
        # None: not set at all, as in the default configuration.
        env = {k: v for k, v in env.items() if v is not None}
        p = self.procs.start(name, [
            "spawn-fcgi", "-n", "-s", sock, "-M", "0666", "--",
            os.path.join(self.build, "brickgate")], env=env)
        if wait:
            wait_ready(self.procs, self.url("/%s/healthz" % name), name)
        else:
            # Behind a shared upstream: its own log says it is ready.
            log_file = os.path.join(self.logs, name + ".log")
            end = time.monotonic() + 20
            while not (os.path.exists(log_file) and
                       " ready: " in open(log_file).read()):
                self.procs.check()
                if time.monotonic() > end:
                    raise SystemExit("%s never became ready" % name)
                time.sleep(0.05)
        return p

    def start_node(self):
        env = dict(os.environ, MP_BASE_URL="http://127.0.0.1:%d" %
                   self.ports["UPSTREAM_PORT"], MP_ACCESS_TOKEN=TOKEN)
        node_dir = os.path.join(HERE, "node")
        slow = "http://127.0.0.1:%d/slow" % self.ports["UPSTREAM_PORT"]
        for name, port, workers, base in (
                ("node1", "NODE1_PORT", 1, env["MP_BASE_URL"]),
                ("nodes", "NODES_PORT", os.cpu_count() or 1,
                 env["MP_BASE_URL"]),
                ("nodeslow", "NODESLOW_PORT", 1, slow)):
            self.procs.start(name, ["node", "server.js"], env=dict(
                env, PORT=str(self.ports[port]), WORKERS=str(workers),
                MP_BASE_URL=base), cwd=node_dir)
            wait_ready(self.procs, self.url("/%s/healthz" % name), name)
        self.node_workers = os.cpu_count() or 1

    def start_apache(self):
        root = os.path.join(self.run, "apache")
        folder = os.path.join(root, "htdocs", "cgi-bin")
        os.makedirs(folder)
        os.makedirs(os.path.join(root, "run"))
        os.makedirs(os.path.join(root, "logs"))
        owner = None
        if self.root:
            owner = (pwd.getpwnam("nobody").pw_uid,
                     grp.getgrnam("nogroup").gr_gid)
            os.chown(os.path.join(root, "run"), *owner)
        self.cgi_ctx = os.path.join(self.run, "ctx-cgi")
        os.mkdir(self.cgi_ctx, 0o700)
        secret = os.path.join(self.run, "webhook-secret")
        with open(secret, "w") as f:
            f.write("whsec-bench\n")
        os.chmod(secret, 0o600)
        if owner:
            os.chown(self.cgi_ctx, *owner)
            os.chown(secret, *owner)
        self.cgi_owner = owner
        with open(os.path.join(SRC, "examples", "apache-cgi.conf")) as f:
            server = f.read().replace("/var/www/html/cgi-bin", folder)
        with open(os.path.join(root, "apache-cgi.conf"), "w") as f:
            f.write(server)
        with open(os.path.join(SRC, "examples", "htaccess")) as f:
            ht = f.read()
        for old, new in (("APP_USR-REPLACE-WITH-YOUR-ACCESS-TOKEN", TOKEN),
                         ("/home/shop/brickgate/contexts", self.cgi_ctx),
                         ("/home/shop/brickgate/webhook-secret", secret)):
            assert old in ht, "examples/htaccess no longer holds " + old
            ht = ht.replace(old, new)
        with open(os.path.join(folder, ".htaccess"), "w") as f:
            f.write(ht)
        os.chmod(os.path.join(folder, ".htaccess"), 0o644)
        shutil.copy(os.path.join(self.build, "brickgate"),
                    os.path.join(folder, "brickgate.cgi"))
        os.chmod(os.path.join(folder, "brickgate.cgi"), 0o755)
        conf = os.path.join(root, "httpd.conf")
        with open(conf, "w") as f:
            f.write(fill("apache.conf.in", dict(
                RUN=self.run, USER="User nobody\nGroup nogroup"
                if owner else "", **self.ports)))
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        p = subprocess.run(["apache2", "-t", "-f", conf], env=env,
                           capture_output=True, text=True)
        if p.returncode != 0:
            raise SystemExit("apache2 -t: " + p.stdout + p.stderr)
        self.procs.start("apache", ["apache2", "-f", conf, "-DFOREGROUND"],
                         env=env)
        wait_ready(self.procs, self.url("/cgi-bin/brickgate.cgi/healthz"),
                   "Apache")

    def start_front(self):
        conf = os.path.join(self.run, "front.conf")
        with open(conf, "w") as f:
            f.write(fill("front.conf.in", dict(RUN=self.run, **self.ports)))
        self.procs.start("front", ["nginx", "-p", self.run, "-c", conf,
                                   "-e", os.path.join(self.run,
                                                      "front-error.log")],
                         stop_sig=signal.SIGQUIT)

    def peak(self, key, label, path, mode, expect=201, rate_bound=None,
             min_bound=0, **kw):
        """Warm-up, then the measured run, at CONNS connections; a pay
        run gets purchases for twice the warm-up's rate, at least
        min_bound payments/s."""
        if mode == "pay":
            w = self.pay_run(label + "-warm", path, key + "w", self.warm_s,
                             rate_bound, **kw)
            self.drain(w)
            bound = max(w["requests"] / w["seconds"] * 2, 200, min_bound)
            r = self.pay_run(label, path, key, self.run_s, bound, **kw)
            r["warm_ok"] = w["ok"]
        else:
            w = self.wrk(label + "-warm", path, mode, CONNS, self.warm_s,
                         expect=expect, **kw)
            self.drain(w)
            r = self.wrk(label, path, mode, CONNS, self.run_s,
                         expect=expect, **kw)
        self.results["runs"][key] = r
        log("  %-4s %-44s %8.0f/s  p50 %7.2f ms  p99 %7.2f ms%s" % (
            key, label, r["rate"], r["p50_ms"], r["p99_ms"],
            "  (%d not %d)" % (r["bad"], expect) if r["bad"] else ""))
        return r

    @staticmethod
    def drain(warm):
        """Lets the requests a warm-up left queued finish before the
        measured run: wrk stops with its connections' requests written
        and possibly not yet taken, and the contender still serves them
        (with the 300 ms stand-in, a second's worth)."""
        time.sleep(min(5.0, 0.2 + 1.5 * warm["max_us"] / 1e6))

    def paced(self, key, label, path, mode, rate, expect=201, prefix=None,
              **kw):
        """A run at about `rate` requests/s: PACED_CONNS connections,
        each pausing between requests.  Two warm-ups come first: the
        first, paced with a guess at the latency, warms the caches (its
        latency is a cold one); each later run's pause is corrected by
        what the one before missed of the cycle each connection should
        make (latency, pause and wrk's own timing)."""
        cycle = PACED_CONNS * 1000.0 / rate
        d = max(0.0, cycle - 1)
        res = []
        for i, s in enumerate((self.warm_s, max(2, self.warm_s - 1),
                               self.run_s)):
            name = "%s-%s" % (label, ("warm", "calibrate", "run")[i])
            if i > 0:
                done = res[-1]["requests"] / max(res[-1]["seconds"], 1e-3)
                d = max(0.0, d + cycle - PACED_CONNS * 1000.0 /
                        max(done, 1))
            if mode == "pay":
                r = self.pay_run(name, path, "%s%d" % (prefix, i), s,
                                 rate * 1.5, conns=PACED_CONNS,
                                 delay="%.3f" % d, **kw)
            else:
                if prefix:
                    kw["prefix"] = prefix
                r = self.wrk(name, path, mode, PACED_CONNS, s,
                             expect=expect, delay="%.3f" % d, **kw)
            res.append(r)
            if i < 2:
                self.drain(r)
        r = res[2]
        r["warm_ok"] = res[0]["ok"] + res[1]["ok"]
        r["target_rate"] = rate
        self.results["runs"][key] = r
        log("  %-12s %-36s %6.0f/s  p50 %7.2f ms  p99 %7.2f ms" % (
            key, label, r["rate"], r["p50_ms"], r["p99_ms"]))
        return r

    def contenders(self):
        runs = self.results["runs"]
        up = self.results["upstream"] = {}
        c1 = self.peak("1", "nginx proxy_pass to the stand-in",
                       "/proxy/v1/payments", "node")
        up["1"] = self.rotate_upstream_log("c1")
        c1b = self.peak("1b", "brickgate /healthz (FastCGI)", "/bg/healthz",
                        "get", expect=200)
        # The disk is measured right before and right after: on a
        # shared machine its rate drifts within seconds.
        before = self.probe([THREADS], " before 2")[THREADS]
        # One durable write a payment: the disk's rate bounds it, and
        # purchases for half as much again are written (it drifts).
        c2 = self.peak("2", "brickgate /process_payment",
                       "/bg/process_payment", "pay", rate_bound=before,
                       min_bound=1.5 * before)
        after = self.probe([THREADS], " after 2")[THREADS]
        probe = self.results["probe"]["writes_per_s"]
        probe[THREADS] = (before + after) / 2
        self.results["probe"]["around_2"] = [before, after]
        self.bg_payments += runs["2"]["ok"] + runs["2"]["warm_ok"]
        up["2"] = self.rotate_upstream_log("c2")
        # The refusals cycle through a pool of purchases, each thread its
        # own, so that no two requests in flight wait on one lock.
        self.contexts(self.ctx, "c3", 1000)
        self.peak("3", "brickgate refusing a tampered amount",
                  "/bg/process_payment", "tamper", expect=400,
                  prefix="c3", pool=1000)
        self.peak("4", "Express + SDK, one process",
                  "/node1/process_payment", "node")
        up["4"] = self.rotate_upstream_log("c4")
        self.peak("4n", "Express + SDK, %d processes" % self.node_workers,
                  "/nodes/process_payment", "node")
        up["4n"] = self.rotate_upstream_log("c4n")
        self.peak("5", "brickgate CGI under Apache mod_cgid",
                  "/cgi-bin/brickgate.cgi/process_payment", "pay",
                  rate_bound=2000, ctx=self.cgi_ctx, owner=self.cgi_owner)
        up["5"] = self.rotate_upstream_log("c5")
        # Paced: a refusal and the proxy at a moderate rate; a payment and
        # the proxy at half brickgate's peak.
        self.paced("3@mod", "refusal, paced", "/bg/process_payment",
                   "tamper", MODERATE_RATE, expect=400, prefix="c3",
                   pool=1000)
        self.paced("1@mod", "proxy, paced", "/proxy/v1/payments", "node",
                   MODERATE_RATE)
        self.rotate_upstream_log("c1-mod")
        half = max(c2["rate"] / 2, 10)
        self.paced("2@half", "payment, paced at half its peak",
                   "/bg/process_payment", "pay", half, prefix="half")
        self.bg_payments += runs["2@half"]["ok"] + runs["2@half"]["warm_ok"]
        up["2@half"] = self.rotate_upstream_log("c2-half")
        self.paced("1@half", "proxy, paced at that rate",
                   "/proxy/v1/payments", "node", half)
        self.rotate_upstream_log("c1-half")
        return c1, c1b, c2

    def rss_run(self, c2_rate):
        """More payments until the 64-thread brickgate made
        rss_payments (or rss_max_s passed), RSS sampled after each
        chunk of at most 30 s."""
        samples = [(self.bg_payments, rss_kb(self.bg.pid))]
        end = time.monotonic() + self.rss_max_s
        rate = max(c2_rate, 50)
        n = 0
        while self.bg_payments < 0.99 * self.rss_payments and \
                time.monotonic() < end:
            left = self.rss_payments - self.bg_payments
            secs = int(min(30, max(1, end - time.monotonic()),
                           math.ceil(left / rate * 1.3 + 1)))
            per = int(min(math.ceil(left / float(WRK_THREADS)),
                          math.ceil(1.6 * rate * secs / WRK_THREADS)))
            r = self.pay_run("rss-%d" % n, "/bg/process_payment",
                             "rss%d" % n, secs, None, per=per)
            self.bg_payments += r["ok"]
            rate = max(r["ok"] / r["seconds"], 50)
            samples.append((self.bg_payments, rss_kb(self.bg.pid)))
            n += 1
        self.results["figures"]["rss_samples"] = samples
        self.results["figures"]["pss_end_kb"] = pss_kb(self.bg.pid)
        self.results["upstream"]["rss"] = self.rotate_upstream_log("rss")
        log("  RSS after %d payments: %s" % (self.bg_payments, ", ".join(
            "%d: %.1f MB" % (p, kb / 1024.0) for p, kb in samples)))
        if self.bg_payments < 0.99 * self.rss_payments:
            log("  (stopped at %d s: fewer than %d payments)" % (
                self.rss_max_s, self.rss_payments))

    def slow(self):
        """Against the stand-in that answers in 300 ms, as Mercado Pago
        does, 256 clients: brickgate with its default configuration (no
        threads set) and Express with the SDK, one process."""
        # wait=False waits for its "ready" line: every thread started.
        self.bgslow = self.start_brickgate(
            "bgslow", "http://127.0.0.1:%d/slow" %
            self.ports["UPSTREAM_PORT"], extra={"BRICKGATE_THREADS": None},
            wait=False)
        idle_kb = rss_kb(self.bgslow.pid)
        threads = thread_count(self.bgslow.pid) - 1
        ideal = threads / SLOW_S
        w = self.pay_run("slow-warm", "/bgslow/process_payment", "sloww",
                         self.warm_s, ideal * 1.5, conns=SLOW_CONNS)
        self.drain(w)
        # At least 5 s: the first answers take a third of a second.
        r = self.pay_run("slow", "/bgslow/process_payment", "slow",
                         max(self.run_s, 5), ideal * 1.5, conns=SLOW_CONNS)
        self.results["runs"]["slow"] = r
        self.results["upstream"]["slow"] = self.rotate_upstream_log("slow")
        busy_kb = rss_kb(self.bgslow.pid)
        self.results["figures"]["default_threads"] = threads
        self.results["figures"]["thread_rss"] = {
            "idle_kb": idle_kb, "busy_kb": busy_kb, "threads": threads}
        log("  300 ms upstream, %d clients: %.1f payments/s, ideal %.1f "
            "(%d threads, the default, / 0.3 s); RSS %.1f MB idle, %.1f MB "
            "busy" % (SLOW_CONNS, r["rate"], ideal, threads,
                      idle_kb / 1024.0, busy_kb / 1024.0))
        w = self.wrk("nodeslow-warm", "/nodeslow/process_payment", "node",
                     SLOW_CONNS, self.warm_s)
        self.drain(w)
        n = self.wrk("nodeslow", "/nodeslow/process_payment", "node",
                     SLOW_CONNS, max(self.run_s, 5))
        self.results["runs"]["nodeslow"] = n
        self.rotate_upstream_log("nodeslow")
        log("  300 ms upstream, %d clients, Express + SDK: %.1f payments/s, "
            "p99 %.0f ms" % (SLOW_CONNS, n["rate"], n["p99_ms"]))
        self.thread_rss()

    def thread_rss(self):
        """RSS of an idle brickgate with one thread and with the default
        pool: what an idle thread costs."""
        api = "http://127.0.0.1:%d" % self.ports["UPSTREAM_PORT"]
        one = self.start_brickgate("bgone", api, wait=False,
                                   extra={"BRICKGATE_THREADS": "1"})
        many = self.start_brickgate("bgmany", api, wait=False,
                                    extra={"BRICKGATE_THREADS": None})
        n = thread_count(many.pid) - 1
        per = (rss_kb(many.pid) - rss_kb(one.pid)) / max(n - 1, 1)
        self.results["figures"]["idle_thread_kb"] = per
        log("  an idle thread: %.1f KB of RSS (1 thread against %d)" % (
            per, n))

    def confinement(self):
        """Contender 2 with confine = off between two confined runs, so
        that a drift of the disk or of the rest of a shared machine
        weighs on both sides alike: what the seccomp filter and the
        Landlock policy cost a payment (2c is the mean of the two)."""
        self.start_brickgate("bgoff", "http://127.0.0.1:%d" %
                             self.ports["UPSTREAM_PORT"],
                             extra={"BRICKGATE_CONFINE": "off"})
        bound = self.results["probe"]["writes_per_s"][THREADS]
        runs = self.results["runs"]
        on = []
        for key, path in (("2c1", "/bg/"), ("2off", "/bgoff/"),
                          ("2c2", "/bg/")):
            r = self.peak(key, "brickgate /process_payment, %s" % (
                "confine = off" if key == "2off" else "confined"),
                path + "process_payment", "pay", rate_bound=bound)
            self.results["upstream"][key] = self.rotate_upstream_log(key)
            if key != "2off":
                on.append(r)
        runs["2c"] = {k: (on[0][k] + on[1][k]) / 2 for k in on[0]
                      if isinstance(on[0][k], (int, float)) and
                      isinstance(on[1].get(k), (int, float))}
        return runs["2c"], runs["2off"]

    def tls(self):
        """Contender 2 again, with the stand-in reached over HTTPS: what
        TLS adds per payment once the connections are kept (the
        handshakes are counted as the connections opened)."""
        self.start_brickgate(
            "bgtls", "https://127.0.0.1:%d" % self.ports["UPSTREAM_TLS_PORT"],
            ca_file=os.path.join(self.run, "tls.crt"))
        bound = self.results["probe"]["writes_per_s"][THREADS]
        r = self.peak("2t", "brickgate /process_payment, TLS upstream",
                      "/bgtls/process_payment", "pay", rate_bound=bound)
        self.results["upstream"]["2t"] = self.rotate_upstream_log("tls")
        return r

    # -- system calls --------------------------------------------------------

    def traced(self, pid, sock, prefix, amount):
        """strace -f -c attached to brickgate while it answers TRACED
        requests, one at a time, straight on its FastCGI socket: the
        calls of each kind (its own threads only: no nginx, no client)."""
        out = os.path.join(self.run, prefix + ".strace")
        st = subprocess.Popen(["strace", "-f", "-c", "-o", out, "-p",
                               str(pid)], stderr=subprocess.DEVNULL)
        time.sleep(0.5)         # attached to every thread
        body = (FORM % amount).encode()
        for k in range(TRACED):
            c = Client(sock)
            c.begin({"REQUEST_METHOD": "POST",
                     "REQUEST_URI": "/process_payment?purchase_id=%s-0-%d" %
                     (prefix, k), "QUERY_STRING": "purchase_id=%s-0-%d" %
                     (prefix, k), "REMOTE_ADDR": "127.0.0.1",
                     "CONTENT_TYPE": "application/json",
                     "CONTENT_LENGTH": str(len(body))})
            c.send_stdin(body, end=True)
            c.response()
            c.close()
        st.send_signal(signal.SIGINT)
        st.wait(30)
        calls = {}
        for line in open(out):
            f = line.split()
            if len(f) >= 5 and f[3].isdigit() and f[-1] != "total":
                calls[f[-1]] = int(f[3])
        return calls

    def syscalls(self):
        """System calls per payment and per refusal, with the fsyncs
        among them (doc/design.md, Durability: two for a payment, the
        file and its directory; none for a refusal)."""
        if shutil.which("strace") is None:
            log("  system calls not counted: no strace")
            return
        api = "http://127.0.0.1:%d" % self.ports["UPSTREAM_PORT"]
        p = self.start_brickgate("bgtrace", api, wait=False)
        sock = os.path.join(self.run, "bgtrace.sock")
        found = {}
        for key, prefix, amount in (("payment", "sc2", "150.00"),
                                    ("refusal", "sc3", "149.99")):
            self.contexts(self.ctx, prefix, TRACED)
            calls = self.traced(p.pid, sock, prefix, amount)
            syncs = sum(calls.get(n, 0) for n in ("fsync", "fdatasync"))
            found[key] = {"calls": sum(calls.values()) / TRACED,
                          "fsyncs": syncs / TRACED,
                          "by_call": {n: c / TRACED for n, c in
                                      sorted(calls.items())}}
            log("  per %s under strace: %.1f system calls, %.2f fsyncs" %
                (key, found[key]["calls"], found[key]["fsyncs"]))
        self.results["syscalls"] = found

    # -- the PostgreSQL store ------------------------------------------------

    def start_pg(self):
        """A private PostgreSQL server (tests/lib/pg.py) and a database
        made by brickgate db init; False (and said) when it cannot run
        here: the server needs root to run as its own user."""
        if not self.root:
            log("  PostgreSQL contenders skipped: the server is run as "
                "user postgres, which needs root")
            return False
        from pg import Postgres
        # Three brickgates of THREADS connections each, and the probe's.
        self.pg = Postgres(["max_connections=%d" % (4 * THREADS + 20)])
        self.pg.psql("CREATE DATABASE bench")
        self.pg_url = self.pg.url_of("bench")
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
               "BRICKGATE_STORE": "postgresql",
               "BRICKGATE_DATABASE_URL": self.pg_url}
        subprocess.run([os.path.join(self.build, "brickgate"), "db",
                        "init"], env=env, check=True, capture_output=True)
        self.pg.psql("CREATE TABLE probe (v integer)", db="bench")
        return True

    def pg_contexts(self, prefix, per):
        """per purchases for each wrk thread, inserted as a storefront
        does, in one statement."""
        self.pg.psql(
            "INSERT INTO brickgate.purchases (id, context) SELECT "
            "format('%%s-%%s-%%s', '%s', t, k), '%s'::jsonb FROM "
            "generate_series(0, %d) t, generate_series(0, %d) k" % (
                prefix, CONTEXT.decode().strip(), WRK_THREADS - 1, per - 1),
            db="bench")

    def pg_probe(self):
        """Synchronous commits/s of the server from THREADS clients
        (pgbench, one INSERT a transaction): what one durable commit per
        payment would allow."""
        script = os.path.join(self.run, "probe.sql")
        with open(script, "w") as f:
            f.write("INSERT INTO probe VALUES (1);\n")
        p = subprocess.run([os.path.join(self.pg.bin, "pgbench"), "-n",
                            "-c", str(THREADS), "-j", "2", "-T",
                            str(max(self.probe_s, 2)), "-f", script, "-h",
                            "127.0.0.1", "-p", str(self.pg.port), "-U",
                            "postgres", "bench"], capture_output=True,
                           text=True, check=True)
        m = re.search(r"tps = ([\d.]+)", p.stdout)
        rate = float(m.group(1))
        log("  PostgreSQL probe, %d clients: %.0f synchronous commits/s" %
            (THREADS, rate))
        return rate

    def wal_syncs(self):
        return int(self.pg.query("SELECT wal_sync FROM pg_stat_wal",
                                 db="bench")[0][0])

    def pg_run(self, key, label, path, bound, min_bound=0):
        w0 = self.wal_syncs()
        r = self.peak(key, label, path, "pay", rate_bound=bound,
                      min_bound=min_bound, writer=self.pg_contexts)
        paid = r["ok"] + r["warm_ok"]
        r["wal_syncs_per_payment"] = (self.wal_syncs() - w0) / max(paid, 1)
        self.results["upstream"][key] = self.rotate_upstream_log(key)
        log("       %.2f WAL syncs per payment" % r["wal_syncs_per_payment"])
        return r

    def postgres(self):
        """Contender 2 with the PostgreSQL store: one host, then two
        behind one upstream, with the server's own synchronous-commit
        rate measured in the same run."""
        if not self.start_pg():
            return
        api = "http://127.0.0.1:%d" % self.ports["UPSTREAM_PORT"]
        extra = {"BRICKGATE_STORE": "postgresql",
                 "BRICKGATE_DATABASE_URL": self.pg_url}
        bound = self.pg_probe()
        self.results["pg"] = {"commits_per_s": bound}
        self.start_brickgate("bgpg", api, extra=extra)
        one = self.pg_run("2p", "brickgate, PostgreSQL store, 1 host",
                          "/bgpg/process_payment", bound)
        for name in ("bgpg2a", "bgpg2b"):
            self.start_brickgate(name, api, extra=extra, wait=False)
        # Two hosts may make more than twice what one warm-up did.
        self.pg_run("2pp", "brickgate, PostgreSQL store, 2 hosts",
                    "/bgpg2/process_payment", bound,
                    min_bound=3 * one["rate"])

    def go(self):
        log("bench: %s run, figures in %s" % (
            "quick" if self.quick else "full", OUT))
        fs = " ".join(subprocess.run(
            ["findmnt", "-n", "-o", "FSTYPE,SOURCE,OPTIONS", "-T", self.ctx],
            capture_output=True, text=True).stdout.split())
        self.results["probe"] = {"writes_per_s": self.probe([1, 16]),
                                 "fs": fs}
        self.start_upstream()
        self.upstream_alone()
        self.start_front()
        self.bg = self.start_brickgate("bg", "http://127.0.0.1:%d" %
                                       self.ports["UPSTREAM_PORT"])
        self.results["figures"]["rss_start_kb"] = rss_kb(self.bg.pid)
        self.results["figures"]["threads_in_process"] = \
            thread_count(self.bg.pid)
        self.start_node()
        self.start_apache()
        log("  started in %.0f s; contenders:" % self.elapsed())
        c1, c1b, c2 = self.contenders()
        self.rss_run(c2["rate"])
        self.slow()
        self.confinement()
        self.tls()
        self.syscalls()
        self.postgres()
        self.results["elapsed_s"] = self.elapsed()

    def stop(self):
        self.procs.stop_all()
        if getattr(self, "pg", None) is not None:
            self.pg.close()


def versions(build):
    def cmd(argv, pat=None):
        try:
            p = subprocess.run(argv, capture_output=True, text=True,
                               timeout=20)
        except OSError:
            return "?"
        t = (p.stdout + p.stderr).strip()
        if pat:
            m = re.search(pat, t)
            return m.group(1) if m else t.splitlines()[0]
        return t.splitlines()[0] if t else "?"

    def npm_version(pkg):
        try:
            with open(os.path.join(HERE, "node", "node_modules", pkg,
                                   "package.json")) as f:
                return json.load(f)["version"]
        except OSError:
            return "?"

    def dpkg(pkg):
        return cmd(["dpkg-query", "-W", "-f=${Version}", pkg])

    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = 0
    with open("/proc/meminfo") as f:
        mem = int(f.readline().split()[1]) // 1024
    debian = open("/etc/debian_version").read().strip() \
        if os.path.exists("/etc/debian_version") else "?"
    return {
        "cpu": cpu, "cores": os.cpu_count(), "memory_mb": mem,
        "kernel": platform.release(), "debian": debian,
        "brickgate": cmd([os.path.join(build, "brickgate"), "--version"],
                         r"(\d[\w.-]*)"),
        "nginx": cmd(["nginx", "-v"], r"nginx/(\S+)"),
        "echo module": dpkg("libnginx-mod-http-echo"),
        "spawn-fcgi": dpkg("spawn-fcgi"),
        "apache2": cmd(["apache2", "-v"], r"Apache/(\S+)"),
        "libcurl": dpkg("libcurl4"),
        "libfcgi": dpkg("libfcgi0ldbl"),
        "json-c": dpkg("libjson-c5"),
        "wrk": dpkg("wrk"),
        "gcc": cmd(["gcc", "-dumpfullversion"]),
        "node": cmd(["node", "--version"]),
        "express": npm_version("express"),
        "mercadopago": npm_version("mercadopago"),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    bench = Bench(os.path.abspath(a.build), a.quick)

    def on_signal(sig, frame):
        raise SystemExit("stopped by signal %d" % sig)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    # Whatever a stopped process had started stays in this tree, so the
    # check after bench.stop() sees it (tests/lib/reaper.py).
    reaper.become_subreaper()
    try:
        bench.go()
    finally:
        log("stopping every process started")
        bench.stop()
        left = reaper.sweep()
        for what in left:
            log("  left running, now stopped: " + what)
        # The purchases written for the runs go; the logs stay.
        log("removing the purchases written")
        for d in glob.glob(os.path.join(bench.run, "ctx*")):
            shutil.rmtree(d, ignore_errors=True)
        log("done")
        if left and sys.exc_info()[0] is None:
            raise SystemExit("%d processes were left running" % len(left))
    res = bench.results
    res["versions"] = versions(bench.build)
    res["date"] = time.strftime("%Y-%m-%d %H:%M %Z")
    res["quick"] = a.quick
    res["settings"] = {"threads": THREADS, "conns": CONNS,
                       "slow_conns": SLOW_CONNS, "run_s": bench.run_s,
                       "warm_s": bench.warm_s,
                       "moderate_rate": MODERATE_RATE,
                       "paced_conns": PACED_CONNS,
                       "rss_payments": bench.rss_payments,
                       "durable_writes": DURABLE_WRITES,
                       "load_at_start": bench.load_start,
                       "load_at_end": os.getloadavg()}
    with open(os.path.join(OUT, "results.json"), "w") as f:
        json.dump(res, f, indent=1)
    import report
    report.write(res, OUT, HERE, final=not a.quick)


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    main()
