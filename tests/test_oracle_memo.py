"""The memoised oracle gives the same verdicts as a fresh one: on the reference and on wrong
variants, every hidden test passes or fails alike (issue 11: pay once per class for the oracle)."""

import json
from pathlib import Path

import numpy as np
import pytest

from keraskit import oracle, runner
from keraskit.oracle import keras
from kitdev import mutation

ROOT = Path(__file__).resolve().parents[1]
HIDDEN = ROOT / "grading" / "hidden"
SOLUTIONS = ROOT / "solutions"
# The topics whose hidden suites call memoised oracle helpers.
TOPICS = ["training", "optimizers", "metrics", "losses", "activations"]


def _outcomes(result) -> dict[str, str]:
    return {t.nodeid: t.outcome for t in result.tests}


def _run(target: Path, topics, exercises=()):
    return runner.run([HIDDEN / f"test_{t}.py" for t in topics], target=target, exercises=exercises,
                      rootdir=ROOT)


@pytest.fixture(scope="module")
def reference_runs():
    """The reference graded with a fresh oracle, then with the memo (filled by that run)."""
    oracle.clear_memo()
    with oracle.fresh():
        fresh = _run(SOLUTIONS, TOPICS)
    assert oracle.memo_stats()["entries"] == 0, "oracle.fresh() must not fill the memo"
    memoised = _run(SOLUTIONS, TOPICS)
    return fresh, memoised


def test_reference_verdicts_are_the_same_with_the_memo(reference_runs):
    fresh, memoised = reference_runs
    assert fresh.tests and not fresh.failed_tests(), [t.message for t in fresh.failed_tests()][:3]
    assert _outcomes(memoised) == _outcomes(fresh)
    assert oracle.memo_stats()["entries"] > 0, "the hidden suites used no memoised oracle helper"


def _wrong_variants() -> list[mutation.Variant]:
    """The first wrong variant of each topic: a few wrong answers the oracle must still catch."""
    chosen = []
    for topic in TOPICS:
        wrong = [v for v in mutation.load_variants(ROOT / "grading" / "mutants" / f"{topic}.py")
                 if v.kind == mutation.WRONG]
        chosen.append(wrong[0])
    return chosen


@pytest.mark.parametrize("variant", _wrong_variants(), ids=lambda v: v.exercise)
def test_wrong_variant_verdicts_are_the_same_with_the_warm_memo(reference_runs, variant, tmp_path):
    mutation.write_variant(variant, SOLUTIONS, tmp_path)
    topic = variant.module
    with oracle.fresh():
        fresh = _run(tmp_path, [topic], [variant.exercise])
    memoised = _run(tmp_path, [topic], [variant.exercise])  # the memo is warm from the reference's run
    assert fresh.failed_tests(), f"the wrong variant ({variant.description}) passed every test"
    assert _outcomes(memoised) == _outcomes(fresh)


def test_a_memoised_answer_cannot_be_changed_by_its_caller():
    x = np.linspace(-1.0, 1.0, 5)
    first = oracle.call(keras.activations.sigmoid, x)
    first[:] = 7.0
    np.testing.assert_array_equal(oracle.call(keras.activations.sigmoid, x),
                                  oracle.call.uncached(keras.activations.sigmoid, x))


def test_the_memo_crosses_processes_as_plain_data_and_comes_back_identical():
    keyed = oracle.memoised(lambda: None)  # a lambda has no stable name: never memoised
    before = oracle.memo_stats()["entries"]
    keyed()
    assert oracle.memo_stats()["entries"] == before
    value = oracle.loss_reduction([1.0, 2.0, 4.0], [1, 0, 1])
    exported = json.loads(json.dumps(oracle.export_memo()))
    saved = dict(oracle._MEMO)
    try:
        oracle.clear_memo()
        assert oracle.install_memo(exported) == len(exported)
        again = oracle.loss_reduction([1.0, 2.0, 4.0], [1, 0, 1])
        assert type(again) is type(value) and again == value
        for key, original in saved.items():
            if key in oracle._MEMO:
                restored = oracle._MEMO[key]
                assert type(restored) is type(original)
                if isinstance(original, np.ndarray):
                    assert restored.dtype == original.dtype and np.array_equal(restored, original, equal_nan=True)
    finally:
        oracle._MEMO.update(saved)


def test_a_host_warms_its_memo_on_the_reference_and_grades_alike_with_it(tmp_path, monkeypatch):
    """The judge host: the reference's run fills (and saves) the memo, the judge children forked
    afterwards use it, and a wrong variant gets the same verdicts as with a cold host."""
    from keraskit.autograde import selfcheck, submissions
    from keraskit.autograde.host import JudgeHost
    from keraskit.autograde.sandbox import Limits

    monkeypatch.setenv(selfcheck.CACHE_ENV, str(tmp_path / "cache"))
    exercise = ("optimizers.sgd_step",)
    [variant] = [v for v in mutation.load_variants(ROOT / "grading" / "mutants" / "optimizers.py")
                 if v.kind == mutation.WRONG and v.exercise == exercise[0]][:1]
    mutation.write_variant(variant, SOLUTIONS, tmp_path)
    wrong = submissions.Submission("wrong-sgd", tmp_path, "folder")
    saved = dict(oracle._MEMO)
    host = JudgeHost(Limits(call_timeout=30, submission_timeout=300, memory_mb=1024))
    try:
        oracle.clear_memo()
        cold = host.grade(wrong, exercises=exercise)
        assert cold.oracle_memo_hits == 0 and oracle.memo_stats()["entries"] == 0
        reference = host.grade(selfcheck.reference_submission(), exercises=exercise)
        assert reference.score == reference.max_score > 0
        assert oracle.memo_stats()["entries"] > 0, "the reference's memo was not installed in the host"
        assert selfcheck.oracle_memo_files(host.oracle_key), "the reference's memo was not saved"
        warm = host.grade(wrong, exercises=exercise)
        assert warm.oracle_memo_hits > 0
        verdicts = [{(t.name, t.outcome) for row in record.exercises for t in row.tests}
                    for record in (cold, warm)]
        assert verdicts[0] and verdicts[0] == verdicts[1]
        assert any(outcome != "passed" for _, outcome in verdicts[0]), "the wrong variant passed"
    finally:
        host.close()
        oracle.clear_memo()
        oracle._MEMO.update(saved)
