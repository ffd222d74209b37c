"""Starts processes and never stops them: the runner must name both,
stop them, and count one failed test for the module."""
import os
import subprocess
import time


def running(argv):
    """True once a process runs exactly argv."""
    want = ("\0".join(argv) + "\0").encode()
    for d in os.listdir("/proc"):
        try:
            with open("/proc/%s/cmdline" % d, "rb") as f:
                if f.read() == want:
                    return True
        except OSError:
            pass
    return False


def test_leaves_a_child():
    subprocess.Popen(["sleep", "611"])


def test_leaves_an_orphan():
    # The shell exits at once; its sleep is re-parented to the runner.
    subprocess.run(["sh", "-c", "sleep 612 & exit 0"], check=True)
    # The shell's child may not have become sleep yet: wait until it has,
    # so that the runner's report names it as such.
    deadline = time.monotonic() + 20
    while not running(["sleep", "612"]):
        assert time.monotonic() < deadline, "sleep 612 never started"
        time.sleep(0.01)
