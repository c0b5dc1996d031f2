"""Exercises and solutions never drift apart, and both match the catalogue."""

import ast
from pathlib import Path

import pytest

from keraskit import catalogue

ROOT = Path(__file__).resolve().parents[1]
CAT = catalogue.load()


def _parse(folder: str, topic: str) -> ast.Module:
    return ast.parse((ROOT / folder / f"{topic}.py").read_text(encoding="utf-8"))


def _public_functions(tree: ast.Module) -> dict[str, ast.FunctionDef]:
    return {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")}


def _signature(fn: ast.FunctionDef) -> str:
    return ast.dump(fn.args, include_attributes=False)


def _is_stub_body(fn: ast.FunctionDef) -> bool:
    body = fn.body[1:] if ast.get_docstring(fn) is not None else fn.body
    return (len(body) == 1 and isinstance(body[0], ast.Raise)
            and ast.unparse(body[0].exc) in ("NotImplementedError", "NotImplementedError()"))


def _imports(tree: ast.Module) -> list[str]:
    return [ast.unparse(n) for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]


TOPICS_WITH_MODULES = [t.id for t in CAT.topics if (ROOT / "solutions" / t.module_file).exists()]


@pytest.mark.parametrize("topic", TOPICS_WITH_MODULES)
def test_stub_and_solution_have_the_same_api_and_docs(topic):
    stub, ref = _parse("exercises", topic), _parse("solutions", topic)
    assert ast.get_docstring(stub) == ast.get_docstring(ref), "module docstrings differ"
    assert _imports(stub) == _imports(ref), "top-level imports differ"
    stub_fns, ref_fns = _public_functions(stub), _public_functions(ref)
    assert list(stub_fns) == list(ref_fns), "public functions differ (names or order)"
    for name, fn in stub_fns.items():
        assert _signature(fn) == _signature(ref_fns[name]), f"{name}: signatures differ"
        assert ast.get_docstring(fn) == ast.get_docstring(ref_fns[name]), f"{name}: docstrings differ"
        assert ast.get_docstring(fn), f"{name}: the stub needs a docstring that teaches"


@pytest.mark.parametrize("topic", TOPICS_WITH_MODULES)
def test_stubs_only_raise_not_implemented(topic):
    stub = _parse("exercises", topic)
    for name, fn in _public_functions(stub).items():
        assert _is_stub_body(fn), f"exercises/{topic}.py: {name} must only `raise NotImplementedError`"
    helpers = [n.name for n in stub.body if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name.startswith("_")]
    assert not helpers, f"exercises/{topic}.py ships private helpers: {helpers}"


@pytest.mark.parametrize("topic", TOPICS_WITH_MODULES)
def test_modules_define_exactly_the_catalogue_exercises_in_order(topic):
    functions = list(_public_functions(_parse("solutions", topic)))
    assert functions == [e.function for e in CAT.topic(topic).exercises]


@pytest.mark.parametrize("folder", ["exercises", "solutions"])
@pytest.mark.parametrize("topic", TOPICS_WITH_MODULES)
def test_modules_are_standalone(folder, topic):
    """Stdlib, numpy and keras only: what lets a grader load one student file on its own."""
    allowed_roots = {"numpy", "keras", "math", "collections", "itertools", "functools", "numbers", "os",
                     "typing", "warnings", "dataclasses", "operator"}
    if topic == "training":
        # boston_experiment must load the data offline: the kit's loader is its one engine import.
        allowed_roots |= {"keraskit"}
    tree = _parse(folder, topic)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots = {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            roots = {(node.module or "").split(".")[0]} if node.level == 0 else {"<relative>"}
        else:
            continue
        assert roots <= allowed_roots, f"{folder}/{topic}.py imports {roots - allowed_roots}"


def test_all_eight_topics_exist_in_both_folders():
    missing = [f"{folder}/{t.module_file}" for t in CAT.topics for folder in ("exercises", "solutions")
               if not (ROOT / folder / t.module_file).exists()]
    assert not missing, f"missing modules: {missing}"
