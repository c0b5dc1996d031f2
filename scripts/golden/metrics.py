"""Golden cases of metrics.py: the real ``keras.metrics`` classes on float64 inputs."""

import numpy as np

from keraskit.quiet import silence_tensorflow

silence_tensorflow()

import keras


def _result(metric, y_true, y_pred):
    metric.update_state(np.array(y_true, dtype=np.float64), np.array(y_pred, dtype=np.float64))
    return float(metric.result())


def keras_binary_accuracy(y_true, y_pred, threshold=0.5):
    return _result(keras.metrics.BinaryAccuracy(threshold=threshold, dtype="float64"), y_true, y_pred)


def keras_categorical_accuracy(y_true, y_pred):
    return _result(keras.metrics.CategoricalAccuracy(dtype="float64"), y_true, y_pred)


def keras_sparse_categorical_accuracy(y_true, y_pred):
    return _result(keras.metrics.SparseCategoricalAccuracy(dtype="float64"), y_true, y_pred)


PROBABILITIES = [0.9, 0.55, 0.4, 0.65, 0.1, 0.58]  # a sigmoid output for six samples
LABELS = [1, 1, 0, 0, 0, 1]

CASES = {
    "binary_accuracy": [
        ((LABELS, PROBABILITIES), {}),
        ((LABELS, PROBABILITIES), {"threshold": 0.6}),  # the book's stricter cut-off
        (([0, 0, 1, 0], [0.5, 0.5, 0.51, 0.49]), {}),  # exactly 0.5 is not above 0.5: 1.0 (>= gives 0.5)
        (([1, 0, 1], [[0.8], [0.3], [0.2]]), {}),  # labels (n,) against predictions (n, 1)
    ],
    "categorical_accuracy": [
        (([[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 1, 0]],
          [[0.7, 0.2, 0.1], [0.1, 0.5, 0.4], [0.3, 0.4, 0.3], [0.2, 0.6, 0.2]]), {}),
        (([[1, 0, 0], [1, 0, 0]], [[0.4, 0.4, 0.2], [0.4, 0.4, 0.2]]), {}),  # tie: first index wins
    ],
    "sparse_categorical_accuracy": [
        (([0, 1, 2, 1], [[0.7, 0.2, 0.1], [0.1, 0.5, 0.4], [0.3, 0.4, 0.3], [0.2, 0.6, 0.2]]), {}),
        (([[0], [0], [2]], [[0.5, 0.5, 0.0], [0.5, 0.5, 0.0], [0.2, 0.2, 0.6]]), {}),  # (n, 1) labels, ties: first wins
    ],
}

ORACLES = {
    "binary_accuracy": keras_binary_accuracy,
    "categorical_accuracy": keras_categorical_accuracy,
    "sparse_categorical_accuracy": keras_sparse_categorical_accuracy,
}
