"""The student release holds the exercises and the engine, and no line of any solution."""

import subprocess
import sys
from pathlib import Path

import pytest

from keraskit import release

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    out = tmp_path_factory.mktemp("release") / "student"
    result = subprocess.run([sys.executable, "-m", "keraskit.cli", "release", str(out)],
                            capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    return out


def test_bundle_has_exercises_engine_and_student_readme(bundle, cat):
    for topic in cat.topics:
        assert (bundle / "exercises" / topic.module_file).is_file()
        assert (bundle / "exercises" / "tests" / f"test_{topic.id}.py").is_file()
    assert (bundle / "keraskit" / "plugin.py").is_file()
    assert (bundle / "keraskit" / "catalogue.toml").is_file()
    assert (bundle / "pyproject.toml").is_file()
    assert "pytest exercises/" in (bundle / "README.md").read_text(encoding="utf-8")


def test_bundle_has_no_solutions_hidden_tests_or_instructor_tools(bundle):
    names = {p.relative_to(bundle).parts[0] for p in bundle.rglob("*")}
    assert not names & {"solutions", "grading", "tests", "scripts", "benchmarks", ".ci", ".git"}
    assert not list(bundle.rglob("test_*.py")) or all("exercises" in p.parts for p in bundle.rglob("test_*.py"))
    # the kit's development helpers (tests/support/kitdev) are no part of the engine students get
    assert not [p for p in bundle.rglob("*") if p.name in {"kitdev", "mutation.py", "pipeline.py"}]


def test_no_line_of_a_solution_body_anywhere_in_the_bundle(bundle):
    allowed = release.read_allowlist(ROOT / release.ALLOWLIST)
    assert len(allowed) < 10, "the allowlist is for a few idioms, not a way around the scan"
    secret = release.solution_body_lines(ROOT / "solutions", ROOT / "exercises", allowed)
    assert len(secret) > 50, "too few solution lines found: the scan would prove nothing"
    assert release.find_leaks(bundle, secret) == []


def test_the_leak_scan_catches_a_pasted_solution(tmp_path):
    secret = release.solution_body_lines(ROOT / "solutions", ROOT / "exercises")
    line = next(iter(secret))
    (tmp_path / "notes.py").write_text(f"# scratch\n    {line}\n", encoding="utf-8")
    leaks = release.find_leaks(tmp_path, secret)
    assert leaks and leaks[0].startswith("notes.py:2 <- solutions/")


def test_release_refuses_a_leaky_tree_and_a_non_empty_folder(tmp_path):
    leaky = tmp_path / "leaky_repo"
    leaky.mkdir()
    subprocess.run(["cp", "-r", str(ROOT / "exercises"), str(leaky / "exercises")], check=True)
    (leaky / "solutions").symlink_to(ROOT / "solutions")
    (leaky / "keraskit").symlink_to(ROOT / "keraskit")
    reference = (ROOT / "solutions" / "tensors.py").read_text(encoding="utf-8")
    (leaky / "exercises" / "cheatsheet.py").write_text(reference, encoding="utf-8")
    with pytest.raises(release.ReleaseError, match="reference code"):
        release.write_release(tmp_path / "out", repo_root=leaky)
    assert not (tmp_path / "out").exists(), "a refused release must leave nothing behind"
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "keep.txt").write_text("x")
    with pytest.raises(release.ReleaseError, match="not empty"):
        release.write_release(busy, repo_root=ROOT)


def test_the_released_kit_runs_its_board(bundle):
    result = subprocess.run([sys.executable, "-m", "pytest", "exercises/tests/test_tensors.py", "-q"],
                            cwd=bundle, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    assert "keraskit board" in result.stdout and "not started" in result.stdout
