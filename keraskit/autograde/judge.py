"""The judge: runs the hidden suite with pytest, its graded modules being proxies into a worker.

No student code ever runs here. A proxy call sends the arguments as plain data, waits (with a
time limit) for plain data back, and re-raises a student's builtin exception as the same type,
anything else as ``WorkerError``; warnings raised in the worker are re-emitted here so that
``expect.no_warnings()`` still sees them. A worker that dies or times out is replaced by a fresh
child for the next call, within the submission's time budget.

A worker that died is not the next call's fault: a call whose worker ended under it is tried once
more on a fresh one (a fresh server if the student killed theirs), so a submission that crashes or
kills its worker loses only the calls that do it again. A call that timed out (or ended its worker
twice) costs its exercise one time limit (or two restarts), not one per test: the exercise's
remaining calls fail at once with the same message. Each request carries a fresh token that the
reply must echo: a frame the submission wrote on the channel during an earlier call is never read
as a later call's reply (the worker holding it is dropped and the call tried again). Models in
replies are checked and trial-rebuilt under limits first (``modelguard``), and the judge child runs
under rlimits of its own.
"""

from __future__ import annotations

import builtins
import os
import re
import resource
import secrets
import select
import signal
import sys
import time
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from keraskit import imports, layout, plugin, quiet, runner, target
from keraskit.autograde import kernel, modelguard, procs, wire
from keraskit.autograde.record import JUDGE_ERROR
from keraskit.autograde.sandbox import Limits, WorkerServer

quiet.silence_tensorflow()  # before the hidden suite imports TensorFlow (none of the above does on load)

MAX_RESTARTS = 20
# Characters of a call's printed output replayed here (the worker keeps no more than this either).
MAX_PRINTED = 2000
# Warnings of one reply re-emitted here, and the characters kept of each message.
MAX_WARNINGS = 20
MAX_WARNING_TEXT = 2000
# The judge child's own limits: address space it may add to what it has at fork (the worker
# server it may restart inherits only the soft limit, and raises it), and CPU over the budget.
JUDGE_MEMORY_MB = 2048
JUDGE_CPU_MARGIN = 120

# A student's exception comes back as the same builtin type only if it is one of these.
PASSTHROUGH_ERRORS = {cls.__name__: cls for cls in (
    ValueError, TypeError, NotImplementedError, IndexError, KeyError, ZeroDivisionError,
    AttributeError, ArithmeticError, OverflowError, FloatingPointError, RuntimeError,
    RecursionError, MemoryError, LookupError, UnboundLocalError, NameError, ImportError,
    ModuleNotFoundError)}
PASSTHROUGH_WARNINGS = {cls.__name__: cls for cls in (
    RuntimeWarning, UserWarning, DeprecationWarning, FutureWarning, PendingDeprecationWarning,
    SyntaxWarning, ResourceWarning)}


class WorkerError(Exception):
    """A student's exception of a type the judge does not re-create, or a worker failure.

    ``failure_what`` names the what-line of a failure it causes (``what.<name>``, see the
    plugin); None: the student's code raised it."""
    failure_what: str | None = None


class WorkerFailed(WorkerError):
    """The worker ended during a call, was restarted too often, or answered something unreadable."""
    failure_what = "worker_failed"
    keraskit_not_an_answer = True  # see expect.NOT_AN_ANSWER


class ResultRefused(WorkerError):
    """The call returned, but its value cannot be brought back to be graded."""
    failure_what = "refused"
    keraskit_not_an_answer = True


class _NotThisCallsReply(Exception):
    """The frame read was not the answer to the request sent (it lacks the request's token)."""


class WorkerTimeout(WorkerError):
    """A call exceeded its time limit (or the submission its budget); the worker was killed."""
    failure_what = "timeout"
    keraskit_not_an_answer = True


def _import_error_class(name: str) -> type:
    """A SyntaxError subclass named after the student's import-time error (the plugin reports
    any SyntaxError as "does not import")."""
    clean = re.sub(r"\W", "", name)[:40] or "ImportError"
    if clean == "SyntaxError":
        return SyntaxError
    return type(clean, (SyntaxError,), {"__module__": "builtins"})


@dataclass
class _Budget:
    seconds: float
    started: float = field(default_factory=time.monotonic)

    def remaining(self) -> float:
        return self.seconds - (time.monotonic() - self.started)


class WorkerSession:
    """The judge's connection to one submission's worker child (restarted after a death)."""

    def __init__(self, server: WorkerServer, sources: dict[str, bytes], limits: Limits,
                 model_guard: modelguard.ModelGuard | None = None):
        self.server = server
        self.sources = sources
        self.limits = limits
        self.model_guard = model_guard
        self.budget = _Budget(limits.submission_timeout)
        self.channel = None
        self.restarts = 0
        self.events: list[str] = []  # what went wrong with the worker, for the report
        self.exercise: str | None = None  # the exercise whose test is running (set by the loader)
        # exercise (or "load:<module>") -> the error that ends its remaining calls at once: a
        # time-out, or a worker that died under the same call twice
        self.given_up: dict[str, WorkerError] = {}

    def _ensure_channel(self):
        if self.channel is None:
            if self.restarts > MAX_RESTARTS:
                raise WorkerFailed("the worker was restarted too often; no more calls for this submission")
            self.server.kill_children()
            self.channel = self.server.spawn(self.sources)
            self.restarts += 1
        return self.channel

    def _drop_channel(self, why: str) -> None:
        self.events.append(why)
        if self.channel is not None:
            self.channel.close()
            self.channel = None
        self.server.kill_children()

    def _key(self, header: dict) -> str | None:
        if header.get("op") == "load":
            return f"load:{header.get('module')}"
        return self.exercise

    def request(self, header: dict, values: dict | None = None) -> tuple[dict, list[bytes]]:
        key = self._key(header)
        if key in self.given_up:  # this exercise already cost one time limit (or two deaths)
            given_up = self.given_up[key]
            raise type(given_up)(str(given_up))
        # A token the worker must echo: student code can write frames of its own on the channel,
        # and one written during an earlier call must never be read as this call's reply.
        header = {**header, "call": secrets.token_hex(8)}
        frame = wire.encode_message(header, values)  # a WireError here is the caller's, not the worker's
        try:
            return self._exchange(header, frame)
        except (wire.ConnectionLost, _NotThisCallsReply):
            # The worker ended, or the channel held a frame this call did not ask for. Perhaps this
            # call did it, perhaps an earlier one (a killed server, a background process, a frame
            # written by an earlier call): once more, on a fresh worker, to know.
            pass
        try:
            return self._exchange(header, frame)
        except (wire.ConnectionLost, _NotThisCallsReply) as exc:
            error = WorkerFailed(str(exc) if isinstance(exc, _NotThisCallsReply) else
                                "the worker process ended during the call (exit, crash or memory limit)")
            if key is not None:
                self.given_up[key] = error
            raise error from None

    def _exchange(self, header: dict, frame: bytes) -> tuple[dict, list[bytes]]:
        """One request and its reply; ``ConnectionLost`` if the worker ended before answering."""
        limit = min(self.limits.call_timeout, self.budget.remaining())
        if limit <= 0:
            raise WorkerTimeout(f"the submission used up its time budget of {self.limits.submission_timeout:g} s")
        try:
            if self.channel is not None and _has_pending_data(self.channel):
                # bytes nobody asked for (a frame written by student code): never read as a reply
                self._drop_channel("unrequested data")
            channel = self._ensure_channel()
            deadline = time.monotonic() + limit  # for the request and the whole reply, however slowly it comes
            channel.settimeout(limit)  # a worker that stops reading cannot block the send either
            wire.send(channel, header, frame=frame)
            ready, _, _ = select.select([channel], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                self._give_up_on_time(header, limit)
            reply, blobs = wire.recv(channel, deadline=deadline)
            if reply.get("call") != header["call"]:
                self._drop_channel("unrequested data")
                raise _NotThisCallsReply("the reply did not answer this call (the submission wrote a frame "
                                         "of its own on the worker's channel)")
        except wire.Timeout:
            self._give_up_on_time(header, limit)
        except wire.ConnectionLost:
            self._drop_channel("exited")
            raise
        except (wire.WireError, OSError, RuntimeError) as exc:  # RuntimeError: a server that did not start
            self._drop_channel("bad reply")
            raise WorkerFailed(f"the worker sent an unreadable reply: {exc}") from None
        return reply, blobs

    def _give_up_on_time(self, header: dict, limit: float):
        self._drop_channel("timeout")
        error = WorkerTimeout(f"no answer within {limit:.0f} s (time limit); the worker was stopped")
        key = self._key(header)
        if key is not None:
            self.given_up[key] = error
        raise error

    def close(self) -> None:
        if self.channel is not None:
            self.channel.close()
            self.channel = None
        self.server.kill_children()


def replayable_warnings(header: dict) -> list[tuple[str, str]]:
    """The warnings of a reply to re-emit here: the first MAX_WARNINGS (category, message)
    pairs of strings, each message cut to MAX_WARNING_TEXT; anything else in the list is dropped
    (a reply is written by the worker, so by student code: it cannot flood the judge)."""
    given = header.get("warnings")
    if type(given) is not list:
        return []
    kept = []
    for item in given:
        if len(kept) == MAX_WARNINGS:
            break
        if type(item) is list and len(item) == 2 and all(type(part) is str for part in item):
            kept.append((item[0], item[1][:MAX_WARNING_TEXT]))
    return kept


def _has_pending_data(channel) -> bool:
    ready, _, _ = select.select([channel], [], [], 0)
    return bool(ready)


class _ModuleProxy:
    """What ``loader.load(topic)`` returns: attributes are the functions the worker reported."""

    def __init__(self, session: WorkerSession, module: str, functions: list[str]):
        self._session = session
        self._module = module
        self._functions = set(functions)

    def __getattr__(self, name: str):
        if name.startswith("_") or name not in self._functions:
            raise AttributeError(name)
        session, module = self._session, self._module

        def call(*args, **kwargs):
            try:
                encoded = {"args": list(args), "kwargs": dict(kwargs)}
                header, blobs = session.request({"op": "call", "module": module, "function": name}, encoded)
            except wire.WireError as exc:
                raise TypeError(f"cannot send these arguments to the worker: {exc}") from None
            for category, message in replayable_warnings(header):
                warnings.warn(message, PASSTHROUGH_WARNINGS.get(category, UserWarning), stacklevel=2)
            printed = header.get("stdout")
            if printed:  # what the call printed, for tests that read it (capsys); already bounded
                sys.stdout.write(str(printed)[:MAX_PRINTED])
            if "error" in header:
                raise _rebuild_error(header["error"])
            try:
                return wire.decode_values(header, blobs, ("result",),
                                          model_guard=session.model_guard).get("result")
            except Exception as exc:  # noqa: BLE001 - a value the judge will not rebuild fails the test
                raise ResultRefused(f"the returned value was refused: {exc}") from None

        call.__name__ = name
        return call


def _rebuild_error(error) -> BaseException:
    if type(error) is not dict:
        return WorkerFailed("malformed error from the worker")
    name, message = str(error.get("type", ""))[:80], str(error.get("message", ""))[:2000]
    if error.get("phase") == "result":
        return ResultRefused(f"the returned value cannot be graded: {message}")
    cls = PASSTHROUGH_ERRORS.get(name)
    if cls is not None and getattr(builtins, name, None) is cls:
        return cls(message)
    return WorkerError(f"{name}: {message}")


class IsolatedLoader:
    """The ``target.Loader`` of the isolated grader: graded code runs in a worker. Registered as a
    pytest plugin, it offers itself through the ``pytest_keraskit_loader`` hook."""

    def __init__(self, session: WorkerSession, describe_paths: dict[str, str], root: str):
        self.session = session
        self.describe_paths = describe_paths
        self.root = root
        self._loaded: dict[str, object] = {}

    def pytest_keraskit_loader(self, config):
        return self

    def describe(self, module: str) -> str:
        return self.describe_paths.get(module, f"{module}.py")

    def pytest_runtest_setup(self, item) -> None:
        """Calls are charged to the exercise whose test (fixtures included) is running."""
        self.session.exercise = plugin.exercise_of(item)

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtest_makereport(self, item, call):
        """Once a failure is reported, its frames let go of their values: a failed test must not
        keep what a submission returned (up to wire.MAX_MESSAGE each) until the run ends."""
        report = yield
        if call.excinfo is not None:
            try:
                traceback.clear_frames(call.excinfo.tb)
            except RuntimeError:  # a frame still running (cannot happen after the call): keep it
                pass
        return report

    def load(self, module: str):
        if module in self._loaded:
            value = self._loaded[module]
            if isinstance(value, BaseException):
                raise value
            return value
        if module not in self.session.sources:
            raise target.ModuleMissing(f"no {module}.py in {self.root}")
        try:  # the rule the student's own runs apply too, whatever the worker has installed
            imports.check_source(layout.module_name(module), self.session.sources[module])
        except imports.ForeignImport as exc:
            self._loaded[module] = exc
            raise
        header, _ = self.session.request({"op": "load", "module": module})
        if header.get("missing"):
            outcome = target.ModuleMissing(f"no {module}.py in {self.root}")
        elif "error" in header:
            error = header["error"]
            # Named after the student's error already: the plugin shows "Type: message" once.
            outcome = _import_error_class(str(error.get("type", "")))(str(error.get("message", ""))[:2000])
        else:
            outcome = _ModuleProxy(self.session, module, [str(f) for f in header.get("functions", [])])
        if not isinstance(outcome, WorkerError):
            self._loaded[module] = outcome
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


def run_hidden_suite(server: WorkerServer, sources: dict[str, bytes], describe_paths: dict[str, str], *,
                     label: str, limits: Limits, exercises=(), topics=None,
                     hidden_dir: Path = layout.KIT.hidden_tests) -> tuple[runner.RunResult, list[str]]:
    """Run the hidden tests (optionally only ``exercises`` / ``topics``) against a worker."""
    paths = hidden_test_files(hidden_dir, topics)
    if not paths:
        return runner.RunResult(0), []
    guard = modelguard.ModelGuard()  # forked now, before this process runs any TensorFlow op
    session = WorkerSession(server, sources, limits, guard)
    loader = IsolatedLoader(session, describe_paths, label)
    try:
        result = runner.run(paths, exercises=exercises, plugins=[loader], rootdir=layout.ROOT,
                            extra_args=["-p", "no:randomly", "-W", "default"])
    finally:
        session.close()
        guard.close()
    return result, session.events


def hidden_test_files(hidden_dir: Path, topics=None) -> list[Path]:
    return [hidden_dir / layout.suite_name(t) for t in layout.graded_topics(hidden_dir, topics=topics)]


def _kill_and_reap(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except OSError:
        pass


def enter_judge_limits(cpu_seconds: float, memory_mb: int = JUDGE_MEMORY_MB) -> None:
    """The judge child's own floor: its memory and CPU are capped."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    # Soft limit only: a worker server restarted from here inherits it and may raise it again.
    resource.setrlimit(resource.RLIMIT_AS, (kernel.vm_size_bytes() + memory_mb * 1024 * 1024, hard))
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    resource.setrlimit(resource.RLIMIT_CPU, (int(cpu_seconds), hard))


def fork_and_grade(grade, timeout: float):
    """Run ``grade()`` (returning a JSON-able dict) in a forked judge child, so every submission
    starts from the same clean judge state and a judge-side leak never accumulates.

    The parent here never runs TensorFlow ops, which keeps forking safe. The child dies with its
    parent (``PR_SET_PDEATHSIG``) and runs under ``enter_judge_limits``.
    """
    parent = os.getpid()
    import json
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            # Ctrl-C is the host's to handle (it kills this child): a half-run suite never reports.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            os.close(read_fd)
            procs.die_with_parent(parent)
            enter_judge_limits(timeout + JUDGE_CPU_MARGIN)
            try:
                data = json.dumps(grade()).encode()
            finally:
                WorkerServer.close_started_here()  # a server restarted here dies with this child
            with os.fdopen(write_fd, "wb") as out:
                out.write(data)
        except BaseException as exc:  # noqa: BLE001 - whatever ends the child, the parent hears why
            try:
                os.write(write_fd, json.dumps({JUDGE_ERROR: f"{type(exc).__name__}: {exc}"}).encode())
            except OSError:
                pass
            code = 1
        finally:
            os._exit(code)
    os.close(write_fd)
    chunks, deadline = [], time.monotonic() + timeout
    try:
        with os.fdopen(read_fd, "rb") as inp:
            while True:
                left = deadline - time.monotonic()
                ready, _, _ = select.select([inp], [], [], max(left, 0))
                if not ready:
                    _kill_and_reap(pid)
                    return {JUDGE_ERROR: f"grading took longer than {timeout:.0f} s"}
                chunk = os.read(inp.fileno(), 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
    except BaseException:  # Ctrl-C: no judge child outlives its host
        _kill_and_reap(pid)
        raise
    os.waitpid(pid, 0)
    try:
        return json.loads(b"".join(chunks) or b"{}") or {JUDGE_ERROR: "the judge child returned nothing"}
    except ValueError:
        return {JUDGE_ERROR: "the judge child returned an unreadable result"}
