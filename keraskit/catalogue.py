"""The catalogue: the one list of topics and exercises that everything else derives from."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

CATALOGUE_PATH = Path(__file__).with_name("catalogue.toml")
LANGUAGES = ("en", "zh_CN")


@dataclass(frozen=True)
class Exercise:
    id: str
    topic: str
    function: str
    points: int
    order: int
    hints: dict[str, tuple[str, ...]]

    def hints_in(self, lang: str) -> tuple[str, ...]:
        return self.hints.get(lang) or self.hints["en"]


@dataclass(frozen=True)
class Topic:
    id: str
    order: int
    title: dict[str, str]
    exercises: tuple[Exercise, ...]

    @property
    def module_file(self) -> str:
        return f"{self.id}.py"

    @property
    def points(self) -> int:
        return sum(e.points for e in self.exercises)

    def title_in(self, lang: str) -> str:
        return self.title.get(lang) or self.title["en"]


@dataclass(frozen=True)
class Catalogue:
    topics: tuple[Topic, ...]

    @property
    def exercises(self) -> tuple[Exercise, ...]:
        return tuple(e for t in self.topics for e in t.exercises)

    @property
    def points(self) -> int:
        return sum(t.points for t in self.topics)

    def topic(self, topic_id: str) -> Topic:
        for t in self.topics:
            if t.id == topic_id:
                return t
        raise KeyError(f"no topic {topic_id!r}; topics are {', '.join(self.topic_ids)}")

    def exercise(self, exercise_id: str) -> Exercise:
        for e in self.exercises:
            if e.id == exercise_id:
                return e
        raise KeyError(f"no exercise {exercise_id!r} in the catalogue")

    @property
    def topic_ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.topics)


class CatalogueError(ValueError):
    """The catalogue file breaks one of its rules."""


def parse(data: dict) -> Catalogue:
    """Build and validate a catalogue from the parsed TOML document."""
    topic_rows = data.get("topic", [])
    topic_ids = [row["id"] for row in topic_rows]
    if len(set(topic_ids)) != len(topic_ids):
        raise CatalogueError("a topic id appears twice")
    by_topic: dict[str, list[Exercise]] = {t: [] for t in topic_ids}
    seen: set[str] = set()
    for order, row in enumerate(data.get("exercise", []), start=1):
        ex_id = row["id"]
        topic, _, function = ex_id.partition(".")
        if ex_id in seen:
            raise CatalogueError(f"exercise {ex_id!r} appears twice")
        if topic not in by_topic or not function:
            raise CatalogueError(f"exercise {ex_id!r} does not name a catalogue topic as `topic.function`")
        points = row["points"]
        if not isinstance(points, int) or points <= 0:
            raise CatalogueError(f"exercise {ex_id!r}: points must be a positive integer")
        hints = {lang: tuple(texts) for lang, texts in row.get("hints", {}).items()}
        seen.add(ex_id)
        by_topic[topic].append(Exercise(ex_id, topic, function, points, order, hints))
    topics = tuple(
        Topic(row["id"], order, dict(row["title"]), tuple(by_topic[row["id"]]))
        for order, row in enumerate(topic_rows, start=1)
    )
    return Catalogue(topics)


@functools.cache
def load(path: Path = CATALOGUE_PATH) -> Catalogue:
    with open(path, "rb") as fh:
        return parse(tomllib.load(fh))
