"""The comparison policy of keraskit.expect: every correct representation of an answer passes,
nothing that is not a real number does, and no method of a graded object is ever called."""

import numpy as np
import pytest

from keraskit import expect

EXPECTED = np.array([[0.25, -1.5], [3.0, 1e-7]])


@pytest.mark.parametrize("got", [
    EXPECTED, EXPECTED.astype(np.float32), EXPECTED.tolist(), tuple(map(tuple, EXPECTED.tolist())),
    [np.float32(v) for v in EXPECTED[0]] and [list(map(np.float32, row)) for row in EXPECTED],
    [EXPECTED[0], EXPECTED[1].astype(np.float32)],
], ids=["float64", "float32", "list", "tuple", "numpy-scalars", "rows"])
def test_close_accepts_every_real_numeric_array_like(got):
    expect.close(got, EXPECTED)


def test_close_accepts_tensorflow_and_keras_tensors():
    import keras
    import tensorflow as tf

    expect.close(tf.constant(EXPECTED, dtype=tf.float32), EXPECTED)
    expect.close(keras.ops.convert_to_tensor(EXPECTED), EXPECTED)
    expect.close(keras.Variable(EXPECTED.astype(np.float32)), EXPECTED)
    expect.scalar(tf.constant(2.5), 2.5)
    expect.close(keras.ops.argmax(tf.constant([[0.1, 0.9]]), axis=-1), [1])


@pytest.mark.parametrize("got", [2.5, np.float32(2.5), np.float64(2.5), np.array(2.5), np.array(2.5, np.float32), 2])
def test_scalar_accepts_numbers_and_0d_arrays(got):
    expect.scalar(got, 2.5 if got != 2 else 2.0)


@pytest.mark.parametrize("got", [True, np.bool_(True), np.array([2.5]), "2.5", [2.5], None])
def test_scalar_refuses_what_is_not_one_number(got):
    with pytest.raises(expect.ExpectationFailed):
        expect.scalar(got, 1.0)


def test_float32_rounding_passes_and_a_real_difference_does_not():
    exact = np.array([1 / 3, 2e4 / 3, 1e-9])
    expect.close(exact.astype(np.float32), exact)
    expect.scalar(float(np.float32(0.26666666666666666)), 0.26666666666666666)
    with pytest.raises(expect.ExpectationFailed):
        expect.close(exact * (1 + 1e-4), exact)
    # A test cannot tighten below float32 ...
    expect.close(exact.astype(np.float32), exact, rtol=1e-12, atol=0.0)
    # ... unless the exercise is about float64 precision.
    with pytest.raises(expect.ExpectationFailed):
        expect.close(exact.astype(np.float32), exact, float64=True)


def test_shapes_must_match_but_an_empty_list_is_any_empty_array():
    with pytest.raises(expect.ExpectationFailed, match="shape"):
        expect.close(EXPECTED.ravel(), EXPECTED)
    with pytest.raises(expect.ExpectationFailed, match="shape"):
        expect.close(EXPECTED[:, :, None], EXPECTED)
    expect.close([], np.ones((0, 3)))
    expect.equal([], np.arange(0))


def test_equal_int_arrays_accept_any_int_dtype_lists_but_not_floats_or_bools():
    expected = np.array([1, 0, 2])
    for got in (expected.astype(np.int32), [1, 0, 2], (1, 0, 2), expected.astype(np.uint8)):
        expect.equal(got, expected)
    for got in (expected.astype(float), expected.astype(bool), [1, 0, 3]):
        with pytest.raises(expect.ExpectationFailed):
            expect.equal(got, expected)


class _Liar(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.shape(other), bool)


class _LyingArray:
    calls = 0

    def __array__(self, *args, **kwargs):
        _LyingArray.calls += 1
        return EXPECTED.copy()

    def __float__(self):
        _LyingArray.calls += 1
        return 2.5

    def __eq__(self, other):
        _LyingArray.calls += 1
        return True


class _FloatSubclass(float):
    def __eq__(self, other):
        return True


@pytest.mark.parametrize("got", [
    EXPECTED.view(_Liar), _LyingArray(), [_LyingArray(), _LyingArray()], [[0.25, -1.5], _LyingArray()],
    np.array([[0.25, -1.5], [3.0, 1e-7]], dtype=object), [[0.25, -1.5], [3.0]], EXPECTED.astype(str),
    EXPECTED > 0, [[True, False], [True, True]],
], ids=["ndarray-subclass", "__array__", "list-of-liars", "liar-inside", "object-dtype", "ragged", "strings",
        "bool-array", "bool-list"])
def test_close_refuses_objects_that_are_not_plain_numbers_without_calling_them(got):
    _LyingArray.calls = 0
    with pytest.raises(expect.ExpectationFailed):
        expect.close(got, EXPECTED)
    assert _LyingArray.calls == 0, "a method of the graded object was called"


@pytest.mark.parametrize("got", [_FloatSubclass(2.5), _LyingArray(), np.array(2.5).view(_Liar)])
def test_scalar_refuses_number_lookalikes_without_calling_them(got):
    _LyingArray.calls = 0
    with pytest.raises(expect.ExpectationFailed):
        expect.scalar(got, 2.5)
    assert _LyingArray.calls == 0


def test_value_or_value_error_accepts_either_answer_and_nothing_else():
    expect.value_or_value_error(lambda: 2.5, "x", lambda got: expect.scalar(got, 2.5))

    def rejects():
        raise ValueError("x does not fit")

    expect.value_or_value_error(rejects, "x", lambda got: expect.scalar(got, 2.5))
    with pytest.raises(expect.ExpectationFailed):
        expect.value_or_value_error(lambda: 3.0, "x", lambda got: expect.scalar(got, 2.5))

    def rejects_without_naming():
        raise ValueError("bad input")

    with pytest.raises(expect.ExpectationFailed):
        expect.value_or_value_error(rejects_without_naming, "x", lambda got: None)
    with pytest.raises(TypeError):
        expect.value_or_value_error(lambda: 1 + "", "x", lambda got: None)
