"""The catalogue is complete and well-formed."""

import tomllib

import pytest

from keraskit import catalogue


def test_catalogue_points_match_the_curriculum(cat):
    expected = {"tensors": 12, "encoding": 8, "activations": 20, "losses": 18, "optimizers": 14,
                "metrics": 10, "models": 20, "training": 14}
    assert {t.id: t.points for t in cat.topics} == expected
    assert len(cat.exercises) == 57


@pytest.mark.parametrize("exercise", catalogue.load().exercises, ids=lambda e: e.id)
def test_every_exercise_has_two_progressive_hints_in_every_language(exercise):
    for lang in catalogue.LANGUAGES:
        hints = exercise.hints.get(lang, ())
        assert len(hints) >= 2, f"{exercise.id}: {len(hints)} {lang} hints, need at least 2"
        assert all(h.strip() for h in hints), f"{exercise.id}: an empty {lang} hint"
    assert len(exercise.hints["en"]) == len(exercise.hints["zh_CN"]), f"{exercise.id}: hint counts differ"


def test_every_topic_has_a_title_in_every_language(cat):
    for topic in cat.topics:
        for lang in catalogue.LANGUAGES:
            assert topic.title.get(lang, "").strip(), f"{topic.id}: no {lang} title"


def test_catalogue_rejects_duplicates_and_unknown_topics():
    base = tomllib.loads('[[topic]]\nid = "a"\ntitle.en = "A"\n')
    with pytest.raises(catalogue.CatalogueError, match="twice"):
        catalogue.parse({**base, "exercise": [{"id": "a.f", "points": 1}, {"id": "a.f", "points": 1}]})
    with pytest.raises(catalogue.CatalogueError, match="topic"):
        catalogue.parse({**base, "exercise": [{"id": "b.f", "points": 1}]})
    with pytest.raises(catalogue.CatalogueError, match="points"):
        catalogue.parse({**base, "exercise": [{"id": "a.f", "points": 0}]})
