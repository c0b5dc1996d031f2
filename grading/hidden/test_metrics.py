"""Hidden tests for metrics.py: the real keras.metrics on the same numbers, with ties, values
exactly at the threshold, labels (n,) against (n, 1), and every bad input."""

import numpy as np
import pytest

from keraskit import expect, oracle
from keraskit.i18n import t
from keraskit.oracle import keras

RNG = np.random.default_rng(20261206)
RTOL = 1e-12  # Keras metric objects in float64 report an exact fraction


def _keras_metric(metric, y_true, y_pred):
    metric.update_state(np.array(y_true, dtype=np.float64), np.array(y_pred, dtype=np.float64))
    return float(metric.result())


@oracle.memoised
def _keras_binary_accuracy(y_true, y_pred, threshold):
    return _keras_metric(keras.metrics.BinaryAccuracy(threshold=threshold, dtype="float64"), y_true, y_pred)


@oracle.memoised
def _keras_categorical_accuracy(y_true, y_pred):
    return _keras_metric(keras.metrics.CategoricalAccuracy(dtype="float64"), y_true, y_pred)


@oracle.memoised
def _keras_sparse_categorical_accuracy(y_true, y_pred):
    return _keras_metric(keras.metrics.SparseCategoricalAccuracy(dtype="float64"), y_true, y_pred)


def _one_hot(labels, k):
    return np.eye(k)[labels]


def _tied_scores(n, k):
    """Scores on a coarse grid, so that many rows have two or more equal maxima."""
    return RNG.integers(0, 3, size=(n, k)) / 4.0


# ---------------------------------------------------------------- binary_accuracy

@pytest.mark.exercise("metrics.binary_accuracy")
@pytest.mark.parametrize("shape", [(37,), (37, 1), (12, 3)])
@pytest.mark.parametrize("threshold", [0.5, 0.25, 0.75])
def test_binary_accuracy_equals_keras(metrics, shape, threshold):
    y_true = RNG.integers(0, 2, size=shape).astype(float)
    y_pred = RNG.uniform(size=shape)
    expected = _keras_binary_accuracy(y_true, y_pred, threshold)
    expect.scalar(metrics.binary_accuracy(y_true, y_pred, threshold=threshold), expected, rtol=RTOL)


@pytest.mark.exercise("metrics.binary_accuracy")
@pytest.mark.parametrize("threshold", [0.5, 0.25, 0.0])
def test_binary_accuracy_a_prediction_at_the_threshold_is_0(metrics, threshold):
    y_pred = np.array([threshold] * 6 + [threshold + 0.125, 1.0])
    y_true = np.array([0, 0, 0, 1, 1, 0, 1, 0], dtype=float)
    expected = _keras_binary_accuracy(y_true, y_pred, threshold)
    expect.scalar(expected, 5 / 8)  # the oracle itself: values at the threshold count as 0
    expect.scalar(metrics.binary_accuracy(y_true, y_pred, threshold=threshold), expected, rtol=RTOL)


@pytest.mark.exercise("metrics.binary_accuracy")
def test_binary_accuracy_default_threshold_is_one_half(metrics):
    y_true = np.array([1, 0, 1, 0, 0, 1], dtype=float)
    y_pred = np.array([0.5, 0.5, 0.51, 0.49, 0.75, 0.25])
    expect.scalar(metrics.binary_accuracy(y_true, y_pred), _keras_binary_accuracy(y_true, y_pred, 0.5), rtol=RTOL)


@pytest.mark.exercise("metrics.binary_accuracy")
@pytest.mark.parametrize("true_shape, pred_shape", [((9,), (9, 1)), ((9, 1), (9,))])
def test_binary_accuracy_labels_n_against_n_1_are_compared_sample_by_sample(metrics, true_shape, pred_shape):
    y_true = RNG.integers(0, 2, size=9).astype(float)
    y_pred = RNG.uniform(size=9)
    expected = _keras_binary_accuracy(y_true.reshape(true_shape), y_pred.reshape(pred_shape), 0.5)
    got = metrics.binary_accuracy(y_true.reshape(true_shape), y_pred.reshape(pred_shape))
    expect.scalar(got, expected, rtol=RTOL)


@pytest.mark.exercise("metrics.binary_accuracy")
def test_binary_accuracy_int_bool_and_list_inputs(metrics):
    y_true = [True, False, True, True]
    y_pred = [1, 0, 0, 1]  # hard 0/1 predictions
    expect.scalar(metrics.binary_accuracy(y_true, y_pred), 0.75, rtol=RTOL)
    expect.scalar(metrics.binary_accuracy([[1], [0]], [[0.9], [0.2]]), 1.0, rtol=RTOL)


@pytest.mark.exercise("metrics.binary_accuracy")
def test_binary_accuracy_counts_a_fraction_not_a_number_of_hits(metrics):
    expect.scalar(metrics.binary_accuracy(np.ones(400), np.full(400, 0.9)), 1.0, rtol=RTOL)
    expect.scalar(metrics.binary_accuracy(np.zeros(3), np.array([0.9, 0.9, 0.1])), 1 / 3, rtol=RTOL)


@pytest.mark.exercise("metrics.binary_accuracy")
@pytest.mark.parametrize("y_true, y_pred, threshold, argument", [
    # Shapes that do not match: the docstring does not say which of the two the error names.
    ([1, 0, 1], [0.9, 0.1, 0.8, 0.3], 0.5, ("y_pred", "y_true")),
    (np.ones((4, 2)), np.ones((4, 3)), 0.5, ("y_pred", "y_true")),
    (np.ones((4, 2)), np.ones(4), 0.5, ("y_pred", "y_true")),
    ([1, 0], [0.9, 0.1], None, ("threshold",)),
    ([1, 0], [0.9, 0.1], "0.5", ("threshold",)),
])
def test_binary_accuracy_rejects_bad_input(metrics, y_true, y_pred, threshold, argument):
    with expect.raises_value_error(*argument):
        metrics.binary_accuracy(y_true, y_pred, threshold=threshold)


@pytest.mark.exercise("metrics.binary_accuracy")
@pytest.mark.parametrize("shape", [(0,), (0, 1)], ids=str)
def test_binary_accuracy_rejects_no_elements(metrics, shape):
    with expect.raises_value_error("y_true", "y_pred", misconception="binary-accuracy-empty-unchecked"):
        with expect.no_warnings():
            metrics.binary_accuracy(np.zeros(shape), np.zeros(shape))


# ---------------------------------------------------------------- categorical_accuracy

@pytest.mark.exercise("metrics.categorical_accuracy")
@pytest.mark.parametrize("n, k", [(30, 4), (5, 5), (3, 7), (50, 2)])
def test_categorical_accuracy_equals_keras(metrics, n, k):
    y_true = _one_hot(RNG.integers(0, k, size=n), k)
    y_pred = RNG.normal(size=(n, k))  # logits work too: only the position of the maximum counts
    expected = _keras_categorical_accuracy(y_true, y_pred)
    expect.scalar(metrics.categorical_accuracy(y_true, y_pred), expected, rtol=RTOL)


@pytest.mark.exercise("metrics.categorical_accuracy")
@pytest.mark.parametrize("n, k", [(40, 3), (6, 6), (3, 8)])
def test_categorical_accuracy_first_index_wins_a_tie(metrics, n, k):
    y_pred = _tied_scores(n, k)
    y_true = _one_hot(RNG.integers(0, k, size=n), k)
    expected = _keras_categorical_accuracy(y_true, y_pred)
    expect.scalar(expected, float(np.mean(y_true.argmax(1) == y_pred.argmax(1))))  # Keras's tie rule
    expect.scalar(metrics.categorical_accuracy(y_true, y_pred), expected, rtol=RTOL)


@pytest.mark.exercise("metrics.categorical_accuracy")
def test_categorical_accuracy_each_tied_row_goes_to_its_first_maximum(metrics):
    y_pred = [[0.4, 0.4, 0.2], [0.4, 0.4, 0.2], [0.3, 0.3, 0.3], [0.3, 0.3, 0.3]]
    y_true = [[1, 0, 0], [0, 1, 0], [1, 0, 0], [0, 0, 1]]
    expected = _keras_categorical_accuracy(y_true, y_pred)
    expect.scalar(metrics.categorical_accuracy(y_true, y_pred), expected, rtol=RTOL)


@pytest.mark.exercise("metrics.categorical_accuracy")
@pytest.mark.parametrize("y_true, y_pred", [
    (np.eye(3), np.ones((3, 2))),
    (np.eye(3), np.ones((2, 3))),
    (np.eye(3)[:2], np.ones((3, 3))),
])
def test_categorical_accuracy_rejects_mismatched_shapes(metrics, y_true, y_pred):
    with expect.raises_value_error("y_pred", "y_true", misconception="categorical-accuracy-argmax"):
        metrics.categorical_accuracy(y_true, y_pred)


# ---------------------------------------------------------------- sparse_categorical_accuracy

@pytest.mark.exercise("metrics.sparse_categorical_accuracy")
@pytest.mark.parametrize("label_shape", ["n", "n-1"])
@pytest.mark.parametrize("n, k", [(30, 4), (5, 5), (3, 7)])
def test_sparse_categorical_accuracy_equals_keras(metrics, label_shape, n, k):
    labels = RNG.integers(0, k, size=n)
    y_true = labels if label_shape == "n" else labels[:, None]
    y_pred = RNG.normal(size=(n, k))
    expected = _keras_sparse_categorical_accuracy(y_true, y_pred)
    expect.scalar(metrics.sparse_categorical_accuracy(y_true, y_pred), expected, rtol=RTOL)


@pytest.mark.exercise("metrics.sparse_categorical_accuracy")
@pytest.mark.parametrize("label_shape", ["n", "n-1"])
def test_sparse_categorical_accuracy_first_index_wins_a_tie(metrics, label_shape):
    labels = RNG.integers(0, 3, size=40)
    y_true = labels if label_shape == "n" else labels[:, None]
    y_pred = _tied_scores(40, 3)
    expected = _keras_sparse_categorical_accuracy(y_true, y_pred)
    expect.scalar(expected, float(np.mean(labels == y_pred.argmax(1))))  # Keras's tie rule
    expect.scalar(metrics.sparse_categorical_accuracy(y_true, y_pred), expected, rtol=RTOL)


@pytest.mark.exercise("metrics.sparse_categorical_accuracy")
def test_sparse_categorical_accuracy_float_and_list_labels(metrics):
    y_pred = [[0.1, 0.9], [0.8, 0.2], [0.4, 0.6]]
    expect.scalar(metrics.sparse_categorical_accuracy([1.0, 0.0, 0.0], y_pred), 2 / 3, rtol=RTOL)
    expect.scalar(metrics.sparse_categorical_accuracy([[1], [0], [1]], y_pred), 1.0, rtol=RTOL)


@pytest.mark.exercise("metrics.sparse_categorical_accuracy")
def test_sparse_categorical_accuracy_a_label_out_of_range_is_a_miss_or_refused(metrics):
    y_true, y_pred = np.array([0, 3, 1]), np.array([[0.9, 0.1, 0.0], [0.1, 0.1, 0.8], [0.2, 0.7, 0.1]])
    # The docstring allows both: Keras counts label 3 of 3 classes as a miss, or a ValueError.
    expected = _keras_sparse_categorical_accuracy(y_true, y_pred)
    expect.value_or_value_error(lambda: metrics.sparse_categorical_accuracy(y_true, y_pred), "y_true",
                                lambda got: expect.scalar(got, expected, rtol=RTOL))


@pytest.mark.exercise("metrics.sparse_categorical_accuracy")
@pytest.mark.parametrize("y_true", [
    [0, 1, 2],
    [[0], [1], [1]],
    [[0, 1], [1, 0], [0, 1], [1, 0]],
])
def test_sparse_categorical_accuracy_rejects_labels_that_do_not_fit(metrics, y_true):
    with expect.raises_value_error("y_true", "y_pred", misconception="sparse-accuracy-labels"):
        metrics.sparse_categorical_accuracy(y_true, np.full((4, 2), 0.5))


@pytest.mark.exercise("metrics.sparse_categorical_accuracy")
@pytest.mark.parametrize("y_true", [[0.5, 1.0, 0.0], [[1.0], [0.25], [0.0]]], ids=["n", "n-by-1"])
def test_sparse_categorical_accuracy_rejects_labels_that_are_not_whole(metrics, y_true):
    with expect.raises_value_error("y_true"):
        metrics.sparse_categorical_accuracy(y_true, [[0.1, 0.9], [0.8, 0.2], [0.4, 0.6]])


# ---------------------------------------------------------------- predict_labels

@pytest.mark.exercise("metrics.predict_labels")
@pytest.mark.parametrize("shape", [(25,), (25, 1), (5, 4)])
@pytest.mark.parametrize("threshold", [0.5, 0.6, 0.1])
def test_predict_labels_are_int_zeros_and_ones_of_the_same_shape(metrics, shape, threshold):
    probabilities = RNG.uniform(size=shape)
    expected = np.where(probabilities > threshold, 1, 0).astype(np.int64)
    expect.equal(metrics.predict_labels(probabilities, threshold=threshold), expected)


@pytest.mark.exercise("metrics.predict_labels")
@pytest.mark.parametrize("threshold", [0.5, 0.6, 0.0, 1.0])
def test_predict_labels_strictly_above_the_threshold(metrics, threshold):
    # Just above and just below, by more than float32 rounding (a float32 answer is correct too).
    p = np.array([threshold, threshold + 1e-6, threshold - 1e-6]).clip(0.0, 1.0)
    expected = (p > threshold).astype(np.int64)
    expect.equal(metrics.predict_labels(p, threshold=threshold), expected)


@pytest.mark.exercise("metrics.predict_labels")
def test_predict_labels_default_threshold_and_lists(metrics):
    expect.equal(metrics.predict_labels([0.5, 0.51, 0.0, 1.0, 0.49]), np.array([0, 1, 0, 1, 0]))
    expect.equal(metrics.predict_labels([[0.7], [0.2]]), np.array([[1], [0]]))


@pytest.mark.exercise("metrics.predict_labels")
def test_predict_labels_agree_with_keras_binary_accuracy(metrics):
    probabilities = RNG.uniform(size=30)
    y_true = RNG.integers(0, 2, size=30)
    labels = expect.as_array(metrics.predict_labels(probabilities, threshold=0.75))
    expect.shape_of(labels, y_true.shape)
    expect.scalar(float(np.mean(labels == y_true)), _keras_binary_accuracy(y_true, probabilities, 0.75), rtol=RTOL)


@pytest.mark.exercise("metrics.predict_labels")
@pytest.mark.parametrize("probabilities, threshold, argument", [
    ([0.2, 1.2], 0.5, "probabilities"),
    ([-0.1, 0.5], 0.5, "probabilities"),
    ([0.2, np.nan], 0.5, "probabilities"),
    ([0.2, 0.7], 1.5, "threshold"),
    ([0.2, 0.7], -0.5, "threshold"),
])
def test_predict_labels_rejects_bad_input(metrics, probabilities, threshold, argument):
    with expect.raises_value_error(argument, misconception="predict-labels-range-unchecked"):
        metrics.predict_labels(probabilities, threshold=threshold)


# ---------------------------------------------------------------- confusion_counts

def _counts(y_true, y_pred):
    y_true, y_pred = np.ravel(y_true), np.ravel(y_pred)
    return {"tp": int(np.sum((y_true == 1) & (y_pred == 1))), "fp": int(np.sum((y_true == 0) & (y_pred == 1))),
            "tn": int(np.sum((y_true == 0) & (y_pred == 0))), "fn": int(np.sum((y_true == 1) & (y_pred == 0)))}


def _expect_python_ints(counts):
    if type(counts) is not dict:
        raise expect.ExpectationFailed(t("expect.type", expected=t("expect.a_dict"), got=type(counts).__name__),
                                       expect.TYPE)
    kinds = {key: type(value).__name__ for key, value in counts.items()}
    if any(type(value) is not int for value in counts.values()):
        raise expect.ExpectationFailed(t("test.python_ints", kinds=kinds), expect.TYPE)


@pytest.mark.exercise("metrics.confusion_counts")
@pytest.mark.parametrize("n", [1, 10, 101])
def test_confusion_counts_of_random_labels(metrics, n):
    y_true = RNG.integers(0, 2, size=n)
    y_pred = RNG.integers(0, 2, size=n)
    counts = metrics.confusion_counts(y_true, y_pred)
    expect.equal(counts, _counts(y_true, y_pred))
    _expect_python_ints(counts)


@pytest.mark.exercise("metrics.confusion_counts")
def test_confusion_counts_tell_every_kind_of_answer_apart(metrics):
    y_true = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0]
    y_pred = [1, 1, 1, 0, 1, 1, 0, 0, 0, 0]  # 3 hits, 1 miss, 2 false alarms, 4 right rejections
    expect.equal(metrics.confusion_counts(y_true, y_pred), {"tp": 3, "fp": 2, "tn": 4, "fn": 1})


@pytest.mark.exercise("metrics.confusion_counts")
def test_confusion_counts_equal_keras_true_and_false_positives(metrics):
    y_true = RNG.integers(0, 2, size=60).astype(float)
    y_pred = RNG.integers(0, 2, size=60).astype(float)
    expected = {}
    for key, metric in [("tp", keras.metrics.TruePositives()), ("fp", keras.metrics.FalsePositives()),
                        ("tn", keras.metrics.TrueNegatives()), ("fn", keras.metrics.FalseNegatives())]:
        expected[key] = int(round(_keras_metric(metric, y_true, y_pred)))
    expect.equal(metrics.confusion_counts(y_true, y_pred), expected)


@pytest.mark.exercise("metrics.confusion_counts")
@pytest.mark.parametrize("true_shape, pred_shape", [((12,), (12, 1)), ((12, 1), (12,))])
def test_confusion_counts_labels_n_against_n_1(metrics, true_shape, pred_shape):
    y_true = RNG.integers(0, 2, size=12)
    y_pred = RNG.integers(0, 2, size=12)
    counts = metrics.confusion_counts(y_true.reshape(true_shape), y_pred.reshape(pred_shape))
    expect.equal(counts, _counts(y_true, y_pred))


@pytest.mark.exercise("metrics.confusion_counts")
def test_confusion_counts_bool_and_float_labels(metrics):
    counts = metrics.confusion_counts([True, False, True], [1.0, 1.0, 0.0])
    expect.equal(counts, {"tp": 1, "fp": 1, "tn": 0, "fn": 1})
    _expect_python_ints(counts)


@pytest.mark.exercise("metrics.confusion_counts")
@pytest.mark.parametrize("y_true, y_pred_labels, argument", [
    ([1, 2, 0], [1, 1, 0], "y_true"),
    ([1, -1, 0], [1, 1, 0], "y_true"),
    ([1, 0, 0], [1, 0.5, 0], "y_pred_labels"),
    ([1, 0, 0], [1, 0, 2], "y_pred_labels"),
    ([1, 0, 0], [1, 0], ("y_pred_labels", "y_true")),
    ([1, 0, 0, 1], [[1, 0], [0, 1]], ("y_pred_labels", "y_true")),
])
def test_confusion_counts_rejects_bad_input(metrics, y_true, y_pred_labels, argument):
    with expect.raises_value_error(*(argument if isinstance(argument, tuple) else (argument,)),
                                   misconception="confusion-labels-unchecked"):
        metrics.confusion_counts(y_true, y_pred_labels)
