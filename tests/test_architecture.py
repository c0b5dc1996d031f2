"""The import rules of docs/architecture.md, read from the source with ``ast`` (nothing is imported).

Imports inside functions count as much as those at the top of a module: a lazy import still runs.
A failure names the importing file, its line and the import.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "keraskit"
FRONT_ENDS = ("commands", "autograde", "nbgrader")  # the sub-packages; the rest of keraskit/ is the core
TENSORFLOW = ("keras", "tensorflow")


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    line: int
    name: str  # what is imported, as a dotted name (``from a import b`` gives ``a.b``)
    top_level: bool  # a statement of the module's body, not inside a function, class or block

    def __str__(self) -> str:
        return f"{self.module} (line {self.line}) imports {self.name}"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    """Every module of the package, by dotted name."""
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


@cache
def tree(module: str) -> ast.Module:
    return ast.parse(modules()[module].read_text(encoding="utf-8"))


@cache
def imports(module: str) -> tuple[Import, ...]:
    """Every import statement of ``module``, wherever it stands."""
    body = set(map(id, tree(module).body))
    package = module if modules()[module].name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(tree(module)):
        if isinstance(node, ast.Import):
            found += [Import(module, node.lineno, alias.name, id(node) in body) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the package, up level - 1 more
                up = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([node.module] if node.module else []))
            found += [Import(module, node.lineno, f"{base}.{alias.name}", id(node) in body) for alias in node.names]
    return tuple(found)


def resolve(name: str) -> str | None:
    """The keraskit module ``name`` is or lies in (``keraskit.layout.find_modules`` -> ``keraskit.layout``)."""
    while name and name not in modules():
        name = name.rpartition(".")[0]
    return name or None


def internal(module: str) -> list[tuple[Import, str]]:
    """``(import, keraskit module it loads)`` for each import of ``module`` of the package."""
    pairs = [(imp, resolve(imp.name)) for imp in imports(module) if imp.name.split(".")[0] == "keraskit"]
    return [(imp, target) for imp, target in pairs if target and target != module]


def area(module: str) -> str:
    """``commands``, ``autograde`` or ``nbgrader`` for a module of a sub-package, else ``core``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in FRONT_ENDS else "core"


@cache
def cli_modules() -> frozenset[str]:
    """keraskit.cli and the modules its COMMANDS table names (read from the source)."""
    for node in tree("keraskit.cli").body:
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", None) == "COMMANDS":
            return frozenset({"keraskit.cli", *ast.literal_eval(node.value).values()})
    raise AssertionError("keraskit/cli.py has no COMMANDS table")


def chain_to(start: str, wanted) -> list[Import] | None:
    """The imports that lead from ``start`` to the first import ``wanted(import)`` accepts, else None."""
    seen, queue = {start}, [(start, [])]
    while queue:
        module, path = queue.pop(0)
        for imp in imports(module):
            if wanted(imp):
                return path + [imp]
        for imp, target in internal(module):
            if target not in seen:
                seen.add(target)
                queue.append((target, path + [imp]))
    return None


def _report(offences) -> str:
    return "\n".join(map(str, offences))


def test_the_package_is_what_the_rules_speak_of():
    assert {"keraskit.cli", "keraskit.autograde.worker", "keraskit.nbgrader.extract"} <= set(modules())
    assert {"keraskit.release", "keraskit.autograde.cli", "keraskit.nbgrader.cli"} <= cli_modules()
    assert any(imp.name == "keraskit.nbgrader.extract.write_modules"
               for imp in imports("keraskit.autograde.submissions")), "the reader of imports misses a known one"


def _allowed(importer: str, target: str) -> bool:
    """The direction rule of docs/architecture.md."""
    mine, theirs = area(importer), area(target)
    if theirs in (mine, "core"):
        return True  # within a sub-package, or anything -> the core
    if theirs == "commands":
        return importer in cli_modules()  # the argument checks every command shares
    return (mine, target) == ("autograde", "keraskit.nbgrader.extract")  # notebook submissions


def test_imports_run_from_the_front_ends_to_the_core():
    offences = [imp for module in modules() for imp, target in internal(module) if not _allowed(module, target)]
    assert not offences, "imports against docs/architecture.md:\n" + _report(offences)


def _beyond_stdlib_and_core(imp: Import) -> bool:
    """An import of neither the standard library, the core, nor ``nbgrader.extract`` itself."""
    root = imp.name.split(".")[0]
    if root != "keraskit":
        return root not in sys.stdlib_module_names
    target = resolve(imp.name)
    return target is not None and area(target) != "core" and target != "keraskit.nbgrader.extract"


def test_the_notebook_reader_the_autograder_uses_needs_no_instructor_tools():
    """``keraskit autograde`` reads notebooks without the ``instructor`` extra (nbgrader, nbformat)."""
    chain = chain_to("keraskit.nbgrader.extract", _beyond_stdlib_and_core)
    assert chain is None, "nbgrader.extract needs more than the standard library and the core:\n" + _report(chain)


@pytest.mark.parametrize("banned", ["pytest", "_pytest"])
def test_the_worker_side_never_imports_pytest(banned):
    """Student code runs in the worker; the test machinery (plugin, runner, judge) stays with the judge."""
    chain = chain_to("keraskit.autograde.worker", lambda imp: imp.name.split(".")[0] == banned)
    assert chain is None, f"the worker reaches {banned}:\n" + _report(chain)


def _silences(statement: ast.stmt) -> bool:
    if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)):
        return False
    func = statement.value.func
    return getattr(func, "attr", getattr(func, "id", None)) == "silence_tensorflow"


def test_tensorflow_is_imported_on_load_only_after_it_is_silenced():
    """A module that imports Keras or TensorFlow at its top calls ``quiet.silence_tensorflow()`` first:
    TensorFlow reads its log settings once, on import. The others may import it in their functions."""
    offences = []
    for module in modules():
        silenced = False
        for statement in tree(module).body:
            silenced = silenced or _silences(statement)
            names = [imp.name for imp in imports(module) if imp.top_level and imp.line == statement.lineno]
            if not silenced and any(name.split(".")[0] in TENSORFLOW for name in names):
                offences.append(f"{module} (line {statement.lineno}) imports {names[0]} before silencing it")
    assert not offences, "\n".join(offences)
