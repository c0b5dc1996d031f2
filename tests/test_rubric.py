"""grading/rubric.md is derived from the catalogue, never edited by hand."""

from pathlib import Path

from keraskit import rubric

ROOT = Path(__file__).resolve().parents[1]


def test_committed_rubric_matches_the_catalogue(cat):
    committed = (ROOT / "grading" / "rubric.md").read_text(encoding="utf-8")
    assert committed == rubric.rubric_markdown(), "run `keraskit rubric --out grading/rubric.md`"
    assert f"Total: {cat.points} points" in committed


def test_rubric_lists_every_exercise_once_with_its_points(cat):
    data = rubric.rubric_data()
    listed = [(e["id"], e["points"]) for t in data["topics"] for e in t["exercises"]]
    assert listed == [(e.id, e.points) for e in cat.exercises]
    assert data["max_score"] == sum(p for _, p in listed)
