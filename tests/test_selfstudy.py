"""Self-study commands in a scratch working copy: check, hint, solution, reset, watch, plot."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kitdev.signals import hear_ctrl_c

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def copy(tmp_path):
    """A self-learner's working copy: stubs, visible tests and the reference."""
    work = tmp_path / "work"
    shutil.copytree(ROOT / "exercises", work / "exercises", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "solutions", work / "solutions", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "pyproject.toml", work / "pyproject.toml")
    return work


def keraskit(copy, *args, env=None, timeout=600):
    environ = {k: v for k, v in os.environ.items() if not k.startswith("KERASKIT_")}
    environ.update({"KERASKIT_LANG": "en", **(env or {})})
    return subprocess.run([sys.executable, "-m", "keraskit.cli", *args], cwd=copy, env=environ,
                          capture_output=True, text=True, timeout=timeout)


def solve(copy, topic: str) -> None:
    shutil.copy2(ROOT / "solutions" / f"{topic}.py", copy / "exercises" / f"{topic}.py")


def progress(copy) -> dict:
    return json.loads((copy / ".keraskit" / "progress.json").read_text(encoding="utf-8"))


def test_hints_are_progressive_and_remembered(copy, cat):
    hints = cat.exercise("tensors.normalize").hints["en"]
    first = keraskit(copy, "hint", "tensors.normalize")
    assert first.returncode == 0 and f"Hint 1/{len(hints)} for tensors.normalize: {hints[0]}" in first.stdout
    assert hints[1] not in first.stdout
    second = keraskit(copy, "hint", "tensors.normalize")
    assert f"Hint 2/{len(hints)}" in second.stdout and hints[0] not in second.stdout
    assert progress(copy)["hints_used"] == {"tensors.normalize": 2}
    everything = keraskit(copy, "hint", "losses.mean_squared_error", "--all")
    assert all(h in everything.stdout for h in cat.exercise("losses.mean_squared_error").hints["en"])
    assert "last hint" in everything.stdout


def test_hint_for_an_unknown_exercise_names_the_argument_and_suggests(copy):
    result = keraskit(copy, "hint", "normalize")
    assert result.returncode == 2
    assert "ID: no exercise 'normalize'" in result.stderr and "tensors.normalize" in result.stderr


def test_hints_in_chinese(copy, cat):
    result = keraskit(copy, "hint", "tensors.normalize", env={"KERASKIT_LANG": "zh_CN"})
    assert cat.exercise("tensors.normalize").hints["zh_CN"][0] in result.stdout and "的提示 1/" in result.stdout


def test_solution_is_refused_until_the_exercise_passes(copy):
    refused = keraskit(copy, "solution", "tensors.samples_first")
    assert refused.returncode == 1
    assert "Not yet" in refused.stderr and "not started" in refused.stderr
    assert "def samples_first" not in refused.stdout
    solve(copy, "tensors")
    shown = keraskit(copy, "solution", "tensors.samples_first")
    assert shown.returncode == 0, shown.stderr
    assert "def samples_first(x, sample_axis):" in shown.stdout and "import numpy as np" in shown.stdout
    assert "def normalize" not in shown.stdout, "only the asked exercise (and its helpers) is shown"


def test_solution_with_the_instructor_flag_and_without_a_reference(copy):
    shown = keraskit(copy, "solution", "losses.binary_crossentropy", env={"KERASKIT_INSTRUCTOR": "1"})
    assert shown.returncode == 0 and "def binary_crossentropy" in shown.stdout
    shutil.rmtree(copy / "solutions")
    missing = keraskit(copy, "solution", "losses.binary_crossentropy", env={"KERASKIT_INSTRUCTOR": "1"})
    assert missing.returncode == 1 and "no reference" in missing.stderr


def _next_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("Next")]


def test_check_shows_progress_why_the_current_exercise_fails_and_one_next_line(copy, cat):
    result = keraskit(copy, "check", "tensors")
    assert result.returncode == 1
    out = result.stdout
    assert "[----------]" in out and f"0/{len(cat.topic('tensors').exercises)} done" in out
    assert "(encoding)" not in out
    assert "tensors.samples_first is not started: replace `raise NotImplementedError` in exercises/tensors.py." in out
    assert f"hint:     {cat.exercise('tensors.samples_first').hints['en'][0]}" in out
    assert _next_lines(out) == ["Next: tensors.samples_first in exercises/tensors.py. Make it pass, then run "
                                "`keraskit check` again. Stuck? `keraskit hint tensors.samples_first`"], out
    assert "Current exercise" not in out
    # a wrong answer: the first failure as the pytest board prints it
    (copy / "exercises" / "tensors.py").write_text(
        (ROOT / "solutions" / "tensors.py").read_text(encoding="utf-8")
        + "\n\ndef samples_first(x, sample_axis):\n    return np.swapaxes(np.asarray(x), sample_axis, 0)\n",
        encoding="utf-8")
    wrong = keraskit(copy, "check", "tensors")
    assert wrong.returncode == 1
    assert "FAIL tensors.samples_first: 2 of 3 visible tests fail. The first:" in wrong.stdout, wrong.stdout
    assert "shape: expected (5, 8, 6, 3), got (5, 6, 3, 8)" in wrong.stdout, wrong.stdout
    assert f"hint:     {cat.exercise('tensors.samples_first').hints['en'][0]}" in wrong.stdout
    assert len(_next_lines(wrong.stdout)) == 1
    solve(copy, "tensors")
    solved = keraskit(copy, "check", "tensors")
    assert solved.returncode == 0 and "Every exercise here passes" in solved.stdout
    assert _next_lines(solved.stdout) == []
    assert progress(copy)["done"] == [e.id for e in cat.topic("tensors").exercises]


HANG = "\n\ndef samples_first(x, sample_axis):\n    while True:\n        pass\n"


def test_check_names_the_running_exercise_and_stops_a_hang_in_seconds(copy):
    tensors = copy / "exercises" / "tensors.py"
    tensors.write_text((ROOT / "solutions" / "tensors.py").read_text(encoding="utf-8") + HANG, encoding="utf-8")
    started = time.monotonic()
    result = keraskit(copy, "check", "tensors", "--call-limit", "2")
    assert result.returncode == 1 and time.monotonic() - started < 15
    assert "running tensors.samples_first (a call that does not return is stopped after 2 s) ..." in result.stderr
    assert "FAIL tensors.samples_first: 3 of 3 visible tests fail. The first:" in result.stdout
    assert "what:     the call did not return within 2 s (an endless loop?)" in result.stdout
    assert f"at:       {tensors}:" in result.stdout and "in samples_first:" in result.stdout
    assert "7/8 done" in result.stdout  # the other exercises were checked as usual
    bad = keraskit(copy, "check", "tensors", "--call-limit", "-1")
    assert bad.returncode == 2
    assert bad.stderr.strip() == "keraskit check: --call-limit: expected a number of seconds (0: no limit), got '-1'"


def test_check_rejects_an_unknown_topic(copy):
    result = keraskit(copy, "check", "tensor")
    assert result.returncode == 2 and "TOPIC: no topic 'tensor'" in result.stderr


def test_reset_forgets_progress(copy):
    keraskit(copy, "hint", "tensors.normalize")
    assert (copy / ".keraskit" / "progress.json").exists()
    first = keraskit(copy, "reset")
    assert first.returncode == 0 and "forgotten" in first.stdout
    assert not (copy / ".keraskit" / "progress.json").exists()
    assert "No saved progress" in keraskit(copy, "reset").stdout


def test_commands_outside_a_working_copy_say_so(tmp_path):
    result = keraskit(tmp_path, "hint", "tensors.normalize")
    assert result.returncode == 2 and "no exercises/ folder" in result.stderr


def _read_until(proc, text: str, timeout: float = 120) -> str:
    seen = ""
    deadline = time.monotonic() + timeout
    while text not in seen:
        assert time.monotonic() < deadline, f"watch never printed {text!r}; it printed:\n{seen}"
        line = proc.stdout.readline()
        assert line or proc.poll() is None, f"watch ended early:\n{seen}"
        seen += line
    return seen


def test_watch_reruns_on_save_moves_on_and_quits_on_ctrl_c(copy):
    environ = {k: v for k, v in os.environ.items() if not k.startswith("KERASKIT_")}
    environ.update({"KERASKIT_LANG": "en", "KERASKIT_CALL_LIMIT": "2"})
    proc = subprocess.Popen([sys.executable, "-m", "keraskit.cli", "watch", "--poll", "0.1"], cwd=copy,
                            env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=hear_ctrl_c)
    try:
        _read_until(proc, "tensors.samples_first is not started")
        _read_until(proc, "hint:")
        stub = (copy / "exercises" / "tensors.py").read_text(encoding="utf-8")
        docstring_end = '    中文：把样本所在的轴移到第 0 轴，其余轴保持原来的顺序。\n    """\n'
        wrong = stub.replace(docstring_end + "    raise NotImplementedError",
                             docstring_end + "    return np.asarray(x)", 1)
        assert wrong != stub
        (copy / "exercises" / "tensors.py").write_text(wrong, encoding="utf-8")
        _read_until(proc, "FAIL tensors.samples_first")
        hanging = wrong.replace("return np.asarray(x)", "while True:\n        pass")
        (copy / "exercises" / "tensors.py").write_text(hanging, encoding="utf-8")
        hung = _read_until(proc, "did not return within 2 s (an endless loop?)")
        assert "FAIL tensors.samples_first: 3 of 3" in hung
        solve(copy, "tensors")
        out = _read_until(proc, "Now: tensors.image_batch_shape")
        assert "PASS tensors.samples_first" in out
        proc.send_signal(signal.SIGINT)
        rest, err = proc.communicate(timeout=60)
        assert "Stopped watching." in rest and proc.returncode == 0
        assert "Traceback" not in err
        # named while the hanging run waited (a quick run prints no such line when not on a terminal)
        assert "running tensors.samples_first (a call that does not return is stopped after 2 s) ..." in err
    finally:
        if proc.poll() is None:
            proc.kill()


def test_plot_history_draws_both_curves_of_each_metric(tmp_path):
    from keraskit.plots import plot_history
    history = {"loss": [5.0, 3.0, 2.0], "val_loss": [6.0, 4.0, 4.5],
               "mean_absolute_percentage_error": [50.0, 30.0, 20.0],
               "val_mean_absolute_percentage_error": [55.0, 40.0, 41.0]}
    out = tmp_path / "curves.png"
    drawn = plot_history(history, out)
    assert drawn == list(history)
    _assert_png_with_two_line_colours(out)
    with pytest.raises(ValueError, match="history"):
        plot_history({"accuracy": [1.0]}, tmp_path / "bad.png")


def _assert_png_with_two_line_colours(path: Path) -> None:
    import matplotlib.image
    import numpy as np
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pixels = matplotlib.image.imread(path)[..., :3]
    for colour in ("#1f77b4", "#ff7f0e"):  # the first two default line colours: train and validation
        rgb = np.array([int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
        assert (np.abs(pixels - rgb).max(axis=-1) < 0.02).sum() > 50, f"no {colour} curve in the image"


@pytest.mark.slow  # trains the chapter's Boston model
def test_plot_boston_trains_and_saves_a_real_png(copy):
    out = copy / "boston.png"
    result = keraskit(copy, "plot", "boston", "--out", str(out), "--instructor", "--epochs", "3")
    assert result.returncode == 0, result.stderr
    _assert_png_with_two_line_colours(out)
    refused = keraskit(copy, "plot", "boston", "--out", str(copy / "x.png"), "--epochs", "1")
    assert refused.returncode == 1 and "NotImplementedError" in refused.stderr
