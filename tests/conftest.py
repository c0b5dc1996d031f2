"""Shared fixtures of the kit's own tests, the kill-rate record, and how the tests share the cores.

``pytest tests/`` runs on every core (pytest-xdist) unless ``-n`` says otherwise: most of its time
is spent in subprocesses, Keras training and time limits, which overlap well. A test file runs on
one worker (``--dist loadfile``), so its expensive module fixtures (a graded class, a built course,
a judge host) are still built once, and the slowest files start first. Which tests run never
depends on this: only where and when. (``--dist loadgroup`` would split files further, but with
pytest 9.2 and xdist 3.8 it does not group at all: xdist can no longer tag a test's node id.)
The students' ``pytest exercises/`` never loads this file.
"""

import os
import sys
from pathlib import Path

import pytest

from keraskit import catalogue

ROOT = Path(__file__).resolve().parents[1]
# The kit's development helpers (``kitdev``: mutants, the nbgrader driver) are not part of the
# package. Their folder holds only that package, so putting it on sys.path (here, before any test
# module is imported; spawned pools inherit it) makes nothing else of the checkout importable.
KITDEV_PARENT = ROOT / "tests" / "support"
if str(KITDEV_PARENT) not in sys.path:
    sys.path.insert(0, str(KITDEV_PARENT))
KILL_RECORD = pytest.StashKey[dict]()
CLASS_SCORES = pytest.StashKey[dict]()
KILL_RECORD_OUTPUT = "keraskit_kill_record"  # a worker's record, sent to the controller
CLASS_SCORES_OUTPUT = "keraskit_class_scores"  # likewise, the corpus scores
SLOW_FIRST_INPUT = "keraskit_slow_first"  # sent to each worker: order the files for the controller
XDIST_DEFAULTS = {"numprocesses": "auto", "dist": "loadfile", "loadscopereorder": False}
# The slowest files, slowest first (the sum of their test durations, measured with --durations=0
# on 2 cores): xdist hands a worker its next file when the current one has two tests left, so
# starting the longest first keeps both workers busy to the end. A file missing here only starts
# later; nothing else changes.
SLOW_FILES = ["test_fairness_class.py", "test_strength.py", "test_autograde_redteam.py", "test_messages_chinese.py",
              "test_nbgrader_pipeline.py", "test_judge_hardening.py", "test_autograde_floor.py",
              "test_autograde_sigkill.py", "test_selfcheck.py", "test_nbgrader_judge.py",
              "test_autograde_gradescope.py", "test_selfstudy.py", "test_feedback_selection.py"]


# Each of the kit's own tests stops after this many seconds (pytest-timeout) unless --timeout,
# PYTEST_TIMEOUT or an ini setting says otherwise. It is set here, not in pyproject.toml, which the
# students' `pytest exercises/` reads too: there keraskit's own call limit stops a hanging call, and
# pytest-timeout's header and messages must not appear.
KIT_TEST_TIMEOUT = 300


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    """Before pytest-timeout reads its settings: the kit's tests get KIT_TEST_TIMEOUT by default."""
    if config.pluginmanager.hasplugin("timeout") and config.getoption("timeout") is None \
            and not os.environ.get("PYTEST_TIMEOUT") and not config.getini("timeout"):
        config.option.timeout = KIT_TEST_TIMEOUT


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config):
    """Default to ``-n auto --dist loadfile`` when pytest-xdist is there and nothing else was asked."""
    if hasattr(config, "workerinput") or not config.pluginmanager.hasplugin("xdist"):
        return None  # an xdist worker (the controller decided), or no xdist: run as asked
    asked = config.option
    if asked.numprocesses is not None or asked.dist != "no" or asked.tx or asked.collectonly or asked.usepdb:
        return None
    for name, value in XDIST_DEFAULTS.items():
        setattr(asked, name, value)
    return None


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """On the xdist controller: workers order the files when the defaults above are in force."""
    node.workerinput[SLOW_FIRST_INPUT] = node.config.getvalue("dist") == XDIST_DEFAULTS["dist"] and \
        node.config.getvalue("loadscopereorder") is False


def pytest_collection_modifyitems(config, items):
    """The slow tier apart unless asked for; on a worker, slow files first (xdist hands out files in
    collection order); a file keeps its order."""
    _keep_slow_tier_apart(config, items)
    if getattr(config, "workerinput", {}).get(SLOW_FIRST_INPUT):
        rank = {name: i for i, name in enumerate(SLOW_FILES)}
        items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


def _keep_slow_tier_apart(config, items):
    """``pytest tests/`` leaves out the tests marked ``slow``; ``pytest tests/ -m slow`` runs only them.

    The slow tier holds proofs too long for the main run's time budget (CI runs it right after
    the main run). Any ``-m`` expression decides by itself, so ``-m "slow or not slow"`` runs all.
    """
    if config.getoption("markexpr"):
        return
    slow = [item for item in items if item.get_closest_marker("slow")]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if not item.get_closest_marker("slow")]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def cat() -> catalogue.Catalogue:
    return catalogue.load()


def _kill_record(config) -> dict:
    return config.stash.setdefault(KILL_RECORD, {"wrong": 0, "killed": 0, "right": 0, "accepted": 0, "broken": 0})


@pytest.fixture
def kill_record(request) -> dict:
    """Counts of caught wrong answers and accepted right answers, printed at the end of the run."""
    return _kill_record(request.config)


def pytest_sessionfinish(session):
    """On an xdist worker: hand the records to the controller, which prints the summary."""
    output = getattr(session.config, "workeroutput", None)
    if output is None:
        return
    if KILL_RECORD in session.config.stash:
        output[KILL_RECORD_OUTPUT] = dict(session.config.stash[KILL_RECORD])
    if CLASS_SCORES in session.config.stash:
        output[CLASS_SCORES_OUTPUT] = {name: list(score) for name, score in session.config.stash[CLASS_SCORES].items()}


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """On the xdist controller: add up the workers' records."""
    output = getattr(node, "workeroutput", {})
    worker_record = output.get(KILL_RECORD_OUTPUT)
    if worker_record:
        record = _kill_record(node.config)
        for key, count in worker_record.items():
            record[key] = record.get(key, type(count)()) + count  # a count, or a list of lines
    node.config.stash.setdefault(CLASS_SCORES, {}).update(
        {name: tuple(score) for name, score in output.get(CLASS_SCORES_OUTPUT, {}).items()})


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
    if not record or not (record["wrong"] or record["right"] or record.get("visible_wrong")):
        return
    rate = 100.0 * record["killed"] / record["wrong"] if record["wrong"] else 100.0
    terminalreporter.write_sep("=", "grading-suite strength")
    if record["wrong"] or record["right"]:  # the hidden suites' run (the slow tier may have only the visible one)
        terminalreporter.write_line(
            f"kill rate: {record['killed']}/{record['wrong']} wrong answers caught ({rate:.1f}%); "
            f"{record['accepted']}/{record['right']} correct alternatives accepted; "
            f"{record.get('broken', 0)} broken variants (dying of their own missing names)")
    _hint_targeting_summary(terminalreporter, record)


def _hint_targeting_summary(terminalreporter, record) -> None:
    """The slow tier's run of every wrong variant against the visible tests (test_hint_targeting)."""
    wrong = record.get("visible_wrong", 0)
    if not wrong:
        return
    killed, on_target = record.get("visible_killed", 0), record.get("on_target", 0)
    terminalreporter.write_line(
        f"visible kill rate: {killed}/{wrong} wrong answers caught by the visible tests alone "
        f"({100.0 * killed / wrong:.1f}%); on-target hint rate: {on_target}/{wrong} shown their own "
        f"misconception's hint by the first failing visible test ({100.0 * on_target / wrong:.1f}%, target 95%; "
        f"{100.0 * on_target / killed if killed else 100.0:.1f}% of those caught)")
    for miss in record.get("hint_misses", []):
        terminalreporter.write_line(f"  hint miss: {miss}")
