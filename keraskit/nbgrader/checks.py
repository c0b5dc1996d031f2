"""The test cells of the generated notebooks: run an exercise's pytest tests on the notebook's code.

A test cell calls ``check("tensors.normalize")``. The kit's own test files are the single source
of the checks: the visible tests travel with the notebook (``tests/test_<topic>.py`` next to it),
the hidden tests stay in the instructor's course folder (``hidden_tests/test_<topic>.py``), and
both run through :mod:`keraskit.runner` with a loader that hands the tests the functions the
notebook defined. The cell prints what happened in plain words; on any failure it raises, which
is what nbgrader scores as 0 (and what stops nothing else: the cells carry the
``raises-exception`` tag, so "Run All" continues).

This runs inside the student's kernel, so a notebook can tamper with it; classes that need
cheat resistance grade the same notebooks with the isolated judge (``keraskit grade``), which
reads only the solution cells (see :mod:`keraskit.nbgrader.extract`).
"""

from __future__ import annotations

import os
import sys
import types
from pathlib import Path

from keraskit import catalogue, environment, layout, outcome, quiet
from keraskit.i18n import t

quiet.silence_tensorflow()  # the runner imports the plugin; nothing may wake TensorFlow loudly

VISIBLE_DIR = "tests"               # next to the notebook, released with it
HIDDEN_DIR = "hidden_tests"         # at the course root, never released
HIDDEN_ENV = "KERASKIT_HIDDEN_TESTS"  # a folder that overrides the course-root search
COURSE_MARKER = "nbgrader_config.py"


class CheckFailed(AssertionError):
    """An exercise's checks did not all pass; the message is the plain-word report."""

    def _render_traceback_(self):
        # IPython shows this instead of a traceback: the report is all a student needs, and the
        # cell still ends in an error, which is how nbgrader recognises a failed test cell.
        return str(self).splitlines()


class ChecksUnavailable(CheckFailed):
    """The tests themselves could not be found or collected (never scored as a pass)."""


class NotebookLoader:
    """A ``keraskit.target.Loader`` whose graded module is the notebook itself. Registered as a
    pytest plugin, it offers itself through the ``pytest_keraskit_loader`` hook."""

    def __init__(self, topic: str, namespace: dict):
        self.topic = topic
        self.namespace = namespace
        self.root = t("nbgrader.this_notebook")

    def pytest_keraskit_loader(self, config):
        return self

    def describe(self, module: str) -> str:
        return self.root

    def load(self, module: str):
        if module != self.topic:
            from keraskit.target import ModuleMissing
            raise ModuleMissing(f"this notebook is {self.topic}, not {module}")
        view = types.ModuleType(module)
        view.__dict__.update(self.namespace)
        return view


def _caller_namespace() -> dict:
    """The notebook's globals: the kernel runs cells in ``__main__``."""
    return vars(sys.modules["__main__"])


def visible_tests(topic: str, start: Path | None = None) -> Path:
    path = Path(start or Path.cwd()) / VISIBLE_DIR / layout.suite_name(topic)
    if not path.is_file():
        raise ChecksUnavailable(t("nbgrader.tests_missing", path=path))
    return path


def hidden_tests(topic: str, start: Path | None = None) -> Path:
    """``hidden_tests/test_<topic>.py`` at the course root: the nearest folder up with nbgrader_config.py."""
    override = os.environ.get(HIDDEN_ENV)
    if override:
        candidates = [Path(override) / layout.suite_name(topic)]
    else:
        here = Path(start or Path.cwd()).resolve()
        candidates = [folder / HIDDEN_DIR / layout.suite_name(topic)
                      for folder in (here, *here.parents) if (folder / COURSE_MARKER).is_file()]
    for path in candidates:
        if path.is_file():
            return path
    raise ChecksUnavailable(t("nbgrader.hidden_missing", topic=topic, start=start or Path.cwd()))


def run_checks(exercise_id: str, test_file: Path, namespace: dict):
    """Run ``exercise_id``'s tests in ``test_file`` against the functions in ``namespace``."""
    from keraskit import runner  # pytest is imported only when a check runs

    topic = catalogue.load().exercise(exercise_id).topic
    before = set(sys.modules)
    try:
        return _run(runner, exercise_id, test_file, topic, namespace)
    finally:
        # pytest caches a test module in sys.modules under its bare name (`test_tensors`), and the
        # visible and hidden files share that name: forget the test modules after every run, or
        # the next run would silently reuse the other file's tests.
        folder = test_file.resolve().parent
        runner.forget_modules(before, lambda path: path.resolve().parent == folder)


def _run(runner, exercise_id: str, test_file: Path, topic: str, namespace: dict):
    return runner.run(
        [test_file], exercises=[exercise_id], plugins=[NotebookLoader(topic, namespace)],
        rootdir=test_file.parent,
        # No project configuration applies here (-c), no cache files are written next to the
        # notebook, and visible and hidden files, both named test_<topic>.py, never collide.
        extra_args=["-c", os.devnull, "--import-mode=importlib", "-p", "no:cacheprovider"],
    )


def report(exercise_id: str, result, *, hidden: bool) -> tuple[bool, str]:
    """(all passed, the plain-word report) for one exercise's run."""
    kind = t("nbgrader.kind_hidden") if hidden else t("nbgrader.kind_visible")
    tests = [r for r in result.tests if r.exercise == exercise_id]
    if not tests:
        # No test ran: a broken or missing test file must never look like a pass.
        detail = result.output.strip().splitlines()[-15:]
        return False, "\n".join([t("nbgrader.no_tests", exercise=exercise_id, kind=kind), *detail])
    failed = [r for r in tests if r.outcome != outcome.TEST_PASSED]
    if not failed:
        return True, t("nbgrader.passed", exercise=exercise_id, count=len(tests), kind=kind)
    status = outcome.exercise_status([r.outcome for r in tests])
    if status is outcome.Status.NOT_STARTED:
        return False, failed[0].message or t("nbgrader.not_started", exercise=exercise_id)
    lines = [t("nbgrader.failed", exercise=exercise_id, failed=len(failed), count=len(tests), kind=kind)]
    for r in failed:
        lines.append("")
        lines.append("- " + r.nodeid.rpartition("::")[2])
        lines.extend("  " + line for line in (r.message or "").splitlines())
    return False, "\n".join(lines)


def check(exercise_id: str, *, hidden: bool = False, namespace: dict | None = None) -> None:
    """Run the visible (or hidden) tests of ``exercise_id`` on this notebook; raise on any failure.

    Returns None on purpose: a test cell that ends in a number is read by nbgrader as partial credit.
    """
    try:
        topic = catalogue.load().exercise(exercise_id).topic
    except KeyError:
        raise ValueError(f"exercise_id: {exercise_id!r} is not in the keraskit catalogue") from None
    test_file = hidden_tests(topic) if hidden else visible_tests(topic)
    result = run_checks(exercise_id, test_file, namespace if namespace is not None else _caller_namespace())
    passed, text = report(exercise_id, result, hidden=hidden)
    if not passed and environment.noted():
        # TensorFlow does not import, or Keras was imported with another backend before the kit:
        # one line with the cause and the fix, and no test called the student's mistake.
        raise ChecksUnavailable(environment.noted()[0])
    if not passed:
        raise CheckFailed(text)
    print(text)
