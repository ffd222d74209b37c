"""The three Apache recipes in examples/, each run as shipped (only its
Debian paths replaced) by a private Apache on loopback in front of
brickgate, against brickgate-sandbox: an approved card, a tampered amount
refused before anything reaches Mercado Pago, /payment_status and a signed
webhook, through
  1. examples/apache-proxy-fcgi.conf: mod_proxy_fcgi, brickgate under
     spawn-fcgi;
  2. examples/apache-fcgid.conf: mod_fcgid, Apache starts brickgate;
  3. examples/htaccess: brickgate.cgi under mod_cgid, configured by SetEnv
     (examples/apache-cgi.conf is the host's side of it).
Each Apache is stopped with SIGTERM and must exit by itself, without any
process being forced out."""

from apache import ApacheSite, example, pay_through, timeout_seconds
from harness import expect_error

# brickgate's default request_deadline_ms, in seconds.
DEADLINE_S = 25


def test_examples_time_out_after_brickgate():
    # The web server's timeout must be longer than request_deadline_ms so
    # that brickgate always answers first.
    for name, directive in (("apache-proxy-fcgi.conf", "timeout="),
                            ("apache-fcgid.conf", "FcgidIOTimeout"),
                            ("apache-cgi.conf", "CGIDScriptTimeout")):
        assert timeout_seconds(example(name, {}), directive) > DEADLINE_S, \
            name


def test_proxy_fcgi():
    site = ApacheSite("proxy-fcgi")
    try:
        pay_through(site)
        # Outside the mounted prefix Apache answers itself.
        r = site.request("GET", "/healthz")
        assert r.status == 404 and "error" not in r.body, r
    finally:
        site.stop()


def test_fcgid():
    site = ApacheSite("fcgid")
    try:
        pay_through(site)
        # Apache started brickgate itself (and stops it in site.stop(),
        # which fails if mod_fcgid had to kill it).
        apache = site.stack.apache
        assert site.binary in [a for _, a in apache.programs()], \
            apache.programs()
    finally:
        site.stop()


def test_htaccess_cgi():
    site = ApacheSite("cgi")
    try:
        pay_through(site)
        # An answer given without reading the body (a CGI program under
        # mod_cgid reads it from a socket: what it leaves unread must not
        # reset the connection before Apache has the answer).
        r = site.stack.post_json("/process_payment?purchase_id=..",
                                 '{"token":"x"}')
        expect_error(r, 400, "invalid_purchase_id", "purchase_id")
        # The .htaccess holds the token: never served.
        r = site.request("GET", "/cgi-bin/.htaccess")
        assert r.status == 403, r
        # Routing is by PATH_INFO, whatever the query says.
        r = site.request("GET", "/cgi-bin/brickgate.cgi/healthz?x=/webhooks")
        assert r.status == 200 and \
            r.json() == {"status": "ok", "store": "ok"}, r
    finally:
        site.stop()
