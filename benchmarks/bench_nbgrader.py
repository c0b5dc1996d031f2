"""The same notebook submissions graded by `nbgrader autograde` and by `keraskit autograde` (printed, not asserted).

    .venv/bin/python benchmarks/bench_nbgrader.py [--students 20] [--topic tensors] [--jobs 2]

Builds a course for one topic, releases it with nbgrader, makes the submissions (a rotation of
the reference answers, the untouched release and the first half of the answers), then times
both graders on that one submitted/ tree in a single run. The judge grades only the topic's
exercises, as nbgrader does.
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from keraskit import catalogue
from keraskit.nbgrader import build, pipeline


def judge_available() -> str | None:
    """None when `keraskit autograde` can run here, else why not."""
    try:
        from keraskit.autograde import batch  # noqa: F401
        from keraskit.autograde import cli  # noqa: F401
    except ImportError as exc:
        return f"keraskit autograde is not available in this installation ({exc})"
    return None


def make_class(root: Path, topic: str, students: int) -> dict[str, float]:
    """submitted/student00../<topic>/<topic>.ipynb; returns each student's expected score."""
    cat = catalogue.load()
    kinds = [("full", list(cat.topic(topic).exercises)), ("stub", []), ("half", pipeline.first_half(topic))]
    expected = {}
    for i in range(students):
        kind, exercises = kinds[i % len(kinds)]
        student = f"student{i:02d}-{kind}"
        pipeline.make_submission(root, student, topic, exercises)
        expected[student] = float(sum(e.points for e in exercises))
    return expected


def time_nbgrader(root: Path, topic: str, env: dict) -> tuple[float, dict]:
    start = time.perf_counter()
    pipeline.nbgrader(root, "autograde", topic, "--create", "--force", env=env)
    elapsed = time.perf_counter() - start
    pipeline.nbgrader(root, "export", "--to", "grades.csv", env=env)
    grades = {s: score for (s, a), (score, _) in pipeline.read_grades(root / "grades.csv").items() if a == topic}
    return elapsed, grades


def time_judge(root: Path, topic: str, jobs: int, out: Path) -> tuple[float, dict]:
    only = [arg for e in catalogue.load().topic(topic).exercises for arg in ("--exercise", e.id)]
    command = [sys.executable, "-m", "keraskit.cli", "autograde", str(root), "--out", str(out),
               "--jobs", str(jobs), *only]
    start = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"keraskit autograde failed:\n{proc.stderr[-3000:]}")
    with open(out / "grades.csv", newline="", encoding="utf-8") as fh:
        grades = {row["student"]: float(row["score"]) for row in csv.DictReader(fh)}
    return elapsed, grades


def _agreement(expected: dict, got: dict) -> str:
    right = sum(got.get(s) == points for s, points in expected.items())
    return f"{right}/{len(expected)} scores as expected"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=20)
    parser.add_argument("--topic", default="tensors")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    if args.students < 1:
        parser.error("--students: must be at least 1")
    with tempfile.TemporaryDirectory(prefix="bench-nbgrader-") as tmp:
        work = Path(tmp)
        env = pipeline.isolated_env(work / "jupyter")
        root = work / "course"
        build.build_course(root, topics=[args.topic], lang="en")
        pipeline.nbgrader(root, "generate_assignment", args.topic, "--force", env=env)
        expected = make_class(root, args.topic, args.students)
        print(f"{args.students} submissions of {args.topic!r} "
              f"({catalogue.load().topic(args.topic).points} points each)", flush=True)

        nb_time, nb_grades = time_nbgrader(root, args.topic, env)
        print(f"nbgrader autograde:            {nb_time:7.1f} s  ({nb_time / args.students:.2f} s per "
              f"submission; {_agreement(expected, nb_grades)})", flush=True)

        why_not = judge_available()
        if why_not:
            print(f"keraskit autograde: skipped - {why_not}")
            return 0
        judge_time, judge_grades = time_judge(root, args.topic, args.jobs, work / "judged")
        print(f"keraskit autograde --jobs {args.jobs}:  {judge_time:7.1f} s  ({judge_time / args.students:.2f} s per "
              f"submission; {_agreement(expected, judge_grades)})")
        print(f"ratio keraskit/nbgrader: {judge_time / nb_time:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
