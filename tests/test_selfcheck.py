"""The self-check before grading: the grader grades the reference (or runs the probe) in its own
sandbox, refuses to grade when that fails, naming exercises and causes, and caches a pass.

One exercise is checked, to keep it cheap; the cache lives in a folder of each test's own.
"""

import argparse
import json
import shutil
from pathlib import Path

import pytest

from keraskit.autograde import batch, cli, selfcheck
from keraskit.autograde.host import JudgeHost
from keraskit.autograde.sandbox import Limits

ROOT = Path(__file__).resolve().parents[1]
EXERCISE = ("tensors.samples_first",)
LIMITS = Limits(call_timeout=10, submission_timeout=120, memory_mb=1024)
BROKEN = b"""

def samples_first(x, sample_axis):
    return x  # the axis never moves
"""


@pytest.fixture(scope="module")
def host():
    h = JudgeHost(LIMITS)
    yield h
    h.close()


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(selfcheck.CACHE_ENV, str(folder))
    return folder


@pytest.fixture
def broken_reference(tmp_path, monkeypatch) -> Path:
    reference = tmp_path / "solutions"
    shutil.copytree(ROOT / "solutions", reference, ignore=shutil.ignore_patterns("__pycache__"))
    with (reference / "tensors.py").open("ab") as fh:
        fh.write(BROKEN)
    monkeypatch.setattr(selfcheck, "REFERENCE_DIR", reference)
    return reference


def test_the_reference_is_checked_once_then_the_pass_is_cached(host, cache):
    assert selfcheck.reference_present()
    assert host.self_check(exercises=EXERCISE) == "reference"
    [entry] = cache.glob("selfcheck-*.json")
    assert json.loads(entry.read_text())["reference"] == "1/1"  # one exercise, one point
    assert host.self_check(exercises=EXERCISE) == "cached"


def test_the_cache_key_follows_the_reference_the_mode_and_the_selection(broken_reference, monkeypatch):
    key = selfcheck.cache_key("bwrap", EXERCISE)
    assert key == selfcheck.cache_key("bwrap", EXERCISE)
    assert key != selfcheck.cache_key("rlimits", EXERCISE)
    assert key != selfcheck.cache_key("bwrap", ("tensors.image_batch_shape",))
    monkeypatch.setattr(selfcheck, "REFERENCE_DIR", ROOT / "solutions")
    assert key != selfcheck.cache_key("bwrap", EXERCISE)  # same files but for one line of tensors.py


def test_a_reference_without_full_marks_stops_grading_and_names_the_exercise(host, cache, broken_reference):
    with pytest.raises(selfcheck.SelfCheckFailed) as failed:
        host.self_check(exercises=EXERCISE)
    text = str(failed.value)
    assert "does not get full marks" in text and f"({host.server.mode} mode)" in text
    assert "tensors.samples_first:" in text and "shape: expected" in text  # the exercise and the cause
    # the failing hidden test by name, and where to look: that test or the reference, not the sandbox
    [line] = [ln for ln in text.splitlines() if "tensors.samples_first:" in ln]
    test_name = line.split("tensors.samples_first: ", 1)[1].split(":", 1)[0]
    assert test_name.startswith("test_")
    assert text.splitlines()[-1] == ("A hidden test or the reference is wrong: run `pytest "
                                     f"grading/hidden/test_tensors.py --instructor -k {test_name.split('[')[0]}` "
                                     f"and fix that test or {broken_reference / 'tensors.py'}.")
    assert "keraskit doctor" not in text
    assert not list(cache.glob("selfcheck-*.json"))  # a failure is never cached


def test_grade_refuses_with_exit_status_3(cache, broken_reference, tmp_path, capsys):
    submission = tmp_path / "student"
    submission.mkdir()
    (submission / "tensors.py").write_bytes((ROOT / "solutions" / "tensors.py").read_bytes())
    args = argparse.Namespace(submission=str(submission), json=str(tmp_path / "results.json"), timeout=10.0,
                              submission_timeout=120.0, memory=1024, exercise=list(EXERCISE))
    assert cli.run(args, "grade") == cli.SELF_CHECK_FAILED
    assert "tensors.samples_first" in capsys.readouterr().err
    assert not (tmp_path / "results.json").exists()


def test_autograde_refuses_before_grading_anyone(cache, broken_reference, tmp_path):
    subs, out = tmp_path / "class", tmp_path / "out"
    (subs / "alice").mkdir(parents=True)
    (subs / "alice" / "tensors.py").write_bytes((ROOT / "solutions" / "tensors.py").read_bytes())
    with pytest.raises(selfcheck.SelfCheckFailed, match="tensors.samples_first"):
        batch.autograde(subs, out, jobs=2, limits=LIMITS, exercises=EXERCISE, progress=False)
    assert not list((out / "records").glob("*.json"))


def test_without_the_reference_the_probe_checks_the_worker_and_the_fingerprint(host, cache, tmp_path, monkeypatch):
    monkeypatch.setattr(selfcheck, "REFERENCE_DIR", tmp_path / "no-solutions")
    fingerprint = tmp_path / "selfcheck-fingerprint.json"
    monkeypatch.setattr(selfcheck, "FINGERPRINT_FILE", fingerprint)
    assert host.probe()["problems"] == []  # no fingerprint: the worker's imports and values only
    good = {"oracle": host.probe()["oracle"]}
    fingerprint.write_text(json.dumps(good))
    assert host.self_check(exercises=EXERCISE) == "probe"
    assert host.self_check(exercises=EXERCISE) == "cached"
    shutil.rmtree(cache)
    bad = json.loads(json.dumps(good))
    bad["oracle"]["sigmoid"][0] += 1e-6
    fingerprint.write_text(json.dumps(bad))
    with pytest.raises(selfcheck.SelfCheckFailed, match="sigmoid differs"):
        host.self_check(exercises=EXERCISE)


def test_the_probe_reports_a_worker_that_cannot_import(host, cache, tmp_path, monkeypatch):
    monkeypatch.setattr(selfcheck, "REFERENCE_DIR", tmp_path / "no-solutions")
    monkeypatch.setattr(selfcheck, "PROBE_IMPORTS", selfcheck.PROBE_IMPORTS + ("no_such_module_here",))
    problems = host.probe()["problems"]
    assert any("ModuleNotFoundError" in p and "no_such_module_here" in p for p in problems), problems


def test_autograde_with_a_good_reference_checks_once(cache, tmp_path):
    subs, out = tmp_path / "class", tmp_path / "out"
    (subs / "alice").mkdir(parents=True)
    (subs / "alice" / "tensors.py").write_bytes((ROOT / "solutions" / "tensors.py").read_bytes())
    records = batch.autograde(subs, out, jobs=1, limits=LIMITS, exercises=EXERCISE, progress=False)
    assert [r.score for r in records] == [1]
    assert len(list(cache.glob("selfcheck-*.json"))) == 1


def test_the_batch_self_check_is_keyed_by_the_mode_the_hosts_grade_in(monkeypatch):
    """Not "bwrap or rlimits": a landlock machine (or KERASKIT_SANDBOX) has its own cache entry."""
    from keraskit.autograde import sandbox
    seen = []
    monkeypatch.setattr(sandbox, "choose_mode", lambda: ("landlock", "patched"))
    monkeypatch.setattr(selfcheck, "passed_before", lambda key: seen.append(key) or True)
    batch.self_check([object()], {}, exercises=EXERCISE)
    assert seen == [selfcheck.cache_key("landlock", EXERCISE)]
    assert seen[0] != selfcheck.cache_key("rlimits", EXERCISE) and seen[0] != selfcheck.cache_key("bwrap", EXERCISE)
