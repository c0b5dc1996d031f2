"""Process lifetime: every process the autograder starts dies when its parent dies.

``PR_SET_PDEATHSIG`` makes the kernel signal a child when the thread that created it ends, however
it ends (SIGKILL, the OOM killer, a crash), so the chain coordinator -> judge host -> judge child
-> worker server (and model-check helpers) unwinds from whichever link dies. It is armed in the
child, so a parent that died just before is caught by comparing the parent pid.
"""

from __future__ import annotations

import ctypes
import os
import signal

PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int | None = None, sig: int = signal.SIGKILL) -> None:
    """In a new child: receive ``sig`` when the parent ends; exit now if ``parent`` is gone already."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if parent is not None and os.getppid() != parent:
        os._exit(1)


def preexec_die_with_parent():
    """A ``subprocess.Popen(preexec_fn=...)`` that ties the new process to the caller."""
    parent = os.getpid()
    return lambda: die_with_parent(parent)


def is_running(pid: int) -> bool:
    """Whether ``pid`` runs: exists and is not a zombie. A process killed while its parent has not
    reaped it yet still answers ``kill(pid, 0)``; only its state in /proc tells it is dead."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
    except OSError:
        return False
    state = stat[stat.rfind(b")") + 2:][:1]  # the name before it may hold spaces and parentheses
    return state not in (b"Z", b"X", b"x", b"")
