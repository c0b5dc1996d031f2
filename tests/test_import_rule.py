"""Graded code may import numpy, keras, tensorflow, the standard library and keraskit, nothing else.

The grader has no scipy: a module importing it scores 0 there. The student's own runs (``pytest
exercises/``, ``keraskit check``) apply the same rule, read from the source with ``ast``, so the
flag does not depend on scipy being installed; this venv has no scipy, and a top-level import of
it would otherwise fail with "does not import" rather than with the rule.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from keraskit import cli, imports, plugin
from keraskit.autograde import judge

ROOT = Path(__file__).resolve().parents[1]
RULE = "activations.py imports scipy, which the grader does not provide; use numpy"


@pytest.mark.parametrize(("source", "packages"), [
    ("from scipy.special import expit", ["scipy"]),
    ("import scipy.special as sp", ["scipy"]),
    ("def f(x):\n    if x:\n        import pandas as pd\n        return pd", ["pandas"]),
    ("import importlib\nm = importlib.import_module('sklearn.linear_model')", ["sklearn"]),
    ("m = __import__('scipy')", ["scipy"]),
    ("from importlib import import_module\nm = import_module('torch')", ["torch"]),
    ("try:\n    import scipy\nexcept ImportError:\n    scipy = None", ["scipy"]),
    ("import numpy as np, scipy, pandas\nimport scipy.stats", ["scipy", "pandas"]),
    ("import tf_keras", ["tf_keras"]),
])
def test_a_package_the_grader_lacks_is_named_wherever_it_is_imported(source, packages):
    assert imports.foreign_packages(source) == packages


@pytest.mark.parametrize("source", [
    "import numpy as np", "import keras\nfrom keras import layers", "import tensorflow as tf",
    "from keraskit.datasets import load_boston_housing", "import math, itertools, os.path, collections.abc",
    "from __future__ import annotations", "from . import helpers", "print('scipy')", "x = 'import scipy'",
    "np.array('scipy')", "def f(:\n    import scipy",
])
def test_what_the_grader_provides_or_only_names_a_package_passes(source):
    assert imports.foreign_packages(source) == []


def test_the_message_stays_one_short_line_whatever_the_source_names():
    many = "import importlib\n" + "".join(f"importlib.import_module('p{i}')\n" for i in range(9))
    assert imports.rule_message("tensors.py", imports.foreign_packages(many)).startswith(
        "tensors.py imports p0, p1, p2, p3, p4, ..., which the grader does not provide")
    odd = "import importlib\nimportlib.import_module('bad\\nname')\n__import__('" + "y" * 500 + "')\n"
    assert imports.foreign_packages(odd) == ["bad\nname", "y" * 500]
    message = imports.rule_message("tensors.py", imports.foreign_packages(odd))
    assert "\n" not in message and len(message) < 300, message


@pytest.mark.parametrize("folder", ["exercises", "solutions"])
def test_the_stubs_and_the_reference_keep_the_rule(folder, cat):
    assert imports.folder_messages(ROOT / folder, cat.topic_ids) == []


@pytest.fixture
def copy(tmp_path):
    work = tmp_path / "work"
    shutil.copytree(ROOT / "exercises", work / "exercises", ignore=shutil.ignore_patterns("__pycache__"))
    return work


def _with_import(copy, line: str, in_function: bool) -> None:
    """activations.py importing scipy at its top, or inside its first function."""
    path = copy / "exercises" / "activations.py"
    source = path.read_text(encoding="utf-8")
    if in_function:
        changed = source.replace("    raise NotImplementedError", f"    {line}\n    raise NotImplementedError", 1)
    else:
        changed = source.replace("import numpy as np\n", f"import numpy as np\n{line}\n", 1)
    assert changed != source
    path.write_text(changed, encoding="utf-8")


def _run(copy, *args, path=None):
    environ = {k: v for k, v in os.environ.items() if not k.startswith("KERASKIT_")}
    environ["KERASKIT_LANG"] = "en"
    if path:
        environ["PYTHONPATH"] = str(path)
    return subprocess.run([sys.executable, *args], cwd=copy, env=environ, capture_output=True, text=True,
                          timeout=300)


def _scipy_installed(folder: Path) -> Path:
    """A stand-in scipy with a working ``scipy.special.expit``: as on Colab, the import succeeds."""
    (folder / "scipy").mkdir(parents=True)
    (folder / "scipy" / "__init__.py").write_text("", encoding="utf-8")
    (folder / "scipy" / "special.py").write_text(
        "import numpy as np\n\ndef expit(z):\n    return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))\n",
        encoding="utf-8")
    return folder


@pytest.mark.parametrize("installed", [False, pytest.param(True, marks=pytest.mark.slow)],
                         ids=["without scipy", "with scipy"])
def test_pytest_flags_the_module_before_the_tests_and_each_test_fails_with_the_rule(copy, cat, installed, tmp_path):
    _with_import(copy, "from scipy.special import expit", in_function=False)
    path = _scipy_installed(tmp_path / "site") if installed else None
    result = _run(copy, "-m", "pytest", "exercises/tests/test_activations.py", "-q", "-p", "no:cacheprovider",
                  path=path)
    out = result.stdout
    assert result.returncode == 1, out
    assert RULE in out, out
    assert out.index(RULE) < out.index("FAILURES") < out.index("keraskit board"), "flagged before the tests"
    exercises = len(cat.topic("activations").exercises)
    assert out.count(RULE) >= 1 + exercises, "each exercise's failure says it too"
    assert "does not import" not in out and "No module named" not in out


def test_check_flags_a_module_that_loads_here_but_breaks_the_rule(copy, capsys, monkeypatch):
    # Inside a function: the module loads without scipy, yet the grader would give it 0.
    _with_import(copy, "import importlib; importlib.import_module('scipy.special')", in_function=True)
    monkeypatch.chdir(copy)
    monkeypatch.setenv("KERASKIT_LANG", "en")
    assert cli.main(["check", "activations"]) == 1
    out = capsys.readouterr().out
    assert out.startswith(RULE), out
    assert "keraskit board" in out and "failing" in out and "not started" not in out, out


class _Session:
    """The judge's worker session, standing in: sources, and a scripted reply to ``load``."""

    def __init__(self, source: bytes, reply: dict | None = None):
        self.sources = {"activations": source}
        self.reply = reply or {"functions": []}
        self.requests = []

    def request(self, header, values=None):
        self.requests.append(header)
        return self.reply, []


def test_the_grader_says_the_same_line_without_asking_the_worker():
    session = _Session(b"import numpy as np\n\ndef sigmoid(z):\n    from scipy.special import expit\n")
    loader = judge.IsolatedLoader(session, {}, "submission")
    for _ in range(2):  # and again for the module's next test
        with pytest.raises(imports.ForeignImport) as excinfo:
            loader.load("activations")
        assert str(excinfo.value).startswith(RULE)
    assert session.requests == [], "the rule does not depend on what the worker has installed"


def test_an_import_error_in_the_worker_names_its_type_once():
    reply = {"error": {"type": "ModuleNotFoundError", "message": "No module named 'scipyx'", "phase": "import"}}
    loader = judge.IsolatedLoader(_Session(b"import math\n", reply), {}, "submission")
    with pytest.raises(SyntaxError) as excinfo:  # the plugin reports it as "does not import"
        loader.load("activations")
    assert plugin._one_line(excinfo) == "ModuleNotFoundError: No module named 'scipyx'"
