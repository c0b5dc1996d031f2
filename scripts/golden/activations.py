"""Golden cases of exercises/tests/test_activations.py, computed by real Keras 3 in float64."""

from keraskit import oracle
from keraskit.oracle import keras

LINE = [-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0]
BOOK_RELU = [-10.0, -5.0, 0.0, 5.0, 10.0]  # the values of Keras's own relu docstring
EXTREMES = [-1e4, -50.0, 0.0, 50.0, 1e4]

CASES = {
    "dense_forward": [
        (([[1.0, 2.0], [-1.0, 0.5]], [[0.5, -1.0, 2.0], [1.0, 0.0, -0.5]], [0.1, 0.2, -0.3]), {}),
        (([[1.0, 2.0], [-1.0, 0.5]], [[0.5, -1.0, 2.0], [1.0, 0.0, -0.5]], [0.1, 0.2, -0.3]),
         {"activation": "relu"}),
        (([[1.0, 2.0], [-1.0, 0.5]], [[0.5, -1.0, 2.0], [1.0, 0.0, -0.5]], [0.1, 0.2, -0.3]),
         {"activation": "sigmoid"}),
        (([[1.0, 2.0], [-1.0, 0.5]], [[0.5, -1.0, 2.0], [1.0, 0.0, -0.5]], [0.1, 0.2, -0.3]),
         {"activation": "softmax"}),
    ],
    "sigmoid": [((LINE,), {}), ((EXTREMES,), {})],
    "relu": [
        ((BOOK_RELU,), {}),
        ((BOOK_RELU,), {"negative_slope": 0.5}),
        ((BOOK_RELU,), {"max_value": 5.0}),
        ((BOOK_RELU,), {"threshold": 5.0}),
        ((BOOK_RELU,), {"negative_slope": 0.1, "max_value": 6.0, "threshold": 2.0}),
    ],
    "leaky_relu": [((BOOK_RELU,), {}), ((BOOK_RELU,), {"negative_slope": 0.01})],
    "tanh": [((LINE,), {})],
    "elu": [((LINE,), {}), ((LINE,), {"alpha": 0.5})],
    "selu": [((LINE,), {})],
    "swish": [((LINE,), {}), ((EXTREMES,), {})],
    "softmax": [
        (([1.0, 2.0, 3.0],), {}),
        (([[1.0, 2.0, 3.0], [1000.0, 1000.0, 0.0]],), {}),
        (([[1.0, 2.0, 3.0], [2.0, 4.0, 0.0]],), {"axis": 0}),
    ],
    "sigmoid_derivative": [((LINE,), {})],
    "relu_derivative": [((LINE,), {})],
}

ORACLES = {
    "dense_forward": oracle.dense,
    "sigmoid": lambda z: oracle.call(keras.activations.sigmoid, z),
    "relu": lambda z, **kw: oracle.call(keras.activations.relu, z, **kw),
    "leaky_relu": lambda z, **kw: oracle.call(keras.activations.leaky_relu, z, **kw),
    "tanh": lambda z: oracle.call(keras.activations.tanh, z),
    "elu": lambda z, **kw: oracle.call(keras.activations.elu, z, **kw),
    "selu": lambda z: oracle.call(keras.activations.selu, z),
    "swish": lambda z: oracle.call(keras.activations.swish, z),
    "softmax": lambda z, **kw: oracle.call(keras.activations.softmax, z, **kw),
    "sigmoid_derivative": lambda z: oracle.gradient(keras.activations.sigmoid, z),
    "relu_derivative": lambda z: oracle.gradient(keras.activations.relu, z),
}

assert set(CASES) == set(ORACLES)
