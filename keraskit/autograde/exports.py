"""Grades out, in the files each platform's gradebook import reads (sources in docs/lms.md).

- canvas: ``canvas-import.csv``, Canvas's gradebook layout for one assignment column: Student,
  ID, SIS User ID, SIS Login ID, Section, the assignment, and the "Points Possible" row first;
  Canvas matches rows on ID (the Canvas user id of the download's file names).
- moodle: ``moodle-worksheet.csv``, the assignment's offline grading worksheet: Identifier
  ("Participant 12345"), Full name, Email address, Grade, Feedback comments (short text).
- csv: ``lms-grades.csv``, platform, id, name, score, max_score, status for any other gradebook.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from keraskit.atomic import write_atomic
from keraskit.autograde import lms
from keraskit.autograde.record import GradeRecord
from keraskit.i18n import t

EXPORTS = ("canvas", "moodle", "csv")
FILES = {"canvas": "canvas-import.csv", "moodle": "moodle-worksheet.csv", "csv": "lms-grades.csv"}
CANVAS_HEADER = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
MOODLE_HEADER = ["Identifier", "Full name", "Email address", "Grade", "Feedback comments"]
GENERIC_HEADER = ["platform", "lms_id", "name", "student", "score", "max_score", "status"]
FEEDBACK_LIMIT = 250  # characters: a worksheet cell, the full feedback is in feedback/<student>.md


def _csv(rows) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


def _people(records: list[GradeRecord], roster: dict, platform: str) -> list[tuple[GradeRecord, dict]]:
    """Each record with its platform identity; a record without one cannot be imported."""
    missing = [r.student for r in records if roster.get(r.student, {}).get("platform") != platform]
    if missing:
        raise ValueError(t("autograde.lms_export_mismatch", platform=platform, count=len(missing),
                           students=", ".join(missing[:5])))
    return [(r, roster[r.student]) for r in sorted(records, key=lambda r: r.student)]


def canvas(records, roster, assignment: str) -> str:
    rows = [[*CANVAS_HEADER, assignment],
            ["Points Possible", "", "", "", "", max((r.max_score for r in records), default=0)]]
    rows += [[p["name"], p["lms_id"], "", "", "", r.score] for r, p in _people(records, roster, "canvas")]
    return _csv(rows)


def short_feedback(record: GradeRecord) -> str:
    """One line: the score, the exercises passed, the first problem (the feedback file has it all)."""
    passed = sum(1 for row in record.exercises if row.earned == row.points and row.points)
    text = f"{record.score}/{record.max_score} points; {passed} of {len(record.exercises)} exercises passed"
    if record.problems:
        text += f"; {record.problems[0]}"
    return " ".join(text.split())[:FEEDBACK_LIMIT]


def moodle(records, roster) -> str:
    rows = [MOODLE_HEADER]
    rows += [[f"Participant {p['lms_id']}", p["name"], "", r.score, short_feedback(r)]
             for r, p in _people(records, roster, "moodle")]
    return _csv(rows)


def generic(records, roster) -> str:
    rows = [GENERIC_HEADER]
    for r in sorted(records, key=lambda r: r.student):
        p = roster.get(r.student, {})
        rows.append([p.get("platform", ""), p.get("lms_id", r.student), p.get("name", r.student), r.student,
                     r.score, r.max_score, r.status.value])
    return _csv(rows)


def write(out: Path, records: list[GradeRecord], kinds, assignment: str = "Keras in Action") -> list[Path]:
    """Write each export of ``kinds`` into ``out``; the paths written."""
    roster = lms.load_roster(out)
    written = []
    for kind in kinds:
        if kind not in EXPORTS:
            raise ValueError(f"--export must be one of {', '.join(EXPORTS)}, got {kind!r}")
        text = (canvas(records, roster, assignment) if kind == "canvas" else
                moodle(records, roster) if kind == "moodle" else generic(records, roster))
        write_atomic(Path(out) / FILES[kind], text)
        written.append(Path(out) / FILES[kind])
    return written


def with_identity(grades_csv: str, roster: dict) -> str:
    """grades.csv with the platform, its id and the name of each student as the last columns
    (nothing changes for a plain class folder)."""
    if not roster:
        return grades_csv
    rows = list(csv.reader(io.StringIO(grades_csv)))
    rows[0] += lms.IDENTITY_COLUMNS
    for row in rows[1:]:
        row += lms.identity_row(roster.get(row[0]))
    return _csv(rows)
