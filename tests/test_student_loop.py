"""What a student sees: the board, "not started", short teaching failures, no TensorFlow noise."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from keraskit import runner

ROOT = Path(__file__).resolve().parents[1]
TF_NOISE = ("oneDNN", "absl::InitializeLog", "cuda", "tensorflow/core", "I0000", "W0000")


def run_pytest(*args, cwd=ROOT, env=None):
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("KERASKIT_", "TF_"))}
    environ.update(env or {})
    return subprocess.run([sys.executable, "-m", "pytest", *args], cwd=cwd, env=environ,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def stub_board():
    return run_pytest("exercises/")


def test_stubs_exit_1_with_a_board_of_not_started_rows(stub_board, cat):
    assert stub_board.returncode == 1, stub_board.stdout[-2000:]
    out = stub_board.stdout
    assert "keraskit board" in out
    for topic in cat.topics:
        assert f"({topic.id})" in out, f"no board row for {topic.id}"
        assert f"0/{len(topic.exercises)} done" in out
    for exercise in cat.exercises:
        assert any(line.split()[:1] == [exercise.function] and line.rstrip().endswith("not started")
                   for line in out.splitlines()), f"{exercise.id} not shown as not started"
    assert f"0/{len(cat.exercises)} exercises done, 0/{cat.points} points" in out
    assert "Next: tensors.samples_first in exercises/tensors.py" in out


def test_stubs_show_no_traceback_and_no_tensorflow_noise(stub_board):
    everything = stub_board.stdout + stub_board.stderr
    assert "Traceback" not in everything
    assert "NotImplementedError" not in stub_board.stdout.split("keraskit board")[0].replace(
        "still raises NotImplementedError", "")
    assert "FAILURES" not in stub_board.stdout
    for noise in TF_NOISE:
        assert noise not in everything, f"TensorFlow noise on screen: {noise}"


def _student_copy(tmp_path, replacement: str) -> Path:
    """A submission: the reference tensors.py with samples_first replaced."""
    source = (ROOT / "solutions" / "tensors.py").read_text(encoding="utf-8")
    (tmp_path / "tensors.py").write_text(source + "\n\n" + replacement, encoding="utf-8")
    return tmp_path


def test_a_wrong_answer_shows_call_expected_got_and_hint(tmp_path, cat):
    target = _student_copy(tmp_path, "def samples_first(x, sample_axis):\n"
                                     "    return np.swapaxes(np.asarray(x), sample_axis, 0)\n")
    result = run_pytest("exercises/tests/test_tensors.py", "--target", str(target),
                        "--exercise", "tensors.samples_first")
    assert result.returncode == 1
    out = result.stdout
    assert "called:   tensors.samples_first(<array shape=(8, 6, 3, 5) dtype=float64>, 3)" in out
    assert "shape: expected (5, 8, 6, 3), got (5, 6, 3, 8)" in out
    assert f"hint:     {cat.exercise('tensors.samples_first').hints['en'][0]}" in out
    assert "keraskit/" not in out.split("keraskit board")[0], "a frame of the kit is shown"
    assert "Traceback" not in out


def test_an_exception_in_student_code_points_at_the_student_line(tmp_path):
    target = _student_copy(tmp_path, "def samples_first(x, sample_axis):\n"
                                     "    return np.moveaxis(x, sample_axis)\n")
    result = run_pytest("exercises/tests/test_tensors.py", "--target", str(target),
                        "--exercise", "tensors.samples_first")
    out = result.stdout
    assert "raised:   TypeError" in out
    assert f"at:       {target / 'tensors.py'}:" in out and "return np.moveaxis(x, sample_axis)" in out


def test_a_module_that_does_not_import_is_reported_plainly(tmp_path):
    (tmp_path / "tensors.py").write_text("def samples_first(x, sample_axis)\n    return x\n")
    result = run_pytest("exercises/tests/test_tensors.py", "--target", str(tmp_path),
                        "--exercise", "tensors.samples_first")
    assert result.returncode == 1
    assert "does not import: SyntaxError" in result.stdout


def test_instructor_flag_and_environment_grade_the_reference():
    for args, env in ((["--instructor"], {}), ([], {"KERASKIT_INSTRUCTOR": "1"})):
        result = run_pytest("exercises/tests/test_tensors.py", *args, env=env)
        assert result.returncode == 0, result.stdout[-2000:]
        assert "grading solutions" in result.stdout


def test_target_environment_variable_and_missing_folder(tmp_path):
    result = run_pytest("exercises/tests/test_tensors.py", env={"KERASKIT_TARGET": str(ROOT / "solutions")})
    assert result.returncode == 0
    result = run_pytest("exercises/tests/test_tensors.py", "--target", str(tmp_path / "nowhere"))
    assert result.returncode != 0 and "--target" in result.stderr


def test_a_missing_module_is_named(tmp_path):
    result = run_pytest("exercises/tests/test_tensors.py", "--target", str(tmp_path))
    assert result.returncode == 1
    assert "no tensors.py found in" in result.stdout


def test_solutions_package_is_locked_without_the_flag():
    code = "import solutions"
    locked = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            env={k: v for k, v in os.environ.items() if k != "KERASKIT_INSTRUCTOR"})
    assert locked.returncode == 1 and "ImportError" in locked.stderr and "KERASKIT_INSTRUCTOR=1" in locked.stderr
    unlocked = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                              env={**os.environ, "KERASKIT_INSTRUCTOR": "1"})
    assert unlocked.returncode == 0, unlocked.stderr


def test_chinese_board_when_asked(tmp_path):
    result = run_pytest("exercises/tests/test_tensors.py", env={"KERASKIT_LANG": "zh_CN"})
    assert "keraskit 进度板" in result.stdout and "未开始" in result.stdout


def test_ctrl_c_inside_an_in_process_run_reaches_the_caller(tmp_path):
    """pytest ends a session on Ctrl-C and returns; ``watch`` and the board must still stop."""
    (tmp_path / "test_interrupted.py").write_text("def test_pressed():\n    raise KeyboardInterrupt\n")
    with pytest.raises(KeyboardInterrupt):
        runner.run([tmp_path / "test_interrupted.py"], rootdir=tmp_path)
    (tmp_path / "test_interrupted.py").write_text("def test_calm():\n    pass\n")
    assert runner.run([tmp_path / "test_interrupted.py"], rootdir=tmp_path).exit_code == 0


def test_a_collection_error_is_not_taken_for_ctrl_c(tmp_path):
    """pytest stops a run at a collection error with its own KeyboardInterrupt subclass: the caller
    hears of a CollectionError naming the file, never of a Ctrl-C."""
    (tmp_path / "test_broken.py").write_text("raise RuntimeError('the file itself is broken')\n")
    with pytest.raises(runner.CollectionError, match="the file itself is broken"):
        runner.run([tmp_path / "test_broken.py"], rootdir=tmp_path)


@pytest.fixture
def broken_tensorflow(tmp_path):
    """A TensorFlow that does not import, as after a protobuf mismatch on a hosted notebook."""
    package = tmp_path / "site" / "tensorflow"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("from google.protobuf import runtime_version_of_another_release\n")
    return {"PYTHONPATH": str(tmp_path / "site")}


def test_a_tensorflow_that_does_not_import_is_one_line_and_the_board_still_shows(broken_tensorflow):
    result = run_pytest("exercises/", env=broken_tensorflow)
    out = result.stdout
    assert result.returncode == 1, out[-3000:]  # failed, not interrupted (2)
    for topic in ("models", "training"):
        assert (f"exercises/tests/test_{topic}.py was not run: TensorFlow/Keras does not import in this Python "
                "(ImportError: cannot import name 'runtime_version_of_another_release'") in out
    assert "`keraskit doctor --student`" in out and "This is not your code" in out
    assert "keraskit board" in out and "Next: tensors.samples_first in exercises/tensors.py" in out
    for raw in ("Traceback", "keras/src/", "Interrupted", "errors during collection"):
        assert raw not in out, f"{raw!r} on screen"


def test_keraskit_check_with_a_broken_tensorflow_says_so_and_is_no_ctrl_c(broken_tensorflow, tmp_path):
    work = tmp_path / "work"  # a working copy: check saves progress in it
    shutil.copytree(ROOT / "exercises", work / "exercises", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "pyproject.toml", work / "pyproject.toml")
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("KERASKIT_", "TF_"))}
    environ.update({**broken_tensorflow, "KERASKIT_LANG": "en"})
    done = subprocess.run([sys.executable, "-m", "keraskit.cli", "check"], cwd=work, env=environ,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 1 and "interrupted" not in done.stderr, done.stderr[-2000:]
    assert done.stdout.count("TensorFlow/Keras does not import in this Python") == 2
    assert "keraskit board" in done.stdout and "(tensors)" in done.stdout and "(models)" not in done.stdout
