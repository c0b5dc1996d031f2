"""Golden cases for encoding.py: ``one_hot`` is "as Keras", so its expected values come from
``keras.utils.to_categorical`` itself."""

import keras
import numpy as np


def _to_categorical(labels, num_classes=None):
    return keras.utils.to_categorical(np.asarray(labels), num_classes)


CASES = {
    "one_hot": [
        (([0, 1, 2, 3],), {"num_classes": 4}),      # the Keras docstring's example
        (([1, 0, 1, 1, 0],), {}),                    # binary labels: two columns
        (([2, 0, 1],), {"num_classes": 5}),          # more classes than labels seen
        (([[3], [0], [1]],), {}),                    # labels as an (n, 1) column
        (([2.0, 0.0, 1.0, 2.0],), {}),               # whole-number floats are labels too
        (([7],), {"num_classes": 10}),               # one digit of ten classes
    ],
}

ORACLES = {"one_hot": _to_categorical}
