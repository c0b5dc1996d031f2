"""Which topic test files a selection (``--exercise``, ``-k``) can leave uncollected.

Collecting a test file imports it, and the files of the Keras topics (models, training) import
TensorFlow: about 5 s before the first test runs. A student who asks for one numpy exercise
(``--exercise tensors.normalize``, ``-k activations``) should not pay for topics the selection
drops anyway. The plugin asks :func:`can_skip` about each file before pytest imports it.

Only a file named for a catalogue topic (``test_<topic>.py``: the visible and hidden suites) is
ever skipped, and only when its tests provably cannot be selected:

* ``--exercise``: the file is another topic's, and no wanted exercise id appears in its text
  (the suites mark each test with its own topic's exercises).
* ``-k``: the expression is false for every way its words could match. A word can match one of
  the file's tests only if it is part of a name the test could carry: the file's text (function
  and class names, literal parametrize values and ids), its topic's golden data and exercise ids
  (data-driven ids), the folders' conftest files, its path, or a marker name. Any word found in
  none of these is false for every test of the file; the others are tried both ways.

Anything unusual (an unknown topic, an expression pytest cannot parse, too many words) means
"collect it": skipping is an optimisation and must never change which tests run.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

from keraskit import catalogue, layout

# Names every marked test carries besides its own (pytest stores marks in this attribute).
ALWAYS_PRESENT = ("pytestmark",)
# Beyond this many words that could match, trying every combination is not worth it.
MAX_OPEN_WORDS = 12


def topic_of(path: Path) -> str | None:
    """The catalogue topic a ``test_<topic>.py`` file grades, else None."""
    topic = layout.suite_topic(path.name)
    return topic if topic in catalogue.load().topic_ids else None


def excluded_by_exercises(path: Path, topic: str, wanted: set[str]) -> bool:
    """True if ``--exercise`` selects nothing from ``path`` (a file of ``topic``)."""
    if not wanted or topic in {catalogue.topic_of(w) for w in wanted}:
        return False
    text = _read(path)
    return text is not None and not any(exercise in text for exercise in wanted)


def excluded_by_keyword(path: Path, topic: str, expression: str, *, root: Path, marker_names=()) -> bool:
    """True if the ``-k`` expression is false for every test ``path`` could contain."""
    if not expression.strip():
        return False
    compiled = _compile(expression)
    vocabulary = _vocabulary(path, topic, root, marker_names)
    if compiled is None or vocabulary is None:
        return False
    open_words = sorted(w for w in _words(compiled) if _could_match(w, vocabulary))
    if len(open_words) > MAX_OPEN_WORDS:
        return False
    for values in itertools.product((False, True), repeat=len(open_words)):
        assignment = dict(zip(open_words, values))
        if compiled.evaluate(lambda word, **_: assignment.get(word.lower(), False)):
            return False
    return True


class _Vocabulary:
    """Every name a test of one file could carry, searched by substring, case-insensitively."""

    def __init__(self, texts):
        self.text = "\n".join(t.lower() for t in texts)

    def __contains__(self, word: str) -> bool:
        return word.lower() in self.text


def _could_match(word: str, vocabulary: "_Vocabulary") -> bool:
    """Could ``word`` be part of a name a test of the file carries?

    A test's name joins the function name and its parametrize ids with ``[``, ``-`` and ``]``,
    and pytest numbers ids it generates or de-duplicates (``bad0``): so each piece between those
    separators, less a trailing number, must be in the vocabulary.
    """
    pieces = (piece.rstrip("0123456789_") for piece in re.split(r"[\[\]\-]", word))
    return all(piece in vocabulary for piece in pieces if piece)


def _vocabulary(path: Path, topic: str, root: Path, marker_names) -> _Vocabulary | None:
    text = _read(path)
    if text is None:
        return None
    # Folders below the root are collection nodes, and a node's name is a keyword.
    resolved, root = path.resolve(), root.resolve()
    parts = resolved.relative_to(root).parts if resolved.is_relative_to(root) else resolved.parts
    texts = [text, *parts, *marker_names, *ALWAYS_PRESENT]
    # Data-driven ids: the topic's golden cases and its exercise ids.
    for golden in sorted(path.parent.glob(f"golden/{topic}.*")):
        texts.append(_read(golden) or "")
    texts += [exercise.id for exercise in catalogue.load().topic(topic).exercises]
    # Conftest files may add markers or keywords to the file's tests.
    for parent in resolved.parents:
        conftest = parent / "conftest.py"
        if conftest.is_file():
            texts.append(_read(conftest) or "")
        if parent == root:
            break
    return _Vocabulary(texts)


def _compile(expression: str):
    """pytest's own ``-k`` parser, so the words and operators mean exactly what they mean to pytest."""
    try:
        from _pytest.mark.expression import Expression
        return Expression.compile(expression)
    except Exception:  # noqa: BLE001 - an unparsable expression is pytest's error to report
        return None


def _words(compiled) -> set[str]:
    """The words of a compiled ``-k`` expression, lower case."""
    idents = getattr(compiled, "idents", None)
    if idents is not None:  # pytest >= 9
        return {word.lower() for word in idents()}
    # Older pytest: the same token pattern its scanner uses.
    tokens = re.findall(r"(?:\w|:|\+|-|\.|\[|\]|\\|/)+", compiled.input)
    return {word.lower() for word in tokens if word not in ("and", "or", "not")}


def _read(path: Path) -> str | None:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
