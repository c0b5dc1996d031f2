"""Notebook submissions through the isolated judge: a single .ipynb and an nbgrader submitted/ tree.

The judge reads only the answer cells (keraskit.nbgrader.extract) and runs the hidden tests in
another process, so the same notebooks that nbgrader grades get the same scores here, and a
notebook that cheats inside its own kernel gets only what its answers earn.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from keraskit import catalogue
from keraskit.nbgrader import build
from kitdev import nbgrader_pipeline as pipeline

CAT = catalogue.load()
TOPIC = "tensors"
EXERCISES = CAT.topic(TOPIC).exercises
TRICK = '\n\ncheck = lambda *args, **kwargs: print("PASS")  # noqa: E731\n'
# Grading only this topic's exercises keeps the run short; the judge grades them with the
# hidden suite exactly as for a whole class.
ONLY_TOPIC = [arg for e in EXERCISES for arg in ("--exercise", e.id)]


def _keraskit(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "keraskit.cli", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    return proc


@pytest.fixture(scope="module")
def notebooks(tmp_path_factory):
    work = tmp_path_factory.mktemp("judge")
    course = build.build_course(work / "course", topics=[TOPIC], lang="en")
    source = pipeline.read_notebook(course.notebooks[TOPIC])
    released = pipeline.release_in_process(source)
    half = pipeline.first_half(TOPIC)
    trick = pipeline.fill_answers(released, source, half[:1])
    for cell in trick["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == build.solution_id(half[0]):
            cell["source"] = "".join(cell["source"]) + TRICK
    students = {
        "solution": pipeline.fill_answers(released, source, EXERCISES),
        "stub": released,
        "half": pipeline.fill_answers(released, source, half),
        "trick": trick,
    }
    submitted = work / "class" / "submitted"
    for student, nb in students.items():
        pipeline.write_notebook(nb, submitted / student / TOPIC / f"{TOPIC}.ipynb")
    # A scratch notebook next to a real one must not cost its author anything.
    pipeline.write_notebook({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5},
                            submitted / "half" / TOPIC / "scratch.ipynb")
    expected = {"solution": CAT.topic(TOPIC).points, "stub": 0, "half": sum(e.points for e in half),
                "trick": half[0].points}
    return {"work": work, "submitted": submitted, "expected": expected}


def test_one_notebook_is_graded_by_the_judge(notebooks):
    work = notebooks["work"]
    nb = notebooks["submitted"] / "solution" / TOPIC / f"{TOPIC}.ipynb"
    _keraskit("grade", str(nb), "--json", str(work / "results.json"), *ONLY_TOPIC, cwd=work)
    results = json.loads((work / "results.json").read_text(encoding="utf-8"))
    assert results["score"] == CAT.topic(TOPIC).points


def test_an_nbgrader_submitted_tree_gets_one_row_per_student(notebooks):
    work = notebooks["work"]
    out = work / "judged"
    _keraskit("autograde", str(notebooks["submitted"].parent), "--out", str(out), "--jobs", "2", *ONLY_TOPIC,
              cwd=work)
    with open(out / "grades.csv", newline="", encoding="utf-8") as fh:
        rows = {row["student"]: row for row in csv.DictReader(fh)}
    assert set(rows) == set(notebooks["expected"])
    for student, points in notebooks["expected"].items():
        assert float(rows[student]["score"]) == points, f"{student}: {rows[student]}"
        assert float(rows[student][TOPIC]) == points
    # The in-kernel trick that nbgrader rewards with every point earns only its one real answer.
    assert float(rows["trick"]["score"]) < CAT.topic(TOPIC).points
