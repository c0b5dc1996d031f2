"""The judge: runs the hidden suite with pytest, its graded modules being proxies into a worker.

No student code ever runs here. A proxy call sends the arguments as plain data, waits (with a
time limit) for plain data back, and re-raises a student's builtin exception as the same type,
anything else as ``WorkerError``; warnings raised in the worker are re-emitted here so that
``expect.no_warnings()`` still sees them. A worker that dies or times out is replaced by a fresh
child for the next call, within the submission's time budget.
"""

from __future__ import annotations

import builtins
import os
import re
import select
import signal
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from keraskit import quiet

quiet.silence_tensorflow()

from keraskit import catalogue, runner, target  # noqa: E402
from keraskit.autograde import wire  # noqa: E402
from keraskit.autograde.sandbox import Limits, WorkerServer  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[2]
HIDDEN_DIR = REPO_ROOT / "grading" / "hidden"
MAX_RESTARTS = 20

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
    """A student's exception of a type the judge does not re-create, or a worker failure."""


class WorkerTimeout(WorkerError):
    """A call exceeded its time limit (or the submission its budget); the worker was killed."""


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

    def __init__(self, server: WorkerServer, sources: dict[str, bytes], limits: Limits):
        self.server = server
        self.sources = sources
        self.limits = limits
        self.budget = _Budget(limits.submission_timeout)
        self.channel = None
        self.restarts = 0
        self.events: list[str] = []  # what went wrong with the worker, for the report

    def _ensure_channel(self):
        if self.channel is None:
            if self.restarts > MAX_RESTARTS:
                raise WorkerError("the worker was restarted too often; no more calls for this submission")
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

    def request(self, header: dict, values: dict | None = None) -> tuple[dict, list[bytes]]:
        limit = min(self.limits.call_timeout, self.budget.remaining())
        if limit <= 0:
            raise WorkerTimeout(f"the submission used up its time budget of {self.limits.submission_timeout:g} s")
        frame = wire.encode_message(header, values)  # a WireError here is the caller's, not the worker's
        channel = self._ensure_channel()
        try:
            wire.send(channel, header, frame=frame)
            ready, _, _ = select.select([channel], [], [], limit)
            if not ready:
                self._drop_channel("timeout")
                raise WorkerTimeout(f"no answer within {limit:.0f} s (time limit); the worker was stopped")
            channel.settimeout(max(limit, 1.0))
            return wire.recv(channel)
        except wire.ConnectionLost:
            self._drop_channel("exited")
            raise WorkerError("the worker process ended during the call (exit, crash or memory limit)") from None
        except (wire.WireError, OSError) as exc:
            self._drop_channel("bad reply")
            raise WorkerError(f"the worker sent an unreadable reply: {exc}") from None

    def close(self) -> None:
        if self.channel is not None:
            self.channel.close()
            self.channel = None
        self.server.kill_children()


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
            for category, message in header.get("warnings", []) or []:
                warnings.warn(str(message), PASSTHROUGH_WARNINGS.get(category, UserWarning), stacklevel=2)
            if "error" in header:
                raise _rebuild_error(header["error"])
            try:
                return wire.decode_values(header, blobs, ("result",)).get("result")
            except Exception as exc:  # noqa: BLE001 - a value the judge will not rebuild fails the test
                raise WorkerError(f"the returned value was refused: {exc}") from None

        call.__name__ = name
        return call


def _rebuild_error(error) -> BaseException:
    if type(error) is not dict:
        return WorkerError("malformed error from the worker")
    name, message = str(error.get("type", ""))[:80], str(error.get("message", ""))[:2000]
    if error.get("phase") == "result":
        return WorkerError(f"the returned value cannot be graded: {message}")
    cls = PASSTHROUGH_ERRORS.get(name)
    if cls is not None and getattr(builtins, name, None) is cls:
        return cls(message)
    return WorkerError(f"{name}: {message}")


class IsolatedLoader:
    """The pytest plugin that replaces the local loader (see keraskit.plugin.EXTERNAL_LOADER_ATTR)."""

    keraskit_loader = True

    def __init__(self, session: WorkerSession, describe_paths: dict[str, str], root: str):
        self.session = session
        self.describe_paths = describe_paths
        self.root = root
        self._loaded: dict[str, object] = {}

    def describe(self, module: str) -> str:
        return self.describe_paths.get(module, f"{module}.py")

    def load(self, module: str):
        if module in self._loaded:
            value = self._loaded[module]
            if isinstance(value, BaseException):
                raise value
            return value
        if module not in self.session.sources:
            raise target.ModuleMissing(f"no {module}.py in {self.root}")
        header, _ = self.session.request({"op": "load", "module": module})
        if header.get("missing"):
            outcome = target.ModuleMissing(f"no {module}.py in {self.root}")
        elif "error" in header:
            error = header["error"]
            outcome = _import_error_class(str(error.get("type", "")))(
                f"{error.get('type')}: {str(error.get('message', ''))[:2000]}")
        else:
            outcome = _ModuleProxy(self.session, module, [str(f) for f in header.get("functions", [])])
        if not isinstance(outcome, WorkerError):
            self._loaded[module] = outcome
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


def run_hidden_suite(server: WorkerServer, sources: dict[str, bytes], describe_paths: dict[str, str], *,
                     label: str, limits: Limits, exercises=(), topics=None,
                     hidden_dir: Path = HIDDEN_DIR) -> tuple[runner.RunResult, list[str]]:
    """Run the hidden tests (optionally only ``exercises`` / ``topics``) against a worker."""
    session = WorkerSession(server, sources, limits)
    loader = IsolatedLoader(session, describe_paths, label)
    paths = hidden_test_files(hidden_dir, topics)
    try:
        if not paths:
            return runner.RunResult(0), session.events
        result = runner.run(paths, exercises=exercises, plugins=[loader], rootdir=REPO_ROOT,
                            extra_args=["-p", "no:randomly", "-W", "default"])
    finally:
        session.close()
    return result, session.events


def hidden_test_files(hidden_dir: Path, topics=None) -> list[Path]:
    wanted = topics or catalogue.load().topic_ids
    return [hidden_dir / f"test_{t}.py" for t in wanted if (hidden_dir / f"test_{t}.py").is_file()]


def _kill_and_reap(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except OSError:
        pass


def fork_and_grade(grade, timeout: float):
    """Run ``grade()`` (returning a JSON-able dict) in a forked judge child, so every submission
    starts from the same clean judge state and a judge-side leak never accumulates.

    The parent here never runs TensorFlow ops, which keeps forking safe.
    """
    import json
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            # Ctrl-C is the host's to handle (it kills this child): a half-run suite never reports.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            os.close(read_fd)
            data = json.dumps(grade()).encode()
            with os.fdopen(write_fd, "wb") as out:
                out.write(data)
        except BaseException as exc:  # noqa: BLE001
            try:
                os.write(write_fd, json.dumps({"judge_error": f"{type(exc).__name__}: {exc}"}).encode())
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
                    return {"judge_error": f"grading took longer than {timeout:.0f} s"}
                chunk = os.read(inp.fileno(), 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
    except BaseException:  # Ctrl-C: no judge child outlives its host
        _kill_and_reap(pid)
        raise
    os.waitpid(pid, 0)
    try:
        return json.loads(b"".join(chunks) or b"{}") or {"judge_error": "the judge child returned nothing"}
    except ValueError:
        return {"judge_error": "the judge child returned an unreadable result"}
