"""Selecting numpy exercises (--exercise, -k, keraskit check/watch) never imports TensorFlow,
and leaves out no test the selection picks."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from keraskit import selection

ROOT = Path(__file__).resolve().parents[1]
VISIBLE = ROOT / "exercises" / "tests"

# Selections on the whole board that pick numpy topics only.
SELECTIONS = {
    "one exercise": ["--exercise", "tensors.normalize"],
    "two topics' exercises": ["--exercise", "encoding.one_hot", "--exercise", "metrics.binary_accuracy"],
    "-k topic": ["-k", "activations"],
    "-k expression": ["-k", "losses and not mean"],
    "-k both": ["-k", "tensors or encoding"],
}

# Runs pytest, then prints which tests ran (or were collected) and whether TensorFlow was imported.
PROBE = r"""
import json, sys, pytest
class Seen:
    nodeids = []
    def pytest_collection_finish(self, session):
        self.nodeids = [item.nodeid for item in session.items]
    def pytest_runtest_logreport(self, report):
        if report.when == "call":
            self.outcomes.append((report.nodeid, report.outcome))
    outcomes = []
seen = Seen()
results = {}
for name, args in json.loads(sys.argv[1]).items():
    seen.outcomes = []
    code = pytest.main(args + ["-q", "-p", "no:cacheprovider"], plugins=[seen])
    results[name] = {"exit": int(code), "collected": seen.nodeids, "outcomes": seen.outcomes}
print(json.dumps({"results": results, "tensorflow": "tensorflow" in sys.modules}))
"""


def _probe(runs: dict[str, list[str]], cwd: Path = ROOT) -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(runs)], cwd=cwd, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def every_file_named():
    """What each selection collects when every visible file is named, so none may be left out."""
    files = [str(p) for p in sorted(VISIBLE.glob("test_*.py"))]
    return _probe({name: files + args + ["--collect-only"] for name, args in SELECTIONS.items()})["results"]


@pytest.mark.parametrize("name", SELECTIONS)
def test_numpy_selection_imports_no_tensorflow_and_runs_what_it_selects(name, every_file_named):
    probe = _probe({name: ["exercises/", "--instructor", *SELECTIONS[name]]})
    assert probe["tensorflow"] is False, f"{name}: TensorFlow was imported"
    run = probe["results"][name]
    assert run["exit"] == 0, run
    expected = every_file_named[name]["collected"]
    assert expected, f"{name}: the selection picks no test at all"
    assert run["collected"] == expected
    assert [nodeid for nodeid, _ in run["outcomes"]] == expected
    assert {outcome for _, outcome in run["outcomes"]} == {"passed"}


def test_a_selection_naming_a_keras_topic_still_collects_it():
    probe = _probe({"models": ["exercises/", "--exercise", "models.dense_connection_count", "--collect-only"]})
    assert probe["results"]["models"]["collected"], "the models tests were left out"


@pytest.fixture
def workspace(tmp_path) -> Path:
    """A student's copy: the stubs, their tests and the project settings."""
    shutil.copytree(ROOT / "exercises", tmp_path / "exercises", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


CLI_PROBE = r"""
import json, sys
from keraskit import cli
code = cli.main(sys.argv[1:])
print(json.dumps({"exit": code, "tensorflow": "tensorflow" in sys.modules}))
"""

WATCH_PROBE = r"""
import json, sys
from pathlib import Path
from keraskit.commands.watch import Watcher
watcher = Watcher(Path.cwd())
more = [watcher.advance(), watcher.advance()]  # the first run, then a rerun after a save
print(json.dumps({"more": more, "current": watcher.current, "tensorflow": "tensorflow" in sys.modules}))
"""


def test_keraskit_check_of_a_numpy_topic_imports_no_tensorflow(workspace):
    done = subprocess.run([sys.executable, "-c", CLI_PROBE, "check", "activations"], cwd=workspace,
                          capture_output=True, text=True, timeout=300)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"exit": 1, "tensorflow": False}, done.stdout[-2000:] + done.stderr[-2000:]
    assert "activations.weighted_sum" in done.stdout  # the stubs were graded: next is the first one


def test_keraskit_watch_on_a_numpy_topic_imports_no_tensorflow(workspace):
    done = subprocess.run([sys.executable, "-c", WATCH_PROBE], cwd=workspace, capture_output=True, text=True,
                          timeout=300)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"more": [True, True], "current": "tensors.samples_first", "tensorflow": False}, \
        done.stdout[-2000:] + done.stderr[-2000:]
    assert done.stdout.count("tensors.samples_first") >= 2  # both runs reported the stub


# --------------------------------------------------------------------------- the decision itself

def _suite(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / "exercises" / "tests" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


MODELS_FILE = '''
import pytest
@pytest.mark.exercise("models.dense_connection_count")
@pytest.mark.parametrize("bad", [object(), object()])
def test_dense_connection_count_rejects(models, bad):
    pass
'''


def _skips(path: Path, expression: str) -> bool:
    return selection.excluded_by_keyword(path, "models", expression, root=path.parents[2],
                                         marker_names=["exercise", "parametrize"])


def test_keyword_skips_a_file_only_when_no_test_name_could_match(tmp_path):
    path = _suite(tmp_path, "test_models.py", MODELS_FILE)
    assert _skips(path, "activations")
    assert _skips(path, "activations and dense")
    assert not _skips(path, "dense")  # part of the test's name
    assert not _skips(path, "not activations")
    assert not _skips(path, "activations or connection")
    assert not _skips(path, "bad1")  # the id pytest generates for the second parameter
    assert not _skips(path, "rejects[bad0]")
    assert not _skips(path, "test_models.py")  # the module's name is a keyword
    assert not _skips(path, "parametrize")  # so are its markers' names
    assert not _skips(path, "models.build_single_layer")  # data-driven ids may carry exercise ids


def test_keyword_never_skips_on_an_expression_pytest_rejects(tmp_path):
    path = _suite(tmp_path, "test_models.py", MODELS_FILE)
    assert not _skips(path, "activations and (")
    assert not _skips(path, "")


def test_keyword_sees_the_topics_golden_data(tmp_path):
    path = _suite(tmp_path, "test_models.py", MODELS_FILE)
    assert _skips(path, "zebra")
    (path.parent / "golden").mkdir()
    (path.parent / "golden" / "models.json").write_text('{"cases": ["zebra"]}', encoding="utf-8")
    assert not _skips(path, "zebra")


def test_keyword_sees_conftest_files_up_to_the_root(tmp_path):
    path = _suite(tmp_path, "test_models.py", MODELS_FILE)
    assert _skips(path, "slowish")
    (tmp_path / "exercises" / "conftest.py").write_text("# adds the marker 'slowish'\n", encoding="utf-8")
    assert not _skips(path, "slowish")


def test_exercise_selection_keeps_a_file_that_names_a_wanted_exercise(tmp_path):
    plain = _suite(tmp_path, "test_models.py", MODELS_FILE)
    assert selection.excluded_by_exercises(plain, "models", {"tensors.normalize"})
    assert not selection.excluded_by_exercises(plain, "models", {"models.dense_param_count"})
    crossing = _suite(tmp_path, "test_training.py", MODELS_FILE + '@pytest.mark.exercise("tensors.normalize")\n')
    assert not selection.excluded_by_exercises(crossing, "training", {"tensors.normalize"})


def test_only_topic_files_are_ever_candidates(tmp_path):
    assert selection.topic_of(Path("exercises/tests/test_models.py")) == "models"
    assert selection.topic_of(Path("grading/hidden/test_training.py")) == "training"
    for other in ("test_helpers.py", "conftest.py", "models.py", "test_models.txt"):
        assert selection.topic_of(Path("exercises/tests") / other) is None
