"""Cut a topic's reference module into the pieces a notebook is made of.

A notebook cell per exercise needs three things from ``solutions/<topic>.py``: the function's
head (decorators, signature, docstring), which the released stub keeps, its body, which goes
between nbgrader's solution markers, and the reference's private helpers, which must run in the
solution notebook but never appear in the released one. Everything is read with ``ast`` from
the files themselves, so the notebooks can never disagree with the reference or the stubs.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from keraskit import catalogue, layout


class SourceError(ValueError):
    """A topic's files do not have the shape the notebook builder relies on."""


@dataclass(frozen=True)
class ExerciseSource:
    exercise: catalogue.Exercise
    head: str     # decorators, ``def`` line(s) and docstring, at column 0
    body: str     # the reference body, indented as in the module
    extras: str   # the reference's private top-level code that travels with this exercise

    @property
    def body_indent(self) -> str:
        first = next(line for line in self.body.splitlines() if line.strip())
        return first[: len(first) - len(first.lstrip())]


@dataclass(frozen=True)
class TopicSource:
    topic: catalogue.Topic
    docstring: str                 # the module docstring: the notebook's explanation
    preamble: str                  # the stub's top-level code other than functions (imports, constants)
    exercises: tuple[ExerciseSource, ...]


def available_topics(root: Path, cat: catalogue.Catalogue | None = None) -> list[catalogue.Topic]:
    """Catalogue topics, in order, whose stub, reference and both test files all exist."""
    cat = cat or catalogue.load()
    paths = {t.id: layout.topic_paths(t.id, root) for t in cat.topics}
    return [t for t in cat.topics
            if all(p.is_file() for p in (paths[t.id].stub, paths[t.id].reference, paths[t.id].visible,
                                         paths[t.id].hidden))]


def _segments(text: str, tree: ast.Module) -> list[tuple[ast.stmt, str]]:
    """Each top-level statement with its source, including the comments just above it."""
    lines = text.splitlines()
    out = []
    previous_end = 0
    for node in tree.body:
        start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        # Comment lines directly above a statement belong to it; blank lines separate.
        first = start - 1
        while first > previous_end and lines[first - 1].lstrip().startswith("#"):
            first -= 1
        out.append((node, "\n".join(lines[first: node.end_lineno])))
        previous_end = node.end_lineno
    return out


def _is_docstring(node: ast.stmt) -> bool:
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)


def _is_function(node: ast.stmt) -> bool:
    return isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))


def _split_function(text: str, node: ast.FunctionDef, path: Path) -> tuple[str, str]:
    """(head, body) of a top-level function: the head ends with its docstring."""
    lines = text.splitlines()
    if ast.get_docstring(node) is None:
        raise SourceError(f"{path}: {node.name} has no docstring; the notebook keeps it above the solution")
    if len(node.body) < 2:
        raise SourceError(f"{path}: {node.name} has no body after its docstring")
    start = min([node.lineno] + [d.lineno for d in node.decorator_list])
    docstring_end = node.body[0].end_lineno
    head = "\n".join(lines[start - 1: docstring_end])
    # The body starts on the line after the docstring (comments included), not at the first statement.
    body = "\n".join(lines[docstring_end: node.end_lineno]).strip("\n")
    return head, body


def _names_defined(node: ast.stmt) -> set[str]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


def _names_used(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _assign_private_code(wanted: list[str], uses: dict[str, set[str]],
                         private: list[tuple[set[str], set[str], str]]) -> dict[str, list[str]]:
    """Each piece of private code rides with the first exercise (catalogue order) that needs it.

    "Needs" is transitive (a helper of a helper), so whatever a piece of module-level code
    depends on always lands in the same cell or an earlier one and runs before it. Code no
    exercise needs goes with the first exercise. Within a cell, the reference's order is kept.
    """
    owner: dict[int, str] = {}
    for name in wanted:
        needed = set(uses[name])
        changed = True
        while changed:  # close over helpers that use other helpers
            changed = False
            for index, (defined, used, _) in enumerate(private):
                if index not in owner and defined & needed:
                    owner[index] = name
                    needed |= used
                    changed = True
    extras: dict[str, list[str]] = {name: [] for name in wanted}
    for index, (_, _, src) in enumerate(private):
        extras[owner.get(index, wanted[0])].append(src)
    return extras


def read_topic(root: Path, topic: catalogue.Topic) -> TopicSource:
    """The notebook pieces of ``topic`` from the stub and reference under ``root``."""
    files = layout.topic_paths(topic.id, root)
    for path in (files.stub, files.reference):
        if not path.is_file():
            raise SourceError(f"topic {topic.id!r}: missing {path}")
    stub_text = files.stub.read_text(encoding="utf-8")
    ref_text = files.reference.read_text(encoding="utf-8")
    stub_tree = ast.parse(stub_text, filename=str(files.stub))
    ref_tree = ast.parse(ref_text, filename=str(files.reference))

    wanted = [e.function for e in topic.exercises]
    # The preamble comes from the stub: it is exactly what a student's module starts with.
    preamble = "\n\n".join(
        src for node, src in _segments(stub_text, stub_tree)
        if not _is_docstring(node) and not _is_function(node)
    )
    stub_statements = {ast.dump(node) for node, _ in _segments(stub_text, stub_tree)}

    heads: dict[str, tuple[str, str]] = {}
    uses: dict[str, set[str]] = {}          # exercise -> the names its function refers to
    private: list[tuple[set[str], set[str], str]] = []  # (names defined, names used, source)
    for node, src in _segments(ref_text, ref_tree):
        if _is_docstring(node):
            continue
        if _is_function(node) and node.name in wanted:
            if node.name in heads:
                raise SourceError(f"{files.reference}: {node.name} is defined twice")
            heads[node.name] = _split_function(ref_text, node, files.reference)
            uses[node.name] = _names_used(node)
            continue
        if ast.dump(node) in stub_statements:
            continue  # shared with the stub (imports, constants): already in the preamble
        if _is_function(node) and not node.name.startswith("_"):
            raise SourceError(f"{files.reference}: public function {node.name} is not an exercise of "
                              f"{topic.id!r} in the catalogue")
        private.append((_names_defined(node), _names_used(node), src))

    missing = [name for name in wanted if name not in heads]
    if missing:
        raise SourceError(f"{files.reference}: no function for catalogue exercise(s) {', '.join(missing)}")
    extras = _assign_private_code(wanted, uses, private)
    exercises = tuple(
        ExerciseSource(e, heads[e.function][0], heads[e.function][1], "\n\n\n".join(extras[e.function]))
        for e in topic.exercises
    )
    return TopicSource(topic, ast.get_docstring(ref_tree) or "", preamble, exercises)
