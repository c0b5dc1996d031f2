"""A hang costs seconds: each call into graded code run in this process has a time limit.

The mechanism (``keraskit.calllimit``) in-process, both ways of stopping a call; then what a
student sees from ``pytest exercises/`` (``test_selfstudy.py`` covers ``check`` and ``watch``).
"""

import os
import signal
import subprocess
import sys
import threading
import time
import tomllib
from pathlib import Path

import pytest

from keraskit import calllimit, catalogue, studentloop, target

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 0.3  # seconds: the in-process tests stop their loops this fast

SPIN = '''
import time

def spin():
    count = 0
    while True:
        count += 1

def sleep_forever():
    time.sleep(3600)

def catch_once():
    try:
        while True:
            pass
    except BaseException:
        pass
    give_up = time.monotonic() + 5  # without a second stop this returns late, never hangs the test
    while time.monotonic() < give_up:
        pass

def swallow_and_return():
    try:
        while True:
            pass
    except BaseException:
        return "late"

def quick(x):
    return x + 1
'''


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A graded module (loaded as the kit loads a student's): ``target.is_graded_frame`` knows it."""
    path = tmp_path_factory.mktemp("graded") / "looping.py"
    path.write_text(SPIN, encoding="utf-8")
    return target.load_module_file(path, "looping")


def limits(seconds=LIMIT):
    return calllimit.CallLimits(seconds, is_graded=target.is_graded_frame)


def _line_of(graded, text: str) -> int:
    lines = Path(graded.__file__).read_text(encoding="utf-8").splitlines()
    return lines.index(text) + 1


def _assert_stopped_in_spin(error, graded):
    path, line, function, source = error.where
    assert (Path(path), function) == (Path(graded.__file__), "spin")
    assert (line, source) in {(_line_of(graded, "    while True:"), "while True:"),
                              (_line_of(graded, "        count += 1"), "count += 1")}


def test_an_endless_loop_is_stopped_at_its_line_and_the_exercise_is_given_up(graded):
    guard = limits()
    started = time.monotonic()
    with pytest.raises(calllimit.CallTimedOut) as stopped:
        guard.call("looping.spin", LIMIT, graded.spin)
    assert LIMIT <= time.monotonic() - started < LIMIT + 2
    assert stopped.value.seconds == LIMIT and not stopped.value.importing
    _assert_stopped_in_spin(stopped.value, graded)
    # every later call charged to the exercise ends at once, even one that would return
    started = time.monotonic()
    with pytest.raises(calllimit.CallSkipped) as skipped:
        guard.call("looping.spin", LIMIT, graded.quick, 1)
    assert time.monotonic() - started < 0.1 and skipped.value.first is stopped.value
    assert guard.call("another.exercise", LIMIT, graded.quick, 1) == 2  # other exercises go on
    assert signal.getitimer(signal.ITIMER_REAL)[1] == 0, "the call's repeating alarm was left behind"
    assert "_with_alarm" not in getattr(signal.getsignal(signal.SIGALRM), "__qualname__", "")


def test_a_sleep_and_a_loop_that_catches_the_first_stop_are_stopped_too(graded):
    for function in (graded.sleep_forever, graded.catch_once):
        started = time.monotonic()
        with pytest.raises(calllimit.CallTimedOut):
            limits().call("looping.x", LIMIT, function)
        assert time.monotonic() - started < LIMIT + calllimit.REFIRE + 2


def test_a_module_that_never_finishes_loading_ends_its_tests_at_once(tmp_path):
    # stuck for 5 s, not for ever: without a limit the test fails then instead of hanging
    (tmp_path / "stuck.py").write_text("import time\n\ngive_up = time.monotonic() + 5\n"
                                       "while time.monotonic() < give_up:\n    time.sleep(0.01)\n", encoding="utf-8")
    guard = limits()
    module = target.GradedModule("stuck", target.LocalLoader(tmp_path), target.CallLog(), guard, "stuck.f")
    started = time.monotonic()
    with pytest.raises(calllimit.CallTimedOut) as stopped:
        module.f()
    assert stopped.value.importing and time.monotonic() - started < LIMIT + 2
    path, line, function, _ = stopped.value.where
    assert (Path(path), function) == (tmp_path / "stuck.py", "<module>") and line in (4, 5)
    for _ in range(2):  # every later test of the topic, whatever its exercise
        again = target.GradedModule("stuck", target.LocalLoader(tmp_path), target.CallLog(), guard, "stuck.g")
        with pytest.raises(calllimit.CallSkipped):
            again.g()
    assert time.monotonic() - started < LIMIT + 2


def test_a_call_that_catches_the_stop_and_returns_late_still_timed_out(graded):
    with pytest.raises(calllimit.CallTimedOut):
        limits().call("looping.x", LIMIT, graded.swallow_and_return)


def test_without_the_main_thread_a_watchdog_thread_stops_the_loop(graded):
    """Windows has no SIGALRM, and a call outside the main thread cannot use it either."""
    outcome = {}

    def run():
        try:
            limits().call("looping.spin", LIMIT, graded.spin)
        except calllimit.CallTimedOut as exc:
            outcome["error"] = exc
        outcome["quick"] = limits().call("looping.quick", LIMIT, graded.quick, 1)

    started = time.monotonic()
    worker = threading.Thread(target=run)
    worker.start()
    worker.join(30)
    assert not worker.is_alive() and time.monotonic() - started < LIMIT + 2
    _assert_stopped_in_spin(outcome["error"], graded)
    assert outcome["quick"] == 2  # the next call is not hit by a stale stop
    time.sleep(calllimit.REFIRE + 0.2)  # nor is the thread later


def test_an_outer_alarm_is_put_back_with_the_time_it_had_left(graded):
    rang = []

    def outer_handler(signum, frame):
        rang.append(signum)

    previous = signal.signal(signal.SIGALRM, outer_handler)
    outer = signal.setitimer(signal.ITIMER_REAL, 100)
    try:
        with pytest.raises(calllimit.CallTimedOut):
            limits().call("looping.spin", LIMIT, graded.spin)
        left, interval = signal.getitimer(signal.ITIMER_REAL)
        assert 98 < left <= 100 and interval == 0 and not rang
        assert signal.getsignal(signal.SIGALRM) is outer_handler
    finally:
        signal.setitimer(signal.ITIMER_REAL, *outer)
        signal.signal(signal.SIGALRM, previous)


def test_nothing_fires_while_a_debugger_is_on_the_stack(graded):
    namespace = {"__name__": "bdb"}  # a frame of pdb's machinery, as when a student steps through code
    exec("def stepping(f):\n    return f()\n", namespace)
    seconds = 0.1

    def slow():
        time.sleep(3 * seconds)
        return "done"

    assert limits(seconds).call("looping.x", seconds, namespace["stepping"], slow) == "done"


def test_limits_per_topic_and_what_the_option_accepts():
    cat = catalogue.load()
    defaults = calllimit.CallLimits(None, model_topics=[t.id for t in cat.topics if t.slow],
                                    is_graded=target.is_graded_frame)
    assert defaults.for_topic("tensors") == calllimit.NUMPY_LIMIT == 10
    assert defaults.for_topic("training") == defaults.for_topic("models") == calllimit.MODEL_LIMIT == 60
    assert defaults.for_import("tensors") == calllimit.IMPORT_LIMIT  # an import may load TensorFlow
    assert limits(2).for_topic("training") == limits(2).for_import("tensors") == 2
    assert limits(0).for_import("tensors") == 0
    assert calllimit.parse_limit(" 2.5 ", "--call-limit") == 2.5
    for bad in ("soon", "-1", "nan", "inf", ""):
        with pytest.raises(ValueError, match="--call-limit"):
            calllimit.parse_limit(bad, "--call-limit")


def test_the_readme_states_the_default_limits():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"{calllimit.NUMPY_LIMIT:g} s" in text and f"{calllimit.MODEL_LIMIT:g} s" in text
    assert f"{calllimit.NUMPY_LIMIT:g} 秒" in text and f"{calllimit.MODEL_LIMIT:g} 秒" in text
    assert calllimit.LIMIT_ENV in text and "--call-limit" in text


# --------------------------------------------------------------------------- what a student sees

HANG = "def samples_first(x, sample_axis):\n    while True:\n        pass\n"


def run_pytest(*args, env=None, timeout=120):
    # CI (or BUILD_NUMBER) makes pytest print whole messages in its short summary too: a student's
    # run, counted here, has neither.
    environ = {k: v for k, v in os.environ.items()
               if not k.startswith(("KERASKIT_", "TF_", "PYTEST_")) and k not in ("CI", "BUILD_NUMBER")}
    environ.update(env or {})
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args], cwd=ROOT,
                          env=environ, capture_output=True, text=True, timeout=timeout)
    return done, time.monotonic() - started


def hanging_copy(folder: Path, module: str, replacement: str) -> Path:
    """A submission: the reference ``module`` with one function replaced by ``replacement``."""
    source = (ROOT / "solutions" / f"{module}.py").read_text(encoding="utf-8")
    (folder / f"{module}.py").write_text(source + "\n\n" + replacement, encoding="utf-8")
    return folder


def test_an_endless_loop_ends_the_exercise_in_seconds_with_its_line(tmp_path):
    """The limit set by the environment variable (``check`` passes ``--call-limit`` on: test_selfstudy.py).

    PYTEST_TIMEOUT, shorter still, is left alone by exercise tests: pytest-timeout never speaks."""
    submission = hanging_copy(tmp_path, "tensors", HANG)
    done, seconds = run_pytest("exercises/tests/test_tensors.py", "--target", str(submission),
                               "--exercise", "tensors.samples_first",
                               env={calllimit.LIMIT_ENV: "1.5", "PYTEST_TIMEOUT": "1"})
    out = done.stdout
    assert done.returncode == 1 and seconds < 15, (seconds, out[-3000:])
    assert out.count("did not return within 1.5 s (an endless loop?)") == 3, out[-3000:]
    assert out.count("skipped: an earlier call did not return within 1.5 s") == 2
    line = (submission / "tensors.py").read_text(encoding="utf-8").splitlines().index("    while True:") + 1
    assert f"at:       {submission / 'tensors.py'}:{line} in samples_first: while True:" in out \
        or f"at:       {submission / 'tensors.py'}:{line + 1} in samples_first: pass" in out
    assert "samples_first   1 pt  failing" in out
    for pytest_timeout_text in ("Timeout", "Traceback", "raised an error before returning"):
        assert pytest_timeout_text not in out + done.stderr


def test_the_students_settings_give_pytest_timeout_nothing_to_say():
    """pyproject.toml is the students' pytest configuration too: no per-test timeout there (the kit's
    own tests get theirs from tests/conftest.py), so no timeout header and no timeout text."""
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"]
    assert not any(key.startswith("timeout") for key in settings), settings


def test_a_bad_limit_is_named(capsys):
    code = pytest.main([str(ROOT / "exercises" / "tests" / "test_tensors.py"), "--rootdir", str(ROOT),
                        "-p", "no:cacheprovider", "--call-limit", "soon"])
    assert code == pytest.ExitCode.USAGE_ERROR
    assert "--call-limit: expected a number of seconds (0: no limit), got 'soon'" in capsys.readouterr().err


@pytest.mark.slow
def test_the_default_limit_of_a_numpy_topic_is_the_documented_one(tmp_path):
    submission = hanging_copy(tmp_path, "tensors", "import time\n\n" + HANG.replace("pass", "time.sleep(0.05)"))
    done, seconds = run_pytest("exercises/tests/test_tensors.py", "--target", str(submission),
                               "--exercise", "tensors.samples_first")
    assert f"did not return within {calllimit.NUMPY_LIMIT:g} s" in done.stdout
    assert calllimit.NUMPY_LIMIT <= seconds < calllimit.NUMPY_LIMIT + 5, seconds


@pytest.mark.slow
def test_a_training_exercise_that_hangs_ends_within_its_limit_plus_5_s(tmp_path):
    """Measured against the same run of the honest reference: what the hang adds is the limit."""
    args = ("exercises/tests/test_training.py", "--exercise", "training.train")
    honest, honest_seconds = run_pytest(*args, "--instructor", timeout=600)
    assert honest.returncode == 0, honest.stdout[-3000:]
    slow_loop = "import time\n\ndef train(*args, **kwargs):\n    while True:\n        time.sleep(0.05)\n"
    submission = hanging_copy(tmp_path, "training", slow_loop)
    done, seconds = run_pytest(*args, "--target", str(submission), timeout=600)
    assert f"did not return within {calllimit.MODEL_LIMIT:g} s" in done.stdout, done.stdout[-3000:]
    assert "skipped: an earlier call did not return" in done.stdout
    assert seconds - honest_seconds < calllimit.MODEL_LIMIT + 5, (seconds, honest_seconds)


def test_an_import_error_of_tensorflow_is_named_and_a_kit_error_is_not_blamed_on_it():
    try:
        raise ModuleNotFoundError("No module named 'keras'", name="keras")
    except ModuleNotFoundError as exc:
        missing = exc
    assert studentloop.blames_tensorflow(missing)
    assert "TensorFlow/Keras does not import" in studentloop.unloaded_line("x.py", missing)
    other = studentloop.unloaded_line("exercises/tests/test_models.py", NameError("name 'mc' is not defined"))
    assert "TensorFlow" not in other and "NameError: name 'mc' is not defined" in other
    assert "not your code" in other
