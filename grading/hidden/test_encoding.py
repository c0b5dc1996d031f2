"""Hidden tests for encoding.py: keras.utils.to_categorical as the oracle of one_hot, random
labels as (n,) and (n, 1), int and float inputs, lists and tuples, hashable categories,
ties, round trips and every error case of the curriculum."""

import numpy as np
import pytest

from keraskit import expect
from keraskit.i18n import t
from keraskit.oracle import keras, to_numpy


def _expect_categories(got, expected):
    """A list of the expected categories (numpy strings and ints count as their Python values)."""
    if type(got) is not list:  # a type failure, of result[1]; an array is np.unique's answer
        raise expect.ExpectationFailed(t("expect.type", expected="list", got=type(got).__name__), expect.TYPE,
                                       "result[1]", misconception="categories-np-unique"
                                       if isinstance(got, np.ndarray) else None)
    expect.equal([str(c) if isinstance(c, str) else c for c in got], expected)


def _keras_one_hot(labels, num_classes=None):
    return np.asarray(keras.utils.to_categorical(np.asarray(labels), num_classes), dtype=np.float64)


# ---------------------------------------------------------------- binary_encode

@pytest.mark.exercise("encoding.binary_encode")
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_binary_encode_random_string_columns(encoding, seed):
    rng = np.random.default_rng(seed)
    column = rng.choice(["female", "male"], size=int(rng.integers(2, 40)))
    column[0], column[1] = "female", "male"  # both values present
    expect.equal(encoding.binary_encode(column, "female"), (column == "female").astype(np.int64))
    expect.equal(encoding.binary_encode(list(column), "male"), (column == "male").astype(np.int64))


@pytest.mark.exercise("encoding.binary_encode")
def test_binary_encode_numbers_and_tuples(encoding):
    expect.equal(encoding.binary_encode([0, 1, 1, 0, 1], 0), np.array([1, 0, 0, 1, 0]))
    expect.equal(encoding.binary_encode((2.5, -1.0, 2.5), 2.5), np.array([1, 0, 1]))
    expect.equal(encoding.binary_encode(np.array([7, 3, 3], dtype=np.int32), 3), np.array([0, 1, 1]))


@pytest.mark.exercise("encoding.binary_encode")
def test_binary_encode_only_the_positive_value_present(encoding):
    expect.equal(encoding.binary_encode(["x"], "x"), np.array([1]))
    expect.equal(encoding.binary_encode(np.array(["y", "y", "y"]), "y"), np.array([1, 1, 1]))


@pytest.mark.exercise("encoding.binary_encode")
def test_binary_encode_result_has_the_shape_of_values(encoding):
    values = np.array([["x", "y", "x"], ["y", "y", "x"]])
    expect.equal(encoding.binary_encode(values, "y"), (values == "y").astype(np.int64))
    expect.equal(encoding.binary_encode([[1], [2], [2]], 1), np.array([[1], [0], [0]]))


@pytest.mark.exercise("encoding.binary_encode")
@pytest.mark.parametrize("values", [["a", "b", "c"], [0, 1, 2, 1, 0], ["male", "female", "other", "male"]])
def test_binary_encode_rejects_more_than_two_values(encoding, values):
    with expect.raises_value_error("values", misconception="binary-encode-values-unchecked"):
        encoding.binary_encode(values, values[0])


@pytest.mark.exercise("encoding.binary_encode")
@pytest.mark.parametrize("values, positive", [(["male", "female"], "m"), ([0, 1], 2), (["yes", "yes"], "no"),
                                              (["a", "b"], " a")])
def test_binary_encode_rejects_an_absent_positive(encoding, values, positive):
    with expect.raises_value_error("positive", misconception="binary-encode-values-unchecked"):
        encoding.binary_encode(values, positive)


# ---------------------------------------------------------------- one_hot

@pytest.mark.exercise("encoding.one_hot")
@pytest.mark.parametrize("seed", [11, 12, 13])
def test_one_hot_random_labels_match_keras(encoding, seed):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, int(rng.integers(2, 12)), size=int(rng.integers(1, 50)))
    expect.close(encoding.one_hot(labels), _keras_one_hot(labels))
    expect.close(encoding.one_hot(labels, num_classes=int(labels.max()) + 3),
                 _keras_one_hot(labels, int(labels.max()) + 3))


@pytest.mark.exercise("encoding.one_hot")
@pytest.mark.parametrize("seed", [14, 15])
def test_one_hot_column_labels_match_keras(encoding, seed):
    labels = np.random.default_rng(seed).integers(0, 6, size=(17, 1))
    expect.close(encoding.one_hot(labels), _keras_one_hot(labels))
    expect.close(encoding.one_hot(labels, 9), _keras_one_hot(labels, 9))


@pytest.mark.exercise("encoding.one_hot")
@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.uint8, np.float32, np.float64])
def test_one_hot_any_numeric_dtype_gives_float64(encoding, dtype):
    labels = np.array([3, 0, 2, 2, 1], dtype=dtype)
    expect.close(encoding.one_hot(labels), _keras_one_hot(labels))


@pytest.mark.exercise("encoding.one_hot")
@pytest.mark.parametrize("labels", [np.array([3, 0, 2], dtype=np.int32), [1, 0], np.array([[2.0], [0.0]])],
                         ids=["int32", "list", "float-column"])
def test_one_hot_entries_are_floats_whatever_the_labels(encoding, labels):
    """The docstring: floats (float64 or float32), never ints, whatever the labels' dtype."""
    got = expect.as_array(encoding.one_hot(labels))
    if got.dtype.kind != "f":
        with expect.misconception("one-hot-int-matrix"):  # an int matrix is the only way to fail here
            raise expect.ExpectationFailed(t("expect.dtype", expected="float64 / float32", got=got.dtype.name),
                                           expect.DTYPE)
    expect.close(got, _keras_one_hot(labels))


@pytest.mark.exercise("encoding.one_hot")
def test_one_hot_lists_tuples_and_numpy_num_classes(encoding):
    expect.close(encoding.one_hot([1, 0, 2]), _keras_one_hot([1, 0, 2]))
    expect.close(encoding.one_hot((4, 4, 0)), _keras_one_hot((4, 4, 0)))
    expect.close(encoding.one_hot([[2], [1]], num_classes=np.int64(3)), _keras_one_hot([[2], [1]], 3))


@pytest.mark.exercise("encoding.one_hot")
def test_one_hot_single_label_and_single_class(encoding):
    expect.close(encoding.one_hot([0]), [[1.0]])
    expect.close(encoding.one_hot([0, 0, 0], num_classes=1), [[1.0], [1.0], [1.0]])
    expect.close(encoding.one_hot([5]), _keras_one_hot([5]))


@pytest.mark.exercise("encoding.one_hot")
@pytest.mark.parametrize("labels", [[0, -1, 2], [-3], np.array([[1], [-1]]), [1.5, 0.0], [2.0, 0.25],
                                    [0.0, np.nan], np.array([[0, 1], [1, 0]]),
                                    np.zeros((2, 2, 1), dtype=int), ["a", "b"]],
                         ids=["negative", "negative-only", "negative-column", "fraction", "small-fraction",
                              "nan", "two-columns", "3d", "strings"])
def test_one_hot_rejects_bad_labels(encoding, labels):
    with expect.raises_value_error("labels", misconception="one-hot-labels-unchecked"):
        with expect.no_warnings():
            encoding.one_hot(labels)


@pytest.mark.exercise("encoding.one_hot")
@pytest.mark.parametrize("labels, num_classes", [([0, 3, 1], 3), ([5], 5), ([[2], [7]], 4), ([0, 1], 1)])
def test_one_hot_rejects_labels_not_below_num_classes(encoding, labels, num_classes):
    with expect.raises_value_error("num_classes", misconception="one-hot-labels-unchecked"):
        encoding.one_hot(labels, num_classes)


@pytest.mark.exercise("encoding.one_hot")
@pytest.mark.parametrize("num_classes", [2.5, -1, "3"])
def test_one_hot_rejects_a_num_classes_that_is_not_a_positive_integer(encoding, num_classes):
    with expect.raises_value_error("num_classes"):
        encoding.one_hot([0, 1], num_classes)


# ---------------------------------------------------------------- one_hot_categories

def _one_hot_of(values, categories):
    """The expected matrix: row i has a 1 in the column of values[i] in categories."""
    matrix = np.zeros((len(values), len(categories)))
    for i, value in enumerate(values):
        matrix[i, categories.index(value)] = 1.0
    return matrix


@pytest.mark.exercise("encoding.one_hot_categories")
@pytest.mark.parametrize("seed", [21, 22, 23])
def test_one_hot_categories_random_strings_default_to_sorted(encoding, seed):
    rng = np.random.default_rng(seed)
    pool = ["zebra", "apple", "Mango", "kiwi", "banana", "cherry"]
    values = [str(v) for v in rng.choice(pool, size=int(rng.integers(1, 30)))]
    expected_categories = sorted(set(values))
    matrix, categories = encoding.one_hot_categories(values)
    _expect_categories(categories, expected_categories)
    expect.close(matrix, _one_hot_of(values, expected_categories), where="result[0]")


@pytest.mark.exercise("encoding.one_hot_categories")
def test_one_hot_categories_matches_keras_string_lookup(encoding):
    values = ["red", "green", "red", "blue", "green"]
    vocabulary = ["red", "green", "blue"]
    lookup = keras.layers.StringLookup(vocabulary=vocabulary, num_oov_indices=0, output_mode="one_hot")
    expected = to_numpy(lookup(np.array(values))).astype(np.float64)
    matrix, categories = encoding.one_hot_categories(np.array(values), categories=vocabulary)
    _expect_categories(categories, vocabulary)
    expect.close(matrix, expected, where="result[0]")


@pytest.mark.exercise("encoding.one_hot_categories")
def test_one_hot_categories_of_integers(encoding):
    values = np.array([30, 10, 20, 10, 30], dtype=np.int32)
    matrix, categories = encoding.one_hot_categories(values)
    _expect_categories(categories, [10, 20, 30])
    expect.close(matrix, _one_hot_of([30, 10, 20, 10, 30], [10, 20, 30]), where="result[0]")


@pytest.mark.exercise("encoding.one_hot_categories")
def test_one_hot_categories_of_any_hashable_values(encoding):
    values = [("b", 1), ("a", 2), ("b", 1)]
    matrix, categories = encoding.one_hot_categories(values)
    _expect_categories(categories, [("a", 2), ("b", 1)])
    expect.close(matrix, [[0.0, 1.0], [1.0, 0.0], [0.0, 1.0]], where="result[0]")


@pytest.mark.exercise("encoding.one_hot_categories")
def test_one_hot_categories_given_categories_may_be_unused_and_keep_their_order(encoding):
    values = ("cat", "dog", "cat")
    given = ["dog", "bird", "cat"]
    matrix, categories = encoding.one_hot_categories(values, categories=tuple(given))
    _expect_categories(categories, given)
    expect.close(matrix, [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]], where="result[0]")


@pytest.mark.exercise("encoding.one_hot_categories")
def test_one_hot_categories_single_value(encoding):
    matrix, categories = encoding.one_hot_categories(["only", "only"])
    _expect_categories(categories, ["only"])
    expect.close(matrix, [[1.0], [1.0]], where="result[0]")


@pytest.mark.exercise("encoding.one_hot_categories")
@pytest.mark.parametrize("values, given, unknown", [
    (["red", "purple"], ["red", "green"], "purple"),
    (["a", "b", "zz_top"], ["b", "a"], "zz_top"),
    ([1, 2, 42], [1, 2, 3], "42"),
])
def test_one_hot_categories_names_the_unknown_value(encoding, values, given, unknown):
    with expect.raises_value_error(unknown, misconception="categories-unknown-value"):
        encoding.one_hot_categories(values, categories=given)


@pytest.mark.exercise("encoding.one_hot_categories")
def test_one_hot_categories_rejects_repeated_categories(encoding):
    with expect.raises_value_error("categories", misconception="categories-repeated"):
        encoding.one_hot_categories(["a", "b"], categories=["a", "b", "a"])


@pytest.mark.exercise("encoding.one_hot_categories")
@pytest.mark.parametrize("values, categories", [(["red", "green", "red"], None), ((3, 1, 2, 3), [3, 2, 1])],
                         ids=["strings", "given-order"])
def test_one_hot_categories_matrix_holds_floats(encoding, values, categories):
    """The docstring: floats (float64 or float32), never ints."""
    matrix, order = encoding.one_hot_categories(values, categories)
    got = expect.as_array(matrix, where="result[0]")
    if got.dtype.kind != "f":
        with expect.misconception("categories-int-matrix"):  # an int matrix is the only way to fail here
            raise expect.ExpectationFailed(t("expect.dtype", expected="float64 / float32", got=got.dtype.name),
                                           expect.DTYPE, "result[0]")
    expected_order = sorted(set(values)) if categories is None else categories
    expect.close(got, [[float(v == c) for c in expected_order] for v in values], where="result[0]")


# ---------------------------------------------------------------- decode_one_hot

@pytest.mark.exercise("encoding.decode_one_hot")
@pytest.mark.parametrize("seed", [31, 32])
def test_decode_one_hot_inverts_keras_to_categorical(encoding, seed):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 7, size=int(rng.integers(1, 40)))
    expect.equal(encoding.decode_one_hot(_keras_one_hot(labels, 7)), labels.astype(np.int64))


@pytest.mark.exercise("encoding.decode_one_hot")
@pytest.mark.parametrize("seed", [33, 34])
def test_decode_one_hot_of_probabilities_matches_keras_argmax(encoding, seed):
    rng = np.random.default_rng(seed)
    probabilities = rng.dirichlet(np.ones(5), size=int(rng.integers(2, 30)))
    expected = to_numpy(keras.ops.argmax(probabilities, axis=-1)).astype(np.int64)
    expect.equal(encoding.decode_one_hot(probabilities), expected)


@pytest.mark.exercise("encoding.decode_one_hot")
def test_decode_one_hot_ties_go_to_the_first_index(encoding):
    matrix = np.array([[0.5, 0.5, 0.0], [0.2, 0.4, 0.4], [1 / 3, 1 / 3, 1 / 3], [0.0, 0.0, 0.0]])
    expect.equal(encoding.decode_one_hot(matrix), np.array([0, 1, 0, 0]))


@pytest.mark.exercise("encoding.decode_one_hot")
def test_decode_one_hot_logits_ints_and_lists(encoding):
    expect.equal(encoding.decode_one_hot([[-3.0, -1e4, -2.5], [1e4, 2e4, -1.0]]), np.array([2, 1]))
    expect.equal(encoding.decode_one_hot(np.array([[0, 1], [1, 0], [0, 1]], dtype=np.int32)), np.array([1, 0, 1]))
    expect.equal(encoding.decode_one_hot(((0.9,), (0.1,))), np.array([0, 0]))


@pytest.mark.exercise("encoding.decode_one_hot")
def test_decode_one_hot_of_a_wide_matrix_is_per_row(encoding):
    matrix = np.array([[0.1, 0.2, 0.3, 0.15, 0.25], [0.6, 0.1, 0.1, 0.1, 0.1]])
    expect.equal(encoding.decode_one_hot(matrix), np.array([2, 0]))


@pytest.mark.exercise("encoding.decode_one_hot")
@pytest.mark.parametrize("matrix", [[0.2, 0.8], np.zeros((2, 3, 4)), 1.0, np.zeros((3, 0))],
                         ids=["1d", "3d", "scalar", "no-columns"])
def test_decode_one_hot_rejects_anything_but_a_2d_matrix(encoding, matrix):
    with expect.raises_value_error("matrix", misconception="decode-tie-and-shape"):
        encoding.decode_one_hot(matrix)
