"""What a test run leaves running: found, named and stopped.

A runner that calls become_subreaper() gets every orphaned descendant
re-parented to itself instead of to init (prctl PR_SET_CHILD_SUBREAPER),
so a daemon that forked away, or an nginx worker whose master was killed,
stays in its process tree.  leftovers() is then every process of that tree
still running, and stop() ends them by PID.  Nothing here relies on where
processes were started or on marks in their environment (nginx overwrites
its environment with its process title).
"""
import ctypes
import errno
import os
import signal
import time

PR_SET_CHILD_SUBREAPER = 36


def become_subreaper():
    """Makes this process the reaper of its orphaned descendants; returns
    False where the kernel refuses (then leftovers() sees only the
    processes whose parents are still alive)."""
    libc = ctypes.CDLL(None, use_errno=True)
    return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0


def _stat(pid):
    """(state, parent) of pid from /proc, or None once it is gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            st = f.read()
    except OSError:
        return None
    fields = st[st.rindex(")") + 2:].split()
    return fields[0], int(fields[1])


def _tree(root):
    """{pid: (state, parent)} of every descendant of root."""
    stats = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            s = _stat(int(d))
            if s is not None:
                stats[int(d)] = s
    kids = {}
    for pid, (_, parent) in stats.items():
        kids.setdefault(parent, []).append(pid)
    out, todo = {}, list(kids.get(root, []))
    while todo:
        pid = todo.pop()
        out[pid] = stats[pid]
        todo.extend(kids.get(pid, []))
    return out


def reap():
    """Collects this process's children that have exited.  Only zombies
    are waited for, by PID, so a child still running keeps its status for
    whoever owns it."""
    me = os.getpid()
    for pid, (state, parent) in _tree(me).items():
        if state == "Z" and parent == me:
            try:
                os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                pass


def leftovers():
    """PIDs of the descendants of this process still running, zombies
    reaped first."""
    reap()
    return sorted(pid for pid, (state, _) in _tree(os.getpid()).items()
                  if state != "Z")


def describe(pid):
    """'PID: command line' for a report."""
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            cmd = f.read().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        cmd = "(gone)"
    return "%d: %s" % (pid, cmd.strip()[:200])


def _signal(pids, sig):
    for pid in pids:
        try:
            os.kill(pid, sig)
        except OSError as e:
            if e.errno != errno.ESRCH:
                raise


def stop(pids, grace=5.0):
    """SIGTERM to each, SIGKILL to what is left after grace seconds;
    returns the PIDs that were still running after SIGKILL too."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        _signal(pids, sig)
        deadline = time.monotonic() + wait
        while True:
            alive = set(leftovers())
            pids = [p for p in pids if p in alive]
            if not pids or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        if not pids:
            return []
    return pids


def sweep():
    """Stops every descendant still running; returns their descriptions
    (taken before they were stopped), empty when nothing was left."""
    pids = leftovers()
    if not pids:
        return []
    names = [describe(p) for p in pids]
    stuck = stop(pids)
    # What the stopped ones had started, orphaned now, goes too.
    later = leftovers()
    if later:
        names += [describe(p) for p in later]
        stuck += stop(later)
    names += ["%d: did not stop even on SIGKILL" % p for p in stuck]
    return names
