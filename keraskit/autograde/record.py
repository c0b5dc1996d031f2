"""The grade record of one submission, and every form it is written in.

A record holds, per graded exercise, its points, what it earned and the outcome of each hidden
test. It travels from a judge host to the coordinator and is saved as ``records/<student>.json``
(``to_json`` / ``from_json``: the same JSON, key for key). Students and instructors read it as
Gradescope's results.json (``to_gradescope``), feedback Markdown (``to_feedback``) and a row of
grades.csv (``to_csv_row``); everything a student reads goes through the i18n message keys.

The scoring rule itself (an exercise earns its points when every test of it passed) is
``keraskit.outcome``'s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from keraskit import catalogue, outcome
from keraskit.autograde import isolation
from keraskit.i18n import t

# The key of a judge's answer that graded nothing ({JUDGE_ERROR: why}): the judge child's, when it
# failed or ran out of time, and a host's, when grading itself raised.
JUDGE_ERROR = "judge_error"

GRADESCOPE_MESSAGE_LIMIT = 4000  # characters of a failing test's message shown on Gradescope
FEEDBACK_DETAIL_LINES = 12  # lines of what the first failing test measured, in full feedback

# How much of a failure the feedback shows (``keraskit grade|autograde --feedback``): ``brief``, the
# what-line and the hint, keeps the hidden tests' inputs and values from the students; ``full``
# adds what the first failing test measured (its call, expected and got).
FEEDBACK_BRIEF, FEEDBACK_FULL = "brief", "full"
FEEDBACK_MODES = (FEEDBACK_BRIEF, FEEDBACK_FULL)


class RecordStatus(str, Enum):
    """Whether the submission was graded, or could not be (no points, the reason in ``problems``)."""
    GRADED = "graded"
    ERROR = "error"


@dataclass
class TestRecord:
    """One hidden test: its name, its exercise, its outcome (``keraskit.outcome``) and message.

    A failure also keeps its parts (``plugin.Failure``): the what-line, what was measured (the
    lines under it) and the hint; None where the run did not give them (older records)."""
    __test__ = False  # not a pytest test class, whatever its name

    name: str
    exercise: str
    outcome: str
    message: str | None = None
    what: str | None = None
    detail: str | None = None
    hint: str | None = None
    misconception: str | None = None  # the catalogue id of the mistake whose hint is shown

    PARTS = ("what", "detail", "hint", "misconception")

    def to_json(self) -> dict:
        data = {"name": self.name, "exercise": self.exercise, "outcome": self.outcome, "message": self.message}
        data.update({name: getattr(self, name) for name in self.PARTS if getattr(self, name) is not None})
        return data

    @classmethod
    def from_json(cls, data: dict) -> TestRecord:
        return cls(data["name"], data["exercise"], data["outcome"], data.get("message"),
                   *(data.get(name) for name in cls.PARTS))


@dataclass
class ExerciseRecord:
    """One graded exercise: its catalogue points, what it earned, its status and its tests."""
    id: str
    topic: str
    points: int
    earned: int
    status: outcome.Status
    tests: list[TestRecord] = field(default_factory=list)

    @classmethod
    def scored(cls, exercise: catalogue.Exercise, tests: list[TestRecord]) -> ExerciseRecord:
        state = outcome.exercise_status([x.outcome for x in tests])
        return cls(exercise.id, exercise.topic, exercise.points, outcome.points_earned(exercise.points, state),
                   state, tests)

    def passed(self) -> int:
        return sum(x.outcome == outcome.TEST_PASSED for x in self.tests)

    def status_text(self, lang: str | None) -> str:
        return t(f"board.status_{self.status.value}", lang)

    def to_json(self) -> dict:
        return {"id": self.id, "topic": self.topic, "points": self.points, "earned": self.earned,
                "status": self.status.value, "tests": [x.to_json() for x in self.tests]}

    @classmethod
    def from_json(cls, data: dict) -> ExerciseRecord:
        return cls(data["id"], data["topic"], data["points"], data["earned"], outcome.Status(data["status"]),
                   [TestRecord.from_json(x) for x in data["tests"]])


@dataclass
class GradeRecord:
    """The grade of one submission. ``seconds``, ``judge_peak_mb`` and ``oracle_memo_hits`` are what
    grading cost, set by the host that graded it (None: not measured, and absent from the JSON)."""
    student: str
    status: RecordStatus = RecordStatus.GRADED
    score: int = 0
    max_score: int = 0
    topics: dict[str, int] = field(default_factory=dict)
    exercises: list[ExerciseRecord] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    mode: str = ""
    seconds: float | None = None
    judge_peak_mb: float | None = None
    oracle_memo_hits: int | None = None
    # what it was graded from ({"submission": ..., "kit": {...}}, ``keraskit.autograde.freshness``);
    # set by the batch, None (and absent from the JSON) for a record graded alone
    digest: dict | None = None

    COSTS = ("seconds", "judge_peak_mb", "oracle_memo_hits")

    @classmethod
    def scored(cls, student: str, tests: list[dict], graded: list[catalogue.Exercise], *, problems=(), events=(),
               mode: str = "", status: RecordStatus = RecordStatus.GRADED) -> GradeRecord:
        """The record of a run: ``tests`` as the judge reports them ({"name", "exercise", "outcome",
        "message"}), scored over the ``graded`` exercises (one with no test earns nothing)."""
        by_exercise: dict[str, list[TestRecord]] = {}
        for test in tests:
            by_exercise.setdefault(test["exercise"], []).append(TestRecord.from_json(test))
        rows = [ExerciseRecord.scored(exercise, by_exercise.get(exercise.id, [])) for exercise in graded]
        topics: dict[str, int] = {}
        for row in rows:
            topics[row.topic] = topics.get(row.topic, 0) + row.earned
        return cls(student, status, sum(r.earned for r in rows), sum(r.points for r in rows), topics, rows,
                   list(problems), list(events), mode)

    @classmethod
    def error(cls, student: str, graded: list[catalogue.Exercise], message: str) -> GradeRecord:
        """A submission that could not be graded: every exercise at 0, ``message`` the one problem."""
        return cls.scored(student, [], graded, problems=[message], status=RecordStatus.ERROR)

    def to_json(self) -> dict:
        data = {"student": self.student, "status": self.status.value, "score": self.score,
                "max_score": self.max_score, "topics": dict(self.topics),
                "exercises": [row.to_json() for row in self.exercises], "problems": list(self.problems),
                "events": list(self.events), "mode": self.mode}
        data.update({name: getattr(self, name) for name in self.COSTS if getattr(self, name) is not None})
        if self.digest is not None:
            data["digest"] = self.digest
        return data

    @classmethod
    def from_json(cls, data: dict) -> GradeRecord:
        return cls(data["student"], RecordStatus(data["status"]), data["score"], data["max_score"],
                   dict(data["topics"]), [ExerciseRecord.from_json(row) for row in data["exercises"]],
                   list(data["problems"]), list(data["events"]), data["mode"],
                   **{name: data[name] for name in cls.COSTS if name in data}, digest=data.get("digest"))

    @property
    def isolation(self) -> str:
        """``isolated``, ``unisolated`` (graded on the rlimits floor) or "" (no mode recorded)."""
        return isolation.label(self.mode)

    def unisolated_mark(self, lang: str | None = None) -> str | None:
        """The line every form of a grade made without isolation carries, else None."""
        if self.isolation != isolation.UNISOLATED:
            return None
        return t("autograde.unisolated_mark", lang, mode=self.mode)

    def to_gradescope(self, lang: str | None = None) -> dict:
        """Gradescope's results.json: a visible summary per exercise, test details after publishing."""
        tests = []
        for row in self.exercises:
            tests.append({
                "name": row.id, "score": row.earned, "max_score": row.points,
                "output": t("autograde.exercise_summary", lang, passed=row.passed(), total=len(row.tests),
                            status=row.status_text(lang)),
                "visibility": "visible",
            })
            for test in row.tests:
                if test.outcome != outcome.TEST_PASSED:
                    tests.append({"name": f"{row.id}: {test.name}", "score": 0, "max_score": 0,
                                  "output": (test.message or "")[:GRADESCOPE_MESSAGE_LIMIT],
                                  "visibility": "after_published"})
        mark = self.unisolated_mark(lang)
        return {"score": self.score, "output": "\n".join([mark, *self.problems] if mark else self.problems),
                "tests": tests,
                "visibility": "after_published", "stdout_visibility": "hidden"}

    def to_feedback(self, lang: str | None = None, detail: str = FEEDBACK_BRIEF) -> str:
        """The student's feedback (Markdown): the total, the problems, then each topic.

        A failing exercise shows, for its first failing test, the what-line first (a time-out, a
        crash, a missing module named as such), what that test measured when ``detail`` is
        ``full``, and a hint, or the command that shows one. The not started exercises of a topic
        take one line, a topic with nothing started (or not graded) only its heading."""
        if detail not in FEEDBACK_MODES:
            raise ValueError(f"detail must be one of {', '.join(FEEDBACK_MODES)}, got {detail!r}")
        lines = [f"# {t('autograde.feedback_title', lang, student=self.student)}", "",
                 t("autograde.feedback_total", lang, score=self.score, max_score=self.max_score), ""]
        mark = self.unisolated_mark(lang)
        if mark:
            lines += [f"**{mark}**", ""]
        for problem in self.problems:
            lines.append(f"- {t('autograde.feedback_problem', lang, problem=problem)}")
        if self.problems:
            lines.append("")
        if detail == FEEDBACK_BRIEF:
            lines += [t("autograde.feedback_brief_note", lang), ""]
        topics: dict[str, list[ExerciseRecord]] = {}
        for row in self.exercises:
            topics.setdefault(row.topic, []).append(row)
        for topic, rows in topics.items():
            lines += ["", *_topic_feedback(topic, rows, lang, detail)]
        return "\n".join(lines) + "\n"

    def to_csv_row(self, topic_ids) -> list:
        """This record's row of grades.csv (see ``results.CSV_HEADER``): the total, then per topic."""
        return [self.student, self.score, self.max_score, self.status.value, self.isolation,
                *(self.topics.get(topic, 0) for topic in topic_ids)]


def _topic_feedback(topic: str, rows: list[ExerciseRecord], lang: str | None, detail: str) -> list[str]:
    """A topic's part of the feedback: its heading, then its exercises (see ``to_feedback``)."""
    heading = f"## {catalogue.load().topic(topic).title_in(lang or 'en')} (`{topic}.py`)"
    untouched = [row for row in rows if row.status is outcome.Status.NOT_STARTED]
    ungraded = [row for row in rows if not row.tests]
    points = sum(row.points for row in rows)
    if len(untouched) == len(rows):
        return [f"{heading}: {t('autograde.feedback_topic_not_started', lang, points=points)}"]
    if len(ungraded) == len(rows):
        return [f"{heading}: {t('autograde.feedback_topic_not_graded', lang, points=points)}"]
    shared = _shared_failure(rows)
    if shared is not None:  # a missing module, a file that does not import: said once for the topic
        return [heading, "", "- " + t("autograde.feedback_topic_failing", lang, count=len(rows), points=points),
                *_failure_feedback(rows[0].id, shared, lang, detail)]
    lines = [heading, ""]
    for row in rows:
        if row in untouched or row in ungraded:
            continue
        failing = [x for x in row.tests if x.outcome == outcome.TEST_FAILED]
        count = t("autograde.feedback_failing_tests", lang, failed=len(failing), total=len(row.tests)) \
            if failing else ""
        lines.append(f"- `{row.id}`: {row.earned}/{row.points} — {row.status_text(lang)}{count}")
        if failing:
            lines += _failure_feedback(row.id, failing[0], lang, detail)
    for key, skipped in (("autograde.feedback_not_started", untouched), ("autograde.feedback_not_graded", ungraded)):
        if skipped:
            lines.append("- " + t(key, lang, points=sum(row.points for row in skipped),
                                  exercises=", ".join(f"`{row.id}`" for row in skipped)))
    return lines


def _shared_failure(rows: list[ExerciseRecord]) -> TestRecord | None:
    """The one failure every exercise of a topic has, if they all fail alike with no hint of their
    own (the module is missing or does not import): its first test, else None."""
    if len(rows) < 2 or any(x.outcome == outcome.TEST_PASSED for row in rows for x in row.tests):
        return None
    firsts = [next((x for x in row.tests if x.outcome == outcome.TEST_FAILED), None) for row in rows]
    if any(x is None or x.what is None or x.hint is not None for x in firsts):
        return None
    causes = {(x.what, x.detail) for x in firsts}
    return firsts[0] if len(causes) == 1 else None


def _failure_feedback(exercise_id: str, test: TestRecord, lang: str | None, detail: str) -> list[str]:
    """The first failing test of an exercise: its what-line, what it measured (full), its hint."""
    if test.what is not None:
        what, measured = test.what, (test.detail or "").splitlines()
    else:  # a record written before failures kept their parts: the message after its first line
        message = (test.message or "").strip().splitlines()
        what, measured = None, message[1:]
    lines = [f"  - {_flat(what)}"] if what else []
    if detail == FEEDBACK_FULL and measured:
        lines.append(f"  - {t('autograde.feedback_test', lang, name=test.name)}")
        kept = measured[:FEEDBACK_DETAIL_LINES]
        lines += ["", "    ```", *(f"    {line}" for line in kept)]
        if len(measured) > len(kept):
            lines.append(f"    {t('autograde.feedback_more_lines', lang, count=len(measured) - len(kept))}")
        lines += ["    ```", ""]
    hint = t("failure.hint", lang, hint=test.hint) if test.hint else \
        t("autograde.feedback_hint_command", lang, exercise=exercise_id)
    lines.append(f"  - {_flat(hint)}")
    return lines


def _flat(line: str) -> str:
    """A message line as Markdown list text: the column padding after its label is one space."""
    return " ".join(line.split())
