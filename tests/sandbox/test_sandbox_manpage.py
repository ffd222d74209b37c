"""The sandbox's man page renders, and documents every control endpoint
and fault mode the sandbox has (src/sandbox/control.c: the routes its
header lists, the modes of its fault_modes table)."""
import os
import re
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PAGE = os.path.join(ROOT, "man", "brickgate-sandbox.1")
CONTROL = os.path.join(ROOT, "src", "sandbox", "control.c")


def rendered():
    p = subprocess.run(["man", "-l", "-P", "cat", PAGE], capture_output=True,
                       env=dict(os.environ, MANWIDTH="200", LANG="C"))
    assert p.returncode == 0, p.stderr
    return re.sub(r".\x08", "", p.stdout.decode())


def control_source():
    with open(CONTROL) as f:
        return f.read()


def test_man_page_lists_the_control_endpoints():
    text = rendered()
    src = control_source()
    routes = set(re.findall(r"/__sandbox/[a-z{}/]+", src))
    assert len(routes) >= 6, routes
    for r in routes:
        assert r.rstrip("/") in text, r
    modes = re.findall(r'\{ "([a-z_]+)", FAULT_', src)
    assert set(modes) >= {"latency", "status", "drop", "create_then_delay"}, \
        modes
    for mode in modes:
        assert re.search(r"(?m)^ +%s\b" % mode, text), mode
