"""A rerun of ``keraskit autograde`` is always right: it regrades exactly the submissions whose
digest changed (a resubmission), everyone when the kit changed (points, a hidden test), and says
so; nothing is kept that cannot be shown to be current.

The decision is tested directly (``freshness``); one real rerun of a class of two, graded on one
numpy exercise, shows the batch follows it.
"""

import json
import shutil
from pathlib import Path

import pytest

from keraskit import catalogue
from keraskit.autograde import batch, freshness, results
from keraskit.autograde.sandbox import Limits

ROOT = Path(__file__).resolve().parents[1]
EXERCISE = ("tensors.samples_first",)
LIMITS = Limits(call_timeout=10, submission_timeout=120, memory_mb=1024)
CLASS = ("alice", "bob", "carol")


def _changed_catalogue(tmp_path: Path) -> catalogue.Catalogue:
    """The catalogue with one exercise's points changed (1 -> 2), as an instructor would edit it."""
    text = catalogue.CATALOGUE_PATH.read_text(encoding="utf-8")
    anchor = 'id = "tensors.samples_first"\npoints = 1\n'
    assert anchor in text
    path = tmp_path / "catalogue.toml"
    path.write_text(text.replace(anchor, anchor.replace("points = 1", "points = 2")), encoding="utf-8")
    return catalogue.load(path)


def _kit(hidden_dir: Path, cat: catalogue.Catalogue | None = None, **options) -> dict:
    cat = cat or catalogue.load()
    graded = [e for e in cat.exercises if e.topic in ("tensors", "encoding")]
    return freshness.kit_digest(graded, ["tensors", "encoding"], hidden_dir=hidden_dir, **options)


@pytest.fixture
def hidden(tmp_path) -> Path:
    folder = tmp_path / "hidden"
    shutil.copytree(ROOT / "grading" / "hidden", folder, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def _saved(kit: dict, submissions: dict) -> dict:
    return {s: {"submission": d, "kit": kit} for s, d in submissions.items()}


def test_a_resubmission_is_regraded_alone(hidden):
    kit = _kit(hidden)
    before = {"alice": "a1", "bob": "b1", "carol": "c1"}
    plan = freshness.plan(list(CLASS), _saved(kit, before), {**before, "alice": "a2"}, kit)
    assert plan.graded == {"alice": freshness.CHANGED} and plan.kept == ["bob", "carol"]
    assert plan.kit_reason() is None
    assert plan.summary() == "3 submissions: 1 regraded (changed), 2 unchanged"
    unchanged = freshness.plan(list(CLASS), _saved(kit, before), before, kit)
    assert unchanged.graded == {} and unchanged.summary() == "3 submissions: 3 unchanged"


def test_a_changed_points_value_regrades_everyone_and_says_why(hidden, tmp_path):
    kit = _kit(hidden)
    changed = _kit(hidden, _changed_catalogue(tmp_path))
    assert [part for part in kit if kit[part] != changed[part]] == ["points"]
    digests = {s: s for s in CLASS}
    plan = freshness.plan(list(CLASS), _saved(kit, digests), digests, changed)
    assert plan.graded == {s: freshness.KIT for s in CLASS} and plan.kept == []
    assert plan.kit_reason() == "the points in the catalogue changed: every submission is regraded"
    assert plan.summary() == "3 submissions: 3 regraded (kit changed)"


def test_a_changed_hidden_test_regrades_everyone_but_another_topics_does_not(hidden):
    kit = _kit(hidden)
    with (hidden / "test_tensors.py").open("a") as fh:
        fh.write("\n\ndef test_added_by_the_instructor():\n    assert True\n")
    changed = _kit(hidden)
    assert [part for part in kit if kit[part] != changed[part]] == ["hidden"]
    digests = {s: s for s in CLASS}
    plan = freshness.plan(list(CLASS), _saved(kit, digests), digests, changed)
    assert plan.graded == {s: freshness.KIT for s in CLASS}
    assert plan.kit_reason() == "the hidden tests changed: every submission is regraded"
    # week 1 (tensors, encoding) is not regraded for a test added to week 3's losses
    with (hidden / "test_losses.py").open("a") as fh:
        fh.write("\n\ndef test_added_to_another_week():\n    assert True\n")
    assert _kit(hidden) == changed


def test_new_forced_and_undigested_records_are_graded(hidden):
    kit = _kit(hidden)
    digests = {s: s for s in CLASS}
    saved = {"alice": None, "bob": {"submission": "bob", "kit": kit}}  # carol has no record yet
    plan = freshness.plan(list(CLASS), saved, digests, kit)
    assert plan.graded == {"alice": freshness.UNRECORDED, "carol": freshness.NEW} and plan.kept == ["bob"]
    assert plan.summary() == "3 submissions: 1 graded (new), 1 regraded (no digest), 1 unchanged"
    forced = freshness.plan(list(CLASS), _saved(kit, digests), digests, kit, force=True)
    assert forced.graded == {s: freshness.FORCED for s in CLASS}


def test_the_selection_and_the_limits_are_part_of_the_kit(hidden):
    kit = _kit(hidden, limits={"call_timeout": 10})
    assert _kit(hidden, limits={"call_timeout": 20})["limits"] != kit["limits"]
    assert _kit(hidden, limits={"call_timeout": 10}, topics=["tensors"])["selection"] != kit["selection"]


def test_the_submission_digest_follows_the_module_bytes_and_the_problems():
    base = freshness.submission_digest({"tensors": b"x = 1\n"})
    assert base == freshness.submission_digest({"tensors": b"x = 1\n"})
    assert base != freshness.submission_digest({"tensors": b"x = 2\n"})
    assert base != freshness.submission_digest({"tensors": b"x = 1\n"}, ["encoding.py is a symbolic link"])


@pytest.mark.slow  # five gradings in four runs: about 25 s on 2 cores
def test_a_real_rerun_regrades_the_resubmission_and_everyone_after_a_points_change(tmp_path, monkeypatch):
    subs, out = tmp_path / "class", tmp_path / "out"
    reference = (ROOT / "solutions" / "tensors.py").read_bytes()
    stub = (ROOT / "exercises" / "tensors.py").read_bytes()
    for student, source in (("alice", stub), ("bob", reference)):
        (subs / student).mkdir(parents=True)
        (subs / student / "tensors.py").write_bytes(source)
    said = []

    def run():
        return batch.autograde_run(subs, out, jobs=1, limits=LIMITS, exercises=EXERCISE, progress=False,
                                   check=False, say=said.append)

    first = run()
    assert [r.score for r in first.records] == [0, 1]
    assert first.plan.summary() == "2 submissions: 2 graded (new)"
    saved = json.loads((out / "records" / "alice.json").read_text())
    assert set(saved["digest"]) == {"submission", "kit"}
    alice_written = (out / "records" / "alice.json").stat().st_mtime_ns
    again = run()
    assert again.plan.summary() == "2 submissions: 2 unchanged"
    assert (out / "records" / "alice.json").stat().st_mtime_ns == alice_written  # not graded again
    # alice resubmits the right answer: she alone is regraded, and grades.csv follows
    (subs / "alice" / "tensors.py").write_bytes(reference)
    resubmitted = run()
    assert resubmitted.plan.summary() == "2 submissions: 1 regraded (changed), 1 unchanged"
    assert [r.score for r in resubmitted.records] == [1, 1]
    assert "alice,1,1,graded" in (out / "grades.csv").read_text()
    assert said == []
    # the points of the graded exercise change: everyone is regraded, with one line saying why
    changed = _changed_catalogue(tmp_path)
    monkeypatch.setattr(results.catalogue, "load", lambda *a, **k: changed)
    after = run()
    assert after.plan.summary() == "2 submissions: 2 regraded (kit changed)"
    assert said == ["the points in the catalogue changed: every submission is regraded"]
