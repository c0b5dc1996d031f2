"""Which code is graded, and how the tests reach it.

The same test files grade the stubs in ``exercises/`` (the default), the reference in
``solutions/`` (instructor flag) or any folder (``--target DIR``: a student's submission).
Modules are loaded by file path under a unique name, so no folder goes on ``sys.path`` and a
submission can never pick up another copy of a module by accident.
"""

from __future__ import annotations

import contextlib
import importlib.util
import itertools
import os
import reprlib
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

from keraskit import calllimit, expect, imports, tfruntime
from keraskit.layout import find_module_file, module_name

INSTRUCTOR_ENV = "KERASKIT_INSTRUCTOR"
TARGET_ENV = "KERASKIT_TARGET"

GRADED_PREFIX = "_keraskit_graded_"  # the module name of every graded module loaded here

_load_counter = itertools.count()


def instructor_enabled() -> bool:
    return os.environ.get(INSTRUCTOR_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def display_path(path) -> str:
    """A path as a student reads it: relative to the working folder when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


class ModuleMissing(ImportError):
    """The graded folder has no file for this topic."""


def is_graded_frame(frame) -> bool:
    """Does this frame run graded code (a module loaded by ``load_module_file``)?"""
    return str(frame.f_globals.get("__name__", "")).startswith(GRADED_PREFIX)


def load_module_file(path: Path, module: str) -> types.ModuleType:
    """Execute one module file under a fresh, unique name (never cached between runs)."""
    name = f"{GRADED_PREFIX}{next(_load_counter)}_{module}"
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod  # dataclasses and pickling look the module up by name
    try:
        spec.loader.exec_module(mod)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return mod


@runtime_checkable
class Loader(Protocol):
    """How the tests reach the graded code, one module (topic) at a time.

    ``LocalLoader`` loads a folder in this process (and sets ``limits_calls``: the tests time its
    calls, ``keraskit.calllimit``); the isolated grader's loader
    (``keraskit.autograde.judge.IsolatedLoader``) runs the code in a sandboxed worker; a
    notebook's (``keraskit.nbgrader.checks.NotebookLoader``) hands over what the notebook defined.
    A plugin offers one through the ``pytest_keraskit_loader`` hook (``keraskit.hookspecs``).
    """

    root: object  # where the graded code is: a folder or a label, as messages show it

    def describe(self, module: str) -> str:
        """Where ``module`` is (or should be), as a student reads it."""

    def load(self, module: str) -> object:
        """An object whose attributes are the module's functions; ``ModuleMissing`` if there is none."""


def missing_loader_members(candidate) -> list[str]:
    """What ``candidate`` lacks of the ``Loader`` protocol (an empty list: it is a loader)."""
    missing = [] if hasattr(candidate, "root") else ["root"]
    return missing + [f"{name}(module)" for name in ("describe", "load")
                      if not callable(getattr(candidate, name, None))]


class LocalLoader:
    """Loads the graded modules from a folder, in this process (a ``Loader``)."""

    limits_calls = True  # graded code runs here: each call gets a time limit (keraskit.calllimit)

    def __init__(self, root: Path):
        self.root = Path(root)
        self._cache: dict[str, types.ModuleType] = {}

    def describe(self, module: str) -> str:
        """Where ``module`` is (or should be)."""
        return display_path(find_module_file(self.root, module) or self.root / module_name(module))

    def load(self, module: str) -> types.ModuleType:
        if module not in self._cache:
            path = find_module_file(self.root, module)
            if path is None:
                raise ModuleMissing(f"no {module}.py in {self.root}")
            imports.check_file(path)  # the grader's rule on imports, before the module runs
            self._cache[module] = load_module_file(path, module)
        return self._cache[module]


_short_repr = reprlib.Repr()
_short_repr.maxlist = _short_repr.maxtuple = 6
_short_repr.maxstring = 40
_short_repr.maxother = 60
_short_repr.maxlevel = 3
ARGUMENT_LIMIT = 80  # one argument on the "called:" line
CALL_LIMIT = 300  # the whole "called:" line


def short_repr(value) -> str:
    """A call argument in at most about ``ARGUMENT_LIMIT`` characters."""
    text = _short_repr_of(value)
    if len(text) <= ARGUMENT_LIMIT:
        return text
    if type(value) in (list, tuple):
        try:
            import numpy as np
            shape = np.shape(value)
            return f"<{type(value).__name__} shape={shape}>"
        except Exception:  # noqa: BLE001 - a ragged list has no shape
            return f"<{type(value).__name__} len={len(value)}>"
    return text[: ARGUMENT_LIMIT - 4] + " ...>"


def _short_repr_of(value) -> str:
    """A call argument as a student can read it: arrays as lists, long things elided."""
    try:
        import numpy as np
        if isinstance(value, np.ndarray):
            if value.ndim == 0:
                return repr(value.item())
            if value.ndim > 2 or value.size > 12:
                return f"<array shape={value.shape} dtype={value.dtype}>"
            text = np.array2string(value, precision=6, separator=", ", max_line_width=10_000)
            return f"np.array({' '.join(text.split())})"
    except Exception:  # noqa: BLE001 - a repr must never fail a test
        pass
    cls = type(value)
    if cls.__module__.startswith("keras"):
        return f"<{cls.__name__}>"
    try:
        return _short_repr.repr(value)
    except Exception:  # noqa: BLE001 - a repr must never fail a test
        return f"<{cls.__name__}>"


def describe_call(function: str, args: tuple, kwargs: dict) -> str:
    parts = [short_repr(a) for a in args] + [f"{k}={short_repr(v)}" for k, v in kwargs.items()]
    text = f"{function}({', '.join(parts)})"
    return text if len(text) <= CALL_LIMIT else text[: CALL_LIMIT - 5] + " ...)"


class FunctionMissing(AttributeError):
    """The graded module has no function of the name a test asked for."""


@dataclass
class CallLog:
    """The calls a test made into graded code, newest last, for failure messages."""
    calls: list[str] = field(default_factory=list)
    # Whether the newest call returned None: an error the test raises afterwards (unpacking it,
    # reading .shape) is then a missing return, not the student's code raising.
    returned_none: bool = False

    paused: bool = False  # calls a diagnosis makes are not the call a failure reports

    def record(self, text: str) -> None:
        if self.paused:
            return
        self.calls.append(text)
        del self.calls[:-3]


# An attribute set on an exception that left graded code through a logged call (or its lookup):
# the student's code raised it, not the test's own checks after the call returned. An attribute,
# not a reference kept in the log, so a failed test's frames can be let go.
RAISED_BY_CALL = "_keraskit_raised_by_call"


def mark_raised_by_call(error: BaseException) -> None:
    with contextlib.suppress(Exception):  # an exception type without a __dict__ stays unmarked
        setattr(error, RAISED_BY_CALL, True)


def raised_by_call(error: BaseException) -> bool:
    return getattr(error, RAISED_BY_CALL, False) is True


@contextlib.contextmanager
def unlogged(graded: GradedModule):
    """Calls into ``graded`` inside the block are left out of the call log: a diagnosis that runs
    the answer again (``expect.misconception(diagnose)``) leaves the failure's "called" line on
    the call that failed."""
    log = graded._GradedModule__log
    before, log.paused = log.paused, True
    try:
        yield
    finally:
        log.paused = before


class GradedModule:
    """What a test's module fixture returns: the graded module, with every call logged.

    Attribute access is resolved lazily, so a test of one exercise is not blocked by another
    function missing from the file. With ``limits`` (code that runs in this process), loading the
    module and each call are timed, and charged to ``exercise`` (the test's) when they time out.
    """

    def __init__(self, name: str, loader, log: CallLog, limits: calllimit.CallLimits | None = None,
                 exercise: str | None = None):
        self.__name = name
        self.__loader = loader
        self.__log = log
        self.__limits = limits
        self.__exercise = exercise

    def __load(self):
        limits = self.__limits
        if limits is None:
            return self.__loader.load(self.__name)
        return limits.call(f"load:{self.__name}", limits.for_import(self.__name), self.__loader.load, self.__name,
                           importing=True)

    def __getattr__(self, attr: str):
        try:
            module = self.__load()
        except BaseException as exc:  # missing, or does not import: no answer to any check
            expect.mark_not_an_answer(exc)
            raise
        try:
            value = getattr(module, attr)
        except AttributeError:
            missing = FunctionMissing(
                f"{self.__name}.py has no `{attr}`: keep the exercise's function name and signature")
            expect.mark_not_an_answer(missing)
            raise missing from None
        if not callable(value):
            return value
        log = self.__log
        name = self.__name
        limits = self.__limits
        key = self.__exercise or f"{name}.{attr}"

        def call(*args, **kwargs):
            if limits is not None:
                limits.check(key)  # an earlier call of this exercise timed out: this one is not made
            log.record(describe_call(f"{name}.{attr}", args, kwargs))
            log.returned_none = False
            tfruntime.configure()  # the answer's module may have imported TensorFlow just now
            try:
                if limits is None:
                    result = value(*args, **kwargs)
                else:
                    result = limits.call(key, limits.for_topic(name), value, *args, **kwargs)
            except BaseException as exc:
                mark_raised_by_call(exc)
                raise
            log.returned_none = result is None
            return result

        call.__name__ = attr
        call.__wrapped__ = value
        return call

    def __repr__(self) -> str:
        return f"<graded module {self.__name}>"
