"""A generated class for the instructor's report: grade records and submission folders, no grading.

``records(n)`` gives ``n`` records over the numpy topics (tensors, encoding) with mistakes drawn
from a few what-lines per exercise (some tests carry a misconception id); ``write_class`` writes
an autograde output folder (records/) and a submissions folder: the fairness corpus's modules of
those topics, a disguised copy of one of them (identifiers renamed, functions reordered,
comments rewritten) and students who wrote only the docstring's one-liner. Used by
tests/test_report.py, benchmarks/bench_report.py and scripts/report_screenshot.py.
"""

from __future__ import annotations

import ast
import builtins
import json
import random
import re
import shutil
from pathlib import Path

from keraskit import catalogue

ROOT = Path(__file__).resolve().parents[2]
TOPICS = ("tensors", "encoding")
CORPUS = ROOT / "grading" / "class"
STYLES = ("functional", "kerasops", "lists", "mixed", "numpy", "tfirst")
# The mistakes a generated student makes: a what-line each (the first of each exercise also has a
# misconception id, as the catalogue's misconceptions will give).
WHATS = ("returned the wrong shape: expected {shape}, got the input's",
         "raised TypeError instead of returning a value",
         "the values differ at 3 of 12 positions")


def _exercise(ex, rng: random.Random) -> dict:
    roll = rng.random()
    if roll < 0.55:
        tests = [{"name": f"test_{ex.id.split('.')[1]}_{i}", "exercise": ex.id, "outcome": "passed",
                  "message": None} for i in range(3)]
        return {"id": ex.id, "topic": ex.topic, "points": ex.points, "earned": ex.points, "status": "done",
                "tests": tests}
    if roll < 0.65:
        return {"id": ex.id, "topic": ex.topic, "points": ex.points, "earned": 0, "status": "not_started",
                "tests": [{"name": f"test_{ex.id.split('.')[1]}_0", "exercise": ex.id, "outcome": "failed",
                           "message": "NotImplementedError", "what": "not implemented yet"}]}
    which = min(int(rng.random() ** 2 * len(WHATS)), len(WHATS) - 1)
    failing = {"name": f"test_{ex.id.split('.')[1]}_1", "exercise": ex.id, "outcome": "failed",
               "message": WHATS[which], "what": WHATS[which].format(shape="(2, 3)"),
               "hint": f"hint: read the docstring of {ex.id.split('.')[1]} again"}
    if which == 0:
        failing["misconception"] = f"{ex.id.split('.')[1]}-shape"
    tests = [{"name": f"test_{ex.id.split('.')[1]}_0", "exercise": ex.id, "outcome": "passed", "message": None},
             failing]
    return {"id": ex.id, "topic": ex.topic, "points": ex.points, "earned": 0, "status": "failing", "tests": tests}


def record(student: str, rng: random.Random) -> dict:
    exercises = [_exercise(ex, rng) for ex in catalogue.load().exercises if ex.topic in TOPICS]
    topics = {topic: sum(x["earned"] for x in exercises if x["topic"] == topic) for topic in TOPICS}
    return {"student": student, "status": "graded", "score": sum(topics.values()),
            "max_score": sum(x["points"] for x in exercises), "topics": topics, "exercises": exercises,
            "problems": [], "events": [], "mode": "bwrap"}


def records(n: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    return [record(f"student{i:03d}", rng) for i in range(n)]


def disguise(text: str) -> str:
    """A copy meant not to look like one: every local name renamed, the functions in reverse
    order, the comments rewritten."""
    tree = ast.parse(text)
    kept = set(dir(builtins)) | {"np", "keras", "tf", "ops", "numbers", "math"}
    names: dict[str, str] = {}

    class Rename(ast.NodeTransformer):
        def visit_Name(self, node):
            if node.id not in kept:
                node.id = names.setdefault(node.id, f"v{len(names)}_x")
            return node

        def visit_arg(self, node):
            node.arg = names.setdefault(node.arg, f"v{len(names)}_x")
            return node

    tree = Rename().visit(tree)
    functions = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    tree.body = [n for n in tree.body if not isinstance(n, ast.FunctionDef)] + functions[::-1]
    body = ast.unparse(tree).replace("\n    return ", "\n    # the answer\n    return ")
    return "# written by me, all on my own </pre><script>alert('code')</script>\n" + body


ONE_LINER = '''import numpy as np


def samples_first(x, sample_axis):
    """Move the sample axis first."""
    return np.moveaxis(x, sample_axis, 0)


def image_batch_shape(n_images, height, width, channels=3):
    return (n_images, height, width, channels)


def standardize(x):
    return (x - x.mean(axis=0)) / x.std(axis=0)


def fit_standardizer(x_train):
    return x_train.mean(axis=0), x_train.std(axis=0)


def apply_standardizer(x, mean, std):
    return (x - mean) / std


def split_validation_tail(x, y, start):
    return (x[:start], y[:start]), (x[start:], y[start:])
'''


def write_submissions(folder: Path, *, copy_of: str = "numpy") -> dict[str, str]:
    """The submissions folder: the corpus styles (numpy topics), ``copycat`` (a disguised copy of
    ``copy_of``), ``oneliner_a``/``oneliner_b`` (only the short answers the docstrings dictate), and
    ``<script>`` in a student's own code. Returns student -> who they are."""
    folder.mkdir(parents=True, exist_ok=True)
    made = {}
    for style in STYLES:
        (folder / style).mkdir(exist_ok=True)
        for topic in TOPICS:
            shutil.copy(CORPUS / style / f"{topic}.py", folder / style / f"{topic}.py")
        made[style] = "independent"
    (folder / "copycat").mkdir(exist_ok=True)
    for topic in TOPICS:
        (folder / "copycat" / f"{topic}.py").write_text(disguise((CORPUS / copy_of / f"{topic}.py").read_text()))
    made["copycat"] = f"copy of {copy_of}"
    for name in ("oneliner_a", "oneliner_b"):
        (folder / name).mkdir(exist_ok=True)
        (folder / name / "tensors.py").write_text(ONE_LINER)
        made[name] = "one-liner"
    return made


def write_class(out: Path, submissions: Path, seed: int = 3) -> list[dict]:
    """An autograde output folder (records/) for the students of ``write_submissions``, plus one
    whose name and what-lines try HTML injection."""
    students = write_submissions(submissions)
    rng = random.Random(seed)
    made = [record(name, rng) for name in sorted(students)]
    evil = record('mallory<b>"&', rng)
    evil["problems"] = ['<script>alert("problem")</script>']
    for row in evil["exercises"]:
        for test in row["tests"]:
            if test["outcome"] == "failed":
                test["what"] = '<img src=x onerror="alert(1)"> wrong & <b>bold</b>'
    made.append(evil)
    (out / "records").mkdir(parents=True, exist_ok=True)
    for rec in made:
        (out / "records" / f"{re.sub(r'[^A-Za-z0-9_]', '', rec['student'])}.json").write_text(json.dumps(rec))
    return made
