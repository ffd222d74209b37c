"""brickgate as a plain CGI program (shared hosting): the same request
code, one request per process, routing through PATH_INFO."""
import os
import shutil

from harness import TOKEN, expect_error, run_cgi, tmpdir, write_secret

D = None
CFG = None


def setup_module():
    global D, CFG
    D = tmpdir("bg-cgi-")
    os.mkdir(os.path.join(D, "ctx"))
    write_secret(os.path.join(D, "token"), TOKEN)
    CFG = {"access_token_file": os.path.join(D, "token"),
           "context_dir": os.path.join(D, "ctx")}


def teardown_module():
    shutil.rmtree(D, ignore_errors=True)


def test_healthz():
    r = run_cgi("GET", "/cgi-bin/brickgate.cgi/healthz", config=CFG,
                path_info="/healthz", content_type=None)
    assert r.rc == 0, r.stderr
    assert r.status == 200 and r.body == '{"status":"ok","store":"ok"}', \
        r.body
    assert r.header("Content-Type") == "application/json; charset=utf-8"
    assert r.header("Content-Length") == str(len(r.body))
    assert "route=/healthz http=200" in r.stderr, r.stderr


def test_path_info_decides_the_route():
    r = run_cgi("POST", "/cgi-bin/brickgate.cgi/process_payment?purchase_id=o-1",
                '{"a":1}', config=CFG, path_info="/process_payment")
    assert r.rc == 0, r.stderr
    assert r.status == 404 and "unknown_purchase" in r.body, r.body
    # PATH_INFO wins over REQUEST_URI.
    r = run_cgi("POST", "/shop/healthz?purchase_id=o-1", '{"a":1}',
                config=CFG, path_info="/process_payment")
    assert r.status == 404, r.body
    # Empty PATH_INFO: REQUEST_URI's last segment.
    r = run_cgi("GET", "/shop/api/healthz", config=CFG, path_info="",
                content_type=None)
    assert r.status == 200, r.body


def test_refusals_in_cgi():
    uri = "/cgi-bin/brickgate.cgi/process_payment"
    r = run_cgi("POST", uri, '{"a":1}', config=CFG, path_info="/process_payment")
    expect_error(r, 400, "missing_purchase_id", "purchase_id")
    r = run_cgi("POST", uri + "?purchase_id=..", '{}', config=CFG,
                path_info="/process_payment")
    expect_error(r, 400, "invalid_purchase_id", "purchase_id")
    r = run_cgi("POST", uri + "?purchase_id=o-1", '{"a":1}', config=CFG,
                path_info="/process_payment", content_type="text/plain")
    expect_error(r, 415, "unsupported_media_type")
    r = run_cgi("POST", uri + "?purchase_id=o-1", '{"a":', config=CFG,
                path_info="/process_payment")
    expect_error(r, 400, "invalid_json")
    r = run_cgi("GET", uri, config=CFG, path_info="/process_payment")
    expect_error(r, 405, "method_not_allowed")
    assert r.header("Allow") == "POST"
    assert os.listdir(os.path.join(D, "ctx")) == []


def test_body_shorter_than_content_length():
    # The web server need not close stdin: brickgate reads exactly
    # CONTENT_LENGTH bytes and refuses a body that ends early.
    r = run_cgi("POST", "/process_payment?purchase_id=o-1", '{"a":1}',
                config=CFG, content_length=50)
    expect_error(r, 400, "invalid_json")


def test_bad_content_length():
    r = run_cgi("POST", "/process_payment?purchase_id=o-1", '{"a":1}',
                config=CFG, content_length="12abc")
    expect_error(r, 400, "invalid_json")


def test_413_without_reading_the_body():
    big = b'{"a":"' + b"x" * 200000 + b'"}'
    r = run_cgi("POST", "/process_payment?purchase_id=o-1", big,
                config=dict(CFG, max_body_bytes=65536))
    expect_error(r, 413, "body_too_large")


def test_misconfigured_cgi_answers_500():
    cfg = dict(CFG)
    del cfg["access_token_file"]
    r = run_cgi("POST", "/process_payment?purchase_id=o-1", '{"a":1}',
                config=cfg)
    assert r.rc == 0
    expect_error(r, 500, "misconfigured")
    assert "no access token" in r.stderr, r.stderr
    assert "no access token" not in r.body
    r = run_cgi("GET", "/healthz", config=dict(cfg, threads="zero"),
                content_type=None)
    expect_error(r, 500, "misconfigured")
    assert "threads" in r.stderr and "no access token" in r.stderr


def test_token_from_environment_for_cgi_hosting():
    cfg = dict(CFG)
    del cfg["access_token_file"]
    cfg["access_token"] = TOKEN
    r = run_cgi("GET", "/healthz", config=cfg, content_type=None)
    assert r.status == 200, (r.body, r.stderr)
    assert TOKEN not in r.stderr and TOKEN not in r.body
