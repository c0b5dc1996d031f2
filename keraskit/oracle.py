"""Real Keras 3 as the oracle of hidden tests and golden files, in float64 and as plain numpy."""

from __future__ import annotations

import numpy as np

from keraskit.quiet import silence_tensorflow

silence_tensorflow()

import keras  # noqa: E402


def f64(x) -> np.ndarray:
    """A plain float64 numpy array (never a tensor that carries hidden state such as logits)."""
    return np.array(x, dtype=np.float64)


def to_numpy(value) -> np.ndarray:
    """A Keras/TensorFlow result as a fresh numpy array."""
    return np.array(keras.ops.convert_to_numpy(value))


def call(function, *args, **kwargs) -> np.ndarray:
    """Run a Keras function on float64 copies of array arguments; return plain numpy."""
    converted = [f64(a) if isinstance(a, (list, tuple, np.ndarray)) else a for a in args]
    return to_numpy(function(*converted, **kwargs))
