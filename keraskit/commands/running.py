"""Which exercise ``check`` and ``watch`` are running while they wait for its tests.

A pytest plugin for their in-process runs. On a terminal, one status line is rewritten as each
exercise starts and erased at the end. Elsewhere (a pipe, a log file) a line is written only for
an exercise still running after ``DELAY`` seconds, so a quick run prints nothing extra.

pytest captures file descriptors 1 and 2 while a test runs, so the line goes to a duplicate of
the standard error taken before the run; without a real standard error nothing is written.
"""

from __future__ import annotations

import io
import os
import sys
import threading

from keraskit import catalogue, plugin, studentloop
from keraskit.i18n import t

DELAY = 1.0  # seconds an exercise runs before a line names it, when not on a terminal


class ShowRunning:
    def __init__(self, delay: float = DELAY):
        self.delay = delay
        self.stream = _terminal_copy()
        self.on_terminal = self.stream is not None and self.stream.isatty()
        self.current: str | None = None
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()
        self._shown = False  # a status line is on the terminal, to be erased

    def pytest_runtest_setup(self, item) -> None:
        exercise = plugin.exercise_of(item)
        if exercise is None or exercise == self.current or self.stream is None:
            return
        self.current = exercise
        text = self._text(item.config, exercise)
        if self.on_terminal:
            self._write("\r\033[K" + text)
            self._shown = True
            return
        self._cancel()
        self._timer = threading.Timer(self.delay, self._write, (text + "\n",))
        self._timer.daemon = True
        self._timer.start()

    def pytest_sessionfinish(self) -> None:
        self.close()

    def close(self) -> None:
        self._cancel()
        if self.stream is None:
            return
        if self._shown:
            self._write("\r\033[K")
            self._shown = False
        with self._lock:
            self.stream.close()
            self.stream = None

    def _text(self, config, exercise: str) -> str:
        limits = studentloop.limits_of(config)
        seconds = limits.for_topic(catalogue.topic_of(exercise)) if limits is not None else 0
        if seconds:
            return t("calllimit.running_limited", exercise=exercise, seconds=f"{seconds:g}")
        return t("calllimit.running", exercise=exercise)

    def _cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _write(self, text: str) -> None:
        with self._lock:
            if self.stream is None:
                return
            try:
                self.stream.write(text)
                self.stream.flush()
            except (OSError, ValueError):  # the terminal went away: the status line is not worth a crash
                pass


def _terminal_copy():
    """A text stream on a duplicate of standard error's descriptor, or None if it has none."""
    try:
        fd = os.dup(sys.stderr.fileno())
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return None
    return os.fdopen(fd, "w", encoding=getattr(sys.stderr, "encoding", None) or "utf-8", errors="replace")
