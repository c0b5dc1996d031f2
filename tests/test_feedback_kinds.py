"""Failures by kind: the teaching text and the hint fit what went wrong; long values are
summarized; a part of a composite result is named."""

import pickle

import numpy as np
import pytest

from keraskit import catalogue, expect, plugin, target
from keraskit.catalogue import CatalogueError


def _failure(produce) -> expect.ExpectationFailed:
    with pytest.raises(expect.ExpectationFailed) as caught:
        produce()
    return caught.value


@pytest.mark.parametrize("produce, kind", [
    (lambda: expect.close("text", [1.0]), expect.TYPE),
    (lambda: expect.close(np.array(["a"]), [1.0]), expect.DTYPE),
    (lambda: expect.close([1.0, 2.0], [1.0]), expect.SHAPE),
    (lambda: expect.close([1.0, np.nan], [1.0, 2.0]), expect.NONFINITE),
    (lambda: expect.close([1.0, 2.5], [1.0, 2.0]), expect.VALUES),
    (lambda: expect.equal(np.array([1.0]), np.array([1])), expect.DTYPE),
    (lambda: expect.equal([[0, 1]], [(0, 1)]), expect.TYPE),
    (lambda: expect.equal(3, 4), expect.VALUES),
])
def test_each_comparison_failure_has_its_kind(produce, kind):
    assert _failure(produce).kind == kind


def test_raising_and_warning_failures_have_their_kinds():
    def no_raise():
        with expect.raises_value_error("x"):
            pass

    def wrong_error():
        with expect.raises_value_error("x"):
            raise IndexError("list index out of range")

    def warns():
        with expect.no_warnings():
            np.exp(np.array([1e4]))

    assert [_failure(f).kind for f in (no_raise, wrong_error, warns)] == \
        [expect.NO_RAISE, expect.WRONG_ERROR, expect.WARNING]


def test_nan_in_the_answer_is_reported_as_nan(monkeypatch):
    monkeypatch.setenv("KERASKIT_LANG", "en")
    text = str(_failure(lambda: expect.close([1.0, np.nan, 3.0], [1.0, 2.0, 3.0])))
    assert "not a number where a number was expected: 1 of 3 positions, first at index (1,) (nan)" in text
    assert "largest difference" not in text


def test_a_long_array_is_summarized_by_shape_dtype_and_its_ends(monkeypatch):
    monkeypatch.setenv("KERASKIT_LANG", "en")
    got = np.arange(60 * 13, dtype=float).reshape(60, 13)
    text = str(_failure(lambda: expect.close(got, got[:, :12])))
    assert all(len(line) <= expect.LINE_LIMIT for line in text.splitlines())
    summary = expect.summarize(np.zeros((30, 40, 5)))
    assert summary.startswith("array(shape=(30, 40, 5), dtype=float64, first=[0., 0., 0.]")
    assert len(summary) <= expect.LINE_LIMIT


def test_the_first_difference_names_its_position_and_values(monkeypatch):
    monkeypatch.setenv("KERASKIT_LANG", "en")
    text = str(_failure(lambda: expect.close(np.arange(100.0) + (np.arange(100) == 57), np.arange(100.0))))
    assert "first difference at index (57,): expected 57., got 58." in text


def test_the_called_line_of_a_long_nested_list_is_short():
    x = np.random.default_rng(0).normal(size=(404, 13)).tolist()
    line = target.describe_call("tensors.split_validation_tail", (x, list(range(404)), 300), {})
    assert line == "tensors.split_validation_tail(<list shape=(404, 13)>, [0, 1, 2, 3, 4, 5, ...], 300)"
    assert len(target.describe_call("f", tuple("x" * 100 for _ in range(10)), {})) <= target.CALL_LIMIT


def test_a_part_of_a_composite_result_is_named_from_the_catalogue():
    cat = catalogue.load()
    assert plugin.name_parts("result[1][1]", cat.exercise("tensors.split_validation_tail")) == "result[1][1] (y_val)"
    assert plugin.name_parts("result[0]", cat.exercise("optimizers.sgd_step")) == "result[0] (new_w)"
    assert plugin.name_parts("result[1]", cat.exercise("tensors.normalize")) == "result[1]"
    failure = _failure(lambda: expect.equal(np.array([8, 9]), np.array([6, 7]), where="result[1][1]"))
    assert failure.where == "result[1][1]" and str(failure).splitlines()[0].endswith("result[1][1]:")


def test_the_hint_shown_is_the_named_misconceptions_and_no_other():
    """A check names the mistake it detects; the failure shows that misconception's hint, in the
    student's language; a failure no misconception of the exercise explains gets no hint."""
    accuracy = catalogue.load().exercise("metrics.categorical_accuracy")
    assert accuracy.hint_for("categorical-accuracy-elementwise", "en").startswith(
        "A row's class is the position of its largest value")
    assert accuracy.hint_for(None, "en") is None  # unexplained: never a guess by the kind of failure
    assert accuracy.hint_for("mse-broadcast-table", "en") is None  # another exercise's mistake
    normalize = catalogue.load().exercise("tensors.normalize")
    assert "常数列" in normalize.hint_for("normalize-constant-column", "zh_CN")


def test_a_failing_check_carries_the_misconception_it_names():
    assert _failure(lambda: expect.close([2.0], [1.0], misconception="mse-sum-not-mean")).misconception == \
        "mse-sum-not-mean"
    # wrong_answers: the result shows which mistake was made
    answers = {"mse-sum-not-mean": [2.0], "mse-batch-mean": 1.5}
    assert _failure(lambda: expect.close([2.0], [1.0], wrong_answers=answers)).misconception == "mse-sum-not-mean"
    assert _failure(lambda: expect.close([3.0], [1.0], wrong_answers=answers)).misconception is None
    # a result two different mistakes both give names neither
    both = [("mse-sum-not-mean", [2.0]), ("mse-batch-mean", [2.0])]
    assert _failure(lambda: expect.close([2.0], [1.0], wrong_answers=both)).misconception is None
    # a wrong answer the comparison cannot take (an array for a scalar check) is simply not the one given
    mixed = {"weighted-sum-no-bias": 4.5, "weighted-sum-one-sample-array": np.array([5.0])}
    assert _failure(lambda: expect.scalar(4.5, 5.0, wrong_answers=mixed)).misconception == "weighted-sum-no-bias"
    # a boolean array the comparison refuses is still recognised as the mistake that gives it
    booleans = {"binary-encode-booleans": np.array([True, False])}
    assert _failure(lambda: expect.equal(np.array([True, False]), np.array([1, 0]), wrong_answers=booleans)) \
        .misconception == "binary-encode-booleans"

    def no_raise():
        with expect.raises_value_error("x", misconception="normalize-ndim-unchecked"):
            pass

    assert _failure(no_raise).misconception == "normalize-ndim-unchecked"

    def in_a_block():
        with expect.misconception("sigmoid-overflow"):
            with expect.no_warnings():
                np.exp(np.array([1e4]))

    assert _failure(in_a_block).misconception == "sigmoid-overflow"
    # an error of the graded code is named only when the block owns its type
    with pytest.raises(IndexError) as caught:
        with expect.misconception("one-hot-default-classes", raised=IndexError):
            raise IndexError("index 1 is out of bounds for axis 1 with size 1")
    assert caught.value.misconception == "one-hot-default-classes"
    with pytest.raises(KeyError) as caught:
        with expect.misconception("one-hot-default-classes", raised=IndexError):
            raise KeyError("x")
    assert getattr(caught.value, "misconception", None) is None
    # a diagnosis is called only on failure and may not tell
    calls = []
    with expect.misconception(lambda: calls.append(1) or "mse-batch-mean"):
        expect.close([1.0], [1.0])
    assert calls == []
    assert _failure(lambda: _diagnosed(lambda: None)).misconception is None
    assert _failure(lambda: _diagnosed(lambda: "mse-batch-mean")).misconception == "mse-batch-mean"
    # a diagnosis that fails itself (the answer crashing on a second run) leaves the failure as it was
    assert _failure(lambda: _diagnosed(lambda: 1 / 0)).misconception is None


def _diagnosed(diagnose):
    with expect.misconception(diagnose):
        expect.close([2.0], [1.0])


def test_a_misconception_survives_a_trip_to_another_process():
    failure = _failure(lambda: expect.close([2.0], [1.0], misconception="mse-sum-not-mean"))
    assert pickle.loads(pickle.dumps(failure)).misconception == "mse-sum-not-mean"


def test_the_catalogue_refuses_a_broken_misconception():
    def catalogue_with(**entry):
        return {"topic": [{"id": "t", "title": {"en": "T"}}],
                "exercise": [{"id": "t.f", "points": 1, "hints": {"en": ["a"], "zh_CN": ["甲"]},
                              "misconception": [entry]}]}

    catalogue.parse(catalogue_with(id="t-ok", hint=1))
    catalogue.parse(catalogue_with(id="t-own", en="x", zh_CN="乙"))
    for entry, message in [({"id": "Bad Id", "hint": 1}, "lower-case"), ({"id": "t-x", "hint": 2}, "hint must"),
                           ({"id": "t-x", "en": "x"}, "every language"),
                           ({"id": "t-x", "hint": 1, "en": "x"}, "not both"),
                           ({"id": "t-x", "colour": 1}, "unknown keys")]:
        with pytest.raises(CatalogueError, match=message):
            catalogue.parse(catalogue_with(**entry))
    twice = catalogue_with(id="t-ok", hint=1)
    twice["exercise"][0]["misconception"].append({"id": "t-ok", "hint": 1})
    with pytest.raises(CatalogueError, match="twice"):
        catalogue.parse(twice)
    old = catalogue_with(id="t-ok", hint=1)
    old["exercise"][0]["hint_kinds"] = [["values"]]
    with pytest.raises(CatalogueError, match="hint_kinds is gone"):
        catalogue.parse(old)


def test_failure_kinds_match_expect():
    assert set(catalogue.FAILURE_KINDS) == set(expect.KINDS) | {plugin.CRASH}


def test_a_test_check_speaks_through_a_locale_message(monkeypatch):
    monkeypatch.setenv("KERASKIT_LANG", "zh_CN")
    failure = _failure(lambda: expect.that(False, "test.sigmoid_range"))
    assert str(failure) == "sigmoid 的值必须在 [0, 1] 之内"
    expect.that(True, "test.sigmoid_range")
