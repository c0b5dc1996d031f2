"""Hidden tests for activations.py: real Keras 3 (and TensorFlow's gradients) as the oracle.

Random and adversarial inputs (±1e4, the edges of exp's range, float32, ints, lists, 2-d and
3-d arrays), every combination of relu's parameters, keras.layers.Dense with the same weights
for dense_forward, stability without warnings, properties of collapse_linear and every error case.
"""

import itertools

import numpy as np
import pytest

from keraskit import expect, oracle
from keraskit.oracle import keras

RNG = np.random.default_rng(20260303)
TOLERANCE = {"rtol": 1e-6, "atol": 1e-12}

# Where naive formulas break: exp overflows beyond ~709.8, underflows below ~-745.
EXTREMES = np.array([-1e4, -1000.0, -746.0, -710.0, -40.0, -1e-12, 0.0, 1e-12, 40.0, 710.0, 746.0, 1000.0, 1e4])
RANDOM_1D = RNG.normal(scale=4.0, size=23)
RANDOM_2D = RNG.normal(scale=3.0, size=(4, 6))
RANDOM_3D = RNG.normal(scale=3.0, size=(2, 3, 4))

# Inputs an element-wise activation must handle, with the float64 values Keras is fed.
INPUTS = {
    "extremes": (EXTREMES, EXTREMES),
    "random-1d": (RANDOM_1D, RANDOM_1D),
    "random-2d": (RANDOM_2D, RANDOM_2D),
    "random-3d": (RANDOM_3D, RANDOM_3D),
    "float32": (RANDOM_2D.astype(np.float32), RANDOM_2D.astype(np.float32).astype(np.float64)),
    "ints": (np.arange(-6, 7), np.arange(-6, 7).astype(np.float64)),
    "list": ([-2.5, -1, 0, 1, 2.5], np.array([-2.5, -1.0, 0.0, 1.0, 2.5])),
}


def _keras(function, z, **kwargs):
    """A keras.activations function on a float64 copy of z, as plain numpy."""
    return oracle.call(function, oracle.f64(z), **kwargs)


def _expect_number(got, expected):
    """An activation of a single number: a number or an array of shape ()."""
    expect.close(got, np.float64(expected), **TOLERANCE)


def _expect_matches_keras(function, keras_function, **kwargs):
    """function(z) equals keras_function(float64 z) on every kind of input, without warnings."""
    for name, (given, as_float64) in INPUTS.items():
        with expect.no_warnings():
            got = function(given, **kwargs)
        expect.close(got, _keras(keras_function, as_float64, **kwargs), **TOLERANCE)


# ---------------------------------------------------------------- weighted_sum

@pytest.mark.exercise("activations.weighted_sum")
def test_weighted_sum_of_a_batch_matches_a_keras_dense_unit(activations):
    x, w, b = RNG.normal(size=(7, 5)), RNG.normal(size=5), 0.75
    expected = oracle.dense(x, w[:, None], np.array([b]))[:, 0]
    expect.close(activations.weighted_sum(x, w, b), expected, **TOLERANCE)


@pytest.mark.exercise("activations.weighted_sum")
def test_weighted_sum_of_one_sample_is_a_scalar(activations):
    x, w = RNG.normal(size=4), RNG.normal(size=4)
    expect.scalar(activations.weighted_sum(x, w, -1.5), float(x @ w) - 1.5, **TOLERANCE)
    expect.scalar(activations.weighted_sum([1, 2], [3, 4], 5), 16.0)


@pytest.mark.exercise("activations.weighted_sum")
def test_weighted_sum_accepts_ints_and_lists(activations):
    expect.close(activations.weighted_sum([[1, 2], [3, 4], [0, 0]], (1, -1), 2), [1.0, 1.0, 2.0])


@pytest.mark.exercise("activations.weighted_sum")
@pytest.mark.parametrize("x, w", [
    ([1.0, 2.0, 3.0], [1.0, 2.0]),  # too few weights
    ([1.0, 2.0, 3.0], [2.0]),  # one weight would broadcast over every feature
    (np.ones((4, 3)), np.ones(2)),  # a batch with the wrong number of weights
    (np.ones((2, 2)), np.ones(3)),
], ids=["short", "one-weight", "batch", "batch-long"])
def test_weighted_sum_rejects_mismatched_shapes(activations, x, w):
    with expect.raises_value_error("w", misconception="weighted-sum-broadcast-weight"):
        activations.weighted_sum(x, w, 0.0)


# ---------------------------------------------------------------- dense_forward

DENSE_ACTIVATIONS = [None, "linear", "relu", "sigmoid", "tanh", "softmax"]


@pytest.mark.exercise("activations.dense_forward")
@pytest.mark.parametrize("activation", DENSE_ACTIVATIONS)
def test_dense_forward_matches_keras_dense(activations, activation):
    x, kernel, bias = RNG.normal(size=(6, 4)), RNG.normal(size=(4, 3)), RNG.normal(size=3)
    expected = oracle.dense(x, kernel, bias, activation)
    expect.close(activations.dense_forward(x, kernel, bias, activation=activation), expected, **TOLERANCE)


@pytest.mark.exercise("activations.dense_forward")
@pytest.mark.parametrize("activation", DENSE_ACTIVATIONS)
def test_dense_forward_is_stable_for_huge_pre_activations(activations, activation):
    x = RNG.normal(scale=1e3, size=(5, 4))
    kernel, bias = RNG.normal(size=(4, 3)), RNG.normal(size=3)
    expected = oracle.dense(x, kernel, bias, activation)
    with expect.no_warnings(misconception="dense-forward-naive-sigmoid"):
        got = activations.dense_forward(x, kernel, bias, activation)
    expect.close(got, expected, **TOLERANCE)


@pytest.mark.exercise("activations.dense_forward")
def test_dense_forward_of_int_lists_and_a_single_unit(activations):
    x, kernel, bias = [[1, 2], [3, -4]], [[1], [-1]], [2]
    expected = oracle.dense(np.array(x), np.array(kernel), np.array(bias), "sigmoid")
    expect.close(activations.dense_forward(x, kernel, bias, "sigmoid"), expected, **TOLERANCE)


@pytest.mark.exercise("activations.dense_forward")
def test_dense_forward_of_one_sample_is_the_row_keras_gives(activations):
    x, kernel, bias = RNG.normal(size=4), RNG.normal(size=(4, 3)), RNG.normal(size=3)
    expected = oracle.dense(x[None, :], kernel, bias, "softmax")[0]
    expect.close(activations.dense_forward(x, kernel, bias, "softmax"), expected, **TOLERANCE)


@pytest.mark.exercise("activations.dense_forward")
@pytest.mark.parametrize("name", ["step", "sigmod", ""])
def test_dense_forward_rejects_unknown_activation_names(activations, name):
    with expect.raises_value_error("activation", misconception="dense-forward-unknown-activation"):
        activations.dense_forward(np.ones((2, 3)), np.ones((3, 2)), np.zeros(2), activation=name)


@pytest.mark.exercise("activations.dense_forward")
def test_dense_forward_rejects_a_kernel_that_does_not_fit_x(activations):
    with expect.raises_value_error("kernel", misconception="dense-forward-shapes-unchecked"):
        activations.dense_forward(np.ones((2, 3)), np.ones((4, 2)), np.zeros(2))


@pytest.mark.exercise("activations.dense_forward")
@pytest.mark.parametrize("bias", [np.zeros(3), np.zeros(1), np.zeros((2, 2))], ids=["long", "one", "2-d"])
def test_dense_forward_rejects_a_bias_that_does_not_fit_the_kernel(activations, bias):
    with expect.raises_value_error("bias", misconception="dense-forward-shapes-unchecked"):
        activations.dense_forward(np.ones((2, 3)), np.ones((3, 2)), bias)


# ---------------------------------------------------------------- sigmoid, tanh, swish

@pytest.mark.exercise("activations.sigmoid")
def test_sigmoid_matches_keras_on_every_kind_of_input(activations):
    _expect_matches_keras(activations.sigmoid, keras.activations.sigmoid)


@pytest.mark.exercise("activations.sigmoid")
def test_sigmoid_is_finite_in_0_1_at_the_extremes(activations):
    with expect.no_warnings(misconception="sigmoid-overflow"):
        got = activations.sigmoid(EXTREMES)
    expect.close(got, _keras(keras.activations.sigmoid, EXTREMES), **TOLERANCE)
    values = expect.as_array(got)
    expect.that(np.all((values >= 0.0) & (values <= 1.0)), "test.sigmoid_range")


@pytest.mark.exercise("activations.sigmoid")
@pytest.mark.parametrize("z", [0.0, -3.0, 1e4, -1e4])
def test_sigmoid_of_a_number(activations, z):
    with expect.no_warnings(misconception="sigmoid-overflow"):
        got = activations.sigmoid(z)
    _expect_number(got, _keras(keras.activations.sigmoid, z))


@pytest.mark.exercise("activations.tanh")
def test_tanh_matches_keras_on_every_kind_of_input(activations):
    _expect_matches_keras(activations.tanh, keras.activations.tanh)


@pytest.mark.exercise("activations.tanh")
@pytest.mark.parametrize("z", [0.0, 0.5, -2.0, 1e4])
def test_tanh_of_a_number(activations, z):
    _expect_number(activations.tanh(z), _keras(keras.activations.tanh, z))


@pytest.mark.exercise("activations.swish")
def test_swish_matches_keras_on_every_kind_of_input(activations):
    _expect_matches_keras(activations.swish, keras.activations.swish)


@pytest.mark.exercise("activations.swish")
@pytest.mark.parametrize("z", [0.0, -1.5, 3.0, -1e4])
def test_swish_of_a_number(activations, z):
    with expect.no_warnings(misconception="swish-overflow"):
        got = activations.swish(z)
    _expect_number(got, _keras(keras.activations.swish, z))


# ---------------------------------------------------------------- the ReLU family

RELU_VALUES = np.array([-1e4, -10.0, -6.0, -3.0, -2.5, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 2.5, 3.0, 4.0,
                        5.9, 6.0, 6.1, 8.5, 10.0, 1e4])
RELU_COMBINATIONS = list(itertools.product(
    [0.0, 0.1, 0.5, 1.5, -0.3],  # negative_slope
    [None, 0.0, 1.0, 6.0, 6, 8.5],  # max_value (6 takes Keras's relu6 shortcut)
    [0.0, 1.0, -1.0, 3.0, 7.0],  # threshold, also above max_value
))


@pytest.mark.exercise("activations.relu")
@pytest.mark.parametrize("negative_slope, max_value, threshold", RELU_COMBINATIONS)
def test_relu_matches_keras_for_every_parameter_combination(activations, negative_slope, max_value, threshold):
    kwargs = {"negative_slope": negative_slope, "max_value": max_value, "threshold": threshold}
    expected = _keras(keras.activations.relu, RELU_VALUES, **kwargs)
    expect.close(activations.relu(RELU_VALUES, **kwargs), expected, **TOLERANCE)


@pytest.mark.exercise("activations.relu")
def test_relu_defaults_match_keras_on_every_kind_of_input(activations):
    _expect_matches_keras(activations.relu, keras.activations.relu)


@pytest.mark.exercise("activations.relu")
def test_relu_parameters_given_by_position(activations):
    expected = _keras(keras.activations.relu, RANDOM_2D, negative_slope=0.2, max_value=2.0, threshold=0.5)
    expect.close(activations.relu(RANDOM_2D, 0.2, 2.0, 0.5), expected, **TOLERANCE)


@pytest.mark.exercise("activations.relu")
def test_relu_of_ints(activations):
    expect.close(activations.relu(np.array([-3, 0, 4])), [0.0, 0.0, 4.0])
    expect.close(activations.relu([[-3, 0, 4]], max_value=2), [[0.0, 0.0, 2.0]])


@pytest.mark.exercise("activations.leaky_relu")
@pytest.mark.parametrize("negative_slope", [0.2, 0.01, 0.3, 0.0, 1.5, -0.5])
def test_leaky_relu_matches_keras(activations, negative_slope):
    _expect_matches_keras(activations.leaky_relu, keras.activations.leaky_relu, negative_slope=negative_slope)


@pytest.mark.exercise("activations.leaky_relu")
def test_leaky_relu_default_slope(activations):
    expect.close(activations.leaky_relu(RANDOM_1D), _keras(keras.activations.leaky_relu, RANDOM_1D), **TOLERANCE)


@pytest.mark.exercise("activations.elu")
@pytest.mark.parametrize("alpha", [1.0, 0.5, 2.0, 0.0])
def test_elu_matches_keras(activations, alpha):
    _expect_matches_keras(activations.elu, keras.activations.elu, alpha=alpha)


@pytest.mark.exercise("activations.elu")
def test_elu_default_alpha(activations):
    with expect.no_warnings(misconception="elu-overflow"):
        got = activations.elu(EXTREMES)
    expect.close(got, _keras(keras.activations.elu, EXTREMES), **TOLERANCE)


@pytest.mark.exercise("activations.selu")
def test_selu_matches_keras_on_every_kind_of_input(activations):
    _expect_matches_keras(activations.selu, keras.activations.selu)


@pytest.mark.exercise("activations.selu")
def test_selu_uses_keras_constants_to_full_precision(activations):
    z = np.array([-50.0, -1.0, 1.0, 100.0])
    expect.close(activations.selu(z), _keras(keras.activations.selu, z), rtol=1e-12, atol=0.0)


# ---------------------------------------------------------------- softmax

@pytest.mark.exercise("activations.softmax")
@pytest.mark.parametrize("shape, axis", [((7,), -1), ((7,), 0), ((4, 6), -1), ((4, 6), 0), ((4, 6), 1),
                                         ((2, 3, 4), 1), ((2, 3, 4), -2), ((2, 3, 4), 0)])
def test_softmax_matches_keras_on_each_axis(activations, shape, axis):
    z = RNG.normal(scale=3.0, size=shape)
    expect.close(activations.softmax(z, axis=axis), _keras(keras.activations.softmax, z, axis=axis), **TOLERANCE)


@pytest.mark.exercise("activations.softmax")
@pytest.mark.parametrize("axis", [None, (0, 2), (1,)])
def test_softmax_over_several_axes_as_keras(activations, axis):
    z = RANDOM_3D
    expect.close(activations.softmax(z, axis=axis), _keras(keras.activations.softmax, z, axis=axis), **TOLERANCE)


@pytest.mark.exercise("activations.softmax")
def test_softmax_default_axis_is_the_last(activations):
    expect.close(activations.softmax(RANDOM_2D), _keras(keras.activations.softmax, RANDOM_2D), **TOLERANCE)


@pytest.mark.exercise("activations.softmax")
def test_softmax_is_stable_for_huge_scores_in_every_row(activations):
    # Rows of very different size: each row must be shifted by its own maximum.
    z = np.array([[1e4, 0.0, -1e4], [0.0, 1.0, 2.0], [-1e4, -1e4, -1e4], [1e4, 1e4, 9999.0], [800.0, -800.0, 0.0]])
    with expect.no_warnings(misconception="softmax-overflow"):
        got = activations.softmax(z)
    expect.close(got, _keras(keras.activations.softmax, z), **TOLERANCE)


@pytest.mark.exercise("activations.softmax")
def test_softmax_of_float32_ints_and_lists(activations):
    for given in (RANDOM_2D.astype(np.float32), np.arange(12).reshape(3, 4), [[1, 2], [3, 3]]):
        expected = _keras(keras.activations.softmax, np.asarray(given, dtype=np.float64))
        expect.close(activations.softmax(given), expected, **TOLERANCE)


@pytest.mark.exercise("activations.softmax")
@pytest.mark.parametrize("axis", [2, -3])
def test_softmax_rejects_an_axis_out_of_range(activations, axis):
    with expect.raises_value_error("axis"):
        activations.softmax(np.ones((2, 3)), axis=axis)


# ---------------------------------------------------------------- derivatives

@pytest.mark.exercise("activations.sigmoid_derivative")
@pytest.mark.parametrize("kind", list(INPUTS))
def test_sigmoid_derivative_matches_tensorflow_gradient(activations, kind):
    given, as_float64 = INPUTS[kind]
    with expect.no_warnings(misconception="sigmoid-derivative-overflow"):
        got = activations.sigmoid_derivative(given)
    expect.close(got, oracle.gradient(keras.activations.sigmoid, as_float64), **TOLERANCE)


@pytest.mark.exercise("activations.sigmoid_derivative")
@pytest.mark.parametrize("z", [0.0, 2.0, -1e4])
def test_sigmoid_derivative_of_a_number(activations, z):
    with expect.no_warnings(misconception="sigmoid-derivative-overflow"):
        got = activations.sigmoid_derivative(z)
    _expect_number(got, oracle.gradient(keras.activations.sigmoid, np.array([z]))[0])


@pytest.mark.exercise("activations.relu_derivative")
@pytest.mark.parametrize("kind", list(INPUTS))
def test_relu_derivative_matches_tensorflow_gradient(activations, kind):
    given, as_float64 = INPUTS[kind]
    expect.close(activations.relu_derivative(given), oracle.gradient(keras.activations.relu, as_float64), **TOLERANCE)


@pytest.mark.exercise("activations.relu_derivative")
def test_relu_derivative_at_and_around_zero(activations):
    z = np.array([-0.0, 0.0, 1e-30, -1e-30, 1e-12, 0.0])  # tiny but not zero in float32 too
    expect.close(activations.relu_derivative(z), oracle.gradient(keras.activations.relu, z))
    expect.close(activations.relu_derivative([[0, 0], [1, -1]]), [[0.0, 0.0], [1.0, 0.0]])


# ---------------------------------------------------------------- collapse_linear

def _random_stack(sizes):
    kernels = [RNG.normal(size=(a, b)) for a, b in zip(sizes, sizes[1:])]
    biases = [RNG.normal(size=b) for b in sizes[1:]]
    return kernels, biases


def _stacked_map(x, kernels, biases):
    for kernel, bias in zip(kernels, biases):
        x = x @ kernel + bias
    return x


@pytest.mark.exercise("activations.collapse_linear")
@pytest.mark.parametrize("sizes", [(3, 2), (4, 4, 4), (2, 5, 3, 1), (3, 3, 3, 3, 3), (1, 6, 2, 4)])
def test_collapse_linear_computes_the_same_map(activations, sizes):
    kernels, biases = _random_stack(sizes)
    x = RNG.normal(size=(9, sizes[0]))
    kernel, bias = activations.collapse_linear(kernels, biases)
    expect.close(kernel, np.linalg.multi_dot(kernels) if len(kernels) > 1 else kernels[0], rtol=1e-9, atol=1e-12, where="result[0]")
    expect.close(bias, _stacked_map(np.zeros((1, sizes[0])), kernels, biases)[0], rtol=1e-9, atol=1e-12, where="result[1]")
    expect.close(x @ kernel + bias, _stacked_map(x, kernels, biases), rtol=1e-9, atol=1e-12)


@pytest.mark.exercise("activations.collapse_linear")
def test_collapse_linear_equals_a_keras_stack_of_linear_dense_layers(activations):
    sizes = (4, 5, 3, 2)
    kernels, biases = _random_stack(sizes)
    model = keras.Sequential([keras.Input(shape=(sizes[0],), dtype="float64")]
                             + [keras.layers.Dense(n, dtype="float64") for n in sizes[1:]])
    for layer, kernel, bias in zip(model.layers, kernels, biases):
        layer.set_weights([kernel, bias])
    x = RNG.normal(size=(6, sizes[0]))
    kernel, bias = activations.collapse_linear(kernels, biases)
    expect.close(x @ kernel + bias, oracle.to_numpy(model(x)), **TOLERANCE)


@pytest.mark.exercise("activations.collapse_linear")
def test_collapse_linear_of_nested_int_lists(activations):
    kernel, bias = activations.collapse_linear([[[1, 2]], [[3], [4]]], [[1, -1], [0]])
    expect.close(kernel, [[11.0]], where="result[0]")
    expect.close(bias, [-1.0], where="result[1]")


@pytest.mark.exercise("activations.collapse_linear")
@pytest.mark.parametrize("kernels, biases", [
    ([], []),
    ([np.ones((2, 3)), np.ones((2, 1))], [np.zeros(3), np.zeros(1)]),
    ([np.ones((2, 3)), np.ones((3, 1))], [np.zeros(3)]),
    ([np.ones(3)], [np.zeros(3)]),
    ([np.ones((2, 3, 1))], [np.zeros(1)]),
], ids=["empty", "no-chain", "fewer-biases", "1-d-kernel", "3-d-kernel"])
def test_collapse_linear_rejects_kernels_that_do_not_form_a_stack(activations, kernels, biases):
    with expect.raises_value_error("kernels", misconception="collapse-unchecked"):
        activations.collapse_linear(kernels, biases)


@pytest.mark.exercise("activations.collapse_linear")
@pytest.mark.parametrize("biases", [
    [np.zeros(3), np.zeros(2)],  # broadcasts silently against a (1,) bias
    [np.zeros(2), np.zeros(1)],
    [np.zeros((1, 3)), np.zeros(1)],
], ids=["long-last", "short-first", "2-d"])
def test_collapse_linear_rejects_biases_that_do_not_match_their_kernels(activations, biases):
    with expect.raises_value_error("biases", misconception="collapse-unchecked"):
        activations.collapse_linear([np.ones((2, 3)), np.ones((3, 1))], biases)
