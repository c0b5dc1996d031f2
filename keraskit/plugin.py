"""The keraskit pytest plugin: which code is graded, short teaching failures, and the board.

Registered through the ``pytest11`` entry point, so ``pytest exercises/`` picks it up wherever
keraskit is installed. It is inert for tests that carry no ``@pytest.mark.exercise``.
"""

from __future__ import annotations

import difflib
import os
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

from keraskit import (
    board,
    calllimit,
    catalogue,
    environment,
    imports,
    layout,
    outcome,
    quiet,
    selection,
    studentloop,
    target,
    tfruntime,
)
from keraskit.expect import LINE_LIMIT, TYPE, VALUES, ExpectationFailed
from keraskit.i18n import current_language, notice_sink_active, notices_to, t

# Before anything imports TensorFlow. None of the imports above does when loaded; the modules that
# do (oracle, modelcheck) silence it first themselves, and tests/test_architecture.py holds that.
quiet.silence_tensorflow()

LOADER_KEY = pytest.StashKey[object]()
EXPLICIT_PATHS_KEY = pytest.StashKey[frozenset]()
CALL_LOG_KEY = pytest.StashKey[target.CallLog]()

# Property names on a report: the runner, the board and the autograder read them.
PROP_EXERCISE = "keraskit_exercise"
PROP_OUTCOME = "keraskit_outcome"
PROP_MESSAGE = "keraskit_message"
# The parts of a failure's message, for the autograder's feedback: its what-line, what was measured
# (the lines between the what-line and the hint, the inputs among them) and the hint (or None).
PROP_WHAT = "keraskit_what"
PROP_DETAIL = "keraskit_detail"
PROP_HINT = "keraskit_hint"
PROP_MISCONCEPTION = "keraskit_misconception"


def pytest_addoption(parser):
    group = parser.getgroup("keraskit")
    group.addoption("--instructor", action="store_true", default=False,
                    help="grade the reference solutions in solutions/ (also: KERASKIT_INSTRUCTOR=1)")
    group.addoption("--target", metavar="DIR", default=None,
                    help="grade the exercise modules found in DIR (also: KERASKIT_TARGET=DIR)")
    group.addoption("--exercise", metavar="ID", action="append", default=[],
                    help="run only the tests of this exercise (module.function); repeatable")
    group.addoption("--call-limit", metavar="SECONDS", default=None,
                    help=f"stop a call into the graded code after SECONDS (0: never; also: {calllimit.LIMIT_ENV}); "
                         f"default {calllimit.NUMPY_LIMIT:g} s, {calllimit.MODEL_LIMIT:g} s in the model topics")


def pytest_addhooks(pluginmanager):
    from keraskit import hookspecs
    pluginmanager.add_hookspecs(hookspecs)


# Deprecation warnings that libraries raise about themselves are not the student's to act on.
LIBRARY_DEPRECATIONS = (r"ignore::DeprecationWarning:"
                        r"(keras|tensorflow|jax|jaxlib|numpy|google|absl|h5py|ml_dtypes|optree)(\.|$)")


def pytest_configure(config):
    config.addinivalue_line("markers", "exercise(id): the catalogue exercise (module.function) a test grades")
    config.addinivalue_line("filterwarnings", LIBRARY_DEPRECATIONS)
    config.stash[LOADER_KEY] = _make_loader(config)
    if getattr(config.stash[LOADER_KEY], "limits_calls", False):  # graded code runs in this process
        config.stash[studentloop.LIMITS_KEY] = studentloop.make_limits(config)
        config.pluginmanager.register(studentloop.StudentLoop(config), "keraskit-student-loop")
    environment.forget_notes()


def _make_loader(config) -> target.Loader:
    """A plugin's loader (the ``pytest_keraskit_loader`` hook), else the folder chosen here."""
    offered = config.hook.pytest_keraskit_loader(config=config)
    if offered is not None:
        missing = target.missing_loader_members(offered)
        if missing:
            raise pytest.UsageError(
                f"pytest_keraskit_loader returned {type(offered).__name__!r}, which is not a keraskit loader "
                f"(keraskit.target.Loader): it lacks {', '.join(missing)}")
        return offered
    chosen = config.getoption("target") or os.environ.get(target.TARGET_ENV)
    if chosen:
        root = Path(chosen).expanduser().resolve()
        if not root.is_dir():
            raise pytest.UsageError(t("cli.not_a_folder_arg", name="--target", path=repr(chosen)))
    elif config.getoption("instructor") or target.instructor_enabled():
        root = layout.Layout(config.rootpath).solutions
    else:
        root = layout.Layout(config.rootpath).exercises
    return target.LocalLoader(root)


def loader_of(config):
    return config.stash[LOADER_KEY]


def _graded_module_fixture(topic_id: str):
    @pytest.fixture(name=topic_id)
    def fixture(request):
        log = request.node.stash.setdefault(CALL_LOG_KEY, target.CallLog())
        return target.GradedModule(topic_id, loader_of(request.config), log,
                                   studentloop.limits_of(request.config), exercise_of(request.node))

    fixture.__name__ = f"graded_{topic_id}"
    return fixture


# One fixture per topic: a test asks for `tensors`, `losses`, ... and gets the graded module.
for _topic in catalogue.load().topic_ids:
    globals()[f"graded_{_topic}"] = _graded_module_fixture(_topic)


def exercise_of(item) -> str | None:
    marker = item.get_closest_marker("exercise")
    return marker.args[0] if marker and marker.args else None


def _check_exercise_markers(items) -> None:
    """Every ``@pytest.mark.exercise(id)`` names a catalogue exercise: a typo is a usage error here,
    not a passing test missing from the board or a KeyError while reporting a failure."""
    known = {e.id for e in catalogue.load().exercises}
    for item in items:
        marker = item.get_closest_marker("exercise")
        if marker is None:
            continue
        exercise_id = marker.args[0] if marker.args else None
        if exercise_id not in known:
            path, _, test = item.nodeid.partition("::")
            close = difflib.get_close_matches(str(exercise_id), sorted(known), n=3, cutoff=0.6)
            suggestion = t("hint.did_you_mean", candidates=", ".join(close)) if close else ""
            raise pytest.UsageError(t("failure.unknown_marker", path=path, test=test or item.name,
                                      exercise=repr(exercise_id), suggestion=suggestion))


def pytest_collection_modifyitems(config, items):
    _check_exercise_markers(items)
    wanted = set(config.getoption("exercise"))
    if not wanted:
        return
    unknown = wanted - {e.id for e in catalogue.load().exercises}
    if unknown:
        raise pytest.UsageError(f"--exercise: not in the catalogue: {', '.join(sorted(unknown))}")
    keep, drop = [], []
    for item in items:
        (keep if exercise_of(item) in wanted else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_ignore_collect(collection_path, config):
    """Leave out another topic's test file when --exercise or -k cannot select any of its tests.

    Collecting the Keras topics' files imports TensorFlow; feedback on one numpy exercise must not
    wait for it. ``keraskit.selection`` decides, conservatively; a file named on the command
    line is always collected.
    """
    wanted = set(config.getoption("exercise"))
    keyword = config.getoption("keyword", "")
    if not wanted and not keyword:
        return None
    topic = selection.topic_of(collection_path)
    if topic is None or collection_path.resolve() in _explicit_paths(config):
        return None
    if wanted and wanted <= {e.id for e in catalogue.load().exercises} and \
            selection.excluded_by_exercises(collection_path, topic, wanted):
        return True
    if keyword and selection.excluded_by_keyword(collection_path, topic, keyword, root=config.rootpath,
                                                 marker_names=_marker_names(config)):
        return True
    return None


def pytest_report_collectionfinish(config, items):
    """Before any test runs: each graded module that imports what the grader lacks (its tests fail
    with the same line, as at the grader)."""
    loader = loader_of(config)
    if isinstance(loader, target.LocalLoader):
        return imports.folder_messages(loader.root, {catalogue.topic_of(e) for e in map(exercise_of, items) if e})
    return None


def _explicit_paths(config) -> frozenset:
    """The files and folders named on the command line (without ::test parts), resolved."""
    if EXPLICIT_PATHS_KEY not in config.stash:
        base = config.invocation_params.dir
        config.stash[EXPLICIT_PATHS_KEY] = frozenset(
            (base / str(arg).split("::")[0]).resolve() for arg in config.args)
    return config.stash[EXPLICIT_PATHS_KEY]


def _marker_names(config) -> list[str]:
    """Registered marker names: a test carries its markers' names as -k keywords."""
    return [line.split(":")[0].split("(")[0].strip() for line in config.getini("markers")]


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    # TensorFlow is imported by now if any test or answer needs it (at collection, or by the
    # answer's module): every test traces with the kit's graph options, as the oracle does.
    tfruntime.configure()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    exercise_id = exercise_of(item)
    if exercise_id is not None and call.when == "call":
        # A failed exercise test shows only the short message built below; pytest's own long
        # traceback (it reads and parses every file in it: tens of ms a test) would be discarded.
        item.repr_failure = _discarded_repr
    try:
        report = yield
    finally:
        item.__dict__.pop("repr_failure", None)
    if exercise_id is None or report.when not in ("setup", "call") or report.skipped:
        return report
    if report.when == "setup" and report.passed:
        return report
    if report.passed:
        report.user_properties.append((PROP_OUTCOME, outcome.TEST_PASSED))
    elif (problem := _environment_problem(call)) is not None:
        # Not the student's failure: skipped, with the one line that says why, and off the board.
        environment.note(problem)
        report.outcome, report.longrepr = "skipped", (str(item.path), item.location[1] or 0, problem)
        return report
    else:
        failure = _explain_failure(item, call, exercise_id)
        report.user_properties.append((PROP_OUTCOME, failure.outcome))
        report.user_properties.append((PROP_MESSAGE, failure.message))
        if failure.what is not None:
            report.user_properties += [(PROP_WHAT, failure.what), (PROP_DETAIL, "\n".join(failure.detail)),
                                       (PROP_HINT, failure.hint), (PROP_MISCONCEPTION, failure.misconception)]
        report.longrepr = failure.message
        # Library log records (TensorFlow's among them) are noise to a student; their own prints stay.
        report.sections = [(title, text) for title, text in report.sections if "Captured log" not in title]
    report.user_properties.append((PROP_EXERCISE, exercise_id))
    return report


def _environment_problem(call) -> str | None:
    """Why a failure is the environment's: TensorFlow does not import, or Keras was imported with
    another backend before the kit could choose TensorFlow (keraskit/environment.py)."""
    return environment.tensorflow_import_failure(call.excinfo.value) or environment.keras_backend_mismatch()


def _discarded_repr(excinfo, style=None) -> str:
    return "replaced by the keraskit message"


CRASH = "crash"  # graded code raised an error of its own (the kind that picks a hint)


@dataclass(frozen=True)
class Failure:
    """A failed exercise test, as a student reads it: the outcome, the whole message, and its parts
    (the what-line, the lines under it, the hint) for the autograder's feedback."""
    outcome: str
    message: str
    what: str | None = None
    detail: tuple[str, ...] = ()
    hint: str | None = None
    kind: str | None = None  # the failure kind; None: no hint of the method is for it
    misconception: str | None = None  # the catalogue id of the mistake whose hint is shown


def _explain_failure(item, call, exercise_id: str) -> Failure:
    """The failure of an exercise test: the exercise, the call, the what-line, what was measured, the hint.

    The what-line follows from where the error came from: the module (missing, not importing, no
    such function), the grader (a time limit, a worker that ended, a value it could not take back),
    the student's call (it raised), or the test's own code after the call returned (a result it
    could not use: None, the wrong kind of object), or a comparison (it names what it measured).
    """
    loader = loader_of(item.config)
    exercise = catalogue.load().exercise(exercise_id)
    path = loader.describe(exercise.topic)
    excinfo = call.excinfo
    if excinfo.errisinstance(NotImplementedError):
        return Failure(outcome.TEST_NOT_STARTED, t("failure.not_started", exercise=exercise_id, path=path))
    log = item.stash.get(CALL_LOG_KEY, None)
    called = [t("failure.called", call=log.calls[-1])] if log and log.calls else []
    error = excinfo.value
    # An exercise's hints are about its method: none answers a missing module or function, a file
    # that does not import, or a call the grader stopped (kind None: no hint is looked for).
    if excinfo.errisinstance((calllimit.CallTimedOut, calllimit.CallSkipped)):
        if not excinfo.errisinstance(calllimit.CallTimedOut) or error.importing:
            called = []  # a skipped call was never made; a module load is no call of the student's
        stopped = studentloop.timeout_lines(error, lambda where: t(
            "failure.location", path=where[0], line=where[1], function=where[2], source=where[3]))
        kind, what, detail = None, stopped[0], stopped[1:]
    elif excinfo.errisinstance(target.ModuleMissing):
        kind, what = None, t("what.missing_module", module=f"{exercise.topic}.py")
        detail = [t("failure.missing_module", module=exercise.topic, root=getattr(loader, "root", ""))]
    elif excinfo.errisinstance(imports.ForeignImport):
        kind, what, detail = None, str(excinfo.value), []
    elif _raised_while_importing(excinfo):
        kind, what = None, t("what.import_failed")
        detail = [t("failure.import_failed", path=path, error=_one_line(excinfo))]
    elif excinfo.errisinstance(target.FunctionMissing):
        kind, what = None, t("what.missing_function", function=exercise.function)
        detail = [t("failure.raised", error=_one_line(excinfo))]
    else:
        kind, what, detail = _explain_result(excinfo, error, log, exercise)
    hint = None if kind is None else hint_for_failure(exercise, kind, error, current_language())
    lines = [exercise_id, *called, what, *detail]
    if hint:
        lines.append(t("failure.hint", hint=hint))
    elif kind is not None:  # no check named the mistake: the way to a nudge, never another step's hint
        lines.append(t("failure.ask_for_hint", exercise=exercise_id))
    named = getattr(error, "misconception", None) if hint else None
    return Failure(outcome.TEST_FAILED, "\n".join(lines), what, (*called, *detail), hint, kind, named)


def _explain_result(excinfo, error, log, exercise) -> tuple[str | None, str, list[str]]:
    """(kind, what-line, detail) of a failure after the module loaded: a comparison, the grader, the
    student's call raising, or the test's own code choking on what the call returned."""
    graded_line = _student_location(excinfo)
    from_call = target.raised_by_call(error) or graded_line is not None
    if isinstance(error, ExpectationFailed):
        detail = [t("expect.where", where=name_parts(error.where, exercise))] if error.where is not None else []
        return error.kind, t(error.what_key()), detail + [error.detail.strip()]
    if isinstance(error, AssertionError):
        return VALUES, t("what.check"), [str(error).strip() or t("failure.assertion_failed")]
    grader_what = getattr(type(error), "failure_what", None) if from_call else None
    if grader_what is not None:  # the isolated grader's own account: a time limit, a worker that ended
        return None, t(f"what.{grader_what}"), [t("failure.grader", error=str(error).strip()[:LINE_LIMIT])]
    if from_call:  # the isolated grader sees no line of the student's code: the what-line says so
        raised = [t("failure.raised", error=_one_line(excinfo))]
        if graded_line is None:
            return CRASH, t("what.raised"), raised
        return CRASH, t("kind.crash"), [*raised, t("failure.at", location=graded_line)]
    # The call returned; the test's own code raised while using the result.
    detail = [t("failure.test_raised", error=_one_line(excinfo))]
    if log is not None and log.returned_none:
        return TYPE, t("what.none"), detail
    return TYPE, t("what.unusable"), detail


def hint_for_failure(exercise, kind: str, error: BaseException, lang: str) -> str | None:
    """The hint shown for this failure: the hint of the misconception its failing check named, or
    None when no check named one (the failure then shows the way to a nudge, `keraskit hint ID`).

    The one place a failure's hint is chosen: the failure block and the autograder's feedback
    both show what it returns. ``kind`` is not used to pick a hint: a hint picked by the kind of
    failure was often about another step."""
    return exercise.hint_for(getattr(error, "misconception", None), lang)


_PART_INDEX = re.compile(r"\[(\d+)\]")


def name_parts(where: str, exercise) -> str:
    """ "result[1][1]" -> "result[1][1] (y_val)" when the catalogue names that part of the result."""
    if not where.startswith("result["):
        return where
    name = exercise.part_name(tuple(int(i) for i in _PART_INDEX.findall(where)))
    return f"{where} ({name})" if name else where


def _one_line(excinfo) -> str:
    text = str(excinfo.value).strip().splitlines()
    line = f"{excinfo.type.__name__}: {text[0] if text else ''}".rstrip(": ")
    return line if len(line) <= LINE_LIMIT else line[: LINE_LIMIT - 4] + " ..."


def _is_graded_frame(entry) -> bool:
    return str(entry.frame.f_globals.get("__name__", "")).startswith("_keraskit_graded_")


def _raised_while_importing(excinfo) -> bool:
    """The graded module failed while being executed (syntax error, error at import time)."""
    if excinfo.errisinstance(SyntaxError):
        return True
    return any(_is_graded_frame(e) and e.frame.code.name == "<module>" for e in excinfo.traceback)


def _student_location(excinfo) -> str | None:
    """The innermost line of graded code in the traceback: the only frame a student needs."""
    entries = [e for e in excinfo.traceback if _is_graded_frame(e)]
    if not entries:
        return None
    entry = entries[-1]
    try:
        source = str(entry.statement).strip().splitlines()[0]
    except Exception:  # noqa: BLE001 - source may be unavailable
        source = ""
    return t("failure.location", path=entry.path, line=entry.lineno + 1, function=entry.name, source=source)


def report_property(report, name: str):
    for key, value in getattr(report, "user_properties", ()):
        if key == name:
            return value
    return None


def pytest_report_teststatus(report, config):
    if report_property(report, PROP_OUTCOME) == outcome.TEST_NOT_STARTED:
        return "not started", "n", ("NOT STARTED", {"yellow": True})
    return None


class BoardReporter:
    """Collects every exercise test's outcome and prints the board at the end of the run."""

    def __init__(self, config):
        self.config = config
        self.outcomes: dict[str, list[str]] = defaultdict(list)
        self.notices: list[str] = []

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item, nextitem):
        # One-time notices of graded code (the Boston "B" column one) go under the board, as kit
        # messages, unless a command running these tests in-process already shows them itself.
        if exercise_of(item) is None or notice_sink_active():
            return (yield)
        with notices_to(self.notices.append):
            return (yield)

    def pytest_runtest_logreport(self, report):
        exercise_id = report_property(report, PROP_EXERCISE)
        if exercise_id is not None:
            self.outcomes[exercise_id].append(report_property(report, PROP_OUTCOME))

    def pytest_terminal_summary(self, terminalreporter):
        for line in environment.noted():  # TensorFlow does not import, or another backend
            terminalreporter.write_line(line)
        if not self.outcomes:
            return
        loader = loader_of(self.config)
        rows = board.summarize(dict(self.outcomes))
        text = board.render(rows, target=target.display_path(loader.root), path_of=loader.describe)
        terminalreporter.write_sep("=", "keraskit")
        terminalreporter.write_line(text)
        for notice in self.notices:
            terminalreporter.write_line("")
            terminalreporter.write_line(notice)


@pytest.hookimpl(trylast=True)
def pytest_sessionstart(session):
    session.config.pluginmanager.register(BoardReporter(session.config), "keraskit-board")
