"""Judging predictions.

A loss is what training minimises; a metric is what a person reads to judge the model. For
classification the usual metric is accuracy: the fraction of predictions that are right. A
binary classifier outputs a probability, and a cut-off (the threshold, 0.5 by default) turns
it into a 0/1 label; a multi-class classifier's label is the class with the largest output.
Counting the four kinds of right and wrong answers (the confusion counts) shows what kind
of mistakes the model makes.
Keras 3 equivalents: ``keras.metrics.BinaryAccuracy``, ``CategoricalAccuracy``,
``SparseCategoricalAccuracy``, passed to ``model.compile(metrics=[...])``.
评估指标：准确率、阈值与混淆计数，用来判断预测的好坏。
"""

import math
import numbers

import numpy as np


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """Return the fraction (a float) of elements where ``y_true`` equals ``y_pred > threshold``.

    A prediction counts as 1 only when it is strictly greater than the threshold, so 0.5 at
    the default threshold is a 0, as in Keras. Labels ``(n,)`` against predictions ``(n, 1)``
    (or the other way round) are compared sample by sample, never broadcast to ``(n, n)``;
    other shape mismatches, no elements, or a threshold that is not a number raise ValueError
    naming the argument.
    Keras 3 equivalent: ``keras.metrics.BinaryAccuracy(threshold=0.5)``, or
    ``metrics=["accuracy"]`` with a one-unit sigmoid output.

    中文：二分类准确率：预测值严格大于阈值记为 1，与真实标签相同的比例。
    """
    if not _is_number(threshold):
        raise ValueError(f"threshold must be a number, got {threshold!r}")
    truths, predictions = _paired(y_true, y_pred)
    right = [1 if t == (1 if p > threshold else 0) else 0 for t, p in zip(truths, predictions)]
    return sum(right) / len(right)


def categorical_accuracy(y_true, y_pred):
    """Return the fraction of rows whose largest ``y_pred`` is in the column of ``y_true``'s 1.

    ``y_true`` is one-hot ``(n, k)`` and ``y_pred`` holds scores ``(n, k)``; a row is right when
    ``argmax(y_true) == argmax(y_pred)`` along the last axis, and on a tie the first (lowest)
    index wins, as in Keras. Different shapes, fewer than two axes, or no rows raise ValueError
    naming the argument.
    Keras 3 equivalent: ``keras.metrics.CategoricalAccuracy()``.

    中文：多分类准确率：每行 y_true 与 y_pred 的最大值位置（并列取第一个）相同的比例。
    """
    truths = _to_nested(y_true)
    scores = _to_nested(y_pred)
    t_shape = _shape(truths, "y_true")
    p_shape = _shape(scores, "y_pred")
    if len(t_shape) < 2:
        raise ValueError(f"y_true must have at least two axes, got shape {t_shape}")
    if len(p_shape) < 2:
        raise ValueError(f"y_pred must have at least two axes, got shape {p_shape}")
    if t_shape != p_shape:
        raise ValueError(f"y_true of shape {t_shape} and y_pred of shape {p_shape} differ")
    t_rows = _rows(truths)
    p_rows = _rows(scores)
    if not p_rows or p_shape[-1] == 0:
        raise ValueError("y_true and y_pred hold no rows")
    right = [1 if _argmax(t) == _argmax(p) else 0 for t, p in zip(t_rows, p_rows)]
    return sum(right) / len(right)


def sparse_categorical_accuracy(y_true, y_pred):
    """Return the fraction of samples whose integer label equals ``argmax(y_pred)`` of its row.

    The labels are class numbers, ``(n,)`` or ``(n, 1)``, not one-hot rows; ``y_pred`` is
    ``(n, k)`` and on a tie its first index wins. Labels must be whole numbers in ``0 .. k-1``.
    A label count that does not match the rows of ``y_pred``, bad labels, or no samples raise
    ValueError naming the argument.
    Keras 3 equivalent: ``keras.metrics.SparseCategoricalAccuracy()``.

    中文：稀疏多分类准确率：整数标签与 y_pred 每行最大值位置相同的比例。
    """
    labels = _to_nested(y_true)
    scores = _to_nested(y_pred)
    l_shape = _shape(labels, "y_true")
    p_shape = _shape(scores, "y_pred")
    if len(p_shape) != 2 or p_shape[0] == 0 or p_shape[1] == 0:
        raise ValueError(f"y_pred must have shape (n, k) with n, k >= 1, got {p_shape}")
    n, k = p_shape
    if l_shape == (n, 1):
        labels = [row[0] for row in labels]
    elif l_shape != (n,):
        raise ValueError(f"y_true of shape {l_shape} does not give one label per row of y_pred {p_shape}")
    for label in labels:
        if (isinstance(label, bool) or not isinstance(label, numbers.Real) or not math.isfinite(label)
                or label != math.floor(label) or not 0 <= label < k):
            raise ValueError(f"y_true holds {label!r}: labels must be whole numbers in 0..{k - 1}")
    right = [1 if int(label) == _argmax(row) else 0 for label, row in zip(labels, scores)]
    return sum(right) / len(right)


def predict_labels(probabilities, threshold=0.5):
    """Return 0/1 integer labels of ``probabilities``'s shape: 1 where ``p > threshold``.

    The threshold is a choice, not a law: the book compares the usual 0.5 with a stricter 0.6,
    which calls fewer samples positive. Strictly greater, as Keras: ``p == threshold`` is 0.
    Probabilities outside [0, 1] (or NaN) and a threshold outside [0, 1] raise ValueError
    naming the argument.
    Keras 3 equivalent: ``(model.predict(x) > threshold).astype("int64")``.

    中文：用阈值把概率变成 0/1 整数标签（严格大于阈值为 1），例如书中的 0.5 与 0.6。
    """
    if not _is_number(threshold) or not 0 <= threshold <= 1:
        raise ValueError(f"threshold must be a number in [0, 1], got {threshold!r}")
    data = _to_nested(probabilities)
    _shape(data, "probabilities")
    for p in _leaves(data):
        if isinstance(p, bool) or not isinstance(p, numbers.Real) or not 0 <= p <= 1:
            raise ValueError(f"probabilities must lie in [0, 1], got {p!r}")

    def label(item):
        if isinstance(item, list):
            return [label(sub) for sub in item]
        return 1 if item > threshold else 0

    return label(data)


def confusion_counts(y_true, y_pred_labels):
    """Return ``{"tp": ..., "fp": ..., "tn": ..., "fn": ...}`` as Python ints for 0/1 labels.

    tp: predicted 1 and truly 1; fp: predicted 1 but truly 0 (a false alarm); tn: predicted 0
    and truly 0; fn: predicted 0 but truly 1 (a miss). Together they count every sample.
    Labels ``(n,)`` against ``(n, 1)`` are compared sample by sample. Values other than 0 and 1,
    or shapes that do not match, raise ValueError naming the argument.
    Keras 3 equivalent: ``keras.metrics.TruePositives()``, ``FalsePositives()``,
    ``TrueNegatives()``, ``FalseNegatives()`` at threshold 0.5 on 0/1 labels.

    中文：二分类混淆计数：返回 tp、fp、tn、fn 四个 Python 整数，标签只能是 0 或 1。
    """
    truths, predictions = _paired(y_true, y_pred_labels, "y_true", "y_pred_labels")
    for name, values in (("y_true", truths), ("y_pred_labels", predictions)):
        for value in values:
            if isinstance(value, str) or value not in (0, 1):
                raise ValueError(f"{name} must hold only 0 and 1, got {value!r}")
    counts = {"tp": 0, "fp": 0, "tn": 0, "fn": 0}
    for t, p in zip(truths, predictions):
        if p == 1:
            counts["tp" if t == 1 else "fp"] += 1
        else:
            counts["fn" if t == 1 else "tn"] += 1
    return counts


def _is_number(value):
    return (isinstance(value, numbers.Real) and not isinstance(value, bool) and type(value).__name__ != "bool_"
            and not math.isnan(value))


def _scalar(value):
    """A Python number for a number (numpy scalars and 0-d arrays included)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if hasattr(value, "item"):
        return _scalar(value.item())
    return value


def _to_nested(x):
    """Nested Python lists of the values of a number, list, tuple or array."""
    try:
        items = list(x)
    except TypeError:
        return _scalar(x)
    return [_to_nested(item) for item in items]


def _shape(data, name):
    """The shape of nested lists; ragged lists raise ValueError naming ``name``."""
    if not isinstance(data, list):
        return ()
    if not data:
        return (0,)
    inner = [_shape(item, name) for item in data]
    if any(s != inner[0] for s in inner):
        raise ValueError(f"{name} is ragged: its rows have different shapes")
    return (len(data),) + inner[0]


def _leaves(data):
    if isinstance(data, list):
        return [leaf for item in data for leaf in _leaves(item)]
    return [data]


def _rows(data):
    """The last-axis rows of nested lists, in order."""
    if data and isinstance(data[0], list):
        return [row for item in data for row in _rows(item)]
    return [data]


def _argmax(row):
    """The index of the largest value; the first one on a tie."""
    best = 0
    for j, value in enumerate(row):
        if value > row[best]:
            best = j
    return best


def _paired(y_true, y_pred, true_name="y_true", pred_name="y_pred"):
    """Flat lists of the elements of two arrays of one shape; (n,) pairs with (n, 1) either way."""
    truths = _to_nested(y_true)
    predictions = _to_nested(y_pred)
    t_shape = _shape(truths, true_name)
    p_shape = _shape(predictions, pred_name)
    if t_shape + (1,) == p_shape or t_shape == p_shape + (1,) or t_shape == p_shape:
        truths = _leaves(truths)
        predictions = _leaves(predictions)
    else:
        raise ValueError(f"{true_name} of shape {t_shape} and {pred_name} of shape {p_shape} do not match")
    if not truths:
        raise ValueError(f"{true_name} and {pred_name} hold no elements")
    return truths, predictions
