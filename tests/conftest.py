"""Shared fixtures of the kit's own tests: the repository's folders and the kill-rate record."""

from pathlib import Path

import pytest

from keraskit import catalogue

ROOT = Path(__file__).resolve().parents[1]
KILL_RECORD = pytest.StashKey[dict]()
CLASS_SCORES = pytest.StashKey[dict]()


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def cat() -> catalogue.Catalogue:
    return catalogue.load()


@pytest.fixture
def kill_record(request) -> dict:
    """Counts of caught wrong answers and accepted right answers, printed at the end of the run."""
    return request.config.stash.setdefault(KILL_RECORD, {"wrong": 0, "killed": 0, "right": 0, "accepted": 0})


@pytest.fixture
def class_scores(request) -> dict:
    """Score of each fairness-corpus submission by route, printed next to the kill rate."""
    return request.config.stash.setdefault(CLASS_SCORES, {})


def pytest_terminal_summary(terminalreporter, config):
    scores = config.stash.get(CLASS_SCORES, None)
    if scores:
        terminalreporter.write_sep("=", "fairness corpus (grading/class)")
        for name, (earned, possible) in sorted(scores.items()):
            terminalreporter.write_line(f"{name}: {earned}/{possible}")
    record = config.stash.get(KILL_RECORD, None)
    if not record or not (record["wrong"] or record["right"]):
        return
    rate = 100.0 * record["killed"] / record["wrong"] if record["wrong"] else 100.0
    terminalreporter.write_sep("=", "grading-suite strength")
    terminalreporter.write_line(
        f"kill rate: {record['killed']}/{record['wrong']} wrong answers caught ({rate:.1f}%); "
        f"{record['accepted']}/{record['right']} correct alternatives accepted; "
        f"{record.get('broken', 0)} broken variants (dying of their own missing names)")
