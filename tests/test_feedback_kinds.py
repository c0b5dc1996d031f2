"""Failures by kind: the teaching text and the hint fit what went wrong; long values are
summarized; a part of a composite result is named."""

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


def test_the_hint_shown_fits_the_kind_of_failure():
    accuracy = catalogue.load().exercise("metrics.categorical_accuracy")
    assert accuracy.hint_for("values", "en").startswith("A row's class is the position of its largest value")
    assert accuracy.hint_for("dtype", "en") is None  # a precision or dtype failure gets no argmax hint
    assert accuracy.hint_for("shape", "en").startswith("np.argmax")
    normalize = catalogue.load().exercise("tensors.normalize")
    assert "常数列" in normalize.hint_for("nonfinite", "zh_CN")


def test_every_hint_kind_in_the_catalogue_is_known_and_kinds_match_expect():
    assert set(catalogue.FAILURE_KINDS) == set(expect.KINDS) | {plugin.CRASH}
    row = {"topic": [{"id": "t", "title": {"en": "T"}}],
           "exercise": [{"id": "t.f", "points": 1, "hints": {"en": ["a"]}, "hint_kinds": [["colour"]]}]}
    with pytest.raises(CatalogueError, match="hint_kinds"):
        catalogue.parse(row)


def test_a_test_check_speaks_through_a_locale_message(monkeypatch):
    monkeypatch.setenv("KERASKIT_LANG", "zh_CN")
    failure = _failure(lambda: expect.that(False, "test.sigmoid_range"))
    assert str(failure) == "sigmoid 的值必须在 [0, 1] 之内"
    expect.that(True, "test.sigmoid_range")
