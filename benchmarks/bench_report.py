"""How long does the class report take for a class of 200? Goal: under 5 s.

Prints, measured in this run, the median wall time of ``keraskit.autograde.classreport.rebuild`` on a
generated autograde output folder of N records (tests/support/report_class.py; nothing graded):

  records only        insight.json and report.html from the records (no submissions folder)
  with similarity     the same, plus reading N submissions (the numpy topics) and comparing them

The submissions are the fairness corpus's six styles in turn, each disguised (names renamed,
functions reordered): every same-style pair is alike, the worst case for the page's size.
Each time is printed with its ratio to the 5 s budget.

    python benchmarks/bench_report.py [--students N] [--repeat R]
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "support"))

import report_class  # noqa: E402

from keraskit.autograde import classreport as report  # noqa: E402

BUDGET = 5.0  # seconds


def _class(base: Path, students: int) -> tuple[Path, Path]:
    out, subs = base / "out", base / "subs"
    (out / "records").mkdir(parents=True)
    rng = random.Random(11)
    for i in range(students):
        name = f"student{i:03d}"
        style = report_class.STYLES[i % len(report_class.STYLES)]
        folder = subs / name
        folder.mkdir(parents=True)
        for topic in report_class.TOPICS:
            text = (report_class.CORPUS / style / f"{topic}.py").read_text()
            (folder / f"{topic}.py").write_text(report_class.disguise(text) if i >= len(report_class.STYLES) else text)
        (out / "records" / f"{name}.json").write_text(__import__("json").dumps(report_class.record(name, rng)))
    return out, subs


def _median_seconds(repeat: int, run) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="keraskit-bench-report-"))
    try:
        out, subs = _class(base, args.students)
        for label, folder in (("records only", None), ("with similarity", subs)):
            if folder is None:
                (out / report.INSIGHT_FILE).unlink(missing_ok=True)
            seconds = _median_seconds(args.repeat, lambda f=folder: report.write_report(
                out, report.read_records(out), f, lang="en"))
            size = (out / report.REPORT_FILE).stat().st_size / 1e6
            print(f"{label:<16} {args.students} students: {seconds:6.2f} s  "
                  f"({seconds / BUDGET:.2f} of the {BUDGET:g} s budget; report.html {size:.1f} MB)")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
