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
from keraskit.i18n import t

# The kinds of problem (each one's words are `class_run.kind_<kind>`).
TIMEOUT, CRASH, MISSING, UNREADABLE, REFUSED, NOT_GRADED = (
    "timeout", "crash", "missing", "unreadable", "refused", "not_graded")
# The worker's events (``judge.WorkerSession._drop_channel``) -> the problem they are.
EVENT_PROBLEMS = {"timeout": TIMEOUT, "exited": CRASH, "bad reply": CRASH, "unrequested data": CRASH}
# grades.csv is data: its problems column is always in English, whatever the language.
CSV_LANG = "en"


def _reading_problem(text: str, lang: str | None) -> str | None:
    """The kind of a problem found reading the submission (``submissions`` and ``host`` word them)."""
    if text.startswith("no ") and text.endswith(" found"):
        return t("class_run.kind_missing", lang, module=text[3:-len(" found")])
    if "is not a readable zip" in text or "notebooks cannot be read" in text:
        return t("class_run.kind_unreadable", lang)
    if "; not graded" in text or "cannot be read" in text:
        return t("class_run.kind_refused", lang)
    return None


def problems_of(record: GradeRecord, lang: str | None = None) -> list[str]:
    """Short names of what went wrong with ``record``'s submission, each once, in a fixed order:
    e.g. ["time-out", "missing losses.py"]; [] when nothing did."""
    found: list[str] = []

    def note(text: str | None) -> None:
        if text and text not in found:
            found.append(text)

    for event in record.events:  # an event of its own is named as it is
        note(t(f"class_run.kind_{EVENT_PROBLEMS[event]}", lang) if event in EVENT_PROBLEMS else event)
    if record.status is RecordStatus.ERROR:
        reason = record.problems[0] if record.problems else ""
        if "took longer than" in reason or "time budget" in reason:
            note(t("class_run.kind_timeout", lang))
        else:
            note(t("class_run.kind_not_graded", lang, reason=reason))
    else:
        for text in record.problems:
            note(_reading_problem(text, lang) or text)
    return found


def problems_cell(record: GradeRecord) -> str:
    """The ``problems`` column of grades.csv: the short names joined by '; ', empty if none."""
    return "; ".join(problems_of(record, CSV_LANG))


def closing_lines(records: list[GradeRecord], out: Path, plan_summary: str, lang: str | None = None) -> list[str]:
    """The end of ``keraskit autograde``: what was graded, the scores, each submission with a problem
    and its record, and where grades.csv is."""
    out = Path(out)
    lines = [plan_summary] if plan_summary else []
    if records:
        scores = sorted(r.score for r in records)
        lines.append(t("class_run.scores", lang, top=max(r.max_score for r in records), low=scores[0],
                       median=f"{statistics.median(scores):g}", high=scores[-1]))
    troubled = [(r, problems_of(r, lang)) for r in records]
    troubled = [(r, kinds) for r, kinds in troubled if kinds]
    if troubled:
        lines.append(t("class_run.with_problem", lang, count=len(troubled)))
        for record, kinds in troubled:
            lines.append(t("class_run.problem_line", lang, student=record.student, problems="; ".join(kinds),
                           record=out / "records" / f"{record.student}.json"))
    lines.append(t("class_run.grades", lang, path=out / "grades.csv"))
    return lines
