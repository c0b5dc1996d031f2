"""The student commands need no POSIX-only module or call, so they run on Windows too.

Windows stand-in: a ``sitecustomize`` that makes ``fcntl`` and ``resource`` fail to import and
deletes ``os.fork`` (and the fork hooks Windows lacks) before anything else runs. One interpreter
then runs each student command on a numpy topic (cheap: TensorFlow is never imported), as
``pytest exercises/...`` and ``keraskit ...`` would. The isolated grader (Linux only) is not
part of the student path.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

BLOCKER = '''
import os
import sys

BLOCKED = ("fcntl", "resource")


class NotOnWindows:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED:
            frame = sys._getframe(1)
            while frame.f_code.co_filename.startswith("<frozen"):
                frame = frame.f_back
            with open(os.environ["BLOCKED_LOG"], "a") as log:  # who asked: the stdlib falls back on its own
                log.write(f"{name} {frame.f_code.co_filename}\\n")
            raise ModuleNotFoundError(f"No module named {name!r} (not on Windows)", name=name)
        return None


sys.meta_path.insert(0, NotOnWindows())
for name in BLOCKED:
    sys.modules.pop(name, None)
for name in ("fork", "forkpty", "register_at_fork"):
    if hasattr(os, name):
        delattr(os, name)
'''

DRIVER = '''
import json
import os
from pathlib import Path

import pytest

from keraskit import cli
from keraskit.commands.watch import Watcher

assert not hasattr(os, "fork"), "the stand-in did not load"
codes = {}
codes["pytest"] = int(pytest.main(["exercises/tests/test_tensors.py", "-q", "-p", "no:cacheprovider"]))
codes["pytest --exercise"] = int(pytest.main(["exercises/", "--exercise", "tensors.normalize", "-q",
                                              "-p", "no:cacheprovider"]))
codes["check"] = cli.main(["check", "tensors"])
codes["hint"] = cli.main(["hint", "tensors.normalize"])
codes["solution"] = cli.main(["solution", "tensors.normalize"])
codes["watch"] = Watcher(Path.cwd()).advance()  # one round of `keraskit watch`: it then waits for a save
codes["plot"] = cli.main(["plot", "boston", "--out", "curves.png", "--epochs", "0"])  # refused before training
codes["reset"] = cli.main(["reset"])
print("RESULT " + json.dumps(codes))
'''


def test_student_commands_run_without_fcntl_resource_or_fork(tmp_path):
    work = tmp_path / "work"
    shutil.copytree(ROOT / "exercises", work / "exercises", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "solutions", work / "solutions", ignore=shutil.ignore_patterns("__pycache__"))
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(BLOCKER, encoding="utf-8")
    log = tmp_path / "blocked.log"
    environ = {k: v for k, v in os.environ.items() if not k.startswith("KERASKIT_")}
    environ.update(KERASKIT_LANG="en", BLOCKED_LOG=str(log),
                   PYTHONPATH=os.pathsep.join([str(site), *filter(None, [os.environ.get("PYTHONPATH")])]))
    result = subprocess.run([sys.executable, "-c", DRIVER], cwd=work, env=environ, capture_output=True,
                            text=True, timeout=300)
    out = result.stdout + result.stderr
    assert "RESULT " in result.stdout, out
    codes = json.loads(result.stdout.rsplit("RESULT ", 1)[1])
    assert codes == {"pytest": 1, "pytest --exercise": 1, "check": 1, "hint": 0, "solution": 1, "watch": True,
                     "plot": 2, "reset": 0}, out
    assert "keraskit board" in result.stdout and "tensors.samples_first is not started" in result.stdout
    assert "Traceback" not in out and "not on Windows" not in out
    package = str(ROOT / "keraskit")
    asked = log.read_text().splitlines() if log.exists() else []
    assert not [line for line in asked if package in line], asked
