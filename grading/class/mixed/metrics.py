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

import numbers

import keras
import numpy as np


def _floats(value, name):
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric") from exc


def _paired(y_true, y_pred, true_name="y_true", pred_name="y_pred"):
    """Arrays of one shape; (n,) against (n, 1), either way round, pair up sample by sample."""
    y_true, y_pred = _floats(y_true, true_name), _floats(y_pred, pred_name)
    if y_pred.shape == y_true.shape + (1,) or y_true.shape == y_pred.shape + (1,):
        y_pred = y_pred.reshape(y_true.shape)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"{true_name} of shape {y_true.shape} does not match {pred_name} of shape {y_pred.shape}")
    return y_true, y_pred


def _result(metric, y_true, y_pred):
    """Feed one batch to a Keras metric object and read its result as a Python number."""
    metric.update_state(y_true, y_pred)
    return keras.ops.convert_to_numpy(metric.result()).item()


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
    if not isinstance(threshold, numbers.Real) or isinstance(threshold, bool):
        raise ValueError(f"threshold must be a number, got {threshold!r}")
    y_true, y_pred = _paired(y_true, y_pred)
    if y_true.size == 0:
        raise ValueError("y_true and y_pred have no elements")
    return float(_result(keras.metrics.BinaryAccuracy(threshold=float(threshold)), y_true, y_pred))


def categorical_accuracy(y_true, y_pred):
    """Return the fraction of rows whose largest ``y_pred`` is in the column of ``y_true``'s 1.

    ``y_true`` is one-hot ``(n, k)`` and ``y_pred`` holds scores ``(n, k)``; a row is right when
    ``argmax(y_true) == argmax(y_pred)`` along the last axis, and on a tie the first (lowest)
    index wins, as in Keras. Different shapes, fewer than two axes, or no rows raise ValueError
    naming the argument.
    Keras 3 equivalent: ``keras.metrics.CategoricalAccuracy()``.

    中文：多分类准确率：每行 y_true 与 y_pred 的最大值位置（并列取第一个）相同的比例。
    """
    y_true, y_pred = _floats(y_true, "y_true"), _floats(y_pred, "y_pred")
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true of shape {y_true.shape} does not match y_pred of shape {y_pred.shape}")
    if y_true.ndim < 2:
        raise ValueError(f"y_true and y_pred need two axes (n, k), got {y_true.shape}")
    if y_true.shape[0] == 0:
        raise ValueError("y_true and y_pred have no rows")
    return float(_result(keras.metrics.CategoricalAccuracy(), y_true, y_pred))


def sparse_categorical_accuracy(y_true, y_pred):
    """Return the fraction of samples whose integer label equals ``argmax(y_pred)`` of its row.

    The labels are class numbers, ``(n,)`` or ``(n, 1)``, not one-hot rows; ``y_pred`` is
    ``(n, k)`` and on a tie its first index wins. Labels must be whole numbers in ``0 .. k-1``.
    A label count that does not match the rows of ``y_pred``, bad labels, or no samples raise
    ValueError naming the argument.
    Keras 3 equivalent: ``keras.metrics.SparseCategoricalAccuracy()``.

    中文：稀疏多分类准确率：整数标签与 y_pred 每行最大值位置相同的比例。
    """
    labels, y_pred = _floats(y_true, "y_true"), _floats(y_pred, "y_pred")
    if y_pred.ndim != 2:
        raise ValueError(f"y_pred must have shape (n, k), got {y_pred.shape}")
    n, k = y_pred.shape
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels[:, 0]
    if labels.shape != (n,):
        raise ValueError(f"y_true must hold one label per row of y_pred ({n} rows), got shape {labels.shape}")
    if n == 0:
        raise ValueError("y_true and y_pred hold no samples")
    for label in labels:
        if not (0 <= label < k and label == int(label)):
            raise ValueError(f"y_true must hold whole class numbers in 0..{k - 1}, got {label}")
    return float(_result(keras.metrics.SparseCategoricalAccuracy(), labels, y_pred))


def predict_labels(probabilities, threshold=0.5):
    """Return 0/1 integer labels of ``probabilities``'s shape: 1 where ``p > threshold``.

    The threshold is a choice, not a law: the book compares the usual 0.5 with a stricter 0.6,
    which calls fewer samples positive. Strictly greater, as Keras: ``p == threshold`` is 0.
    Probabilities outside [0, 1] (or NaN) and a threshold outside [0, 1] raise ValueError
    naming the argument.
    Keras 3 equivalent: ``(model.predict(x) > threshold).astype("int64")``.

    中文：用阈值把概率变成 0/1 整数标签（严格大于阈值为 1），例如书中的 0.5 与 0.6。
    """
    if not isinstance(threshold, numbers.Real) or isinstance(threshold, bool) or not 0 <= threshold <= 1:
        raise ValueError(f"threshold must be a number in [0, 1], got {threshold!r}")
    p = _floats(probabilities, "probabilities")
    if not np.all((p >= 0) & (p <= 1)):
        raise ValueError("probabilities must lie in [0, 1] and not be NaN")
    return (p > threshold).astype(np.int64)


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
    y_true, y_pred = _paired(y_true, y_pred_labels, "y_true", "y_pred_labels")
    for name, labels in (("y_true", y_true), ("y_pred_labels", y_pred)):
        if not np.all((labels == 0) | (labels == 1)):
            raise ValueError(f"{name} must hold only 0 and 1")
    metrics = {"tp": keras.metrics.TruePositives(), "fp": keras.metrics.FalsePositives(),
               "tn": keras.metrics.TrueNegatives(), "fn": keras.metrics.FalseNegatives()}
    return {key: int(round(_result(metric, y_true, y_pred))) for key, metric in metrics.items()}
