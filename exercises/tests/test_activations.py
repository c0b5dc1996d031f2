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
    """Every golden case of ``name``: the graded function must give what Keras gave."""
    for case in GOLDEN[name]:
        expect.close(function(*case.args, **case.kwargs), case.expected_array(), **TOLERANCE)


def _expect_number(got, expected):
    """An activation of a single number: a number or an array of shape ()."""
    expect.close(got, np.float64(expected), **TOLERANCE)


# ---------------------------------------------------------------- one neuron, one layer

@pytest.mark.exercise("activations.weighted_sum")
def test_weighted_sum_of_one_neuron_with_three_inputs(activations):
    # 1*0.5 + 2*(-1) + 3*2 + 0.5 = 5.0
    expect.scalar(activations.weighted_sum([1.0, 2.0, 3.0], [0.5, -1.0, 2.0], 0.5), 5.0)


@pytest.mark.exercise("activations.weighted_sum")
def test_weighted_sum_of_a_batch_gives_one_z_per_sample(activations):
    x = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    expect.close(activations.weighted_sum(x, [0.5, -1.0, 2.0], 0.5), [5.0, 0.5])


@pytest.mark.exercise("activations.weighted_sum")
def test_weighted_sum_rejects_a_weight_vector_of_the_wrong_length(activations):
    with expect.raises_value_error("w"):
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
    with expect.raises_value_error("activation"):
        activations.dense_forward([[1.0, 2.0]], [[1.0], [1.0]], [0.5], activation="step")


@pytest.mark.exercise("activations.dense_forward")
def test_dense_forward_rejects_a_bias_that_does_not_fit_the_kernel(activations):
    with expect.raises_value_error("bias"):
        activations.dense_forward([[1.0, 2.0]], [[1.0, 0.0], [1.0, 0.0]], [0.5, 0.5, 0.5])


@pytest.mark.exercise("activations.dense_forward")
def test_dense_forward_sigmoid_of_huge_pre_activations_gives_no_overflow_warning(activations):
    # x @ kernel + bias is -1e4 and 1e4: the sigmoid must be the stable one (see sigmoid).
    with expect.no_warnings():
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
    with expect.no_warnings():
        result = activations.sigmoid([-1e4, 1e4])
    expect.close(result, [0.0, 1.0])


@pytest.mark.exercise("activations.tanh")
def test_tanh_matches_keras(activations):
    _expect_as_keras(activations.tanh, "tanh")


@pytest.mark.exercise("activations.tanh")
def test_tanh_is_centred_on_zero(activations):
    _expect_number(activations.tanh(0.0), 0.0)
    expect.close(activations.tanh([-1e4, 1e4]), [-1.0, 1.0])


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
    expect.close(activations.relu([5.0, 1.0], max_value=2.0, threshold=3.0), [2.0, 0.0])


@pytest.mark.exercise("activations.relu")
def test_relu_with_a_negative_threshold_and_no_ceiling_keeps_small_negatives(activations):
    # z = -0.5 is above the threshold -1: step 1 keeps it, and without max_value nothing clips it to 0.
    expect.close(activations.relu([-0.5, -2.0, 3.0], threshold=-1.0), [-0.5, 0.0, 3.0])


@pytest.mark.exercise("activations.leaky_relu")
def test_leaky_relu_matches_keras(activations):
    _expect_as_keras(activations.leaky_relu, "leaky_relu")


@pytest.mark.exercise("activations.leaky_relu")
def test_leaky_relu_default_slope_is_keras_0_2(activations):
    expect.close(activations.leaky_relu([-1.0, 2.0]), [-0.2, 2.0], rtol=1e-6)


@pytest.mark.exercise("activations.leaky_relu")
def test_leaky_relu_with_a_slope_above_one(activations):
    # z where z > 0, else slope * z, for any slope: max(z, slope * z) is only right for slopes up to 1.
    expect.close(activations.leaky_relu([-1.0, 2.0], negative_slope=1.5), [-1.5, 2.0])


@pytest.mark.exercise("activations.elu")
def test_elu_matches_keras(activations):
    _expect_as_keras(activations.elu, "elu")


@pytest.mark.exercise("activations.elu")
def test_elu_approaches_minus_alpha_without_overflow(activations):
    with expect.no_warnings():
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
    with expect.no_warnings():
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
    with expect.no_warnings():
        result = activations.softmax([1e4, 0.0])
    expect.close(result, [1.0, 0.0])


@pytest.mark.exercise("activations.softmax")
def test_softmax_over_all_axes_with_axis_none(activations):
    # axis=None: the four scores are one slice, so the whole array sums to 1.
    expect.close(activations.softmax([[0.0, 0.0], [0.0, 0.0]], axis=None), [[0.25, 0.25], [0.25, 0.25]])


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
    with expect.no_warnings():
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
    expect.close(kernel, [[11.0]], where="result[0]")
    expect.close(bias, [-0.5], where="result[1]")


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
    with expect.raises_value_error("kernels"):
        activations.collapse_linear([np.ones((2, 3)), np.ones((2, 1))], [np.zeros(3), np.zeros(1)])


@pytest.mark.exercise("activations.collapse_linear")
def test_collapse_linear_rejects_an_empty_stack(activations):
    with expect.raises_value_error("kernels"):
        activations.collapse_linear([], [])


@pytest.mark.exercise("activations.collapse_linear")
def test_collapse_linear_rejects_a_bias_that_does_not_match_its_kernel(activations):
    with expect.raises_value_error("biases"):
        activations.collapse_linear([np.ones((2, 3)), np.ones((3, 1))], [np.zeros(3), np.zeros(2)])
