"""Starts processes and never stops them: the runner must name both,
stop them, and count one failed test for the module."""
import subprocess


def test_leaves_a_child():
    subprocess.Popen(["sleep", "611"])


def test_leaves_an_orphan():
    # The shell exits at once; its sleep is re-parented to the runner.
    subprocess.run(["sh", "-c", "sleep 612 & exit 0"], check=True)
