"""`keraskit grade` on whole submissions: the reference earns every point, the stubs none."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def grade(submission: Path, results: Path) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("KERASKIT_")}
    return subprocess.run([sys.executable, "-m", "keraskit.cli", "grade", str(submission), "--json", str(results)],
                          cwd=ROOT, env=environ, capture_output=True, text=True, timeout=1200)


@pytest.mark.timeout(1500)
def test_reference_gets_full_marks_and_stubs_get_zero(tmp_path, cat):
    reference = tmp_path / "reference"
    shutil.copytree(ROOT / "solutions", reference, ignore=shutil.ignore_patterns("__pycache__", "__init__.py"))
    full = grade(reference, tmp_path / "reference.json")
    assert full.returncode == 0, full.stderr[-3000:]
    report = json.loads((tmp_path / "reference.json").read_text())
    assert report["score"] == cat.points, [t["name"] for t in report["tests"] if t["score"] != t["max_score"]]
    graded = {t["name"]: t["max_score"] for t in report["tests"] if t["max_score"]}
    assert graded == {e.id: e.points for e in cat.exercises}

    stubs = grade(ROOT / "exercises", tmp_path / "stubs.json")
    assert stubs.returncode == 0, stubs.stderr[-3000:]
    assert json.loads((tmp_path / "stubs.json").read_text())["score"] == 0


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
    environ = {k: v for k, v in os.environ.items() if not k.startswith("KERASKIT_")}
    result = subprocess.run([sys.executable, "-m", "keraskit.cli", "grade", str(submission), "--exercise",
                             "training.train", "--json", str(tmp_path / "verbose.json")],
                            cwd=ROOT, env=environ, capture_output=True, text=True, timeout=1100)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads((tmp_path / "verbose.json").read_text())
    train = next(t for t in report["tests"] if t["name"] == "training.train")
    assert train["score"] == 0, train
