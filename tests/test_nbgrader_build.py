"""The generated nbgrader course matches the catalogue, the references and the stubs, topic by topic.

Every topic that has its files is built. The release is made with nbgrader's own preprocessors
(the same code `nbgrader generate_assignment` runs), so "the released stub keeps the signature
and docstring" is checked on what students really get.
"""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest
from nbgrader.nbgraderformat import MetadataValidator

from keraskit import catalogue, cli, quiet, target
from keraskit.layout import topic_paths
from keraskit.nbgrader import build, checks, extract
from keraskit.nbgrader.source import available_topics
from kitdev import nbgrader_pipeline as pipeline

ROOT = Path(__file__).resolve().parents[1]
CAT = catalogue.load()
TOPICS = [t.id for t in available_topics(ROOT, CAT)]


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    built = build.build_course(root, lang="en")
    return built


def _notebook(course, topic: str):
    return nbformat.read(str(course.notebooks[topic]), as_version=4)


def _by_id(nb) -> dict[str, dict]:
    return {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells if "nbgrader" in c.metadata}


def _functions(tree: ast.Module) -> dict[str, ast.FunctionDef]:
    return {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}


def _private_statements(tree: ast.Module, public: set[str]) -> list[str]:
    out = []
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)) or (
                isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)):
            continue
        if isinstance(node, ast.FunctionDef) and node.name in public:
            continue
        out.append(ast.dump(node))
    return sorted(out)


def _released(nb):
    """What `nbgrader generate_assignment` does to the answers and the hidden tests."""
    return nbformat.from_dict(pipeline.release_in_process(nb))


def test_every_topic_with_files_is_built(course):
    assert TOPICS, "no topic has its files yet"
    assert list(course.notebooks) == TOPICS
    assert (course.root / "nbgrader_config.py").is_file()
    config = (course.root / "nbgrader_config.py").read_text(encoding="utf-8")
    compile(config, "nbgrader_config.py", "exec")


@pytest.mark.parametrize("topic", TOPICS)
def test_test_files_are_copies_visible_released_hidden_kept_back(course, topic):
    files = topic_paths(topic, ROOT)
    assignment = course.root / "source" / topic
    assert (assignment / "tests" / f"test_{topic}.py").read_bytes() == files.visible.read_bytes()
    assert (course.root / "hidden_tests" / f"test_{topic}.py").read_bytes() == files.hidden.read_bytes()
    if files.golden.is_file():
        assert (assignment / "tests" / "golden" / f"{topic}.json").read_bytes() == files.golden.read_bytes()
    assert not list(assignment.rglob("*hidden*")), "nothing under source/ may hold hidden tests"


@pytest.mark.parametrize("topic", TOPICS)
def test_notebook_is_valid_and_follows_the_catalogue(course, topic):
    nb = _notebook(course, topic)
    nbformat.validate(nb)
    MetadataValidator().validate_nb(nb)
    exercises = CAT.topic(topic).exercises
    answer_ids = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells
                  if c.metadata.get("nbgrader", {}).get("solution")]
    assert answer_ids == [build.solution_id(e) for e in exercises]
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]
    for exercise in exercises:
        # Under each answer, its ungraded check: Jupyter runs it, nbgrader's autograde skips it.
        tried = nb.cells[ids.index(build.solution_id(exercise)) + 1]
        assert tried.metadata["nbgrader"]["grade_id"] == build.try_id(exercise)
        assert not tried.metadata["nbgrader"]["grade"] and tried.metadata["nbgrader"]["locked"]
        assert set(tried.metadata["tags"]) == {build.RAISES_TAG, build.SKIP_TAG}
        assert tried.source.rstrip().endswith(f'check("{exercise.id}")') and "hidden" not in tried.source
    graded = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert [c.metadata["nbgrader"]["grade_id"] for c in graded] == [build.tests_id(e) for e in exercises]
    # Every graded cell runs after every answer: an answer may use a function defined below it.
    last_answer = max(ids.index(build.solution_id(e)) for e in exercises)
    assert min(ids.index(build.tests_id(e)) for e in exercises) > last_answer
    for exercise, cell in zip(exercises, graded):
        meta = cell.metadata["nbgrader"]
        assert meta["points"] == exercise.points and meta["locked"] and not meta["solution"]
        assert build.RAISES_TAG in cell.metadata["tags"]
        visible, _, rest = cell.source.partition(build.BEGIN_HIDDEN)
        assert f'check("{exercise.id}")' in visible and "hidden=True" not in visible
        hidden, _, after = rest.partition(build.END_HIDDEN)
        assert hidden.strip() == f'check("{exercise.id}", hidden=True)' and after.strip() == ""
    assert sum(c.metadata["nbgrader"]["points"] for c in graded) == CAT.topic(topic).points
    assert CAT.topic(topic).title["en"] in nb.cells[0].source


@pytest.mark.parametrize("topic", TOPICS)
def test_setup_cell_quiets_tensorflow_before_anything_else(course, topic):
    nb = _notebook(course, topic)
    first_code = next(c for c in nb.cells if c.cell_type == "code")
    assert first_code.metadata["nbgrader"]["grade_id"] == build.setup_id(topic)
    assert first_code.metadata["nbgrader"]["locked"]
    tree = ast.parse(first_code.source)
    assigned, imports_before = {}, []
    for node in tree.body:
        if isinstance(node, ast.Assign):
            key = node.targets[0].slice.value
            assigned[key] = node.value.value
        elif isinstance(node, (ast.Import, ast.ImportFrom)) and not assigned:
            imports_before.append(ast.unparse(node))
    assert assigned == quiet.QUIET_ENV
    assert imports_before == ["import os"], "only `os` may be imported before the variables are set"


@pytest.mark.parametrize("topic", TOPICS)
def test_answer_cells_are_the_reference(course, topic, tmp_path):
    [module_path] = extract.write_modules([course.notebooks[topic]], tmp_path)
    assert module_path.name == f"{topic}.py"
    got = ast.parse(module_path.read_text(encoding="utf-8"))
    ref = ast.parse(topic_paths(topic, ROOT).reference.read_text(encoding="utf-8"))
    public = {e.function for e in CAT.topic(topic).exercises}
    got_fns, ref_fns = _functions(got), _functions(ref)
    for name in public:
        assert ast.dump(got_fns[name]) == ast.dump(ref_fns[name]), f"{topic}.{name} differs from the reference"
    assert _private_statements(got, public) == _private_statements(ref, public), "helpers differ"
    # The pieces also work in their notebook order: the module loads and has every exercise.
    module = target.load_module_file(module_path, topic)
    assert all(callable(getattr(module, name)) for name in public)


def _normalized_stub(fn: ast.FunctionDef) -> str:
    text = ast.dump(fn)
    return text.replace(ast.dump(ast.parse("raise NotImplementedError()").body[0]),
                        ast.dump(ast.parse("raise NotImplementedError").body[0]))


@pytest.mark.parametrize("topic", TOPICS)
def test_released_answer_cells_are_the_stubs(course, topic):
    released = _released(_notebook(course, topic))
    stub_fns = _functions(ast.parse(topic_paths(topic, ROOT).stub.read_text(encoding="utf-8")))
    cells = _by_id(released)
    for exercise in CAT.topic(topic).exercises:
        tree = ast.parse(cells[build.solution_id(exercise)].source)
        assert [type(n) for n in tree.body] == [ast.FunctionDef], f"{exercise.id}: the release leaks helpers"
        assert _normalized_stub(tree.body[0]) == _normalized_stub(stub_fns[exercise.function]), exercise.id
        assert "hidden=True" not in cells[build.tests_id(exercise)].source
        assert cells[build.tests_id(exercise)].source.rstrip().endswith(f'check("{exercise.id}")')
    imports = cells.get(build.imports_id(topic))
    stub_text = topic_paths(topic, ROOT).stub.read_text(encoding="utf-8")
    if imports is not None:
        for line in imports.source.splitlines():
            assert line in stub_text


def test_extract_takes_only_answer_cells(course, tmp_path):
    """A notebook's other cells (tests, set-up, cells a student adds) never reach the judge."""
    topic = TOPICS[0]
    nb = pipeline.read_notebook(course.notebooks[topic])
    nb["cells"].append({"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                        "source": "STUDENT_ADDED = 1\n"})
    for cell in nb["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade"):
            cell["source"] = "check = None  # tampered test cell\n"
    path = tmp_path / "in" / f"{topic}.ipynb"
    pipeline.write_notebook(nb, path)
    [module] = extract.write_modules([path], tmp_path / "out")
    text = module.read_text(encoding="utf-8")
    assert "STUDENT_ADDED" not in text and "tampered" not in text and "keraskit.nbgrader.checks" not in text


def test_extract_errors_name_the_argument_and_pick_the_named_copy(course, tmp_path):
    topic = TOPICS[0]
    bad = tmp_path / "bad.ipynb"
    bad.write_text("not json", encoding="utf-8")
    with pytest.raises(extract.NotebookError, match="notebooks"):
        extract.write_modules([bad], tmp_path / "out")
    # A scratch notebook and a "-Copy1" next to the real one: the real one is graded.
    copy = tmp_path / f"{topic}-Copy1.ipynb"
    stub = pipeline.read_notebook(course.notebooks[topic])
    pipeline.write_notebook(pipeline.fill_answers(_released(stub), stub, []), copy)
    real = tmp_path / f"{topic}.ipynb"
    real.write_bytes(course.notebooks[topic].read_bytes())
    [module] = extract.write_modules([bad, copy, real], tmp_path / "out")
    assert "NotImplementedError" not in module.read_text(encoding="utf-8")
    twin = tmp_path / "twin.ipynb"
    twin.write_bytes(copy.read_bytes())
    with pytest.raises(extract.NotebookError, match=f"keep one, named {topic}.ipynb"):
        extract.write_modules([copy, twin], tmp_path / "out2")


def test_check_reports_pass_fail_and_never_passes_without_tests(course, tmp_path, capsys):
    topic = TOPICS[0]
    exercise = CAT.topic(topic).exercises[0]
    ref = target.load_module_file(topic_paths(topic, ROOT).reference, topic)
    start = course.root / "source" / topic
    result = checks.run_checks(exercise.id, checks.visible_tests(topic, start), vars(ref))
    passed, text = checks.report(exercise.id, result, hidden=False)
    assert passed and text.startswith(f"PASS {exercise.id}: ")

    def wrong(*args, **kwargs):
        return 42

    result = checks.run_checks(exercise.id, checks.visible_tests(topic, start), {**vars(ref), exercise.function: wrong})
    passed, text = checks.report(exercise.id, result, hidden=False)
    assert not passed and text.startswith(f"FAIL {exercise.id}: ")
    empty = tmp_path / f"test_{topic}.py"
    empty.write_text("def test_nothing():\n    pass\n", encoding="utf-8")
    passed, text = checks.report(exercise.id, checks.run_checks(exercise.id, empty, vars(ref)), hidden=False)
    assert not passed and "no visible check ran" in text
    hidden = checks.hidden_tests(topic, start / "tests")  # found by walking up to the course root
    assert hidden == course.root / "hidden_tests" / f"test_{topic}.py"
    with pytest.raises(checks.ChecksUnavailable):
        checks.hidden_tests(topic, tmp_path)


def _test_names(result) -> set[str]:
    return {t.nodeid.rpartition("::")[2].partition("[")[0] for t in result.tests}


def _defined_tests(path: Path) -> set[str]:
    return {n.name for n in ast.parse(path.read_text(encoding="utf-8")).body if isinstance(n, ast.FunctionDef)}


def test_visible_and_hidden_runs_never_mix_up_their_same_named_files(course):
    """Both files are test_<topic>.py: each run must execute its own file's tests, in any order."""
    topic = TOPICS[0]
    exercise = CAT.topic(topic).exercises[0]
    ref = target.load_module_file(topic_paths(topic, ROOT).reference, topic)
    start = course.root / "source" / topic
    visible, hidden = checks.visible_tests(topic, start), checks.hidden_tests(topic, start)
    for path in (visible, hidden, visible, hidden):
        result = checks.run_checks(exercise.id, path, vars(ref))
        assert result.tests and _test_names(result) <= _defined_tests(path), path
        assert all(t.outcome == "passed" for t in result.tests)


def test_cli_builds_and_refuses_to_overwrite(tmp_path, capsys):
    topic = TOPICS[0]
    assert cli.main(["nbgrader", "build", str(tmp_path / "c"), "--topic", topic]) == 0
    assert (tmp_path / "c" / "source" / topic / f"{topic}.ipynb").is_file()
    assert cli.main(["nbgrader", "build", str(tmp_path / "c"), "--topic", topic]) == 2
    assert "--force" in capsys.readouterr().err
    assert cli.main(["nbgrader", "build", str(tmp_path / "d"), "--topic", "nonsense"]) == 2
    assert "--topic: not in the catalogue" in capsys.readouterr().err
    out = tmp_path / "modules"
    assert cli.main(["nbgrader", "extract", str(tmp_path / "c" / "source" / topic / f"{topic}.ipynb"),
                     "--out", str(out)]) == 0
    assert (out / f"{topic}.py").is_file()


def test_the_english_intro_has_no_chinese_line_and_says_the_kernel_needs_keraskit(course):
    import re
    for topic in TOPICS:
        intro = _notebook(course, topic).cells[0].source
        assert not re.search(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]", intro), f"{topic}: {intro}"
        assert "kernel whose Python has keraskit installed" in intro, topic
        assert "the standard library and keraskit" in intro, f"{topic}: the import rule, from the docstring"
