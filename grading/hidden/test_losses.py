"""Hidden tests for losses.py: real Keras 3 losses as the oracle, on random and adversarial inputs.

Keras is always fed plain float64 numpy arrays: tensors coming out of keras.activations carry
their logits on TensorFlow, and Keras cross-entropy would silently use those instead.
"""

import keras
import numpy as np
import pytest

from keraskit import expect, oracle

RNG = np.random.default_rng(20261204)
RTOL = 1e-6

REGRESSION = {
    "mean_squared_error": keras.losses.mean_squared_error,
    "mean_absolute_error": keras.losses.mean_absolute_error,
    "mean_absolute_percentage_error": keras.losses.mean_absolute_percentage_error,
    "mean_squared_logarithmic_error": keras.losses.mean_squared_logarithmic_error,
}


def _regression_params():
    return [pytest.param(name, marks=pytest.mark.exercise(f"losses.{name}"), id=name) for name in REGRESSION]


# ---------------------------------------------------------------- oracle helpers

def _with_label_axis(y_true, y_pred):
    """(n,) labels against (n, 1) predictions get a trailing axis: the curriculum's rule, which
    Keras's Loss objects apply but its cross-entropy functions leave to the caller."""
    y_true, y_pred = oracle.f64(y_true), oracle.f64(y_pred)
    if y_true.ndim + 1 == y_pred.ndim and y_pred.shape[-1] == 1:
        y_true = y_true[..., np.newaxis]
    return y_true, y_pred


def _keras(function, y_true, y_pred, **kwargs):
    return oracle.call(function, *_with_label_axis(y_true, y_pred), **kwargs)


def _expect_loss(got, expected, rtol=RTOL):
    """Per-sample losses as an array; for 1-d inputs (one sample) a 0-d array or a number."""
    expect.close(got, expected, rtol=rtol)


def _softmax_rows(logits):
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return np.exp(shifted) / np.exp(shifted).sum(axis=-1, keepdims=True)


def _one_hot(labels, n_classes):
    return np.eye(n_classes)[labels]


def _probabilities(shape):
    return RNG.uniform(0.0, 1.0, size=shape)


def _binary_labels(shape):
    return RNG.integers(0, 2, size=shape).astype(np.float64)


# ---------------------------------------------------------------- regression losses

def _regression_pair(shape):
    y_true = RNG.normal(3.0, 4.0, size=shape)
    y_pred = y_true + RNG.normal(0.0, 2.0, size=shape)
    return y_true, y_pred


@pytest.mark.parametrize("name", _regression_params())
def test_regression_loss_of_one_sample_is_a_number(losses, name):
    y_true, y_pred = _regression_pair((5,))  # 1-d: one sample, the mean over its 5 values
    _expect_loss(getattr(losses, name)(y_true, y_pred), _keras(REGRESSION[name], y_true, y_pred))


@pytest.mark.parametrize("name", _regression_params())
@pytest.mark.parametrize("shape", [(6, 4), (5, 1), (1, 7), (2, 3, 4)], ids=str)
def test_regression_loss_matches_keras_on_random_data(losses, name, shape):
    y_true, y_pred = _regression_pair(shape)
    _expect_loss(getattr(losses, name)(y_true, y_pred), _keras(REGRESSION[name], y_true, y_pred))


@pytest.mark.parametrize("name", _regression_params())
def test_regression_loss_of_one_1d_sample_is_a_single_value(losses, name):
    y_true, y_pred = _regression_pair((5,))
    _expect_loss(getattr(losses, name)(y_true, y_pred), _keras(REGRESSION[name], y_true, y_pred))


@pytest.mark.parametrize("name", _regression_params())
def test_regression_loss_labels_n_against_predictions_n_by_1(losses, name):
    y_true, y_pred = _regression_pair((6, 1))
    labels = y_true[:, 0]
    expected = _keras(REGRESSION[name], labels, y_pred)
    assert expected.shape == (6,)
    _expect_loss(getattr(losses, name)(labels, y_pred), expected)


@pytest.mark.parametrize("name", _regression_params())
def test_regression_loss_labels_n_by_1_against_predictions_n(losses, name):
    # The docstring leaves this case open: pair them sample by sample (as Keras does, giving the
    # 1-d side its trailing axis) or raise ValueError naming y_true. Never an (n, n) table.
    y_true, y_pred = _regression_pair((5, 1))
    expected = oracle.call(REGRESSION[name], y_true, y_pred[:, 0])
    assert expected.shape == (5,)
    expect.value_or_value_error(lambda: getattr(losses, name)(y_true, y_pred[:, 0]), "y_true",
                                lambda got: _expect_loss(got, expected))


@pytest.mark.parametrize("name", _regression_params())
def test_regression_loss_accepts_float32_int_and_list_inputs(losses, name):
    y_true = RNG.integers(0, 50, size=(4, 3))
    y_pred = RNG.normal(20.0, 10.0, size=(4, 3)).astype(np.float32)
    function = getattr(losses, name)
    _expect_loss(function(y_true, y_pred), _keras(REGRESSION[name], y_true, y_pred))
    _expect_loss(function(y_true.tolist(), y_pred.tolist()), _keras(REGRESSION[name], y_true, y_pred))
    _expect_loss(function(y_true, y_true + 1), _keras(REGRESSION[name], y_true, y_true + 1))
    both_float32 = y_true.astype(np.float32)
    _expect_loss(function(both_float32, y_pred), _keras(REGRESSION[name], both_float32, y_pred))


@pytest.mark.parametrize("name", _regression_params())
def test_regression_loss_on_zeros_negatives_and_huge_values(losses, name):
    y_true = np.array([[0.0, -2.0, 1e4, 5.0], [0.0, 0.0, -1e4, 1e-9], [3.0, -0.5, 0.0, 2.0]])
    y_pred = np.array([[1.0, 2.0, -1e4, 5.0], [0.0, -3.0, 1e4, 0.0], [-1.0, -0.9, 1e-8, 2.5]])
    with expect.no_warnings():
        got = getattr(losses, name)(y_true, y_pred)
    # What is judged here is clipping and the absence of nan/inf, not precision: at 1e4 an
    # equivalent float32 formula (one log1p of the ratio) can be 1e-4 off, and that is correct.
    _expect_loss(got, _keras(REGRESSION[name], y_true, y_pred), rtol=1e-3)


@pytest.mark.parametrize("name", _regression_params())
@pytest.mark.parametrize("shapes", [((3,), (4,)), ((3,), (3, 3)), ((2, 3), (3, 2)), ((4, 1), (4, 2)),
                                    ((2, 3), (2, 3, 2))], ids=str)
def test_regression_loss_rejects_shapes_that_do_not_match(losses, name, shapes):
    with expect.raises_value_error("y_true"):
        getattr(losses, name)(np.ones(shapes[0]), np.ones(shapes[1]))


@pytest.mark.exercise("losses.mean_absolute_percentage_error")
def test_mean_absolute_percentage_error_divides_by_the_size_of_negative_targets(losses):
    y_true = -RNG.uniform(1.0, 10.0, size=(5, 3))
    y_pred = y_true + RNG.normal(0.0, 1.0, size=(5, 3))
    _expect_loss(losses.mean_absolute_percentage_error(y_true, y_pred),
                 _keras(keras.losses.mean_absolute_percentage_error, y_true, y_pred))


@pytest.mark.exercise("losses.mean_squared_logarithmic_error")
def test_mean_squared_logarithmic_error_raises_small_values_to_epsilon(losses):
    y_true = np.array([[0.0, -5.0, 1e-9, 2.0]])
    y_pred = np.array([[-0.99, 0.0, -1e3, 1e-8]])
    with expect.no_warnings(misconception="msle-floor"):
        got = losses.mean_squared_logarithmic_error(y_true, y_pred)
    _expect_loss(got, _keras(keras.losses.mean_squared_logarithmic_error, y_true, y_pred))


# ---------------------------------------------------------------- binary cross-entropy

BCE = keras.losses.binary_crossentropy


@pytest.mark.exercise("losses.binary_crossentropy")
@pytest.mark.parametrize("shape", [(8, 3), (6, 1), (2, 3, 4)], ids=str)
def test_binary_crossentropy_matches_keras_on_random_probabilities(losses, shape):
    y_true, y_pred = _binary_labels(shape), _probabilities(shape)
    _expect_loss(losses.binary_crossentropy(y_true, y_pred), _keras(BCE, y_true, y_pred))


@pytest.mark.exercise("losses.binary_crossentropy")
def test_binary_crossentropy_with_soft_targets(losses):
    y_true, y_pred = _probabilities((5, 4)), _probabilities((5, 4))
    _expect_loss(losses.binary_crossentropy(y_true, y_pred), _keras(BCE, y_true, y_pred))


@pytest.mark.exercise("losses.binary_crossentropy")
def test_binary_crossentropy_clips_probabilities_of_exactly_0_and_1(losses):
    y_true = np.array([[1.0, 0.0, 1.0, 0.0], [1.0, 1.0, 0.0, 0.0]])
    y_pred = np.array([[0.0, 1.0, 1.0, 0.0], [1.0, 0.0, 1.0, 0.5]])
    with expect.no_warnings(misconception="bce-clip-and-smoothing"):
        got = losses.binary_crossentropy(y_true, y_pred)
    # ln(1 - p) at the clip 1 - 1e-7 is -16.12 in float64 but -15.94 in float32 (1 - 1e-7 rounds):
    # both clip correctly. Without clipping the loss is inf; with another eps it is off by 10% or more.
    _expect_loss(got, _keras(BCE, y_true, y_pred), rtol=1e-2)


@pytest.mark.exercise("losses.binary_crossentropy")
@pytest.mark.parametrize("scale", [1.0, 30.0, 1e4], ids=lambda s: f"logits{s:g}")
def test_binary_crossentropy_from_logits_is_stable(losses, scale):
    y_true = _binary_labels((6, 4))
    logits = RNG.choice([-1.0, 1.0], size=(6, 4)) * scale * RNG.uniform(0.5, 1.0, size=(6, 4))
    with expect.no_warnings(misconception="bce-logits"):
        got = losses.binary_crossentropy(y_true, logits, from_logits=True)
    _expect_loss(got, _keras(BCE, y_true, logits, from_logits=True))


@pytest.mark.exercise("losses.binary_crossentropy")
def test_binary_crossentropy_from_logits_at_plus_minus_1e4(losses):
    y_true = np.array([[1.0, 0.0, 1.0, 0.0]])
    logits = np.array([[1e4, -1e4, -1e4, 1e4]])
    with expect.no_warnings(misconception="bce-logits"):
        got = losses.binary_crossentropy(y_true, logits, from_logits=True)
    _expect_loss(got, _keras(BCE, y_true, logits, from_logits=True))


@pytest.mark.exercise("losses.binary_crossentropy")
@pytest.mark.parametrize("smoothing", [0.1, 0.5, 1.0, 0])
@pytest.mark.parametrize("from_logits", [False, True])
def test_binary_crossentropy_label_smoothing(losses, smoothing, from_logits):
    y_true = _binary_labels((5, 3))
    y_pred = RNG.normal(0.0, 3.0, size=(5, 3)) if from_logits else _probabilities((5, 3))
    got = losses.binary_crossentropy(y_true, y_pred, from_logits=from_logits, label_smoothing=smoothing)
    _expect_loss(got, _keras(BCE, y_true, y_pred, from_logits=from_logits, label_smoothing=smoothing))


@pytest.mark.exercise("losses.binary_crossentropy")
def test_binary_crossentropy_labels_n_against_predictions_n_by_1(losses):
    labels, y_pred = _binary_labels((7,)), _probabilities((7, 1))
    expected = _keras(BCE, labels, y_pred)
    assert expected.shape == (7,)
    _expect_loss(losses.binary_crossentropy(labels, y_pred), expected)
    _expect_loss(losses.binary_crossentropy(labels, y_pred * 8 - 4, from_logits=True),
                 _keras(BCE, labels, y_pred * 8 - 4, from_logits=True))


@pytest.mark.exercise("losses.binary_crossentropy")
def test_binary_crossentropy_of_one_1d_sample(losses):
    y_true, y_pred = _binary_labels((5,)), _probabilities((5,))
    _expect_loss(losses.binary_crossentropy(y_true, y_pred), _keras(BCE, y_true, y_pred))


@pytest.mark.exercise("losses.binary_crossentropy")
def test_binary_crossentropy_accepts_int_labels_and_float32_predictions(losses):
    y_true = RNG.integers(0, 2, size=(4, 3))
    y_pred = _probabilities((4, 3)).astype(np.float32)
    _expect_loss(losses.binary_crossentropy(y_true, y_pred), _keras(BCE, y_true, y_pred))
    with expect.no_warnings():
        got = losses.binary_crossentropy(y_true.tolist(), y_true.tolist())
    _expect_loss(got, _keras(BCE, y_true, y_true))


@pytest.mark.exercise("losses.binary_crossentropy")
@pytest.mark.parametrize("smoothing", [-0.1, 1.5, float("nan")])
def test_binary_crossentropy_rejects_label_smoothing_outside_0_1(losses, smoothing):
    with expect.raises_value_error("label_smoothing", misconception="bce-clip-and-smoothing"):
        losses.binary_crossentropy([[1.0, 0.0]], [[0.8, 0.3]], label_smoothing=smoothing)


@pytest.mark.exercise("losses.binary_crossentropy")
@pytest.mark.parametrize("shapes", [((3,), (4,)), ((3,), (3, 3)), ((2, 3), (3, 2))], ids=str)
def test_binary_crossentropy_rejects_shapes_that_do_not_match(losses, shapes):
    with expect.raises_value_error("y_true"):
        losses.binary_crossentropy(np.ones(shapes[0]), np.full(shapes[1], 0.5))


# ---------------------------------------------------------------- categorical cross-entropy

CCE = keras.losses.categorical_crossentropy


def _one_hot_batch(n, n_classes):
    return _one_hot(RNG.integers(0, n_classes, size=n), n_classes)


@pytest.mark.exercise("losses.categorical_crossentropy")
@pytest.mark.parametrize("n_classes", [2, 3, 5])
def test_categorical_crossentropy_matches_keras_on_softmax_rows(losses, n_classes):
    y_true = _one_hot_batch(8, n_classes)
    y_pred = _softmax_rows(RNG.normal(0.0, 2.0, size=(8, n_classes)))
    _expect_loss(losses.categorical_crossentropy(y_true, y_pred), _keras(CCE, y_true, y_pred))


@pytest.mark.exercise("losses.categorical_crossentropy")
def test_categorical_crossentropy_rescales_rows_that_do_not_sum_to_1(losses):
    y_true = _one_hot_batch(6, 4)
    y_pred = RNG.uniform(0.1, 3.0, size=(6, 4))
    _expect_loss(losses.categorical_crossentropy(y_true, y_pred), _keras(CCE, y_true, y_pred))


@pytest.mark.exercise("losses.categorical_crossentropy")
def test_categorical_crossentropy_with_soft_targets(losses):
    y_true = _softmax_rows(RNG.normal(size=(5, 3)))
    y_pred = _softmax_rows(RNG.normal(size=(5, 3)))
    _expect_loss(losses.categorical_crossentropy(y_true, y_pred), _keras(CCE, y_true, y_pred))


@pytest.mark.exercise("losses.categorical_crossentropy")
def test_categorical_crossentropy_clips_probabilities_of_exactly_0_and_1(losses):
    y_true = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    y_pred = np.array([[1.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.5, 0.5]])
    with expect.no_warnings(misconception="cce-keras-order"):
        got = losses.categorical_crossentropy(y_true, y_pred)
    _expect_loss(got, _keras(CCE, y_true, y_pred))


@pytest.mark.exercise("losses.categorical_crossentropy")
@pytest.mark.parametrize("scale", [1.0, 50.0, 1e4], ids=lambda s: f"logits{s:g}")
def test_categorical_crossentropy_from_logits_is_stable(losses, scale):
    y_true = _one_hot_batch(6, 4)
    logits = RNG.uniform(-1.0, 1.0, size=(6, 4)) * scale
    with expect.no_warnings(misconception="cce-logits"):
        got = losses.categorical_crossentropy(y_true, logits, from_logits=True)
    _expect_loss(got, _keras(CCE, y_true, logits, from_logits=True))


@pytest.mark.exercise("losses.categorical_crossentropy")
def test_categorical_crossentropy_from_logits_at_plus_minus_1e4(losses):
    y_true = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    logits = np.array([[1e4, -1e4, 0.0], [1e4, 1e4, -1e4]])
    with expect.no_warnings(misconception="cce-logits"):
        got = losses.categorical_crossentropy(y_true, logits, from_logits=True)
    _expect_loss(got, _keras(CCE, y_true, logits, from_logits=True))


@pytest.mark.exercise("losses.categorical_crossentropy")
@pytest.mark.parametrize("smoothing", [0.1, 0.3, 1.0, 0])
@pytest.mark.parametrize("from_logits", [False, True])
def test_categorical_crossentropy_label_smoothing(losses, smoothing, from_logits):
    y_true = _one_hot_batch(5, 4)
    logits = RNG.normal(0.0, 2.0, size=(5, 4))
    y_pred = logits if from_logits else _softmax_rows(logits)
    got = losses.categorical_crossentropy(y_true, y_pred, from_logits=from_logits, label_smoothing=smoothing)
    _expect_loss(got, _keras(CCE, y_true, y_pred, from_logits=from_logits, label_smoothing=smoothing))


@pytest.mark.exercise("losses.categorical_crossentropy")
def test_categorical_crossentropy_on_1d_and_3d_inputs(losses):
    y_true, y_pred = _one_hot_batch(1, 4)[0], RNG.uniform(0.1, 1.0, size=4)
    _expect_loss(losses.categorical_crossentropy(y_true, y_pred), _keras(CCE, y_true, y_pred))
    y_true = _one_hot(RNG.integers(0, 4, size=(2, 3)), 4)
    y_pred = _softmax_rows(RNG.normal(size=(2, 3, 4)))
    _expect_loss(losses.categorical_crossentropy(y_true, y_pred), _keras(CCE, y_true, y_pred))


@pytest.mark.exercise("losses.categorical_crossentropy")
def test_categorical_crossentropy_accepts_int_targets_and_float32_predictions(losses):
    y_true = _one_hot_batch(4, 3).astype(int)
    y_pred = _softmax_rows(RNG.normal(size=(4, 3))).astype(np.float32)
    _expect_loss(losses.categorical_crossentropy(y_true, y_pred), _keras(CCE, y_true, y_pred))
    _expect_loss(losses.categorical_crossentropy(y_true.tolist(), (y_true * 3 + 1).tolist()),
                 _keras(CCE, y_true, y_true * 3 + 1))


@pytest.mark.exercise("losses.categorical_crossentropy")
@pytest.mark.parametrize("smoothing", [-0.5, 1.01])
def test_categorical_crossentropy_rejects_label_smoothing_outside_0_1(losses, smoothing):
    with expect.raises_value_error("label_smoothing"):
        losses.categorical_crossentropy([[0.0, 1.0, 0.0]], [[0.2, 0.7, 0.1]], label_smoothing=smoothing)


@pytest.mark.exercise("losses.categorical_crossentropy")
@pytest.mark.parametrize("shapes", [((3,), (3, 3)), ((2, 3), (2, 4)), ((2, 3), (3, 3))], ids=str)
def test_categorical_crossentropy_rejects_shapes_that_do_not_match(losses, shapes):
    # Integer labels (n,) against (n, K) probabilities belong to the sparse loss.
    with expect.raises_value_error("y_true"):
        losses.categorical_crossentropy(np.ones(shapes[0]), np.full(shapes[1], 0.25))


@pytest.mark.exercise("losses.categorical_crossentropy")
def test_categorical_crossentropy_rejects_a_row_of_y_pred_summing_to_0(losses):
    with expect.raises_value_error("y_pred"):
        losses.categorical_crossentropy([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], [[0.2, 0.3, 0.5], [0.0, 0.0, 0.0]])


# ---------------------------------------------------------------- sparse categorical cross-entropy

SCCE = keras.losses.sparse_categorical_crossentropy


@pytest.mark.exercise("losses.sparse_categorical_crossentropy")
@pytest.mark.parametrize("label_shape", ["n", "n_by_1"])
@pytest.mark.parametrize("n_classes", [2, 4])
def test_sparse_categorical_crossentropy_matches_keras(losses, label_shape, n_classes):
    labels = RNG.integers(0, n_classes, size=(7,))
    if label_shape == "n_by_1":
        labels = labels[:, np.newaxis]
    y_pred = _softmax_rows(RNG.normal(0.0, 2.0, size=(7, n_classes)))
    got = losses.sparse_categorical_crossentropy(labels, y_pred)
    _expect_loss(got, oracle.call(SCCE, labels, y_pred))


@pytest.mark.exercise("losses.sparse_categorical_crossentropy")
def test_sparse_categorical_crossentropy_rows_that_do_not_sum_to_1(losses):
    labels = RNG.integers(0, 3, size=(6,))
    y_pred = RNG.uniform(0.05, 2.0, size=(6, 3))
    _expect_loss(losses.sparse_categorical_crossentropy(labels, y_pred), oracle.call(SCCE, labels, y_pred))


@pytest.mark.exercise("losses.sparse_categorical_crossentropy")
def test_sparse_categorical_crossentropy_probabilities_of_exactly_0_and_1(losses):
    labels = np.array([0, 1, 2, 2])
    y_pred = np.array([[1.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.5, 0.5], [0.0, 0.0, 1.0]])
    with expect.no_warnings():
        got = losses.sparse_categorical_crossentropy(labels, y_pred)
    _expect_loss(got, oracle.call(SCCE, labels, y_pred))


@pytest.mark.exercise("losses.sparse_categorical_crossentropy")
def test_sparse_categorical_crossentropy_equals_the_one_hot_loss_on_softmax_rows(losses):
    labels = RNG.integers(0, 5, size=(6,))
    y_pred = _softmax_rows(RNG.normal(size=(6, 5)))
    _expect_loss(losses.sparse_categorical_crossentropy(labels, y_pred),
                 oracle.call(CCE, _one_hot(labels, 5), y_pred))


@pytest.mark.exercise("losses.sparse_categorical_crossentropy")
def test_sparse_categorical_crossentropy_accepts_float_labels_lists_and_float32(losses):
    labels = RNG.integers(0, 3, size=(5,))
    y_pred = _softmax_rows(RNG.normal(size=(5, 3))).astype(np.float32)
    expected = oracle.call(SCCE, labels, y_pred)
    _expect_loss(losses.sparse_categorical_crossentropy(labels.astype(np.float64), y_pred), expected)
    _expect_loss(losses.sparse_categorical_crossentropy(labels.astype(np.int32).tolist(), y_pred.tolist()), expected)


@pytest.mark.exercise("losses.sparse_categorical_crossentropy")
def test_sparse_categorical_crossentropy_on_3d_predictions(losses):
    labels = RNG.integers(0, 4, size=(2, 3))
    y_pred = _softmax_rows(RNG.normal(size=(2, 3, 4)))
    _expect_loss(losses.sparse_categorical_crossentropy(labels, y_pred), oracle.call(SCCE, labels, y_pred))


@pytest.mark.exercise("losses.sparse_categorical_crossentropy")
@pytest.mark.parametrize("labels", [[0, -1, 2], [0, 3, 1], [0, 1, 1.5], [[0], [2], [7]], [0, 1, float("nan")]],
                         ids=["negative", "equal_to_K", "non_integral", "n_by_1_too_big", "nan"])
def test_sparse_categorical_crossentropy_rejects_bad_labels(losses, labels):
    y_pred = _softmax_rows(RNG.normal(size=(3, 3)))
    with expect.raises_value_error("y_true", misconception="scce-labels-unchecked"):
        losses.sparse_categorical_crossentropy(labels, y_pred)


@pytest.mark.exercise("losses.sparse_categorical_crossentropy")
@pytest.mark.parametrize("labels", [[0, 1], [[0, 1], [1, 0], [2, 2]], [[[0]], [[1]], [[2]]]],
                         ids=["too_few", "n_by_2", "n_by_1_by_1"])
def test_sparse_categorical_crossentropy_rejects_label_shapes_that_do_not_fit(losses, labels):
    with expect.raises_value_error("y_true", misconception="scce-labels-unchecked"):
        losses.sparse_categorical_crossentropy(labels, np.full((3, 3), 1.0 / 3.0))


# ---------------------------------------------------------------- reduce_loss

@pytest.mark.exercise("losses.reduce_loss")
@pytest.mark.parametrize("shape", [(7,), (1,), (3, 4)], ids=str)
def test_reduce_loss_without_weights_matches_keras(losses, shape):
    per_sample = RNG.uniform(0.0, 5.0, size=shape)
    expect.scalar(losses.reduce_loss(per_sample), oracle.loss_reduction(per_sample), rtol=1e-9)


@pytest.mark.exercise("losses.reduce_loss")
def test_reduce_loss_with_weights_matches_a_mean_squared_error_object(losses):
    y_true, y_pred = _regression_pair((6, 2))
    weights = np.array([0.0, 2.0, 0.5, 0.0, 3.0, 1.0])
    per_sample = oracle.call(keras.losses.mean_squared_error, y_true, y_pred)
    reported = keras.losses.MeanSquaredError(dtype="float64")(y_true, y_pred, sample_weight=weights)
    expect.scalar(losses.reduce_loss(per_sample, weights), float(oracle.to_numpy(reported)), rtol=1e-9)


@pytest.mark.exercise("losses.reduce_loss")
def test_reduce_loss_matches_a_binary_crossentropy_object_with_n_by_1_predictions(losses):
    labels, y_pred = _binary_labels((5,)), _probabilities((5, 1))
    weights = np.array([1.0, 0.0, 4.0, 0.5, 0.0])
    per_sample = _keras(BCE, labels, y_pred)
    reported = keras.losses.BinaryCrossentropy(dtype="float64")(labels, y_pred, sample_weight=weights)
    expect.scalar(losses.reduce_loss(per_sample, weights), float(oracle.to_numpy(reported)), rtol=1e-9)


@pytest.mark.exercise("losses.reduce_loss")
@pytest.mark.parametrize("weights", [[1.0, 1.0, 1.0, 1.0], [0.0, 0.0, 0.0, 0.0], [0.0, 3.0, 0.0, 0.25],
                                     [-1.0, 2.0, 0.5, 0.0], [[1.0], [0.0], [2.0], [0.5]]],
                         ids=["ones", "zeros", "sparse", "negative", "n_by_1"])
def test_reduce_loss_with_weights_matches_keras(losses, weights):
    per_sample = RNG.uniform(0.5, 4.0, size=4)
    expect.scalar(losses.reduce_loss(per_sample, sample_weight=weights), oracle.loss_reduction(per_sample, weights))


@pytest.mark.exercise("losses.reduce_loss")
def test_reduce_loss_with_one_number_as_weight(losses):
    # The docstring leaves it open: weight every loss alike (as Keras does) or reject it.
    per_sample = RNG.uniform(0.5, 4.0, size=4)
    expect.value_or_value_error(lambda: losses.reduce_loss(per_sample, sample_weight=2.5), "sample_weight",
                                lambda got: expect.scalar(got, oracle.loss_reduction(per_sample, 2.5)))


@pytest.mark.exercise("losses.reduce_loss")
def test_reduce_loss_n_by_1_losses_with_n_weights_and_2d_losses(losses):
    per_sample, weights = RNG.uniform(0.0, 3.0, size=(5, 1)), RNG.uniform(0.0, 2.0, size=5)
    expect.scalar(losses.reduce_loss(per_sample, weights), oracle.loss_reduction(per_sample, weights), rtol=1e-9)
    per_step, step_weights = RNG.uniform(0.0, 3.0, size=(3, 4)), RNG.uniform(0.0, 2.0, size=(3, 4))
    expect.scalar(losses.reduce_loss(per_step, step_weights), oracle.loss_reduction(per_step, step_weights), rtol=1e-9)


@pytest.mark.exercise("losses.reduce_loss")
def test_reduce_loss_accepts_int_lists(losses):
    expect.scalar(losses.reduce_loss([1, 2, 3, 4], [1, 0, 0, 1]), oracle.loss_reduction([1, 2, 3, 4], [1, 0, 0, 1]))


@pytest.mark.exercise("losses.reduce_loss")
@pytest.mark.parametrize("weights", [[1.0, 2.0], [1.0, 2.0, 3.0, 4.0], [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]],
                         ids=["too_few", "too_many", "n_by_2"])
def test_reduce_loss_rejects_weights_that_do_not_fit(losses, weights):
    with expect.raises_value_error("sample_weight", misconception="reduce-loss-divisor"):
        losses.reduce_loss([1.0, 2.0, 3.0], sample_weight=weights)


@pytest.mark.exercise("losses.reduce_loss")
@pytest.mark.parametrize("per_sample", [[], np.zeros((0, 3)), np.float64(2.5)], ids=["empty", "no-rows", "0-d"])
def test_reduce_loss_rejects_no_losses(losses, per_sample):
    with expect.raises_value_error("per_sample", misconception="reduce-loss-empty-unchecked"):
        with expect.no_warnings():
            losses.reduce_loss(per_sample)
