"""Configuration (brickgate.conf(5)): precedence, every check, exit 78
with one line per problem, and the token never printed."""
import os
import re
import shutil
import subprocess

from harness import (BRICKGATE, SPAWN_FCGI, TOKEN, base_env, reachable,
                     run_brickgate, tmpdir, write_secret)

D = None


def setup_module():
    global D
    D = tmpdir("bg-config-")
    os.mkdir(os.path.join(D, "ctx"))
    write_secret(os.path.join(D, "token"), TOKEN)
    write_secret(os.path.join(D, "secret"), "s3cr3t-webhook")


def teardown_module():
    shutil.rmtree(D, ignore_errors=True)


def env(**kw):
    e = {"BRICKGATE_ACCESS_TOKEN_FILE": os.path.join(D, "token"),
         "BRICKGATE_CONTEXT_DIR": os.path.join(D, "ctx"),
         "BRICKGATE_CONFIG": os.path.join(D, "none.conf")}
    for k, v in kw.items():
        if v is None:
            e.pop("BRICKGATE_" + k.upper(), None)
        else:
            e["BRICKGATE_" + k.upper()] = v
    if e.get("BRICKGATE_CONFIG") == os.path.join(D, "none.conf"):
        del e["BRICKGATE_CONFIG"]
    return e


def conf(text):
    path = os.path.join(D, "brickgate.conf")
    with open(path, "w") as f:
        f.write(text)
    return path


def check(args=(), **kw):
    return run_brickgate(["--check-config"] + list(args), env(**kw))


def problems(err):
    lines = [l for l in err.splitlines() if l]
    assert all(l.startswith("brickgate: ") for l in lines), err
    return lines


def test_threads_default_and_what_they_allow():
    """256 threads by default: with each Mercado Pago call taking 300 ms,
    the pool allows 853 payments/s (doc/deploy.md, Threads); 64 with the
    PostgreSQL store, whose server takes 100 connections by default."""
    rc, out, err = check()
    assert rc == 0, err
    assert "capacity: 256 threads, at most 853 payments/s while a Mercado " \
        "Pago call takes 300 ms, 256/s at 1000 ms\n" in out, out
    rc, out, err = check(store="postgresql", context_dir=None,
                         database_url="host=127.0.0.1 dbname=shop")
    assert rc == 0, err
    assert "up to 64 connections, one per thread" in out, out
    assert "capacity: 64 threads, at most 213 payments/s" in out, out
    # Set, it is kept, whatever the store.
    rc, out, err = check(store="postgresql", context_dir=None, threads="90",
                         database_url="host=127.0.0.1 dbname=shop")
    assert rc == 0, err
    assert "capacity: 90 threads, at most 300 payments/s" in out, out


def test_good_config_exits_0_and_hides_the_token():
    rc, out, err = check()
    assert rc == 0, err
    assert "site: MLB (BRL, 2 decimals)" in out, out
    # The libcurl the program found at run time (a shared host's).
    assert re.search(r"(?m)^libraries: libcurl/\d+\.\d+", out), out
    assert TOKEN not in out + err
    rc, out, err = check(access_token_file=None, access_token=TOKEN)
    assert rc == 0, err
    assert TOKEN not in out + err
    assert "access_token = (set, %d characters, not shown)" % len(TOKEN) \
        in out, out


def test_precedence_default_file_env_flag():
    path = conf("# comment\n\nthreads = 4\nsite = MLA\n")
    rc, out, _ = check(config=path)
    assert rc == 0
    assert "threads = 4    [config file]" in out, out
    assert "site = MLA    [config file]" in out
    assert "max_attempts = 5    [default]" in out
    rc, out, _ = check(config=path, threads="5")
    assert "threads = 5    [environment]" in out, out
    rc, out, _ = check(["--threads=6"], config=path, threads="5")
    assert "threads = 6    [command line]" in out, out
    rc, out, _ = check(["--threads", "7", "--max-attempts=9"], config=path)
    assert "threads = 7    [command line]" in out, out
    assert "max_attempts = 9    [command line]" in out, out
    rc, out, _ = check(["--config", path])
    assert "config file: " + path in out and "site = MLA" in out, out


def expect_78(lines_wanted, args=(), **kw):
    rc, out, err = check(args, **kw)
    assert rc == 78, (rc, out, err)
    got = problems(err)
    for want in lines_wanted:
        assert any(want in l for l in got), (want, got)
    assert out == "", out
    assert TOKEN not in err
    return got


def test_no_token():
    expect_78(["no access token"], access_token_file=None)


def test_token_twice():
    expect_78(["access token given twice"], access_token=TOKEN)


def test_world_readable_token():
    path = os.path.join(D, "token-644")
    write_secret(path, TOKEN, 0o644)
    expect_78(["is world-readable"], access_token_file=path)


def test_missing_or_empty_token_file():
    expect_78(["cannot open"], access_token_file=os.path.join(D, "nope"))
    path = os.path.join(D, "token-empty")
    write_secret(path, "")
    expect_78(["is empty"], access_token_file=path)


def test_token_only_from_environment():
    path = conf("access_token = %s\n" % TOKEN)
    got = expect_78(["accepted from the environment only"], config=path)
    assert not any(TOKEN in l for l in got)
    expect_78(["not accepted on the command line"],
              ["--access-token=" + TOKEN])


def test_context_dir_problems():
    expect_78(["context_dir", "No such file"],
              context_dir=os.path.join(D, "missing"))
    f = os.path.join(D, "afile")
    open(f, "w").close()
    expect_78(["is not a directory"], context_dir=f)


def test_context_dir_not_writable():
    # As an unprivileged user (root writes everywhere).
    d = os.path.join(D, "ro")
    os.makedirs(d, exist_ok=True)
    os.chmod(d, 0o755)
    tok = os.path.join(D, "token-nobody")
    write_secret(tok, TOKEN, 0o640)
    os.chown(tok, 0, 65534)
    e = base_env()
    e.update(env(context_dir=d, access_token_file=tok))
    p = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534",
                        "--clear-groups", reachable(BRICKGATE),
                        "--check-config"],
                       env=e, capture_output=True, text=True)
    assert p.returncode == 78, (p.returncode, p.stdout, p.stderr)
    assert "is not writable" in p.stderr, p.stderr


def test_bad_urls():
    expect_78(["api_base: 'ftp://x' must start with https:// or http://"],
              api_base="ftp://x")
    expect_78(["api_base"], api_base="https://")
    expect_78(["api_base"], api_base="https://host:99999/")
    expect_78(["api_base"], api_base="https://ho st/")
    expect_78(["notification_url", "must use https"],
              notification_url="http://shop.example/webhooks")
    expect_78(["callback_url"], callback_url="shop.example/back")
    expect_78(["return_url"], return_url="https://user@host/")
    # brickgate adds its own parameters to these: they must stay bounded.
    expect_78(["callback_url: ", "is longer than 1500 characters"],
              callback_url="https://shop.example/" + "a" * 1500)
    for ok in ("http://127.0.0.1:8080/webhooks", "http://localhost/w",
               "https://shop.example/webhooks?x=1"):
        rc, _, err = check(notification_url=ok)
        assert rc == 0, (ok, err)


def test_bad_numbers():
    expect_78(["threads: 'abc' is not a whole number"], threads="abc")
    expect_78(["threads: 0 is outside 1..1024"], threads="0")
    expect_78(["pix_expires_minutes: 30 is outside 31..43140"],
              pix_expires_minutes="30")
    expect_78(["ticket_expires_days: 30 is outside 1..29"],
              ticket_expires_days="30")
    expect_78(["max_body_bytes"], max_body_bytes="1e6")
    expect_78(["api_retries"], api_retries="-1")
    expect_78(["request_deadline_ms"], request_deadline_ms="")
    expect_78(["api_timeout_ms"], api_timeout_ms="99999999999999999999")


def test_bad_enums():
    expect_78(["site: 'MLX' is not one of"], site="MLX")
    expect_78(["site"], site="mlb")
    expect_78(["three_d_secure_mode"], three_d_secure_mode="opcional")
    expect_78(["log_level"], log_level="verbose")


def test_unknown_keys():
    path = conf("threads = 4\nthreds = 5\nno equals sign\n")
    expect_78(["unknown key 'threds'", ":3: expected key = value"],
              config=path)
    expect_78(["unknown environment variable BRICKGATE_THREDS"],
              threds="5")
    expect_78(["unknown option --threds"], ["--threds=5"])


def test_named_config_file_must_exist():
    expect_78(["config file", "No such file"],
              config=os.path.join(D, "missing.conf"))


def test_every_problem_on_its_own_line():
    got = expect_78(["no access token", "threads", "site", "api_base"],
                    access_token_file=None, threads="x", site="XX",
                    api_base="nope")
    assert len(got) == 4, got


def test_secret_files_checked():
    expect_78(["webhook_secret_file"],
              webhook_secret_file=os.path.join(D, "nope"))
    rc, out, _ = check(webhook_secret_file=os.path.join(D, "secret"))
    assert rc == 0 and "s3cr3t-webhook" not in out
    assert "signature secret loaded" in out


def test_log_file_must_be_writable():
    expect_78(["log_file"], log_file=os.path.join(D, "no", "dir.log"))


def test_fastcgi_mode_refuses_to_start_with_a_bad_config():
    sock = os.path.join(D, "bad.sock")
    e = base_env()
    e.update(env(threads="0"))
    p = subprocess.run([SPAWN_FCGI, "-n", "-s", sock, "--", BRICKGATE],
                       env=e, capture_output=True, text=True, timeout=30)
    assert p.returncode == 78, (p.returncode, p.stderr)
    assert "threads: 0 is outside" in p.stderr


def test_listen_only_on_loopback_and_unix():
    for addr in ("0.0.0.0:9000", "192.0.2.1:9000", "example.com:9000"):
        rc, _, err = run_brickgate(["--listen", addr], env())
        assert rc == 78, (addr, rc, err)
        assert "loopback" in err, err


def test_no_socket_and_no_cgi_is_a_usage_error():
    rc, _, err = run_brickgate([], env())
    assert rc == 64, (rc, err)
    assert "no FastCGI socket" in err


def test_version_and_help():
    rc, out, _ = run_brickgate(["--version"])
    assert rc == 0 and out.startswith("brickgate "), out
    rc, out, _ = run_brickgate(["--help"])
    assert rc == 0 and "usage: brickgate" in out
    assert "access_token_file" in out
