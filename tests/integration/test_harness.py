"""The runner and the harness stop every process a test starts, also when
the test fails, a stack cannot start, or the run is interrupted.

Each case runs a module of tests/selftest/ under a real tests/run.py,
checks the runner's exact report, and then that no process is left: this
process is a subreaper (tests/lib/reaper.py), so whatever the inner run
left behind would be re-parented here and seen."""
import os
import re
import signal
import subprocess
import sys
import time

import reaper
from harness import SRCDIR, tmpdir

RUN = [sys.executable, os.path.join(SRCDIR, "tests", "run.py")]
SELFTEST = os.path.join(SRCDIR, "tests", "selftest")


def setup_module():
    assert reaper.become_subreaper(), "prctl(PR_SET_CHILD_SUBREAPER)"
    assert reaper.leftovers() == [], [reaper.describe(p) for p in
                                      reaper.leftovers()]


def run(module, env=None):
    p = subprocess.run(RUN + [os.path.join(SELFTEST, module)],
                       capture_output=True, text=True, timeout=300,
                       env=dict(os.environ, **(env or {})),
                       stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout


def nothing_left(out):
    left = reaper.leftovers()
    names = [reaper.describe(p) for p in left]
    reaper.stop(left)
    assert not left, "left running after the inner run:\n%s\n%s" % (
        "\n".join(names), out)


def test_a_leak_is_named_stopped_and_one_failure():
    rc, out = run("leaky.py")
    nothing_left(out)
    assert rc == 1, (rc, out)
    lines = out.splitlines()
    assert "ok 1 - leaky::test_leaves_a_child" in lines, out
    assert "ok 2 - leaky::test_leaves_an_orphan" in lines, out
    assert "not ok 3 - leaky::processes left running" in lines, out
    assert re.search(r"^#   \d+: sleep 611$", out, re.M), out
    assert re.search(r"^#   \d+: sleep 612$", out, re.M), out
    assert lines[-1] == "2 passed, 1 failed", out


def test_setup_that_cannot_start_brickgate_leaves_nothing():
    rc, out = run("start_fails.py")
    nothing_left(out)
    assert rc == 1, (rc, out)
    lines = out.splitlines()
    assert "not ok 1 - start_fails::test_never_runs" in lines, out
    assert "brickgate exited with 78" in out, out
    assert "processes left running" not in out, out
    assert lines[-1] == "0 passed, 1 failed", out


def test_a_stack_that_cannot_start_in_a_test_leaves_nothing():
    rc, out = run("start_fails_in_test.py")
    nothing_left(out)
    assert rc == 1, (rc, out)
    lines = out.splitlines()
    assert "not ok 1 - start_fails_in_test::" \
        "test_stack_that_exits_at_start_up" in lines, out
    assert "brickgate exited with 78" in out, out
    assert "processes left running" not in out, out
    assert lines[-1] == "0 passed, 1 failed", out


def test_sigint_runs_the_teardown_and_stops_the_rest():
    ready = os.path.join(tmpdir("bg-selftest-"), "ready")
    p = subprocess.Popen(RUN + [os.path.join(SELFTEST, "interrupted.py")],
                         stdout=subprocess.PIPE, text=True,
                         stdin=subprocess.DEVNULL,
                         env=dict(os.environ, BG_SELFTEST_READY=ready))
    try:
        deadline = time.monotonic() + 120
        while not os.path.exists(ready):
            assert p.poll() is None, p.stdout.read()
            assert time.monotonic() < deadline, "the module never got ready"
            time.sleep(0.05)
        p.send_signal(signal.SIGINT)
        out, _ = p.communicate(timeout=120)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    nothing_left(out)
    assert p.returncode == 130, (p.returncode, out)
    lines = out.splitlines()
    assert "not ok 1 - interrupted::test_waits" in lines, out
    # The teardown ran (and stopped the sandbox and stack it owns).
    assert "ok 2 - interrupted::teardown" in lines, out
    # The stack nothing stopped: its nginx and brickgate, named.
    assert "not ok 3 - interrupted::processes left running" in lines, out
    assert re.search(r"^#   \d+: nginx: master process", out, re.M), out
    # (Under BG_VALGRIND, brickgate is valgrind's process.)
    assert re.search(r"^#   \d+: (\S+/brickgate|\S+/valgrind\S* .*)$", out,
                     re.M), out
    assert "not ok 4 - runner" in lines, out
    assert lines[-1] == "1 passed, 3 failed", out
