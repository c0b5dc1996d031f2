"""Visible tests for metrics.py: accuracies, the 0.5 vs 0.6 cut-off and the confusion counts.

Where the answer is "as Keras" the expected values were computed by real Keras 3 and stored in
golden/metrics.json (see scripts/golden/metrics.py), so these tests run without TensorFlow.
"""

import numpy as np
import pytest

from keraskit import expect, golden

GOLDEN = golden.load(__file__, "metrics")

PROBABILITIES = np.array([0.9, 0.55, 0.4, 0.65, 0.1, 0.58])  # a sigmoid output for six samples
LABELS = np.array([1, 1, 0, 0, 0, 1])


# ---------------------------------------------------------------- what known mistakes give

def _flat(values):
    return np.asarray(values, dtype=float).reshape(-1)


def _last_argmax(values):
    """The argmax per row when the last index wins a tie."""
    values = np.asarray(values, dtype=float)
    return values.shape[-1] - 1 - np.argmax(values[..., ::-1], axis=-1)


def _binary_mistakes(y_true, y_pred, threshold=0.5):
    truth, prediction = _flat(y_true), _flat(y_pred)
    return [
        ("binary-accuracy-broadcast-table",
         np.mean(np.asarray(y_true, dtype=float) == (np.asarray(y_pred, dtype=float) > threshold))),
        ("binary-accuracy-rounds", np.mean(truth == np.round(prediction))),
        ("binary-accuracy-count", np.sum(truth == (prediction > threshold))),
        ("binary-accuracy-strict-threshold", np.mean(truth == (prediction >= threshold))),
    ]


def _categorical_mistakes(y_true, y_pred):
    truth, prediction = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    return [
        ("categorical-accuracy-argmax", np.mean(_last_argmax(truth) == _last_argmax(prediction))),
        ("categorical-accuracy-argmax", np.mean(np.argmax(truth, axis=0) == np.argmax(prediction, axis=0))),
        ("categorical-accuracy-elementwise", np.mean(truth == (prediction > 0.5))),
        ("categorical-accuracy-elementwise", np.mean(truth == np.round(prediction))),
    ]


def _sparse_mistakes(y_true, y_pred):
    prediction = np.asarray(y_pred, dtype=float)
    return [
        ("sparse-accuracy-labels", np.mean(np.asarray(y_true) == np.argmax(prediction, axis=-1))),  # a table
        ("sparse-accuracy-tie", np.mean(_flat(y_true) == _last_argmax(prediction))),
    ]


@pytest.mark.exercise("metrics.binary_accuracy")
def test_binary_accuracy_counts_a_prediction_at_the_threshold_as_0(metrics):
    # Both predictions are exactly 0.5: not above 0.5, so both are 0 and both labels are right.
    got = expect.as_scalar(metrics.binary_accuracy([0, 0], [0.5, 0.5]))
    # >= counts both as 1 (no label right); a count instead of a fraction gives 2
    mistake = {0.0: "binary-accuracy-strict-threshold", 2.0: "binary-accuracy-count"}.get(got)
    with expect.misconception(lambda: mistake):
        expect.that(got == 1.0, "test.strictly_above", call="binary_accuracy([0, 0], [0.5, 0.5])", expected=1.0,
                    got=got)


@pytest.mark.exercise("metrics.binary_accuracy")
@pytest.mark.parametrize("case", GOLDEN["binary_accuracy"],
                         ids=["threshold-0.5", "threshold-0.6", "exactly-0.5-is-0", "labels-n-vs-n-1"])
def test_binary_accuracy_equals_keras(metrics, case):
    expect.scalar(metrics.binary_accuracy(*case.args, **case.kwargs), case.expected, rtol=1e-6,
                  wrong_answers=_binary_mistakes(*case.args, **case.kwargs))


@pytest.mark.exercise("metrics.binary_accuracy")
def test_binary_accuracy_rejects_mismatched_shapes(metrics):
    with expect.raises_value_error("y_pred", "y_true"):
        metrics.binary_accuracy([1, 0, 1], [0.9, 0.1, 0.8, 0.3])


@pytest.mark.exercise("metrics.binary_accuracy")
def test_binary_accuracy_rejects_a_threshold_that_is_not_a_number(metrics):
    with expect.raises_value_error("threshold"):
        metrics.binary_accuracy([1, 0], [0.9, 0.1], threshold="0.5")


@pytest.mark.exercise("metrics.binary_accuracy")
def test_binary_accuracy_rejects_no_elements(metrics):
    with expect.raises_value_error("y_true", "y_pred", misconception="binary-accuracy-empty-unchecked"):
        with expect.no_warnings():
            metrics.binary_accuracy([], [])


@pytest.mark.exercise("metrics.categorical_accuracy")
@pytest.mark.parametrize("case", GOLDEN["categorical_accuracy"], ids=["four-rows", "tie-first-index-wins"])
def test_categorical_accuracy_equals_keras(metrics, case):
    expect.scalar(metrics.categorical_accuracy(*case.args, **case.kwargs), case.expected, rtol=1e-6,
                  wrong_answers=_categorical_mistakes(*case.args, **case.kwargs))


@pytest.mark.exercise("metrics.categorical_accuracy")
def test_categorical_accuracy_rejects_mismatched_shapes(metrics):
    with expect.raises_value_error("y_pred", "y_true", misconception="categorical-accuracy-argmax"):
        metrics.categorical_accuracy([[1, 0, 0], [0, 1, 0]], [[0.5, 0.5], [0.2, 0.8]])


@pytest.mark.exercise("metrics.categorical_accuracy")
def test_categorical_accuracy_rejects_fewer_than_two_axes(metrics):
    with expect.raises_value_error("y_pred", "y_true"):
        metrics.categorical_accuracy([1, 0, 0], [0.7, 0.2, 0.1])


@pytest.mark.exercise("metrics.sparse_categorical_accuracy")
@pytest.mark.parametrize("case", GOLDEN["sparse_categorical_accuracy"], ids=["labels-n", "labels-n-1-with-ties"])
def test_sparse_categorical_accuracy_equals_keras(metrics, case):
    expect.scalar(metrics.sparse_categorical_accuracy(*case.args, **case.kwargs), case.expected, rtol=1e-6,
                  wrong_answers=_sparse_mistakes(*case.args, **case.kwargs))


@pytest.mark.exercise("metrics.sparse_categorical_accuracy")
def test_sparse_categorical_accuracy_rejects_a_label_per_missing_row(metrics):
    with expect.raises_value_error("y_true", misconception="sparse-accuracy-labels"):
        metrics.sparse_categorical_accuracy([0, 1, 2], [[0.7, 0.2, 0.1], [0.1, 0.5, 0.4]])


@pytest.mark.exercise("metrics.sparse_categorical_accuracy")
def test_sparse_categorical_accuracy_rejects_labels_that_are_not_whole(metrics):
    with expect.raises_value_error("y_true"):
        metrics.sparse_categorical_accuracy([0.5, 1.0], [[0.7, 0.2, 0.1], [0.1, 0.5, 0.4]])


@pytest.mark.exercise("metrics.predict_labels")
def test_predict_labels_the_books_cut_off_of_0_5(metrics):
    expect.equal(metrics.predict_labels(PROBABILITIES), np.array([1, 1, 0, 1, 0, 1]),
                 wrong_answers={"predict-labels-booleans": PROBABILITIES > 0.5})


@pytest.mark.exercise("metrics.predict_labels")
def test_predict_labels_a_stricter_cut_off_of_0_6_calls_fewer_positives(metrics):
    expect.equal(metrics.predict_labels(PROBABILITIES, threshold=0.6), np.array([1, 0, 0, 1, 0, 0]),
                 wrong_answers={"predict-labels-threshold": np.array([1, 1, 0, 1, 0, 1])})  # rounded


@pytest.mark.exercise("metrics.predict_labels")
def test_predict_labels_exactly_at_the_threshold_is_0(metrics):
    expect.equal(metrics.predict_labels([0.5, 0.6], threshold=0.5), np.array([0, 1]),
                 wrong_answers={"predict-labels-threshold": np.array([1, 1])})  # >= instead of >
    expect.equal(metrics.predict_labels([0.5, 0.6], threshold=0.6), np.array([0, 0]),
                 wrong_answers=[("predict-labels-threshold", np.array([0, 1])),
                                ("predict-labels-threshold", np.array([1, 1]))])


@pytest.mark.exercise("metrics.predict_labels")
def test_predict_labels_rejects_a_probability_above_one(metrics):
    with expect.raises_value_error("probabilities", misconception="predict-labels-range-unchecked"):
        metrics.predict_labels([0.2, 1.2])


@pytest.mark.exercise("metrics.predict_labels")
def test_predict_labels_rejects_a_threshold_outside_0_1(metrics):
    with expect.raises_value_error("threshold"):
        metrics.predict_labels([0.2, 0.7], threshold=1.5)


@pytest.mark.exercise("metrics.predict_labels")
def test_predict_labels_rejects_a_nan_probability(metrics):
    with expect.raises_value_error("probabilities"):
        metrics.predict_labels([0.2, np.nan])


@pytest.mark.exercise("metrics.confusion_counts")
def test_confusion_counts_at_0_5(metrics):
    predicted = np.array([1, 1, 0, 1, 0, 1])  # PROBABILITIES > 0.5
    expect.equal(metrics.confusion_counts(LABELS, predicted), {"tp": 3, "fp": 1, "tn": 2, "fn": 0}, wrong_answers=[
        ("confusion-boxes", {"tp": 1, "fp": 3, "tn": 2, "fn": 0}),  # tp and fp swapped
        ("confusion-boxes", {"tp": 3, "fp": 0, "tn": 2, "fn": 1}),  # truth and prediction swapped
    ])


@pytest.mark.exercise("metrics.confusion_counts")
def test_confusion_counts_at_0_6_trade_false_alarms_for_misses(metrics):
    predicted = np.array([1, 0, 0, 1, 0, 0])  # PROBABILITIES > 0.6
    expect.equal(metrics.confusion_counts(LABELS, predicted), {"tp": 1, "fp": 1, "tn": 2, "fn": 2})


@pytest.mark.exercise("metrics.confusion_counts")
def test_confusion_counts_are_python_ints(metrics):
    # The docstring asks for Python ints: np.sum gives numpy integers, which json.dumps refuses.
    counts = metrics.confusion_counts(np.array(LABELS), np.array([1, 1, 0, 1, 0, 1]))
    expect.equal(counts, {"tp": 3, "fp": 1, "tn": 2, "fn": 0})
    kinds = {key: type(value).__name__ for key, value in counts.items()}
    expect.that(all(type(value) is int for value in counts.values()), "test.python_ints",
                kind=expect.TYPE, kinds=kinds, misconception="confusion-python-ints")


@pytest.mark.exercise("metrics.confusion_counts")
def test_confusion_counts_rejects_a_label_that_is_not_0_or_1(metrics):
    with expect.raises_value_error("y_true", misconception="confusion-labels-unchecked"):
        metrics.confusion_counts([1, 2, 0], [1, 1, 0])


@pytest.mark.exercise("metrics.confusion_counts")
def test_confusion_counts_rejects_a_predicted_label_that_is_not_0_or_1(metrics):
    with expect.raises_value_error("y_pred_labels"):
        metrics.confusion_counts([1, 0, 0], [1, 0.5, 0])


@pytest.mark.exercise("metrics.confusion_counts")
def test_confusion_counts_labels_n_against_n_1(metrics):
    counts = metrics.confusion_counts(np.array(LABELS), np.array([1, 1, 0, 1, 0, 1]).reshape(6, 1))
    expect.equal(counts, {"tp": 3, "fp": 1, "tn": 2, "fn": 0})
