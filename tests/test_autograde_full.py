"""`keraskit grade` on one submission, end to end. (The reference earning every point and the stubs
none, through `keraskit autograde`, is proven by the class run of `test_fairness_class.py`.)"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from keraskit import i18n
from keraskit.i18n import t
from kitdev.environ import grading_environ

ROOT = Path(__file__).resolve().parents[1]


def grade(submission: Path, results: Path, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "keraskit.cli", "grade", str(submission), "--json", str(results),
                           *options], cwd=ROOT, env=grading_environ(), capture_output=True, text=True, timeout=1100)


@pytest.mark.slow  # a Keras submission graded twice, isolated and in-process
@pytest.mark.timeout(1200)
def test_a_progress_bar_printed_in_the_sandbox_is_judged_as_in_process(tmp_path):
    """The worker keeps what a call prints and the judge replays it: `train` printing Keras's
    progress bar loses its points in the sandbox too, not only under `pytest --target`."""
    from kitdev import mutation

    variants = mutation.load_variants(ROOT / "grading" / "mutants" / "training.py")
    verbose = next(v for v in variants if v.exercise == "training.train" and "progress bar" in v.description)
    submission = tmp_path / "verbose"
    shutil.copytree(ROOT / "solutions", submission, ignore=shutil.ignore_patterns("__pycache__", "__init__.py"))
    mutation.write_variant(verbose, ROOT / "solutions", submission)
    result = grade(submission, tmp_path / "verbose.json", "--exercise", "training.train")
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads((tmp_path / "verbose.json").read_text())
    train = next(t for t in report["tests"] if t["name"] == "training.train")
    assert train["score"] == 0, train
    # The printed feedback (brief, the default) names the progress bar first, then a hint or the way
    # to one, and no training-history line: nothing else was wrong.
    lang = next((i18n.normalize_language(os.environ[var]) for var in ("LC_ALL", "LC_MESSAGES", "LANG")
                 if os.environ.get(var, "").strip()), i18n.DEFAULT_LANG)  # the command's, not this test's
    lines = result.stdout.splitlines()
    row = next(i for i, line in enumerate(lines) if line.startswith("- `training.train`"))
    assert lines[row + 1] == "  - " + " ".join(t("what.progress", lang).split()), lines[row:row + 4]
    assert lines[row + 2].startswith("  - " + t("failure.hint", lang, hint="").split()[0]), lines[row:row + 4]
    assert "called:" not in result.stdout  # brief: the hidden test's inputs are not shown
