"""Shared fixtures of the kit's own tests, the kill-rate record, and how the tests share the cores.

``pytest tests/`` runs on every core (pytest-xdist) unless ``-n`` says otherwise: most of its time
is spent in subprocesses, Keras training and time limits, which overlap well. Tests that share an
expensive fixture of their file (a graded class, a built course, a judge host) are kept on one
worker, so each such fixture is still built once; every other test goes wherever a core is free,
and the slowest groups start first. Which tests run never depends on this: only where and when.
The students' ``pytest exercises/`` never loads this file.
"""

from pathlib import Path

import pytest

from keraskit import catalogue

ROOT = Path(__file__).resolve().parents[1]
KILL_RECORD = pytest.StashKey[dict]()
KILL_RECORD_OUTPUT = "keraskit_kill_record"  # a worker's record, sent to the controller
XDIST_DEFAULTS = {"numprocesses": "auto", "dist": "loadgroup", "loadscopereorder": False}
# Files whose shared fixtures take minutes (measured with --durations on 2 cores), slowest first:
# their groups are handed out first so that no core waits for one at the end. A file missing here
# only starts later; nothing else changes.
SLOW_FILES = ["test_strength.py", "test_autograde_full.py", "test_autograde_redteam.py", "test_nbgrader_pipeline.py",
              "test_autograde_gradescope.py", "test_nbgrader_judge.py", "test_errata.py", "test_selfstudy.py",
              "test_datasets.py"]


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config):
    """Default to ``-n auto --dist loadgroup`` when pytest-xdist is there and nothing else was asked."""
    if hasattr(config, "workerinput") or not config.pluginmanager.hasplugin("xdist"):
        return None  # an xdist worker, or no xdist: run as asked
    asked = config.option
    if asked.numprocesses is not None or asked.dist != "no" or asked.tx or asked.collectonly or asked.usepdb:
        return None
    for name, value in XDIST_DEFAULTS.items():
        setattr(asked, name, value)
    return None


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(config, items):
    if not config.getoption("loadgroup", False):
        return  # not an xdist worker grouping tests: keep pytest's order and no groups
    grouped = set()
    for group, members in _groups_sharing_module_fixtures(items).items():
        for item in members:
            item.add_marker(pytest.mark.xdist_group(group))
        grouped.update(members)
    # xdist hands out work in this order, two units per worker at first: slow files first, and in
    # a file its fixture groups (the minutes) before its lone tests. The sort is stable.
    rank = {name: i for i, name in enumerate(SLOW_FILES)}
    items.sort(key=lambda item: (rank.get(item.path.name, len(rank)), item not in grouped))


def _groups_sharing_module_fixtures(items) -> dict[str, list]:
    """Tests linked by a shared fixture their own file defines with a wider-than-test scope.

    Such a fixture (module, class or session scoped) is built once per worker that needs it, so
    all its users go to one worker. Fixtures from conftest files or plugins are cheap and shared
    by everything: they do not link tests.
    """
    parent = {}

    def find(key):
        while parent.setdefault(key, key) != key:
            key = parent[key]
        return key

    shared = {}
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        names = []
        for name in getattr(item, "fixturenames", ()):
            defs = info.name2fixturedefs.get(name, ()) if info else ()
            if any(d.scope != "function" and d.baseid == item.nodeid.split("::")[0] for d in defs):
                names.append(f"{item.path.stem}.{name}")
        if names:
            shared[item] = names
            for name in names[1:]:
                parent[find(name)] = find(names[0])
    groups: dict[str, list] = {}
    for item, names in shared.items():
        groups.setdefault(find(names[0]), []).append(item)
    return groups


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
