"""``keraskit check --hidden``: a self-learner with the full kit sees the hidden suites' verdict
beside the board; a student release (no ``grading/hidden``) says in one line why it cannot."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Passes every visible test of normalize (their answers are multiples of 0.25) but not the
# hidden ones (random columns, where rounding to 3 decimals is off by up to 5e-4).
ROUNDED_NORMALIZE = '''

def normalize(x):
    columns, was_1d = _as_columns(x, "x")
    low, high = columns.min(axis=0), columns.max(axis=0)
    scaled = np.round((columns - low) / np.where(high > low, high - low, 1.0), 3)
    return scaled[:, 0] if was_1d else scaled
'''


@pytest.fixture
def release(tmp_path):
    """A student's copy without hidden tests: the stubs and the visible tests only."""
    work = tmp_path / "work"
    shutil.copytree(ROOT / "exercises", work / "exercises", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "pyproject.toml", work / "pyproject.toml")
    return work


def keraskit(copy, *args, lang="en"):
    environ = {k: v for k, v in os.environ.items() if not k.startswith("KERASKIT_")}
    environ["KERASKIT_LANG"] = lang
    return subprocess.run([sys.executable, "-m", "keraskit.cli", *args], cwd=copy, env=environ,
                          capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize("lang, words", [("en", "no hidden tests"), ("zh_CN", "没有隐藏测试")])
def test_check_hidden_in_a_student_release_says_why_not_in_one_line(release, lang, words):
    result = keraskit(release, "check", "tensors", "--hidden", lang=lang)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0] and "--hidden" in lines[0], result.stderr
    assert "grading/hidden" in lines[0]
    assert result.stdout == "", "nothing is graded when the hidden tests cannot run"


def test_check_hidden_shows_what_only_the_hidden_tests_catch(release):
    """tensors solved, but normalize only right on the visible tests' values: the board says done,
    the hidden section says failing and marks it; the command fails."""
    shutil.copytree(ROOT / "grading" / "hidden", release / "grading" / "hidden",
                    ignore=shutil.ignore_patterns("__pycache__"))
    reference = (ROOT / "solutions" / "tensors.py").read_text(encoding="utf-8")
    (release / "exercises" / "tensors.py").write_text(reference + ROUNDED_NORMALIZE, encoding="utf-8")

    result = keraskit(release, "check", "tensors", "--hidden")
    assert result.returncode == 1, result.stderr
    board, _, hidden = result.stdout.partition("Hidden tests (grading/hidden)")
    assert "Total: 8/8 exercises done, 12/12 points" in board and "normalize" in board
    assert hidden, f"no hidden section:\n{result.stdout}"
    rows = {line.split()[0]: line for line in hidden.splitlines() if line.startswith("  ")}
    assert "failing" in rows["normalize"] and "passes the visible tests only" in rows["normalize"]
    assert all("done" in line and "visible tests only" not in line
               for name, line in rows.items() if name != "normalize"), rows
    assert "Hidden tests: 7/8 exercises pass, 10/12 points" in hidden
    assert "1 exercise(s) pass the visible tests but not the hidden ones" in hidden
    # Without --hidden the same code is done: the visible board alone cannot tell.
    assert keraskit(release, "check", "tensors").returncode == 0
