"""Shared fixtures of the kit's own tests: the repository's folders and the kill-rate record."""

from pathlib import Path

import pytest

from keraskit import catalogue

ROOT = Path(__file__).resolve().parents[1]
KILL_RECORD = pytest.StashKey[dict]()


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


def pytest_terminal_summary(terminalreporter, config):
    record = config.stash.get(KILL_RECORD, None)
    if not record or not (record["wrong"] or record["right"]):
        return
    rate = 100.0 * record["killed"] / record["wrong"] if record["wrong"] else 100.0
    terminalreporter.write_sep("=", "grading-suite strength")
    terminalreporter.write_line(
        f"kill rate: {record['killed']}/{record['wrong']} wrong answers caught ({rate:.1f}%); "
        f"{record['accepted']}/{record['right']} correct alternatives accepted")
