"""Which packages graded code may import, read from its source with ``ast`` (never run).

The grader provides numpy, Keras, TensorFlow, the standard library and keraskit, and nothing
else: a module that imports scipy, pandas or scikit-learn (installed on Colab and most lab
machines) would pass a student's own run and score 0 at the grader. So the student's runs and
the grader apply the same rule, from the source, whether or not the package is installed here.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from keraskit import catalogue
from keraskit.i18n import t
from keraskit.layout import find_module_file

# Top-level packages the grader provides besides the standard library.
PROVIDED = frozenset({"numpy", "keras", "tensorflow", "keraskit"})
# Calls that import the module named by their first argument, when it is a literal string.
IMPORT_CALLS = frozenset({"import_module", "__import__"})
# A message names at most this many packages, each in at most this many characters: one line.
MAX_NAMED = 5
MAX_NAME = 40


class ForeignImport(ImportError):
    """A graded module imports a package the grader does not provide (its message says which)."""


def imported_names(node: ast.AST) -> list[str]:
    """The absolute module names one node loads: an import statement, or a call given a literal
    name (``importlib.import_module("scipy")``, ``__import__("pandas")``). A relative import
    (``from . import x``) names no package and gives nothing."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        return [node.module] if not node.level and node.module else []
    if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
            and isinstance(node.args[0].value, str):
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
        if name in IMPORT_CALLS:
            return [node.args[0].value]
    return []


def imported_packages(tree: ast.AST) -> list[str]:
    """The top-level packages a parsed module imports anywhere (function bodies included), each
    once, in the order ``ast.walk`` meets them (the module's own statements first)."""
    found: dict[str, None] = {}
    for node in ast.walk(tree):
        for name in imported_names(node):
            top = name.partition(".")[0]
            if top:
                found.setdefault(top, None)
    return list(found)


def is_provided(package: str) -> bool:
    return package in PROVIDED or package in sys.stdlib_module_names


def foreign_packages(source: str | bytes) -> list[str]:
    """The packages ``source`` imports that the grader does not provide. A source that does not
    parse names none: it fails on its own, with its own error."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    return [p for p in imported_packages(tree) if not is_provided(p)]


def rule_message(file_name: str, packages: list[str]) -> str | None:
    """One line saying that ``file_name`` imports ``packages`` (None when there are none). A name
    given to ``import_module`` as a string may be anything: it is quoted and cut short."""
    if not packages:
        return None
    shown = [name if name.isidentifier() else repr(name) for name in packages[:MAX_NAMED]]
    shown = [name if len(name) <= MAX_NAME else name[:MAX_NAME - 3] + "..." for name in shown]
    if len(packages) > MAX_NAMED:
        shown.append("...")
    return t("imports.foreign", file=file_name, packages=", ".join(shown))


def check_source(file_name: str, source: str | bytes) -> None:
    """Raise ``ForeignImport`` if the module ``file_name`` imports a package the grader lacks."""
    message = rule_message(file_name, foreign_packages(source))
    if message:
        raise ForeignImport(message)


def check_file(path: Path) -> None:
    check_source(Path(path).name, Path(path).read_bytes())


def folder_messages(folder: Path, topics) -> list[str]:
    """The rule's message for every module of ``topics`` in ``folder`` that breaks it, in the
    catalogue's order."""
    messages = []
    wanted = set(topics)
    for topic in (name for name in catalogue.load().topic_ids if name in wanted):
        path = find_module_file(Path(folder), topic)
        if path is None:
            continue
        try:
            source = path.read_bytes()
        except OSError:
            continue
        message = rule_message(path.name, foreign_packages(source))
        if message:
            messages.append(message)
    return messages
