"""Adversarial submissions (tests/redteam/*.py) must earn nothing they did not honestly earn.

Each is the reference tensors.py (copied at test time) with one function redefined at its end.
Only two exercises are graded, to keep the suite fast.
"""

import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest

from keraskit.autograde import batch, results, submissions
from keraskit.autograde.host import JudgeHost
from keraskit.autograde.sandbox import Limits

ROOT = Path(__file__).resolve().parents[1]
REDTEAM = Path(__file__).with_name("redteam")
ATTACKED, CONTROL = "tensors.samples_first", "tensors.image_batch_shape"
EXERCISES = (ATTACKED, CONTROL)
LIMITS = Limits(call_timeout=2, submission_timeout=45, memory_mb=512, processes=16)


def _base() -> bytes:
    return (ROOT / "solutions" / "tensors.py").read_bytes()


def _make(folder: Path, name: str, extra: bytes = b"") -> Path:
    sub = folder / name
    sub.mkdir(parents=True)
    (sub / "tensors.py").write_bytes(_base() + b"\n" + extra)
    return sub


@pytest.fixture(scope="module")
def host():
    h = JudgeHost(LIMITS)
    yield h
    h.close()


def _earned(record) -> dict:
    return {row["id"]: row["earned"] for row in record["exercises"]}


def _grade(host, sub, kind="folder"):
    return host.grade(submissions.Submission(sub.name, sub, kind), exercises=EXERCISES, topics=["tensors"])


@pytest.fixture(scope="module")
def honest(host, tmp_path_factory):
    return _earned(_grade(host, _make(tmp_path_factory.mktemp("honest"), "honest")))


def test_the_honest_base_earns_both(honest):
    assert all(honest[e] > 0 for e in EXERCISES), honest


@pytest.mark.parametrize("attack", sorted(p.stem for p in REDTEAM.glob("*.py")))
def test_attack_earns_nothing_for_the_attacked_exercise(host, honest, tmp_path, attack):
    canary = Path("/tmp/keraskit-redteam-canary")
    canary.unlink(missing_ok=True)
    sub = _make(tmp_path, attack, (REDTEAM / f"{attack}.py").read_bytes())
    (sub / "conftest.py").write_text("import pytest\n@pytest.hookimpl(tryfirst=True)\n"
                                     "def pytest_runtest_makereport(item, call):\n    call.excinfo = None\n")
    before = sorted(p.name for p in tmp_path.rglob("*"))
    record = _grade(host, sub)
    earned = _earned(record)
    assert earned[ATTACKED] == 0, record
    if attack not in ("exit_at_import", "syntax_error", "undecodable"):
        assert earned[CONTROL] == honest[CONTROL], "an attack changed the grade of an honest exercise"
    assert not canary.exists(), "a background process wrote outside the sandbox"
    assert sorted(p.name for p in tmp_path.rglob("*")) == before, "the submission folder was changed"
    assert record["seconds"] < 120


def test_symlink_to_outside_is_not_graded(host, tmp_path):
    sub = tmp_path / "linker"
    sub.mkdir()
    (sub / "tensors.py").symlink_to(ROOT / "solutions" / "tensors.py")
    record = _grade(host, sub)
    assert record["score"] == 0 and any("symbolic link" in p for p in record["problems"])


def test_zip_with_parent_entries_is_refused_and_nothing_is_extracted(host, tmp_path):
    archive = tmp_path / "zipper.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("../../tensors.py", _base())
        zf.writestr("../evil.txt", "x")
    record = _grade(host, archive, "zip")
    assert record["score"] == 0
    assert not (tmp_path.parent / "evil.txt").exists()


def test_batch_grades_the_class_like_each_alone(tmp_path):
    subs = tmp_path / "class"
    _make(subs, "a_honest")
    _make(subs, "b_exit", (REDTEAM / "exit_at_import.py").read_bytes())
    _make(subs, "c_hang", (REDTEAM / "hang.py").read_bytes())
    with zipfile.ZipFile(subs / "d_zipped.zip", "w") as zf:
        zf.writestr("repo/keraskit-copy/tensors.py", _base().replace(b"\n", b"\r\n"))
    out = tmp_path / "out"
    records = batch.autograde(subs, out, jobs=2, limits=LIMITS, exercises=EXERCISES, topics=["tensors"],
                              progress=False)
    by = {r["student"]: r for r in records}
    assert by["a_honest"]["score"] == by["a_honest"]["max_score"] > 0
    assert by["d_zipped"]["score"] == by["a_honest"]["score"]
    assert by["b_exit"]["score"] == 0
    assert _earned(by["c_hang"])[ATTACKED] == 0 and _earned(by["c_hang"])[CONTROL] > 0
    rows = (out / "grades.csv").read_text().splitlines()
    assert rows[0].startswith("student,score,max_score,status,tensors") and len(rows) == 5
    gs = json.loads((out / "results" / "a_honest.json").read_text())
    assert gs["score"] == by["a_honest"]["score"] and all("visibility" in t for t in gs["tests"])
    assert (out / "feedback" / "b_exit.md").read_text().strip()
    assert (out / "summary.png").stat().st_size > 1000
    # a rerun skips finished submissions
    stamp = (out / "records" / "a_honest.json").stat().st_mtime_ns
    batch.autograde(subs, out, jobs=1, limits=LIMITS, exercises=EXERCISES, topics=["tensors"], progress=False)
    assert (out / "records" / "a_honest.json").stat().st_mtime_ns == stamp
