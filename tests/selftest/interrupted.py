"""Waits to be interrupted, holding a stack from setup_module (which its
teardown stops) and one of its own that nothing stops: the runner must
run the teardown, stop the other, and still print its summary."""
import os
import time

from harness import Stack
import paytest

S = None


def setup_module():
    global S
    S = paytest.Site("MLB")


def test_waits():
    Stack(name="forgotten").start()
    with open(os.environ["BG_SELFTEST_READY"], "w") as f:
        f.write("ready\n")
    time.sleep(600)


def teardown_module():
    if S is not None:
        S.stop()
