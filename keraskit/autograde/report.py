"""What a class run tells the instructor: the problems of each submission, in short words, and the
closing lines of ``keraskit autograde`` (what was graded, the scores, who had a problem, where).

A problem is named from what the record holds: the worker's events (a call that ran out of time,
a worker that died), the problems found reading the submission (a module not found, an archive
that cannot be read, a file refused) and an error record (nothing graded, the reason kept).
"""

from __future__ import annotations

import statistics
from pathlib import Path

from keraskit.autograde.record import GradeRecord, RecordStatus

TIMEOUT, CRASH, MISSING, UNREADABLE, REFUSED, NOT_GRADED = (
    "time-out", "crash", "missing", "unreadable archive", "refused file", "not graded")
# The worker's events (``judge.WorkerSession._drop_channel``) -> the problem they are.
EVENT_PROBLEMS = {"timeout": TIMEOUT, "exited": CRASH, "bad reply": CRASH, "unrequested data": CRASH}


def _reading_problem(text: str) -> str | None:
    """The kind of a problem found reading the submission (``submissions`` and ``host`` word them)."""
    if text.startswith("no ") and text.endswith(" found"):
        return f"{MISSING} {text[3:-len(' found')]}"
    if "is not a readable zip" in text or "notebooks cannot be read" in text:
        return UNREADABLE
    if "; not graded" in text or "cannot be read" in text:
        return REFUSED
    return None


def problems_of(record: GradeRecord) -> list[str]:
    """Short names of what went wrong with ``record``'s submission, each once, in a fixed order:
    e.g. ["time-out", "missing losses.py"]; [] when nothing did."""
    found: list[str] = []

    def note(kind: str | None) -> None:
        if kind and kind not in found:
            found.append(kind)

    for event in record.events:
        note(EVENT_PROBLEMS.get(event, event))  # an event of its own is named as it is
    if record.status is RecordStatus.ERROR:
        reason = record.problems[0] if record.problems else ""
        kind = TIMEOUT if "took longer than" in reason or "time budget" in reason else NOT_GRADED
        note(f"{kind}: {reason}" if kind == NOT_GRADED and reason else kind)
    else:
        for text in record.problems:
            note(_reading_problem(text) or text)
    return found


def problems_cell(record: GradeRecord) -> str:
    """The ``problems`` column of grades.csv: the short names joined by '; ', empty if none."""
    return "; ".join(problems_of(record))


def closing_lines(records: list[GradeRecord], out: Path, plan_summary: str) -> list[str]:
    """The end of ``keraskit autograde``: what was graded, the scores, each submission with a problem
    and its record, and where grades.csv is."""
    out = Path(out)
    lines = [plan_summary]
    if records:
        scores = sorted(r.score for r in records)
        top = max(r.max_score for r in records)
        lines.append(f"scores out of {top}: min {scores[0]}, median {statistics.median(scores):g}, "
                     f"max {scores[-1]}")
    troubled = [(r, problems_of(r)) for r in records]
    troubled = [(r, kinds) for r, kinds in troubled if kinds]
    if troubled:
        lines.append(f"{len(troubled)} with a problem:")
        for record, kinds in troubled:
            lines.append(f"  {record.student}: {'; '.join(kinds)} (see {out / 'records' / (record.student + '.json')})")
    lines.append(f"grades: {out / 'grades.csv'}")
    return lines
