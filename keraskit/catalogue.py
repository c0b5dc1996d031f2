"""The catalogue: the one list of topics and exercises that everything else derives from."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

CATALOGUE_PATH = Path(__file__).with_name("catalogue.toml")
LANGUAGES = ("en", "zh_CN")
# Failure kinds (``keraskit.expect.KINDS``; "crash" is graded code raising) a hint is for when the
# catalogue does not say: hints are about the method, so they fit a wrong value, model or history.
FAILURE_KINDS = ("type", "dtype", "shape", "nonfinite", "values", "no_raise", "wrong_error", "warning",
                 "structure", "history", "crash")
DEFAULT_HINT_KINDS = ("values", "history", "structure")


def split_id(exercise_id: str) -> tuple[str, str]:
    """``(topic, function)`` of an exercise id ``topic.function``; function is "" if the id has no dot.

    Where an ``Exercise`` is at hand, its ``.topic`` and ``.function`` say the same."""
    topic, _, function = exercise_id.partition(".")
    return topic, function


def topic_of(exercise_id: str) -> str:
    """The topic of an exercise id ``topic.function``."""
    return split_id(exercise_id)[0]


@dataclass(frozen=True)
class Exercise:
    id: str
    topic: str
    function: str
    points: int
    order: int
    hints: dict[str, tuple[str, ...]]
    # Per hint, the failure kinds it is for (same order as the hints).
    hint_kinds: tuple[tuple[str, ...], ...] = ()
    # The names of a composite result's parts, nested as the result is (from the docstring).
    returns: tuple = ()

    def hints_in(self, lang: str) -> tuple[str, ...]:
        return self.hints.get(lang) or self.hints["en"]

    def kinds_of_hint(self, index: int) -> tuple[str, ...]:
        return self.hint_kinds[index] if index < len(self.hint_kinds) else DEFAULT_HINT_KINDS

    def hint_for(self, kind: str, lang: str) -> str | None:
        """The first hint that fits a failure of ``kind``, or None: a wrong hint misleads."""
        for index, text in enumerate(self.hints_in(lang)):
            if kind in self.kinds_of_hint(index):
                return text
        return None

    def part_name(self, path: tuple[int, ...]) -> str | None:
        """The docstring's name of ``result[i][j]...``, if the catalogue gives one."""
        node = self.returns
        for index in path:
            if not isinstance(node, (tuple, list)) or not 0 <= index < len(node):
                return None
            node = node[index]
        return node if isinstance(node, str) else None


@dataclass(frozen=True)
class Topic:
    id: str
    order: int
    title: dict[str, str]
    exercises: tuple[Exercise, ...]
    # Its exercises build and train Keras models: grading its variants takes longest, so the
    # kit's strength check starts them first.
    slow: bool = False

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

    def slowest_first(self, topic_ids) -> list[str]:
        """``topic_ids`` (catalogue topics) with the slow ones first, each group in catalogue order."""
        wanted = set(topic_ids)
        unknown = wanted - set(self.topic_ids)
        if unknown:
            raise KeyError(f"no topic {', '.join(map(repr, sorted(unknown)))}; topics are {', '.join(self.topic_ids)}")
        return [t.id for t in sorted(self.topics, key=lambda t: not t.slow) if t.id in wanted]


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
        topic, function = split_id(ex_id)
        if ex_id in seen:
            raise CatalogueError(f"exercise {ex_id!r} appears twice")
        if topic not in by_topic or not function:
            raise CatalogueError(f"exercise {ex_id!r} does not name a catalogue topic as `topic.function`")
        points = row["points"]
        if not isinstance(points, int) or points <= 0:
            raise CatalogueError(f"exercise {ex_id!r}: points must be a positive integer")
        hints = {lang: tuple(texts) for lang, texts in row.get("hints", {}).items()}
        hint_kinds = tuple(tuple(kinds) for kinds in row.get("hint_kinds", ()))
        for kinds in hint_kinds:
            unknown = set(kinds) - set(FAILURE_KINDS)
            if unknown or not kinds:
                raise CatalogueError(f"exercise {ex_id!r}: hint_kinds entries must be non-empty lists of "
                                     f"{', '.join(FAILURE_KINDS)}; got {sorted(kinds)}")
        if len(hint_kinds) > len(hints.get("en", ())):
            raise CatalogueError(f"exercise {ex_id!r}: more hint_kinds than hints")
        returns = _frozen(row.get("returns", ()))
        seen.add(ex_id)
        by_topic[topic].append(Exercise(ex_id, topic, function, points, order, hints, hint_kinds, returns))
    for row in topic_rows:
        if not isinstance(row.get("slow", False), bool):
            raise CatalogueError(f"topic {row['id']!r}: slow must be true or false")
    topics = tuple(
        Topic(row["id"], order, dict(row["title"]), tuple(by_topic[row["id"]]), row.get("slow", False))
        for order, row in enumerate(topic_rows, start=1)
    )
    return Catalogue(topics)


def _frozen(value):
    """Nested lists as tuples, so an Exercise stays hashable."""
    return tuple(_frozen(v) for v in value) if isinstance(value, list) else value


@functools.cache
def load(path: Path = CATALOGUE_PATH) -> Catalogue:
    with open(path, "rb") as fh:
        return parse(tomllib.load(fh))
