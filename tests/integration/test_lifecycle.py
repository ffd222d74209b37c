"""Process life: SIGTERM lets a request in flight finish and exits 0;
SIGHUP reopens log_file; --listen on a unix socket and on loopback TCP."""
import http.client
import os
import shutil
import signal
import time

from fcgi_client import Client
from harness import (BRICKGATE, NGINX, NGINX_CONF, Proc, Stack, TOKEN,
                     base_env, free_port, tmpdir, write_secret)


def params(method, uri, length):
    return {"REQUEST_METHOD": method, "REQUEST_URI": uri,
            "QUERY_STRING": uri.partition("?")[2],
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(length)}


def test_sigterm_lets_the_request_in_flight_finish():
    s = Stack({"log_level": "debug"}, name="term").start()
    try:
        before = s.log_text().count(" begin ")
        c = Client(s.sock)
        body = b'{"payment_method_id":"pix"}'
        c.begin(params("POST", "/process_payment?purchase_id=o-9",
                       len(body)))
        c.send_stdin(body[:10])
        # The worker is now inside the request, waiting for its body.
        for _ in range(500):
            if s.log_text().count(" begin ") > before:
                break
            time.sleep(0.01)
        assert s.log_text().count(" begin ") > before, s.log_text()
        s.nginx.stop(signal.SIGQUIT)
        s.bg.send(signal.SIGTERM)
        c.send_stdin(body[10:], end=True)
        out = c.response()
        c.close()
        assert b"Status: 404" in out and b"unknown_purchase" in out, out
        rc = s.bg.stop()
        assert rc == 0, (rc, s.log_text())
        log = s.log_text()
        assert "no new requests" in log and "stopped" in log, log
    finally:
        s.stop()
        s.cleanup()


def test_sigterm_with_idle_workers_exits_at_once():
    s = Stack({"threads": "16"}, name="idle").start()
    try:
        s.nginx.stop(signal.SIGQUIT)
        rc = s.bg.stop(signal.SIGTERM, timeout=10)
        assert rc == 0, (rc, s.log_text())
    finally:
        s.stop_quietly()
        s.cleanup()


def test_sighup_reopens_the_log_file():
    d = tmpdir("bg-hup-")
    log = os.path.join(d, "brickgate.log")
    s = Stack({"log_file": log}, name="hup").start()
    try:
        s.request("GET", "/healthz")
        os.rename(log, log + ".1")
        s.bg.send(signal.SIGHUP)
        # The new file exists a moment before its first line is written.
        for _ in range(500):
            if os.path.exists(log):
                with open(log) as f:
                    if "SIGHUP" in f.read():
                        break
            time.sleep(0.02)
        s.request("GET", "/healthz?after=rotation")
        assert s.bg.alive()
        with open(log) as f:
            new = f.read()
        with open(log + ".1") as f:
            old = f.read()
        assert "route=/healthz http=200" in old, old
        assert "SIGHUP" in new and "route=/healthz http=200" in new, new
        assert TOKEN not in old + new
    finally:
        assert s.stop() == 0
        s.cleanup()
        shutil.rmtree(d, ignore_errors=True)


def start_listening(addr_of):
    """brickgate binding its own socket (--listen), behind nginx."""
    root = tmpdir("bg-listen-")
    os.mkdir(os.path.join(root, "ctx"))
    os.mkdir(os.path.join(root, "tmp"))
    write_secret(os.path.join(root, "token"), TOKEN)
    env = base_env()
    env.update({"BRICKGATE_ACCESS_TOKEN_FILE": os.path.join(root, "token"),
                "BRICKGATE_CONTEXT_DIR": os.path.join(root, "ctx"),
                "BRICKGATE_THREADS": "2"})
    addr = addr_of(root)
    bg = Proc([BRICKGATE, "--listen", addr], env=env,
              log=os.path.join(root, "bg.log"))
    return root, bg


def stop_listening(root, bg):
    rc = bg.stop()
    shutil.rmtree(root, ignore_errors=True)
    assert rc == 0, rc


def healthz_over_fcgi(path):
    for _ in range(200):
        if os.path.exists(path):
            break
        time.sleep(0.02)
    c = Client(path)
    c.begin({"REQUEST_METHOD": "GET", "REQUEST_URI": "/healthz"})
    c.send_stdin(b"", end=True)
    out = c.response()
    c.close()
    return out


def test_listen_unix_socket():
    root, bg = start_listening(lambda r: "unix:" + os.path.join(r, "l.sock"))
    try:
        path = os.path.join(root, "l.sock")
        out = healthz_over_fcgi(path)
        assert b"Status: 200" in out and b'{"status":"ok","store":"ok"}' in out, out
        # Reachable by the web server's group only.
        assert oct(os.stat(path).st_mode & 0o777) == "0o660"
    finally:
        stop_listening(root, bg)


def test_listen_loopback_tcp_behind_nginx():
    port = free_port()
    root, bg = start_listening(lambda r: "127.0.0.1:%d" % port)
    web = free_port()
    conf = os.path.join(root, "nginx.conf")
    with open(conf, "w") as f:
        f.write(NGINX_CONF.format(root=root, sock="X", port=web)
                .replace("unix:X", "127.0.0.1:%d" % port))
    ng = Proc([NGINX, "-p", root, "-c", conf, "-e",
               os.path.join(root, "nginx-error.log")])
    try:
        status = None
        for _ in range(200):
            try:
                c = http.client.HTTPConnection("127.0.0.1", web, timeout=10)
                c.request("GET", "/healthz")
                r = c.getresponse()
                status = r.status
                r.read()
                c.close()
                if status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.05)
        assert status == 200, status
    finally:
        ng.stop(signal.SIGQUIT)
        stop_listening(root, bg)
