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


def process_tree(pids, zombies=False):
    """{pid: fields of /proc/PID/stat after the command name} for pids
    and every descendant (state is fields[0], the parent fields[1], user
    and system time and the reaped children's fields[11:15]).  A zombie
    is left out unless zombies is true: it is gone but for its times."""
    stats = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                st = f.read()
        except OSError:
            continue
        fields = st[st.rindex(")") + 2:].split()
        if zombies or fields[0] != "Z":
            stats[int(d)] = fields
    kids = {}
    for pid, fields in stats.items():
        kids.setdefault(int(fields[1]), []).append(pid)
    out, todo = {}, [p for p in pids if p in stats]
    while todo:
        pid = todo.pop()
        out[pid] = stats[pid]
        todo.extend(kids.get(pid, []))
    return out


def alive(pid):
    """True when pid exists and is not a zombie."""
    return pid in process_tree([pid])


def reap():
    """Collects this process's children that have exited.  Only zombies
    are waited for, by PID, so a child still running keeps its status for
    whoever owns it."""
    me = os.getpid()
    for pid, fields in process_tree([me], zombies=True).items():
        if fields[0] == "Z" and int(fields[1]) == me:
            try:
                os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                pass


def leftovers():
    """PIDs of the descendants of this process still running, zombies
    reaped first."""
    reap()
    me = os.getpid()
    return sorted(pid for pid in process_tree([me]) if pid != me)


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
