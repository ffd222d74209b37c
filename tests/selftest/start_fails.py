"""brickgate exits at start-up (a configuration it refuses), once in
setup_module (after the sandbox has started) and once in a test: every
start() fails, and nothing it had started may stay running."""
from harness import Stack
import paytest

S = None


def setup_module():
    global S
    S = paytest.Site("MLB", {"site": "XXX"})


def test_never_runs():
    pass


def teardown_module():
    if S is not None:
        S.stop()
