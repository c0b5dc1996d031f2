"""The class the grading benchmarks grade: different full submissions, as folders or notebooks.

A benchmark of "N submissions" must not grade N copies of the reference: a copy exercises
neither the failing paths nor the time-outs. ``class_mix(n)`` deals, in a fixed order,

- the fairness corpus ``grading/class/<style>/`` (complete, correct, six styles),
- wrong variants from ``grading/mutants/`` (the reference with one function replaced, built
  as :mod:`kitdev.mutation` builds it), taken in turn from each topic,
- the stubs of ``exercises/`` (nothing solved),
- exactly one hanging submission: the reference whose ``HANGING`` function never returns,

so the first few already mix every kind (a quick ``n=3`` run leaves the hanging one out; it
comes fourth). ``write_folders`` lays them out for ``keraskit autograde``; ``write_notebooks``
turns each module into the topic's released notebook with the student's code in the answer
cells, for ``nbgrader autograde``. ``grade_with_keraskit`` runs the real CLI on either layout.
"""

from __future__ import annotations

import ast
import copy
import csv
import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from keraskit import catalogue, quiet

quiet.silence_tensorflow()  # the mutant files import Keras

ROOT = Path(__file__).resolve().parents[1]
# The kit's development helpers (kitdev: mutants, the nbgrader driver) live with the tests, outside
# the shipped package; every benchmark imports this module before them, so they find them too.
KITDEV_PARENT = ROOT / "tests" / "support"
if str(KITDEV_PARENT) not in sys.path:
    sys.path.insert(0, str(KITDEV_PARENT))
CLASS_DIR = ROOT / "grading" / "class"
MUTANTS_DIR = ROOT / "grading" / "mutants"
REFERENCE_DIR = ROOT / "solutions"
STUBS_DIR = ROOT / "exercises"
# A numpy topic's function: nbgrader waits a whole cell time-out on it, the judge one call limit.
HANGING = "tensors.normalize"


@dataclass(frozen=True)
class Submission:
    name: str                 # the student's folder name
    kind: str                 # "class", "wrong", "stubs" or "hanging"
    description: str
    modules: dict[str, str] = field(repr=False)  # topic -> the module's source
    full_marks: bool          # whether a fair grader gives it every point

    def label(self) -> str:
        return f"{self.name}: {self.description}"


def _topics() -> list[str]:
    return list(catalogue.load().topic_ids)


def _modules_of(folder: Path) -> dict[str, str]:
    return {t: (folder / f"{t}.py").read_text(encoding="utf-8") for t in _topics()}


def _class_corpus() -> list[Submission]:
    styles = sorted(p for p in CLASS_DIR.iterdir() if p.is_dir())
    return [Submission(f"class-{p.name}", "class", f"fairness corpus, {p.name} style", _modules_of(p), True)
            for p in styles]


def _wrong_variants() -> list[Submission]:
    """Every wrong variant, dealt one topic at a time so that consecutive ones differ in topic."""
    from kitdev import mutation  # found through KITDEV_PARENT, set above

    per_topic = [[v for v in mutation.load_variants(MUTANTS_DIR / f"{t}.py") if v.kind == mutation.WRONG]
                 for t in _topics() if (MUTANTS_DIR / f"{t}.py").is_file()]
    dealt = []
    for rank in range(max(map(len, per_topic), default=0)):
        dealt += [variants[rank] for variants in per_topic if rank < len(variants)]
    reference = _modules_of(REFERENCE_DIR)
    subs = []
    for number, variant in enumerate(dealt):
        modules = dict(reference)
        # The same file mutation.write_variant writes: the reference with the function redefined.
        modules[variant.module] = (f"{reference[variant.module]}\n\n# --- variant: {variant.description}\n"
                                   f"{variant.source}")
        subs.append(Submission(f"wrong-{number:02d}-{variant.module}", "wrong",
                               f"{variant.exercise} wrong: {variant.description}", modules, False))
    return subs


def _stubs() -> Submission:
    return Submission("stubs", "stubs", "the untouched stubs", _modules_of(STUBS_DIR), False)


def _hanging() -> Submission:
    module, _, function = HANGING.partition(".")
    modules = _modules_of(REFERENCE_DIR)
    tree = ast.parse(modules[module])
    node = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == function)
    # Same signature as the reference, so only the hang tells it apart.
    modules[module] += (f"\n\n# --- never returns\ndef {function}({ast.unparse(node.args)}):\n"
                        f"    import time\n    while True:\n        time.sleep(1)\n")
    return Submission(f"hanging-{module}", "hanging", f"{HANGING} never returns", modules, False)


def class_mix(n: int) -> list[Submission]:
    """``n`` different full submissions (all topics each): see the module docstring for the mix."""
    if n < 1:
        raise ValueError(f"n: must be at least 1, got {n}")
    corpus, wrong = _class_corpus(), _wrong_variants()
    head = [corpus.pop(0), wrong.pop(0), _stubs(), _hanging()]
    tail = []
    while corpus or wrong:  # the rest of the corpus interleaved with wrong variants
        tail += [corpus.pop(0)] if corpus else []
        tail += [wrong.pop(0)] if wrong else []
    chosen = (head + tail)[:n]
    if len(chosen) < n:
        raise ValueError(f"n: only {len(chosen)} different submissions exist, asked for {n}")
    return chosen


def describe(subs: list[Submission]) -> str:
    counts = {}
    for s in subs:
        counts[s.kind] = counts.get(s.kind, 0) + 1
    return ", ".join(f"{count} {kind}" for kind, count in counts.items())


def write_folders(subs: list[Submission], folder: Path) -> Path:
    """``folder/<student>/<topic>.py`` for each submission."""
    for sub in subs:
        (folder / sub.name).mkdir(parents=True)
        for topic, source in sub.modules.items():
            (folder / sub.name / f"{topic}.py").write_text(source, encoding="utf-8")
    return folder


# ---------------------------------------------------------------- notebooks

def answer_cells(module_source: str, topic_id: str) -> dict[str, str]:
    """The answer cell of each exercise of ``topic_id`` holding the student's module.

    Each exercise's cell gets the function's last definition (a variant redefines it at the
    end of the file); every other top-level statement (imports, constants, helpers) goes, in
    file order, at the top of the first cell, so it runs before any test cell needs it. The
    module docstring is dropped (the notebook's explanation takes its place).
    """
    # the notebook builder's own cut of a module, comments above a statement included
    from keraskit.nbgrader.source import _is_docstring, _is_function, _segments

    functions = [e.function for e in catalogue.load().topic(topic_id).exercises]
    tree = ast.parse(module_source)
    definitions: dict[str, str] = {}
    shared: list[str] = []
    for node, source in _segments(module_source, tree):
        if _is_function(node) and node.name in functions:
            definitions[node.name] = source
        elif not _is_docstring(node):
            shared.append(source)
    cells = {f: definitions.get(f, "") for f in functions}
    cells[functions[0]] = "\n\n\n".join(shared + [cells[functions[0]]])
    return cells


def write_notebooks(subs: list[Submission], course_dir: Path, topics: list[str]) -> None:
    """``course_dir/submitted/<student>/<topic>/<topic>.ipynb`` from each released notebook.

    The stubs hand in the released notebook untouched, as a student who changed nothing would.
    """
    from keraskit.nbgrader.build import solution_id
    from kitdev import nbgrader_pipeline as pipeline

    cat = catalogue.load()
    for topic in topics:
        released = pipeline.read_notebook(course_dir / "release" / topic / f"{topic}.ipynb")
        ids = {solution_id(e): e.function for e in cat.topic(topic).exercises}
        for sub in subs:
            nb = released if sub.kind == "stubs" else _filled(released, ids, answer_cells(sub.modules[topic], topic))
            pipeline.write_notebook(nb, course_dir / "submitted" / sub.name / topic / f"{topic}.ipynb")


def _filled(released: dict, ids: dict[str, str], cells: dict[str, str]) -> dict:
    nb = copy.deepcopy(released)
    for cell in nb["cells"]:
        grade_id = ((cell.get("metadata") or {}).get("nbgrader") or {}).get("grade_id")
        if grade_id in ids:
            cell["source"] = cells[ids[grade_id]]
    return nb


# ---------------------------------------------------------------- keraskit autograde

class TreeMemory:
    """Peak memory of each child's process tree of ``root_pid``, sampled from /proc.

    ``keraskit autograde --jobs N`` starts N judge hosts; a host's tree is the whole grading
    job (host, forked judge child, worker server and its sandboxed children). Two sums per
    tree: PSS (shared pages split between the processes sharing them: what the job really
    adds) and RSS (shared pages counted in every process: an upper bound). A sample is taken
    every ``interval`` seconds, so a peak shorter than that can be missed.
    """

    def __init__(self, root_pid: int, interval: float = 0.25):
        self.root_pid, self.interval = root_pid, interval
        self.peak_pss: dict[int, int] = {}  # host pid -> bytes
        self.peak_rss: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    @staticmethod
    def _parents() -> dict[int, int]:
        parents = {}
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                try:
                    with open(f"/proc/{entry.name}/stat", "rb") as fh:
                        stat = fh.read()
                    # the command name may hold spaces and parentheses: split after the last ")"
                    parents[int(entry.name)] = int(stat[stat.rindex(b")") + 2:].split()[1])
                except (OSError, ValueError):
                    pass
        return parents

    @staticmethod
    def _memory(pid: int) -> tuple[int, int]:
        pss = rss = 0
        try:
            with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        pss = int(line.split()[1]) * 1024
                    elif line.startswith("Rss:"):
                        rss = int(line.split()[1]) * 1024
        except (OSError, ValueError):
            pass
        return pss, rss

    def sample(self) -> None:
        parents = self._parents()
        children: dict[int, list[int]] = {}
        for pid, parent in parents.items():
            children.setdefault(parent, []).append(pid)
        for host in children.get(self.root_pid, []):
            tree, todo = [], [host]
            while todo:
                pid = todo.pop()
                tree.append(pid)
                todo += children.get(pid, [])
            pss, rss = map(sum, zip(*(self._memory(pid) for pid in tree)))
            self.peak_pss[host] = max(self.peak_pss.get(host, 0), pss)
            self.peak_rss[host] = max(self.peak_rss.get(host, 0), rss)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()


@dataclass
class KeraskitRun:
    seconds: float
    scores: dict[str, float]      # student -> total score
    max_score: float
    student_seconds: dict[str, float]  # student -> the judge's own time on it (records' "seconds")
    records: dict[str, dict]      # student -> the grade record (records/<student>.json)
    memory: TreeMemory


def grade_with_keraskit(folder: Path, out: Path, *, jobs: int, exercises=()) -> KeraskitRun:
    """Time the real ``keraskit autograde FOLDER --jobs N`` (a fresh process), sampling its memory."""
    command = [sys.executable, "-m", "keraskit.cli", "autograde", str(folder), "--out", str(out),
               "--jobs", str(jobs), *(arg for e in exercises for arg in ("--exercise", e))]
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with TreeMemory(proc.pid) as memory:
        _, stderr = proc.communicate()
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"keraskit autograde exited with {proc.returncode}:\n{stderr[-3000:]}")
    scores, max_score = {}, 0.0
    with open(out / "grades.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            scores[row["student"]] = float(row["score"])
            max_score = max(max_score, float(row["max_score"]))
    records = {}
    for path in (out / "records").glob("*.json"):
        record = json.loads(path.read_text(encoding="utf-8"))
        records[record["student"]] = record
    student_seconds = {s: float(r.get("seconds", "nan")) for s, r in records.items()}
    return KeraskitRun(seconds, scores, max_score, student_seconds, records, memory)


def lost_points(record: dict, limit: int = 3) -> list[str]:
    """The first exercises a grade record gives no points, each with its first failure's message."""
    lines = [f"problem: {' '.join(str(p).split())[:110]}" for p in record.get("problems", [])]
    for row in record.get("exercises", []):
        if row["earned"] < row["points"]:
            failed = [t for t in row["tests"] if t["outcome"] != "passed"]
            message = " ".join(str(failed[0]["message"] if failed else row["status"]).split())
            lines.append(f"{row['id']}: {message[:110]}")
    return lines[:limit] + ([f"... and {len(lines) - limit} more"] if len(lines) > limit else [])
