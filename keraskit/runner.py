"""Run exercise test suites in this process and get per-exercise results back as data.

Used by the kit's own tests (strength and mutant checks), ``keraskit check`` and the in-process
grading path. The same pytest plugin runs underneath, so results equal those of a plain
``pytest`` call on the same files.
"""

from __future__ import annotations

import contextlib
import io
import sys
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from keraskit import outcome
from keraskit.plugin import (
    PROP_DETAIL,
    PROP_EXERCISE,
    PROP_HINT,
    PROP_MESSAGE,
    PROP_MISCONCEPTION,
    PROP_OUTCOME,
    PROP_WHAT,
    report_property,
)


@dataclass(frozen=True)
class TestResult:
    nodeid: str
    exercise: str
    outcome: str  # outcome.TEST_PASSED / TEST_FAILED / TEST_NOT_STARTED
    message: str | None
    # A failure's parts (see plugin.Failure): its what-line, the lines under it, its hint.
    what: str | None = None
    detail: str | None = None
    hint: str | None = None
    misconception: str | None = None  # the catalogue id of the mistake the failing check named


class CollectionError(RuntimeError):
    """pytest stopped the run because test files could not be collected; the message says which
    and why. Not a Ctrl-C, and never a grade: a caller reports it as the kit's problem."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class RunResult:
    exit_code: int
    tests: list[TestResult] = field(default_factory=list)
    output: str = ""
    # Test files that could not be loaded, one message each (the run went on without them).
    collection_errors: list[str] = field(default_factory=list)

    def outcomes(self) -> dict[str, list[str]]:
        """exercise id -> the outcomes of its tests."""
        grouped: dict[str, list[str]] = defaultdict(list)
        for test in self.tests:
            grouped[test.exercise].append(test.outcome)
        return dict(grouped)

    def statuses(self) -> dict[str, outcome.Status]:
        return {ex: outcome.exercise_status(outs) for ex, outs in self.outcomes().items()}

    def failed_tests(self) -> list[TestResult]:
        return [t for t in self.tests if t.outcome != outcome.TEST_PASSED]


class _Collector:
    def __init__(self):
        self.tests: list[TestResult] = []
        self.interrupted = False
        self.collection_errors: list[str] = []

    def pytest_keyboard_interrupt(self, excinfo):
        # pytest ends the session on Ctrl-C and returns; the caller (the board, ``watch``, a judge)
        # must still hear of it, or a Ctrl-C that lands inside a run is lost. pytest's own stops
        # (errors during collection, -x) are KeyboardInterrupt subclasses too, but no Ctrl-C.
        if excinfo.errisinstance(KeyboardInterrupt) and \
                not excinfo.errisinstance((pytest.Session.Interrupted, pytest.Session.Failed)):
            self.interrupted = True

    def pytest_collectreport(self, report):
        if report.failed:
            self.collection_errors.append(str(report.longrepr).strip())

    def pytest_runtest_logreport(self, report):
        exercise = report_property(report, PROP_EXERCISE)
        if exercise is not None:
            self.tests.append(TestResult(report.nodeid, exercise, report_property(report, PROP_OUTCOME),
                                         report_property(report, PROP_MESSAGE), report_property(report, PROP_WHAT),
                                         report_property(report, PROP_DETAIL), report_property(report, PROP_HINT),
                                         report_property(report, PROP_MISCONCEPTION)))


def run(paths, *, target: Path | str | None = None, instructor: bool = False,
        exercises=(), extra_args=(), plugins=(), capture_output: bool = True, rootdir: Path | None = None) -> RunResult:
    """Run the test files/folders ``paths`` against ``target`` (default: exercises/) and collect results."""
    args = [str(p) for p in paths]
    args += ["-p", "no:cacheprovider", "-q", "--no-header"]
    # pytest's unraisable-exception plugin forces full garbage collections at the end of every
    # run: seconds each once TensorFlow's objects are on the heap, for warnings that never change
    # an outcome. In-process runs come by the hundred (every mutant), so they go without it.
    args += ["-p", "no:unraisableexception"]
    if rootdir is not None:
        args += ["--rootdir", str(rootdir)]
    if target is not None:
        args += ["--target", str(target)]
    if instructor:
        args.append("--instructor")
    for exercise in exercises:
        args += ["--exercise", exercise]
    args += list(extra_args)
    collector = _Collector()
    buffer = io.StringIO()
    redirect = contextlib.redirect_stdout(buffer) if capture_output else contextlib.nullcontext()
    before = set(sys.modules)
    try:
        with redirect:
            code = pytest.main(args, plugins=[collector, *plugins])
    finally:
        # Visible and hidden suites share file names (test_<module>.py); depending on the rootdir
        # pytest may name both modules alike, and a later run in this process would then reuse
        # the wrong file: the test modules (and conftests) this run imported are dropped.
        forget_modules(before, lambda path: path.name.startswith(("test_", "conftest")))
    if collector.interrupted:
        raise KeyboardInterrupt
    if code == pytest.ExitCode.INTERRUPTED and collector.collection_errors:
        raise CollectionError(collector.collection_errors)
    return RunResult(int(code), collector.tests, buffer.getvalue(), collector.collection_errors)


def forget_modules(before: set[str], chosen: Callable[[Path], bool]) -> None:
    """Drop from ``sys.modules`` the modules imported since ``before`` whose file is ``chosen``."""
    for name in set(sys.modules) - before:
        module_file = getattr(sys.modules.get(name), "__file__", None)
        if module_file and chosen(Path(module_file)):
            del sys.modules[name]
