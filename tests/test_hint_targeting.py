"""Hints answer the mistake made (issue: misconceptions as data).

Main suite, cheap: every wrong variant declares a misconception of its own exercise; every
misconception a test names exists and belongs to the test's exercise; a failure shows the named
misconception's hint, or, unexplained, its kind's line and ``keraskit hint ID``; the six failures
that used to get a hint about another step now get theirs (the numpy ones graded for real).

Slow tier: every wrong variant against the visible tests a student has. The first failing test
must show the variant's own hint: the on-target rate is printed beside the kill rate, with the
visible kill rate and every miss with why (``kitdev.targeting``).
"""

import ast
from pathlib import Path

import pytest

from keraskit import catalogue, expect, runner
from kitdev import mutation, targeting

ROOT = Path(__file__).resolve().parents[1]
MUTANTS = ROOT / "grading" / "mutants"
VISIBLE = ROOT / "exercises" / "tests"
HIDDEN = ROOT / "grading" / "hidden"
TOPICS = catalogue.load().topic_ids


def _wrong_variants(topic: str) -> list[mutation.Variant]:
    return [v for v in mutation.load_variants(MUTANTS / f"{topic}.py") if v.kind == mutation.WRONG]


# ------------------------------------------------------------------ declarations (main suite)

@pytest.mark.parametrize("topic", TOPICS)
def test_every_wrong_variant_declares_a_misconception_of_its_exercise(topic):
    problems = []
    for variant in _wrong_variants(topic):
        if variant.misconception is None:
            problems.append(f"{variant.label()}: declares no misconception")
            continue
        try:
            found = catalogue.load().misconception(variant.misconception)
        except KeyError as exc:
            problems.append(f"{variant.label()}: {exc.args[0]}")
            continue
        if found.exercise != variant.exercise:
            problems.append(f"{variant.label()}: {variant.misconception} is a misconception of {found.exercise}")
    assert not problems, "\n".join(problems)


def test_every_exercise_names_its_misconceptions_in_every_language():
    for exercise in catalogue.load().exercises:
        assert exercise.misconceptions, f"{exercise.id} names no misconception"
        for found in exercise.misconceptions:
            for lang in catalogue.LANGUAGES:
                assert found.hint.get(lang, "").strip(), f"{found.id}: no {lang} hint"


def _named_misconceptions(path: Path):
    """(test function, its exercise or None, misconception id) for every literal id a test file
    names: ``misconception="id"``, ``expect.misconception("id")`` and the keys of ``wrong_answers``
    (a dict, or a list of pairs); ids in helpers are reported with the exercise None."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    owners = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            exercise = next((d.args[0].value for d in node.decorator_list
                             if isinstance(d, ast.Call) and getattr(d.func, "attr", "") == "exercise"
                             and d.args and isinstance(d.args[0], ast.Constant)), None)
            for inner in ast.walk(node):
                owners.setdefault(id(inner), (node.name, exercise))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        owner = owners.get(id(node), ("<module>", None))
        literals = []
        if getattr(node.func, "attr", "") == "misconception" and node.args:
            literals.append(node.args[0])
        for keyword in node.keywords:
            if keyword.arg == "misconception":
                literals.append(keyword.value)
            elif keyword.arg == "wrong_answers":
                if isinstance(keyword.value, ast.Dict):
                    literals += keyword.value.keys
                elif isinstance(keyword.value, ast.List):
                    literals += [item.elts[0] for item in keyword.value.elts if isinstance(item, ast.Tuple)]
        for literal in literals:
            if isinstance(literal, ast.Constant) and isinstance(literal.value, str):
                yield (*owner, literal.value)


@pytest.mark.parametrize("path", sorted(VISIBLE.glob("test_*.py")) + sorted(HIDDEN.glob("test_*.py")),
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_named_misconception_exists_and_belongs_to_the_tests_exercise(path):
    cat = catalogue.load()
    problems = []
    for test, exercise, misconception in _named_misconceptions(path):
        try:
            found = cat.misconception(misconception)
        except KeyError as exc:
            problems.append(f"{test}: {exc.args[0]}")
            continue
        if exercise is not None and found.exercise != exercise:
            problems.append(f"{test} grades {exercise} but names {misconception}, a misconception of {found.exercise}")
    assert not problems, "\n".join(problems)


def test_the_scan_finds_the_names_tests_give():
    """The scan above sees each way of naming (else it would pass on files it cannot read)."""
    names = {m for _, _, m in _named_misconceptions(VISIBLE / "test_losses.py")}
    assert {"mse-broadcast-table", "mae-book-sum", "bce-logits"} <= names
    owned = {(e, m) for _, e, m in _named_misconceptions(VISIBLE / "test_tensors.py")}
    assert ("tensors.normalize", "normalize-not-per-column") in owned
    assert ("tensors.samples_first", "samples-first-axis-unchecked") in owned


def test_a_typo_in_a_named_misconception_fails_loudly():
    with pytest.raises(expect.UnknownMisconception, match="did you mean mse-broadcast-table"):
        expect.close([1.0], [1.0], misconception="mse-broadcast-tabel")
    with pytest.raises(expect.UnknownMisconception):
        expect.close([1.0], [1.0], wrong_answers={"no-such-mistake": [2.0]})
    with pytest.raises(expect.UnknownMisconception):
        with expect.misconception("no-such-mistake"):
            pass


# ------------------------------------------------------------------ what a failure shows (main suite)

def _first_failure(variant: mutation.Variant, tmp_path: Path) -> str:
    """The message of the first failing visible test of ``variant``, in English."""
    mutation.write_variant(variant, ROOT / "solutions", tmp_path)
    result = runner.run([VISIBLE / f"test_{variant.module}.py"], target=tmp_path, exercises=[variant.exercise],
                        extra_args=("-x",), rootdir=ROOT)
    failed = result.failed_tests()
    assert failed, f"{variant.label()} passed the visible tests"
    return failed[0].message


def _variant(exercise: str, description: str) -> mutation.Variant:
    matches = [v for v in _wrong_variants(catalogue.topic_of(exercise))
               if v.exercise == exercise and v.description.startswith(description)]
    assert len(matches) == 1, f"{exercise}: {len(matches)} wrong variants start with {description!r}"
    return matches[0]


# The failures that used to get a hint about another step (the feedback issue), with the
# misconception they show now. The numpy ones are graded below; the Keras ones train, so the
# slow tier's full measurement grades them, and here their tests are shown to name the mistake.
MISTARGETED = [
    ("losses.mean_squared_error", "(n,) labels minus (n, 1)", "mse-broadcast-table"),
    ("optimizers.adam_step", "epsilon inside the square root", "adam-step-size"),
    ("activations.sigmoid", "naive 1 / (1 + exp(-z))", "sigmoid-overflow"),
]
MISTARGETED_KERAS = [
    ("models.build_single_layer", "relu inside the Dense layer", "single-layer-activation-layer"),
    ("models.compile_for_task", "regression: loss and metric swapped", "compile-task-regression-metric"),
    ("training.train", "Keras's default verbose", "train-verbose"),
    ("training.boston_experiment", "the book's split", "boston-train-rows"),
]


@pytest.mark.parametrize("exercise, description, misconception", MISTARGETED, ids=[m[0] for m in MISTARGETED])
def test_a_formerly_mistargeted_failure_shows_its_own_hint(exercise, description, misconception, tmp_path,
                                                           monkeypatch):
    monkeypatch.setenv("KERASKIT_LANG", "en")
    variant = _variant(exercise, description)
    assert variant.misconception == misconception
    message = _first_failure(variant, tmp_path)
    assert catalogue.load().misconception(misconception).hint_in("en") in message, message
    others = [m.id for m in catalogue.load().exercise(exercise).misconceptions
              if m.id != misconception and m.hint_in("en") in message]
    assert not others, f"the message also shows {others}"


@pytest.mark.parametrize("exercise, description, misconception", MISTARGETED_KERAS,
                         ids=[m[0] for m in MISTARGETED_KERAS])
def test_the_keras_formerly_mistargeted_failures_are_named_by_their_tests(exercise, description, misconception):
    assert _variant(exercise, description).misconception == misconception
    named = {m for _, e, m in _named_misconceptions(VISIBLE / f"test_{catalogue.topic_of(exercise)}.py")}
    diagnosed = (VISIBLE / f"test_{catalogue.topic_of(exercise)}.py").read_text(encoding="utf-8")
    assert misconception in named or f'"{misconception}"' in diagnosed


@pytest.mark.slow  # they build or train models: graded for real in the slow tier
@pytest.mark.parametrize("exercise, description, misconception", MISTARGETED_KERAS,
                         ids=[m[0] for m in MISTARGETED_KERAS])
def test_a_formerly_mistargeted_keras_failure_shows_its_own_hint(exercise, description, misconception, tmp_path,
                                                                 monkeypatch):
    test_a_formerly_mistargeted_failure_shows_its_own_hint(exercise, description, misconception, tmp_path,
                                                           monkeypatch)


def test_a_failure_no_misconception_explains_shows_the_way_to_a_nudge(tmp_path, monkeypatch):
    """A wrong answer no check recognises: the kind's teaching line and `keraskit hint ID`, no hint."""
    monkeypatch.setenv("KERASKIT_LANG", "en")
    source = "def mean_squared_error(y_true, y_pred):\n    return _mean_over_last_axis(np.zeros(1) + 7.0)\n"
    variant = mutation.Variant("losses.mean_squared_error", mutation.WRONG, "returns a made-up 7", source)
    message = _first_failure(variant, tmp_path)
    assert "keraskit hint losses.mean_squared_error" in message
    hints = [m.hint_in("en") for m in catalogue.load().exercise("losses.mean_squared_error").misconceptions]
    assert not any(hint in message for hint in hints), message


# ------------------------------------------------------------------ the full measurement (slow tier)

@pytest.fixture(scope="module")
def targeted(request) -> dict[str, list[targeting.Targeting]]:
    """Every wrong variant of the selected topics against its topic's visible tests, on both cores."""
    topics = {item.callspec.params["topic"] for item in request.session.items
              if getattr(item, "function", None) is test_visible_tests_show_each_wrong_variant_its_own_hint}
    by_topic: dict[str, list[targeting.Targeting]] = {}
    for result in targeting.measure(topics, ROOT):
        by_topic.setdefault(result.verdict.variant.module, []).append(result)
    return by_topic


@pytest.mark.slow
@pytest.mark.timeout(3600)  # the first call grades every wrong variant of every topic
@pytest.mark.parametrize("topic", TOPICS)
def test_visible_tests_show_each_wrong_variant_its_own_hint(topic, targeted, kill_record):
    """Counts go to the run's summary (on-target rate, visible kill rate, the misses with why).
    A variant shown another misconception's hint is a defect: the hint is about another step."""
    results = targeted[topic]
    kill_record["visible_wrong"] = kill_record.get("visible_wrong", 0) + len(results)
    kill_record["visible_killed"] = kill_record.get("visible_killed", 0) + sum(r.caught for r in results)
    kill_record["on_target"] = kill_record.get("on_target", 0) + sum(r.on_target for r in results)
    kill_record["hint_misses"] = kill_record.get("hint_misses", []) + [r.why() for r in results if not r.on_target]
    broken = [r.why() for r in results if r.verdict.broken]
    other = [r.why() for r in results if r.result == targeting.OTHER_HINT]
    assert not broken and not other, "\n".join(broken + other)
