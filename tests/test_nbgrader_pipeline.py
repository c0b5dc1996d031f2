"""The real nbgrader pipeline on a generated course, and the released notebooks in a fresh kernel.

build -> nbgrader generate_assignment -> submissions (reference answers, the untouched release,
the first half of the answers, and a notebook that cheats inside its kernel) -> nbgrader
autograde -> nbgrader export. Two topics keep it short: `tensors` (numpy answers, Keras as the
hidden oracle) and `models` (the notebook itself imports Keras and builds models).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from keraskit import catalogue
from keraskit.nbgrader import build
from kitdev import nbgrader_pipeline as pipeline

# A real nbgrader course executed end to end (every topic's notebooks, Keras included): the slow tier.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
CAT = catalogue.load()
PIPELINE_TOPICS = ("tensors", "models")
HALF_TOPIC = "tensors"
# Rebinds the checker the set-up cell imported: every later test cell then "passes" in-kernel.
TRICK = '\n\ncheck = lambda *args, **kwargs: print("PASS")  # noqa: E731\n'
# A correct `standardize` built from the two exercises answered in the cells below it: fine in
# a module, and it must be fine in a notebook too (its graded cell runs after every answer).
CALLS_LATER = "tensors.standardize"
ANSWERED_BELOW = ("tensors.fit_standardizer", "tensors.apply_standardizer")
CALLS_LATER_SOURCE = '''\
def standardize(x):
    """Standardize each column, with the statistics of fit_standardizer (defined below)."""
    x = np.asarray(x, dtype=float)
    if x.ndim not in (1, 2):
        raise ValueError(f"x must be 1-d or 2-d, got {x.ndim} axes")
    columns = x.reshape(len(x), -1)
    scaled = apply_standardizer(columns, *fit_standardizer(columns))
    scaled[:, columns.max(axis=0) == columns.min(axis=0)] = 0.0
    return scaled.reshape(x.shape)
'''


def _expected_points(exercises) -> float:
    return float(sum(e.points for e in exercises))


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    work = tmp_path_factory.mktemp("nbgrader")
    env = pipeline.isolated_env(work / "jupyter")
    root = work / "course"
    built = build.build_course(root, topics=list(PIPELINE_TOPICS), lang="en")
    assert set(built.notebooks) == set(PIPELINE_TOPICS)
    expected: dict[tuple[str, str], float] = {}
    # One nbgrader call per step for every assignment ("*"): each call starts slowly.
    pipeline.nbgrader(root, "generate_assignment", "*", "--force", env=env)
    for topic in PIPELINE_TOPICS:
        exercises = CAT.topic(topic).exercises
        pipeline.make_submission(root, "solution", topic, exercises)
        expected["solution", topic] = _expected_points(exercises)
        pipeline.make_submission(root, "stub", topic, [])
        expected["stub", topic] = 0.0
    half = pipeline.first_half(HALF_TOPIC)
    pipeline.make_submission(root, "half", HALF_TOPIC, half)
    expected["half", HALF_TOPIC] = _expected_points(half)
    trick_path = pipeline.make_submission(root, "trick", HALF_TOPIC, half[:1])
    nb = pipeline.read_notebook(trick_path)
    first = _cell(nb, build.solution_id(half[0]))
    first["source"] = "".join(first["source"]) + TRICK
    pipeline.write_notebook(nb, trick_path)
    # The full solution of HALF_TOPIC answers one exercise with functions answered below it,
    # redefined at the end of its cell (the reference helpers that ride in that cell stay).
    solution_path = root / "submitted" / "solution" / HALF_TOPIC / f"{HALF_TOPIC}.ipynb"
    nb = pipeline.read_notebook(solution_path)
    answer = _cell(nb, build.solution_id(CAT.exercise(CALLS_LATER)))
    answer["source"] = "".join(answer["source"]) + "\n\n\n" + CALLS_LATER_SOURCE
    pipeline.write_notebook(nb, solution_path)
    pipeline.nbgrader(root, "autograde", "*", "--create", "--force", env=env)
    pipeline.nbgrader(root, "export", "--to", "grades.csv", env=env)
    return {"root": root, "env": env, "expected": expected, "grades": pipeline.read_grades(root / "grades.csv"),
            "half": half}


def _cell(nb: dict, grade_id: str) -> dict:
    return next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == grade_id)


def _autograded(course, student: str, topic: str) -> dict:
    return pipeline.read_notebook(course["root"] / "autograded" / student / topic / f"{topic}.ipynb")


def _grade_cells(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade")]


def _text(cell: dict, stream: str = "stdout") -> str:
    return "".join("".join(o.get("text", "")) for o in cell.get("outputs", [])
                   if o.get("output_type") == "stream" and o.get("name") == stream)


def test_scores_are_full_zero_and_exact_share(course):
    grades = course["grades"]
    for (student, topic), points in course["expected"].items():
        score, max_score = grades[student, topic]
        assert max_score == CAT.topic(topic).points, f"{topic}: nbgrader's maximum is not the catalogue's"
        assert score == points, f"{student} on {topic}: nbgrader gave {score}, expected {points}"
    assert 0 < course["expected"]["half", HALF_TOPIC] < CAT.topic(HALF_TOPIC).points


def test_an_answer_may_call_functions_answered_further_down(course):
    """As in a module: the graded cells run after every answer, so the full solution whose
    `standardize` calls two functions answered below it still gets every point."""
    answered = CAT.exercise(CALLS_LATER)
    nb = _autograded(course, "solution", HALF_TOPIC)
    position = {c["metadata"].get("nbgrader", {}).get("grade_id"): i for i, c in enumerate(nb["cells"])}
    for below in ANSWERED_BELOW:
        assert position[build.solution_id(answered)] < position[build.solution_id(CAT.exercise(below))]
    graded = _cell(nb, build.tests_id(answered))
    assert _text(graded).startswith(f"PASS {CALLS_LATER}: ") and "hidden checks pass" in _text(graded)
    assert CALLS_LATER_SOURCE in "".join(_cell(nb, build.solution_id(answered))["source"])
    assert course["grades"]["solution", HALF_TOPIC] == (CAT.topic(HALF_TOPIC).points,) * 2
    # nbgrader never ran the ungraded check under the answer (it is rerun by the graded cell).
    assert _cell(nb, build.try_id(answered))["outputs"] == []


def test_graded_cells_write_nothing_to_stderr_although_tensorflow_ran(course):
    """A correct answer must not lose points to TensorFlow's log lines."""
    for topic in PIPELINE_TOPICS:
        nb = _autograded(course, "solution", topic)
        for cell in _grade_cells(nb):
            grade_id = cell["metadata"]["nbgrader"]["grade_id"]
            assert _text(cell, "stderr") == "", f"{grade_id} wrote to stderr"
            # Both the visible and the hidden checks ran (hidden ones compare with live Keras).
            assert "visible checks pass" in _text(cell) and "hidden checks pass" in _text(cell), grade_id
    models = pipeline.read_notebook(course["root"] / "source" / "models" / "models.ipynb")
    imports = _cell(models, build.imports_id("models"))
    assert "import keras" in "".join(imports["source"]), "the models notebook should import Keras in its kernel"


def test_a_stub_fails_in_plain_words(course):
    nb = _autograded(course, "stub", HALF_TOPIC)
    for cell in _grade_cells(nb):
        errors = [o for o in cell["outputs"] if o["output_type"] == "error"]
        assert len(errors) == 1 and errors[0]["ename"] == "CheckFailed"
        assert "NotImplementedError" in errors[0]["evalue"]
        # The error shows the report, not a Python traceback.
        assert errors[0]["traceback"] == errors[0]["evalue"].splitlines()


def test_nbgrader_rewards_an_in_kernel_trick_which_is_why_the_judge_exists(course):
    """nbgrader runs the tests in the student's kernel: rebinding `check` passes every later cell.

    The isolated judge reads only the answer cells (tests/test_nbgrader_judge.py gives this
    notebook 1 exercise's points); nbgrader gives it everything.
    """
    score, max_score = course["grades"]["trick", HALF_TOPIC]
    assert score == max_score


def _execute(nb_path: Path, env: dict, monkeypatch):
    """Run a notebook top to bottom in a fresh kernel, as "Run All" would; return it."""
    import nbformat
    from nbclient import NotebookClient

    for key in ("JUPYTER_DATA_DIR", "JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        monkeypatch.setenv(key, env[key])  # the kernelspec lookup happens in this process
    nb = nbformat.read(str(nb_path), as_version=4)
    # allow_errors stays False: only cells tagged raises-exception (the test cells) may fail.
    # No tag is skipped, as in Jupyter's "Run All" (nbclient would skip the try cells).
    client = NotebookClient(nb, timeout=600, kernel_name="python3", skip_cells_with_tag="",
                            resources={"metadata": {"path": str(nb_path.parent)}})
    client.execute(env=env)
    return nb


def test_released_notebooks_run_top_to_bottom_for_self_study(course, monkeypatch, tmp_path):
    import shutil

    root = course["root"]
    release = root / "release" / HALF_TOPIC
    assert (release / "tests" / f"test_{HALF_TOPIC}.py").is_file()
    assert not list(release.rglob("*hidden*")), "hidden tests must never be released"
    # A student's copy: the release folder alone, away from the course (no hidden tests above it).
    student = tmp_path / "student"
    shutil.copytree(release, student)
    source = pipeline.read_notebook(root / "source" / HALF_TOPIC / f"{HALF_TOPIC}.ipynb")
    stub_nb = student / f"{HALF_TOPIC}.ipynb"
    solved_nb = student / "solved.ipynb"
    pipeline.write_notebook(pipeline.fill_answers(pipeline.read_notebook(stub_nb), source,
                                                  CAT.topic(HALF_TOPIC).exercises), solved_nb)
    released_text = stub_nb.read_text(encoding="utf-8")
    assert "HIDDEN" not in released_text and "BEGIN SOLUTION" not in released_text

    stub = _execute(stub_nb, course["env"], monkeypatch)
    solved = _execute(solved_nb, course["env"], monkeypatch)
    for exercise, stub_cell, solved_cell in zip(CAT.topic(HALF_TOPIC).exercises, _grade_cells(stub),
                                                _grade_cells(solved)):
        assert stub_cell["metadata"]["nbgrader"]["grade_id"] == build.tests_id(exercise)
        # Jupyter runs the ungraded check under each answer too (only nbclient's graders skip it).
        assert _text(_cell(solved, build.try_id(exercise))).startswith(f"PASS {exercise.id}: ")
        [error] = [o for o in _cell(stub, build.try_id(exercise))["outputs"] if o["output_type"] == "error"]
        assert error["evalue"].startswith(f"not started: {exercise.id}")
        [error] = [o for o in stub_cell["outputs"] if o["output_type"] == "error"]
        assert error["evalue"].startswith(f"not started: {exercise.id}")
        assert not [o for o in solved_cell["outputs"] if o["output_type"] == "error"]
        assert _text(solved_cell).startswith(f"PASS {exercise.id}: ")
        assert "hidden" not in _text(solved_cell)


def test_without_the_setup_cell_tensorflow_would_zero_a_graded_cell(course, monkeypatch):
    """The hazard is real here: scored by nbgrader's own rule, TensorFlow's import costs the
    points unless the course's set-up cell ran first."""
    import nbformat
    from nbgrader.utils import determine_grade

    setup = build.setup_cell_source("en").replace("from keraskit.nbgrader.checks import check", "")
    graded = {"nbgrader": {"grade": True, "solution": False, "locked": True, "points": 1,
                           "grade_id": "probe", "schema_version": 3}}

    def score(cells: list[str]) -> float:
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in cells[:-1]] + [
            nbformat.v4.new_code_cell(cells[-1], metadata=graded)], metadata={"kernelspec": build.KERNELSPEC})
        path = course["root"] / "probe.ipynb"
        nbformat.write(nb, str(path))
        ran = _execute(path, course["env"], monkeypatch)
        return determine_grade(nbformat.from_dict(ran["cells"][-1]))[0]

    probe = "import tensorflow as tf\nprint(float(tf.reduce_sum(tf.ones((2, 2)))))"
    assert score([probe]) == 0, "TensorFlow printed nothing: this probe no longer shows the hazard"
    assert score([setup, probe]) == 1
