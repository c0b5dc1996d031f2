"""What a run of graded code in this process adds to the plugin: call limits, and errors that are not
the student's told as such.

Registered by ``keraskit.plugin`` when the graded code runs here (``target.LocalLoader``: the
student's ``pytest exercises/``, ``keraskit check`` and ``keraskit watch``, an instructor's local
run). The isolated grader and the notebook checks have limits of their own and keep pytest's
defaults.

* Every call into graded code has a time limit (``keraskit.calllimit``); pytest-timeout, which
  would wait again for every test and print its own text, does not time the exercise tests.
* A topic's test file that cannot be loaded (TensorFlow that does not import, a broken kit file)
  is one line saying so and what to do, and the other files still run: a broken TensorFlow costs
  the model topics, not the board.
"""

from __future__ import annotations

import pytest

from keraskit import calllimit, catalogue, selection
from keraskit.i18n import t

LIMITS_KEY = pytest.StashKey[calllimit.CallLimits]()
# Packages whose failure to import is the installation's, not the kit's or the student's.
TENSORFLOW_PACKAGES = ("tensorflow", "keras", "tf_keras", "tensorboard", "ml_dtypes", "h5py", "google")
LINE_LIMIT = 200  # characters of the error quoted in the one line


def make_limits(config) -> calllimit.CallLimits:
    """The run's call limits: ``--call-limit`` / ``KERASKIT_CALL_LIMIT``, else the per-topic defaults."""
    from keraskit import target
    try:
        seconds = calllimit.configured_limit(config.getoption("call_limit"))
    except ValueError as exc:
        source, value = exc.args
        raise pytest.UsageError(t("calllimit.bad_value", source=source, value=repr(value))) from None
    model_topics = [topic.id for topic in catalogue.load().topics if topic.slow]
    return calllimit.CallLimits(seconds, model_topics=model_topics, is_graded=target.is_graded_frame)


def limits_of(config) -> calllimit.CallLimits | None:
    return config.stash.get(LIMITS_KEY, None)


class StudentLoop:
    """The hooks of a run whose graded code runs in this process."""

    def __init__(self, config):
        self.config = config
        self.unloaded: list[str] = []  # one line per topic test file that could not be loaded

    # ------------------------------------------------------------------ pytest-timeout steps aside

    @pytest.hookimpl(optionalhook=True, tryfirst=True)
    def pytest_timeout_set_timer(self, item, settings):
        return True if _is_exercise_test(item) else None

    @pytest.hookimpl(optionalhook=True, tryfirst=True)
    def pytest_timeout_cancel_timer(self, item):
        return True if _is_exercise_test(item) else None

    # ------------------------------------------------------------------ test files that do not load

    @pytest.hookimpl(wrapper=True)
    def pytest_make_collect_report(self, collector):
        report = yield
        call = report.__dict__.get("call")
        if report.failed and isinstance(collector, pytest.File) and call is not None and call.excinfo \
                and selection.topic_of(collector.path) is not None:
            from keraskit import target
            line = unloaded_line(target.display_path(collector.path), call.excinfo.value)
            report.longrepr = line
            self.unloaded.append(line)
        return report

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtestloop(self, session):
        # pytest stops the whole run at a collection error. When every one is a topic file told
        # above (TensorFlow broken: the model topics' files), the other topics still run.
        if session.testsfailed and session.testsfailed == len(self.unloaded):
            session.config.option.continue_on_collection_errors = True
        return (yield)


    @pytest.hookimpl(trylast=True)
    def pytest_terminal_summary(self, terminalreporter):
        # Under the board too: the board alone would look complete without the model topics.
        for line in self.unloaded:
            terminalreporter.write_line("")
            terminalreporter.write_line(line)


def _is_exercise_test(item) -> bool:
    return item.get_closest_marker("exercise") is not None


# --------------------------------------------------------------------------- explaining

def unloaded_line(path: str, error: BaseException) -> str:
    """One line: ``path`` was not run, why, and what to do; TensorFlow's failure named as such."""
    cause = _root_cause(error)
    quoted = _one_line(cause)
    if blames_tensorflow(error):
        return t("collect.tensorflow", path=path, error=quoted)
    return t("collect.other", path=path, error=quoted)


def _chain(error: BaseException):
    """The error and those it was raised from or while handling, outermost first."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield error
        error = error.__cause__ or error.__context__


def _root_cause(error: BaseException) -> BaseException:
    """The innermost error of the chain (pytest wraps an ImportError in its CollectError)."""
    return list(_chain(error))[-1]


def _one_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    line = f"{type(error).__name__}: {text[0] if text else ''}".rstrip(": ")
    return line if len(line) <= LINE_LIMIT else line[:LINE_LIMIT - 4] + " ..."


def blames_tensorflow(error: BaseException) -> bool:
    """Did TensorFlow or Keras (or a package they load) fail while being imported?

    Either it is missing (``ModuleNotFoundError: No module named 'keras'``), or the error was
    raised while one of their modules was executing (a ``<module>`` frame of theirs: an import),
    as a TensorFlow built against another protobuf or numpy does."""
    for link in _chain(error):
        if isinstance(link, ImportError) and _is_tensorflow_module(link.name or ""):
            return True
        tb = link.__traceback__
        while tb is not None:
            frame = tb.tb_frame
            if frame.f_code.co_name == "<module>" and \
                    _is_tensorflow_module(str(frame.f_globals.get("__name__", ""))):
                return True
            tb = tb.tb_next
    return False


def _is_tensorflow_module(name: str) -> bool:
    return name.partition(".")[0] in TENSORFLOW_PACKAGES


def timeout_lines(error: BaseException, location) -> list[str]:
    """The lines of a failure message after "called:", for a call stopped by its limit (or skipped
    because an earlier one was). ``location(where)`` formats a (path, line, function, source)."""
    first = error.first if isinstance(error, calllimit.CallSkipped) else error
    seconds = f"{first.seconds:g}"
    if isinstance(error, calllimit.CallSkipped):
        lines = [t("calllimit.skipped", seconds=seconds)]
    elif first.importing:
        lines = [t("calllimit.import_timed_out", seconds=seconds)]
    else:
        lines = [t("calllimit.timed_out", seconds=seconds)]
    if first.where is not None:
        lines.append(t("failure.at", location=location(first.where)))
    lines.append(t("calllimit.more_time"))
    return lines
