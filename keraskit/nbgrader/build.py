"""Write an nbgrader course from the catalogue, the reference solutions and the test files.

Layout (one nbgrader assignment per topic, one notebook per assignment)::

    COURSE_DIR/
      nbgrader_config.py
      source/<topic>/<topic>.ipynb          the instructor notebook (reference between the markers)
      source/<topic>/tests/test_<topic>.py  the visible tests (+ tests/golden/<topic>.json): released
      hidden_tests/test_<topic>.py          the hidden tests: instructor only, never released

Nothing here is written by hand: the explanation is the module docstring, each solution cell is
the reference function cut by :mod:`keraskit.nbgrader.source`, each test cell calls
:func:`keraskit.nbgrader.checks.check` on the copied test files, points come from the catalogue.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from keraskit import catalogue, layout, quiet
from keraskit.i18n import current_language, t
from keraskit.layout import imports_id, setup_id, solution_id, tests_id, try_id
from keraskit.nbgrader import checks
from keraskit.nbgrader.source import ExerciseSource, SourceError, TopicSource, available_topics, read_topic

COURSE_ID = "keras-in-action"
NBGRADER_SCHEMA = 3
BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
# Tells Jupyter's "Run All" and nbclient to carry on after a failing test cell.
RAISES_TAG = "raises-exception"
# nbclient (so nbgrader's autograde and validate) skips a cell with this tag; Jupyter runs it.
# The try cells carry it: they are feedback while writing, and the graded cells rerun their tests.
SKIP_TAG = "skip-execution"
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def _nbformat():
    try:
        import nbformat
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise SystemExit("keraskit nbgrader needs nbgrader: pip install 'keraskit[instructor]'") from exc
    return nbformat


def _nbgrader_meta(grade_id: str, *, grade=False, solution=False, locked=False, points=None) -> dict:
    meta = {"grade": grade, "solution": solution, "locked": locked, "grade_id": grade_id,
            "schema_version": NBGRADER_SCHEMA}
    if points is not None:
        meta["points"] = points
    return meta


def _markdown(text: str) -> str:
    """reST inline literals (``x``) as Markdown code (`x`)."""
    return re.sub(r"``([^`]+)``", r"`\1`", text)


def _without_title_line(docstring: str, topic: catalogue.Topic) -> str:
    """The module docstring, minus a first line that only repeats the topic's title."""
    first, _, rest = docstring.partition("\n")
    if first.strip().rstrip(".").lower() == topic.title["en"].strip().rstrip(".").lower():
        return rest.strip("\n")
    return docstring


_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def _in_language(docstring: str, lang: str) -> str:
    """The docstring for a notebook in ``lang``: an English notebook leaves out the Chinese
    summary lines (a Chinese one keeps the English text beside them, as the docstring has it)."""
    if lang != "en":
        return docstring
    return "\n".join(line for line in docstring.splitlines() if not _CJK.search(line))


def _check_markers(text: str, where: str) -> None:
    for marker in (BEGIN_SOLUTION, END_SOLUTION, BEGIN_HIDDEN, END_HIDDEN):
        if marker in text:
            raise SourceError(f"{where} contains the nbgrader marker {marker!r}; it would cut the cell")


def solution_cell_source(ex: ExerciseSource) -> str:
    """Head, then the reference body and its helpers between the markers.

    The private helpers go after the body, still inside the region: they run in the instructor
    notebook, and nbgrader's release replaces the whole region with the stub's
    ``raise NotImplementedError()`` at the body's indentation, so they never reach students.
    """
    indent = ex.body_indent
    parts = [ex.head, f"{indent}{BEGIN_SOLUTION}", ex.body]
    if ex.extras:
        parts += ["", "", ex.extras]
    parts.append(f"{indent}{END_SOLUTION}")
    text = "\n".join(parts)
    _check_markers(ex.head + ex.body + ex.extras, f"solutions/{ex.exercise.topic}.py")
    return text


def _comment_lines(text: str) -> list[str]:
    """``text`` as Python comment lines (a translation may span several lines)."""
    return [f"# {line}" for line in text.splitlines()]


def visible_test_names(test_file: Path, exercise_id: str) -> list[str]:
    """The visible tests of one exercise, as readable phrases (from the test function names)."""
    import ast

    tree = ast.parse(test_file.read_text(encoding="utf-8"))
    names = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        for dec in node.decorator_list:
            if (isinstance(dec, ast.Call) and ast.unparse(dec.func).endswith("mark.exercise")
                    and dec.args and isinstance(dec.args[0], ast.Constant) and dec.args[0].value == exercise_id):
                names.append(node.name)
    function = catalogue.split_id(exercise_id)[1]
    return [n.removeprefix("test_").removeprefix(function).strip("_").replace("_", " ") or n for n in names]


def try_cell_source(ex: ExerciseSource, visible_file: Path, lang: str) -> str:
    """The cell under an answer: its visible tests, by name, run at once (feedback, not graded)."""
    exercise = ex.exercise
    names = visible_test_names(visible_file, exercise.id)
    comment = t("nbgrader.nb_try_comment", lang, function=exercise.function,
                path=f"{checks.VISIBLE_DIR}/{visible_file.name}")
    lines = _comment_lines(comment)
    lines += [f"#   - {name}" for name in names]
    lines.append(f'check("{exercise.id}")')
    return "\n".join(lines)


def tests_cell_source(ex: ExerciseSource, visible_file: Path, lang: str) -> str:
    """The graded cell of an exercise: its visible tests, then the hidden ones (removed on release)."""
    exercise = ex.exercise
    comment = t("nbgrader.nb_tests_comment", lang, function=exercise.function, points=exercise.points,
                path=f"{checks.VISIBLE_DIR}/{visible_file.name}")
    return "\n".join([
        *_comment_lines(comment),
        f'check("{exercise.id}")',
        BEGIN_HIDDEN,
        f'check("{exercise.id}", hidden=True)',
        END_HIDDEN,
    ])


def setup_cell_source(lang: str) -> str:
    """Quiet TensorFlow before anything imports it, then load the checker.

    nbgrader scores 0 any test cell that writes to stderr, and TensorFlow logs to stderr when it
    is imported unless these variables are already set; so this locked cell runs first.
    """
    lines = _comment_lines(t("nbgrader.nb_setup_comment", lang))
    lines.append("import os")
    lines.append("")
    # Assigned, not defaulted: a grader's shell settings must not decide a student's score.
    lines += [f'os.environ["{key}"] = "{value}"' for key, value in quiet.QUIET_ENV.items()]
    lines.append("")
    # The full TensorFlow wheels log CUDA probing to stderr on import whatever the variables say.
    lines.append("from keraskit.quiet import quiet_tensorflow_import; quiet_tensorflow_import()")
    lines.append("from keraskit.nbgrader.checks import check")
    return "\n".join(lines)


def topic_notebook(src: TopicSource, visible_file: Path, lang: str):
    """The instructor notebook of one topic (an ``nbformat`` v4 notebook)."""
    nbf = _nbformat()
    v4 = nbf.v4
    topic = src.topic
    cells = [
        v4.new_markdown_cell("\n\n".join([
            f"# {topic.title_in(lang)}",
            _markdown(_in_language(_without_title_line(src.docstring, topic), lang)),
            t("nbgrader.nb_kernel", lang),
            t("nbgrader.nb_how_to", lang, points=topic.points, tests=f"{checks.VISIBLE_DIR}/{visible_file.name}"),
        ]), metadata={"keraskit": {"role": "explanation"}}),
        v4.new_code_cell(setup_cell_source(lang), metadata={
            "nbgrader": _nbgrader_meta(setup_id(topic.id), locked=True), "keraskit": {"role": "setup"},
            "editable": False, "deletable": False}),
    ]
    if src.preamble.strip():
        cells.append(v4.new_code_cell(src.preamble, metadata={
            "nbgrader": _nbgrader_meta(imports_id(topic.id), locked=True), "keraskit": {"role": "imports"},
            "editable": False, "deletable": False}))
    for number, ex in enumerate(src.exercises, start=1):
        exercise = ex.exercise
        cells.append(v4.new_markdown_cell(
            t("nbgrader.nb_exercise_heading", lang, number=number, function=exercise.function,
              points=exercise.points, exercise=exercise.id),
            metadata={"keraskit": {"role": "heading", "exercise": exercise.id}}))
        cells.append(v4.new_code_cell(solution_cell_source(ex), metadata={
            "nbgrader": _nbgrader_meta(solution_id(exercise), solution=True),
            "keraskit": {"role": "solution", "exercise": exercise.id}}))
        cells.append(v4.new_code_cell(try_cell_source(ex, visible_file, lang), metadata={
            "nbgrader": _nbgrader_meta(try_id(exercise), locked=True),
            "keraskit": {"role": "try", "exercise": exercise.id},
            "tags": [RAISES_TAG, SKIP_TAG], "editable": False, "deletable": False}))
    # The graded cells come after every answer: an answer may call a function (or a helper)
    # defined in a later answer cell, as it may in a module, and must not lose points for it.
    cells.append(v4.new_markdown_cell(
        t("nbgrader.nb_grading_heading", lang, points=topic.points),
        metadata={"keraskit": {"role": "grading"}}))
    for ex in src.exercises:
        exercise = ex.exercise
        cells.append(v4.new_code_cell(tests_cell_source(ex, visible_file, lang), metadata={
            "nbgrader": _nbgrader_meta(tests_id(exercise), grade=True, locked=True, points=exercise.points),
            "keraskit": {"role": "tests", "exercise": exercise.id},
            "tags": [RAISES_TAG], "editable": False, "deletable": False}))
    nb = v4.new_notebook(cells=cells, metadata={
        "kernelspec": dict(KERNELSPEC),
        "language_info": {"name": "python"},
        "keraskit": {"topic": topic.id},
    })
    nbf.validate(nb)
    return nb


CONFIG_TEMPLATE = '''\
# nbgrader configuration of the keraskit course (written by `keraskit nbgrader build`).
# One assignment per topic; each has one notebook. Rebuild instead of editing the notebooks.
c = get_config()  # noqa: F821 - provided by nbgrader when it reads this file

c.CourseDirectory.course_id = "{course_id}"

# The model topics train networks inside test cells: give a cell time to finish.
c.Execute.timeout = 600

# The released stub of every exercise: the same body as in exercises/<topic>.py.
c.ClearSolutions.code_stub = {{"python": "# YOUR CODE HERE\\nraise NotImplementedError()"}}
'''


@dataclass(frozen=True)
class BuiltCourse:
    root: Path
    notebooks: dict[str, Path]  # topic id -> source notebook


def build_course(course_dir: Path, *, repo_root: Path = layout.ROOT, topics: list[str] | None = None,
                 lang: str | None = None, force: bool = False) -> BuiltCourse:
    """Write the course into ``course_dir``; returns the notebooks written, by topic."""
    nbf = _nbformat()
    lang = lang or current_language()
    course_dir = Path(course_dir)
    cat = catalogue.load()
    ready = {t_.id: t_ for t_ in available_topics(repo_root, cat)}
    if topics:
        unknown = [x for x in topics if x not in cat.topic_ids]
        if unknown:
            raise ValueError(f"topics: not in the catalogue: {', '.join(unknown)}; topics are "
                             f"{', '.join(cat.topic_ids)}")
        missing = [x for x in topics if x not in ready]
        if missing:
            raise ValueError(f"topics: no exercise files yet for {', '.join(missing)} under {repo_root}")
        chosen = [ready[x] for x in cat.topic_ids if x in topics]
    else:
        chosen = list(ready.values())
    if not chosen:
        raise ValueError(f"repo_root: no topic under {repo_root} has its stub, reference and tests yet")
    config = course_dir / "nbgrader_config.py"
    if (course_dir / "source").exists() and not force:
        raise FileExistsError(f"course_dir: {course_dir} already has a source/ folder (use --force to rebuild)")

    course_dir.mkdir(parents=True, exist_ok=True)
    config.write_text(CONFIG_TEMPLATE.format(course_id=COURSE_ID), encoding="utf-8")
    notebooks: dict[str, Path] = {}
    for topic in chosen:
        files = layout.topic_paths(topic.id, repo_root)
        assignment = course_dir / "source" / topic.id
        if assignment.exists():
            shutil.rmtree(assignment)
        tests_dir = assignment / checks.VISIBLE_DIR
        tests_dir.mkdir(parents=True)
        shutil.copy2(files.visible, tests_dir / files.visible.name)
        if files.golden.is_file():
            (tests_dir / "golden").mkdir()
            shutil.copy2(files.golden, tests_dir / "golden" / files.golden.name)
        hidden_dir = course_dir / checks.HIDDEN_DIR
        hidden_dir.mkdir(exist_ok=True)
        shutil.copy2(files.hidden, hidden_dir / files.hidden.name)

        nb = topic_notebook(read_topic(repo_root, topic), files.visible, lang)
        path = assignment / f"{topic.id}.ipynb"
        nbf.write(nb, str(path))
        notebooks[topic.id] = path
    return BuiltCourse(course_dir, notebooks)
