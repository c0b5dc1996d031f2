"""Drive the real nbgrader on a keraskit course: environment, submissions, commands, grades.

Used by the kit's pipeline test and the benchmark, and handy for an instructor trying a course
before term: ``make_submission`` fills a released notebook with some or all of the reference
answers, so the expected score of every fake student is known in advance.
"""

from __future__ import annotations

import copy
import csv
import json
import os
import subprocess
import sys
from pathlib import Path

from keraskit import catalogue, quiet
from keraskit.nbgrader.build import solution_id


class NbgraderFailed(RuntimeError):
    """An nbgrader command exited with an error; the message holds the end of its output."""


def isolated_env(workdir: Path, base: dict | None = None, *, quiet_tf: bool = False) -> dict:
    """An environment for nbgrader and its kernels that touches nothing outside ``workdir``.

    - this Python's ``bin/`` goes first on PATH: nbgrader shells out to ``alembic`` and starts
      kernels with whatever ``python3`` kernelspec it finds;
    - Jupyter's data, config and runtime folders and IPython's folder live in ``workdir``, with a
      ``python3`` kernelspec for this interpreter, so a kernel in the user's home never wins;
    - TensorFlow's quiet variables are removed unless ``quiet_tf``: the course itself must keep
      TensorFlow off stderr, not the shell it happens to be graded from;
    - pytest's variables are removed (see below).
    """
    workdir = Path(workdir)
    env = dict(os.environ if base is None else base)
    bin_dir = str(Path(sys.executable).parent)
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    for var, sub in (("JUPYTER_DATA_DIR", "data"), ("JUPYTER_CONFIG_DIR", "config"),
                     ("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython")):
        env[var] = str(workdir / sub)
        (workdir / sub).mkdir(parents=True, exist_ok=True)
    env.pop("JUPYTER_PATH", None)
    kernel_dir = workdir / "data" / "kernels" / "python3"
    kernel_dir.mkdir(parents=True, exist_ok=True)
    (kernel_dir / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (keraskit)", "language": "python",
    }), encoding="utf-8")
    if not quiet_tf:
        for key in quiet.QUIET_ENV:
            env.pop(key, None)
    # ipykernel stops forwarding low-level (C++) output to the notebook when it sees it runs
    # under pytest; the kernels here must behave as in a real course, TensorFlow's logs included.
    for key in [k for k in env if k.startswith("PYTEST_")]:
        del env[key]
    return env


def nbgrader(course_dir: Path, *args: str, env: dict, timeout: float = 1800) -> str:
    """Run ``nbgrader ARGS`` in ``course_dir``; returns its output, raises NbgraderFailed on error."""
    command = [str(Path(sys.executable).parent / "nbgrader"), *args]
    proc = subprocess.run(command, cwd=course_dir, env=env, capture_output=True, text=True, timeout=timeout)
    output = proc.stdout + proc.stderr
    if proc.returncode != 0:
        tail = "\n".join(output.splitlines()[-40:])
        raise NbgraderFailed(f"`nbgrader {' '.join(args)}` exited with {proc.returncode}:\n{tail}")
    return output


def read_notebook(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def write_notebook(nb: dict, path: Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _grade_id(cell: dict) -> str | None:
    return ((cell.get("metadata") or {}).get("nbgrader") or {}).get("grade_id")


def release_in_process(source: dict) -> dict:
    """The released form of a source notebook, made by nbgrader's own preprocessors.

    The answers and hidden tests are removed exactly as ``nbgrader generate_assignment`` removes
    them, without its database; for checks and fake submissions that need no gradebook.
    """
    import nbformat
    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

    nb = nbformat.reads(json.dumps(source), as_version=4)
    resources: dict = {}
    nb, resources = ClearSolutions().preprocess(nb, resources)
    nb, resources = ClearHiddenTests().preprocess(nb, resources)
    return json.loads(json.dumps(nb))  # plain data, each source one string


def fill_answers(released: dict, source: dict, exercises) -> dict:
    """A copy of the released notebook with the reference answers of ``exercises`` filled in."""
    answers = {_grade_id(c): c["source"] for c in source["cells"] if c.get("cell_type") == "code"}
    wanted = {solution_id(e) for e in exercises}
    filled = copy.deepcopy(released)
    for cell in filled["cells"]:
        gid = _grade_id(cell)
        if gid in wanted:
            cell["source"] = answers[gid]
    return filled


def first_half(topic_id: str) -> list[catalogue.Exercise]:
    """The first half of a topic's exercises (rounded up), in catalogue order.

    The first ones, because a reference helper rides with the first exercise that uses it:
    filling a prefix of the cells never leaves a filled answer without its helpers.
    """
    exercises = catalogue.load().topic(topic_id).exercises
    return list(exercises[: (len(exercises) + 1) // 2])


def make_submission(course_dir: Path, student: str, topic_id: str, exercises) -> Path:
    """Put ``submitted/<student>/<topic>/<topic>.ipynb`` with the answers of ``exercises`` filled in."""
    course_dir = Path(course_dir)
    released = read_notebook(course_dir / "release" / topic_id / f"{topic_id}.ipynb")
    source = read_notebook(course_dir / "source" / topic_id / f"{topic_id}.ipynb")
    path = course_dir / "submitted" / student / topic_id / f"{topic_id}.ipynb"
    write_notebook(fill_answers(released, source, exercises), path)
    return path


def read_grades(csv_path: Path) -> dict[tuple[str, str], tuple[float, float]]:
    """(student, assignment) -> (score, max_score) from ``nbgrader export``'s CSV."""
    with open(csv_path, newline="", encoding="utf-8") as fh:
        return {(row["student_id"], row["assignment"]): (float(row["score"]), float(row["max_score"]))
                for row in csv.DictReader(fh)}
