"""grading/rubric.md is derived from the catalogue, never edited by hand."""

from pathlib import Path

import pytest

from keraskit import rubric

ROOT = Path(__file__).resolve().parents[1]


def test_committed_rubric_matches_the_catalogue(cat):
    committed = (ROOT / "grading" / "rubric.md").read_text(encoding="utf-8")
    if committed != rubric.rubric_markdown():  # the fix first, not a diff of two long texts
        pytest.fail("grading/rubric.md is out of date with keraskit/catalogue.toml; regenerate it: "
                    "keraskit rubric --out grading/rubric.md", pytrace=False)
    assert f"Total: {cat.points} points" in committed


def test_an_assignments_rubric_has_its_topics_and_their_points_only(cat):
    data = rubric.rubric_data(topics=["tensors", "encoding"])
    assert [t["topic"] for t in data["topics"]] == ["tensors", "encoding"]
    assert data["max_score"] == cat.topic("tensors").points + cat.topic("encoding").points < cat.points
    assert f"Total: {data['max_score']} points" in rubric.rubric_markdown(topics=["tensors", "encoding"])


def test_rubric_lists_every_exercise_once_with_its_points(cat):
    data = rubric.rubric_data()
    listed = [(e["id"], e["points"]) for t in data["topics"] for e in t["exercises"]]
    assert listed == [(e.id, e.points) for e in cat.exercises]
    assert data["max_score"] == sum(p for _, p in listed)
