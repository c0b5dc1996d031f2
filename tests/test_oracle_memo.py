"""The oracle memo itself: its answers cannot be changed by a caller, it crosses processes as plain
data, and a judge host warms it on the reference and grades alike with it (issue 11: pay once per
class for the oracle). The verdict-identity tests (memoised against fresh, on the reference and
on wrong variants) are in test_strength.py, where they share the reference's graded run."""

import json
from pathlib import Path

import numpy as np

from keraskit import oracle
from keraskit.oracle import keras
from kitdev import mutation

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"


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
