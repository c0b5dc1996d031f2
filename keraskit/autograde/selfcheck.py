"""A self-check before grading: the grader proves, in the sandbox it will use, that it grades right.

With the reference present (an instructor checkout, ``solutions/``), ``grade`` and ``autograde``
first grade the reference there and refuse to grade anyone if it does not get full marks, naming
each exercise and the cause. Without it (the Gradescope bundle), a probe runs instead: a worker
child imports what student code and the hidden suites need (numpy's lazily imported stdlib
modules included) and computes a few Keras values that the judge computes as well; the judge's
oracle values must also match the known-good fingerprint written next to the kit when the bundle
was built, from a checkout whose reference had just passed.

A passing check is cached on disk, keyed by a hash of the kit, the hidden tests, the reference,
the sandbox mode and the library versions, so it is paid once, not once per run. Beside it, the
oracle memo of the reference's run (``keraskit.oracle``), keyed by ``oracle_key``: the judge
hosts of this run and of later runs install it instead of paying the oracle again.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

from keraskit import layout, outcome
from keraskit.atomic import write_atomic

REFERENCE_DIR = layout.KIT.solutions
FINGERPRINT_FILE = layout.ROOT / "selfcheck-fingerprint.json"
CACHE_ENV = "KERASKIT_CACHE_DIR"
REFERENCE_STUDENT = "reference-self-check"
DOCTOR_ADVICE = "Run `keraskit doctor` to see what the sandbox lacks."
# What a worker must import: the libraries, and the stdlib modules they (or students) load lazily.
PROBE_IMPORTS = ("numpy", "keras", "tensorflow", "secrets", "csv", "json", "math", "random", "statistics",
                 "collections", "itertools", "functools", "hashlib", "warnings")

# Run in the worker (as a submission module) and in the judge: both must get the same numbers.
PROBE_VALUES = '''
def probe_values():
    import numpy as np
    import keras
    x = np.linspace(-3.0, 3.0, 7)
    layer = keras.layers.Dense(3, kernel_initializer=keras.initializers.GlorotUniform(seed=7),
                               dtype="float64")
    y = np.array([[0.0, 1.0, 0.5], [1.0, 0.0, 0.25]])
    p = np.array([[0.1, 0.8, 0.4], [0.7, 0.2, 0.3]])
    return {
        "softmax": np.array(keras.ops.convert_to_numpy(keras.activations.softmax(x[None, :])), dtype=np.float64),
        "dense": np.array(keras.ops.convert_to_numpy(layer(x.reshape(1, 7))), dtype=np.float64),
        "bce": float(keras.ops.convert_to_numpy(keras.losses.BinaryCrossentropy()(y, p))),
        "rng": np.random.default_rng(123).normal(size=4),
    }
'''

PROBE_MODULE = '''
import importlib
import numpy as np


def probe(modules):
    """Import each module, seed numpy from the OS (its lazy imports), return the shared values."""
    for name in modules:
        importlib.import_module(name)
    np.random.default_rng()
    return probe_values()
''' + PROBE_VALUES


class SelfCheckFailed(Exception):
    """The grader cannot be trusted here; the text names what failed and why."""


def reference_present() -> bool:
    return REFERENCE_DIR.is_dir() and any(REFERENCE_DIR.glob("*.py"))


# ---------------------------------------------------------------- the cache

def cache_dir() -> Path:
    configured = os.environ.get(CACHE_ENV, "").strip()
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or str(Path.home() / ".cache")
    return Path(base) / "keraskit"


def _files_of(folder: Path, patterns=("*.py", "*.toml", "*.json", "*.csv", "*.npz", "*.txt")):
    for pattern in patterns:
        for path in sorted(folder.rglob(pattern)):
            if "__pycache__" not in path.parts and path.is_file():
                yield path


def _hash_folders(digest, folders) -> None:
    for label, folder in folders:
        for path in _files_of(folder) if folder.is_dir() else ():
            name = f"{label}/{path.relative_to(folder)}"
            digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")


def _versions() -> list[str]:
    from importlib import metadata
    versions = []
    for package in ("keras", "tensorflow", "numpy", "pytest"):
        try:
            versions.append(f"{package}={metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package}=-")
    return versions


def cache_key(mode: str, exercises=(), topics=None) -> str:
    """A hash of everything a verdict depends on: kit, hidden tests, reference, mode, versions."""
    digest = hashlib.sha256()
    _hash_folders(digest, (("kit", layout.ROOT / "keraskit"), ("hidden", layout.KIT.hidden_tests),
                           ("reference", REFERENCE_DIR)))
    context = {"mode": mode, "exercises": sorted(exercises), "topics": sorted(topics or []),
               "python": sys.version, "versions": _versions(), "reference": reference_present()}
    digest.update(json.dumps(context, sort_keys=True).encode())
    return digest.hexdigest()[:32]


def oracle_key() -> str:
    """A hash of what the oracle's answers depend on: the kit, the hidden tests and the versions
    (not the reference, the sandbox mode or the exercises graded)."""
    digest = hashlib.sha256()
    _hash_folders(digest, (("kit", layout.ROOT / "keraskit"), ("hidden", layout.KIT.hidden_tests)))
    digest.update(json.dumps({"python": sys.version, "versions": _versions()}).encode())
    return digest.hexdigest()[:32]


def passed_before(key: str) -> bool:
    return (cache_dir() / f"selfcheck-{key}.json").is_file()


def remember_pass(key: str, summary: dict) -> None:
    try:
        write_atomic(cache_dir() / f"selfcheck-{key}.json", json.dumps(summary, indent=2))
    except OSError:
        pass  # an unwritable cache only means the check runs again next time


def check(mode: str, grade_reference, run_probe, *, exercises=(), topics=None, on_cached=None) -> str:
    """The self-check itself, for one grader and every caller (``grade`` and ``autograde``):
    cached if it passed before for ``mode`` (the sandbox mode grading really uses, see
    ``sandbox.choose_mode``); else the reference is graded (``grade_reference(submission)`` ->
    its ``GradeRecord``s) or, without it, ``run_probe()`` -> {"problems": [...]}. Raises
    ``SelfCheckFailed`` naming the causes; returns "cached", "reference" or "probe".
    ``on_cached()`` runs when the pass is cached (a host then loads the saved oracle memo)."""
    key = cache_key(mode, exercises, topics)
    if passed_before(key):
        if on_cached is not None:
            on_cached()
        return "cached"
    if reference_present():
        records = grade_reference(reference_submission())
        problems = reference_problems(records)
        if problems:
            raise SelfCheckFailed(failure_message(problems, mode, records))
        summary = {"reference": f"{sum(r.score for r in records)}/{sum(r.max_score for r in records)}"}
    else:
        problems = run_probe().get("problems", [])
        if problems:
            raise SelfCheckFailed(probe_message(problems, mode))
        summary = {"probe": "passed"}
    remember_pass(key, {**summary, "mode": mode})
    return "reference" if "reference" in summary else "probe"


def save_oracle_memo(key: str, share: str, memo: dict) -> None:
    """The oracle memo of a reference run (``keraskit.oracle.export_memo``), for later runs and
    the other hosts: one file per share of topics, so that parallel hosts never write the same."""
    if not memo:
        return
    name = hashlib.sha256(share.encode()).hexdigest()[:12]
    try:
        write_atomic(cache_dir() / f"oracle-{key}-{name}.json", json.dumps(memo))
    except OSError:
        pass  # an unwritable cache only means later runs compute the oracle again


def oracle_memo_files(key: str) -> list[Path]:
    folder = cache_dir()
    return sorted(folder.glob(f"oracle-{key}-*.json")) if folder.is_dir() else []


def load_oracle_memo(path: Path) -> dict:
    """One saved memo; {} if it is unreadable (it is then recomputed, never trusted half-read)."""
    try:
        memo = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return memo if isinstance(memo, dict) else {}


def is_reference(submission) -> bool:
    return submission.student == REFERENCE_STUDENT and Path(submission.path).resolve() == REFERENCE_DIR.resolve()


# ---------------------------------------------------------------- the reference

def reference_submission():
    from keraskit.autograde import submissions
    return submissions.Submission(REFERENCE_STUDENT, REFERENCE_DIR, "folder")


def reference_problems(records) -> list[str]:
    """'exercise: test: cause' for each exercise the reference did not get full marks for, naming
    its first failing hidden test and that failure's head (``records``: its ``GradeRecord``s)."""
    problems = []
    for record in records:
        problems += [f"{REFERENCE_STUDENT}: {p}" for p in record.problems]
        for row in record.exercises:
            if row.earned < row.points:
                failing = [t for t in row.tests if t.outcome != outcome.TEST_PASSED]
                if not failing:
                    problems.append(f"{row.id}: no hidden test of it ran")
                    continue
                cause = failing[0].message or failing[0].outcome
                # the failure's head: its exercise, call, kind and first detail line (the cause)
                problems.append(f"{row.id}: {failing[0].name}: {' / '.join(cause.strip().splitlines()[:5])[:900]}")
    return problems


def failing_tests(records) -> list[tuple[str, str]]:
    """(topic, test name) of the first failing hidden test of each exercise the reference lost."""
    found = []
    for record in records:
        for row in record.exercises:
            failing = [t for t in row.tests if t.outcome != outcome.TEST_PASSED]
            if row.earned < row.points and failing:
                found.append((row.topic, failing[0].name))
    return found


def _refusal(headline: str, problems: list[str], advice: str = DOCTOR_ADVICE) -> str:
    """The one message both self-check failures print: why, then each problem, then where to look."""
    lines = [headline] + [f"  - {p}" for p in problems[:40]]
    lines.append(advice)
    return "\n".join(lines)


def _shown(path: Path) -> str:
    """``path`` relative to the checkout where it is inside it, as the instructor types it there."""
    path = Path(path)
    return str(path.relative_to(layout.ROOT)) if path.is_relative_to(layout.ROOT) else str(path)


def reference_advice(tests: list[tuple[str, str]], judge_failed: bool) -> str:
    """Where to look when the reference loses points: the hidden test that failed, or the reference.
    The sandbox is named only when grading itself failed (a judge error, not a failing test)."""
    if not tests:
        return DOCTOR_ADVICE
    topic, name = tests[0]
    base = name.split("[", 1)[0]
    hidden = layout.KIT.hidden_tests / layout.suite_name(topic)
    lines = [f"A hidden test or the reference is wrong: run `pytest {_shown(hidden)} --instructor -k {base}` "
             f"and fix that test or {_shown(REFERENCE_DIR / f'{topic}.py')}."]
    if judge_failed:
        lines.append(DOCTOR_ADVICE)
    return "\n".join(lines)


def failure_message(problems: list[str], mode: str, records=()) -> str:
    tests = failing_tests(records)
    judge_failed = any(record.problems for record in records)
    return _refusal(f"self-check failed: the reference does not get full marks in this sandbox ({mode} mode), "
                    "so no submission is graded. Exercises, failing tests and causes:", problems,
                    reference_advice(tests, judge_failed))


# ---------------------------------------------------------------- the probe (no reference)

def _judge_values() -> dict:
    namespace: dict = {}
    exec(compile(PROBE_VALUES, "<probe values>", "exec"), namespace)  # our own constant, not student code
    return namespace["probe_values"]()


def oracle_values() -> dict:
    """What the hidden suites compare against, on fixed inputs (keraskit.oracle, float64)."""
    import keras
    import numpy as np

    from keraskit import oracle
    x = np.linspace(-2.0, 2.0, 9)  # computed afresh (``uncached``): the check is of Keras here, not of a memo
    return {"sigmoid": oracle.call.uncached(keras.activations.sigmoid, x),
            "tanh_gradient": oracle.gradient.uncached(keras.activations.tanh, x),
            "softmax": oracle.call.uncached(keras.activations.softmax, x[None, :])}


def _mismatches(got: dict, want: dict, where: str) -> list[str]:
    import numpy as np
    problems = []
    for name, value in want.items():
        if name not in got:
            problems.append(f"{where}: {name} is missing")
        elif not np.allclose(np.asarray(got[name], dtype=float), np.asarray(value, dtype=float),
                             rtol=1e-9, atol=1e-12):
            problems.append(f"{where}: {name} differs ({got[name]!r} instead of {value!r})")
    return problems


def run_probe(server, limits) -> dict:
    """In a judge child: the worker imports and values, and the oracle values, checked."""
    from keraskit.autograde import judge
    session = judge.WorkerSession(server, {"selfcheck_probe": PROBE_MODULE.encode()}, limits)
    problems = []
    try:
        header, _ = session.request({"op": "load", "module": "selfcheck_probe"})
        if "error" in header or header.get("missing"):
            error = header.get("error", {})
            problems.append(f"the worker cannot load the probe: {error.get('type')}: {error.get('message')}")
        else:
            header, blobs = session.request({"op": "call", "module": "selfcheck_probe", "function": "probe"},
                                            {"args": [list(PROBE_IMPORTS)], "kwargs": {}})
            if "error" in header:
                error = header["error"]
                problems.append(f"the worker failed the probe: {error.get('type')}: {error.get('message')}")
            else:
                from keraskit.autograde import wire
                worker = wire.decode_values(header, blobs, ("result",)).get("result") or {}
                problems += _mismatches(worker, _judge_values(), "worker and judge disagree")
    except Exception as exc:  # noqa: BLE001 - a worker that cannot even answer is the finding
        problems.append(f"the worker did not answer the probe: {type(exc).__name__}: {exc}")
    finally:
        session.close()
    values = {k: v.tolist() for k, v in oracle_values().items()}
    if FINGERPRINT_FILE.is_file():
        known = json.loads(FINGERPRINT_FILE.read_text())
        problems += _mismatches(values, known.get("oracle", {}), "the oracle differs from the known-good "
                                f"fingerprint ({FINGERPRINT_FILE.name})")
    return {"problems": problems, "oracle": values}


def probe_message(problems: list[str], mode: str) -> str:
    return _refusal(f"self-check failed: this grader's worker or oracle is not the known-good one ({mode} mode), "
                    "so no submission is graded:", problems)
