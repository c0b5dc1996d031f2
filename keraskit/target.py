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

from keraskit import tfruntime
from keraskit.layout import find_module_file, module_name

INSTRUCTOR_ENV = "KERASKIT_INSTRUCTOR"
TARGET_ENV = "KERASKIT_TARGET"

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


def load_module_file(path: Path, module: str) -> types.ModuleType:
    """Execute one module file under a fresh, unique name (never cached between runs)."""
    name = f"_keraskit_graded_{next(_load_counter)}_{module}"
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

    ``LocalLoader`` loads a folder in this process; the isolated grader's loader
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


@dataclass
class CallLog:
    """The calls a test made into graded code, newest last, for failure messages."""
    calls: list[str] = field(default_factory=list)

    paused: bool = False  # calls a diagnosis makes are not the call a failure reports

    def record(self, text: str) -> None:
        if self.paused:
            return
        self.calls.append(text)
        del self.calls[:-3]


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
    function missing from the file.
    """

    def __init__(self, name: str, loader, log: CallLog):
        self.__name = name
        self.__loader = loader
        self.__log = log

    def __getattr__(self, attr: str):
        module = self.__loader.load(self.__name)
        try:
            value = getattr(module, attr)
        except AttributeError:
            raise AttributeError(
                f"{self.__name}.py has no `{attr}`: keep the exercise's function name and signature"
            ) from None
        if not callable(value):
            return value
        log = self.__log
        name = self.__name

        def call(*args, **kwargs):
            log.record(describe_call(f"{name}.{attr}", args, kwargs))
            tfruntime.configure()  # the answer's module may have imported TensorFlow just now
            return value(*args, **kwargs)

        call.__name__ = attr
        call.__wrapped__ = value
        return call

    def __repr__(self) -> str:
        return f"<graded module {self.__name}>"
