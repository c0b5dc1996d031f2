"""Proof that a grading suite is strong: realistic wrong answers fail it, other right answers pass.

A mutant file (``grading/mutants/<module>.py``) defines functions with the exercise's name,
each decorated with ``@wrong(exercise_id, why)`` or ``@right(exercise_id, how)``. A variant is
graded as the reference module with that one function redefined at its end, so it may use the
module's imports and private helpers, exactly as a student's edit of the file would.
"""

from __future__ import annotations

import importlib.util
import inspect
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

WRONG = "wrong"
RIGHT = "right"


@dataclass(frozen=True)
class Variant:
    exercise: str
    kind: str  # WRONG or RIGHT
    description: str
    source: str  # the function definition, decorator removed

    @property
    def module(self) -> str:
        return self.exercise.partition(".")[0]

    @property
    def function(self) -> str:
        return self.exercise.partition(".")[2]

    def label(self) -> str:
        return f"{self.exercise} [{self.kind}] {self.description}"


_registry: list[Variant] | None = None


def _register(kind: str, exercise: str, description: str):
    def decorate(func):
        if _registry is None:
            raise RuntimeError("mutant files are loaded with keraskit.mutation.load_variants()")
        if func.__name__ != exercise.partition(".")[2]:
            raise ValueError(f"{kind} variant of {exercise} must be named {exercise.partition('.')[2]}, "
                             f"not {func.__name__}")
        _registry.append(Variant(exercise, kind, description, _definition_source(func)))
        return func
    return decorate


def wrong(exercise: str, why: str):
    """Mark a realistic wrong answer: the hidden suite must fail it."""
    return _register(WRONG, exercise, why)


def right(exercise: str, how: str):
    """Mark a correct answer written differently: the hidden suite must pass it."""
    return _register(RIGHT, exercise, how)


def _definition_source(func) -> str:
    lines = textwrap.dedent(inspect.getsource(func)).splitlines()
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("def "))
    return "\n".join(lines[start:]) + "\n"


def load_variants(path: Path) -> list[Variant]:
    """Every variant defined in one mutant file, in file order."""
    global _registry
    _registry = []
    try:
        spec = importlib.util.spec_from_file_location(f"_keraskit_mutants_{Path(path).stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return list(_registry)
    finally:
        _registry = None


def write_variant(variant: Variant, reference_dir: Path, out_dir: Path) -> Path:
    """Write the reference module with ``variant``'s function redefined, into ``out_dir``."""
    reference = (Path(reference_dir) / f"{variant.module}.py").read_text(encoding="utf-8")
    path = Path(out_dir) / f"{variant.module}.py"
    path.write_text(f"{reference}\n\n# --- variant: {variant.description}\n{variant.source}", encoding="utf-8")
    return path


def grade_variant(variant: Variant, reference_dir: Path, suite: Path, **run_options):
    """Run ``suite``'s tests of the variant's exercise against it; returns the runner's RunResult.

    A wrong variant stops at its first failing test: one failure is the whole proof.
    """
    from keraskit import runner

    stop_early = ("-x",) if variant.kind == WRONG else ()
    with tempfile.TemporaryDirectory(prefix="keraskit-variant-") as tmp:
        write_variant(variant, reference_dir, Path(tmp))
        return runner.run([suite], target=tmp, exercises=[variant.exercise], extra_args=stop_early, **run_options)
