"""A test whose Stack never starts (brickgate exits at once), written as
the integration modules write theirs: start() first, try/finally after."""
from harness import Stack


def test_stack_that_exits_at_start_up():
    s = Stack({"site": "XXX"}, name="exits").start()
    try:
        raise AssertionError("start() returned: %r" % s)
    finally:
        s.stop()
