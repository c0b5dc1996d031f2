"""Hidden tests for tensors.py: random shapes and values, int/float32 inputs, constant columns,
seeds and fraction edge cases, properties of the splits, Keras's Normalization as the oracle of
standardization, and every error case of the curriculum."""

import numpy as np
import pytest

from keraskit import expect
from keraskit.oracle import keras, to_numpy

RNG = np.random.default_rng(20261126)


@pytest.mark.exercise("tensors.samples_first")
@pytest.mark.parametrize("ndim", [1, 2, 3, 4, 5])
def test_samples_first_every_axis_matches_moveaxis(tensors, ndim):
    x = RNG.normal(size=tuple(RNG.integers(1, 5, size=ndim)))
    for axis in range(-ndim, ndim):
        expect.close(tensors.samples_first(x, axis), np.moveaxis(x, axis, 0))


@pytest.mark.exercise("tensors.samples_first")
def test_samples_first_distinct_sizes_keep_the_other_axes_in_order(tensors):
    x = np.arange(2 * 3 * 4 * 5, dtype=float).reshape(2, 3, 4, 5)
    expect.equal(tensors.samples_first(x, 2), np.moveaxis(x, 2, 0))


@pytest.mark.exercise("tensors.samples_first")
def test_samples_first_accepts_nested_lists(tensors):
    expect.equal(tensors.samples_first([[1, 2, 3], [4, 5, 6]], 1), np.array([[1, 4], [2, 5], [3, 6]]))


@pytest.mark.exercise("tensors.samples_first")
@pytest.mark.parametrize("axis", [3, -4, 10])
def test_samples_first_rejects_axes_out_of_range(tensors, axis):
    with expect.raises_value_error("sample_axis", misconception="samples-first-axis-unchecked"):
        tensors.samples_first(np.zeros((2, 3, 4)), axis)


# ---------------------------------------------------------------- image_batch_shape

@pytest.mark.exercise("tensors.image_batch_shape")
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_image_batch_shape_random_sizes_in_keras_order(tensors, seed):
    n, h, w, c = (int(v) for v in np.random.default_rng(seed).integers(1, 300, size=4))
    expect.equal(tensors.image_batch_shape(n, h, w, c), (n, h, w, c))
    expect.equal(tensors.image_batch_shape(n, h, w), (n, h, w, 3))


@pytest.mark.exercise("tensors.image_batch_shape")
def test_image_batch_shape_distinct_sizes_are_not_reordered(tensors):
    expect.equal(tensors.image_batch_shape(7, 5, 3, channels=2), (7, 5, 3, 2))


@pytest.mark.exercise("tensors.image_batch_shape")
def test_image_batch_shape_accepts_numpy_integers(tensors):
    expect.equal(tensors.image_batch_shape(np.int64(4), np.int32(8), np.int64(6), np.int64(1)), (4, 8, 6, 1))


@pytest.mark.exercise("tensors.image_batch_shape")
@pytest.mark.parametrize("position", [0, 1, 2, 3])
@pytest.mark.parametrize("bad", [0, -3, 2.5, "8", None])
def test_image_batch_shape_rejects_each_bad_size_by_name(tensors, position, bad):
    names = ["n_images", "height", "width", "channels"]
    sizes = [10, 32, 32, 3]
    sizes[position] = bad
    with expect.raises_value_error(names[position], misconception="image-batch-sizes-unchecked"):
        tensors.image_batch_shape(*sizes)


# ---------------------------------------------------------------- normalize

def _min_max(columns):
    columns = np.asarray(columns, dtype=np.float64)
    span = columns.max(axis=0) - columns.min(axis=0)
    return np.where(span == 0, 0.0, (columns - columns.min(axis=0)) / np.where(span == 0, 1.0, span))


@pytest.mark.exercise("tensors.normalize")
@pytest.mark.parametrize("seed", [11, 12, 13])
def test_normalize_random_matrices_per_column(tensors, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(int(rng.integers(3, 40)), int(rng.integers(2, 7)))) * rng.uniform(1, 1e4, size=1)
    x += rng.normal(size=x.shape[1]) * 100  # each column its own offset
    expect.close(tensors.normalize(x), _min_max(x))


@pytest.mark.exercise("tensors.normalize")
def test_normalize_large_magnitudes(tensors):
    x = np.array([[-1e4, 3.0], [1e4, -2.0], [0.5, 1e4], [2.0, -1e4]])
    expect.close(tensors.normalize(x), _min_max(x))


@pytest.mark.exercise("tensors.normalize")
def test_normalize_a_wide_matrix_is_still_per_column(tensors):
    x = np.random.default_rng(14).uniform(-5, 5, size=(3, 8))
    expect.close(tensors.normalize(x), _min_max(x))


@pytest.mark.exercise("tensors.normalize")
def test_normalize_int_input_gives_float64(tensors):
    x = np.random.default_rng(15).integers(-50, 50, size=(9, 4))
    expect.close(tensors.normalize(x), _min_max(x))


@pytest.mark.exercise("tensors.normalize")
def test_normalize_float32_input_gives_float64(tensors):
    x = np.random.default_rng(16).normal(size=(8, 3)).astype(np.float32)
    expect.close(tensors.normalize(x), _min_max(x.astype(np.float64)), rtol=1e-6, atol=1e-7)


@pytest.mark.exercise("tensors.normalize")
def test_normalize_constant_columns_become_zeros_without_warnings(tensors):
    x = np.array([[0.1, 5.0, -3.0], [0.1, 6.0, -3.0], [0.1, 9.0, -3.0]])
    with expect.no_warnings(misconception="normalize-constant-column"):
        got = tensors.normalize(x)
    expect.close(got, [[0.0, 0.0, 0.0], [0.0, 0.25, 0.0], [0.0, 1.0, 0.0]])


@pytest.mark.exercise("tensors.normalize")
def test_normalize_a_single_row_is_all_zeros(tensors):
    with expect.no_warnings(misconception="normalize-constant-column"):
        got = tensors.normalize([[3.0, -1.0, 8.0]])
    expect.close(got, [[0.0, 0.0, 0.0]])


@pytest.mark.exercise("tensors.normalize")
def test_normalize_1d_input_keeps_its_shape(tensors):
    x = np.random.default_rng(17).normal(size=11) * 40
    expect.close(tensors.normalize(x), _min_max(x[:, None])[:, 0])


@pytest.mark.exercise("tensors.normalize")
def test_normalize_accepts_lists_and_tuples(tensors):
    expect.close(tensors.normalize(((2, 9), (4, 3), (3, 6))), [[0.0, 1.0], [1.0, 0.0], [0.5, 0.5]])
    expect.close(tensors.normalize([5, 1, 3]), [1.0, 0.0, 0.5])


@pytest.mark.exercise("tensors.normalize")
@pytest.mark.parametrize("bad", [np.zeros((2, 2, 2)), 4.0, np.zeros((1, 2, 3, 1))], ids=["3d", "scalar", "4d"])
def test_normalize_rejects_other_than_1d_or_2d(tensors, bad):
    with expect.raises_value_error("x", misconception="normalize-ndim-unchecked"):
        tensors.normalize(bad)


# ---------------------------------------------------------------- standardize

def _keras_normalization(x):
    """Keras's own standardization: a Normalization layer adapted to x, in float64."""
    layer = keras.layers.Normalization(axis=-1, dtype="float64")
    layer.adapt(x)
    return to_numpy(layer(x))


@pytest.mark.exercise("tensors.standardize")
@pytest.mark.parametrize("seed", [21, 22])
def test_standardize_matches_keras_normalization(tensors, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(int(rng.integers(5, 30)), int(rng.integers(2, 6)))) * rng.uniform(0.1, 1e3, size=1)
    x += rng.normal(size=x.shape[1]) * 50
    expect.close(tensors.standardize(x), _keras_normalization(x), rtol=1e-6)


@pytest.mark.exercise("tensors.standardize")
def test_standardize_constant_column_matches_keras_zero(tensors):
    x = np.array([[1.0, 0.1], [2.0, 0.1], [4.0, 0.1], [9.0, 0.1]])
    expect.close(tensors.standardize(x), _keras_normalization(x), rtol=1e-6)


@pytest.mark.exercise("tensors.standardize")
def test_standardize_uses_the_population_std(tensors):
    x = np.array([[1.0, -2.0], [2.0, 0.0], [6.0, 5.0]])
    expected = (x - x.mean(axis=0)) / x.std(axis=0, ddof=0)
    expect.close(tensors.standardize(x), expected)


@pytest.mark.exercise("tensors.standardize")
def test_standardize_a_wide_matrix_is_still_per_column(tensors):
    x = np.random.default_rng(23).uniform(-5, 5, size=(3, 7))
    expect.close(tensors.standardize(x), (x - x.mean(axis=0)) / x.std(axis=0))


@pytest.mark.exercise("tensors.standardize")
@pytest.mark.parametrize("value", [0.1, 7.7, 1e4 / 3])
def test_standardize_constant_column_with_an_inexact_mean_is_exactly_zero(tensors, value):
    # The mean of three 0.1s is not exactly 0.1, so the computed std is ~1e-17, not 0.
    x = np.array([[value, 1.0], [value, 2.0], [value, 3.0], [value, 5.0], [value, 9.0], [value, 4.0], [value, 0.0]])
    with expect.no_warnings(misconception="standardize-constant-by-std-zero"):
        got = tensors.standardize(x)
    expected = np.zeros_like(x)
    expected[:, 1] = (x[:, 1] - x[:, 1].mean()) / x[:, 1].std()
    expect.close(got, expected)


@pytest.mark.exercise("tensors.standardize")
def test_standardize_int_and_float32_inputs_give_float64(tensors):
    ints = np.random.default_rng(24).integers(-9, 9, size=(10, 3))
    ints[:, 0] = np.arange(10)  # at least one column that is surely not constant
    expect.close(tensors.standardize(ints), (ints - ints.mean(axis=0)) / np.where(ints.std(axis=0) == 0, 1,
                                                                                ints.std(axis=0)))
    floats = np.random.default_rng(25).normal(size=(6, 2)).astype(np.float32)
    wide = floats.astype(np.float64)
    expect.close(tensors.standardize(floats), (wide - wide.mean(axis=0)) / wide.std(axis=0), rtol=1e-5, atol=1e-6)


@pytest.mark.exercise("tensors.standardize")
def test_standardize_1d_input_keeps_its_shape(tensors):
    x = np.array([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0])
    expect.close(tensors.standardize(x), (x - 5.0) / 2.0)
    expect.close(tensors.standardize([3, 3, 3]), [0.0, 0.0, 0.0])


@pytest.mark.exercise("tensors.standardize")
@pytest.mark.parametrize("bad", [np.zeros((2, 2, 2)), 1.5], ids=["3d", "scalar"])
def test_standardize_rejects_other_than_1d_or_2d(tensors, bad):
    with expect.raises_value_error("x"):
        tensors.standardize(bad)


# ---------------------------------------------------------------- fit_standardizer

@pytest.mark.exercise("tensors.fit_standardizer")
@pytest.mark.parametrize("seed", [31, 32])
def test_fit_standardizer_matches_keras_normalization_statistics(tensors, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(int(rng.integers(4, 30)), int(rng.integers(2, 6)))) * 30 + rng.normal(size=1) * 100
    layer = keras.layers.Normalization(axis=-1, dtype="float64")
    layer.adapt(x)
    mean, std = tensors.fit_standardizer(x)
    expect.close(mean, to_numpy(layer.mean).reshape(-1), rtol=1e-6, where="result[0]")
    expect.close(std, np.sqrt(to_numpy(layer.variance).reshape(-1)), rtol=1e-6, where="result[1]")


@pytest.mark.exercise("tensors.fit_standardizer")
def test_fit_standardizer_uses_the_population_std_per_column(tensors):
    x = np.array([[1.0, 10.0, -4.0], [2.0, 30.0, 0.0], [6.0, 20.0, 1.0], [3.0, 0.0, 7.0]])
    mean, std = tensors.fit_standardizer(x)
    expect.close(mean, x.mean(axis=0), where="result[0]")
    expect.close(std, x.std(axis=0, ddof=0), where="result[1]")


@pytest.mark.exercise("tensors.fit_standardizer")
@pytest.mark.parametrize("value", [0.0, 0.1, 7.7, 1e4 / 3])
def test_fit_standardizer_constant_column_std_is_one(tensors, value):
    x = np.array([[value, 1.0], [value, 2.0], [value, 4.0], [value, 8.0], [value, 0.0], [value, 3.0], [value, 5.0]])
    with expect.no_warnings():
        mean, std = tensors.fit_standardizer(x)
    expect.close(mean, [value, x[:, 1].mean()], where="result[0]")
    expect.close(std, [1.0, x[:, 1].std()], where="result[1]")


@pytest.mark.exercise("tensors.fit_standardizer")
def test_fit_standardizer_single_row_has_unit_std(tensors):
    mean, std = tensors.fit_standardizer([[3.0, -1.0, 2.5]])
    expect.close(mean, [3.0, -1.0, 2.5], where="result[0]")
    expect.close(std, [1.0, 1.0, 1.0], where="result[1]")


@pytest.mark.exercise("tensors.fit_standardizer")
def test_fit_standardizer_int_and_float32_inputs_give_float64(tensors):
    ints = [[1, 4], [3, 8], [8, 9]]
    mean, std = tensors.fit_standardizer(ints)
    wide = np.array(ints, dtype=np.float64)
    expect.close(mean, wide.mean(axis=0), where="result[0]")
    expect.close(std, wide.std(axis=0), where="result[1]")
    floats = np.array([[0.5, 1.25], [2.0, -3.5]], dtype=np.float32)
    mean, std = tensors.fit_standardizer(floats)
    expect.close(mean, [1.25, -1.125], where="result[0]")
    expect.close(std, [0.75, 2.375], where="result[1]")


@pytest.mark.exercise("tensors.fit_standardizer")
@pytest.mark.parametrize("bad", [np.zeros((3, 2, 2)), np.zeros((0, 3))], ids=["3d", "no-rows"])
def test_fit_standardizer_rejects_bad_training_data(tensors, bad):
    with expect.raises_value_error("x_train", misconception="fit-standardizer-empty-unchecked"):
        with expect.no_warnings():
            tensors.fit_standardizer(bad)


# ---------------------------------------------------------------- apply_standardizer

@pytest.mark.exercise("tensors.apply_standardizer")
@pytest.mark.parametrize("seed", [41, 42])
def test_apply_standardizer_random_statistics(tensors, seed):
    rng = np.random.default_rng(seed)
    n, d = int(rng.integers(1, 20)), int(rng.integers(2, 6))
    x, mean, std = rng.normal(size=(n, d)) * 100, rng.normal(size=d) * 10, rng.uniform(0.1, 20, size=d)
    expect.close(tensors.apply_standardizer(x, mean, std), (x - mean) / std)


@pytest.mark.exercise("tensors.apply_standardizer")
def test_apply_standardizer_matches_a_keras_normalization_with_fixed_statistics(tensors):
    rng = np.random.default_rng(43)
    x, mean, std = rng.normal(size=(5, 3)) * 4, rng.normal(size=3), rng.uniform(0.5, 3, size=3)
    layer = keras.layers.Normalization(mean=mean, variance=std ** 2, dtype="float64")
    expect.close(tensors.apply_standardizer(x, mean, std), to_numpy(layer(x)), rtol=1e-6)


@pytest.mark.exercise("tensors.apply_standardizer")
def test_apply_standardizer_accepts_lists_ints_and_one_sample(tensors):
    expect.close(tensors.apply_standardizer([[1, 2], [3, 4]], [1, 1], [2, 4]), [[0.0, 0.25], [1.0, 0.75]])
    expect.close(tensors.apply_standardizer([5, 10, 15], (1.0, 2.0, 3.0), (2.0, 4.0, 6.0)), [2.0, 2.0, 2.0])


@pytest.mark.exercise("tensors.apply_standardizer")
@pytest.mark.parametrize("mean", [[0.0], [0.0, 0.0], [0.0] * 4, [[0.0, 0.0, 0.0]] * 2],
                         ids=["one", "short", "long", "2d"])
def test_apply_standardizer_rejects_a_mean_that_does_not_match_x(tensors, mean):
    with expect.raises_value_error("mean", misconception="apply-standardizer-shapes-unchecked"):
        tensors.apply_standardizer(np.ones((2, 3)), mean, [1.0, 1.0, 1.0])


@pytest.mark.exercise("tensors.apply_standardizer")
@pytest.mark.parametrize("std", [[2.0], [1.0, 1.0], [1.0] * 5], ids=["one", "short", "long"])
def test_apply_standardizer_rejects_a_std_that_does_not_match_x(tensors, std):
    with expect.raises_value_error("std", misconception="apply-standardizer-shapes-unchecked"):
        tensors.apply_standardizer(np.ones((4, 3)), [0.0, 0.0, 0.0], std)


@pytest.mark.exercise("tensors.apply_standardizer")
def test_apply_standardizer_rejects_a_zero_std(tensors):
    with expect.raises_value_error("std", misconception="apply-standardizer-zero-std"):
        with expect.no_warnings():
            tensors.apply_standardizer(np.ones((4, 2)), [0.0, 0.0], [1.0, 0.0])


WHOLE = np.array([[0, 3], [2, 3], [0, 3], [2, 3]], dtype=np.int32)  # column 0: mean 1, std 1, min 0, max 2
WHOLE_STANDARDIZED = [[-1.0, 0.0], [1.0, 0.0], [-1.0, 0.0], [1.0, 0.0]]


def _expect_floats(got, expected, misconception=None):
    """The docstrings say "Returns floats": int input whose scaled values are whole still gives floats
    (``misconception``: the mistake an int result shows, where the exercise names one)."""
    array = expect.as_array(got)
    expect.that(array.dtype.kind == "f", "expect.dtype", kind=expect.DTYPE, expected="float64 / float32",
                got=array.dtype.name, misconception=misconception)
    expect.close(array, expected)


@pytest.mark.exercise("tensors.normalize")
def test_normalize_returns_floats_even_when_the_answers_are_whole(tensors):
    _expect_floats(tensors.normalize(WHOLE), [[0.0, 0.0], [1.0, 0.0], [0.0, 0.0], [1.0, 0.0]],
                   misconception="normalize-int-result")


@pytest.mark.exercise("tensors.standardize")
def test_standardize_returns_floats_even_when_the_answers_are_whole(tensors):
    _expect_floats(tensors.standardize(WHOLE), WHOLE_STANDARDIZED)


@pytest.mark.exercise("tensors.apply_standardizer")
def test_apply_standardizer_returns_floats_even_when_the_answers_are_whole(tensors):
    _expect_floats(tensors.apply_standardizer(WHOLE, np.array([1, 3]), np.array([1, 1])), WHOLE_STANDARDIZED)


# ---------------------------------------------------------------- split_train_val_test

def _expected_split(n, fractions, seed):
    """The curriculum's rule, written out: sizes by int(), the generator's order, train/val/test."""
    n_val, n_test = int(n * fractions[1]), int(n * fractions[2])
    n_train = n - n_val - n_test
    order = np.arange(n) if seed is None else np.random.default_rng(seed).permutation(n)
    return order[:n_train], order[n_train:n_train + n_val], order[n_train + n_val:]


def _check_split(tensors, x, y, fractions, seed):
    got = tensors.split_train_val_test(x, y, fractions, seed)
    expect.equal(len(got), 3)
    for part, ((x_part, y_part), rows) in enumerate(zip(got, _expected_split(len(y), fractions, seed))):
        expect.equal(x_part, np.asarray(x)[rows], where=f"result[{part}][0]")
        expect.equal(y_part, np.asarray(y)[rows], where=f"result[{part}][1]")


@pytest.mark.exercise("tensors.split_train_val_test")
@pytest.mark.parametrize("n, fractions, seed", [
    (10, (0.6, 0.2, 0.2), None), (10, (0.6, 0.2, 0.2), 0), (37, (0.6, 0.2, 0.2), 5),
    (101, (0.7, 0.15, 0.15), 42), (23, (0.8, 0.1, 0.1), None), (100, (0.42, 0.29, 0.29), 3),
    (9, (0.5, 0.25, 0.25), 1), (13, (0.34, 0.33, 0.33), 12),
])
def test_split_train_val_test_follows_the_rule_exactly(tensors, n, fractions, seed):
    x = np.arange(n * 3).reshape(n, 3)
    _check_split(tensors, x, np.arange(n) * 7, fractions, seed)


@pytest.mark.exercise("tensors.split_train_val_test")
def test_split_train_val_test_accepts_fractions_with_float_rounding(tensors):
    assert 0.7 + 0.2 + 0.1 != 1.0  # the sum is 0.9999999999999999: within the 1e-9 tolerance
    _check_split(tensors, np.arange(20).reshape(10, 2), np.arange(10), (0.7, 0.2, 0.1), 4)


@pytest.mark.exercise("tensors.split_train_val_test")
def test_split_train_val_test_default_fractions_and_no_seed(tensors):
    x = np.random.default_rng(51).normal(size=(15, 2))
    y = np.arange(15)
    (x_train, y_train), (x_val, y_val), (x_test, y_test) = tensors.split_train_val_test(x, y)
    expect.close(x_train, x[:9], where="result[0][0]")
    expect.equal(y_val, np.arange(9, 12), where="result[1][1]")
    expect.equal(y_test, np.arange(12, 15), where="result[2][1]")


@pytest.mark.exercise("tensors.split_train_val_test")
def test_split_train_val_test_seed_0_still_shuffles(tensors):
    (_, y_train), _, _ = tensors.split_train_val_test(np.zeros((30, 1)), np.arange(30), seed=0)
    expect.equal(y_train, np.random.default_rng(0).permutation(30)[:18], where="result[0][1]")


@pytest.mark.exercise("tensors.split_train_val_test")
@pytest.mark.parametrize("seed", [61, 62, 63])
def test_split_train_val_test_parts_partition_the_data(tensors, seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 80))
    x = rng.normal(size=(n, 4))
    y = np.arange(n)
    parts = tensors.split_train_val_test(x, y, seed=seed)
    (x_train, y_train), (x_val, y_val), (x_test, y_test) = [tuple(map(expect.as_array, part)) for part in parts]
    all_labels = np.concatenate([y_train, y_val, y_test])
    expect.equal(np.sort(all_labels), y)
    expect.equal(np.intersect1d(y_train, y_val).size, 0)
    expect.close(np.concatenate([x_train, x_val, x_test]), x[all_labels])


@pytest.mark.exercise("tensors.split_train_val_test")
def test_split_train_val_test_images_and_column_labels(tensors):
    x = np.random.default_rng(64).normal(size=(12, 4, 3, 2))
    y = np.arange(12).reshape(12, 1)
    got = tensors.split_train_val_test(x, y, (0.5, 0.25, 0.25), 8)
    for part, ((x_part, y_part), rows) in enumerate(zip(got, _expected_split(12, (0.5, 0.25, 0.25), 8))):
        expect.close(x_part, x[rows], where=f"result[{part}][0]")
        expect.equal(y_part, y[rows], where=f"result[{part}][1]")


@pytest.mark.exercise("tensors.split_train_val_test")
def test_split_train_val_test_accepts_lists(tensors):
    x = [[float(i), float(-i)] for i in range(10)]
    y = list(range(10))
    got = tensors.split_train_val_test(x, y, [0.6, 0.2, 0.2], 9)
    for part, ((x_part, y_part), rows) in enumerate(zip(got, _expected_split(10, (0.6, 0.2, 0.2), 9))):
        expect.close(x_part, np.array(x)[rows], where=f"result[{part}][0]")
        expect.equal(y_part, np.array(y)[rows], where=f"result[{part}][1]")


@pytest.mark.exercise("tensors.split_train_val_test")
def test_split_train_val_test_empty_parts_keep_their_shape(tensors):
    x = np.ones((6, 3))
    (x_train, _), (x_val, y_val), (x_test, _) = tensors.split_train_val_test(x, np.arange(6), (1.0, 0.0, 0.0))
    expect.close(x_train, x, where="result[0][0]")
    expect.close(x_val, np.ones((0, 3)), where="result[1][0]")
    expect.close(x_test, np.ones((0, 3)), where="result[2][0]")
    expect.equal(y_val, np.arange(0), where="result[1][1]")


@pytest.mark.exercise("tensors.split_train_val_test")
@pytest.mark.parametrize("fractions", [(0.6, 0.2, 0.1), (0.6, 0.3, 0.2), (1.2, -0.1, -0.1), (1.0, 0.5, -0.5),
                                       (0.5, 0.5), (0.6, 0.2, 0.2 + 1e-6)],
                         ids=["sum-below", "sum-above", "negatives", "one-negative", "two", "just-above"])
def test_split_train_val_test_rejects_bad_fractions(tensors, fractions):
    with expect.raises_value_error("fractions", misconception="split-fractions-unchecked"):
        tensors.split_train_val_test(np.zeros((10, 2)), np.zeros(10), fractions)


@pytest.mark.exercise("tensors.split_train_val_test")
def test_split_train_val_test_rejects_x_and_y_of_different_lengths(tensors):
    with expect.raises_value_error("y", "x"):
        tensors.split_train_val_test(np.zeros((10, 2)), np.zeros(9))


# ---------------------------------------------------------------- split_validation_tail

@pytest.mark.exercise("tensors.split_validation_tail")
@pytest.mark.parametrize("seed", [71, 72, 73])
def test_split_validation_tail_random_sizes(tensors, seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 60))
    start = int(rng.integers(1, n))
    x, y = rng.normal(size=(n, 3)), rng.integers(0, 2, size=n)
    (x_train, y_train), (x_val, y_val) = tensors.split_validation_tail(x, y, start)
    expect.close(x_train, x[:start], where="result[0][0]")
    expect.equal(y_train, y[:start], where="result[0][1]")
    expect.close(x_val, x[start:], where="result[1][0]")
    expect.equal(y_val, y[start:], where="result[1][1]")


@pytest.mark.exercise("tensors.split_validation_tail")
@pytest.mark.parametrize("start", [1, 9])
def test_split_validation_tail_smallest_parts(tensors, start):
    x, y = np.arange(20).reshape(10, 2), np.arange(10).reshape(10, 1)
    (x_train, y_train), (x_val, y_val) = tensors.split_validation_tail(x, y, start)
    expect.equal(x_train, x[:start], where="result[0][0]")
    expect.equal(y_train, y[:start], where="result[0][1]")
    expect.equal(x_val, x[start:], where="result[1][0]")
    expect.equal(y_val, y[start:], where="result[1][1]")


@pytest.mark.exercise("tensors.split_validation_tail")
def test_split_validation_tail_no_validation_row_is_trained_on(tensors):
    x = np.arange(404 * 13).reshape(404, 13)
    (x_train, _), (x_val, _) = tensors.split_validation_tail(x, np.arange(404), 300)
    x_train, x_val = expect.as_array(x_train), expect.as_array(x_val)
    expect.equal(x_train.shape[0] + x_val.shape[0], 404)
    shared = set(map(tuple, x_train.tolist())) & set(map(tuple, x_val.tolist()))
    expect.equal(len(shared), 0)


@pytest.mark.exercise("tensors.split_validation_tail")
def test_split_validation_tail_images_lists_and_numpy_start(tensors):
    x = np.random.default_rng(74).normal(size=(6, 2, 2, 3))
    (x_train, y_train), (x_val, y_val) = tensors.split_validation_tail(x.tolist(), [0, 1, 2, 3, 4, 5], np.int64(4))
    expect.close(x_train, x[:4], where="result[0][0]")
    expect.close(x_val, x[4:], where="result[1][0]")
    expect.equal(y_train, np.array([0, 1, 2, 3]), where="result[0][1]")
    expect.equal(y_val, np.array([4, 5]), where="result[1][1]")


@pytest.mark.exercise("tensors.split_validation_tail")
@pytest.mark.parametrize("start", [0, 10, 11, -1, -9, 2.5])
def test_split_validation_tail_rejects_start_outside_1_to_n_minus_1(tensors, start):
    with expect.raises_value_error("start", misconception="tail-start-unchecked"):
        tensors.split_validation_tail(np.zeros((10, 2)), np.zeros(10), start)


@pytest.mark.exercise("tensors.split_validation_tail")
def test_split_validation_tail_rejects_x_and_y_of_different_lengths(tensors):
    with expect.raises_value_error("y", "x"):
        tensors.split_validation_tail(np.zeros((10, 2)), np.zeros(12), 5)
