"""make install and make uninstall into a DESTDIR: every file where a Unix
program's files go, the sample configuration never overwriting one, man
pages that render without warnings and document every configuration key,
and an uninstall that leaves nothing behind but a configuration someone
changed."""
import fnmatch
import os
import re
import shutil
import subprocess
import unittest

import harness

BUILD = harness.BUILD
SRCDIR = harness.SRCDIR
EXAMPLES = os.path.join(SRCDIR, "examples")
# Editor leftovers the install rule skips (Makefile.am, list_examples).
JUNK = ("*~", ".*.sw?", "#*#", "*.orig", "*.rej", ".DS_Store")

tmp = None
dirs = {}


def make(*args):
    p = subprocess.run(["make", "-s", "--no-print-directory", "-C", BUILD]
                       + list(args), capture_output=True, text=True,
                       timeout=300)
    assert p.returncode == 0, "make %s: exit %d\n%s%s" % (
        " ".join(args), p.returncode, p.stdout, p.stderr)
    return p.stdout


def install_dirs():
    """The build's own installation directories, as make expands them."""
    names = ("bindir", "sysconfdir", "localstatedir", "mandir", "docdir",
             "bin_PROGRAMS")
    rule = "print-install-dirs:\n" + "".join(
        "\t@echo '%s=$(%s)'\n" % (n, n) for n in names)
    p = subprocess.run(["make", "-s", "--no-print-directory", "-C", BUILD,
                        "-f", "Makefile", "-f", "-", "print-install-dirs"],
                       input=rule, capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 0, p.stderr
    out = {}
    for line in p.stdout.splitlines():
        k, _, v = line.partition("=")
        if k in names:
            out[k] = v.strip()
    assert set(out) == set(names), p.stdout
    return out


def setup_module():
    global tmp, dirs
    assert os.path.isfile(os.path.join(BUILD, "Makefile")), \
        "no configured build in %s (BRICKGATE_BUILD)" % BUILD
    tmp = harness.tmpdir("bg-install-")
    dirs = install_dirs()


def teardown_module():
    if tmp:
        shutil.rmtree(tmp)


def root(name):
    return os.path.join(tmp, name)


def under(destdir, path):
    return destdir + path


def files_in(destdir):
    found = set()
    for d, _, fs in os.walk(destdir):
        for f in fs:
            found.add(os.path.relpath(os.path.join(d, f), destdir))
    return found


def conf_path(destdir):
    return under(destdir, dirs["sysconfdir"] + "/brickgate/brickgate.conf")


def sandbox_built():
    return "brickgate-sandbox" in dirs["bin_PROGRAMS"].split()


def expected_files():
    """Relative to DESTDIR; the examples as they are now in the source."""
    want = {dirs["bindir"] + "/brickgate",
            dirs["mandir"] + "/man8/brickgate.8",
            dirs["mandir"] + "/man5/brickgate.conf.5",
            dirs["sysconfdir"] + "/brickgate/brickgate.conf"}
    if sandbox_built():
        want |= {dirs["bindir"] + "/brickgate-sandbox",
                 dirs["mandir"] + "/man1/brickgate-sandbox.1"}
    for d, _, fs in os.walk(EXAMPLES):
        for f in fs:
            if any(fnmatch.fnmatch(f, j) for j in JUNK):
                continue
            rel = os.path.relpath(os.path.join(d, f), EXAMPLES)
            want.add(dirs["docdir"] + "/examples/" + rel)
    return {w.lstrip("/") for w in want}


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("BRICKGATE_")}
    env.update(extra)
    return env


def test_install_puts_every_file_in_its_place():
    d = root("a")
    make("install", "DESTDIR=" + d)
    got, want = files_in(d), expected_files()
    assert got == want, "missing %s, unexpected %s" % (
        sorted(want - got), sorted(got - want))
    for prog in ("brickgate", "brickgate-sandbox"):
        p = under(d, dirs["bindir"] + "/" + prog)
        if os.path.exists(p):
            assert os.access(p, os.X_OK), p
    with open(conf_path(d)) as f:
        conf = f.read()
    with open(under(d, dirs["docdir"] + "/examples/brickgate.conf")) as f:
        assert f.read() == conf, "docdir's sample differs from the one " \
            "in sysconfdir"
    # The build's own paths, substituted.
    assert "@" not in re.sub(r"\S+@\S+\.\S+", "", conf), conf
    assert "#context_dir = %s/lib/brickgate/contexts\n" % \
        dirs["localstatedir"] in conf


def test_sample_config_is_valid_and_lists_every_key_with_its_default():
    d = root("a")
    brickgate = under(d, dirs["bindir"] + "/brickgate")
    ctx = os.path.join(tmp, "contexts")
    os.makedirs(ctx, exist_ok=True)
    p = subprocess.run([brickgate, "--check-config", "--config",
                        conf_path(d)], capture_output=True, text=True,
                       timeout=30, env=clean_env(
                           BRICKGATE_ACCESS_TOKEN="TEST-1",
                           BRICKGATE_CONTEXT_DIR=ctx))
    assert p.returncode == 0, p.stdout + p.stderr
    defaults = dict(re.findall(r"^(\w+) = (.*?)    \[default\]$", p.stdout,
                               re.M))
    assert len(defaults) >= 12, p.stdout
    with open(conf_path(d)) as f:
        conf = f.read()
    for k in harness.help_keys(brickgate):
        if k == "access_token":     # environment only: described, no line
            assert "BRICKGATE_ACCESS_TOKEN" in conf
            continue
        m = re.search(r"^#%s = (.*)$" % k, conf, re.M)
        assert m, "sample config lacks a commented-out %s line" % k
        if k in defaults:
            assert m.group(1) == defaults[k], (k, m.group(1), defaults[k])


def test_second_install_keeps_a_changed_config():
    d = root("a")
    with open(conf_path(d), "a") as f:
        f.write("site = MCO\n")
    with open(conf_path(d)) as f:
        changed = f.read()
    make("install", "DESTDIR=" + d)
    with open(conf_path(d)) as f:
        assert f.read() == changed, "make install overwrote the config"
    assert files_in(d) == expected_files()


def test_man_pages_render_without_warnings():
    if shutil.which("man") is None:
        raise unittest.SkipTest("man (man-db) is not installed")
    pages = [p for p in expected_files() if "/man/man" in "/" + p]
    assert len(pages) >= 2, pages
    for page in pages:
        p = subprocess.run(["man", "--warnings", "-E", "UTF-8", "-l",
                            os.path.join(root("a"), page)],
                           capture_output=True, timeout=60,
                           env=dict(os.environ, MANWIDTH="80",
                                    LANG="C.UTF-8"))
        assert p.returncode == 0 and p.stderr == b"", \
            "%s: %s" % (page, p.stderr.decode(errors="replace"))


def rendered(path):
    p = subprocess.run(["man", "-l", "-P", "cat", path], capture_output=True,
                       timeout=60, env=dict(os.environ, MANWIDTH="200",
                                            LANG="C"))
    assert p.returncode == 0, p.stderr
    return re.sub(r".\x08", "", p.stdout.decode())


def test_conf_page_documents_every_key_of_help_with_its_default():
    if shutil.which("man") is None:
        raise unittest.SkipTest("man (man-db) is not installed")
    d = root("a")
    brickgate = under(d, dirs["bindir"] + "/brickgate")
    text = rendered(under(d, dirs["mandir"] + "/man5/brickgate.conf.5"))
    keys = harness.help_keys(brickgate)
    # Each key is an item (its own tag) whose text starts with its default.
    for k in keys:
        m = re.search(r"^ {7}%s(?:\n {14}| +)Default: (.*)$" % k, text,
                      re.M)
        assert m, "brickgate.conf(5) has no item for %s" % k
    with open(os.path.join(SRCDIR, "examples", "brickgate.conf")) as f:
        sample = f.read()
    for k, v in re.findall(r"^#(\w+) = (.*)$", sample, re.M):
        comment = sample.split("#%s =" % k)[0].rsplit("\n\n", 1)[-1]
        if "@" in v or "(no default" in comment:
            continue
        m = re.search(r"^ {7}%s(?:\n {14}| +)Default: (.*)$" % k, text,
                      re.M)
        assert m and m.group(1).startswith(v), (k, v, m and m.group(1))


def test_uninstall_removes_everything_but_a_changed_config():
    d = root("a")
    make("uninstall", "DESTDIR=" + d)
    assert files_in(d) == {conf_path(d)[len(d):].lstrip("/")}, files_in(d)
    # Untouched, the sample goes too, and so do the folders of our own.
    d = root("b")
    make("install", "DESTDIR=" + d)
    assert files_in(d) == expected_files()
    make("uninstall", "DESTDIR=" + d)
    assert files_in(d) == set(), files_in(d)
    for own in (dirs["sysconfdir"] + "/brickgate",
                dirs["docdir"] + "/examples", dirs["docdir"]):
        assert not os.path.exists(under(d, own)), own
