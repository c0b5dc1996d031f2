"""Where things are: the kit's folders, every file of a topic, and a submission's module files.

A kit (the instructor's checkout, or a student release without the instructor's folders)::

    exercises/<topic>.py                   the stub a student edits
    exercises/tests/test_<topic>.py        the visible tests
    exercises/tests/golden/<topic>.json    Keras values precomputed for the visible tests
    solutions/<topic>.py                   the reference (instructor only)
    grading/hidden/test_<topic>.py         the hidden tests (instructor only)
    grading/mutants/<topic>.py             the wrong and right variants of the reference

``ROOT`` is the kit this package belongs to, computed here once; ``find_project_root`` finds the
working copy a student's command runs in (from the current folder up).

A submission's module ``<topic>.py`` is searched for in the same way whatever holds it (a
folder, a zip, or the folder the answer cells of notebooks are written to): the shallowest file
of that name wins, and of two equally deep, the first one met (folders are walked in name order,
a zip in archive order). Tests, environments, caches and hidden folders are never searched.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from keraskit import catalogue
from keraskit.errors import CommandError
from keraskit.i18n import t

ROOT = Path(__file__).resolve().parents[1]

# Folders never searched for a submission's modules: tests, environments, caches.
SKIPPED_DIRS = frozenset({"tests", "test", "golden", ".venv", "venv", ".tox", "__pycache__", ".git",
                          "node_modules", "site-packages", ".ipynb_checkpoints"})

SUITE_PREFIX = "test_"


def module_name(topic: str) -> str:
    """The file name of a topic's module: ``<topic>.py``."""
    return f"{topic}.py"


def suite_name(topic: str) -> str:
    """The file name of a topic's test suite, visible or hidden: ``test_<topic>.py``."""
    return f"{SUITE_PREFIX}{topic}.py"


def suite_topic(file_name: str) -> str | None:
    """The topic a ``test_<topic>.py`` file name is for, else None (not checked against the catalogue)."""
    if not (file_name.startswith(SUITE_PREFIX) and file_name.endswith(".py")):
        return None
    return file_name[len(SUITE_PREFIX):-len(".py")]


def graded_topics(hidden_dir: Path, exercises=(), topics=None) -> list[str]:
    """The topics a grading run covers: ``topics`` (by default the catalogue's, in its order) that
    have a hidden suite in ``hidden_dir``; with ``exercises`` given, only the topics of those."""
    chosen = {catalogue.topic_of(e) for e in exercises}
    return [topic for topic in topics or catalogue.load().topic_ids
            if (Path(hidden_dir) / suite_name(topic)).is_file() and (not chosen or topic in chosen)]


@dataclass(frozen=True)
class TopicPaths:
    """Every file of one topic; a file may be missing (a release has no reference)."""
    topic: str
    stub: Path
    reference: Path
    visible: Path
    hidden: Path
    variants: Path
    golden: Path


def _folder(*parts: str) -> property:
    """A ``Layout`` property: the folder ``parts`` below the kit's root."""
    return property(lambda layout: layout.root.joinpath(*parts), doc=f"``<root>/{'/'.join(parts)}``")


@dataclass(frozen=True)
class Layout:
    """The folders of a kit rooted at ``root`` (the table in this module's docstring)."""
    root: Path

    def __post_init__(self):
        object.__setattr__(self, "root", Path(self.root))

    exercises = _folder("exercises")
    visible_tests = _folder("exercises", "tests")
    golden = _folder("exercises", "tests", "golden")
    solutions = _folder("solutions")
    hidden_tests = _folder("grading", "hidden")
    variants = _folder("grading", "mutants")

    def topic(self, topic: str) -> TopicPaths:
        return TopicPaths(
            topic=topic,
            stub=self.exercises / module_name(topic),
            reference=self.solutions / module_name(topic),
            visible=self.visible_tests / suite_name(topic),
            hidden=self.hidden_tests / suite_name(topic),
            variants=self.variants / module_name(topic),
            golden=self.golden / f"{topic}.json",
        )


KIT = Layout(ROOT)


def topic_paths(topic: str, root: Path = ROOT) -> TopicPaths:
    """Every file of ``topic`` in the kit rooted at ``root`` (by default this package's kit)."""
    return Layout(root).topic(topic)


class NotAWorkingCopy(CommandError):
    """No folder with exercises/tests at or above the current one."""


def find_project_root(start: Path | None = None) -> Path:
    """The nearest folder, from ``start`` (the current folder) upwards, that holds ``exercises/tests``."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if Layout(folder).visible_tests.is_dir():
            return folder
    raise NotAWorkingCopy(t("cli.not_a_working_copy", folder=here))


# ------------------------------------------------------------------ module discovery

T = TypeVar("T")


def searched(folder: str) -> bool:
    """Whether a folder of this name is searched for modules."""
    return folder not in SKIPPED_DIRS and not folder.startswith(".")


def shallowest(candidates: Iterable[tuple[str, int, T]]) -> dict[str, T]:
    """module -> its candidate with the fewest path parts, from ``(module, depth, candidate)``
    triples; of equally deep candidates, the first given wins."""
    best: dict[str, tuple[int, T]] = {}
    for module, depth, candidate in candidates:
        if module not in best or depth < best[module][0]:
            best[module] = (depth, candidate)
    return {module: candidate for module, (_, candidate) in best.items()}


def _walk(root: Path, modules: Iterable[str]):
    """``(module, depth, path)`` for every file of a wanted module below ``root``, in name order."""
    names = {module_name(m): m for m in modules}
    for dirpath, dirnames, filenames in os.walk(root):  # never follows symlinked folders
        dirnames[:] = sorted(d for d in dirnames if searched(d))
        present = set(filenames)
        for name, module in names.items():
            if name in present:
                path = Path(dirpath) / name
                yield module, len(path.parts), path


def find_modules(root: Path, modules: Iterable[str]) -> dict[str, Path]:
    """module -> the shallowest ``<module>.py`` below the folder ``root``, for those found.

    A found path may be a symbolic link or not a regular file: whoever reads it decides."""
    return shallowest(_walk(Path(root), modules))


def find_module_file(root: Path, module: str) -> Path | None:
    """``root/<module>.py`` if present, else the shallowest ``<module>.py`` below ``root``."""
    direct = Path(root) / module_name(module)
    if direct.is_file():
        return direct
    return find_modules(root, [module]).get(module)


def archive_module(parts: tuple[str, ...], modules) -> str | None:
    """The wanted module a file at ``parts`` (a path inside an archive) is, else None.

    None too when a folder on the way is one never searched."""
    if not parts or not parts[-1].endswith(".py") or not all(searched(p) for p in parts[:-1]):
        return None
    module = parts[-1][:-len(".py")]
    return module if module in modules else None


def submitted_notebooks(student_dir: Path) -> tuple[Path, ...]:
    """An nbgrader student folder's notebooks, ``<assignment>/*.ipynb`` (no symbolic links)."""
    return tuple(sorted(p for p in Path(student_dir).glob("*/*.ipynb") if not p.is_symlink()))


# ------------------------------------------------------------------ notebook cells

# The grade ids of the cells `keraskit nbgrader build` writes: `<topic>-<function>` for an answer,
# `...-try` for the ungraded check under it, `...-tests` for its graded tests. Topic ids have no
# hyphen and function names cannot have one, so an id always splits back unambiguously.
def solution_id(exercise: catalogue.Exercise) -> str:
    return f"{exercise.topic}-{exercise.function}"


def try_id(exercise: catalogue.Exercise) -> str:
    return f"{exercise.topic}-{exercise.function}-try"


def tests_id(exercise: catalogue.Exercise) -> str:
    return f"{exercise.topic}-{exercise.function}-tests"


def setup_id(topic_id: str) -> str:
    return f"{topic_id}-setup"


def imports_id(topic_id: str) -> str:
    return f"{topic_id}-imports"
