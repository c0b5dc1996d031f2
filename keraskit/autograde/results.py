"""Where grades go: a submission's files (feedback, Gradescope JSON, its record), grades.csv, the summary.

The grade record and its forms are ``keraskit.autograde.record``'s; this module writes them,
atomically, and sums up a class.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from keraskit import catalogue
from keraskit.atomic import write_atomic
from keraskit.autograde.record import FEEDBACK_BRIEF, GradeRecord

CSV_HEADER = ["student", "score", "max_score", "status"]  # then one column per topic


def graded_exercises(topics_with_tests, exercises=()) -> list[catalogue.Exercise]:
    """The catalogue's exercises that this run grades (topics with hidden tests, optional filter)."""
    chosen = set(exercises)
    return [e for e in catalogue.load().exercises
            if e.topic in topics_with_tests and (not chosen or e.id in chosen)]


def write_submission(out: Path, record: GradeRecord, feedback: str = FEEDBACK_BRIEF, extra: dict | None = None) -> None:
    """feedback and results first, the record last: its presence means "finished".

    ``feedback`` is how much of a failure the feedback file shows (``record.FEEDBACK_MODES``);
    ``extra``: more keys of the saved record (the student's LMS identity, ``keraskit.autograde.lms``)."""
    student = record.student
    write_feedback(out, record, feedback)
    write_atomic(out / "results" / f"{student}.json", json.dumps(record.to_gradescope(), indent=2))
    write_atomic(out / "records" / f"{student}.json", json.dumps({**record.to_json(), **(extra or {})}, indent=2))


def write_feedback(out: Path, record: GradeRecord, feedback: str = FEEDBACK_BRIEF) -> None:
    """``feedback/<student>.md``: written again from the record alone, so a class graded before
    is given the feedback mode of this run without being graded again."""
    write_atomic(out / "feedback" / f"{record.student}.md", record.to_feedback(detail=feedback))


def read_record(path: Path) -> GradeRecord:
    """A finished submission's record, as ``write_submission`` saved it."""
    return GradeRecord.from_json(json.loads(path.read_text()))


def grades_csv(records: list[GradeRecord], topic_ids) -> str:
    """grades.csv: a row per student, in alphabetical order."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([*CSV_HEADER, *topic_ids])
    for record in sorted(records, key=lambda r: r.student):
        writer.writerow(record.to_csv_row(topic_ids))
    return buffer.getvalue()


def summary_png(records: list[GradeRecord], path: Path) -> None:
    """Score distribution and pass rate per exercise (matplotlib, Agg)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    scores = [r.score for r in records]
    top = max([r.max_score for r in records] or [1]) or 1
    left.hist(scores, bins=min(20, top + 1), range=(0, top), color="#4477aa")
    left.set_xlabel("score")
    left.set_ylabel("submissions")
    left.set_title(f"Scores ({len(records)} submissions, max {top})")
    ids = [row.id for row in records[0].exercises] if records else []
    rates = [100.0 * sum(any(row.id == ex and row.earned for row in r.exercises) for r in records)
             / max(len(records), 1) for ex in ids]
    right.barh(ids[::-1], rates[::-1], color="#228833")
    right.set_xlim(0, 100)
    right.set_xlabel("% of submissions passing")
    right.set_title("Pass rate per exercise")
    right.tick_params(axis="y", labelsize=6)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    plt.close(fig)
    write_atomic(path, buffer.getvalue())
