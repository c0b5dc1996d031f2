"""Proof that the hints are on target: each wrong variant, run against the visible tests a student
has, must fail and its first failing test must show the hint of the misconception it declares.

The same run also gives the visible kill rate (wrong variants the visible tests alone catch).
A miss is one of: not caught by the visible tests; caught by a check that names no misconception
(the student gets the kind's teaching line and ``keraskit hint ID``: true, but not targeted);
caught by a check that shows another misconception's hint (a hint about another step: a defect).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from keraskit import catalogue
from kitdev import mutation

ON_TARGET = "on target"
NOT_CAUGHT = "not caught by the visible tests"
UNEXPLAINED = "unexplained: the first failing check names no misconception"
OTHER_HINT = "another hint"


def hint_texts(misconception_id: str) -> tuple[str, ...]:
    """The misconception's hint in every language: a message shows one of them."""
    found = catalogue.load().misconception(misconception_id)
    return tuple(found.hint_in(lang) for lang in catalogue.LANGUAGES)


def shown_misconceptions(exercise_id: str, message: str) -> list[str]:
    """The ids of the exercise's misconceptions whose hint ``message`` shows (several may share one)."""
    exercise = catalogue.load().exercise(exercise_id)
    return [m.id for m in exercise.misconceptions if any(text in message for text in hint_texts(m.id))]


@dataclass(frozen=True)
class Targeting:
    verdict: mutation.Verdict  # the variant judged by the visible tests of its topic
    result: str  # ON_TARGET, NOT_CAUGHT, UNEXPLAINED or OTHER_HINT
    shown: tuple[str, ...] = ()  # for OTHER_HINT: the misconceptions whose hint was shown

    @property
    def caught(self) -> bool:
        return self.verdict.killed

    @property
    def on_target(self) -> bool:
        return self.result == ON_TARGET

    def why(self) -> str:
        """One line for the list of misses: the variant, what happened, and the test that caught it."""
        variant = self.verdict.variant
        test = (self.verdict.first_failure or "").partition(": ")[0]
        result = f"{OTHER_HINT} ({', '.join(self.shown)})" if self.result == OTHER_HINT else self.result
        where = f" at {test}" if test and self.result != NOT_CAUGHT else ""
        return f"{variant.label()} [declares {variant.misconception}]: {result}{where}"


def classify(verdict: mutation.Verdict) -> Targeting:
    variant = verdict.variant
    if not verdict.killed:
        return Targeting(verdict, NOT_CAUGHT)
    message = verdict.first_failure or ""
    if any(text in message for text in hint_texts(variant.misconception)):
        return Targeting(verdict, ON_TARGET)
    shown = tuple(shown_misconceptions(variant.exercise, message))
    return Targeting(verdict, OTHER_HINT, shown) if shown else Targeting(verdict, UNEXPLAINED)


def jobs(topics, root: Path) -> list[tuple[mutation.Variant, Path, Path]]:
    """Every wrong variant of ``topics`` with the reference and its topic's visible test file."""
    return [(variant, root / "solutions", root / "exercises" / "tests" / f"test_{topic}.py")
            for topic in topics
            for variant in mutation.load_variants(root / "grading" / "mutants" / f"{topic}.py")
            if variant.kind == mutation.WRONG]


def measure(topics, root: Path, workers: int = 2) -> list[Targeting]:
    """Judge every wrong variant of ``topics`` by the visible tests (slow topics first) and classify it."""
    ordered = catalogue.load().slowest_first(topics)
    return [classify(verdict) for verdict in mutation.judge_all(jobs(ordered, root), workers=workers, rootdir=root)]
