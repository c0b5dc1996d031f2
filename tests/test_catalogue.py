"""The catalogue is complete and well-formed."""

import tomllib

import pytest

from keraskit import catalogue


def test_catalogue_points_are_the_files_own(cat):
    """Every total is derived from the `points = N` lines of catalogue.toml, never written here:
    changing an exercise's points is that one line (and `keraskit rubric --out grading/rubric.md`)."""
    raw = tomllib.loads(catalogue.CATALOGUE_PATH.read_text(encoding="utf-8"))
    per_topic: dict[str, int] = {row["id"]: 0 for row in raw["topic"]}
    for row in raw["exercise"]:
        per_topic[row["id"].split(".")[0]] += row["points"]
    assert {t.id: t.points for t in cat.topics} == per_topic
    assert cat.points == sum(per_topic.values()) and all(per_topic.values())
    assert [(e.id, e.points) for e in cat.exercises] == [(row["id"], row["points"]) for row in raw["exercise"]]


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


def test_catalogue_lines_stay_readable():
    """Long hints are multi-line strings: no line of the file is over 120 characters, and the
    line joins leave no trace in a hint (no line break, no run of spaces, no edge space)."""
    lines = catalogue.CATALOGUE_PATH.read_text(encoding="utf-8").splitlines()
    long = [f"line {n}: {len(line)} characters" for n, line in enumerate(lines, start=1) if len(line) > 120]
    assert not long, "\n".join(long)
    texts = [(e.id, h) for e in catalogue.load().exercises for lang in e.hints for h in e.hints[lang]]
    texts += [(m.id, h) for e in catalogue.load().exercises for m in e.misconceptions for h in m.hint.values()]
    assert texts
    joined_badly = [(ex, h) for ex, h in texts if "\n" in h or "  " in h or h != h.strip()]
    assert not joined_badly, joined_badly


def test_slow_topics_come_first_in_catalogue_order(cat):
    slow = [t.id for t in cat.topics if t.slow]
    assert slow == ["models", "training"]  # the topics whose variants build and train models
    assert cat.slowest_first(cat.topic_ids) == slow + [t for t in cat.topic_ids if t not in slow]
    assert cat.slowest_first({"tensors", "training"}) == ["training", "tensors"]
    with pytest.raises(KeyError, match="no topic 'nope'"):
        cat.slowest_first(["tensors", "nope"])


def test_catalogue_rejects_a_slow_flag_that_is_not_a_boolean():
    data = tomllib.loads('[[topic]]\nid = "a"\nslow = "yes"\ntitle.en = "A"\n')
    with pytest.raises(catalogue.CatalogueError, match="slow must be true or false"):
        catalogue.parse(data)
