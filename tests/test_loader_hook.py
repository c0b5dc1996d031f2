"""The loader seam: a plugin hands the tests their graded code through the declared
``pytest_keraskit_loader`` hook (``keraskit.hookspecs``), and what it hands over must be a
``keraskit.target.Loader``."""

import os
import types
from pathlib import Path

import pytest

from keraskit import outcome, runner, target
from keraskit.autograde.judge import IsolatedLoader
from keraskit.nbgrader.checks import NotebookLoader

ROOT = Path(__file__).resolve().parents[1]
TEST_FILE = '''
import pytest

@pytest.mark.exercise("tensors.samples_first")
def test_the_graded_function_is_the_loaders(tensors):
    assert tensors.samples_first("x", 0) == "from the offered loader"
'''


class OfferedLoader:
    """A loader of its own: every module has a samples_first that says where it came from."""

    root = "the offered loader"

    def describe(self, module: str) -> str:
        return f"<{module} of the offered loader>"

    def load(self, module: str):
        return types.SimpleNamespace(samples_first=lambda x, sample_axis: "from the offered loader")


class Offering:
    """A plugin that offers ``loader`` through the hook."""

    def __init__(self, loader):
        self.loader = loader

    def pytest_keraskit_loader(self, config):
        return self.loader


def _run(tmp_path, plugin, graded=None) -> runner.RunResult:
    test_file = tmp_path / "test_tensors.py"
    test_file.write_text(TEST_FILE)
    return runner.run([test_file], plugins=[plugin], rootdir=tmp_path, target=graded,
                      extra_args=["-c", os.devnull, "--import-mode=importlib", "-p", "no:randomly"])


def test_a_loader_offered_through_the_hook_is_the_one_the_tests_use(tmp_path):
    result = _run(tmp_path, Offering(OfferedLoader()))
    assert [(t.exercise, t.outcome) for t in result.tests] == [("tensors.samples_first", outcome.TEST_PASSED)], \
        result.output


def test_without_an_offer_the_local_folder_is_graded(tmp_path):
    result = _run(tmp_path, Offering(None), graded=ROOT / "exercises")  # the stub: not started
    assert [t.outcome for t in result.tests] == [outcome.TEST_NOT_STARTED], result.output


def test_an_offer_that_is_no_loader_is_refused_by_name(tmp_path, capsys):
    class HalfLoader:
        root = "half"

        def load(self, module):
            return None

    result = _run(tmp_path, Offering(HalfLoader()))
    assert result.exit_code == pytest.ExitCode.USAGE_ERROR and result.tests == []
    error = capsys.readouterr().err
    assert "'HalfLoader'" in error and "keraskit.target.Loader" in error and "lacks describe(module)" in error


def test_the_three_loaders_meet_the_protocol(tmp_path):
    loaders = [target.LocalLoader(tmp_path), IsolatedLoader(None, {}, "label"), NotebookLoader("tensors", {})]
    for loader in loaders:
        assert isinstance(loader, target.Loader) and target.missing_loader_members(loader) == []
    assert target.missing_loader_members(object()) == ["root", "describe(module)", "load(module)"]
