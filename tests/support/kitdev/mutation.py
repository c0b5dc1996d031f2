"""Proof that a grading suite is strong: realistic wrong answers fail it, other right answers pass.

A mutant file (``grading/mutants/<module>.py``) defines functions with the exercise's name,
each decorated with ``@wrong(exercise_id, why, misconception=id)`` or ``@right(exercise_id, how)``.
A wrong answer names the catalogue misconception it embodies: the visible test that catches it
must show that misconception's hint. A variant is
graded as the reference module with that one function redefined at its end, so it may use the
module's imports and private helpers, exactly as a student's edit of the file would.
"""

from __future__ import annotations

import builtins
import dis
import importlib.util
import inspect
import re
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

from keraskit import catalogue

WRONG = "wrong"
RIGHT = "right"


@dataclass(frozen=True)
class Variant:
    exercise: str
    kind: str  # WRONG or RIGHT
    description: str
    source: str  # the function definition, decorator removed
    misconception: str | None = None  # a wrong answer's catalogue misconception id

    @property
    def module(self) -> str:
        return catalogue.topic_of(self.exercise)

    @property
    def function(self) -> str:
        return catalogue.split_id(self.exercise)[1]

    def label(self) -> str:
        return f"{self.exercise} [{self.kind}] {self.description}"


_registry: list[Variant] | None = None


def _register(kind: str, exercise: str, description: str, misconception: str | None = None):
    def decorate(func):
        if _registry is None:
            raise RuntimeError("mutant files are loaded with kitdev.mutation.load_variants()")
        function = catalogue.split_id(exercise)[1]
        if func.__name__ != function:
            raise ValueError(f"{kind} variant of {exercise} must be named {function}, "
                             f"not {func.__name__}")
        _registry.append(Variant(exercise, kind, description, _definition_source(func), misconception))
        return func
    return decorate


def wrong(exercise: str, why: str, misconception: str | None = None):
    """Mark a realistic wrong answer: the hidden suite must fail it, and it embodies the catalogue's
    misconception ``misconception`` (its hint is the one a student making it must be shown)."""
    return _register(WRONG, exercise, why, misconception)


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


# Errors that say the variant's own code cannot run (a name that does not exist), not that the
# suite caught a wrong answer: "module 'numpy' has no attribute ..." is one, "'list' object has
# no attribute 'shape'" (a variant that forgets lists) is a real wrong answer.
_BROKEN_ERROR = re.compile(r"\b(NameError|UnboundLocalError|ImportError|ModuleNotFoundError|SyntaxError)\b"
                           r"|AttributeError: module '[^']+' has no attribute")


def undefined_globals(variant: Variant, reference_dir: Path) -> tuple[str, ...]:
    """Global names the variant's function reads that neither its module nor builtins define.

    Found statically, so a variant that would die of NameError on a path no test reaches is
    still reported (for example a reference-private helper renamed since it was written).
    """
    with tempfile.TemporaryDirectory(prefix="keraskit-variant-") as tmp:
        source = write_variant(variant, reference_dir, Path(tmp)).read_text(encoding="utf-8")
    module_code = compile(source, f"{variant.module}.py", "exec")
    defined = {ins.argval for ins in dis.get_instructions(module_code)
               if ins.opname in ("STORE_NAME", "STORE_GLOBAL", "IMPORT_NAME")} | set(dir(builtins))
    functions = [const for const in module_code.co_consts
                 if hasattr(const, "co_name") and const.co_name == variant.function]
    if not functions:
        return ()
    missing: set[str] = set()
    pending = [functions[-1]]  # the variant's definition comes last and wins
    while pending:
        code = pending.pop()
        for ins in dis.get_instructions(code):
            if ins.opname in ("LOAD_GLOBAL", "LOAD_NAME") and ins.argval not in defined:
                missing.add(ins.argval)
        pending += [const for const in code.co_consts if hasattr(const, "co_code")]
    return tuple(sorted(missing))


@dataclass(frozen=True)
class Verdict:
    """What the suite said of one variant, as plain data (it crosses process boundaries)."""
    variant: Variant
    tests_run: int
    first_failure: str | None  # "nodeid: message" of the first failing test, if any
    undefined: tuple[str, ...] = ()  # global names the variant reads that do not exist

    @property
    def broken(self) -> bool:
        """The variant cannot run as written (a missing name or module): it proves nothing.

        A wrong variant that is broken is neither killed nor alive; it must be fixed."""
        if self.undefined:
            return True
        return self.first_failure is not None and bool(_BROKEN_ERROR.search(self.first_failure))

    @property
    def killed(self) -> bool:
        """A wrong variant that a test failed on its answer (not on its own broken code)."""
        return self.variant.kind == WRONG and self.tests_run > 0 and self.first_failure is not None \
            and not self.broken

    @property
    def as_expected(self) -> bool:
        """A wrong variant must be killed; a right one must run and pass every test."""
        if self.tests_run == 0 or self.broken:
            return False
        return (self.first_failure is not None) == (self.variant.kind == WRONG)


def judge_variant(variant: Variant, reference_dir: Path, suite: Path, rootdir: Path | None = None) -> Verdict:
    result = grade_variant(variant, reference_dir, suite, rootdir=rootdir)
    failed = result.failed_tests()
    first = f"{failed[0].nodeid}: {failed[0].message}" if failed else None
    return Verdict(variant, len(result.tests), first, undefined_globals(variant, reference_dir))


def _warm_worker() -> None:
    """Pool initializer: import Keras once per worker rather than once per variant."""
    from keraskit.quiet import silence_tensorflow
    silence_tensorflow()
    import keras  # noqa: F401 - loaded once per pool worker, not once per variant


def judge_all(jobs: list[tuple[Variant, Path, Path]], *, workers: int = 2,
              rootdir: Path | None = None) -> list[Verdict]:
    """Judge many variants on ``workers`` processes (fresh interpreters: TensorFlow does not fork safely)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_warm_worker) as pool:
        futures = [pool.submit(judge_variant, variant, reference, suite, rootdir) for variant, reference, suite in jobs]
        return [f.result() for f in futures]
