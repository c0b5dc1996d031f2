"""The class report of a real ``autograde`` run: planted misconceptions are counted for exactly the
students who have them, a planted copy is flagged and no independent pair is (slow tier: it grades).

The class, on two topics (tensors, activations): three independent corpus submissions, two
students given the same wrong variant of ``grading/mutants/`` (naive sigmoid), one given another
(a zero std left as it is), a disguised copy of one corpus submission, and the stubs.
"""

import json
import shutil
import sys
from pathlib import Path

import pytest

from keraskit import layout
from keraskit.autograde import batch
from kitdev import mutation

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "support"))
import report_class  # noqa: E402 - beside kitdev in tests/support

TOPICS = ["tensors", "activations"]
INDEPENDENT = ("numpy", "lists", "mixed")
# (student, exercise, the misconception its wrong variant embodies)
PLANTED = [("carol", "activations.sigmoid", "sigmoid-overflow"),
           ("dave", "activations.sigmoid", "sigmoid-overflow"),
           ("erin", "tensors.apply_standardizer", "apply-standardizer-zero-std")]


def _variant(exercise: str, misconception: str) -> mutation.Variant:
    topic = exercise.split(".")[0]
    return next(v for v in mutation.load_variants(ROOT / "grading" / "mutants" / f"{topic}.py")
                if v.kind == mutation.WRONG and v.exercise == exercise and v.misconception == misconception)


def _write_class(folder: Path) -> None:
    for style in INDEPENDENT:
        (folder / style).mkdir(parents=True)
        for topic in TOPICS:
            shutil.copy(report_class.CORPUS / style / f"{topic}.py", folder / style / f"{topic}.py")
    for student, exercise, misconception in PLANTED:
        (folder / student).mkdir()
        for topic in TOPICS:
            shutil.copy(layout.KIT.root / "solutions" / f"{topic}.py", folder / student / f"{topic}.py")
        mutation.write_variant(_variant(exercise, misconception), layout.KIT.root / "solutions", folder / student)
    (folder / "frank").mkdir()
    for topic in TOPICS:  # renamed, reordered, comments rewritten: still numpy's code
        text = (report_class.CORPUS / "numpy" / f"{topic}.py").read_text(encoding="utf-8")
        (folder / "frank" / f"{topic}.py").write_text(report_class.disguise(text), encoding="utf-8")
    (folder / "gina").mkdir()
    for topic in TOPICS:
        shutil.copy(ROOT / "exercises" / f"{topic}.py", folder / "gina" / f"{topic}.py")


@pytest.mark.slow
def test_a_graded_class_report_counts_each_planted_misconception_and_flags_only_the_copy(tmp_path):
    folder, out = tmp_path / "class", tmp_path / "out"
    _write_class(folder)
    batch.autograde_run(folder, out, jobs=2, topics=TOPICS, progress=False, check=False)
    facts = json.loads((out / "insight.json").read_text(encoding="utf-8"))
    found = {(ex["id"], group["id"]): sorted(group["students"])
             for ex in facts["exercises"] for group in ex["groups"] if group["kind"] == "misconception"}
    for exercise, misconception in {(e, m) for _, e, m in PLANTED}:
        planted = sorted(s for s, e, m in PLANTED if (e, m) == (exercise, misconception))
        assert found.get((exercise, misconception)) == planted, (exercise, misconception, found)
    flagged = [(p["a"]["student"], p["b"]["student"]) for p in facts["similarity"]["pairs"] if p["flagged"]]
    # carol, dave and erin hand in the same reference with one function changed: alike for real
    same_base = {(a, b) for a, _, _ in PLANTED for b, _, _ in PLANTED if a < b}
    assert set(flagged) == {("frank", "numpy")} | same_base, flagged
    assert (out / "report.html").is_file()
