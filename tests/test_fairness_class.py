"""Fair grading, proven on real submissions: every correct submission in `grading/class/`
(written from the docstrings alone, each in its own style) gets full marks from the hidden
suites, in this process (`pytest grading/hidden --target`) and isolated (`keraskit autograde`, the
whole corpus as one class), and passes every visible test (what the student's board and the
nbgrader course's visible test cells run). The same class run grades the reference (every point)
and the stubs (none), end to end through `keraskit autograde`.

A failure here is a bug in a docstring or a test, not in the submission (`docs/authoring.md`,
"The contract rule")."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from keraskit import board, runner
from kitdev.environ import grading_environ

ROOT = Path(__file__).resolve().parents[1]
HIDDEN = ROOT / "grading" / "hidden"
VISIBLE = ROOT / "exercises" / "tests"
CLASS = ROOT / "grading" / "class"
SUBMISSIONS = sorted(path for path in CLASS.iterdir() if path.is_dir() and any(path.glob("*.py"))) \
    if CLASS.is_dir() else []
# Graded in the same class run: the reference must earn every point and the stubs none.
REFERENCE, STUBS = "reference", "stubs"


def _earned(result: runner.RunResult, cat) -> int:
    return sum(row.earned for topic in board.summarize(result.outcomes(), cat) for row in topic.rows)


def test_every_submission_holds_every_module(cat):
    modules = {topic.id for topic in cat.topics}
    for submission in SUBMISSIONS:
        missing = sorted(m for m in modules if not (submission / f"{m}.py").exists())
        assert not missing, f"{submission.name} lacks {missing}"


@pytest.mark.timeout(900)
# Full marks in-process: the slow tier. The main run proves the same marks through the isolated
# class run below (which CI's floor leg repeats), and every visible test in-process.
@pytest.mark.slow
@pytest.mark.parametrize("submission", SUBMISSIONS, ids=lambda p: p.name)
def test_submission_gets_full_marks_in_process(submission, cat, class_scores):
    result = runner.run([HIDDEN], target=submission, rootdir=ROOT)
    earned = _earned(result, cat)
    class_scores[f"{submission.name} (pytest --target)"] = (earned, cat.points)
    failures = [f"{t.nodeid}: {t.message}" for t in result.failed_tests()]
    assert earned == cat.points and not failures, "\n\n".join(failures)


@pytest.mark.timeout(600)
@pytest.mark.parametrize("submission", SUBMISSIONS, ids=lambda p: p.name)
def test_submission_passes_every_visible_test(submission, cat, class_scores):
    """The student's own board (and the nbgrader course's visible test cells) is fair too."""
    result = runner.run([VISIBLE], target=submission, rootdir=ROOT)
    class_scores[f"{submission.name} (visible tests)"] = (_earned(result, cat), cat.points)
    failures = [f"{t.nodeid}: {t.message}" for t in result.failed_tests()]
    assert result.tests and not failures, "\n\n".join(failures)


@pytest.fixture(scope="module")
def isolated_reports(tmp_path_factory) -> dict[str, dict]:
    """Gradescope's results.json of each submission, the reference and the stubs, graded as a class
    is: one real ``keraskit autograde --jobs 2`` run over a folder holding all of them (the grader,
    the sandbox and the judge that ``keraskit grade`` uses, paid for once rather than per student)."""
    base = tmp_path_factory.mktemp("class")
    folder, out = base / "submissions", base / "out"
    assert not {REFERENCE, STUBS} & {submission.name for submission in SUBMISSIONS}
    for submission in SUBMISSIONS:
        shutil.copytree(submission, folder / submission.name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "solutions", folder / REFERENCE, ignore=shutil.ignore_patterns("__pycache__", "__init__.py"))
    (folder / STUBS).mkdir()
    for stub in (ROOT / "exercises").glob("*.py"):
        shutil.copy2(stub, folder / STUBS / stub.name)
    graded = subprocess.run([sys.executable, "-m", "keraskit.cli", "autograde", str(folder), "--out", str(out),
                             "--jobs", "2"], cwd=ROOT, env=grading_environ(), capture_output=True, text=True,
                            timeout=2400)
    assert graded.returncode == 0, graded.stderr[-3000:]
    return {path.stem: json.loads(path.read_text()) for path in (out / "results").glob("*.json")}


@pytest.mark.timeout(2500)  # the first test grades the whole corpus
@pytest.mark.parametrize("submission", SUBMISSIONS, ids=lambda p: p.name)
def test_submission_gets_full_marks_isolated(submission, cat, class_scores, isolated_reports):
    report = isolated_reports[submission.name]
    class_scores[f"{submission.name} (keraskit autograde)"] = (report["score"], cat.points)
    lost = {test["name"]: test.get("output", "")[:600] for test in report["tests"]
            if test["score"] != test["max_score"]}
    assert report["score"] == cat.points, "\n\n".join(f"{name}: {output}" for name, output in lost.items())


def test_the_class_run_gives_the_reference_every_point_and_the_stubs_none(cat, isolated_reports):
    reference = isolated_reports[REFERENCE]
    assert reference["score"] == cat.points, [t["name"] for t in reference["tests"] if t["score"] != t["max_score"]]
    graded = {test["name"]: test["max_score"] for test in reference["tests"] if test["max_score"]}
    assert graded == {exercise.id: exercise.points for exercise in cat.exercises}
    assert isolated_reports[STUBS]["score"] == 0
