"""The grading suites are strong: they fail the stubs and every realistic wrong answer, and pass
the reference and correct answers written differently. And the memoised oracle changes no verdict:
on the reference and on wrong variants, every hidden test passes or fails as with a fresh oracle
(issue 11: pay once per class for the oracle). That check is here because it reuses the
reference's graded run: a second memoised run of the reference would cost about 20 s."""

from pathlib import Path

import pytest

from keraskit import catalogue, oracle, outcome, runner
from kitdev import mutation

ROOT = Path(__file__).resolve().parents[1]
VISIBLE = ROOT / "exercises" / "tests"
HIDDEN = ROOT / "grading" / "hidden"
MUTANTS = ROOT / "grading" / "mutants"
TOPICS = catalogue.load().topic_ids
MIN_WRONG, MIN_RIGHT = 2, 1
# The topics whose hidden suites call memoised oracle helpers.
MEMO_TOPICS = ["training", "optimizers", "metrics", "losses", "activations"]


def _topics_with(folder: Path, pattern: str) -> list[str]:
    return [t for t in TOPICS if (folder / pattern.format(t)).exists()]


@pytest.fixture(scope="module")
def reference_run():
    """The reference on every visible and hidden test, with the oracle memo, as graders run it."""
    return runner.run([VISIBLE, HIDDEN], instructor=True, rootdir=ROOT)


@pytest.fixture(scope="module")
def stub_run():
    return runner.run([VISIBLE, HIDDEN], target=ROOT / "exercises", rootdir=ROOT)


def test_reference_passes_every_visible_and_hidden_test(reference_run):
    assert reference_run.tests, "no exercise test ran"
    failures = [f"{t.nodeid}: {t.message}" for t in reference_run.failed_tests()]
    assert not failures, "\n".join(failures)
    assert reference_run.exit_code == 0


def test_stubs_fail_every_test_as_not_started(stub_run, reference_run):
    assert len(stub_run.tests) == len(reference_run.tests)
    passed = [t.nodeid for t in stub_run.tests if t.outcome != outcome.TEST_NOT_STARTED]
    assert not passed, f"tests that a stub does not fail as 'not started': {passed}"
    assert stub_run.exit_code == 1


def test_every_topic_with_a_module_has_visible_hidden_and_mutant_suites():
    modules = [t for t in TOPICS if (ROOT / "solutions" / f"{t}.py").exists()]
    assert modules
    for topic in modules:
        assert (VISIBLE / f"test_{topic}.py").exists(), f"no visible tests for {topic}"
        assert (HIDDEN / f"test_{topic}.py").exists(), f"no hidden tests for {topic}"
        assert (MUTANTS / f"{topic}.py").exists(), f"no wrong/right answers for {topic}"


@pytest.mark.parametrize("topic", _topics_with(MUTANTS, "{}.py"))
def test_every_exercise_has_enough_variants_and_tests(topic, reference_run):
    variants = mutation.load_variants(MUTANTS / f"{topic}.py")
    tested_visible = {t.exercise for t in reference_run.tests if "/exercises/" in "/" + t.nodeid}
    tested_hidden = {t.exercise for t in reference_run.tests if "grading/hidden" in t.nodeid}
    for exercise in catalogue.load().topic(topic).exercises:
        wrongs = [v for v in variants if v.exercise == exercise.id and v.kind == mutation.WRONG]
        rights = [v for v in variants if v.exercise == exercise.id and v.kind == mutation.RIGHT]
        assert len(wrongs) >= MIN_WRONG, f"{exercise.id}: {len(wrongs)} wrong answers, need {MIN_WRONG}"
        assert len(rights) >= MIN_RIGHT, f"{exercise.id}: {len(rights)} right answers, need {MIN_RIGHT}"
        assert exercise.id in tested_visible, f"{exercise.id} has no visible test"
        assert exercise.id in tested_hidden, f"{exercise.id} has no hidden test"


def test_a_variant_that_cannot_run_is_broken_not_killed(tmp_path):
    """A wrong answer dying of a missing helper name proves nothing: it is reported apart."""
    (tmp_path / "tensors.py").write_text("import numpy as np\n\ndef normalize(x):\n    return np.asarray(x)\n")
    source = "def normalize(x):\n    return _helper_that_does_not_exist(x)\n"
    variant = mutation.Variant("tensors.normalize", mutation.WRONG, "calls a missing helper", source)
    assert mutation.undefined_globals(variant, tmp_path) == ("_helper_that_does_not_exist",)
    verdict = mutation.Verdict(variant, 3, "test_x: raised: NameError: name '_helper' is not defined",
                               mutation.undefined_globals(variant, tmp_path))
    assert verdict.broken and not verdict.killed and not verdict.as_expected
    # Found from the failure too, when the missing name is an attribute of a module.
    by_message = mutation.Verdict(variant, 3, "test_x: raised: AttributeError: module 'numpy' has no attribute 'foo'")
    assert by_message.broken and not by_message.killed
    # A variant that forgets lists and trips over them is a real wrong answer, killed.
    real = mutation.Verdict(variant, 3, "test_x: raised: AttributeError: 'list' object has no attribute 'shape'")
    assert real.killed and real.as_expected and not real.broken


def _selected_strength_topics(session) -> set[str]:
    """The topics whose strength test this run will run (after ``-k``, ``-m`` and node ids)."""
    return {item.callspec.params["topic"] for item in session.items
            if getattr(item, "function", None) is test_hidden_suite_catches_wrong_and_accepts_right_answers}


@pytest.fixture(scope="module")
def verdicts(request) -> dict[str, list[mutation.Verdict]]:
    """Every variant of the selected topics judged by its hidden suite, on both cores.

    The catalogue's slow topics (their variants train models) go to the pool first, so both
    cores stay busy to the end."""
    topics = catalogue.load().slowest_first(_selected_strength_topics(request.session))
    jobs = [(variant, ROOT / "solutions", HIDDEN / f"test_{topic}.py")
            for topic in topics
            for variant in mutation.load_variants(MUTANTS / f"{topic}.py")]
    by_topic: dict[str, list[mutation.Verdict]] = {}
    for verdict in mutation.judge_all(jobs, rootdir=ROOT):
        by_topic.setdefault(verdict.variant.module, []).append(verdict)
    return by_topic


@pytest.mark.timeout(1800)  # the first call also grades every variant of every topic
@pytest.mark.parametrize("topic", _topics_with(MUTANTS, "{}.py"))
def test_hidden_suite_catches_wrong_and_accepts_right_answers(topic, verdicts, kill_record):
    problems = []
    for verdict in verdicts[topic]:
        variant = verdict.variant
        if verdict.tests_run == 0:
            problems.append(f"no hidden test ran for {variant.label()}")
        elif verdict.broken:
            # Dying of its own missing name proves nothing about the suite: neither killed nor alive.
            kill_record["broken"] = kill_record.get("broken", 0) + 1
            kill_record["wrong"] += variant.kind == mutation.WRONG
            kill_record["right"] += variant.kind == mutation.RIGHT
            cause = f"undefined {', '.join(verdict.undefined)}" if verdict.undefined else verdict.first_failure
            problems.append(f"BROKEN: {variant.label()}: {cause}")
        elif variant.kind == mutation.WRONG:
            kill_record["wrong"] += 1
            kill_record["killed"] += verdict.killed
            if not verdict.killed:
                problems.append(f"NOT CAUGHT: {variant.label()}")
        else:
            kill_record["right"] += 1
            kill_record["accepted"] += verdict.as_expected
            if not verdict.as_expected:
                problems.append(f"REJECTED: {variant.label()}: {verdict.first_failure}")
    assert not problems, "\n".join(problems)


# ------------------------------------------------------------ the memoised oracle changes no verdict

def _outcomes(result, topics=MEMO_TOPICS) -> dict[str, str]:
    """Test id -> outcome, for the hidden tests of ``topics``."""
    prefixes = tuple(f"grading/hidden/test_{topic}.py::" for topic in topics)
    return {t.nodeid: t.outcome for t in result.tests if t.nodeid.startswith(prefixes)}


def _hidden_run(target: Path, topics, exercises=()):
    return runner.run([HIDDEN / f"test_{t}.py" for t in topics], target=target, exercises=exercises,
                      rootdir=ROOT)


@pytest.fixture(scope="module")
def fresh_reference_run():
    """The reference's hidden tests of the memo's topics with a fresh oracle (nothing memoised)."""
    before = oracle.memo_stats()["entries"]
    with oracle.fresh():
        fresh = _hidden_run(ROOT / "solutions", MEMO_TOPICS)
    assert oracle.memo_stats()["entries"] == before, "oracle.fresh() must not fill the memo"
    return fresh


def test_reference_verdicts_are_the_same_with_the_memo(reference_run, fresh_reference_run):
    fresh = fresh_reference_run
    assert fresh.tests and not fresh.failed_tests(), [t.message for t in fresh.failed_tests()][:3]
    assert _outcomes(reference_run) == _outcomes(fresh)
    assert oracle.memo_stats()["entries"] > 0, "the hidden suites used no memoised oracle helper"


def _first_wrong_variants() -> list[mutation.Variant]:
    """The first wrong variant of each memo topic: a few wrong answers the oracle must still catch."""
    chosen = []
    for topic in MEMO_TOPICS:
        wrong = [v for v in mutation.load_variants(MUTANTS / f"{topic}.py") if v.kind == mutation.WRONG]
        chosen.append(wrong[0])
    return chosen


@pytest.mark.parametrize("variant", _first_wrong_variants(), ids=lambda v: v.exercise)
def test_wrong_variant_verdicts_are_the_same_with_the_warm_memo(reference_run, variant, tmp_path):
    mutation.write_variant(variant, ROOT / "solutions", tmp_path)
    topic = variant.module
    with oracle.fresh():
        fresh = _hidden_run(tmp_path, [topic], [variant.exercise])
    memoised = _hidden_run(tmp_path, [topic], [variant.exercise])  # the memo is warm from the reference's run
    assert fresh.failed_tests(), f"the wrong variant ({variant.description}) passed every test"
    assert _outcomes(memoised, [topic]) == _outcomes(fresh, [topic])
