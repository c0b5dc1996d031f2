"""Visible tests for tensors.py: the book's examples, small enough to read."""

import contextlib

import numpy as np
import pytest

from keraskit import expect
from keraskit.i18n import t


def _expect_floats(got, where=None, misconception=None):
    """The docstring says "Returns floats": a float array (float64, float32 ...), not ints."""
    array = expect.as_array(got, where=where)
    if array.dtype.kind != "f":
        failure = expect.ExpectationFailed(t("expect.dtype", expected="float64 / float32", got=array.dtype.name),
                                           expect.DTYPE, where)
        with expect.misconception(misconception) if misconception else contextlib.nullcontext():
            raise failure


@pytest.mark.exercise("tensors.samples_first")
def test_samples_first_moves_the_book_images_axis(tensors):
    images = np.zeros((8, 6, 3, 5))  # the book's 512x512x3x100, shrunk: 5 images of 8x6 pixels
    expect.shape_of(tensors.samples_first(images, 3), (5, 8, 6, 3), misconception="samples-first-swaps-axes")


@pytest.mark.exercise("tensors.samples_first")
def test_samples_first_keeps_each_sample_intact(tensors):
    x = np.arange(6).reshape(2, 3)  # 3 samples stored as columns
    expect.equal(tensors.samples_first(x, -1), np.array([[0, 3], [1, 4], [2, 5]]))


@pytest.mark.exercise("tensors.samples_first")
def test_samples_first_rejects_an_axis_out_of_range(tensors):
    with expect.raises_value_error("sample_axis", misconception="samples-first-axis-unchecked"):
        tensors.samples_first(np.zeros((2, 3)), 2)


@pytest.mark.exercise("tensors.image_batch_shape")
def test_image_batch_shape_of_the_book_images(tensors):
    # 100 colour images of 512x512 pixels, as Keras wants them: samples first, channels last.
    expect.equal(tensors.image_batch_shape(100, 512, 512), (100, 512, 512, 3),
                 wrong_answers={"image-batch-channels-first": (100, 3, 512, 512),
                                "image-batch-list-not-tuple": [100, 512, 512, 3]})


@pytest.mark.exercise("tensors.image_batch_shape")
def test_image_batch_shape_of_greyscale_images(tensors):
    expect.equal(tensors.image_batch_shape(60000, 28, 28, channels=1), (60000, 28, 28, 1))


@pytest.mark.exercise("tensors.image_batch_shape")
def test_image_batch_shape_rejects_a_zero_size(tensors):
    with expect.raises_value_error("height", misconception="image-batch-sizes-unchecked"):
        tensors.image_batch_shape(10, 0, 32)


@pytest.mark.exercise("tensors.image_batch_shape")
@pytest.mark.parametrize("width", [2.5, 32.0, True], ids=["fraction", "whole-float", "bool"])
def test_image_batch_shape_rejects_a_size_that_is_not_an_int(tensors, width):
    with expect.raises_value_error("width", misconception="image-batch-sizes-unchecked"):
        tensors.image_batch_shape(10, 32, width)


@pytest.mark.exercise("tensors.normalize")
def test_normalize_scales_each_column_into_0_1(tensors):
    # Two features on different scales: area in square metres and number of rooms.
    houses = np.array([[50, 2], [100, 3], [150, 6]])
    expect.close(tensors.normalize(houses), [[0.0, 0.0], [0.5, 0.25], [1.0, 1.0]], wrong_answers=[
        ("normalize-not-per-column", (houses - 2) / (150 - 2)),  # one minimum and maximum for all
        ("normalize-not-per-column", [[1.0, 0.0], [1.0, 0.0], [1.0, 0.0]]),  # per row
        ("normalize-divides-by-max", [[0.0, 0.0], [50 / 150, 1 / 6], [100 / 150, 4 / 6]]),
        ("normalize-int-result", [[0, 0], [0, 0], [1, 1]]),  # the fractions truncated in an int array
    ])


@pytest.mark.exercise("tensors.normalize")
def test_normalize_turns_a_constant_column_into_zeros(tensors):
    expect.close(tensors.normalize([[1, 7], [3, 7], [2, 7]]), [[0.0, 0.0], [1.0, 0.0], [0.5, 0.0]],
                 wrong_answers={"normalize-constant-column": [[0.0, np.nan], [1.0, np.nan], [0.5, np.nan]]})


@pytest.mark.exercise("tensors.normalize")
def test_normalize_treats_a_1d_array_as_one_column(tensors):
    expect.close(tensors.normalize([10, 20, 30, 50]), [0.0, 0.25, 0.5, 1.0],
                 wrong_answers={"normalize-1d-shape": [[0.0], [0.25], [0.5], [1.0]]})


@pytest.mark.exercise("tensors.normalize")
def test_normalize_rejects_a_3d_array(tensors):
    with expect.raises_value_error("x", misconception="normalize-ndim-unchecked"):
        tensors.normalize(np.zeros((2, 3, 4)))


@pytest.mark.exercise("tensors.normalize")
def test_normalize_of_ints_returns_floats(tensors):
    got = tensors.normalize(np.array([[0, 5], [10, 5]]))
    expect.close(got, [[0.0, 0.0], [1.0, 0.0]])
    _expect_floats(got, misconception="normalize-int-result")


@pytest.mark.exercise("tensors.standardize")
def test_standardize_gives_mean_0_and_std_1_per_column(tensors):
    # Column 0 has mean 2 and population std sqrt(2/3); column 1 mean 20, std 10*sqrt(2/3).
    x = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0]])
    z = np.sqrt(1.5)
    expect.close(tensors.standardize(x), [[-z, -z], [0.0, 0.0], [z, z]], wrong_answers={
        "standardize-sample-std": [[-1.0, -1.0], [0.0, 0.0], [1.0, 1.0]],  # ddof=1: std 1 and 10
        "standardize-not-per-column": [[-1.0, 1.0], [-1.0, 1.0], [-1.0, 1.0]],
        "standardize-divides-by-variance": [[-1.5, -0.15], [0.0, 0.0], [1.5, 0.15]],  # variances 2/3, 200/3
    })


@pytest.mark.exercise("tensors.standardize")
def test_standardize_turns_a_constant_column_into_zeros(tensors):
    expect.close(tensors.standardize([[4, 5], [4, 7]]), [[0.0, -1.0], [0.0, 1.0]],
                 wrong_answers={"standardize-constant-column": [[np.nan, -1.0], [np.nan, 1.0]]})


@pytest.mark.exercise("tensors.standardize")
def test_standardize_rejects_a_scalar(tensors):
    with expect.raises_value_error("x"):
        tensors.standardize(3.0)


@pytest.mark.exercise("tensors.standardize")
def test_standardize_a_constant_column_whose_std_is_not_exactly_0(tensors):
    # The mean of three 0.1s is not exactly 0.1, so np.std gives about 1e-17 for column 0, not 0.
    x = np.array([[0.1, 1.0], [0.1, 2.0], [0.1, 3.0]])
    with expect.no_warnings():
        got = tensors.standardize(x)
    z = np.sqrt(1.5)
    stds = x.std(axis=0)  # the mistake: only a std of exactly 0 is taken as constant
    expect.close(got, [[0.0, -z], [0.0, 0.0], [0.0, z]], wrong_answers={
        "standardize-constant-by-std-zero": (x - x.mean(axis=0)) / np.where(stds == 0, 1.0, stds)})


@pytest.mark.exercise("tensors.standardize")
def test_standardize_treats_a_1d_array_as_one_column_and_returns_floats(tensors):
    got = tensors.standardize(np.array([1, 2, 3]))
    expect.close(got, [-np.sqrt(1.5), 0.0, np.sqrt(1.5)])
    _expect_floats(got)


@pytest.mark.exercise("tensors.fit_standardizer")
def test_fit_standardizer_returns_mean_and_population_std(tensors):
    mean, std = tensors.fit_standardizer([[1, 10], [3, 10]])
    expect.close(mean, [2.0, 10.0], where="result[0]",
                 wrong_answers={"fit-standardizer-not-per-column": [5.5, 6.5]})
    # column 1 is constant: its std 0 comes back as 1.0
    expect.close(std, [1.0, 1.0], where="result[1]", wrong_answers={
        "fit-standardizer-sample-std": [np.sqrt(2.0), 1.0], "fit-standardizer-zero-std": [1.0, 0.0]})


@pytest.mark.exercise("tensors.fit_standardizer")
def test_fit_standardizer_uses_ddof_0(tensors):
    data = [[2.0], [4.0], [4.0], [4.0], [5.0], [5.0], [7.0], [9.0]]
    _, std = tensors.fit_standardizer(data)
    # the textbook example: population std 2 (ddof=1 would give 2.138..., the variance 4)
    expect.close(std, [2.0], where="result[1]", wrong_answers={
        "fit-standardizer-sample-std": np.std(data, axis=0, ddof=1), "fit-standardizer-variance": [4.0]})


@pytest.mark.exercise("tensors.fit_standardizer")
def test_fit_standardizer_rejects_a_3d_array(tensors):
    with expect.raises_value_error("x_train"):
        tensors.fit_standardizer(np.ones((2, 2, 2)))


@pytest.mark.exercise("tensors.fit_standardizer")
def test_fit_standardizer_a_constant_column_whose_std_is_not_exactly_0(tensors):
    # np.std of three 0.1s is about 1e-17, not 0: the column is still constant (max == min).
    data = np.array([[0.1, 1.0], [0.1, 3.0], [0.1, 2.0]])
    mean, std = tensors.fit_standardizer(data.tolist())
    expect.close(mean, [0.1, 2.0], where="result[0]")
    expect.close(std, [1.0, np.sqrt(2 / 3)], where="result[1]",
                 wrong_answers={"fit-standardizer-constant-by-std-zero": data.std(axis=0)})


@pytest.mark.exercise("tensors.fit_standardizer")
def test_fit_standardizer_rejects_data_without_rows(tensors):
    with expect.raises_value_error("x_train", misconception="fit-standardizer-empty-unchecked"):
        with expect.no_warnings():
            tensors.fit_standardizer(np.zeros((0, 3)))


@pytest.mark.exercise("tensors.apply_standardizer")
def test_apply_standardizer_uses_the_given_statistics(tensors):
    # Test data is scaled with the training statistics, not its own.
    got = tensors.apply_standardizer([[4.0, 10.0], [0.0, 30.0]], mean=[2.0, 20.0], std=[2.0, 10.0])
    expect.close(got, [[1.0, -1.0], [-1.0, 1.0]],
                 wrong_answers={"apply-standardizer-multiplies": [[4.0, -100.0], [-4.0, 100.0]]})


@pytest.mark.exercise("tensors.apply_standardizer")
def test_apply_standardizer_rejects_a_mean_of_the_wrong_length(tensors):
    with expect.raises_value_error("mean", misconception="apply-standardizer-shapes-unchecked"):
        tensors.apply_standardizer(np.zeros((4, 3)), mean=[0.0, 0.0], std=[1.0, 1.0, 1.0])


@pytest.mark.exercise("tensors.apply_standardizer")
def test_apply_standardizer_rejects_a_std_of_the_wrong_length(tensors):
    with expect.raises_value_error("std", misconception="apply-standardizer-shapes-unchecked"):
        tensors.apply_standardizer(np.zeros((4, 3)), mean=[0.0, 0.0, 0.0], std=[1.0, 1.0])


@pytest.mark.exercise("tensors.apply_standardizer")
def test_apply_standardizer_rejects_a_zero_std(tensors):
    with expect.raises_value_error("std", misconception="apply-standardizer-zero-std"):
        with expect.no_warnings():
            tensors.apply_standardizer(np.ones((4, 2)), mean=[0.0, 0.0], std=[1.0, 0.0])


@pytest.mark.exercise("tensors.apply_standardizer")
def test_apply_standardizer_of_one_sample_returns_floats(tensors):
    got = tensors.apply_standardizer(np.array([4, 30]), mean=[2, 20], std=[2, 10])
    expect.close(got, [1.0, 1.0])
    _expect_floats(got)


@pytest.mark.exercise("tensors.split_train_val_test")
def test_split_train_val_test_without_seed_keeps_the_order(tensors):
    x = np.arange(20).reshape(10, 2)
    y = np.arange(10)
    (x_train, y_train), (x_val, y_val), (x_test, y_test) = tensors.split_train_val_test(x, y)
    expect.equal(y_train, np.array([0, 1, 2, 3, 4, 5]), where="result[0][1]",
                 wrong_answers={"split-parts": np.arange(8)})  # the validation rows trained on too
    expect.equal(y_val, np.array([6, 7]), where="result[1][1]",
                 wrong_answers={"split-parts": np.array([8, 9])})  # the test part first
    expect.equal(y_test, np.array([8, 9]), where="result[2][1]")
    expect.equal(x_val, np.array([[12, 13], [14, 15]]), where="result[1][0]")


@pytest.mark.exercise("tensors.split_train_val_test")
def test_split_train_val_test_with_seed_uses_the_generator_permutation(tensors):
    y = np.arange(10)
    order = np.random.default_rng(7).permutation(10)
    (_, y_train), (_, y_val), (_, y_test) = tensors.split_train_val_test(y * 10, y, (0.5, 0.3, 0.2), seed=7)
    legacy = np.random.RandomState(7).permutation(10)  # np.random.seed(7) and np.random.permutation
    expect.equal(y_train, order[:5], where="result[0][1]", wrong_answers={"split-seed": legacy[:5]})
    expect.equal(y_val, order[5:8], where="result[1][1]")
    expect.equal(y_test, order[8:], where="result[2][1]")


@pytest.mark.exercise("tensors.split_train_val_test")
def test_split_train_val_test_rejects_fractions_not_summing_to_1(tensors):
    with expect.raises_value_error("fractions", misconception="split-fractions-unchecked"):
        tensors.split_train_val_test(np.zeros((10, 2)), np.zeros(10), (0.6, 0.2, 0.1))


@pytest.mark.exercise("tensors.split_train_val_test")
def test_split_train_val_test_sizes_are_rounded_down(tensors):
    # 7 samples: n_val = int(1.75) = 1 and n_test = int(1.75) = 1 (round() would give 2), n_train = 5.
    y = np.arange(7)
    (_, y_train), (_, y_val), (_, y_test) = tensors.split_train_val_test(y * 10, y, (0.5, 0.25, 0.25))
    # round() for the sizes and int(n * 0.5) for the training part both train on 3 rows
    expect.equal(y_train, np.array([0, 1, 2, 3, 4]), where="result[0][1]", wrong_answers={"split-sizes": y[:3]})
    expect.equal(y_val, np.array([5]), where="result[1][1]")
    expect.equal(y_test, np.array([6]), where="result[2][1]")


@pytest.mark.exercise("tensors.split_train_val_test")
def test_split_train_val_test_seed_0_still_shuffles(tensors):
    y = np.arange(10)
    order = np.random.default_rng(0).permutation(10)
    (_, y_train), (_, y_val), (_, y_test) = tensors.split_train_val_test(y * 10, y, seed=0)
    expect.equal(y_train, order[:6], where="result[0][1]", wrong_answers={"split-seed": y[:6]})  # not shuffled
    expect.equal(y_val, order[6:8], where="result[1][1]")
    expect.equal(y_test, order[8:], where="result[2][1]")


@pytest.mark.exercise("tensors.split_train_val_test")
def test_split_train_val_test_accepts_fractions_that_sum_to_1_within_rounding(tensors):
    # 0.7 + 0.2 + 0.1 is 0.9999999999999999 in floating point: within 1e-9 of 1.
    y = np.arange(10)
    # Valid fractions: a ValueError here can only be the exact comparison of the sum with 1.
    with expect.misconception("split-fractions-unchecked", raised=ValueError):
        (_, y_train), (_, y_val), (_, y_test) = tensors.split_train_val_test(y * 10, y, (0.7, 0.2, 0.1))
    expect.equal(y_train, np.arange(7), where="result[0][1]")
    expect.equal(y_val, np.array([7, 8]), where="result[1][1]")
    expect.equal(y_test, np.array([9]), where="result[2][1]")


@pytest.mark.exercise("tensors.split_train_val_test")
def test_split_train_val_test_rejects_a_negative_fraction(tensors):
    with expect.raises_value_error("fractions", misconception="split-fractions-unchecked"):
        tensors.split_train_val_test(np.zeros((10, 2)), np.zeros(10), (1.2, -0.1, -0.1))


@pytest.mark.exercise("tensors.split_train_val_test")
def test_split_train_val_test_rejects_x_and_y_of_different_lengths(tensors):
    with expect.raises_value_error("x", "y"):
        tensors.split_train_val_test(np.zeros((10, 2)), np.zeros(9))


@pytest.mark.exercise("tensors.split_validation_tail")
def test_split_validation_tail_does_not_train_on_the_validation_rows(tensors):
    # The book: 404 training rows, validation on x_train[300:] (and, wrongly, training on them too).
    x = np.arange(404 * 13, dtype=float).reshape(404, 13)
    y = np.arange(404, dtype=float)
    (x_train, y_train), (x_val, y_val) = tensors.split_validation_tail(x, y, 300)
    expect.shape_of(x_train, (300, 13), where="result[0][0]",
                    wrong_answers=[("tail-rows-overlap", (404, 13)), ("tail-rows-overlap", (301, 13))])
    expect.shape_of(x_val, (104, 13), where="result[1][0]")
    expect.close(y_train, y[:300], where="result[0][1]")
    expect.close(y_val, y[300:], where="result[1][1]")


@pytest.mark.exercise("tensors.split_validation_tail")
def test_split_validation_tail_rejects_an_empty_part(tensors):
    with expect.raises_value_error("start", misconception="tail-start-unchecked"):
        tensors.split_validation_tail(np.zeros((5, 2)), np.zeros(5), 5)


@pytest.mark.exercise("tensors.split_validation_tail")
def test_split_validation_tail_rejects_a_start_that_is_not_an_integer(tensors):
    with expect.raises_value_error("start"):
        tensors.split_validation_tail(np.zeros((5, 2)), np.zeros(5), 2.5)


@pytest.mark.exercise("tensors.split_validation_tail")
def test_split_validation_tail_rejects_x_and_y_of_different_lengths(tensors):
    with expect.raises_value_error("x", "y"):
        tensors.split_validation_tail(np.zeros((5, 2)), np.zeros(4), 3)
