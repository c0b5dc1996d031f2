"""Which submissions are unusually alike: winnowed k-gram fingerprints over normalized tokens.

The method (the instructor's report shows its result; ``docs/report.md`` explains it):

1. Each module is cut into units (its top-level functions and classes, and the rest of the module)
   with ``ast``; code that does not parse is one unit.
2. Each unit becomes a list of normalized tokens (``tokenize``): comments, blank lines and
   docstrings are dropped, every identifier that is not an attribute, a keyword or a builtin is
   ``V`` (renaming variables changes nothing), every string is ``S``.
3. The k-grams of a unit (``K`` tokens) are hashed and winnowed (the smallest hash of each window
   of ``WINDOW`` k-grams is kept): a run of ``K + WINDOW - 1`` tokens shared by two units always
   leaves at least one fingerprint in both. Fingerprints are a set per module, so reordering the
   functions changes nothing.
4. What everyone was given is removed: the fingerprints of the stubs (``exercises/*.py``) and of
   the code quoted in their docstrings (``np.moveaxis(x, sample_axis, 0)``). A unit shorter than
   ``MIN_UNIT_TOKENS`` tokens, or of one statement (a one-line answer the docstring dictates), is
   left out: two students who both wrote it did nothing unusual.
5. A fingerprint shared by ``n`` students weighs ``1 / (n - 1)`` (one held by more than
   ``COMMON_SHARE`` of the class, nothing): code many write alike is the idiom, not a copy. A
   pair's score for a topic is the weight of what they share over the weight of the smaller
   module's fingerprints (0..1), so a solution many copied still scores high for each pair.
6. A pair is flagged for a topic when its score is at least ``ABSOLUTE_THRESHOLD`` and stands out
   in this class: above the median of the topic's pair scores by ``OUTLIER_MADS`` median absolute
   deviations (``class_threshold``), or reaches ``CERTAIN_THRESHOLD`` (a solution passed round
   the class stands out from nothing), with at least ``MIN_SHARED`` shared fingerprints.
"""

from __future__ import annotations

import ast
import builtins
import io
import keyword
import re
import statistics
import tokenize
from dataclasses import dataclass, field
from itertools import combinations

K = 10  # tokens per k-gram
WINDOW = 4  # k-grams per winnowing window
MIN_UNIT_TOKENS = 30  # a unit with fewer normalized tokens is a fixed short answer: not compared
MIN_SHARED = 6.0  # weighted shared fingerprints a flagged topic needs at least
ABSOLUTE_THRESHOLD = 0.5  # a topic score below this is never flagged
OUTLIER_MADS = 4.0  # how far above the class's median a flagged score is (median absolute deviations)
CERTAIN_THRESHOLD = 0.8  # a topic score this high is flagged however alike the rest of the class is
COMMON_SHARE = 0.8  # a fingerprint in more than this share of the class (and > 3 students) is ignored

_KEPT_NAMES = set(dir(builtins)) | {"self", "cls"}
_SKIPPED = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER}
_STATEMENT_START = {tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, None}
_FSTRING_START = getattr(tokenize, "FSTRING_START", None)
_FSTRING_END = getattr(tokenize, "FSTRING_END", None)


@dataclass
class Fingerprint:
    """Where a fingerprint's k-gram lies in its module: the lines of its tokens (1-based; a
    docstring or comment between them is not one of them)."""
    lines: tuple[int, ...]


@dataclass
class Module:
    """One topic module of one student: its text and its fingerprints (hash -> where)."""
    text: str
    prints: dict[int, list[Fingerprint]] = field(default_factory=dict)


def _raw_tokens(text: str) -> list[tokenize.TokenInfo]:
    """The tokens of ``text``, up to where it stops being Python (a broken file keeps its start)."""
    found = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            found.append(token)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return found


def normalize(tokens: list[tokenize.TokenInfo]) -> list[tuple[str, int]]:
    """(normalized token, line) for the tokens that carry meaning (see the module's step 2)."""
    out: list[tuple[str, int]] = []
    previous_kind = None
    previous_text = ""
    depth = 0  # inside an f-string (Python 3.12 tokenizes its parts)
    for i, token in enumerate(tokens):
        kind, text, line = token.type, token.string, token.start[0]
        if kind in _SKIPPED:
            continue
        if _FSTRING_START is not None and kind == _FSTRING_START:
            if depth == 0:
                out.append(("S", line))
            depth += 1
            continue
        if depth:
            depth -= kind == _FSTRING_END
            continue
        if kind == tokenize.STRING:
            following = next((x for x in tokens[i + 1:] if x.type not in _SKIPPED), None)
            if previous_kind in _STATEMENT_START and (following is None or following.type == tokenize.NEWLINE):
                previous_kind = "docstring"  # its NEWLINE is dropped with it
                continue
            out.append(("S", line))
        elif kind == tokenize.NEWLINE:
            if previous_kind == "docstring":
                previous_kind = tokenize.NEWLINE
                continue
            out.append(("NEWLINE", line))
        elif kind == tokenize.INDENT:
            out.append(("INDENT", line))
        elif kind == tokenize.DEDENT:
            out.append(("DEDENT", line))
        elif kind == tokenize.NAME:
            kept = keyword.iskeyword(text) or previous_text == "." or text in _KEPT_NAMES
            out.append((text if kept else "V", line))
        else:
            out.append((text, line))
        previous_kind = kind
        previous_text = text
    return out


def _units(text: str) -> list[tuple[int, int]]:
    """Line ranges (first, last) of the module's units: each top-level def/class, then the rest."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return [(1, text.count("\n") + 1)]
    spans = [(node.lineno if not getattr(node, "decorator_list", None) else node.decorator_list[0].lineno,
              node.end_lineno) for node in tree.body
             if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    return spans


def winnow(tokens: list[tuple[str, int]]) -> dict[int, list[Fingerprint]]:
    """The winnowed fingerprints of one token list (see the module's step 3)."""
    grams = [(hash(tuple(x[0] for x in tokens[i:i + K])), i) for i in range(len(tokens) - K + 1)]

    def where(start: int) -> Fingerprint:
        return Fingerprint(tuple(sorted({x[1] for x in tokens[start:start + K]})))

    chosen: dict[int, list[Fingerprint]] = {}
    last = -1
    for start in range(max(0, len(grams) - WINDOW + 1)):
        window = grams[start:start + WINDOW]
        low = min(g[0] for g in window)
        at = start + max(j for j, g in enumerate(window) if g[0] == low)  # the rightmost minimum
        if at != last:
            h, begin = grams[at]
            chosen.setdefault(h, []).append(where(begin))
            last = at
    if grams and len(grams) < WINDOW:
        for h, begin in grams:
            chosen.setdefault(h, []).append(where(begin))
    return chosen


def fingerprint(text: str, min_unit_tokens: int = MIN_UNIT_TOKENS) -> dict[int, list[Fingerprint]]:
    """The fingerprints of a module, unit by unit; units shorter than ``min_unit_tokens`` left out."""
    tokens = normalize(_raw_tokens(text))
    spans = _units(text)
    unit_of_line: dict[int, int] = {}
    for index, (first, last) in enumerate(spans):
        for line in range(first, last + 1):
            unit_of_line[line] = index
    groups: list[list[tuple[str, int]]] = [[] for _ in range(len(spans) + 1)]
    for token in tokens:  # the last group: imports, constants, code that does not parse
        groups[unit_of_line.get(token[1], len(spans))].append(token)
    prints: dict[int, list[Fingerprint]] = {}
    for unit in groups:
        if _is_short(_without_signature(unit), min_unit_tokens):
            continue
        for h, where in winnow(unit).items():
            prints.setdefault(h, []).extend(where)
    return prints


def _without_signature(unit: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """A function's tokens after its ``def ...:`` line (the stub gave it), for measuring its size."""
    if unit and unit[0][0] == "def":
        end = next((i for i, t in enumerate(unit) if t[0] == "NEWLINE"), len(unit))
        return unit[end + 1:]
    return unit


_LAYOUT = {"NEWLINE", "INDENT", "DEDENT"}


def _is_short(body: list[tuple[str, int]], min_tokens: int) -> bool:
    """A body of one statement, or of fewer than ``min_tokens`` tokens: an answer the docstring
    dictates (``return np.moveaxis(x, sample_axis, 0)``), which two students write alike by right."""
    statements = sum(t[0] == "NEWLINE" for t in body)
    size = sum(t[0] not in _LAYOUT for t in body)
    return size < min_tokens or (min_tokens > 0 and statements <= 1)


_QUOTED = re.compile(r"``([^`]+)``")


def given_fingerprints(stubs: dict[str, str]) -> dict[str, set[int]]:
    """Per topic, the fingerprints of what every student was given: the stub, and each code span
    its docstrings quote (as a statement of its own and as a ``return``)."""
    given: dict[str, set[int]] = {}
    for topic, text in stubs.items():
        hashes = set(fingerprint(text, min_unit_tokens=0))
        for quoted in _QUOTED.findall(text):
            for line in (quoted, f"return {quoted}"):
                tokens = normalize(_raw_tokens(line + "\n"))
                hashes |= {hash(tuple(x[0] for x in tokens[i:i + K])) for i in range(len(tokens) - K + 1)}
        given[topic] = hashes
    return given


@dataclass
class Pair:
    """Two students alike: their score per topic (0..1), the topics flagged, and the lines they
    share per flagged topic (student -> topic -> line numbers; empty beyond ``compare``'s views)."""
    a: str
    b: str
    scores: dict[str, float]
    flagged: list[str]
    shared_lines: dict[str, dict[str, list[int]]]

    @property
    def score(self) -> float:
        return max(self.scores[t] for t in self.flagged) if self.flagged else max(self.scores.values(), default=0.0)


@dataclass
class ClassSimilarity:
    pairs: list[Pair]  # the flagged pairs, most alike first
    thresholds: dict[str, float]  # per topic, the score a pair needed to be flagged
    modules: dict[str, dict[str, str]]  # student -> topic -> text (for the side-by-side view)


def class_threshold(scores: list[float]) -> float:
    """The score a pair must reach to stand out in this class (see the module's step 6)."""
    if len(scores) < 3:
        return ABSOLUTE_THRESHOLD
    median = statistics.median(scores)
    mad = statistics.median(abs(s - median) for s in scores)
    return max(ABSOLUTE_THRESHOLD, min(CERTAIN_THRESHOLD, median + OUTLIER_MADS * max(mad, 0.02)))


def _weight(holders: int, common: float) -> float:
    """What a fingerprint held by ``holders`` students weighs: 1 if one or two hold it, ``1 / (n - 1)``
    for more, nothing when it is common (the idiom of the class)."""
    if holders > common:
        return 0.0
    return 1.0 / max(1, holders - 1)


def _shared_lines(prints: dict[str, dict[int, list[Fingerprint]]], student: str, other: str,
                  common: set[int]) -> list[int]:
    """The lines of ``student``'s module that hold a fingerprint ``other`` has too (not the class's idiom)."""
    mine, theirs = prints.get(student, {}), prints.get(other, {})
    return sorted({n for h in mine.keys() & theirs.keys() if h not in common
                   for where in mine[h] for n in where.lines})


def compare(sources: dict[str, dict[str, str]], stubs: dict[str, str], views: int = 25) -> ClassSimilarity:
    """The flagged pairs of a class: ``sources`` student -> topic -> module text, ``stubs`` topic ->
    the stub's text. The ``views`` most alike pairs also get the lines they share."""
    given = given_fingerprints(stubs)
    prints: dict[str, dict[str, dict[int, list[Fingerprint]]]] = {}
    for student, modules in sources.items():
        for topic, text in modules.items():
            kept = {h: w for h, w in fingerprint(text).items() if h not in given.get(topic, ())}
            prints.setdefault(topic, {})[student] = kept
    students = sorted(sources)
    scores: dict[tuple[str, str], dict[str, float]] = {}
    shared_weight: dict[tuple[str, str, str], float] = {}
    thresholds: dict[str, float] = {}
    common_of: dict[str, set[int]] = {}
    for topic, by_student in prints.items():
        holders: dict[int, list[str]] = {}
        for student, kept in by_student.items():
            for h in kept:
                holders.setdefault(h, []).append(student)
        common = max(3, COMMON_SHARE * len(students))
        common_of[topic] = {h for h, who in holders.items() if len(who) > common}
        weights: dict[tuple[str, str], float] = {}
        for h, who in holders.items():
            weight = _weight(len(who), common)
            if len(who) < 2 or not weight:
                continue
            for a, b in combinations(sorted(who), 2):
                weights[a, b] = weights.get((a, b), 0.0) + weight
        sizes = {student: sum(_weight(len(holders[h]), common) for h in kept) for student, kept in by_student.items()}
        topic_scores = []
        for a, b in combinations(students, 2):
            size = min(sizes.get(a, 0.0), sizes.get(b, 0.0))
            shared_weight[a, b, topic] = weights.get((a, b), 0.0)
            value = weights.get((a, b), 0.0) / size if size else 0.0
            value = min(1.0, value)
            scores.setdefault((a, b), {})[topic] = value
            topic_scores.append(value)
        thresholds[topic] = class_threshold(topic_scores)
    pairs = []
    for (a, b), by_topic in scores.items():
        flagged = [topic for topic, value in by_topic.items()
                   if value >= thresholds[topic] and shared_weight[a, b, topic] >= MIN_SHARED]
        if not flagged:
            continue
        pairs.append(Pair(a, b, {t: round(v, 3) for t, v in by_topic.items()}, flagged, {}))
    pairs.sort(key=lambda p: (-p.score, p.a, p.b))
    for pair in pairs[:views]:
        pair.shared_lines = {student: {topic: _shared_lines(prints[topic], student, pair.b if student == pair.a
                                                            else pair.a, common_of[topic])
                                       for topic in pair.flagged} for student in (pair.a, pair.b)}
    return ClassSimilarity(pairs, {t: round(v, 3) for t, v in thresholds.items()}, sources)


def read_class(out_submissions, stubs_folder) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """The modules of every submission (``submissions.read_sources``: zips, folders, notebooks'
    extracted modules) and the stubs' text, as ``compare`` takes them."""
    from pathlib import Path

    from keraskit import catalogue
    from keraskit.autograde import submissions
    topics = catalogue.load().topic_ids
    sources = {}
    for sub in submissions.discover(Path(out_submissions)):
        found = submissions.read_sources(sub, topics)
        sources[sub.student] = {topic: data.decode("utf-8", "replace") for topic, data in found.files.items()}
    stubs = {}
    for topic in topics:
        stub = Path(stubs_folder) / f"{topic}.py"
        if stub.is_file():
            stubs[topic] = stub.read_text(encoding="utf-8")
    return sources, stubs
