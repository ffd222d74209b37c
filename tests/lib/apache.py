"""A private Apache on loopback running one of the shipped examples
(examples/apache-*.conf, examples/htaccess) in front of brickgate, against
brickgate-sandbox.

The example file is copied as is, with only its Debian paths (socket,
binary, config file, ...) replaced by the test's; the few server-wide
lines every Debian Apache has (Listen, User, modules, "<Directory />
Require all denied") are written around it.  Apache runs in the
foreground (-DFOREGROUND, never -X, which mod_fcgid does not support), its
PID is owned here and it is stopped with SIGTERM; every process it started
(mod_fcgid's brickgates, the cgid daemon) must be gone afterwards.
"""
import grp
import http.client
import os
import pwd
import re
import shutil
import signal
import subprocess
import unittest

from harness import (BRICKGATE, SPAWN_FCGI, TOKEN, Proc, Stack, base_env,
                     expect_error, free_port, process_tree, reachable,
                     tmpdir, write_secret)
import paytest
import reaper
from paytest import WEBHOOK_SECRET, refused

SRCDIR = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
EXAMPLES = os.path.join(SRCDIR, "examples")
APACHE = shutil.which("apache2") or "/usr/sbin/apache2"
MODULES = "/usr/lib/apache2/modules"
SANITIZER_VARS = ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS")
# What a stop that had to force a process out leaves in the error log:
# Apache's own (AH00045 ... SIGKILL) and mod_fcgid's.
FORCED = ("SIGKILL", "terminating forcefully", "still did not exit")


def need_apache(*modules):
    """Skips (unittest.SkipTest) when Apache or a module is missing."""
    if not os.access(APACHE, os.X_OK):
        raise unittest.SkipTest("no apache2 binary (tests/install-deps.sh "
                                "--tests installs apache2-bin)")
    for m in modules:
        if not os.path.exists(os.path.join(MODULES, "mod_%s.so" % m)):
            raise unittest.SkipTest("no mod_%s in %s (tests/install-deps.sh "
                                    "--tests installs it)" % (m, MODULES))


def example(name, replace):
    """The example file's text with each of replace's keys (which must
    all occur in it) replaced by its value."""
    with open(os.path.join(EXAMPLES, name)) as f:
        text = f.read()
    for old, new in replace.items():
        assert old in text, "%s no longer holds %r" % (name, old)
        text = text.replace(old, new)
    return text


def timeout_seconds(text, directive):
    """The value of a timeout directive (or the timeout= worker
    parameter) in an example."""
    if directive == "timeout=":
        m = re.search(r"\btimeout=(\d+)", text)
    else:
        m = re.search(r"^\s*%s\s+(\d+)\s*$" % directive, text, re.M)
    assert m, "no %s in the example" % directive
    return int(m.group(1))


def run_user():
    """Apache started as root runs its children as User (nobody here,
    www-data on Debian); started by anyone else it cannot switch."""
    if os.getuid() != 0:
        return None
    return pwd.getpwnam("nobody").pw_uid, grp.getgrnam("nogroup").gr_gid


def give(path, user):
    if user:
        os.chown(path, *user)


def descendants(pid):
    """PIDs of every live descendant of pid (from /proc)."""
    return [p for p in process_tree([pid]) if p != pid]


alive = reaper.alive


SERVER_CONF = """\
# Written by tests/lib/apache.py around {example}: what every Debian
# Apache already has (apache2.conf, ports.conf, the enabled modules).
ServerRoot "{root}"
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile {root}/logs/httpd.pid
ErrorLog {root}/logs/error.log
LogLevel {loglevel}
DefaultRuntimeDir {root}/run
Timeout 300
{user}
{modules}
<IfModule mime_module>
    TypesConfig /dev/null
</IfModule>
<Directory />
    Options FollowSymLinks
    AllowOverride None
    Require all denied
</Directory>
<FilesMatch "^\\.ht">
    Require all denied
</FilesMatch>
DocumentRoot {root}/htdocs
<Directory {root}/htdocs>
    AllowOverride None
    Require all granted
</Directory>
{extra}
Include {root}/example.conf
"""


class Apache:
    """A private Apache in root (logs/, run/, htdocs/ created)."""

    def __init__(self, root, example_name, example_text, modules,
                 extra="", loglevel="info", user=None):
        need_apache(*modules)
        self.root = root
        self.port = free_port()
        self.user = user
        for d in ("logs", "run", "htdocs"):
            os.makedirs(os.path.join(root, d), exist_ok=True)
        # The cgid daemon and mod_fcgid (running as User) keep their
        # sockets in run/.
        give(os.path.join(root, "run"), user)
        with open(os.path.join(root, "example.conf"), "w") as f:
            f.write(example_text)
        mods = ["mpm_event", "authz_core"] + list(modules)
        self.conf = os.path.join(root, "httpd.conf")
        with open(self.conf, "w") as f:
            f.write(SERVER_CONF.format(
                example=example_name, root=root, port=self.port,
                loglevel=loglevel, extra=extra,
                user="User nobody\nGroup nogroup" if user else "",
                modules="\n".join(
                    "LoadModule %s_module %s/mod_%s.so" % (m, MODULES, m)
                    for m in mods)))
        self.error_log = os.path.join(root, "logs", "error.log")
        self.env = base_env()
        for k in SANITIZER_VARS:
            if k in os.environ:
                self.env[k] = os.environ[k]
        self.proc = None
        self.kids = []

    def start(self):
        p = subprocess.run([APACHE, "-t", "-f", self.conf], env=self.env,
                           capture_output=True, text=True, timeout=30)
        assert p.returncode == 0, "apache2 -t: %s%s" % (p.stdout, p.stderr)
        self.proc = Proc([APACHE, "-f", self.conf, "-DFOREGROUND"],
                         env=self.env,
                         log=os.path.join(self.root, "logs", "apache.out"))

    def log_text(self):
        try:
            with open(self.error_log, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def programs(self):
        """(pid, argv[0]) of every live process Apache started."""
        out = []
        for pid in descendants(self.proc.pid):
            try:
                with open("/proc/%d/cmdline" % pid, "rb") as f:
                    argv0 = f.read().split(b"\0")[0].decode()
            except OSError:
                continue
            out.append((pid, argv0))
        return out

    def log_tail(self, n=20):
        return "\n".join(self.log_text().splitlines()[-n:])

    def stop(self):
        """SIGTERM; Apache must exit 0 by itself (no SIGKILL from here),
        having stopped every process it started without forcing any."""
        if self.proc is None:
            return
        self.kids = descendants(self.proc.pid)
        try:
            rc = self.proc.stop(signal.SIGTERM, timeout=20)
        finally:
            left = [k for k in self.kids if alive(k)]
            for k in left:
                os.kill(k, signal.SIGKILL)
        assert not left, "Apache left processes %r behind" % left
        assert rc == 0, "apache2 exit %r:\n%s" % (rc, self.log_tail())
        forced = [ln for ln in self.log_text().splitlines()
                  if any(w in ln for w in FORCED)]
        assert not forced, "a process had to be killed:\n" + \
            "\n".join(forced)
        # mod_fcgid's account of each brickgate it stopped.
        exits = [ln for ln in self.log_text().splitlines()
                 if "mod_fcgid: process" in ln and " exit(" in ln and
                 "terminated by calling exit(), return code: 0" not in ln]
        assert not exits, "\n".join(exits)
        sanitizer = [ln for ln in self.log_text().splitlines()
                     if "Sanitizer" in ln or "runtime error:" in ln]
        assert not sanitizer, "\n".join(sanitizer)


class ApacheStack(Stack):
    """What paytest.Site needs of its stack (request, post_json,
    log_text, ctx_dir, stop, cleanup), through Apache: every path gets the
    recipe's mount prefix."""

    def __init__(self, root, prefix):
        # Not Stack.__init__: no nginx here; Stack.request/post_json only
        # need self.port.
        self.root = root
        self.prefix = prefix
        self.ctx_dir = os.path.join(root, "ctx")
        self.env = {}
        self.bg = None
        self.apache = None

    @property
    def port(self):
        return self.apache.port

    def request(self, method, path, body=None, headers=None, timeout=60):
        try:
            return Stack.request(self, method, self.prefix + path, body,
                                 headers, timeout)
        except (http.client.IncompleteRead, ConnectionResetError) as e:
            raise AssertionError(
                "%s %s: Apache cut the answer off (%r); its error log "
                "ends:\n%s" % (method, path, e,
                                self.apache.log_tail(5))) from None

    def check_alive(self):
        Stack.check_alive(self)
        if not self.apache.proc.alive():
            raise AssertionError("apache2 exited with %s: %s" % (
                self.apache.proc.p.returncode, self.apache.log_tail()))

    def not_ready(self, last):
        return "Apache never became ready: %r\n%s" % (
            last, self.apache.log_tail())

    def log_text(self):
        """brickgate's log: its own file under spawn-fcgi, else Apache's
        error log (mod_fcgid and CGI programs write to standard error)."""
        text = ""
        path = os.path.join(self.root, "brickgate.log")
        if os.path.exists(path):
            with open(path, errors="replace") as f:
                text = f.read()
        return text + (self.apache.log_text() if self.apache else "")

    def stop(self):
        """Stops Apache, then brickgate (recipe 1); returns brickgate's
        exit status (0 when Apache ran it)."""
        try:
            if self.apache is not None:
                self.apache.stop()
        finally:
            rc = 0
            if self.bg is not None:
                rc = self.bg.stop(signal.SIGTERM, timeout=20)
        return rc

    def cleanup(self):
        shutil.rmtree(self.root, ignore_errors=True)


class ApacheSite(paytest.Site):
    """paytest.Site (purchases, card forms, signed webhooks, the sandbox's
    request log) with brickgate behind Apache as recipe says:
      "proxy-fcgi"  examples/apache-proxy-fcgi.conf, brickgate under
                    spawn-fcgi;
      "fcgid"       examples/apache-fcgid.conf, Apache starts brickgate;
      "cgi"         examples/htaccess, brickgate.cgi under mod_cgid;
      "shared-hosting"  examples/shared-hosting/: the same with its
                    .htaccess naming a brickgate.conf outside the web root.
    binary: the brickgate to run (the --enable-static-deps one for
    shared hosting).
    brickgate verifies webhooks with paytest.WEBHOOK_SECRET."""

    def __init__(self, recipe, site="MLB", binary=BRICKGATE):
        need_apache()
        self.site = site
        self.user = run_user()
        # Apache's user runs it: a copy it can reach, wherever the clone.
        self.binary = reachable(binary) if self.user else binary
        self.n = 0
        root = tmpdir("bg-apache-%s-" % recipe)
        self.stack = stack = ApacheStack(root, "")
        self.ctx_dir = stack.ctx_dir
        self.sb = None
        try:
            os.mkdir(self.ctx_dir, 0o700)
            give(self.ctx_dir, self.user)
            self.sb = paytest.sbharness.Sandbox(site)
            self.secret = os.path.join(root, "webhook-secret")
            write_secret(self.secret, WEBHOOK_SECRET)
            give(self.secret, self.user)
            getattr(self, "_start_" + recipe.replace("-", "_"))(root)
            stack.wait_ready()
        except BaseException:
            self.stop()
            raise

    def config(self):
        """brickgate's settings (without the token) for this test."""
        return {"site": self.site, "context_dir": self.ctx_dir,
                "api_base": "http://127.0.0.1:%d" % self.sb.port,
                "webhook_secret_file": self.secret, "api_retries": "2"}

    def write_config(self, root, extra):
        token = os.path.join(root, "token")
        write_secret(token, TOKEN)
        give(token, self.user)
        cfg = dict(self.config(), access_token_file=token, **extra)
        path = os.path.join(root, "brickgate.conf")
        with open(path, "w") as f:
            for k, v in cfg.items():
                f.write("%s = %s\n" % (k, v))
        os.chmod(path, 0o644)
        return path

    # -- recipe 1: mod_proxy_fcgi to brickgate under spawn-fcgi ----------

    def _start_proxy_fcgi(self, root):
        name = "apache-proxy-fcgi.conf"
        sock = os.path.join(root, "brickgate.sock")
        conf = self.write_config(root, {"threads": "4"})
        self.example = example(name, {})
        text = example(name, {"/run/brickgate/brickgate.sock": sock})
        self.stack.prefix = "/api"
        self.stack.apache = Apache(root, name, text,
                                   ["proxy", "proxy_fcgi"], user=self.user)
        # As the example's comment runs it: the socket owned by Apache's
        # user, mode 0660, brickgate as its own (here: the same) user.
        argv = [SPAWN_FCGI, "-n", "-s", sock, "-M", "0660"]
        if self.user:
            argv += ["-U", "nobody", "-G", "nogroup",
                     "-u", "nobody", "-g", "nogroup"]
        env = self.stack.apache.env
        self.stack.bg = Proc(argv + ["--", self.binary, "--config", conf],
                             env=env,
                             log=os.path.join(root, "brickgate.log"))
        self.stack.apache.start()

    # -- recipe 2: mod_fcgid, Apache starts brickgate ----------------------

    def _start_fcgid(self, root):
        name = "apache-fcgid.conf"
        conf = self.write_config(root, {})
        self.example = example(name, {})
        text = example(name, {"/usr/local/bin/brickgate": self.binary,
                              "/etc/brickgate/brickgate.conf": conf})
        # Debian's own fcgid.conf and compiled-in paths, made private.
        extra = ["FcgidIPCDir %s/run/fcgid" % root,
                 "FcgidProcessTableFile %s/run/fcgid_shm" % root]
        for k in SANITIZER_VARS:
            if k in os.environ:
                extra.append("FcgidInitialEnv %s %s" % (k, os.environ[k]))
        self.stack.prefix = "/api"
        self.stack.apache = Apache(root, name, text, ["alias", "fcgid"],
                                   extra="\n".join(extra), user=self.user)
        self.stack.apache.start()

    # -- recipe 3: shared-hosting CGI through .htaccess ----------------------

    def _start_cgi(self, root):
        self._start_htaccess(root, "htaccess", {
            "APP_USR-REPLACE-WITH-YOUR-ACCESS-TOKEN": TOKEN,
            "/home/shop/brickgate/contexts": self.ctx_dir,
            "/home/shop/brickgate/webhook-secret": self.secret})

    def _start_shared_hosting(self, root):
        """examples/shared-hosting/: its .htaccess names its brickgate.conf,
        whose paths become the test's (the token file, the secret, the
        context dir, brickgate's log)."""
        home = os.path.join(root, "home")
        os.mkdir(home)
        give(home, self.user)
        token = os.path.join(home, "access_token")
        write_secret(token, TOKEN)
        give(token, self.user)
        self.home_paths = {
            "/home/shop/brickgate/access_token": token,
            "/home/shop/brickgate/contexts": self.ctx_dir,
            "/home/shop/brickgate/webhook-secret": self.secret,
            # Where ApacheStack.log_text looks.
            "/home/shop/brickgate/brickgate.log":
                os.path.join(root, "brickgate.log"),
            "/home/shop/brickgate/brickgate.conf":
                os.path.join(home, "brickgate.conf"),
            "/home/shop/brickgate/reconcile.log":
                os.path.join(home, "reconcile.log"),
            "/home/shop/public_html/cgi-bin": os.path.join(
                root, "htdocs", "cgi-bin")}
        for made in ("brickgate.log", "reconcile.log"):
            path = self.home_paths["/home/shop/brickgate/" + made]
            open(path, "w").close()
            os.chmod(path, 0o600)
            give(path, self.user)
        conf = self.home_paths["/home/shop/brickgate/brickgate.conf"]
        with open(conf, "w") as f:
            f.write(self.home_text("shared-hosting/brickgate.conf"))
        os.chmod(conf, 0o600)
        give(conf, self.user)
        self._start_htaccess(root, "shared-hosting/htaccess", {
            "/home/shop/brickgate/brickgate.conf": conf})

    def home_text(self, name):
        """A shared-hosting example with every /home/shop path that
        occurs in it replaced by the test's."""
        with open(os.path.join(EXAMPLES, name)) as f:
            text = f.read()
        for old, new in self.home_paths.items():
            text = text.replace(old, new)
        assert "/home/shop" not in text, text
        return text

    def _start_htaccess(self, root, name, replace):
        folder = os.path.join(root, "htdocs", "cgi-bin")
        self.example = example(name, {})
        text = example(name, replace)
        # The host's side of it: examples/apache-cgi.conf.
        server = example("apache-cgi.conf",
                         {"/var/www/html/cgi-bin": folder})
        os.makedirs(folder)
        shutil.copy(self.binary, os.path.join(folder, "brickgate.cgi"))
        os.chmod(os.path.join(folder, "brickgate.cgi"), 0o755)
        with open(os.path.join(folder, ".htaccess"), "w") as f:
            f.write(text)
        os.chmod(os.path.join(folder, ".htaccess"), 0o644)
        # The host's part: where the API is (the sandbox), the sanitizer
        # settings of the build under test, and the cgid daemon's socket.
        extra = ["ScriptSock cgisock",
                 "<Directory %s>" % folder,
                 "    SetEnv BRICKGATE_API_BASE http://127.0.0.1:%d"
                 % self.sb.port]
        for k in SANITIZER_VARS:
            if k in os.environ:
                extra.append("    PassEnv " + k)
        extra.append("</Directory>")
        self.stack.prefix = "/cgi-bin/brickgate.cgi"
        self.stack.apache = Apache(
            root, "apache-cgi.conf and " + name, server,
            ["alias", "mime", "env", "cgid"], extra="\n".join(extra),
            user=self.user)
        self.stack.apache.start()

    # -- paytest.Site's files, readable by Apache's user -------------------

    def write_raw(self, pid, text):
        tmp = os.path.join(self.ctx_dir, ".tmp-" + pid)
        with open(tmp, "w") as f:
            f.write(text)
        os.chmod(tmp, 0o660)
        give(tmp, self.user)
        os.rename(tmp, os.path.join(self.ctx_dir, pid + ".json"))

    def request(self, method, path, **kw):
        """A request to the server itself, without the mount prefix."""
        return Stack.request(self.stack, method, path, **kw)

    def stop(self):
        """Stops Apache (and so mod_fcgid's brickgates), brickgate, the
        sandbox; checks each exited cleanly; removes the temp dir."""
        try:
            try:
                rc = self.stack.stop()
            finally:
                src = self.sb.stop() if self.sb is not None else 0
            assert rc == 0, "brickgate exit %r\n%s" % (rc, self.log())
            assert src == 0, "sandbox exit %r" % src
        finally:
            self.stack.cleanup()


def pay_through(site):
    """What every recipe must show: an approved card, a tampered amount
    refused with nothing sent upstream, /payment_status, a signed webhook
    recorded and a forged one refused.  Returns the paid purchase's id."""
    # An approved card.
    pid = site.context()
    r = site.pay(pid, site.card_form())
    assert r.status == 201, (r, site.log())
    paid = r.json()
    assert paid["status"] == "approved" and paid["purchase_id"] == pid, paid
    assert r.header("Content-Type") == "application/json; charset=utf-8"
    sent = site.api_requests()
    assert len(sent) == 1 and sent[0]["body"]["external_reference"] == pid

    # A tampered amount: refused, and nothing at all sent upstream (the
    # form's card token is made first: that is the browser's call).
    other = site.context()
    form = site.card_form(amount="1.50")
    before = site.sb.ctl("GET", "requests")[1]["requests"]
    refused(site, other, form, 400, "amount_mismatch", "transaction_amount")
    assert site.sb.ctl("GET", "requests")[1]["requests"] == before

    # /payment_status answers with the payment.
    r = site.status(pid)
    assert r.status == 200, r
    assert r.json() == paid, (r.json(), paid)
    r = site.status(other)
    expect_error(r, 404, "no_payment")

    # A webhook signed the way Mercado Pago signs them is recorded.
    r = site.webhook(paid["id"])
    assert r.status == 200, (r, site.log())
    assert r.json() == {"status": "recorded"}, r
    assert site.read(pid)["payment"]["status"] == "approved"
    # A forged one is not.
    r = site.webhook(paid["id"], secret="not-the-secret")
    assert r.status == 401, r
    return pid
