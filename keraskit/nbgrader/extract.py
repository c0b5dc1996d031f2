"""Turn submitted notebooks into the module files the isolated judge grades.

Only the cells the kit generated as answers count: a code cell is taken when its nbgrader
metadata marks it as a solution cell and its ``grade_id`` is ``<topic>-<function>`` for a
catalogue exercise (plus the topic's locked ``<topic>-imports`` cell, the module's imports).
Nothing is executed here, and test cells, set-up cells and cells a student added are never
copied, so whatever a notebook does inside its own kernel (patching the checker, printing
"PASS") earns nothing: the judge runs the hidden tests against these files in another process.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from keraskit import catalogue
from keraskit.layout import imports_id, module_name, solution_id


class NotebookError(ValueError):
    """A file is not a keraskit notebook the judge can read."""


@dataclass
class NotebookModule:
    path: Path
    topic: str
    imports: str = ""
    answers: dict[str, str] = field(default_factory=dict)  # function -> cell source

    def module_source(self) -> str:
        """The answers as one module, in catalogue order, imports first."""
        topic = catalogue.load().topic(self.topic)
        # A comment, not a docstring: a file name may hold quotes or backslashes.
        name = self.path.name.encode("unicode_escape").decode("ascii")
        # The explicit coding line comes first: Python reads any "coding:" in the first two
        # comment lines as the file's encoding (the topic `encoding` would otherwise trip it).
        parts = [f"# -*- coding: utf-8 -*-\n# Answer cells of {name} (topic {self.topic}), "
                 f"extracted by keraskit.nbgrader"]
        if self.imports.strip():
            parts.append(self.imports.strip("\n"))
        for exercise in topic.exercises:
            source = self.answers.get(exercise.function)
            if source and source.strip():
                parts.append(f"# --- cell {solution_id(exercise)}\n{source.strip(chr(10))}")
        return "\n\n\n".join(parts) + "\n"


def _cell_source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def read_notebook(path: Path) -> NotebookModule:
    """The answer cells of one keraskit notebook, by exercise; never executes anything."""
    path = Path(path)
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise NotebookError(f"notebooks: {path} is not a readable notebook ({exc})") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise NotebookError(f"notebooks: {path} has no cell list")
    cat = catalogue.load()
    by_answer_id = {solution_id(e): e for e in cat.exercises}
    by_imports_id = {imports_id(topic): topic for topic in cat.topic_ids}
    topics: set[str] = set()
    imports: dict[str, str] = {}
    answers: dict[str, dict[str, str]] = {}
    for cell in nb["cells"]:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        meta = (cell.get("metadata") or {}).get("nbgrader") or {}
        grade_id = meta.get("grade_id")
        if meta.get("solution") is True and grade_id in by_answer_id:
            exercise = by_answer_id[grade_id]
            topics.add(exercise.topic)
            answers.setdefault(exercise.topic, {})[exercise.function] = _cell_source(cell)
        elif meta.get("locked") is True and grade_id in by_imports_id:
            imports[by_imports_id[grade_id]] = _cell_source(cell)
    if not topics:
        raise NotebookError(f"notebooks: {path} has no keraskit solution cell (grade ids like "
                            f"'tensors-normalize'); was it made by `keraskit nbgrader build`?")
    if len(topics) > 1:
        raise NotebookError(f"notebooks: {path} mixes the answer cells of {', '.join(sorted(topics))}")
    topic = topics.pop()
    return NotebookModule(path, topic, imports.get(topic, ""), answers[topic])


def _keraskit_notebooks(notebooks: list[Path]) -> list[NotebookModule]:
    """The readable keraskit notebooks among ``notebooks``; foreign notebooks are skipped.

    A scratch notebook next to the real one must not cost a student their grade, but a list
    with no keraskit notebook at all is an error (the wrong files were handed in).
    """
    modules, errors = [], []
    for path in notebooks:
        try:
            modules.append(read_notebook(Path(path)))
        except NotebookError as exc:
            errors.append(str(exc))
    if not modules:
        raise NotebookError("; ".join(errors) if errors else "notebooks: the list is empty")
    return modules


def _one_per_topic(modules: list[NotebookModule]) -> dict[str, NotebookModule]:
    """One notebook per topic: the one named ``<topic>.ipynb`` (as nbgrader grades) wins a tie."""
    chosen: dict[str, NotebookModule] = {}
    for topic in dict.fromkeys(m.topic for m in modules):
        same = [m for m in modules if m.topic == topic]
        if len(same) > 1:
            named = [m for m in same if m.path.name == f"{topic}.ipynb"]
            if len(named) != 1:
                raise NotebookError(f"notebooks: {', '.join(str(m.path) for m in same)} are all {topic}; "
                                    f"keep one, named {topic}.ipynb")
            same = named
        chosen[topic] = same[0]
    return chosen


def write_modules(notebooks: list[Path], out_dir: Path) -> list[Path]:
    """Write ``<topic>.py`` into ``out_dir`` for each keraskit notebook; returns the files written.

    Notebooks that hold no keraskit answer cell are skipped (an error if all are); of two
    notebooks of one topic, the one named ``<topic>.ipynb`` is graded, as nbgrader would.
    """
    if isinstance(notebooks, (str, Path)):
        raise TypeError("notebooks: pass a list of paths, not a single path")
    out_dir = Path(out_dir)
    chosen = _one_per_topic(_keraskit_notebooks(list(notebooks)))
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for topic, module in chosen.items():
        path = out_dir / module_name(topic)
        path.write_text(module.module_source(), encoding="utf-8")
        written.append(path)
    return written
