"""Visible tests for losses.py: small readable cases, with the answers real Keras 3 gave.

The expected values were computed by ``keras.losses`` and stored in ``golden/losses.json``
(see ``scripts/golden/losses.py``), so these tests run without TensorFlow.
"""

import numpy as np
import pytest

from keraskit import expect, golden

GOLDEN = golden.load(__file__, "losses")


def _cases(function):
    """The golden cases of one loss, as pytest parameters named after their inputs."""
    return [pytest.param(case, id=f"case{i}") for i, case in enumerate(GOLDEN[function])]


def _check_loss(module, function, case):
    got = getattr(module, function)(*case.args, **case.kwargs)
    expect.close(got, case.expected_array(), rtol=1e-2 if _at_the_clip(function, case) else None)


def _at_the_clip(function, case) -> bool:
    """A binary cross-entropy of a probability of exactly 0 or 1: clipped to 1 - 1e-7, where
    ln(1 - p) is -16.12 in float64 but -15.94 in float32 (1 - 1e-7 rounds there). Both clip as
    the docstring says, so such a case is judged within 1%: without the clip the loss is inf,
    and with another eps it is off by 10% or more."""
    if function != "binary_crossentropy" or case.kwargs.get("from_logits"):
        return False
    probabilities = np.asarray(case.args[1], dtype=float)
    return bool(np.any((probabilities == 0.0) | (probabilities == 1.0)))


# ---------------------------------------------------------------- regression losses

@pytest.mark.exercise("losses.mean_squared_error")
@pytest.mark.parametrize("case", _cases("mean_squared_error"))
def test_mean_squared_error_matches_keras(losses, case):
    _check_loss(losses, "mean_squared_error", case)


@pytest.mark.exercise("losses.mean_squared_error")
def test_mean_squared_error_gives_one_loss_per_house_not_a_table(losses):
    # Prices (3,) against predictions (3, 1): three losses, never a 3x3 broadcast.
    got = losses.mean_squared_error([24.0, 21.6, 34.7], [[25.0], [20.0], [30.0]])
    expect.close(got, [1.0, 2.56, 22.09], rtol=1e-6)


@pytest.mark.exercise("losses.mean_squared_error")
def test_mean_squared_error_rejects_shapes_that_do_not_match(losses):
    with expect.raises_value_error("y_true"):
        losses.mean_squared_error([1.0, 2.0, 3.0], [1.0, 2.0])


@pytest.mark.exercise("losses.mean_squared_error")
def test_mean_squared_error_of_one_sample_is_a_number(losses):
    # 1-d inputs are one sample: the mean over its last (only) axis, (0 + 4) / 2.
    expect.scalar(losses.mean_squared_error([1.0, 2.0], [1.0, 4.0]), 2.0)


@pytest.mark.exercise("losses.mean_absolute_error")
@pytest.mark.parametrize("case", _cases("mean_absolute_error"))
def test_mean_absolute_error_matches_keras(losses, case):
    _check_loss(losses, "mean_absolute_error", case)


@pytest.mark.exercise("losses.mean_absolute_error")
def test_mean_absolute_error_divides_by_k_unlike_the_book(losses):
    # |1-2| + |2-2| + |3-1| + |4-4| = 3 over k = 4 values: 0.75, not the book's 3.
    expect.close(losses.mean_absolute_error([[1, 2, 3, 4]], [[2, 2, 1, 4]]), [0.75])


@pytest.mark.exercise("losses.mean_absolute_error")
def test_mean_absolute_error_rejects_shapes_that_do_not_match(losses):
    with expect.raises_value_error("y_true"):
        losses.mean_absolute_error([[1.0, 2.0, 3.0]], [[1.0], [2.0], [3.0]])


@pytest.mark.exercise("losses.mean_absolute_percentage_error")
@pytest.mark.parametrize("case", _cases("mean_absolute_percentage_error"))
def test_mean_absolute_percentage_error_matches_keras(losses, case):
    _check_loss(losses, "mean_absolute_percentage_error", case)


@pytest.mark.exercise("losses.mean_absolute_percentage_error")
def test_mean_absolute_percentage_error_is_in_percent(losses):
    # 10 off 100 is 10 %, 20 off 200 is 10 %.
    expect.close(losses.mean_absolute_percentage_error([[100.0, 200.0]], [[110.0, 180.0]]), [10.0])


@pytest.mark.exercise("losses.mean_absolute_percentage_error")
def test_mean_absolute_percentage_error_rejects_shapes_that_do_not_match(losses):
    with expect.raises_value_error("y_true"):
        losses.mean_absolute_percentage_error([1.0, 2.0], [[1.0, 2.0, 3.0]])


@pytest.mark.exercise("losses.mean_squared_logarithmic_error")
@pytest.mark.parametrize("case", _cases("mean_squared_logarithmic_error"))
def test_mean_squared_logarithmic_error_matches_keras(losses, case):
    _check_loss(losses, "mean_squared_logarithmic_error", case)


@pytest.mark.exercise("losses.mean_squared_logarithmic_error")
def test_mean_squared_logarithmic_error_of_a_perfect_prediction_is_zero(losses):
    expect.close(losses.mean_squared_logarithmic_error([[3.0, 7.0], [0.0, 1.0]], [[3.0, 7.0], [0.0, 1.0]]),
                 [0.0, 0.0])


@pytest.mark.exercise("losses.mean_squared_logarithmic_error")
def test_mean_squared_logarithmic_error_raises_negative_targets_and_predictions_to_eps(losses):
    # A negative target and a negative prediction both become eps first: the same value, no loss.
    # Raising only y_pred would compare ln(eps + 1) with ln(-0.5 + 1) = -0.69.
    with expect.no_warnings():
        got = losses.mean_squared_logarithmic_error([[-0.5, 2.0]], [[-3.0, 2.0]])
    expect.close(got, [0.0], atol=1e-12)


@pytest.mark.exercise("losses.mean_squared_logarithmic_error")
def test_mean_squared_logarithmic_error_rejects_shapes_that_do_not_match(losses):
    with expect.raises_value_error("y_true"):
        losses.mean_squared_logarithmic_error([[1.0, 2.0]], [[1.0, 2.0], [3.0, 4.0]])


# ---------------------------------------------------------------- classification losses

@pytest.mark.exercise("losses.binary_crossentropy")
@pytest.mark.parametrize("case", _cases("binary_crossentropy"))
def test_binary_crossentropy_matches_keras(losses, case):
    _check_loss(losses, "binary_crossentropy", case)


@pytest.mark.exercise("losses.binary_crossentropy")
def test_binary_crossentropy_uses_the_natural_log_and_is_positive(losses):
    # One sample, target 1, predicted 0.5: -ln 0.5 = 0.6931 (the book's log2 would give 1).
    expect.close(losses.binary_crossentropy([[1.0]], [[0.5]]), [np.log(2.0)])


@pytest.mark.exercise("losses.binary_crossentropy")
def test_binary_crossentropy_stays_finite_for_huge_logits(losses):
    with expect.no_warnings():
        got = losses.binary_crossentropy([[1.0, 0.0]], [[-1e4, 1e4]], from_logits=True)
    expect.close(got, [1e4])


@pytest.mark.exercise("losses.binary_crossentropy")
def test_binary_crossentropy_rejects_label_smoothing_above_one(losses):
    with expect.raises_value_error("label_smoothing"):
        losses.binary_crossentropy([[1.0, 0.0]], [[0.9, 0.1]], label_smoothing=1.5)


@pytest.mark.exercise("losses.binary_crossentropy")
def test_binary_crossentropy_rejects_shapes_that_do_not_match(losses):
    with expect.raises_value_error("y_true"):
        losses.binary_crossentropy([[1.0, 0.0, 1.0]], [[0.9, 0.1], [0.2, 0.8]])


@pytest.mark.exercise("losses.categorical_crossentropy")
@pytest.mark.parametrize("case", _cases("categorical_crossentropy"))
def test_categorical_crossentropy_matches_keras(losses, case):
    _check_loss(losses, "categorical_crossentropy", case)


@pytest.mark.exercise("losses.categorical_crossentropy")
def test_categorical_crossentropy_is_minus_ln_of_the_true_class(losses):
    # One-hot target: only the true class counts, -ln 0.7 = 0.3567 (natural log, minus sign).
    expect.close(losses.categorical_crossentropy([[0, 1, 0]], [[0.2, 0.7, 0.1]]), [-np.log(0.7)], rtol=1e-6)


@pytest.mark.exercise("losses.categorical_crossentropy")
def test_categorical_crossentropy_rejects_shapes_that_do_not_match(losses):
    with expect.raises_value_error("y_true"):
        losses.categorical_crossentropy([[0, 1, 0]], [[0.3, 0.7]])


@pytest.mark.exercise("losses.categorical_crossentropy")
def test_categorical_crossentropy_from_huge_logits_is_finite_and_not_clipped(losses):
    # ln softmax of [-1e4, 1e4] at class 0 is -2e4: a loss of 2e4. Clipping the probability to
    # 1e-7 would give 16.1; exp(1e4) without subtracting the maximum overflows.
    with expect.no_warnings():
        got = losses.categorical_crossentropy([[1.0, 0.0]], [[-1e4, 1e4]], from_logits=True)
    expect.close(got, [2e4])


@pytest.mark.exercise("losses.categorical_crossentropy")
def test_categorical_crossentropy_rejects_a_row_of_probabilities_summing_to_0(losses):
    with expect.raises_value_error("y_pred"):
        losses.categorical_crossentropy([[0.0, 1.0]], [[0.0, 0.0]])


@pytest.mark.exercise("losses.sparse_categorical_crossentropy")
@pytest.mark.parametrize("case", _cases("sparse_categorical_crossentropy"))
def test_sparse_categorical_crossentropy_matches_keras(losses, case):
    _check_loss(losses, "sparse_categorical_crossentropy", case)


@pytest.mark.exercise("losses.sparse_categorical_crossentropy")
def test_sparse_categorical_crossentropy_rejects_a_label_out_of_range(losses):
    with expect.raises_value_error("y_true"):
        losses.sparse_categorical_crossentropy([0, 3], [[0.2, 0.7, 0.1], [0.3, 0.3, 0.4]])


@pytest.mark.exercise("losses.sparse_categorical_crossentropy")
def test_sparse_categorical_crossentropy_rejects_a_label_that_is_not_whole(losses):
    with expect.raises_value_error("y_true"):
        losses.sparse_categorical_crossentropy([0.0, 1.5], [[0.2, 0.7, 0.1], [0.3, 0.3, 0.4]])


@pytest.mark.exercise("losses.sparse_categorical_crossentropy")
def test_sparse_categorical_crossentropy_rejects_a_negative_label(losses):
    with expect.raises_value_error("y_true"):
        losses.sparse_categorical_crossentropy([0, -1], [[0.2, 0.7, 0.1], [0.3, 0.3, 0.4]])


# ---------------------------------------------------------------- one number for the batch

@pytest.mark.exercise("losses.reduce_loss")
@pytest.mark.parametrize("case", _cases("reduce_loss"))
def test_reduce_loss_matches_a_keras_loss_object(losses, case):
    expect.scalar(losses.reduce_loss(*case.args, **case.kwargs), case.expected, rtol=1e-9)


@pytest.mark.exercise("losses.reduce_loss")
def test_reduce_loss_divides_by_the_number_of_losses_not_the_weights(losses):
    # (1*1 + 2*0 + 3*2) / 3 losses = 7/3, not 7 / (1+0+2) and not 7 / 2 nonzero weights.
    expect.scalar(losses.reduce_loss([1.0, 2.0, 3.0], sample_weight=[1.0, 0.0, 2.0]), 7.0 / 3.0)


@pytest.mark.exercise("losses.reduce_loss")
def test_reduce_loss_rejects_weights_of_another_length(losses):
    with expect.raises_value_error("sample_weight"):
        losses.reduce_loss([1.0, 2.0, 3.0], sample_weight=[1.0, 2.0])


@pytest.mark.exercise("losses.reduce_loss")
def test_reduce_loss_pairs_weights_n_1_with_losses_n(losses):
    # (1*1 + 2*0 + 3*2) / 3, not a 3x3 table of products.
    expect.scalar(losses.reduce_loss([1.0, 2.0, 3.0], sample_weight=[[1.0], [0.0], [2.0]]), 7.0 / 3.0)


@pytest.mark.exercise("losses.reduce_loss")
def test_reduce_loss_rejects_no_losses(losses):
    with expect.raises_value_error("per_sample"):
        with expect.no_warnings():
            losses.reduce_loss([])
