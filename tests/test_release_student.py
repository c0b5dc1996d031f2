"""A student release, installed into a fresh venv as its README says, runs every command that its
README and its hints mention: each one works, or refuses in one line and fails.

Slow tier (a release, a venv, a pip install, the whole visible suite). Offline: the new venv sees
the packages of the kit's own venv through a ``.pth`` line (its ``.pth`` files, the kit's own
editable install among them, are not run), and pip builds the release without an index.
"""

import os
import re
import signal
import site
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow

# Commands a README line or a hint may mention (the set-up lines are run by the fixture instead).
COMMAND = re.compile(r"^(pytest|keraskit) [^`]+$")
# What the README must mention at least (so a README that lost its commands fails here).
EXPECTED = {"pytest exercises/", "keraskit check", "keraskit watch", "keraskit hint tensors.normalize",
            "keraskit solution tensors.normalize", "keraskit plot boston --out boston.png"}


@pytest.fixture(scope="module")
def student(tmp_path_factory):
    """(the release folder, the venv's python, the environment to run it with)."""
    base = tmp_path_factory.mktemp("student")
    release = base / "keraskit-student"
    made = subprocess.run([sys.executable, "-m", "keraskit.cli", "release", str(release)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stderr
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    venv_site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                    capture_output=True, text=True, check=True).stdout.strip())
    # Listed after the release's own install (a .pth's lines are read in file-name order).
    (venv_site / "zz_kit_dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KERASKIT_", "PYTHON", "VIRTUAL_ENV"))}
    env.update(KERASKIT_LANG="en", PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}", PIP_NO_INDEX="1")
    installed = subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--no-build-isolation",
                                "--no-index", "-e", "."], cwd=release, env=env, capture_output=True, text=True,
                               timeout=600)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    where = subprocess.run(["keraskit", "--version"], cwd=release, env=env, capture_output=True, text=True)
    assert where.returncode == 0, where.stderr
    found = subprocess.run([str(python), "-c", "import keraskit; print(keraskit.__file__)"], cwd=base, env=env,
                           capture_output=True, text=True, check=True).stdout.strip()
    assert Path(found).is_relative_to(release), f"the venv imports keraskit from {found}, not the release"
    return release, python, env


def _mentioned(text: str) -> set[str]:
    """The pytest/keraskit commands in a text: its indented code lines and its `inline code`."""
    candidates = [line.strip() for line in text.splitlines() if line.startswith("    ")]
    candidates += re.findall(r"`([^`\n]+)`", text)
    return {c for c in candidates if COMMAND.match(c)}


def _run(student, command: str) -> subprocess.CompletedProcess:
    release, python, env = student
    argv = command.split()
    if argv[0] == "pytest":  # the venv's `pytest` is its python's pytest
        argv = [str(python), "-m", "pytest", *argv[1:]]
    return subprocess.run(argv, cwd=release, env=env, capture_output=True, text=True, timeout=1200)


def _works_or_refuses_in_one_line(command: str, result) -> None:
    said = result.stdout + result.stderr
    assert "Traceback" not in said, f"{command}:\n{said}"
    assert "Score: 0/0" not in said, f"{command} printed a zero score:\n{said}"
    if result.returncode == 0:
        return
    if "keraskit board" in result.stdout:  # a board with failing or unstarted exercises: it works
        assert result.returncode == 1, f"{command}: exit {result.returncode}\n{said}"
        return
    lines = said.strip().splitlines()
    assert len(lines) == 1, f"{command} failed without saying why in one line:\n{said}"


def _watch(student) -> str:
    release, python, env = student
    proc = subprocess.Popen(["keraskit", "watch", "--poll", "0.2"], cwd=release, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        seen, deadline = "", time.monotonic() + 300
        while "hint:" not in seen:
            assert time.monotonic() < deadline and proc.poll() is None, f"watch printed:\n{seen}"
            seen += proc.stdout.readline()
        proc.send_signal(signal.SIGINT)
        rest, err = proc.communicate(timeout=60)
        assert proc.returncode == 0 and "Stopped watching." in rest and "Traceback" not in err, rest + err
        return seen + rest
    finally:
        if proc.poll() is None:
            proc.kill()


def test_every_command_of_the_readme_and_the_hints_works_or_says_why(student, cat):
    release, _, _ = student
    readme = (release / "README.md").read_text(encoding="utf-8")
    commands = _mentioned(readme)
    assert EXPECTED <= commands, f"the README no longer mentions {EXPECTED - commands}"
    # What the hints and the commands' own next steps mention, for one exercise of each topic.
    said = ""
    for topic in cat.topics:
        said += _run(student, f"keraskit hint {topic.exercises[0].id} --all").stdout
    said += _run(student, "keraskit check tensors").stdout
    commands |= {c for c in _mentioned(said) if "{" not in c}
    commands.add("keraskit grade exercises")  # what an instructor's habit would try in the release
    ran = []
    for command in sorted(commands):
        if command == "keraskit watch":
            assert "tensors.samples_first is not started" in _watch(student)
        else:
            _works_or_refuses_in_one_line(command, _run(student, command))
        ran.append(command)
    assert len(ran) >= len(EXPECTED)


def test_the_release_readme_says_how_to_start_work_check_and_hand_in(student):
    release, _, _ = student
    readme = (release / "README.md").read_text(encoding="utf-8")
    for needed in ("Python 3.11 or newer", ".venv\\Scripts\\", "## What to hand in", "## Before you hand in",
                   ".zip", "numpy, keras, tensorflow, the standard library", "nbgrader"):
        assert needed in readme, needed
    for topic_file in ("tensors.py", "training.py"):
        assert topic_file in readme.split("## What to hand in")[1]
    refused = _run(student, "keraskit solution tensors.normalize")
    assert refused.returncode == 1 and "ask your instructor" in refused.stderr
    graded = _run(student, "keraskit grade exercises")
    assert graded.returncode == 2 and "no hidden tests" in graded.stderr
