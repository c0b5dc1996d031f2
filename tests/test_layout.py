"""keraskit.layout: the kit's root, every path of a topic, and where a submission's modules are found."""

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import keraskit
from keraskit import catalogue, layout
from keraskit.atomic import write_atomic
from keraskit.autograde import submissions
from keraskit.errors import CommandError

ROOT = Path(__file__).resolve().parents[1]
TOPICS = catalogue.load().topic_ids


# ------------------------------------------------------------------ the root and a topic's paths

def test_the_root_is_the_checkout_this_package_is_in():
    assert layout.ROOT == ROOT
    assert layout.ROOT == Path(keraskit.__file__).resolve().parent.parent
    assert layout.KIT.root == layout.ROOT


@pytest.mark.parametrize("topic", TOPICS)
def test_every_file_of_a_topic_is_where_the_checkout_keeps_it(topic):
    paths = layout.topic_paths(topic)
    assert paths.topic == topic
    assert paths.stub == ROOT / "exercises" / f"{topic}.py"
    assert paths.reference == ROOT / "solutions" / f"{topic}.py"
    assert paths.visible == ROOT / "exercises" / "tests" / f"test_{topic}.py"
    assert paths.hidden == ROOT / "grading" / "hidden" / f"test_{topic}.py"
    assert paths.variants == ROOT / "grading" / "mutants" / f"{topic}.py"
    assert paths.golden == ROOT / "exercises" / "tests" / "golden" / f"{topic}.json"
    for path in (paths.stub, paths.reference, paths.visible, paths.hidden, paths.variants):
        assert path.is_file(), f"{path} is missing from the checkout"


def test_golden_files_are_the_topic_paths_of_those_that_have_one():
    found = {p.name for p in (ROOT / "exercises" / "tests" / "golden").glob("*.json")}
    assert found, "the checkout has golden files"
    assert found == {layout.topic_paths(t).golden.name for t in TOPICS if layout.topic_paths(t).golden.is_file()}


def test_another_root_gives_the_same_paths_under_it(tmp_path):
    kit = layout.Layout(str(tmp_path))  # a string root is taken as a path
    assert kit.root == tmp_path
    assert kit.topic("losses").hidden == tmp_path / "grading" / "hidden" / "test_losses.py"
    assert layout.topic_paths("losses", tmp_path) == kit.topic("losses")
    assert (kit.exercises, kit.solutions, kit.visible_tests) == (
        tmp_path / "exercises", tmp_path / "solutions", tmp_path / "exercises" / "tests")


def test_suite_names_and_their_topics():
    assert layout.suite_name("tensors") == "test_tensors.py"
    assert layout.suite_topic("test_tensors.py") == "tensors"
    assert layout.suite_topic("tensors.py") is None
    assert layout.suite_topic("test_tensors.txt") is None


def test_graded_topics_are_those_with_a_hidden_suite_in_catalogue_order(tmp_path):
    for topic in ("models", "tensors"):
        (tmp_path / f"test_{topic}.py").write_text("")
    assert layout.graded_topics(tmp_path) == [t for t in TOPICS if t in ("models", "tensors")]
    assert layout.graded_topics(tmp_path, exercises=[catalogue.load().topic("models").exercises[0].id]) == ["models"]
    assert layout.graded_topics(tmp_path, topics=["losses", "tensors"]) == ["tensors"]
    assert layout.graded_topics(layout.KIT.hidden_tests) == list(TOPICS)


# ------------------------------------------------------------------ the working copy

def test_the_working_copy_is_found_from_a_folder_inside_it(tmp_path):
    (tmp_path / "exercises" / "tests").mkdir(parents=True)
    inner = tmp_path / "exercises" / "deep" / "er"
    inner.mkdir(parents=True)
    assert layout.find_project_root(inner) == tmp_path.resolve()


def test_outside_a_working_copy_the_error_names_the_folder(tmp_path):
    with pytest.raises(layout.NotAWorkingCopy) as caught:
        layout.find_project_root(tmp_path)
    assert isinstance(caught.value, CommandError)
    assert str(tmp_path.resolve()) in str(caught.value)


# ------------------------------------------------------------------ module discovery

def _files(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"WHERE = {name!r}\n")


def test_a_folder_module_is_the_shallowest_and_skipped_folders_are_never_searched(tmp_path):
    _files(tmp_path, "deep/er/tensors.py", "b/tensors.py", "a/tensors.py", "tests/losses.py", ".hidden/losses.py",
           "venv/lib/losses.py", "x/y/z/losses.py")
    found = layout.find_modules(tmp_path, ["tensors", "losses", "models"])
    assert found == {"tensors": tmp_path / "a" / "tensors.py", "losses": tmp_path / "x" / "y" / "z" / "losses.py"}
    assert layout.find_module_file(tmp_path, "tensors") == tmp_path / "a" / "tensors.py"
    assert layout.find_module_file(tmp_path, "models") is None
    _files(tmp_path, "tensors.py")
    assert layout.find_module_file(tmp_path, "tensors") == tmp_path / "tensors.py"


def test_shallowest_keeps_the_first_of_equally_deep_candidates():
    picked = layout.shallowest([("m", 3, "first"), ("m", 3, "second"), ("n", 2, "n"), ("m", 2, "shallow"),
                                ("m", 2, "later")])
    assert picked == {"m": "shallow", "n": "n"}


def test_an_archive_path_is_a_module_only_outside_skipped_folders():
    wanted = {"tensors"}
    assert layout.archive_module(("hw", "tensors.py"), wanted) == "tensors"
    assert layout.archive_module(("hw", "tests", "tensors.py"), wanted) is None
    assert layout.archive_module((".git", "tensors.py"), wanted) is None
    assert layout.archive_module(("hw", "losses.py"), wanted) is None
    assert layout.archive_module(("tensors.pyc",), wanted) is None
    assert layout.archive_module((), wanted) is None


def test_a_zip_module_is_the_shallowest_and_refused_entries_are_named(tmp_path):
    path = tmp_path / "alice.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("alice/hw/tensors.py", "WHERE = 'deep'\n")
        archive.writestr("alice/tensors.py", "WHERE = 'shallow'\n")
        archive.writestr("alice/losses.py", "WHERE = 'first'\n")
        archive.writestr("bob/losses.py", "WHERE = 'second'\n")
        archive.writestr("alice/tests/models.py", "WHERE = 'a test folder'\n")
        archive.writestr("alice/models.py", "#" * (submissions.MAX_MODULE_BYTES + 1))
    sources = submissions.read_sources(submissions.Submission("alice", path, "zip"), ["tensors", "losses", "models"])
    assert sources.files == {"tensors": b"WHERE = 'shallow'\n", "losses": b"WHERE = 'first'\n"}
    assert sources.where["tensors"] == "alice.zip:alice/tensors.py"
    assert sources.problems == [f"alice/models.py is larger than {submissions.MAX_MODULE_BYTES} bytes; not graded"]


def test_a_zip_module_after_a_packed_venv_of_twenty_thousand_entries_is_found(tmp_path):
    """A student zipped their whole project, .venv first: the module is still in the archive."""
    path = tmp_path / "erin.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for n in range(20_001):
            archive.writestr(f"project/.venv/lib/site-packages/pkg{n // 500}/m{n}.py", b"")
        archive.writestr("project/exercises/tensors.py", "WHERE = 'after the venv'\n")
    sources = submissions.read_sources(submissions.Submission("erin", path, "zip"), ["tensors"])
    assert sources.files == {"tensors": b"WHERE = 'after the venv'\n"} and sources.problems == []


def test_a_folder_submission_reads_the_shallowest_module_and_refuses_a_link(tmp_path):
    _files(tmp_path / "sub", "hw/tensors.py", "hw/deeper/tensors.py")
    (tmp_path / "elsewhere.py").write_text("SECRET = 1\n")
    os.symlink(tmp_path / "elsewhere.py", tmp_path / "sub" / "losses.py")
    sources = submissions.read_sources(submissions.Submission("s", tmp_path / "sub", "folder"), ["tensors", "losses"])
    assert sources.files == {"tensors": b"WHERE = 'hw/tensors.py'\n"}
    assert sources.where == {"tensors": "hw/tensors.py"}
    assert sources.problems == ["losses.py is a symbolic link or not a regular file; not graded"]


def _notebook(cells) -> dict:
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "metadata": {"nbgrader": meta}, "source": source, "outputs": [],
         "execution_count": None} for meta, source in cells]}


def test_a_notebook_submission_is_read_from_its_answer_cells(tmp_path):
    exercise = catalogue.load().topic("tensors").exercises[0]
    answer = f"def {exercise.function}(*args):\n    return 'answered'\n"
    notebook = tmp_path / "submitted" / "carol" / "tensors" / "tensors.ipynb"
    notebook.parent.mkdir(parents=True)
    notebook.write_text(json.dumps(_notebook([
        ({"solution": True, "grade_id": layout.solution_id(exercise)}, answer),
        ({"solution": True, "grade_id": "a-cell-the-student-added"}, "STOLEN = True\n"),
    ])))
    (notebook.parent / "link.ipynb").symlink_to(notebook)
    [found] = submissions.discover(tmp_path)
    assert found == submissions.Submission("carol", tmp_path / "submitted" / "carol", "notebooks", (notebook,))
    assert layout.submitted_notebooks(found.path) == (notebook,)
    sources = submissions.read_sources(found, ["tensors", "losses"])
    assert list(sources.files) == ["tensors"] and not sources.problems
    text = sources.files["tensors"].decode()
    assert answer.strip() in text and "STOLEN" not in text
    assert sources.where == {"tensors": "tensors.py"}


def test_a_broken_notebook_is_a_problem_of_that_submission(tmp_path):
    notebook = tmp_path / "dave.ipynb"
    notebook.write_text("{ not json")
    sources = submissions.read_sources(submissions.Submission("dave", notebook, "notebooks", (notebook,)), ["tensors"])
    assert sources.files == {}
    assert len(sources.problems) == 1 and sources.problems[0].startswith("the notebooks cannot be read")


# ------------------------------------------------------------------ the shared helpers

def test_an_atomic_write_replaces_the_file_and_a_failed_one_leaves_it(tmp_path):
    path = tmp_path / "new" / "record.json"
    write_atomic(path, "first ✓")
    assert path.read_text(encoding="utf-8") == "first ✓"
    write_atomic(path, b"second")
    assert path.read_bytes() == b"second"
    with pytest.raises(TypeError):
        write_atomic(path, 12345)  # fails after the temporary file was made
    assert path.read_bytes() == b"second"
    assert sorted(p.name for p in path.parent.iterdir()) == ["record.json"], "the temporary file was left"


def test_exercise_ids_split_into_topic_and_function():
    assert catalogue.split_id("tensors.normalize") == ("tensors", "normalize")
    assert catalogue.topic_of("tensors.normalize") == "tensors"
    assert catalogue.split_id("tensors") == ("tensors", "")
    for exercise in catalogue.load().exercises:
        assert catalogue.split_id(exercise.id) == (exercise.topic, exercise.function)


@pytest.mark.parametrize("module, not_imported", [
    ("keraskit.progress", "keraskit.commands"),
    ("keraskit.layout", "keraskit.commands"),
    ("keraskit.nbgrader.extract", "keraskit.nbgrader.build"),
    ("keraskit.autograde.submissions", "keraskit.nbgrader.build"),
])
def test_imports_run_one_way(module, not_imported):
    code = f"import sys, {module}; print({not_imported!r} in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False", f"importing {module} imports {not_imported}"
