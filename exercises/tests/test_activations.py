"""Visible tests for activations.py: one neuron, one Dense layer and the activation functions.

The "as Keras" values come from exercises/tests/golden/activations.json, written by real
Keras 3 (scripts/make_golden.py), so these tests run without TensorFlow.
"""

import numpy as np
import pytest

from keraskit import expect, golden

GOLDEN = golden.load(__file__, "activations")
TOLERANCE = {"rtol": 1e-6, "atol": 1e-12}


def _expect_as_keras(function, name):
    """Every golden case of ``name``: the graded function must give what Keras gave. A result
    equal to what one of the known mistakes (``MISTAKES``) gives for the case names that mistake."""
    for case in GOLDEN[name]:
        with np.errstate(all="ignore"):  # a mistake's formula may overflow: that is its point
            wrong = [(misconception, np.asarray(formula(*case.args, **case.kwargs)))
                     for misconception, formula in MISTAKES.get(name, ())]
        expect.close(function(*case.args, **case.kwargs), case.expected_array(), wrong_answers=wrong, **TOLERANCE)


# ---------------------------------------------------------------- what known mistakes give

def _f(z):
    return np.asarray(z, dtype=float)


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(_f(z) / 2.0))


def _softmax(z, axis=-1):
    e = np.exp(_f(z) - np.max(_f(z), axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


_ACTIVATIONS = {None: _f, "linear": _f, "relu": lambda z: np.maximum(_f(z), 0.0), "sigmoid": _sigmoid,
                "tanh": np.tanh, "softmax": _softmax}


def _dense(x, kernel, bias, activation=None):
    return _f(x) @ _f(kernel) + _f(bias)


def _relu_kept(z, max_value, threshold):
    kept = np.where(_f(z) > threshold, _f(z), 0.0)
    return kept if max_value is None else np.maximum(np.minimum(kept, max_value), 0.0)


def _elu(z, alpha=1.0):
    return np.where(_f(z) > 0, _f(z), np.expm1(np.minimum(_f(z), 0.0)))


# For each golden function, (misconception, the formula of that mistake) as the mutants write it.
MISTAKES = {
    "dense_forward": [
        ("dense-forward-softmax-axis",
         lambda x, k, b, activation=None: _softmax(_dense(x, k, b), 0) if activation == "softmax" else np.nan),
        ("dense-forward-bias-after-activation",
         lambda x, k, b, activation=None: _ACTIVATIONS[activation](_f(x) @ _f(k)) + _f(b)),
    ],
    "sigmoid": [("sigmoid-overflow", lambda z: np.exp(_f(z)) / (1.0 + np.exp(_f(z))))],
    "tanh": [("tanh-sigmoid-identity", lambda z: 2.0 * _sigmoid(z) - 1.0)],
    "relu": [
        ("relu-threshold-shifts", lambda z, negative_slope=0.0, max_value=None, threshold=0.0:
            (np.maximum(_f(z) - threshold, 0.0) if max_value is None else
             np.minimum(np.maximum(_f(z) - threshold, 0.0), max_value))
            + negative_slope * np.minimum(_f(z) - threshold, 0.0)),
        ("relu-leak-from-threshold", lambda z, negative_slope=0.0, max_value=None, threshold=0.0:
            np.where(_f(z) > threshold, _f(z) if max_value is None else np.clip(_f(z), 0.0, max_value),
                     negative_slope * _f(z))),
        ("relu-max-value", lambda z, negative_slope=0.0, max_value=None, threshold=0.0:
            _relu_kept(z, None, threshold) - negative_slope * np.maximum(threshold - _f(z), 0.0)),
        ("relu-max-value", lambda z, negative_slope=0.0, max_value=None, threshold=0.0:
            np.maximum(_relu_kept(z, max_value, threshold), 0.0) - negative_slope * np.maximum(threshold - _f(z), 0.0)),
    ],
    "leaky_relu": [
        ("leaky-relu-slope", lambda z, negative_slope=0.3: np.where(_f(z) > 0, _f(z), negative_slope * _f(z))),
        ("leaky-relu-slope", lambda z, negative_slope=0.2: np.where(_f(z) > 0, negative_slope * _f(z), _f(z))),
        ("leaky-relu-maximum", lambda z, negative_slope=0.2: np.maximum(_f(z), negative_slope * _f(z))),
    ],
    "elu": [
        ("elu-alpha", lambda z, alpha=1.0: alpha * _elu(z)),
        ("elu-alpha", lambda z, alpha=1.0: _elu(z)),
    ],
    "selu": [
        ("selu-constants", lambda z: 1.6732632423543772 * np.where(
            _f(z) > 0, _f(z), 1.0507009873554805 * np.expm1(np.minimum(_f(z), 0)))),
        ("selu-constants", lambda z: 1.05 * np.where(_f(z) > 0, _f(z), 1.67 * np.expm1(np.minimum(_f(z), 0)))),
        ("selu-scale-both-sides", lambda z: np.where(
            _f(z) > 0, 1.0507009873554805 * _f(z), 1.6732632423543772 * np.expm1(np.minimum(_f(z), 0)))),
    ],
    "swish": [
        ("swish-formula", lambda z: _f(z) * _sigmoid(-_f(z))),
        ("swish-formula", _sigmoid),
    ],
    "softmax": [
        ("softmax-overflow", lambda z, axis=-1: np.exp(_f(z)) / np.exp(_f(z)).sum(axis=axis, keepdims=True)),
        ("softmax-global-max", lambda z, axis=-1: np.exp(_f(z) - _f(z).max()) / np.exp(
            _f(z) - _f(z).max()).sum(axis=axis, keepdims=True)),
        ("softmax-axis", lambda z, axis=-1: _softmax(z, -1)),
        ("softmax-axis", lambda z, axis=-1: np.exp(_f(z) - _f(z).max()) / np.exp(_f(z) - _f(z).max()).sum()),
    ],
    "sigmoid_derivative": [
        ("sigmoid-derivative-formula", lambda z: 1.0 - _sigmoid(z) ** 2),
        ("sigmoid-derivative-formula", _sigmoid),
    ],
    "relu_derivative": [
        ("relu-derivative-at-zero", lambda z: np.where(_f(z) >= 0, 1.0, 0.0)),
        ("relu-derivative-at-zero", lambda z: np.heaviside(_f(z), 0.5)),
        ("relu-derivative-booleans", lambda z: _f(z) > 0),  # the comparison itself, not 0.0/1.0
    ],
}


def _expect_number(got, expected):
    """An activation of a single number: a number or an array of shape ()."""
    expect.close(got, np.float64(expected), **TOLERANCE)


# ---------------------------------------------------------------- one neuron, one layer

@pytest.mark.exercise("activations.weighted_sum")
def test_weighted_sum_of_one_neuron_with_three_inputs(activations):
    # 1*0.5 + 2*(-1) + 3*2 + 0.5 = 5.0
    expect.scalar(activations.weighted_sum([1.0, 2.0, 3.0], [0.5, -1.0, 2.0], 0.5), 5.0, wrong_answers={
        "weighted-sum-no-bias": 4.5, "weighted-sum-one-sample-array": np.array([5.0])})


@pytest.mark.exercise("activations.weighted_sum")
def test_weighted_sum_of_a_batch_gives_one_z_per_sample(activations):
    x = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    expect.close(activations.weighted_sum(x, [0.5, -1.0, 2.0], 0.5), [5.0, 0.5])


@pytest.mark.exercise("activations.weighted_sum")
def test_weighted_sum_rejects_a_weight_vector_of_the_wrong_length(activations):
    with expect.raises_value_error("w", misconception="weighted-sum-broadcast-weight"):
        activations.weighted_sum([1.0, 2.0, 3.0], [0.5, -1.0], 0.5)


@pytest.mark.exercise("activations.dense_forward")
def test_dense_forward_without_activation_is_x_at_kernel_plus_bias(activations):
    # Two inputs, one unit: 1*1 + 2*1 + 0.5
    expect.close(activations.dense_forward([[1.0, 2.0]], [[1.0], [1.0]], [0.5]), [[3.5]])
    expect.close(activations.dense_forward([[1.0, 2.0]], [[1.0], [1.0]], [0.5], activation="linear"), [[3.5]])


@pytest.mark.exercise("activations.dense_forward")
def test_dense_forward_matches_keras_dense_for_each_activation(activations):
    _expect_as_keras(activations.dense_forward, "dense_forward")


@pytest.mark.exercise("activations.dense_forward")
def test_dense_forward_rejects_an_unknown_activation(activations):
    with expect.raises_value_error("activation", misconception="dense-forward-unknown-activation"):
        activations.dense_forward([[1.0, 2.0]], [[1.0], [1.0]], [0.5], activation="step")


@pytest.mark.exercise("activations.dense_forward")
def test_dense_forward_rejects_a_bias_that_does_not_fit_the_kernel(activations):
    with expect.raises_value_error("bias", misconception="dense-forward-shapes-unchecked"):
        activations.dense_forward([[1.0, 2.0]], [[1.0, 0.0], [1.0, 0.0]], [0.5, 0.5, 0.5])


@pytest.mark.exercise("activations.dense_forward")
def test_dense_forward_sigmoid_of_huge_pre_activations_gives_no_overflow_warning(activations):
    # x @ kernel + bias is -1e4 and 1e4: the sigmoid must be the stable one (see sigmoid).
    with expect.no_warnings(misconception="dense-forward-naive-sigmoid"):
        got = activations.dense_forward([[1.0]], [[-1e4, 1e4]], [0.0, 0.0], activation="sigmoid")
    expect.close(got, [[0.0, 1.0]])


@pytest.mark.exercise("activations.dense_forward")
def test_dense_forward_rejects_a_kernel_that_does_not_fit_x(activations):
    with expect.raises_value_error("kernel"):
        activations.dense_forward(np.ones((2, 3)), np.ones((4, 2)), np.zeros(2))


@pytest.mark.exercise("activations.dense_forward")
def test_dense_forward_of_one_sample_returns_floats(activations):
    got = activations.dense_forward(np.array([1, 2]), np.array([[1], [1]]), np.array([1]), activation="relu")
    expect.close(got, [4.0])
    array = expect.as_array(got)
    expect.that(array.dtype.kind == "f", "expect.dtype", kind=expect.DTYPE, expected="float64 / float32",
                got=array.dtype.name)


# ---------------------------------------------------------------- sigmoid, tanh

@pytest.mark.exercise("activations.sigmoid")
def test_sigmoid_of_zero_is_one_half(activations):
    _expect_number(activations.sigmoid(0.0), 0.5)


@pytest.mark.exercise("activations.sigmoid")
def test_sigmoid_matches_keras(activations):
    _expect_as_keras(activations.sigmoid, "sigmoid")


@pytest.mark.exercise("activations.sigmoid")
def test_sigmoid_of_huge_inputs_gives_no_overflow_warning(activations):
    with expect.no_warnings(misconception="sigmoid-overflow"):
        result = activations.sigmoid([-1e4, 1e4])
    expect.close(result, [0.0, 1.0])


@pytest.mark.exercise("activations.tanh")
def test_tanh_matches_keras(activations):
    _expect_as_keras(activations.tanh, "tanh")


@pytest.mark.exercise("activations.tanh")
def test_tanh_is_centred_on_zero(activations):
    _expect_number(activations.tanh(0.0), 0.0)
    expect.close(activations.tanh([-1e4, 1e4]), [-1.0, 1.0], wrong_answers={"tanh-overflow": [np.nan, np.nan]})


# ---------------------------------------------------------------- the ReLU family

@pytest.mark.exercise("activations.relu")
def test_relu_of_a_few_integers(activations):
    expect.close(activations.relu([-2, 0, 3]), [0.0, 0.0, 3.0])


@pytest.mark.exercise("activations.relu")
def test_relu_with_slope_ceiling_and_threshold_matches_keras(activations):
    _expect_as_keras(activations.relu, "relu")


@pytest.mark.exercise("activations.relu")
def test_relu_applies_the_threshold_before_the_ceiling(activations):
    # Step 1 first: 5 > threshold 3 keeps 5, then step 2 clips it to 2 (clipping first would give 2 <= 3: 0).
    expect.close(activations.relu([5.0, 1.0], max_value=2.0, threshold=3.0), [2.0, 0.0],
                 wrong_answers={"relu-clip-order": [0.0, 0.0]})


@pytest.mark.exercise("activations.relu")
def test_relu_with_a_negative_threshold_and_no_ceiling_keeps_small_negatives(activations):
    # z = -0.5 is above the threshold -1: step 1 keeps it, and without max_value nothing clips it to 0.
    expect.close(activations.relu([-0.5, -2.0, 3.0], threshold=-1.0), [-0.5, 0.0, 3.0],
                 wrong_answers={"relu-max-value": [0.0, 0.0, 3.0]})  # clamped at 0 all the same


@pytest.mark.exercise("activations.leaky_relu")
def test_leaky_relu_matches_keras(activations):
    _expect_as_keras(activations.leaky_relu, "leaky_relu")


@pytest.mark.exercise("activations.leaky_relu")
def test_leaky_relu_default_slope_is_keras_0_2(activations):
    expect.close(activations.leaky_relu([-1.0, 2.0]), [-0.2, 2.0], rtol=1e-6)


@pytest.mark.exercise("activations.leaky_relu")
def test_leaky_relu_with_a_slope_above_one(activations):
    # z where z > 0, else slope * z, for any slope: max(z, slope * z) is only right for slopes up to 1.
    expect.close(activations.leaky_relu([-1.0, 2.0], negative_slope=1.5), [-1.5, 2.0],
                 wrong_answers={"leaky-relu-maximum": np.maximum([-1.0, 2.0], [-1.5, 3.0])})


@pytest.mark.exercise("activations.elu")
def test_elu_matches_keras(activations):
    _expect_as_keras(activations.elu, "elu")


@pytest.mark.exercise("activations.elu")
def test_elu_approaches_minus_alpha_without_overflow(activations):
    with expect.no_warnings(misconception="elu-overflow"):
        result = activations.elu([-1e4, 1e4], alpha=0.5)
    expect.close(result, [-0.5, 1e4])


@pytest.mark.exercise("activations.selu")
def test_selu_matches_keras(activations):
    _expect_as_keras(activations.selu, "selu")


@pytest.mark.exercise("activations.selu")
def test_selu_of_one_is_its_scale(activations):
    expect.close(activations.selu([1.0, 0.0]), [1.0507009873554805, 0.0], **TOLERANCE)


@pytest.mark.exercise("activations.swish")
def test_swish_matches_keras(activations):
    _expect_as_keras(activations.swish, "swish")


@pytest.mark.exercise("activations.swish")
def test_swish_of_zero_is_zero(activations):
    _expect_number(activations.swish(0.0), 0.0)


@pytest.mark.exercise("activations.swish")
def test_swish_of_huge_inputs_gives_no_overflow_warning(activations):
    with expect.no_warnings(misconception="swish-overflow"):
        result = activations.swish([-1e4, 1e4])
    expect.close(result, [0.0, 1e4])


# ---------------------------------------------------------------- softmax

@pytest.mark.exercise("activations.softmax")
def test_softmax_matches_keras(activations):
    _expect_as_keras(activations.softmax, "softmax")


@pytest.mark.exercise("activations.softmax")
def test_softmax_of_equal_scores_is_uniform_whatever_their_size(activations):
    expect.close(activations.softmax([[0.0, 0.0, 0.0], [5.0, 5.0, 5.0]]), np.full((2, 3), 1 / 3))


@pytest.mark.exercise("activations.softmax")
def test_softmax_of_large_scores_is_not_nan(activations):
    with expect.no_warnings(misconception="softmax-overflow"):
        result = activations.softmax([1e4, 0.0])
    expect.close(result, [1.0, 0.0])


@pytest.mark.exercise("activations.softmax")
def test_softmax_over_all_axes_with_axis_none(activations):
    # axis=None: the four scores are one slice, so the whole array sums to 1.
    expect.close(activations.softmax([[0.0, 0.0], [0.0, 0.0]], axis=None), [[0.25, 0.25], [0.25, 0.25]],
                 wrong_answers={"softmax-axis": [[0.5, 0.5], [0.5, 0.5]]})  # each row on its own


@pytest.mark.exercise("activations.softmax")
def test_softmax_rejects_an_axis_the_array_does_not_have(activations):
    with expect.raises_value_error("axis"):
        activations.softmax(np.ones((2, 3)), axis=2)


# ---------------------------------------------------------------- derivatives

@pytest.mark.exercise("activations.sigmoid_derivative")
def test_sigmoid_derivative_matches_tensorflow_gradient(activations):
    _expect_as_keras(activations.sigmoid_derivative, "sigmoid_derivative")


@pytest.mark.exercise("activations.sigmoid_derivative")
def test_sigmoid_derivative_is_a_quarter_at_zero(activations):
    _expect_number(activations.sigmoid_derivative(0.0), 0.25)


@pytest.mark.exercise("activations.sigmoid_derivative")
def test_sigmoid_derivative_of_huge_inputs_is_0_without_overflow(activations):
    with expect.no_warnings(misconception="sigmoid-derivative-overflow"):
        result = activations.sigmoid_derivative([-1e4, 1e4])
    expect.close(result, [0.0, 0.0])


@pytest.mark.exercise("activations.relu_derivative")
def test_relu_derivative_matches_tensorflow_gradient(activations):
    _expect_as_keras(activations.relu_derivative, "relu_derivative")


@pytest.mark.exercise("activations.relu_derivative")
def test_relu_derivative_is_zero_at_zero(activations):
    expect.close(activations.relu_derivative([-1.0, 0.0, 1e-9]), [0.0, 0.0, 1.0])


# ---------------------------------------------------------------- why activations matter

@pytest.mark.exercise("activations.collapse_linear")
def test_collapse_linear_of_two_small_layers(activations):
    # (x @ [[1, 2]] + [1, -1]) @ [[3], [4]] + [0.5] = x @ [[11]] + [-0.5]
    kernel, bias = activations.collapse_linear([[[1.0, 2.0]], [[3.0], [4.0]]], [[1.0, -1.0], [0.5]])
    expect.close(kernel, [[11.0]], where="result[0]", wrong_answers={"collapse-kernel-order": [[3.0, 6.0], [4.0, 8.0]]})
    # the biases added up (0 + 0.5), or only the last one kept: 0.5
    expect.close(bias, [-0.5], where="result[1]", wrong_answers={"collapse-bias-fold": [0.5]})


@pytest.mark.exercise("activations.collapse_linear")
def test_collapse_linear_computes_the_same_map_as_the_stack(activations):
    kernels = [np.array([[1.0, 0.0, 2.0], [0.5, -1.0, 1.0]]), np.array([[1.0], [2.0], [-1.0]])]
    biases = [np.array([0.1, 0.2, 0.3]), np.array([-1.0])]
    x = np.array([[1.0, 2.0], [-3.0, 0.5]])
    stacked = (x @ kernels[0] + biases[0]) @ kernels[1] + biases[1]
    kernel, bias = activations.collapse_linear(kernels, biases)
    expect.close(x @ kernel + bias, stacked)


@pytest.mark.exercise("activations.collapse_linear")
def test_collapse_linear_rejects_kernels_that_do_not_chain(activations):
    with expect.raises_value_error("kernels", misconception="collapse-unchecked"):
        activations.collapse_linear([np.ones((2, 3)), np.ones((2, 1))], [np.zeros(3), np.zeros(1)])


@pytest.mark.exercise("activations.collapse_linear")
def test_collapse_linear_rejects_an_empty_stack(activations):
    with expect.raises_value_error("kernels"):
        activations.collapse_linear([], [])


@pytest.mark.exercise("activations.collapse_linear")
def test_collapse_linear_rejects_a_bias_that_does_not_match_its_kernel(activations):
    with expect.raises_value_error("biases"):
        activations.collapse_linear([np.ones((2, 3)), np.ones((3, 1))], [np.zeros(3), np.zeros(2)])
