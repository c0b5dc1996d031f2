"""The catalogue: the one list of topics and exercises that everything else derives from."""

from __future__ import annotations

import difflib
import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

CATALOGUE_PATH = Path(__file__).with_name("catalogue.toml")
LANGUAGES = ("en", "zh_CN")
# Failure kinds (``keraskit.expect.KINDS``; "crash" is graded code raising): each has its own
# teaching line (locale ``kind.<name>``).
FAILURE_KINDS = ("type", "dtype", "shape", "nonfinite", "values", "no_raise", "wrong_error", "warning",
                 "structure", "history", "crash")
# A misconception id: lower-case words joined by hyphens, unique in the whole catalogue, so a check
# or a wrong variant names one mistake of one exercise.
MISCONCEPTION_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def split_id(exercise_id: str) -> tuple[str, str]:
    """``(topic, function)`` of an exercise id ``topic.function``; function is "" if the id has no dot.

    Where an ``Exercise`` is at hand, its ``.topic`` and ``.function`` say the same."""
    topic, _, function = exercise_id.partition(".")
    return topic, function


def topic_of(exercise_id: str) -> str:
    """The topic of an exercise id ``topic.function``."""
    return split_id(exercise_id)[0]


@dataclass(frozen=True)
class Misconception:
    """A mistake an exercise teaches against, and the hint that answers it."""
    id: str
    exercise: str
    hint: dict[str, str]

    def hint_in(self, lang: str) -> str:
        return self.hint.get(lang) or self.hint["en"]


@dataclass(frozen=True)
class Exercise:
    id: str
    topic: str
    function: str
    points: int
    order: int
    hints: dict[str, tuple[str, ...]]
    # The mistakes it teaches against: a failing check that names one shows its hint.
    misconceptions: tuple[Misconception, ...] = ()
    # The names of a composite result's parts, nested as the result is (from the docstring).
    returns: tuple = ()

    def hints_in(self, lang: str) -> tuple[str, ...]:
        return self.hints.get(lang) or self.hints["en"]

    def misconception(self, misconception_id: str) -> Misconception | None:
        """This exercise's misconception ``misconception_id``, or None (another exercise's is no answer)."""
        return next((m for m in self.misconceptions if m.id == misconception_id), None)

    def hint_for(self, misconception_id: str | None, lang: str) -> str | None:
        """The hint of the misconception a failing check named, or None: a wrong hint misleads, so a
        failure that no misconception of this exercise explains gets no hint of its own."""
        found = self.misconception(misconception_id) if misconception_id else None
        return found.hint_in(lang) if found else None

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

    def misconception(self, misconception_id: str) -> Misconception:
        """The misconception with this id, in whichever exercise; KeyError suggests close ids."""
        known = {m.id: m for e in self.exercises for m in e.misconceptions}
        if misconception_id in known:
            return known[misconception_id]
        close = difflib.get_close_matches(str(misconception_id), sorted(known), n=3, cutoff=0.6)
        suggestion = f"; did you mean {', '.join(close)}?" if close else ""
        raise KeyError(f"no misconception {misconception_id!r} in the catalogue{suggestion}")

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
    misconception_ids: set[str] = set()
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
        if "hint_kinds" in row:
            raise CatalogueError(f"exercise {ex_id!r}: hint_kinds is gone; a check names the misconception "
                                 f"it detects and the failure shows that misconception's hint")
        misconceptions = tuple(_misconception(ex_id, hints, entry, misconception_ids)
                               for entry in row.get("misconception", ()))
        returns = _frozen(row.get("returns", ()))
        seen.add(ex_id)
        by_topic[topic].append(Exercise(ex_id, topic, function, points, order, hints, misconceptions, returns))
    for row in topic_rows:
        if not isinstance(row.get("slow", False), bool):
            raise CatalogueError(f"topic {row['id']!r}: slow must be true or false")
    topics = tuple(
        Topic(row["id"], order, dict(row["title"]), tuple(by_topic[row["id"]]), row.get("slow", False))
        for order, row in enumerate(topic_rows, start=1)
    )
    return Catalogue(topics)


def _misconception(ex_id: str, hints: dict, entry: dict, seen: set[str]) -> Misconception:
    """One ``[[exercise.misconception]]`` entry: an id and either ``hint = N`` (the exercise's N-th
    hint answers it, in every language) or its own ``en`` and ``zh_CN`` hint."""
    misconception_id = entry.get("id")
    where = f"exercise {ex_id!r}, misconception {misconception_id!r}"
    if not isinstance(misconception_id, str) or not MISCONCEPTION_ID.fullmatch(misconception_id):
        raise CatalogueError(f"{where}: the id must be lower-case words joined by hyphens")
    if misconception_id in seen:
        raise CatalogueError(f"{where}: the id appears twice (ids are unique in the whole catalogue)")
    seen.add(misconception_id)
    unknown = set(entry) - {"id", "hint", *LANGUAGES}
    if unknown:
        raise CatalogueError(f"{where}: unknown keys {sorted(unknown)}")
    if "hint" in entry:
        number = entry["hint"]
        if set(entry) & set(LANGUAGES):
            raise CatalogueError(f"{where}: give either hint = N or its own texts, not both")
        if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= len(hints.get("en", ())):
            raise CatalogueError(f"{where}: hint must be the number (from 1) of one of the exercise's hints")
        text = {lang: texts[number - 1] for lang, texts in hints.items() if len(texts) >= number}
    else:
        text = {lang: entry.get(lang) for lang in LANGUAGES}
        if not all(isinstance(value, str) and value.strip() for value in text.values()):
            raise CatalogueError(f"{where}: needs hint = N or a hint in every language ({', '.join(LANGUAGES)})")
    return Misconception(misconception_id, ex_id, text)


def _frozen(value):
    """Nested lists as tuples, so an Exercise stays hashable."""
    return tuple(_frozen(v) for v in value) if isinstance(value, list) else value


@functools.cache
def load(path: Path = CATALOGUE_PATH) -> Catalogue:
    with open(path, "rb") as fh:
        return parse(tomllib.load(fh))
