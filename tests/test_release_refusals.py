"""In a student release (no solutions/, no grading/), a command that cannot work says why in one
line and fails; nothing promises a reference or prints a 0/0 score."""

import shutil
import sys
from pathlib import Path

import pytest

from keraskit import cli, layout

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def released(tmp_path, monkeypatch):
    """A working copy as `keraskit release` leaves it: exercises only, no reference, no hidden tests."""
    work = tmp_path / "student"
    shutil.copytree(ROOT / "exercises", work / "exercises", ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.chdir(work)
    monkeypatch.setenv("KERASKIT_LANG", "en")
    monkeypatch.delenv("KERASKIT_INSTRUCTOR", raising=False)
    return work


def _one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


def test_solution_says_the_release_holds_no_reference(released, capsys):
    assert cli.main(["solution", "tensors.normalize"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "release holds no reference" in _one_line(err) and "ask your instructor" in err


def test_the_last_hint_does_not_promise_a_reference(released, capsys, cat):
    assert cli.main(["hint", "tensors.normalize", "--all"]) == 0
    out = capsys.readouterr().out
    assert "keraskit solution" not in out
    assert out.strip().splitlines()[-1].startswith("That was the last hint. This release holds no reference")


def test_plot_instructor_says_there_is_no_reference(released, capsys):
    assert cli.main(["plot", "boston", "--out", "curves.png", "--instructor"]) == 2
    assert "holds no reference solutions" in _one_line(capsys.readouterr().err)


def test_grade_without_hidden_tests_refuses_instead_of_scoring_zero(released, capsys, monkeypatch):
    monkeypatch.setattr(layout, "KIT", layout.Layout(released))  # the release's kit: no grading/hidden
    assert cli.main(["grade", "exercises"]) == 2
    out, err = capsys.readouterr()
    assert "Score" not in out + err
    assert "no hidden tests in grading/hidden" in _one_line(err)


def test_the_grader_refuses_off_linux_in_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(sys, "platform", "win32")
    assert cli.main(["grade", str(tmp_path)]) == 2
    assert "runs on Linux only" in _one_line(capsys.readouterr().err)
