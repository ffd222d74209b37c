"""The sandbox's man page renders, and documents every control endpoint
and fault mode the README lists."""
import os
import re
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PAGE = os.path.join(ROOT, "man", "brickgate-sandbox.1")


def rendered():
    p = subprocess.run(["man", "-l", "-P", "cat", PAGE], capture_output=True,
                       env=dict(os.environ, MANWIDTH="200", LANG="C"))
    assert p.returncode == 0, p.stderr
    return re.sub(r".\x08", "", p.stdout.decode())


def test_man_page_lists_the_control_endpoints():
    text = rendered()
    with open(os.path.join(ROOT, "README.md")) as f:
        readme = f.read()
    routes = set(re.findall(r"/__sandbox/[a-z{}/]+", readme))
    assert routes, "no control routes in the README"
    for r in routes:
        assert r.rstrip("/") in text, r
    for mode in ("latency", "status", "drop", "create_then_delay"):
        assert mode in text, mode
