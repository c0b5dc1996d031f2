"""The Gradescope bundle, run the way Gradescope runs it: unpacked into /autograder/source,
the submission in /autograder/submission, results in /autograder/results/results.json (here:
temporary folders through the bundle's KERASKIT_GS_* overrides)."""

import ast
import json
import os
import re
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from keraskit import catalogue, quiet, release
from keraskit.autograde import cli

ROOT = Path(__file__).resolve().parents[1]
KERASKIT = Path(sys.executable).with_name("keraskit")
# TensorFlow's C++ log lines ("I0000 00:00:... port.cc:153] oneDNN custom operations are on", absl's)
TF_LOG = re.compile(r"^[IWEF]\d{4} |absl::InitializeLog|oneDNN custom operations|cpu_feature_guard", re.M)
WEEK = ("tensors", "encoding")


def _unquieted_environ() -> dict:
    """This environment without the quiet settings the test process itself may have set: the
    command must set them, not inherit them."""
    return {k: v for k, v in os.environ.items() if k not in quiet.QUIET_ENV}


def _unpack(archive: Path, dest: Path) -> None:
    """Unzip keeping the modes stored in the archive (Gradescope keeps the executable bits)."""
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            target = dest / info.filename
            zf.extract(info, dest)
            mode = (info.external_attr >> 16) & 0o777
            if mode:
                os.chmod(target, mode)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("gradescope")
    archive = tmp / "autograder.zip"
    done = subprocess.run([str(KERASKIT), "gradescope-bundle", str(archive)], capture_output=True, text=True,
                          timeout=120, env=_unquieted_environ())
    assert done.returncode == 0, done.stderr
    assert not TF_LOG.search(done.stdout + done.stderr), done.stderr  # building imports TensorFlow, silently
    source = tmp / "autograder" / "source"
    _unpack(archive, source)
    return archive, source


def test_bundle_has_the_scripts_and_no_solution(bundle):
    archive, source = bundle
    with zipfile.ZipFile(archive) as zf:
        names = zf.namelist()
        modes = {i.filename: (i.external_attr >> 16) for i in zf.infolist()}
    assert {"setup.sh", "run_autograder"} <= set(names)
    assert all(modes[n] & stat.S_IXUSR for n in ("setup.sh", "run_autograder"))
    assert not [n for n in names if "solutions/" in n or "__pycache__" in n or "mutants/" in n]
    assert "keraskit-kit/keraskit/autograde/worker.py" in names
    assert any(n.startswith("keraskit-kit/grading/hidden/test_") for n in names)
    secret = release.solution_body_lines(ROOT / "solutions", ROOT / "exercises")
    assert len(secret) > 50  # the checks below have something to find
    # Short lines the engine shares with some solution by accident ("except ValueError:") are
    # generic Python, not evidence of a leak; a pasted solution line is longer and still caught.
    engine = {ln.strip() for f in (ROOT / "keraskit").rglob("*.py") for ln in f.read_text().splitlines()}
    specific = {line: where for line, where in secret.items() if not (line in engine and len(line) < 24)}
    leaks = release.find_leaks(source, specific)
    assert [x for x in leaks if not x.startswith("keraskit-kit/grading/hidden/")] == []
    # The hidden tests may share an oracle line with a solution, never a solution's body.
    hidden_lines = {ln.strip() for f in (source / "keraskit-kit" / "grading" / "hidden").glob("*.py")
                    for ln in f.read_text().splitlines()}
    for ref in sorted((ROOT / "solutions").glob("*.py")):
        tree = ast.parse(ref.read_text())
        lines = ref.read_text().splitlines()
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef):
                continue
            body = [lines[n - 1].strip() for n in range(node.body[0].lineno, node.end_lineno + 1)
                    if lines[n - 1].strip() in specific]
            copied = [b for b in body if b in hidden_lines]
            assert len(body) < 3 or len(copied) < len(body) / 2, (ref.name, node.name, copied)


def test_setup_installs_bubblewrap_and_the_kit_from_the_bundle(bundle, tmp_path):
    _, source = bundle
    setup = (source / "setup.sh").read_text()
    assert setup.startswith("#!/usr/bin/env bash") and "set -eu" in setup
    assert "apt-get install -y" in setup and "bubblewrap" in setup and "apt-get update" in setup
    assert "pip install /autograder/source/keraskit-kit" in setup
    assert "python3.11" in setup  # Ubuntu 22.04's python3 is 3.10, below requires-python
    check = subprocess.run(["bash", "-n", str(source / "setup.sh")], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    # the pip step works on what the bundle holds (no network: no build isolation, no deps)
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                            "-q", "-w", str(tmp_path), str(source / "keraskit-kit")],
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = tmp_path.glob("keraskit-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    assert {"keraskit/autograde/worker.py", "keraskit/catalogue.toml", "keraskit/locales/en.toml"} <= names
    # the scripts are package data: an installed kit can write the bundle again
    assert {f"keraskit/templates/{t}" for t in cli.GRADESCOPE_SCRIPTS.values()} <= names
    assert not [n for n in names if n.startswith("solutions/")]
    # the development helpers (mutants, the nbgrader driver) stay out of the installed package
    assert not [n for n in names if n.startswith("kitdev/") or n.endswith(("/mutation.py", "/pipeline.py"))]


def test_bundle_scripts_are_the_templates_byte_for_byte(bundle):
    """What Gradescope runs is exactly the reviewed file in keraskit/templates/, executable."""
    archive, source = bundle
    with zipfile.ZipFile(archive) as zf:
        for name, template in cli.GRADESCOPE_SCRIPTS.items():
            text = (ROOT / "keraskit" / "templates" / template).read_bytes()
            assert text.startswith(b"#!/usr/bin/env bash\n")
            assert zf.read(name) == text == cli.gradescope_script(name)
            assert (source / name).read_bytes() == text and os.access(source / name, os.X_OK)
            # the kit's own copy inside the bundle is the same file
            assert zf.read(f"keraskit-kit/keraskit/templates/{template}") == text


def test_run_autograder_grades_a_submission_laid_out_as_gradescope_does(bundle):
    _, source = bundle
    autograder = source.parent
    submission = autograder / "submission"
    submission.mkdir()
    (submission / "tensors.py").write_bytes((ROOT / "solutions" / "tensors.py").read_bytes())
    stub = (ROOT / "exercises" / "activations.py").read_bytes()
    (submission / "activations.py").write_bytes(stub)
    results = autograder / "results" / "results.json"
    env = {**os.environ, "KERASKIT_GS_SUBMISSION": str(submission), "KERASKIT_GS_RESULTS": str(results),
           "KERASKIT_GS_SOURCE": str(source), "KERASKIT_GS_PYTHON": sys.executable}
    done = subprocess.run([str(source / "run_autograder")], cwd=autograder, env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    # student code without bwrap runs as another uid: the hidden tests must not be readable by it
    assert stat.S_IMODE((source / "keraskit-kit" / "grading").stat().st_mode) & 0o077 == 0
    data = json.loads(results.read_text())
    cat = catalogue.load()
    hidden = {p.stem[len("test_"):] for p in (source / "keraskit-kit" / "grading" / "hidden").glob("test_*.py")}
    graded = [e for e in cat.exercises if e.topic in hidden]
    summary = {t["name"]: t for t in data["tests"] if t["max_score"] > 0}
    assert set(summary) == {e.id for e in graded}
    for test in data["tests"]:
        assert set(test) >= {"name", "score", "max_score", "output", "visibility"}
        assert test["visibility"] in ("visible", "hidden", "after_due_date", "after_published")
        assert isinstance(test["score"], (int, float)) and 0 <= test["score"] <= test["max_score"]
        assert isinstance(test["output"], str)
    for exercise in graded:
        expected = exercise.points if exercise.topic == "tensors" else 0
        assert summary[exercise.id]["score"] == expected, (exercise.id, summary[exercise.id])
    tensors_points = sum(e.points for e in graded if e.topic == "tensors")
    assert data["score"] == tensors_points > 0
    assert "no losses.py found" in data["output"]
    # the feedback printed for Gradescope's stdout names the score
    assert f"{tensors_points}/" in done.stdout


def test_run_autograder_always_leaves_a_results_file(bundle, tmp_path):
    _, source = bundle
    results = tmp_path / "results" / "results.json"
    env = {**os.environ, "KERASKIT_GS_SUBMISSION": str(tmp_path / "nothing-here"),
           "KERASKIT_GS_RESULTS": str(results), "KERASKIT_GS_SOURCE": str(source),
           "KERASKIT_GS_PYTHON": sys.executable}
    done = subprocess.run([str(source / "run_autograder")], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0
    data = json.loads(results.read_text())
    assert data["score"] == 0 and "autograder failed" in data["output"]


def test_setup_fails_the_image_build_when_the_sandbox_cannot_grade(bundle, tmp_path):
    """doctor's status 2 (the worker cannot grade here) fails setup.sh; status 1 (protections missing,
    grading works) does not. Run with a fake apt-get, python and venv on PATH."""
    _, source = bundle
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("apt-get", "python3"):
        (bin_dir / tool).write_text("#!/bin/sh\nexit 0\n")
        (bin_dir / tool).chmod(0o755)
    script = (source / "setup.sh").read_text()
    venv_python = "/autograder/keraskit-venv/bin/python"
    assert script.count(venv_python) >= 3
    for doctor_status, build_status in ((0, 0), (1, 0), (2, 1)):
        fake = tmp_path / f"python-{doctor_status}"
        fake.write_text(f'#!/bin/sh\ncase "$*" in *doctor*) exit {doctor_status};; esac\nexit 0\n')
        fake.chmod(0o755)
        (tmp_path / "setup.sh").write_text(script.replace(venv_python, str(fake)))
        done = subprocess.run(["bash", str(tmp_path / "setup.sh")], capture_output=True, text=True, timeout=60,
                              env={**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"})
        assert done.returncode == build_status, (doctor_status, done.stderr)


def test_setup_names_the_isolation_the_docs_give_docker():
    """The comment in setup.sh says what docs/autograder.md says: in Docker, Landlock (not the floor)."""
    setup = cli.gradescope_script("setup.sh").decode()
    comments = " ".join(line.lstrip("# ") for line in setup.splitlines() if line.startswith("#"))
    assert "Docker" in comments and "Landlock" in comments and "landlock mode" in comments
    docs = (ROOT / "docs" / "autograder.md").read_text()
    assert "inside Docker" in docs and "**landlock**" in docs


def test_a_weekly_bundle_holds_only_its_topics_hidden_tests(tmp_path, monkeypatch):
    from keraskit.autograde import selfcheck
    monkeypatch.setattr(selfcheck, "oracle_values", lambda: {})  # the fingerprint is not what is tested
    archive = tmp_path / "week1.zip"
    cli.write_gradescope_bundle(archive, list(WEEK))
    with zipfile.ZipFile(archive) as zf:
        names = zf.namelist()
        readme = zf.read("keraskit-kit/README.md").decode()
    hidden = sorted(n for n in names if n.startswith("keraskit-kit/grading/hidden/"))
    assert hidden == sorted(f"keraskit-kit/grading/hidden/test_{t}.py" for t in WEEK)
    assert "tensors, encoding only" in readme
    assert "keraskit-kit/keraskit/autograde/worker.py" in names


@pytest.mark.slow  # a bundle build and a Gradescope run: about a minute
def test_a_weekly_bundle_grades_only_its_topics_points(tmp_path):
    archive = tmp_path / "week1.zip"
    built = subprocess.run([str(KERASKIT), "gradescope-bundle", str(archive), *(f"--topic={t}" for t in WEEK)],
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    source = tmp_path / "autograder" / "source"
    _unpack(archive, source)
    submission = tmp_path / "autograder" / "submission"
    submission.mkdir()
    for topic in (*WEEK, "activations"):  # a module of another week is handed in too: not graded
        (submission / f"{topic}.py").write_bytes((ROOT / "solutions" / f"{topic}.py").read_bytes())
    results = tmp_path / "autograder" / "results" / "results.json"
    env = {**os.environ, "KERASKIT_GS_SUBMISSION": str(submission), "KERASKIT_GS_RESULTS": str(results),
           "KERASKIT_GS_SOURCE": str(source), "KERASKIT_GS_PYTHON": sys.executable}
    done = subprocess.run([str(source / "run_autograder")], env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    data = json.loads(results.read_text())
    cat = catalogue.load()
    week = [e for e in cat.exercises if e.topic in WEEK]
    assert {t["name"] for t in data["tests"] if t["max_score"] > 0} == {e.id for e in week}
    assert data["score"] == sum(e.points for e in week) == sum(cat.topic(t).points for t in WEEK) < cat.points
    assert f"{data['score']}/{data['score']}" in done.stdout  # out of the week's points
