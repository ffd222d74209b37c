"""Shared hosting (doc/deploy.md "Shared hosting", examples/shared-hosting/): the
--enable-static-deps build needs only libc, libcurl and libcrypto from the
host, and the glibc doc/deploy.md names; uploaded as brickgate.cgi with the
example's .htaccess and its brickgate.conf outside the web root, run by
Apache's mod_cgid as the hosting account's user, it pays a card, refuses a
tampered amount, answers /payment_status, records a signed webhook, pays
a purchase the PHP storefront wrote, and the example's cron line settles a
payment approved later.

tests/all.sh builds the static binary and names it in BRICKGATE_STATIC."""
import os
import re
import subprocess
import unittest

from apache import ApacheSite, pay_through
from harness import BRICKGATE, SRCDIR, as_user
import storefront

STATIC = os.environ.get("BRICKGATE_STATIC")


def static_binary():
    if not STATIC:
        raise unittest.SkipTest("BRICKGATE_STATIC is not set (tests/all.sh "
                                "builds brickgate with --enable-static-deps "
                                "and sets it)")
    assert os.access(STATIC, os.X_OK), STATIC
    return STATIC


def needed(binary):
    """The shared libraries the binary itself names (DT_NEEDED), what ldd
    lists first; the rest of ldd's list is those libraries' own."""
    out = subprocess.run(["readelf", "-d", binary], capture_output=True,
                         text=True, check=True).stdout
    return set(re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]", out))


def glibc_floor(binary):
    """The newest GLIBC_x.y symbol version the binary asks for: the
    oldest glibc it runs with."""
    out = subprocess.run(["objdump", "-T", binary], capture_output=True,
                         text=True, check=True).stdout
    vers = {tuple(map(int, v.split(".")))
            for v in re.findall(r"\bGLIBC_(\d+\.\d+(?:\.\d+)?)\b", out)}
    return max(vers)


def deploy_doc():
    """doc/deploy.md, where the shared-hosting recipe is written."""
    with open(os.path.join(SRCDIR, "doc", "deploy.md")) as f:
        return f.read()


def test_static_build_needs_only_libc_libcurl_libcrypto():
    loader = {"ld-linux-x86-64.so.2"}     # every dynamic program has it
    assert needed(static_binary()) - loader == {
        "libcurl.so.4", "libcrypto.so.3", "libc.so.6"}
    # The ordinary build also needs libfcgi, json-c and libseccomp on the
    # host (the sanitizer build, its runtimes too).
    runtimes = {n for n in needed(BRICKGATE) if re.match(r"lib\w*san\.", n)}
    assert needed(BRICKGATE) - loader - runtimes == {
        "libfcgi.so.0", "libjson-c.so.5", "libseccomp.so.2", "libcurl.so.4",
        "libcrypto.so.3", "libc.so.6"}
    # What doc/deploy.md says ldd lists, for both builds.
    text = deploy_doc()
    for lib in ("libcurl.so.4", "libcrypto.so.3", "libc.so.6",
                "libfcgi.so.0", "libjson-c.so.5", "libseccomp.so.2"):
        assert re.search(r"(?m)^\s+%s => " % re.escape(lib), text), lib


def test_deploy_doc_names_the_glibc_the_build_needs():
    floor = glibc_floor(static_binary())
    m = re.search(r"glibc (\d+)\.(\d+) or later", deploy_doc())
    assert m, "doc/deploy.md: no 'glibc X.Y or later'"
    assert (int(m.group(1)), int(m.group(2))) == floor[:2], (m.group(0),
                                                             floor)


def test_shared_hosting_recipe():
    site = ApacheSite("shared-hosting", binary=static_binary())
    try:
        pay_through(site)

        # A purchase written by the PHP storefront, as the account's
        # user (who owns the context dir, as the CGI program does).
        pid, _ = storefront.render("php", site.ctx_dir, user=site.user)
        r = site.pay(pid, storefront.card_form(site, "134.8"))
        assert r.status == 201 and r.json()["status"] == "approved", r

        # A payment left in process, approved later: the cron line, run
        # as the account's user, records it (with --older-than 0 added,
        # after the redirection, where sh still takes it as an argument:
        # the line's default leaves purchases younger than two minutes).
        pending = site.context()
        r = site.pay(pending, site.card_form("CONT"))
        assert r.status == 201 and r.json()["status"] == "in_process", r
        site.set_status(r.json()["id"], "approved", "accredited")
        cron = cron_command(site)
        p = subprocess.run(["/bin/sh", "-c", cron + " --older-than 0"],
                           capture_output=True, text=True, timeout=60,
                           # The sandbox, as Apache's SetEnv gives it to
                           # brickgate.cgi: the real line reaches the API.
                           env={"PATH": "/usr/bin:/bin",
                                "BRICKGATE_API_BASE": site.config()[
                                    "api_base"]},
                           **as_user(site.user))
        assert p.returncode == 0, (p.returncode, p.stdout, p.stderr)
        assert site.read(pending)["payment"]["status"] == "approved"
        with open(site.home_paths["/home/shop/brickgate/reconcile.log"]) as f:
            log = f.read()
        assert re.search(r"%s \S+ approved" % pending, log), log
        assert re.search(r"\b\d+ purchases, \d+ settled", log), log
    finally:
        site.stop()


def cron_command(site):
    """The example crontab's command, its paths the test's."""
    lines = [l for l in site.home_text("shared-hosting/crontab").splitlines()
             if l.strip() and not l.startswith("#")]
    assert len(lines) == 1, lines
    fields = lines[0].split(None, 5)
    assert fields[:5] == ["*/5", "*", "*", "*", "*"], fields
    return fields[5]
