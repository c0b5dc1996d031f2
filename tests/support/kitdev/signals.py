"""Children that a test interrupts with Ctrl-C (SIGINT) must be able to hear it.

An ignored or blocked signal survives ``exec``, and Python installs its Ctrl-C handler only where
SIGINT is left at its default; a test runner started under ``nohup``, a CI shell or a worker that
masks SIGINT would otherwise start a child that cannot be interrupted, and the test would prove
nothing about Ctrl-C.
"""

import signal


def hear_ctrl_c() -> None:
    """``preexec_fn`` for a child that a test sends SIGINT: default disposition, not blocked."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGINT])
