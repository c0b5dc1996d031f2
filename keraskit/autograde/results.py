"""From test outcomes to grades: points from the catalogue, Gradescope JSON, feedback, CSV.

An exercise earns its catalogue points when every one of its hidden tests passed. Everything
a student reads goes through the i18n message keys.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from keraskit import board, catalogue
from keraskit.atomic import write_atomic
from keraskit.i18n import t

STATUS_GRADED = "graded"
STATUS_ERROR = "error"


def graded_exercises(topics_with_tests, exercises=()) -> list[catalogue.Exercise]:
    """The catalogue's exercises that this run grades (topics with hidden tests, optional filter)."""
    chosen = set(exercises)
    return [e for e in catalogue.load().exercises
            if e.topic in topics_with_tests and (not chosen or e.id in chosen)]


def score(student: str, tests: list[dict], graded: list[catalogue.Exercise], *, problems=(), events=(),
          mode: str = "", status: str = STATUS_GRADED) -> dict:
    """The grade record (plain JSON) of one submission."""
    by_exercise: dict[str, list[dict]] = {}
    for test in tests:
        by_exercise.setdefault(test["exercise"], []).append(test)
    rows, topics = [], {}
    for exercise in graded:
        its = by_exercise.get(exercise.id, [])
        state = board.exercise_status([x["outcome"] for x in its])
        earned = exercise.points if state is board.Status.DONE else 0
        rows.append({"id": exercise.id, "topic": exercise.topic, "points": exercise.points,
                     "earned": earned, "status": state.value, "tests": its})
        topics[exercise.topic] = topics.get(exercise.topic, 0) + earned
    return {"student": student, "status": status, "score": sum(r["earned"] for r in rows),
            "max_score": sum(r["points"] for r in rows), "topics": topics, "exercises": rows,
            "problems": list(problems), "events": list(events), "mode": mode}


def error_record(student: str, graded, message: str) -> dict:
    record = score(student, [], graded, problems=[message], status=STATUS_ERROR)
    return record


def gradescope_json(record: dict, lang: str | None = None) -> dict:
    """Gradescope's results.json: a visible summary per exercise, test details after publishing."""
    tests = []
    for row in record["exercises"]:
        passed = sum(x["outcome"] == board.TEST_PASSED for x in row["tests"])
        tests.append({
            "name": row["id"], "score": row["earned"], "max_score": row["points"],
            "output": t("autograde.exercise_summary", lang, passed=passed, total=len(row["tests"]),
                        status=t(f"board.status_{row['status']}", lang)),
            "visibility": "visible",
        })
        for test in row["tests"]:
            if test["outcome"] != board.TEST_PASSED:
                tests.append({"name": f"{row['id']}: {test['name']}", "score": 0, "max_score": 0,
                              "output": (test.get("message") or "")[:4000], "visibility": "after_published"})
    output = "\n".join(record["problems"])
    return {"score": record["score"], "output": output, "tests": tests, "visibility": "after_published",
            "stdout_visibility": "hidden"}


def feedback_markdown(record: dict, lang: str | None = None) -> str:
    lines = [f"# {t('autograde.feedback_title', lang, student=record['student'])}", "",
             t("autograde.feedback_total", lang, score=record["score"], max_score=record["max_score"]), ""]
    for problem in record["problems"]:
        lines.append(f"- {t('autograde.feedback_problem', lang, problem=problem)}")
    if record["problems"]:
        lines.append("")
    current = None
    for row in record["exercises"]:
        if row["topic"] != current:
            current = row["topic"]
            title = catalogue.load().topic(current).title_in(lang or "en")
            lines += ["", f"## {title} (`{current}.py`)", ""]
        status = t(f"board.status_{row['status']}", lang)
        lines.append(f"- `{row['id']}`: {row['earned']}/{row['points']} — {status}")
        failing = [x for x in row["tests"] if x["outcome"] == board.TEST_FAILED]
        if failing and failing[0].get("message"):
            first = failing[0]["message"].strip().splitlines()
            lines.append(f"  - {t('autograde.feedback_first_failure', lang, message=' / '.join(first[:4]))}")
    return "\n".join(lines) + "\n"


def write_submission(out: Path, record: dict) -> None:
    """feedback and results first, the record last: its presence means "finished"."""
    student = record["student"]
    write_atomic(out / "feedback" / f"{student}.md", feedback_markdown(record))
    write_atomic(out / "results" / f"{student}.json", json.dumps(gradescope_json(record), indent=2))
    write_atomic(out / "records" / f"{student}.json", json.dumps(record, indent=2))


def grades_csv(records: list[dict], topic_ids) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["student", "score", "max_score", "status", *topic_ids])
    for record in sorted(records, key=lambda r: r["student"]):
        writer.writerow([record["student"], record["score"], record["max_score"], record["status"],
                         *(record["topics"].get(topic, 0) for topic in topic_ids)])
    return buffer.getvalue()


def summary_png(records: list[dict], path: Path) -> None:
    """Score distribution and pass rate per exercise (matplotlib, Agg)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    scores = [r["score"] for r in records]
    top = max([r["max_score"] for r in records] or [1]) or 1
    left.hist(scores, bins=min(20, top + 1), range=(0, top), color="#4477aa")
    left.set_xlabel("score")
    left.set_ylabel("submissions")
    left.set_title(f"Scores ({len(records)} submissions, max {top})")
    ids = [row["id"] for row in records[0]["exercises"]] if records else []
    rates = [100.0 * sum(any(row["id"] == ex and row["earned"] for row in r["exercises"]) for r in records)
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
