"""The same notebook submissions graded by `nbgrader autograde` and by `keraskit autograde`
(printed, not asserted).

    .venv/bin/python benchmarks/bench_nbgrader.py [--students 20] [--topics all] [--jobs 2]

Builds the course (``keraskit.nbgrader.build``), releases every topic with nbgrader, turns each
of ``class_mix.py``'s submissions (the fairness corpus, wrong variants, the stubs and one
hanging submission) into the released notebooks with the student's code in the answer cells,
then times, in one run on that one ``submitted/`` tree, ``nbgrader autograde`` of every topic
and ``keraskit autograde --jobs N``. Prints both graders' score and the time per student, and
how many times faster keraskit is per student (goal >= 10x).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import class_mix

from keraskit import catalogue
from keraskit.nbgrader import build
from kitdev import nbgrader_pipeline as pipeline

SPEED_GOAL = 10.0  # nbgrader's time per student / keraskit's (issue 11)


def time_nbgrader(root: Path, topics: list[str], env: dict) -> tuple[float, dict[str, float], list[str]]:
    """Seconds of ``nbgrader autograde`` over every topic, each student's total, and its errors."""
    errors = []
    start = time.perf_counter()
    for topic in topics:
        try:
            pipeline.nbgrader(root, "autograde", topic, "--create", "--force", env=env)
        except pipeline.NbgraderFailed as exc:  # e.g. a cell time-out: nbgrader goes on with the others
            errors.append(f"{topic}: {str(exc).splitlines()[0]}")
    elapsed = time.perf_counter() - start
    pipeline.nbgrader(root, "export", "--to", "grades.csv", env=env)
    totals: dict[str, float] = {}
    for (student, assignment), (score, _) in pipeline.read_grades(root / "grades.csv").items():
        if assignment in topics:
            totals[student] = totals.get(student, 0.0) + score
    return elapsed, totals, errors


def parse_topics(text: str) -> list[str]:
    ids = list(catalogue.load().topic_ids)
    if text == "all":
        return ids
    chosen = [t.strip() for t in text.split(",") if t.strip()]
    unknown = [t for t in chosen if t not in ids]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"unknown topic(s) {', '.join(unknown) or '(none given)'}; "
                                         f"topics are {', '.join(ids)} or 'all'")
    return [t for t in ids if t in chosen]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=20, help="different submissions (default 20)")
    parser.add_argument("--topics", type=parse_topics, default="all",
                        help="comma-separated topic ids, or 'all' (default)")
    parser.add_argument("--jobs", type=int, default=2, help="keraskit autograde --jobs (default 2)")
    args = parser.parse_args()
    if args.jobs < 1:
        parser.error(f"--jobs: must be at least 1, got {args.jobs}")
    try:
        subs = class_mix.class_mix(args.students)
    except ValueError as exc:
        parser.error(f"--students: {exc}")
    topics = args.topics
    cat = catalogue.load()
    with tempfile.TemporaryDirectory(prefix="bench-nbgrader-") as tmp:
        work = Path(tmp)
        env = pipeline.isolated_env(work / "jupyter")
        root = work / "course"
        build.build_course(root, topics=topics, lang="en")
        for topic in topics:
            pipeline.nbgrader(root, "generate_assignment", topic, "--force", env=env)
        class_mix.write_notebooks(subs, root, topics)
        points = sum(cat.topic(t).points for t in topics)
        print(f"{len(subs)} students ({class_mix.describe(subs)}) x {len(topics)} topics "
              f"({', '.join(topics)}; {points:g} points)", flush=True)

        nb_seconds, nb_scores, nb_errors = time_nbgrader(root, topics, env)
        print(f"nbgrader autograde: {nb_seconds:.1f} s", flush=True)
        for error in nb_errors:
            print(f"  nbgrader reported an error: {error}")
        exercises = () if topics == list(cat.topic_ids) else [e.id for t in topics for e in cat.topic(t).exercises]
        run = class_mix.grade_with_keraskit(root, work / "judged", jobs=args.jobs, exercises=exercises)
        print(f"keraskit autograde --jobs {args.jobs}: {run.seconds:.1f} s", flush=True)

    print(f"  {'student':<28} {'nbgrader':>9} {'keraskit':>9}  (score out of {points:g})")
    for sub in subs:
        print(f"  {sub.name:<28} {nb_scores.get(sub.name, float('nan')):9g} "
              f"{run.scores.get(sub.name, float('nan')):9g}")
    nb_each, ks_each = nb_seconds / len(subs), run.seconds / len(subs)
    print(f"per student: nbgrader {nb_each:.1f} s, keraskit {ks_each:.1f} s")
    print(f"ratio per student nbgrader / keraskit: {nb_each / ks_each:.2f}x "
          f"(goal >= {SPEED_GOAL:g}x: keraskit {SPEED_GOAL:g} times faster)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
