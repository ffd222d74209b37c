"""GET /metrics (issue 21, brickgate(8) ENDPOINTS): Prometheus's text
format, checked by promtool (Debian's prometheus package), counters that
move with a payment and a refusal, nothing personal in it, 404 not_found
for a peer that is not loopback, and an answer in CGI mode too."""
import os
import re
import shutil
import subprocess

from fcgi_client import Client
from harness import TOKEN, expect_error, run_cgi, tmpdir, write_secret
from paytest import EMAIL, Site, refused

S = None
PROMTOOL = shutil.which("promtool") or "/usr/bin/promtool"
SAMPLE = re.compile(r'^([a-z_]+)(\{[^}]*\})? ([0-9]+(?:\.[0-9]+)?)$')


def setup_module():
    global S
    S = Site("MLB")


def teardown_module():
    S.stop()


def promtool(text):
    p = subprocess.run([PROMTOOL, "check", "metrics"], input=text.encode(),
                       capture_output=True, timeout=60)
    assert p.returncode == 0, (p.stdout, p.stderr, text)


def samples(text):
    """{(name, labels text): value}; every line a comment or a sample."""
    out = {}
    for line in text.splitlines():
        if line.startswith("# HELP ") or line.startswith("# TYPE "):
            continue
        m = SAMPLE.match(line)
        assert m, "not a sample: %r" % line
        out[(m.group(1), m.group(2) or "")] = float(m.group(3))
    return out


def scrape():
    r = S.stack.request("GET", "/metrics")
    assert r.status == 200, r
    assert r.header("Content-Type") == \
        "text/plain; version=0.0.4; charset=utf-8"
    promtool(r.body)
    return r.body, samples(r.body)


def get(s, name, labels=""):
    return s.get((name, labels), 0)


def test_the_exposition_is_valid_and_every_family_is_there():
    text, _ = scrape()
    for fam, typ in (("brickgate_requests_total", "counter"),
                     ("brickgate_payments_total", "counter"),
                     ("brickgate_refusals_total", "counter"),
                     ("brickgate_mp_calls_total", "counter"),
                     ("brickgate_mp_call_duration_seconds", "histogram"),
                     ("brickgate_lock_waits_total", "counter"),
                     ("brickgate_lock_busy_total", "counter"),
                     ("brickgate_store_errors_total", "counter")):
        assert "# TYPE %s %s\n" % (fam, typ) in text, fam


def test_an_approved_card_payment_moves_its_counters():
    pid = S.context(amount="150.00")
    form = S.card_form()
    _, before = scrape()
    calls = len(S.api_requests())
    r = S.pay(pid, form)
    assert r.status == 201 and r.json()["status"] == "approved", r
    made = len(S.api_requests()) - calls
    text, after = scrape()

    def moved(name, labels=""):
        return get(after, name, labels) - get(before, name, labels)

    assert moved("brickgate_requests_total",
                 '{route="/process_payment",status="201"}') == 1
    assert moved("brickgate_payments_total",
                 '{family="card",status="approved"}') == 1
    assert made == 1
    assert moved("brickgate_mp_calls_total", '{outcome="2xx"}') == 1
    assert moved("brickgate_mp_call_duration_seconds_count") == 1
    assert moved("brickgate_mp_call_duration_seconds_bucket",
                 '{le="+Inf"}') == 1
    # The scrape before this one counts too, once it has ended.
    assert moved("brickgate_requests_total",
                 '{route="/metrics",status="200"}') == 1
    # Nothing of the purchase, the payer or the card.
    payment_id = str(r.json()["id"])
    for secret in (pid, EMAIL, form["token"], TOKEN, "150.00", "150",
                   payment_id):
        assert secret not in text, secret


def test_a_refusal_moves_its_code():
    pid = S.context(amount="150.00")
    _, before = scrape()
    refused(S, pid, S.card_form(amount="149.99"), 400, "amount_mismatch",
            "transaction_amount")
    _, after = scrape()
    for name, labels in (("brickgate_refusals_total",
                          '{code="amount_mismatch"}'),
                         ("brickgate_requests_total",
                          '{route="/process_payment",status="400"}')):
        assert get(after, name, labels) - get(before, name, labels) == 1
    assert get(after, "brickgate_payments_total",
               '{family="card",status="approved"}') == \
        get(before, "brickgate_payments_total",
            '{family="card",status="approved"}')


def test_an_unknown_route_is_counted_without_its_name():
    r = S.stack.request("GET", "/no-such-route-x1")
    expect_error(r, 404, "not_found")
    text, s = scrape()
    assert "no-such-route-x1" not in text
    assert get(s, "brickgate_requests_total",
               '{route="unknown",status="404"}') >= 1


def fcgi_get(path, remote_addr, method="GET"):
    c = Client(S.stack.sock)
    c.begin({"REQUEST_METHOD": method, "REQUEST_URI": path,
             "QUERY_STRING": "", "REMOTE_ADDR": remote_addr,
             "CONTENT_LENGTH": "0"})
    c.send_stdin(b"", end=True)
    out = c.response()
    c.close()
    return out


def body_of(out):
    return out.partition(b"\r\n\r\n")[2]


def test_only_loopback_peers_get_it():
    unknown = fcgi_get("/no-such-route", "203.0.113.7")
    for addr in ("203.0.113.7", "10.0.0.1", "::2", "2001:db8::1",
                 "128.0.0.1", "", "localhost"):
        for method in ("GET", "POST"):
            out = fcgi_get("/metrics", addr, method)
            assert out.startswith(b"Status: 404 Not Found\r\n"), (addr, out)
            # Exactly what a route that does not exist answers.
            assert body_of(out) == body_of(unknown) == \
                b'{"error":{"code":"not_found","message":' \
                b'"no such endpoint"}}', out
    for addr in ("127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"):
        out = fcgi_get("/metrics", addr)
        assert out.startswith(b"Status: 200 OK\r\n"), (addr, out)
        promtool(body_of(out).decode())


def test_cgi_answers_with_its_own_counters():
    d = tmpdir("bg-metrics-cgi-")
    try:
        os.mkdir(os.path.join(d, "ctx"))
        write_secret(os.path.join(d, "token"), TOKEN)
        cfg = {"access_token_file": os.path.join(d, "token"),
               "context_dir": os.path.join(d, "ctx")}
        r = run_cgi("GET", "/cgi-bin/brickgate.cgi/metrics", config=cfg,
                    path_info="/metrics", content_type=None)
        assert r.rc == 0, r.stderr
        assert r.status == 200, r.body
        assert r.header("Content-Type") == \
            "text/plain; version=0.0.4; charset=utf-8"
        promtool(r.body)
        s = samples(r.body)
        # One process, one request, not yet ended when it is rendered.
        assert not any(k[0] == "brickgate_requests_total" for k in s)
        assert get(s, "brickgate_mp_call_duration_seconds_count") == 0
        r = run_cgi("GET", "/cgi-bin/brickgate.cgi/metrics", config=cfg,
                    path_info="/metrics", content_type=None,
                    env={"REMOTE_ADDR": "203.0.113.7"})
        expect_error(r, 404, "not_found")
    finally:
        shutil.rmtree(d, ignore_errors=True)
