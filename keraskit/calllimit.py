"""How long one call into graded code may run in this process, and how a call is stopped.

A student's ``while True:`` must cost seconds, not the minutes of a per-test timeout that starts
again for every test of the exercise. Each call into graded code run here (``target.LocalLoader``:
``pytest exercises/``, ``keraskit check``, ``keraskit watch``) gets a limit; when it runs out, the
call is stopped with ``CallTimedOut``, which records the graded line that was running, and every
later call charged to the same exercise fails at once with ``CallSkipped``.

How a call is stopped: where ``signal.setitimer`` exists and the call runs in the main thread
(Linux, macOS), a SIGALRM handler raises in the main thread; this also ends ``time.sleep`` and
other waits that a signal interrupts. Elsewhere (Windows, a call outside the main thread) a
watchdog thread raises the exception in the calling thread (``PyThreadState_SetAsyncExc``), which
takes effect at the next Python line: a wait inside one long C call (``time.sleep`` on Windows,
one huge numpy operation) is stopped only when that call comes back to Python. Either way the
exception is raised again every ``REFIRE`` seconds while the call goes on, so a loop that catches
it (``except BaseException:``) is stopped when it next lets it through; a loop that swallows every
exception forever cannot be stopped from inside the process. Nothing fires while a debugger
(pdb, debugpy, PyCharm's) is on the stack, so a student stepping through code is not cut off.

No pytest here: the worker side of the autograder imports ``target``, which uses this module.
"""

from __future__ import annotations

import linecache
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

LIMIT_ENV = "KERASKIT_CALL_LIMIT"
# Seconds one call may take, by default. The numpy topics' slowest honest call (the reference, every
# visible and hidden test) takes under 10 ms; the model topics' (models, training: catalogue
# ``slow = true``) about 5 s on a loaded 2-core machine (hidden training.boston_experiment; the
# visible suites' slowest is about 2 s). 60 s is the autograder's default per-call limit too.
NUMPY_LIMIT = 10.0
MODEL_LIMIT = 60.0
# Executing a graded module may import TensorFlow (an answer written with keras.ops): by default,
# never less than this.
IMPORT_LIMIT = 60.0
# Once a call is stopped, the exception is raised again this often until the call ends.
REFIRE = 1.0
# A trace function or a frame from these packages means a debugger is stepping: never fire then.
DEBUGGERS = ("bdb", "pdb", "pydevd", "_pydevd_bundle", "_pydev_bundle", "debugpy", "pydevd_frame_evaluator")


class CallTimedOut(BaseException):
    """A call into graded code did not return within its limit.

    A ``BaseException``, so ``except Exception`` (in graded code, or a test's own checks) lets it
    through. Raised with no arguments by the watchdog; the guard fills in what happened.
    """

    seconds: float = 0.0
    where: tuple[str, int, str, str] | None = None  # (path, line, function, source) of graded code
    importing: bool = False  # the module itself was being executed, not a function call
    call: str | None = None  # the call, as the "called:" line shows it


class CallSkipped(BaseException):
    """A call that was not made: an earlier call charged to the same exercise timed out."""

    def __init__(self, first: CallTimedOut):
        super().__init__(first.seconds)
        self.first = first


def parse_limit(text, source: str) -> float:
    """Seconds from ``--call-limit`` / ``KERASKIT_CALL_LIMIT`` text; 0 means no limit.

    ``ValueError(source, text)`` for anything that is not a finite number >= 0."""
    try:
        seconds = float(str(text).strip())
    except ValueError:
        seconds = float("nan")
    if not seconds >= 0 or seconds == float("inf"):
        raise ValueError(source, text)
    return seconds


def configured_limit(option: str | float | None = None) -> float | None:
    """The limit asked for (an option's value, else ``KERASKIT_CALL_LIMIT``), or None: the defaults.

    ``ValueError(option or variable name, value)`` when the value is not a number >= 0."""
    if option is not None:
        return parse_limit(option, "--call-limit")
    text = os.environ.get(LIMIT_ENV, "").strip()
    return parse_limit(text, LIMIT_ENV) if text else None


@dataclass
class _Call:
    """One call being timed."""
    seconds: float
    thread: int
    deadline: float
    active: bool = True
    fired: bool = False
    where: tuple[str, int, str, str] | None = None
    home: object = None  # the frame that runs the call: off the stack, the call is over whatever happened


class CallLimits:
    """The limits of one test run, and the exercises whose calls have been given up.

    ``seconds``: one limit for every call (0: none), or None for the defaults: ``MODEL_LIMIT`` for
    a topic in ``model_topics``, ``NUMPY_LIMIT`` for the others; executing a module gets at least
    ``IMPORT_LIMIT``. ``is_graded(frame)`` says whether a frame runs graded code (the line reported).
    """

    def __init__(self, seconds: float | None, *, model_topics=(), is_graded: Callable[[object], bool]):
        self.seconds = seconds
        self.model_topics = frozenset(model_topics)
        self.is_graded = is_graded
        self.given_up: dict[str, CallTimedOut] = {}
        self._current: _Call | None = None

    def for_topic(self, topic: str) -> float:
        if self.seconds is not None:
            return self.seconds
        return MODEL_LIMIT if topic in self.model_topics else NUMPY_LIMIT

    def for_import(self, topic: str) -> float:
        """Executing a topic's module: the limit asked for, else at least ``IMPORT_LIMIT``."""
        if self.seconds is not None:
            return self.seconds
        return max(self.for_topic(topic), IMPORT_LIMIT)

    def check(self, key: str) -> None:
        """``CallSkipped`` if a call charged to ``key`` has already timed out."""
        first = self.given_up.get(key)
        if first is not None:
            raise CallSkipped(first)

    def call(self, key: str, seconds: float, function, *args, importing: bool = False, **kwargs):
        """``function(*args, **kwargs)``, stopped after ``seconds`` (0: never) with ``CallTimedOut``.

        A timed-out call gives up ``key`` (an exercise, or a module being loaded): ``check(key)``
        refuses its later calls. A call made while another is timed (a graded function reached
        through a test's helper) runs under the outer call's limit.
        """
        self.check(key)
        if not seconds or self._current is not None:
            return function(*args, **kwargs)
        state = _Call(seconds, threading.get_ident(), time.monotonic() + seconds)
        self._current = state
        try:
            if _can_use_alarm():
                result = self._with_alarm(state, function, args, kwargs)
            else:
                result = self._with_watchdog(state, function, args, kwargs)
        except BaseException as error:
            if not state.fired:
                raise
            # The limit fired: whatever graded code did with the exception (re-raised it, raised
            # another), the call did not return in time.
            raise self._give_up(key, state, error, importing) from None
        finally:
            self._current = None
            state.home = None
        if state.fired:  # graded code caught the exception and returned late
            raise self._give_up(key, state, None, importing)
        return result

    def _give_up(self, key: str, state: _Call, error: BaseException | None, importing: bool) -> CallTimedOut:
        timed_out = error if isinstance(error, CallTimedOut) else CallTimedOut()
        timed_out.seconds = state.seconds
        timed_out.where = state.where
        timed_out.importing = importing
        self.given_up[key] = timed_out
        return timed_out

    # ------------------------------------------------------------------ the main thread: SIGALRM

    def _with_alarm(self, state: _Call, function, args, kwargs):
        import signal

        outer_handler = signal.getsignal(signal.SIGALRM)
        if outer_handler is None:  # installed outside Python: put back as the default
            outer_handler = signal.SIG_DFL
        outer_delay, outer_interval = signal.getitimer(signal.ITIMER_REAL)
        if outer_delay and outer_delay <= state.seconds:
            # Someone else's alarm (pytest-timeout around the kit's own tests) rings first: theirs.
            return function(*args, **kwargs)
        started = time.monotonic()

        def ring(signum, frame):
            if not state.active or not _on_stack(frame, state.home):
                # Over (an alarm that raced the cleanup below): make sure nothing rings again.
                signal.setitimer(signal.ITIMER_REAL, 0)
                return
            if _debugging(frame, sys.gettrace()):
                return
            state.fired = True
            state.where = state.where or _graded_line(frame, self.is_graded)
            raise CallTimedOut()

        state.home = sys._getframe()
        signal.signal(signal.SIGALRM, ring)
        signal.setitimer(signal.ITIMER_REAL, state.seconds, REFIRE)
        try:
            return function(*args, **kwargs)
        finally:
            # An alarm handled while cleaning up is swallowed (state.fired says it all): the outer
            # alarm must be put back whatever happens.
            while True:
                try:
                    state.active = False
                    signal.setitimer(signal.ITIMER_REAL, 0)
                    signal.signal(signal.SIGALRM, outer_handler)
                    if outer_delay:  # the outer alarm goes on with the time it had left
                        left = max(outer_delay - (time.monotonic() - started), 0.001)
                        signal.setitimer(signal.ITIMER_REAL, left, outer_interval)
                    break
                except CallTimedOut:
                    continue

    # ------------------------------------------------------------------ elsewhere: a watchdog thread

    def _with_watchdog(self, state: _Call, function, args, kwargs):
        watchdog = _Watchdog.running()
        state.home = sys._getframe()
        watchdog.arm(state, self.is_graded)
        try:
            return function(*args, **kwargs)
        finally:
            while True:
                try:
                    watchdog.disarm(state)
                    break
                except CallTimedOut:  # sent just before the disarm: the call is timed out already
                    continue


def _can_use_alarm() -> bool:
    import signal
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


class _Watchdog(threading.Thread):
    """Raises ``CallTimedOut`` in a calling thread whose call outlives its deadline (one a process)."""

    _instance: _Watchdog | None = None
    _starting = threading.Lock()

    def __init__(self):
        super().__init__(name="keraskit call limit", daemon=True)
        self.is_graded = None
        self._wake = threading.Condition()
        self._armed: _Call | None = None

    @classmethod
    def running(cls) -> _Watchdog:
        with cls._starting:
            if cls._instance is None or not cls._instance.is_alive():
                cls._instance = cls()
                cls._instance.start()
            return cls._instance

    def arm(self, state: _Call, is_graded) -> None:
        with self._wake:
            self._armed = state
            self.is_graded = is_graded
            self._wake.notify()

    def disarm(self, state: _Call) -> None:
        with self._wake:
            state.active = False
            if self._armed is state:
                self._armed = None
            if state.fired:  # an exception sent but not raised yet must not hit the caller later
                _send_exception(state.thread, None)

    def run(self) -> None:
        with self._wake:
            while True:
                state = self._armed
                if state is None:
                    self._wake.wait()
                    continue
                left = state.deadline - time.monotonic()
                if left > 0:
                    self._wake.wait(left)
                    continue
                frame = sys._current_frames().get(state.thread)
                if not _on_stack(frame, state.home):  # the call is over (its cleanup raced this)
                    self._armed = None
                    continue
                if state.active and not _debugging(frame):
                    state.fired = True
                    state.where = state.where or _graded_line(frame, self.is_graded)
                    _send_exception(state.thread, CallTimedOut)
                state.deadline = time.monotonic() + REFIRE


def _send_exception(thread: int, exception) -> None:
    """Raise ``exception`` in ``thread`` at its next Python line (None: cancel one not raised yet)."""
    import ctypes
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread),
                                               ctypes.py_object(exception) if exception is not None else None)


def _on_stack(frame, home) -> bool:
    while frame is not None:
        if frame is home:
            return True
        frame = frame.f_back
    return False


def _module_root(frame) -> str:
    return str(frame.f_globals.get("__name__", "")).partition(".")[0]


def _debugging(frame, tracer=None) -> bool:
    """A debugger is stepping through this thread: its trace function (``tracer``, or one set on a
    frame), or its own frames on the stack."""
    if _from_debugger(tracer):
        return True
    while frame is not None:
        if _module_root(frame) in DEBUGGERS or _from_debugger(frame.f_trace):
            return True
        frame = frame.f_back
    return False


def _from_debugger(function) -> bool:
    return function is not None and str(getattr(function, "__module__", "") or "").partition(".")[0] in DEBUGGERS


def _graded_line(frame, is_graded) -> tuple[str, int, str, str] | None:
    """(path, line, function, source) of the innermost graded frame on the stack from ``frame``."""
    while frame is not None:
        if is_graded(frame):
            path, line = frame.f_code.co_filename, frame.f_lineno
            return path, line, frame.f_code.co_name, linecache.getline(path, line).strip()
        frame = frame.f_back
    return None
