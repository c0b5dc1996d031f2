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
    expected = case.expected_array()
    expect.close(got, expected, rtol=1e-2 if _at_the_clip(function, case) else None,
                 wrong_answers=_wrong_answers(function, case, expected))


# ---------------------------------------------------------------- what known mistakes give

EPS = 1e-7
LN2 = np.log(2.0)


def _wrong_answers(function, case, expected) -> list:
    """(misconception, what that mistake gives for the case) for every formula of ``MISTAKES`` that
    applies to the case's shapes; a result equal to one names that mistake."""
    answers = []
    for misconception, formula in MISTAKES.get(function, ()):
        with np.errstate(all="ignore"):  # a mistake's formula may divide by zero: that is its point
            try:
                answers.append((misconception, np.asarray(formula(case, expected), dtype=float)))
            except (ValueError, IndexError):  # the mistake does not apply to these shapes
                continue
    return answers


def _raw(case):
    """y_true and y_pred as given: a (n,) and (n, 1) pair broadcasts as numpy does."""
    return np.asarray(case.args[0], dtype=float), np.asarray(case.args[1], dtype=float)


def _matched(case):
    """y_true and y_pred with the same shape, as the docstring asks."""
    labels, predicted = _raw(case)
    if labels.ndim + 1 == predicted.ndim and predicted.shape[-1] == 1:
        labels = labels[..., None]
    return labels, predicted


def _bce(truth, prediction, from_logits=False, label_smoothing=0.0, smooth_by=2.0, clip=True):
    truth = truth * (1.0 - label_smoothing) + label_smoothing / smooth_by
    if from_logits:
        return np.mean(np.maximum(prediction, 0) - prediction * truth + np.log1p(np.exp(-np.abs(prediction))), -1)
    p = np.clip(prediction, EPS, 1 - EPS) if clip else prediction
    return np.mean(-(truth * np.log(p) + (1 - truth) * np.log(1 - p)), -1)


def _cce(truth, prediction, from_logits=False, label_smoothing=0.0, smooth_by=None, rescale=True, clip=True):
    truth = truth * (1.0 - label_smoothing) + label_smoothing / (smooth_by or truth.shape[-1])
    if from_logits:
        shifted = prediction - prediction.max(-1, keepdims=True)
        return -np.sum(truth * (shifted - np.log(np.exp(shifted).sum(-1, keepdims=True))), -1)
    p = prediction / prediction.sum(-1, keepdims=True) if rescale else prediction
    return -np.sum(truth * np.log(np.clip(p, EPS, 1 - EPS) if clip else p), -1)


def _labels(case):
    prediction = np.asarray(case.args[1], dtype=float)
    return np.asarray(case.args[0]).reshape(prediction.shape[:-1]).astype(int), np.clip(prediction, EPS, 1 - EPS)


def _weighted(case):
    losses = np.asarray(case.args[0], dtype=float)
    weights = np.asarray(case.args[1] if len(case.args) > 1 else case.kwargs["sample_weight"], dtype=float)
    return losses, weights


# For each golden loss, (misconception, what that mistake gives for a case) as the mutants write it.
MISTAKES = {
    "mean_squared_error": [
        ("mse-broadcast-table", lambda c, e: np.mean((_raw(c)[0] - _raw(c)[1]) ** 2, axis=-1)),
        ("mse-sum-not-mean", lambda c, e: e * np.shape(c.args[1])[-1]),
        ("mse-batch-mean", lambda c, e: np.mean(e)),
    ],
    "mean_absolute_error": [
        ("mae-broadcast-table", lambda c, e: np.mean(np.abs(_raw(c)[0] - _raw(c)[1]), axis=-1)),
        ("mae-book-sum", lambda c, e: e * np.shape(c.args[1])[-1]),
        ("mae-no-abs", lambda c, e: np.mean(_matched(c)[0] - _matched(c)[1], axis=-1)),
    ],
    "mean_absolute_percentage_error": [
        ("mape-percent-of-target", lambda c, e: e / 100.0),
        ("mape-percent-of-target", lambda c, e: 100 * np.mean(
            np.abs(_matched(c)[0] - _matched(c)[1]) / np.maximum(np.abs(_matched(c)[1]), EPS), -1)),
        ("mape-zero-target", lambda c, e: 100 * np.mean(
            np.abs((_matched(c)[0] - _matched(c)[1]) / _matched(c)[0]), -1)),
        ("mape-zero-target", lambda c, e: 100 * np.mean(
            np.abs(_matched(c)[0] - _matched(c)[1]) / np.maximum(_matched(c)[0], EPS), -1)),
    ],
    "mean_squared_logarithmic_error": [
        ("msle-floor", lambda c, e: np.mean((np.log(_matched(c)[1] + 1) - np.log(_matched(c)[0] + 1)) ** 2, -1)),
        ("msle-log-plus-one", lambda c, e: np.mean(
            (np.log(np.maximum(_matched(c)[1], EPS)) - np.log(np.maximum(_matched(c)[0], EPS))) ** 2, -1)),
        ("msle-root", lambda c, e: np.sqrt(e)),
    ],
    "binary_crossentropy": [
        ("bce-broadcast-table", lambda c, e: _bce(*_raw(c), **c.kwargs)),
        ("bce-log-and-sign", lambda c, e: e / LN2),
        ("bce-log-and-sign", lambda c, e: -e),
        ("bce-log-and-sign", lambda c, e: -e / LN2),  # the book's formula: log2 and no minus sign
        ("bce-clip-and-smoothing", lambda c, e: _bce(*_matched(c), clip=False, **c.kwargs)),
        ("bce-clip-and-smoothing", lambda c, e: _bce(*_matched(c), smooth_by=np.shape(c.args[0])[-1], **c.kwargs)),
    ],
    "categorical_crossentropy": [
        ("cce-log-sign-sum", lambda c, e: e / LN2),
        ("cce-log-sign-sum", lambda c, e: -e),
        ("cce-log-sign-sum", lambda c, e: -e / LN2),  # the book's formula: log2 and no minus sign
        ("cce-log-sign-sum", lambda c, e: e / np.shape(c.args[1])[-1]),  # a mean over the classes
        ("cce-keras-order", lambda c, e: _cce(*_matched(c), rescale=False, **c.kwargs)),
        ("cce-keras-order", lambda c, e: _cce(*_matched(c), clip=False, **c.kwargs)),
        ("cce-keras-order", lambda c, e: _cce(*_matched(c), smooth_by=2.0, **c.kwargs)),
    ],
    "sparse_categorical_crossentropy": [
        ("scce-column-labels", lambda c, e: -np.log(np.clip(_raw(c)[1], EPS, 1 - EPS)[
            np.arange(len(c.args[1])), np.asarray(c.args[0]).astype(int)]) + np.log(
            np.clip(_raw(c)[1], EPS, 1 - EPS).sum(-1))),
        ("scce-row-rescaling", lambda c, e: -np.log(np.take_along_axis(
            _labels(c)[1], _labels(c)[0][..., None], axis=-1)[..., 0])),
        ("scce-log2", lambda c, e: e / LN2),
    ],
    "reduce_loss": [
        ("reduce-loss-ignores-weights", lambda c, e: np.mean(_weighted(c)[0])),
        ("reduce-loss-divisor", lambda c, e: np.sum(_weighted(c)[0] * _weighted(c)[1]) / np.sum(_weighted(c)[1])),
        ("reduce-loss-divisor", lambda c, e: np.sum(np.ravel(_weighted(c)[0]) * np.ravel(_weighted(c)[1]))
            / np.sum(_weighted(c)[1])),  # the same, losses and weights paired sample by sample
        ("reduce-loss-divisor", lambda c, e: np.sum(_weighted(c)[0] * _weighted(c)[1]) / np.count_nonzero(
            _weighted(c)[1])),
        ("reduce-loss-divisor", lambda c, e: np.sum(_weighted(c)[0] * _weighted(c)[1]) / _weighted(c)[0].size),
    ],
}


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
    expect.close(got, [1.0, 2.56, 22.09], rtol=1e-6, misconception="mse-broadcast-table")


@pytest.mark.exercise("losses.mean_squared_error")
def test_mean_squared_error_rejects_shapes_that_do_not_match(losses):
    with expect.raises_value_error("y_true", misconception="mse-broadcast-table"):
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
    expect.close(losses.mean_absolute_error([[1, 2, 3, 4]], [[2, 2, 1, 4]]), [0.75],
                 wrong_answers={"mae-book-sum": [3.0], "mae-no-abs": [-0.25]})


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
    expect.close(losses.mean_absolute_percentage_error([[100.0, 200.0]], [[110.0, 180.0]]), [10.0],
                 wrong_answers={"mape-percent-of-target": [0.1]})


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
    only_pred_raised = np.mean((np.log(np.array([-0.5, 2.0]) + 1) - np.log(np.array([EPS, 2.0]) + 1)) ** 2, -1)
    expect.close(got, [0.0], atol=1e-12, wrong_answers={"msle-floor": [only_pred_raised]})


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
    with expect.no_warnings(misconception="bce-logits"):
        got = losses.binary_crossentropy([[1.0, 0.0]], [[-1e4, 1e4]], from_logits=True)
    expect.close(got, [1e4], misconception="bce-logits")


@pytest.mark.exercise("losses.binary_crossentropy")
def test_binary_crossentropy_rejects_label_smoothing_above_one(losses):
    with expect.raises_value_error("label_smoothing", misconception="bce-clip-and-smoothing"):
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
    with expect.no_warnings(misconception="cce-logits"):  # only exp of the raw logits overflows here
        got = losses.categorical_crossentropy([[1.0, 0.0]], [[-1e4, 1e4]], from_logits=True)
    expect.close(got, [2e4], wrong_answers={"cce-logits": [-np.log(EPS)]})  # the probability clipped


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
    with expect.raises_value_error("y_true", misconception="scce-labels-unchecked"):
        losses.sparse_categorical_crossentropy([0, 3], [[0.2, 0.7, 0.1], [0.3, 0.3, 0.4]])


@pytest.mark.exercise("losses.sparse_categorical_crossentropy")
def test_sparse_categorical_crossentropy_rejects_a_label_that_is_not_whole(losses):
    with expect.raises_value_error("y_true", misconception="scce-labels-unchecked"):
        losses.sparse_categorical_crossentropy([0.0, 1.5], [[0.2, 0.7, 0.1], [0.3, 0.3, 0.4]])


@pytest.mark.exercise("losses.sparse_categorical_crossentropy")
def test_sparse_categorical_crossentropy_rejects_a_negative_label(losses):
    with expect.raises_value_error("y_true"):
        losses.sparse_categorical_crossentropy([0, -1], [[0.2, 0.7, 0.1], [0.3, 0.3, 0.4]])


# ---------------------------------------------------------------- one number for the batch

@pytest.mark.exercise("losses.reduce_loss")
def test_reduce_loss_divides_by_the_number_of_losses_not_the_weights(losses):
    # (1*1 + 2*0 + 3*3) / 3 losses = 10/3, not 10 / (1+0+3) and not 10 / 2 nonzero weights.
    # First of the reduce_loss tests: these weights tell the wrong divisors apart.
    expect.scalar(losses.reduce_loss([1.0, 2.0, 3.0], sample_weight=[1.0, 0.0, 3.0]), 10.0 / 3.0, wrong_answers=[
        ("reduce-loss-divisor", 10.0 / 4.0), ("reduce-loss-divisor", 10.0 / 2.0),
        ("reduce-loss-ignores-weights", 2.0)])


@pytest.mark.exercise("losses.reduce_loss")
@pytest.mark.parametrize("case", _cases("reduce_loss"))
def test_reduce_loss_matches_a_keras_loss_object(losses, case):
    wrong = _wrong_answers("reduce_loss", case, case.expected) if case.args[1:] or case.kwargs else []
    expect.scalar(losses.reduce_loss(*case.args, **case.kwargs), case.expected, rtol=1e-9,
                  wrong_answers=[(misconception, float(value)) for misconception, value in wrong])


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
    with expect.raises_value_error("per_sample", misconception="reduce-loss-empty-unchecked"):
        with expect.no_warnings():
            losses.reduce_loss([])
