"""Real Keras 3 as the oracle of hidden tests and golden files, in float64 and as plain numpy.

The oracle's answers do not depend on the student, so they are memoised (``memoised``): keyed
by a digest of the helper's name and a copy of its inputs, returned as fresh copies so that a
test cannot change what the next one gets. A judge host installs the memo of its reference run
(``export_memo`` in the judge child, ``install_memo`` in the host, which runs no TensorFlow
op), so that every judge child forked afterwards starts with it: a class pays once.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import functools
import hashlib

import numpy as np

from keraskit import tfruntime
from keraskit.quiet import silence_tensorflow

silence_tensorflow()

import keras

tfruntime.configure()  # before the oracle traces anything, as in every process the kit runs Keras in

# ---------------------------------------------------------------- the memo

_MEMO: dict[str, object] = {}  # digest of (helper, inputs) -> the helper's answer
_STATS = {"hits": 0, "misses": 0, "enabled": True}


class _Unkeyable(Exception):
    """An input with no stable description (an object, a local function): not memoised."""


def _frozen(value):
    """A hashable description of an input, stable across processes; ``_Unkeyable`` otherwise."""
    if isinstance(value, (np.ndarray, np.generic)):
        array = np.asarray(value)  # not ascontiguousarray: it makes a 0-d array 1-d
        if array.dtype.hasobject:
            raise _Unkeyable(repr(array.dtype))
        return ("array", array.dtype.str, array.shape, array.tobytes(order="C"))
    if value is None or isinstance(value, (bool, int, float, complex, str, bytes)):
        return (type(value).__name__, repr(value))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(_frozen(v) for v in value))
    if isinstance(value, dict):
        return ("dict", tuple(sorted((repr(k), _frozen(v)) for k, v in value.items())))
    qualname, module = getattr(value, "__qualname__", None), getattr(value, "__module__", None)
    if callable(value) and isinstance(qualname, str) and isinstance(module, str) and "<" not in qualname:
        return ("function", module, qualname)  # a module-level function: its name says what it does
    raise _Unkeyable(type(value).__name__)


def _digest(name: str, args: tuple, kwargs: dict) -> str:
    key = (name, _frozen(args), _frozen(kwargs))
    return hashlib.sha256(repr(key).encode()).hexdigest()


def memoised(function):
    """``function`` (pure: its answer depends only on its arguments) with its answers memoised.

    Arguments must be plain data, arrays or module-level functions; with anything else (a model,
    a metric object, a student's function) the call is simply not memoised. Every call returns
    a deep copy of the memo's value."""
    name = f"{function.__module__}.{function.__qualname__}"
    stable = "<" not in function.__qualname__  # a lambda or a closure: its name does not say what it does

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        if not (_STATS["enabled"] and stable):
            return function(*args, **kwargs)
        try:
            key = _digest(name, args, kwargs)
        except _Unkeyable:
            return function(*args, **kwargs)
        if key in _MEMO:
            _STATS["hits"] += 1
        else:
            _STATS["misses"] += 1
            _MEMO[key] = copy.deepcopy(function(*args, **kwargs))
        return copy.deepcopy(_MEMO[key])

    wrapper.uncached = function
    return wrapper


def clear_memo() -> None:
    _MEMO.clear()


def memo_stats() -> dict:
    """{"entries", "hits", "misses"} since this process started (or its fork)."""
    return {"entries": len(_MEMO), "hits": _STATS["hits"], "misses": _STATS["misses"]}


@contextlib.contextmanager
def fresh():
    """Within this block every memoised helper computes afresh and the memo is left untouched."""
    before = _STATS["enabled"]
    _STATS["enabled"] = False
    try:
        yield
    finally:
        _STATS["enabled"] = before


def _encode(value):
    """Tagged JSON for the memo's values (arrays, numpy scalars, tuples, dicts, plain data);
    ``_Unkeyable`` for anything else, which then stays in its process."""
    if isinstance(value, (np.ndarray, np.generic)):
        array = np.asarray(value)  # not ascontiguousarray: it makes a 0-d array 1-d
        if array.dtype.hasobject:
            raise _Unkeyable(repr(array.dtype))
        tag = "ndarray" if isinstance(value, np.ndarray) else "scalar"
        return {tag: [array.dtype.str, list(array.shape), base64.b64encode(array.tobytes(order="C")).decode()]}
    if value is None or isinstance(value, (bool, int, float, str)):
        return {"plain": value}
    if isinstance(value, (list, tuple)):
        return {type(value).__name__: [_encode(v) for v in value]}
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {"dict": [[k, _encode(v)] for k, v in value.items()]}
    raise _Unkeyable(type(value).__name__)


def _decode(data):
    (tag, body), = data.items()
    if tag in ("ndarray", "scalar"):
        dtype, shape, raw = body
        array = np.frombuffer(base64.b64decode(raw), dtype=np.dtype(dtype)).reshape(shape).copy()
        return array if tag == "ndarray" else array[()]
    if tag == "plain":
        return body
    if tag in ("list", "tuple"):
        items = [_decode(v) for v in body]
        return items if tag == "list" else tuple(items)
    if tag == "dict":
        return {k: _decode(v) for k, v in body}
    raise ValueError(f"oracle memo: unknown tag {tag!r}")


def export_memo() -> dict:
    """The memo as JSON-able data (what cannot be encoded is left out)."""
    exported = {}
    for key, value in _MEMO.items():
        try:
            exported[key] = _encode(value)
        except _Unkeyable:
            pass
    return exported


def install_memo(exported: dict) -> int:
    """Add ``export_memo()``'s data to this process's memo (numpy only, no Keras); the count added."""
    added = 0
    for key, data in exported.items():
        if key not in _MEMO:
            _MEMO[key] = _decode(data)
            added += 1
    return added


# ---------------------------------------------------------------- the helpers

def f64(x) -> np.ndarray:
    """A plain float64 numpy array (never a tensor that carries hidden state such as logits)."""
    return np.array(x, dtype=np.float64)


def to_numpy(value) -> np.ndarray:
    """A Keras/TensorFlow result as a fresh numpy array."""
    return np.array(keras.ops.convert_to_numpy(value))


@memoised
def call(function, *args, **kwargs) -> np.ndarray:
    """Run a Keras function on float64 copies of array arguments; return plain numpy."""
    converted = [f64(a) if isinstance(a, (list, tuple, np.ndarray)) else a for a in args]
    return to_numpy(function(*converted, **kwargs))


@memoised
def gradient(activation, z) -> np.ndarray:
    """d activation(z) / dz element-wise, as TensorFlow's autodiff computes it (float64)."""
    import tensorflow as tf

    variable = tf.Variable(f64(z))
    with tf.GradientTape() as tape:
        output = activation(variable)
    return to_numpy(tape.gradient(output, variable))


@memoised
def dense(x, kernel, bias, activation=None) -> np.ndarray:
    """A float64 keras.layers.Dense on keras.Input, given these weights, applied to x."""
    kernel, bias = f64(kernel), f64(bias)
    inputs = keras.Input(shape=(kernel.shape[0],), dtype="float64")
    layer = keras.layers.Dense(kernel.shape[1], activation=activation, dtype="float64")
    model = keras.Model(inputs, layer(inputs))
    layer.set_weights([kernel, bias])
    return to_numpy(model(f64(x)))


class _ReportedLoss(keras.losses.Loss):
    """A Loss whose per-sample values are given, leaving only Keras's own reduction to observe."""

    def call(self, y_true, y_pred):
        return y_pred


@memoised
def loss_reduction(per_sample, sample_weight=None) -> float:
    """The scalar a float64 Keras Loss object reports for these per-sample values ("sum_over_batch_size")."""
    values = f64(per_sample)
    weights = None if sample_weight is None else f64(sample_weight)
    return float(to_numpy(_ReportedLoss(dtype="float64")(np.zeros_like(values), values, sample_weight=weights)))
