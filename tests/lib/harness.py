"""Test harness: real nginx, spawn-fcgi and brickgate on loopback.

Every process is started here as a child of the test process, its PID kept,
and stopped by that PID, also when starting fails half-way; tests/run.py
checks that nothing is left behind.  Readiness is a bounded poll of the
real endpoint, never a fixed sleep.

What a process of another user must reach (nginx's and Apache's workers
run as nobody: sockets, pages, a CGI binary) lives under the runtime
directory, never under the clone, which may be in a private home: see
runtime_dir() and reachable().
"""
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

# Where a process tree is walked (bench/bench.py and apache.py use it too).
from reaper import process_tree  # noqa: F401

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.path.dirname(os.path.dirname(HERE))
BUILD = os.environ.get("BRICKGATE_BUILD", os.path.join(SRCDIR, "build"))
BRICKGATE = os.path.join(BUILD, "brickgate")
TOKEN = "TEST-4242424242424242-112233-0123456789abcdef0123456789abcdef-99"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SPAWN_FCGI = shutil.which("spawn-fcgi") or "/usr/bin/spawn-fcgi"
# BG_VALGRIND=1: every FastCGI brickgate a Stack starts runs under
# valgrind's memcheck; an error, or bytes definitely or indirectly lost,
# makes its exit status 99 and puts valgrind's report in its log.
VALGRIND = os.environ.get("BG_VALGRIND") == "1"
VALGRIND_EXIT = 99
VALGRIND_BIN = shutil.which("valgrind") or "/usr/bin/valgrind"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def runtime_dir():
    """Where the tests put what other users' processes must reach:
    BG_TEST_TMP (tests/all.sh makes one under /tmp, mode 0755, and
    removes it), else the system's temporary directory.  Refuses one that
    a user other than root cannot traverse, naming the folder at fault,
    rather than let nginx answer 502 to every test."""
    d = os.path.abspath(os.environ.get("BG_TEST_TMP") or
                        tempfile.gettempdir())
    path = d
    while True:
        if not os.stat(path).st_mode & 0o001:
            raise AssertionError(
                "%s is not searchable by other users (nginx's workers run "
                "as nobody): BG_TEST_TMP must name a folder they can reach, "
                "such as one under /tmp" % path)
        if path == "/":
            return d
        path = os.path.dirname(path)


def tmpdir(prefix):
    d = tempfile.mkdtemp(prefix=prefix, dir=runtime_dir())
    # nginx workers run unprivileged: they must reach the socket inside.
    os.chmod(d, 0o755)
    return d


_REACHABLE = {}


def reachable(path):
    """A copy of the file at path (a program, a script) in the runtime
    directory, mode 0755, for a process that runs as another user: the
    file itself may be in a clone no one else can enter.  One copy per
    path and test process."""
    path = os.path.abspath(path)
    if path not in _REACHABLE:
        d = tmpdir("bg-bin-")
        copy = os.path.join(d, os.path.basename(path))
        shutil.copy(path, copy)
        os.chmod(copy, 0o755)
        _REACHABLE[path] = copy
    return _REACHABLE[path]


class Proc:
    """A child process with its output in files, stopped by its PID."""

    def __init__(self, argv, env=None, log=None, cwd=None, user=None):
        """user: a (uid, gid) pair to run as (see as_user)."""
        self.argv = argv
        self.log = log
        out = open(log, "ab") if log else subprocess.DEVNULL
        self.p = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL,
                                  stdout=out, stderr=out, cwd=cwd,
                                  **as_user(user))
        if log:
            out.close()
        self.pid = self.p.pid

    def alive(self):
        return self.p.poll() is None

    def send(self, sig):
        if self.alive():
            os.kill(self.pid, sig)

    def stop(self, sig=signal.SIGTERM, timeout=30):
        """Stops the process; returns its exit status (negative: signal)."""
        if self.alive():
            os.kill(self.pid, sig)
            try:
                return self.p.wait(timeout)
            except subprocess.TimeoutExpired:
                os.kill(self.pid, signal.SIGKILL)
                self.p.wait()
                raise AssertionError("%s did not stop on signal %d"
                                     % (self.argv[0], sig))
        return self.p.returncode


def help_keys(brickgate=BRICKGATE):
    """The configuration keys `brickgate --help` lists, in its order."""
    text = subprocess.run([brickgate, "--help"], capture_output=True,
                          text=True, timeout=30, check=True).stdout
    m = re.search(r"later sources win\):(.*?)Default config file", text,
                  re.S)
    assert m, text
    body = re.sub(r"\([^)]*\)", "", m.group(1))
    keys = [k.strip().rstrip(".") for k in body.split(",")]
    for k in keys:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", k), (k, text)
    assert len(keys) >= 20 and "access_token_file" in keys, keys
    return keys


def write_secret(path, text, mode=0o600):
    with open(path, "w") as f:
        f.write(text + "\n")
    os.chmod(path, mode)


NGINX_CONF = """
daemon off;
master_process on;
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {root}/tmp/body;
    fastcgi_temp_path {root}/tmp/fastcgi;
    proxy_temp_path {root}/tmp/proxy;
    scgi_temp_path {root}/tmp/scgi;
    uwsgi_temp_path {root}/tmp/uwsgi;
    client_max_body_size 4m;
    upstream brickgate {{ server unix:{sock}; }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            include /etc/nginx/fastcgi_params;
            fastcgi_param PATH_INFO "";
            fastcgi_pass brickgate;
            fastcgi_read_timeout 60s;
        }}
    }}
}}
"""


class Answer:
    """Status, header list and body text of one answer, however it came."""
    status = None
    headers = ()
    body = ""

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def json(self):
        return json.loads(self.body)


class Response(Answer):
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def __repr__(self):
        return "<%d %r>" % (self.status, self.body[:300])


class Stack:
    """brickgate under spawn-fcgi behind a private nginx.

    config: dict of brickgate keys given as BRICKGATE_* environment.
    """

    def __init__(self, config=None, env=None, name="stack"):
        self.root = tmpdir("bg-%s-" % name)
        for d in ("tmp", "ctx"):
            os.mkdir(os.path.join(self.root, d))
        self.ctx_dir = os.path.join(self.root, "ctx")
        self.token_file = os.path.join(self.root, "token")
        write_secret(self.token_file, TOKEN)
        self.sock = os.path.join(self.root, "bg.sock")
        self.port = free_port()
        self.brickgate_log = os.path.join(self.root, "brickgate.log")
        cfg = {"access_token_file": self.token_file,
               "context_dir": self.ctx_dir,
               "threads": "4"}
        cfg.update(config or {})
        self.env = base_env()
        for k, v in cfg.items():
            if v is not None:
                self.env["BRICKGATE_" + k.upper()] = str(v)
        self.env.update(env or {})
        self.bg = None
        self.nginx = None

    def start(self):
        """Starts brickgate and nginx and waits until /healthz answers;
        when any of that fails, stops what it had started before raising
        (a caller's try/finally begins only once start() returns)."""
        try:
            self.spawn_brickgate()
            conf = os.path.join(self.root, "nginx.conf")
            with open(conf, "w") as f:
                f.write(self.nginx_conf())
            self.nginx = Proc([NGINX, "-p", self.root, "-c", conf, "-e",
                               os.path.join(self.root, "nginx-error.log")],
                              log=os.path.join(self.root, "nginx.out"))
            self.wait_ready()
        except BaseException:
            self.stop_quietly()
            raise
        return self

    def nginx_conf(self):
        """nginx's configuration: one upstream, brickgate's socket."""
        return NGINX_CONF.format(root=self.root, sock=self.sock,
                                 port=self.port)

    def stop_quietly(self):
        """stop() after a failure: what it raises would hide the first
        error, so it is dropped."""
        try:
            self.stop()
        except Exception:  # noqa: BLE001
            pass

    def spawn_brickgate(self):
        """Starts brickgate under spawn-fcgi (-n: brickgate keeps the PID
        spawn-fcgi had, so the harness owns it)."""
        self.bg = Proc([SPAWN_FCGI, "-n", "-s", self.sock, "-M", "0666",
                        "--"] + valgrind_argv(self.root) + [BRICKGATE],
                       env=self.env, log=self.brickgate_log)

    def kill_brickgate(self):
        """SIGKILL, as a crash or the OOM killer would; returns the exit
        status."""
        self.bg.send(signal.SIGKILL)
        return self.bg.p.wait(30)

    def restart_brickgate(self):
        self.spawn_brickgate()
        self.wait_ready()

    def check_alive(self):
        """Raises when a process the stack needs has exited."""
        if self.bg is not None and not self.bg.alive():
            raise AssertionError("brickgate exited with %s: %s" % (
                self.bg.p.returncode, self.log_text()))

    def not_ready(self, last):
        return "stack never became ready: %r" % (last,)

    def wait_ready(self):
        last = None
        for _ in range(200):
            self.check_alive()
            try:
                r = self.request("GET", "/healthz")
                if r.status == 200:
                    return
                last = r
            except OSError as e:
                last = e
            time.sleep(0.05)
        raise AssertionError(self.not_ready(last))

    def request(self, method, path, body=None, headers=None, timeout=60):
        conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                          timeout=timeout)
        try:
            hdrs = dict(headers or {})
            if isinstance(body, (dict, list)):
                body = json.dumps(body)
                hdrs.setdefault("Content-Type", "application/json")
            if isinstance(body, str):
                body = body.encode()
            conn.request(method, path, body=body, headers=hdrs)
            r = conn.getresponse()
            return Response(r.status, r.getheaders(),
                            r.read().decode("utf-8", "replace"))
        finally:
            conn.close()

    def post_json(self, path, body, headers=None):
        h = {"Content-Type": "application/json"}
        h.update(headers or {})
        return self.request("POST", path, body, h)

    def log_text(self):
        try:
            with open(self.brickgate_log, encoding="utf-8",
                      errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def context_files(self):
        return sorted(os.listdir(self.ctx_dir))

    def stop(self):
        """Stops nginx and brickgate; returns brickgate's exit status
        (VALGRIND_EXIT when valgrind found a problem in any brickgate the
        stack ran, its report then appended to the log)."""
        rc = None
        try:
            if self.nginx:
                self.nginx.stop(signal.SIGQUIT)
        finally:
            if self.bg:
                rc = self.bg.stop(signal.SIGTERM)
        report = valgrind_problems(self.root)
        if report:
            with open(self.brickgate_log, "a") as f:
                f.write(report)
            if rc == 0:
                rc = VALGRIND_EXIT
        return rc

    def cleanup(self):
        shutil.rmtree(self.root, ignore_errors=True)


def valgrind_argv(root):
    """The command prefix that runs brickgate under memcheck, logging into
    root (one file per process), or nothing without BG_VALGRIND."""
    if not VALGRIND:
        return []
    return [VALGRIND_BIN, "--tool=memcheck",
            "--error-exitcode=%d" % VALGRIND_EXIT, "--leak-check=full",
            "--show-leak-kinds=definite,indirect",
            "--errors-for-leak-kinds=definite,indirect", "--num-callers=30",
            "--log-file=" + os.path.join(root, "valgrind-%p.log")]


def _lost(text, kind):
    m = re.search(r"%s lost: ([\d,]+) bytes" % kind, text)
    return int(m.group(1).replace(",", "")) if m else 0


def valgrind_problems(root):
    """Valgrind's reports of errors or lost bytes in root's logs, or "".
    A process killed by SIGKILL leaves no summary and counts only the
    errors it logged before.  With BG_VALGRIND_TOTALS naming a file, adds
    a line "processes errors definitely-lost indirectly-lost" to it."""
    out = []
    procs = errors = definite = indirect = 0
    for name in sorted(os.listdir(root)):
        if not (name.startswith("valgrind-") and name.endswith(".log")):
            continue
        with open(os.path.join(root, name), errors="replace") as f:
            text = f.read()
        m = re.search(r"ERROR SUMMARY: ([\d,]+) errors", text)
        n = int(m.group(1).replace(",", "")) if m else \
            len(re.findall(r"^==\d+== \S.*\n==\d+==    (at|by) ", text,
                           re.M))
        d, i = _lost(text, "definitely"), _lost(text, "indirectly")
        procs += 1
        errors, definite, indirect = errors + n, definite + d, indirect + i
        if n or d or i:
            out.append("--- %s\n%s" % (name, text))
    totals = os.environ.get("BG_VALGRIND_TOTALS")
    if totals and procs:
        with open(totals, "a") as f:
            f.write("%d %d %d %d\n" % (procs, errors, definite, indirect))
    return "".join(out)


def npm_install(base, package, version):
    """Installs an exact npm package version into base/npm-PACKAGE-VERSION
    (once; later runs reuse it) and returns that folder."""
    d = os.path.join(base, "npm-%s-%s" % (package, version))
    pkg = os.path.join(d, "node_modules", package, "package.json")
    if not os.path.exists(pkg):
        os.makedirs(d, exist_ok=True)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund",
                        "--no-save", "--silent", "--prefix", d,
                        "%s@%s" % (package, version)], check=True,
                       timeout=300, stdout=subprocess.DEVNULL)
    with open(pkg) as f:
        assert json.load(f)["version"] == version
    return d


def as_user(user):
    """subprocess.run keywords that run a command as user, a (uid, gid)
    pair, with no supplementary groups; none for None (the caller's)."""
    if not user:
        return {}
    return {"user": user[0], "group": user[1], "extra_groups": []}


def base_env():
    """A clean environment: PATH and the sanitizer options, nothing else."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
        if k in os.environ:
            env[k] = os.environ[k]
    return env


class CgiResult(Answer):
    def __init__(self, rc, out, err):
        self.rc = rc
        self.stderr = err.decode("utf-8", "replace")
        head, _, body = out.partition(b"\r\n\r\n")
        self.headers = []
        self.status = None
        for line in head.decode("latin-1").split("\r\n"):
            if not line:
                continue
            k, _, v = line.partition(":")
            v = v.strip()
            if k.lower() == "status":
                self.status = int(v.split()[0])
            self.headers.append((k, v))
        self.body = body.decode("utf-8", "replace")


def run_cgi(method, uri, body=b"", env=None, config=None, path_info=None,
            content_type="application/json", content_length=None,
            timeout=60):
    """Runs brickgate as a plain CGI program, the way Apache's mod_cgid
    does: CGI variables in the environment, the body on standard input."""
    e = base_env()
    e.update({"GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": method,
              "REQUEST_URI": uri, "SERVER_PROTOCOL": "HTTP/1.1",
              "REMOTE_ADDR": "127.0.0.1",
              "QUERY_STRING": uri.partition("?")[2],
              "SCRIPT_NAME": "/cgi-bin/brickgate.cgi"})
    if isinstance(body, str):
        body = body.encode()
    if body or content_length is not None:
        e["CONTENT_LENGTH"] = str(len(body) if content_length is None
                                  else content_length)
    if content_type:
        e["CONTENT_TYPE"] = content_type
    if path_info is not None:
        e["PATH_INFO"] = path_info
    for k, v in (config or {}).items():
        e["BRICKGATE_" + k.upper()] = str(v)
    e.update(env or {})
    p = subprocess.run([BRICKGATE], input=body, env=e, capture_output=True,
                       timeout=timeout)
    return CgiResult(p.returncode, p.stdout, p.stderr)


def run_brickgate(args, env=None, timeout=30):
    """Runs the binary with args (--check-config ...) in a clean
    environment; returns (exit status, stdout, stderr)."""
    e = base_env()
    e.update(env or {})
    p = subprocess.run([BRICKGATE] + list(args), env=e, capture_output=True,
                       timeout=timeout, stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def expect_error(resp, status, code, field=None):
    """Asserts the exact error body of brickgate(8), Answers."""
    assert resp.status == status, "want %d %s, got %r" % (status, code, resp)
    body = resp.json()
    assert set(body) == {"error"}, body
    err = body["error"]
    assert err["code"] == code, "want %s, got %r" % (code, body)
    assert isinstance(err["message"], str) and err["message"], body
    if field is None:
        assert "field" not in err, body
    else:
        assert err.get("field") == field, "want field %s: %r" % (field, body)
    assert set(err) <= {"code", "message", "field", "upstream"}, body
    ct = resp.header("Content-Type")
    assert ct == "application/json; charset=utf-8", ct
    assert resp.header("Cache-Control") == "no-store"
