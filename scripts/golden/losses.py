"""Golden cases for exercises/tests/test_losses.py, answered by real Keras 3 losses in float64."""

import keras
import numpy as np

from keraskit import oracle


def _with_label_axis(y_true, y_pred):
    """Labels (n,) against predictions (n, 1) get their trailing axis, as the curriculum asks.

    Keras's own cross-entropy functions do not do this for us (its Loss objects do)."""
    y_true, y_pred = oracle.f64(y_true), oracle.f64(y_pred)
    if y_true.ndim + 1 == y_pred.ndim and y_pred.shape[-1] == 1:
        y_true = y_true[..., np.newaxis]
    return y_true, y_pred


def _keras_loss(function):
    def answer(y_true, y_pred, **kwargs):
        return oracle.call(function, *_with_label_axis(y_true, y_pred), **kwargs)
    return answer


HOUSE_PRICES = [[24.0], [21.6], [34.7]]          # three Boston prices, in $1000s, shape (3, 1)
PREDICTED_PRICES = [[25.0], [20.0], [30.0]]

CASES = {
    "mean_squared_error": [
        ((HOUSE_PRICES, PREDICTED_PRICES), {}),
        (([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]]), {}),
        (([24.0, 21.6, 34.7], PREDICTED_PRICES), {}),           # labels (3,) against (3, 1)
    ],
    "mean_absolute_error": [
        ((HOUSE_PRICES, PREDICTED_PRICES), {}),
        (([[1.0, 2.0, 3.0, 4.0]], [[2.0, 2.0, 1.0, 4.0]]), {}),  # 3 off in total, over k = 4 values
        (([24.0, 21.6, 34.7], PREDICTED_PRICES), {}),
    ],
    "mean_absolute_percentage_error": [
        (([[100.0, 200.0]], [[110.0, 180.0]]), {}),
        (([[-50.0, 20.0]], [[-40.0, 25.0]]), {}),               # negative targets: |y| below
        (([[0.0, 2.0]], [[1e-7, 1.0]]), {}),                    # a zero target divides by eps
    ],
    "mean_squared_logarithmic_error": [
        (([[10.0, 100.0]], [[11.0, 110.0]]), {}),
        (([[1.0, 0.0]], [[-3.0, 0.5]]), {}),                    # a negative prediction counts as eps
    ],
    "binary_crossentropy": [
        (([[1.0, 0.0, 1.0]], [[0.9, 0.2, 0.6]]), {}),
        (([[0.0, 1.0], [0.0, 0.0]], [[0.6, 0.4], [0.4, 0.6]]), {}),
        (([[1.0, 0.0]], [[0.0, 1.0]]), {}),                     # certain and wrong: clipped, finite
        (([1.0, 0.0, 1.0], [[0.9], [0.2], [0.6]]), {}),         # labels (3,) against (3, 1)
        (([[1.0, 0.0, 1.0]], [[2.0, -1.0, 0.0]]), {"from_logits": True}),
        (([[1.0, 0.0, 1.0]], [[0.9, 0.2, 0.6]]), {"label_smoothing": 0.2}),
    ],
    "categorical_crossentropy": [
        (([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]], [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]]), {}),
        (([[0.0, 0.0, 1.0]], [[1.0, 1.0, 2.0]]), {}),            # row rescaled to 0.25, 0.25, 0.5
        (([[0.0, 1.0, 0.0]], [[1.0, 2.0, 0.5]]), {"from_logits": True}),
        (([[0.0, 1.0, 0.0]], [[0.2, 0.7, 0.1]]), {"label_smoothing": 0.3}),
    ],
    "sparse_categorical_crossentropy": [
        (([1, 2], [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]]), {}),
        (([[1], [2]], [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]]), {}),  # labels (n, 1)
        (([0, 0], [[0.5, 0.5], [1.0, 1.0]]), {}),                  # a row summing to 2 is rescaled
    ],
    "reduce_loss": [
        (([1.0, 2.0, 3.0],), {}),
        (([1.0, 2.0, 3.0], [1.0, 0.0, 2.0]), {}),                  # the zero weight still counts
        (([[1.0], [2.0], [3.0]], [0.5, 0.5, 0.5]), {}),
    ],
}

ORACLES = {
    "mean_squared_error": _keras_loss(keras.losses.mean_squared_error),
    "mean_absolute_error": _keras_loss(keras.losses.mean_absolute_error),
    "mean_absolute_percentage_error": _keras_loss(keras.losses.mean_absolute_percentage_error),
    "mean_squared_logarithmic_error": _keras_loss(keras.losses.mean_squared_logarithmic_error),
    "binary_crossentropy": _keras_loss(keras.losses.binary_crossentropy),
    "categorical_crossentropy": _keras_loss(keras.losses.categorical_crossentropy),
    "sparse_categorical_crossentropy": _keras_loss(keras.losses.sparse_categorical_crossentropy),
    "reduce_loss": oracle.loss_reduction,
}
