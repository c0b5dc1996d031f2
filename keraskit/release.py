"""``keraskit release DIR``: the student bundle — stubs, visible tests, the engine, a student README.

Never solutions, hidden tests, mutants or instructor scripts; and after writing, the bundle is
scanned for any line of a reference solution's body, so a solution pasted somewhere by mistake
stops the release instead of reaching students.
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

from keraskit import catalogue, layout
from keraskit.commands import CommandError, require_output_folder
from keraskit.i18n import t

STUDENT_README = Path(__file__).with_name("templates") / "student_README.md"

# What a student gets, relative to the repository root.
RELEASED = ("exercises", "keraskit", "pyproject.toml", "docs/errata.md", "LICENSE")
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", "*.egg-info", ".ipynb_checkpoints")
# Lines this short are shared by any Python code ("return x", "else:"): not evidence of a leak.
MIN_SIGNIFICANT_CHARS = 16
# Longer lines that the reference shares with released code for plain reasons (an idiom, the
# documented way to load the data), reviewed one by one; every other solution line is secret.
ALLOWLIST = Path("grading") / "release_allowlist.txt"


class ReleaseError(RuntimeError):
    """The bundle would leak reference code, or cannot be written."""


def read_allowlist(path: Path) -> frozenset[str]:
    if not path.exists():
        return frozenset()
    return frozenset(ln.strip() for ln in path.read_text(encoding="utf-8").splitlines()
                     if ln.strip() and not ln.startswith("#"))


def solution_body_lines(solutions_dir: Path, exercises_dir: Path, allowed: frozenset[str] = frozenset()
                        ) -> dict[str, str]:
    """Significant lines of the reference modules that the stubs do not contain: line -> where."""
    lines: dict[str, str] = {}
    for ref in sorted(solutions_dir.glob("*.py")):
        if ref.name == "__init__.py":
            continue
        stub = exercises_dir / ref.name
        stub_lines = {ln.strip() for ln in stub.read_text(encoding="utf-8").splitlines()} if stub.exists() else set()
        source = ref.read_text(encoding="utf-8")
        docstring_lines = _docstring_line_numbers(source)
        for number, line in enumerate(source.splitlines(), start=1):
            text = line.strip()
            if (len(text) >= MIN_SIGNIFICANT_CHARS and text not in stub_lines and number not in docstring_lines
                    and not text.startswith("#") and text not in allowed):
                lines.setdefault(text, f"solutions/{ref.name}:{number}")
    return lines


def _docstring_line_numbers(source: str) -> set[int]:
    numbers: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and ast.get_docstring(node) is not None:
            doc = node.body[0]
            numbers.update(range(doc.lineno, doc.end_lineno + 1))
    return numbers


def find_leaks(bundle: Path, secret_lines: dict[str, str]) -> list[str]:
    """Every place in ``bundle`` where a secret line appears, as 'file:line <- solutions/x.py:n'."""
    leaks = []
    for path in sorted(p for p in bundle.rglob("*") if p.is_file()):
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            origin = secret_lines.get(line.strip())
            if origin:
                leaks.append(f"{path.relative_to(bundle)}:{number} <- {origin}")
    return leaks


def write_release(out_dir: Path, repo_root: Path = layout.ROOT, force: bool = False) -> Path:
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()):
        if not force:
            raise ReleaseError(t("release.not_empty", path=out_dir))
        shutil.rmtree(out_dir)
    kit = layout.Layout(repo_root)
    missing = [t.module_file for t in catalogue.load().topics if not kit.topic(t.id).stub.exists()]
    if missing:
        raise ReleaseError(t("release.stubs_missing", files=", ".join(missing)))
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in RELEASED:
        source = repo_root / name
        if source.is_dir():
            shutil.copytree(source, out_dir / name, ignore=IGNORED)
        elif source.is_file():
            (out_dir / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, out_dir / name)
    shutil.copy2(STUDENT_README, out_dir / "README.md")
    secret = solution_body_lines(kit.solutions, kit.exercises,
                                 read_allowlist(repo_root / ALLOWLIST))
    leaks = find_leaks(out_dir, secret)
    if leaks:
        shutil.rmtree(out_dir)
        raise ReleaseError(t("release.leaks", count=len(leaks), leaks="; ".join(leaks)))
    return out_dir


def add_arguments(parser, name: str) -> None:
    parser.add_argument("dir", metavar="DIR", type=Path, help=t("cli.arg.release_dir"))
    parser.add_argument("--force", action="store_true", help=t("cli.arg.release_force"))


def run(args, name: str) -> int:
    require_output_folder("DIR", args.dir)
    try:
        out = write_release(args.dir, force=args.force)
    except ReleaseError as exc:
        raise CommandError(str(exc)) from None
    files = sum(1 for p in out.rglob("*") if p.is_file())
    print(t("release.written", path=out, files=files))
    return 0
