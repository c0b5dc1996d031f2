"""Outcome names and the scoring rule, shared by the plugin, the board, the runner and the grader.

A test's outcome is recorded on its pytest report; an exercise's status follows from the
outcomes of its tests, and an exercise earns its catalogue points only when it is done.
"""

from __future__ import annotations

from enum import Enum

# One test's outcome, as recorded on its pytest report.
TEST_PASSED = "passed"
TEST_FAILED = "failed"
TEST_NOT_STARTED = "not_started"


class Status(str, Enum):
    """An exercise's status (its value names the ``board.status_*`` message)."""
    DONE = "done"
    FAILING = "failing"
    NOT_STARTED = "not_started"


def exercise_status(test_outcomes: list[str]) -> Status:
    """An exercise is done when every test of it passed; a real failure beats "not started"."""
    if test_outcomes and all(o == TEST_PASSED for o in test_outcomes):
        return Status.DONE
    if TEST_FAILED in test_outcomes or not test_outcomes:
        return Status.FAILING
    return Status.NOT_STARTED


def points_earned(points: int, status: Status) -> int:
    """All of an exercise's points when it is done, none otherwise: no partial credit."""
    return points if status is Status.DONE else 0
