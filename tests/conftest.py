"""Shared fixtures of the kit's own tests: the repository's folders and the kill-rate record.

``pytest tests/`` runs on every core (pytest-xdist) unless ``-n`` says otherwise: most of its time
is spent waiting on subprocesses, Keras training and time limits, which overlap well. Tests of one
file share its module fixtures (a graded class, a built course), so a file runs on one worker
and each fixture is built once. The students' ``pytest exercises/`` never loads this file.
"""

from pathlib import Path

import pytest

from keraskit import catalogue

ROOT = Path(__file__).resolve().parents[1]
KILL_RECORD = pytest.StashKey[dict]()
KILL_RECORD_OUTPUT = "keraskit_kill_record"  # a worker's record, sent to the controller
# Whole files to one worker: their module fixtures are the expensive part (see the docstring).
DEFAULT_DIST = "loadfile"


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config):
    """Default to ``-n auto --dist loadfile`` when pytest-xdist is there and nothing else was asked."""
    if hasattr(config, "workerinput") or not config.pluginmanager.hasplugin("xdist"):
        return None  # an xdist worker, or no xdist: run as asked
    asked = config.option
    if asked.numprocesses is not None or asked.dist != "no" or asked.tx or asked.collectonly or asked.usepdb:
        return None
    asked.numprocesses = "auto"
    asked.dist = DEFAULT_DIST
    return None


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def cat() -> catalogue.Catalogue:
    return catalogue.load()


def _kill_record(config) -> dict:
    return config.stash.setdefault(KILL_RECORD, {"wrong": 0, "killed": 0, "right": 0, "accepted": 0})


@pytest.fixture
def kill_record(request) -> dict:
    """Counts of caught wrong answers and accepted right answers, printed at the end of the run."""
    return _kill_record(request.config)


def pytest_sessionfinish(session):
    """On an xdist worker: hand the record to the controller, which prints the summary."""
    output = getattr(session.config, "workeroutput", None)
    if output is not None and KILL_RECORD in session.config.stash:
        output[KILL_RECORD_OUTPUT] = dict(session.config.stash[KILL_RECORD])


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """On the xdist controller: add up the workers' records."""
    worker_record = getattr(node, "workeroutput", {}).get(KILL_RECORD_OUTPUT)
    if worker_record:
        record = _kill_record(node.config)
        for key, count in worker_record.items():
            record[key] += count


def pytest_terminal_summary(terminalreporter, config):
    record = config.stash.get(KILL_RECORD, None)
    if not record or not (record["wrong"] or record["right"]):
        return
    rate = 100.0 * record["killed"] / record["wrong"] if record["wrong"] else 100.0
    terminalreporter.write_sep("=", "grading-suite strength")
    terminalreporter.write_line(
        f"kill rate: {record['killed']}/{record['wrong']} wrong answers caught ({rate:.1f}%); "
        f"{record['accepted']}/{record['right']} correct alternatives accepted")
