"""Visible tests for encoding.py: the book's examples; one_hot is checked against values
precomputed from ``keras.utils.to_categorical`` (exercises/tests/golden/encoding.json)."""

import contextlib

import numpy as np
import pytest

from keraskit import expect, golden
from keraskit.i18n import t

GOLDEN = golden.load(__file__, "encoding")


def _expect_categories(got, expected, **naming):
    """A list of the expected categories (numpy strings and ints count as their Python values);
    ``naming`` names the misconceptions a wrong list shows (``wrong_answers=``)."""
    if type(got) is not list:  # a type failure, of result[1]; an array is np.unique's answer
        raise expect.ExpectationFailed(t("expect.type", expected="list", got=type(got).__name__), expect.TYPE,
                                       "result[1]", misconception="categories-np-unique"
                                       if isinstance(got, np.ndarray) else None)
    expect.equal([str(c) if isinstance(c, str) else c for c in got], expected, **naming)


def _expect_floats(got, where=None, misconception=None):
    """The docstring says the matrix holds floats (float64 or float32), never ints: a wrong dtype
    here has one cause, named by ``misconception``."""
    array = expect.as_array(got, where=where)
    if array.dtype.kind != "f":
        failure = expect.ExpectationFailed(t("expect.dtype", expected="float64 / float32", got=array.dtype.name),
                                           expect.DTYPE, where)
        with expect.misconception(misconception) if misconception else contextlib.nullcontext():
            raise failure


@pytest.mark.exercise("encoding.binary_encode")
def test_binary_encode_the_book_gender_column(encoding):
    expect.equal(encoding.binary_encode(["male", "female", "female", "male"], "male"), np.array([1, 0, 0, 1]),
                 wrong_answers={"binary-encode-inverted": np.array([0, 1, 1, 0]),
                                "binary-encode-booleans": np.array([True, False, False, True])})


@pytest.mark.exercise("encoding.binary_encode")
def test_binary_encode_a_column_with_one_value(encoding):
    expect.equal(encoding.binary_encode(["yes", "yes"], "yes"), np.array([1, 1]))


@pytest.mark.exercise("encoding.binary_encode")
def test_binary_encode_rejects_three_distinct_values(encoding):
    with expect.raises_value_error("values", misconception="binary-encode-values-unchecked"):
        encoding.binary_encode(["red", "green", "blue"], "red")


@pytest.mark.exercise("encoding.binary_encode")
def test_binary_encode_rejects_a_positive_that_never_occurs(encoding):
    with expect.raises_value_error("positive", misconception="binary-encode-values-unchecked"):
        encoding.binary_encode(["male", "female"], "Male")


@pytest.mark.exercise("encoding.binary_encode")
def test_binary_encode_keeps_the_shape_of_values(encoding):
    expect.equal(encoding.binary_encode([["a", "b"], ["b", "b"]], "a"), np.array([[1, 0], [0, 0]]))


@pytest.mark.exercise("encoding.one_hot")
@pytest.mark.parametrize("case", GOLDEN["one_hot"], ids=lambda c: f"{c.args[0]}-{c.kwargs}")
def test_one_hot_matches_keras_to_categorical(encoding, case):
    expected = case.expected_array()
    # Without num_classes, numpy's IndexError from the answer means a matrix with too few columns.
    too_few_columns = contextlib.nullcontext() if "num_classes" in case.kwargs else \
        expect.misconception("one-hot-default-classes", raised=IndexError)
    with too_few_columns:
        got = encoding.one_hot(*case.args, **case.kwargs)
    expect.close(got, expected, wrong_answers={"one-hot-column-labels": expected[:, None, :]})


@pytest.mark.exercise("encoding.one_hot")
def test_one_hot_rejects_a_negative_label(encoding):
    with expect.raises_value_error("labels", misconception="one-hot-labels-unchecked"):
        encoding.one_hot([0, -1, 2])


@pytest.mark.exercise("encoding.one_hot")
def test_one_hot_rejects_a_label_too_large_for_num_classes(encoding):
    with expect.raises_value_error("num_classes", misconception="one-hot-labels-unchecked"):
        encoding.one_hot([0, 3, 1], num_classes=3)


@pytest.mark.exercise("encoding.one_hot")
def test_one_hot_gives_floats_not_ints(encoding):
    got = encoding.one_hot(np.array([2, 0, 1]))
    expect.close(got, [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    _expect_floats(got, misconception="one-hot-int-matrix")


@pytest.mark.exercise("encoding.one_hot")
def test_one_hot_rejects_a_label_that_is_not_whole(encoding):
    with expect.raises_value_error("labels", misconception="one-hot-labels-unchecked"):
        encoding.one_hot([1.5, 0.0])


@pytest.mark.exercise("encoding.one_hot")
def test_one_hot_rejects_labels_with_two_columns(encoding):
    with expect.raises_value_error("labels"):
        encoding.one_hot(np.array([[0, 1], [1, 0]]))


@pytest.mark.exercise("encoding.one_hot")
def test_one_hot_rejects_a_num_classes_that_is_not_a_positive_integer(encoding):
    with expect.raises_value_error("num_classes"):
        encoding.one_hot([0, 1], num_classes=2.5)


@pytest.mark.exercise("encoding.one_hot_categories")
def test_one_hot_categories_default_to_the_sorted_values(encoding):
    matrix, categories = encoding.one_hot_categories(["red", "green", "red", "blue"])
    _expect_categories(categories, ["blue", "green", "red"],
                       wrong_answers={"categories-order": ["red", "green", "blue"]})  # in order of appearance
    expect.close(matrix, [[0, 0, 1], [0, 1, 0], [0, 0, 1], [1, 0, 0]], where="result[0]")


@pytest.mark.exercise("encoding.one_hot_categories")
def test_one_hot_categories_follow_the_given_order(encoding):
    matrix, categories = encoding.one_hot_categories(["low", "high", "mid"], categories=["low", "mid", "high"])
    _expect_categories(categories, ["low", "mid", "high"],
                       wrong_answers={"categories-order": ["high", "low", "mid"]})  # sorted, not as given
    expect.close(matrix, [[1, 0, 0], [0, 0, 1], [0, 1, 0]], where="result[0]")


@pytest.mark.exercise("encoding.one_hot_categories")
def test_one_hot_categories_names_an_unknown_value(encoding):
    with expect.raises_value_error("purple", misconception="categories-unknown-value"):
        encoding.one_hot_categories(["red", "purple"], categories=["red", "green"])


@pytest.mark.exercise("encoding.one_hot_categories")
def test_one_hot_categories_gives_floats_not_ints(encoding):
    matrix, _ = encoding.one_hot_categories(["b", "a", "b"])
    expect.close(matrix, [[0.0, 1.0], [1.0, 0.0], [0.0, 1.0]], where="result[0]")
    _expect_floats(matrix, where="result[0]", misconception="categories-int-matrix")


@pytest.mark.exercise("encoding.one_hot_categories")
def test_one_hot_categories_of_tuples_keep_each_tuple_whole(encoding):
    # Any hashable value is one category: ("b", 1) is one value, not the two items "b" and 1.
    # Valid input: a ValueError can only come from tuples taken apart (np.unique, np.array).
    with expect.misconception("categories-np-unique", raised=ValueError):
        matrix, categories = encoding.one_hot_categories([("b", 1), ("a", 2), ("b", 1)])
    _expect_categories(categories, [("a", 2), ("b", 1)])
    expect.close(matrix, [[0.0, 1.0], [1.0, 0.0], [0.0, 1.0]], where="result[0]")


@pytest.mark.exercise("encoding.one_hot_categories")
def test_one_hot_categories_rejects_repeated_categories(encoding):
    with expect.raises_value_error("categories", misconception="categories-repeated"):
        encoding.one_hot_categories(["a", "b"], categories=["a", "b", "a"])


@pytest.mark.exercise("encoding.decode_one_hot")
def test_decode_one_hot_gives_back_the_labels(encoding):
    matrix = [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    expect.equal(encoding.decode_one_hot(matrix), np.array([1, 0, 2]),
                 wrong_answers={"decode-float-labels": np.array([1.0, 0.0, 2.0])})


@pytest.mark.exercise("encoding.decode_one_hot")
def test_decode_one_hot_picks_the_most_likely_class_first_on_a_tie(encoding):
    probabilities = np.array([[0.1, 0.7, 0.2], [0.4, 0.2, 0.4]])
    expect.equal(encoding.decode_one_hot(probabilities), np.array([1, 0]), wrong_answers={
        "decode-wrong-axis": np.array([1, 0, 1]),  # one answer per column
        "decode-tie-and-shape": np.array([1, 2]),  # the last index won the tie
        "decode-first-one": np.array([0, 0]),  # the position of a 1.0, which probabilities lack
    })


@pytest.mark.exercise("encoding.decode_one_hot")
def test_decode_one_hot_rejects_a_1d_array(encoding):
    with expect.raises_value_error("matrix", misconception="decode-tie-and-shape"):
        encoding.decode_one_hot([0.0, 1.0, 0.0])


@pytest.mark.exercise("encoding.decode_one_hot")
def test_decode_one_hot_rejects_a_matrix_without_columns(encoding):
    with expect.raises_value_error("matrix"):
        encoding.decode_one_hot(np.zeros((2, 0)))
