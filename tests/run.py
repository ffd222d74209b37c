#!/usr/bin/env python3
"""Runs unit-test binaries (TAP) and Python test modules, and prints
"N passed, N failed" alone on its last line (followed by ", N skipped" when
a test raised unittest.SkipTest: a flow the build does not offer yet).

Every process a test starts is this runner's descendant (it is their
subreaper: see tests/lib/reaper.py).  After each program or module, any
of them still running is named, stopped by its PID and counted as one
failed test ("MODULE::processes left running"); so is a SIGINT or SIGTERM
to the runner, which first lets the module's teardown run.

usage: run.py [--counts FILE] [--label TEXT] ITEM...
ITEM is a unit-test program, a test_*.py module, or a directory of them.
"""
import importlib.util
import os
import signal
import subprocess
import sys
import traceback
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "lib"))
import reaper  # noqa: E402


class Interrupted(BaseException):
    """SIGINT or SIGTERM to the runner: not a test's failure, so no test
    catches it, but teardowns and the sweep still run."""


def on_signal(sig, frame):
    raise Interrupted("signal %d" % sig)


class Tally:
    def __init__(self, label):
        self.passed = self.failed = self.skipped = 0
        self.label = label
        self.failures = []

    def count(self):
        return self.passed + self.failed + self.skipped

    def ok(self, name):
        self.passed += 1
        print("ok %d - %s%s" % (self.count(), self.label, name), flush=True)

    def skip(self, name, why):
        self.skipped += 1
        print("ok %d - %s%s # SKIP %s" % (self.count(), self.label, name,
                                           why), flush=True)

    def fail(self, name, why):
        self.failed += 1
        self.failures.append(name)
        print("not ok %d - %s%s" % (self.count(), self.label, name),
              flush=True)
        for line in why.rstrip().splitlines():
            print("#   " + line)
        sys.stdout.flush()


def run_tap(path, tally):
    name = os.path.basename(path)
    try:
        p = subprocess.run([path], capture_output=True, text=True,
                           timeout=300)
    except Exception as e:  # noqa: BLE001 - a crash is a failure to report
        tally.fail(name, "could not run: %s" % e)
        return
    seen = 0
    lines = p.stdout.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("ok "):
            seen += 1
            tally.ok("%s: %s" % (name, line.split(" - ", 1)[-1]))
        elif line.startswith("not ok "):
            seen += 1
            detail = []
            for more in lines[i + 1:]:
                if not more.startswith("#"):
                    break
                detail.append(more)
            tally.fail("%s: %s" % (name, line.split(" - ", 1)[-1]),
                       "\n".join(detail) + "\n" + p.stderr)
    if p.returncode != 0 and seen == 0 or p.returncode < 0:
        tally.fail(name, "exit status %d\n%s%s" % (p.returncode, p.stdout,
                                                  p.stderr))


def load_module(path):
    name = "bgtest_" + os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def run_module(path, tally):
    base = os.path.splitext(os.path.basename(path))[0]
    try:
        mod = load_module(path)
    except Exception:  # noqa: BLE001
        tally.fail(base, traceback.format_exc())
        return
    tests = [(n, getattr(mod, n)) for n in sorted(vars(mod))
             if n.startswith("test_") and callable(getattr(mod, n))]
    # Keep the order in which tests are written.
    tests.sort(key=lambda t: t[1].__code__.co_firstlineno)
    setup = getattr(mod, "setup_module", None)
    teardown = getattr(mod, "teardown_module", None)
    if setup:
        try:
            setup()
        except (Exception, Interrupted) as e:  # noqa: BLE001
            why = traceback.format_exc()
            for n, _ in tests:
                tally.fail("%s::%s" % (base, n), "setup_module failed:\n"
                           + why)
            if teardown:
                try:
                    teardown()
                except Exception:  # noqa: BLE001
                    pass
            if isinstance(e, Interrupted):
                raise
            return
    try:
        for n, fn in tests:
            try:
                fn()
                tally.ok("%s::%s" % (base, n))
            except unittest.SkipTest as e:
                tally.skip("%s::%s" % (base, n), str(e))
            except Exception:  # noqa: BLE001
                tally.fail("%s::%s" % (base, n), traceback.format_exc())
            except Interrupted as e:
                tally.fail("%s::%s" % (base, n), "interrupted (%s)" % e)
                raise
    finally:
        if teardown:
            try:
                teardown()
                tally.ok("%s::teardown" % base)
            except Exception:  # noqa: BLE001
                tally.fail("%s::teardown" % base, traceback.format_exc())


def check_leftovers(name, tally):
    """One failed test when the program or module just run left a
    process running; the processes are stopped either way."""
    left = reaper.sweep()
    if left:
        tally.fail("%s::processes left running" % name,
                   "stopped by the runner:\n" + "\n".join(left))


def run_item(item, tally):
    name = os.path.splitext(os.path.basename(item))[0]
    try:
        if item.endswith(".py"):
            run_module(item, tally)
        else:
            run_tap(item, tally)
    finally:
        check_leftovers(name, tally)


def expand(items):
    """Directories give their test_*.py modules and their test_*
    executables (unit-test programs); a missing directory gives nothing."""
    for item in items:
        if os.path.isdir(item):
            for f in sorted(os.listdir(item)):
                path = os.path.join(item, f)
                if not f.startswith("test_"):
                    continue
                if f.endswith(".py"):
                    yield path
                elif "." not in f and os.path.isfile(path) and \
                        os.access(path, os.X_OK):
                    yield path
        elif os.path.exists(item):
            yield item


def main(argv):
    counts = None
    label = ""
    items = []
    i = 0
    while i < len(argv):
        if argv[i] == "--counts":
            counts = argv[i + 1]
            i += 2
        elif argv[i] == "--label":
            label = argv[i + 1] + ": "
            i += 2
        else:
            items.append(argv[i])
            i += 1
    tally = Tally(label)
    if not reaper.become_subreaper():
        tally.fail("runner", "prctl(PR_SET_CHILD_SUBREAPER) refused: "
                   "processes left running could go unseen")
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    interrupted = False
    try:
        for item in expand(items):
            run_item(item, tally)
    except Interrupted as e:
        interrupted = True
        tally.fail("runner", "interrupted (%s): the rest was not run" % e)
    # The handlers go: a second signal must not cut the summary short.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if counts:
        with open(counts, "w") as f:
            f.write("%d %d %d\n" % (tally.passed, tally.failed,
                                    tally.skipped))
    if tally.failures:
        print("# failed:")
        for n in tally.failures:
            print("#   " + n)
    skipped = ", %d skipped" % tally.skipped if tally.skipped else ""
    print("%d passed, %d failed%s" % (tally.passed, tally.failed, skipped))
    if interrupted:
        return 130
    return 1 if tally.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
