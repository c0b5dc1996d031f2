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
from keraskit.autograde import report
from keraskit.autograde.record import FEEDBACK_BRIEF, GradeRecord

CSV_HEADER = ["student", "score", "max_score", "status", "isolation"]  # then one column per topic, then PROBLEMS_COLUMN
PROBLEMS_COLUMN = "problems"  # what went wrong, in short words (``report.problems_cell``)


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


SET_APART = "set-apart"  # where the records of a batch stopped by a change of the judge's files go


def set_apart_folder(out: Path) -> Path:
    return Path(out) / SET_APART


def set_apart(out: Path, students) -> None:
    """Move the finished files of ``students`` (feedback, results, record) out of the run's folders
    into ``set-apart/``: grades.csv leaves them out, and a rerun grades them again."""
    for student in students:
        for kind, suffix in (("records", ".json"), ("feedback", ".md"), ("results", ".json")):
            source = Path(out) / kind / f"{student}{suffix}"
            if source.is_file():
                target = set_apart_folder(out) / kind / source.name
                target.parent.mkdir(parents=True, exist_ok=True)
                source.replace(target)


def read_record(path: Path) -> GradeRecord:
    """A finished submission's record, as ``write_submission`` saved it."""
    return GradeRecord.from_json(json.loads(path.read_text()))


def grades_csv(records: list[GradeRecord], topic_ids) -> str:
    """grades.csv: a row per student, in alphabetical order."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([*CSV_HEADER, *topic_ids, PROBLEMS_COLUMN])
    for record in sorted(records, key=lambda r: r.student):
        writer.writerow([*record.to_csv_row(topic_ids), report.problems_cell(record)])
    return buffer.getvalue()


EXERCISE_ROW_INCHES = 0.2  # height of one exercise's bar: 57 exercises stay readable
TOPIC_COLOURS = ("#4477aa", "#ee6677", "#228833", "#ccbb44", "#66ccee", "#aa3377", "#bbbbbb", "#994455")


def summary_png(records: list[GradeRecord], path: Path) -> None:
    """The class at a glance (matplotlib, Agg): the score distribution, each topic's share of its
    points earned, and how many submissions pass each exercise, coloured by topic. Counts are
    whole submissions; the figure grows with the number of exercises so every label is legible."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    ids = [row.id for row in records[0].exercises] if records else []
    topics = list(dict.fromkeys(row.topic for row in records[0].exercises)) if records else []
    colour = {topic: TOPIC_COLOURS[i % len(TOPIC_COLOURS)] for i, topic in enumerate(topics)}
    height = max(6.0, EXERCISE_ROW_INCHES * len(ids) + 1.5)
    fig = plt.figure(figsize=(13, height))
    grid = fig.add_gridspec(2, 2, width_ratios=(1, 1.1))
    scores_ax, topics_ax, exercises_ax = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[1, 0]), \
        fig.add_subplot(grid[:, 1])

    top = max([r.max_score for r in records] or [1]) or 1
    width = max(1, -(-(top + 1) // 30))  # whole points per bin, at most about 30 bins
    edges = [x - 0.5 for x in range(0, top + width + 1, width)]
    scores_ax.hist([r.score for r in records], bins=edges, color="#4477aa", edgecolor="white")
    scores_ax.set_xlabel("score")
    scores_ax.set_ylabel("submissions")
    scores_ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    scores_ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    scores_ax.set_title(f"Scores ({len(records)} submissions, out of {top})")

    points = {t: sum(row.points for row in records[0].exercises if row.topic == t) for t in topics} if records else {}
    shares = [100.0 * sum(r.topics.get(t, 0) for r in records) / max(points[t] * len(records), 1) for t in topics]
    topics_ax.barh(topics[::-1], shares[::-1], color=[colour[t] for t in topics[::-1]])
    topics_ax.set_xlim(0, 100)
    topics_ax.set_xlabel("% of the topic's points earned by the class")
    topics_ax.set_title("Per topic")

    passing = [sum(any(row.id == ex and row.earned for row in r.exercises) for r in records) for ex in ids]
    exercise_topic = {row.id: row.topic for row in records[0].exercises} if records else {}
    exercises_ax.barh(ids[::-1], passing[::-1], color=[colour[exercise_topic[ex]] for ex in ids[::-1]])
    exercises_ax.set_xlim(0, max(len(records), 1))
    exercises_ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    exercises_ax.set_xlabel("submissions passing")
    exercises_ax.set_ylim(-0.6, len(ids) - 0.4)
    exercises_ax.tick_params(axis="y", labelsize=8)
    exercises_ax.set_title("Per exercise")
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    plt.close(fig)
    write_atomic(path, buffer.getvalue())
