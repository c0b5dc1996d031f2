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

import numpy as np


def _real(value):
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def _floats(values, name):
    array = np.asarray(values)
    if array.dtype.kind not in "biuf":
        raise ValueError(f"{name} must hold numbers, got {array.dtype}")
    return array.astype(np.float32)


def _pair(a, b, a_name, b_name):
    """float32 arrays of one shape; a trailing axis of 1 on either side is dropped to pair samples."""
    a, b = _floats(a, a_name), _floats(b, b_name)
    if a.ndim == b.ndim + 1 and a.shape[-1:] == (1,):
        a = a[..., 0]
    elif b.ndim == a.ndim + 1 and b.shape[-1:] == (1,):
        b = b[..., 0]
    if a.shape != b.shape:
        raise ValueError(f"{a_name} {a.shape} and {b_name} {b.shape} do not match")
    return a, b


def _fraction(hits):
    """The fraction of True entries as an np.float32."""
    return np.mean(hits, dtype=np.float32)


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
    if not _real(threshold):
        raise ValueError(f"threshold must be a number, got {threshold!r}")
    truth, scores = _pair(y_true, y_pred, "y_true", "y_pred")
    if truth.size == 0:
        raise ValueError("y_true and y_pred have no elements")
    return _fraction(truth == (scores > np.float32(threshold)).astype(np.float32))


def categorical_accuracy(y_true, y_pred):
    """Return the fraction of rows whose largest ``y_pred`` is in the column of ``y_true``'s 1.

    ``y_true`` is one-hot ``(n, k)`` and ``y_pred`` holds scores ``(n, k)``; a row is right when
    ``argmax(y_true) == argmax(y_pred)`` along the last axis, and on a tie the first (lowest)
    index wins, as in Keras. Different shapes, fewer than two axes, or no rows raise ValueError
    naming the argument.
    Keras 3 equivalent: ``keras.metrics.CategoricalAccuracy()``.

    中文：多分类准确率：每行 y_true 与 y_pred 的最大值位置（并列取第一个）相同的比例。
    """
    truth, scores = _floats(y_true, "y_true"), _floats(y_pred, "y_pred")
    for name, array in (("y_true", truth), ("y_pred", scores)):
        if array.ndim < 2:
            raise ValueError(f"{name} must have at least two axes (n, k), got {array.shape}")
    if truth.shape != scores.shape:
        raise ValueError(f"y_true {truth.shape} and y_pred {scores.shape} must have the same shape")
    if truth.size == 0:
        raise ValueError("y_true and y_pred have no rows")
    return _fraction(np.argmax(truth, axis=-1) == np.argmax(scores, axis=-1))


def sparse_categorical_accuracy(y_true, y_pred):
    """Return the fraction of samples whose integer label equals ``argmax(y_pred)`` of its row.

    The labels are class numbers, ``(n,)`` or ``(n, 1)``, not one-hot rows; ``y_pred`` is
    ``(n, k)`` and on a tie its first index wins. Labels must be whole numbers in ``0 .. k-1``.
    A label count that does not match the rows of ``y_pred``, bad labels, or no samples raise
    ValueError naming the argument.
    Keras 3 equivalent: ``keras.metrics.SparseCategoricalAccuracy()``.

    中文：稀疏多分类准确率：整数标签与 y_pred 每行最大值位置相同的比例。
    """
    labels, scores = _floats(y_true, "y_true"), _floats(y_pred, "y_pred")
    if scores.ndim != 2 or scores.shape[1] < 1:
        raise ValueError(f"y_pred must have shape (n, k), got {scores.shape}")
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels[:, 0]
    if labels.shape != scores.shape[:1]:
        raise ValueError(f"y_true {labels.shape} needs one label per row of y_pred {scores.shape}")
    if labels.size == 0:
        raise ValueError("y_true and y_pred have no samples")
    k = scores.shape[1]
    if not (np.isfinite(labels) & (labels == np.floor(labels)) & (labels >= 0) & (labels < k)).all():
        raise ValueError(f"y_true must hold whole class numbers in 0..{k - 1}")
    return _fraction(labels == np.argmax(scores, axis=-1))


def predict_labels(probabilities, threshold=0.5):
    """Return 0/1 integer labels of ``probabilities``'s shape: 1 where ``p > threshold``.

    The threshold is a choice, not a law: the book compares the usual 0.5 with a stricter 0.6,
    which calls fewer samples positive. Strictly greater, as Keras: ``p == threshold`` is 0.
    Probabilities outside [0, 1] (or NaN) and a threshold outside [0, 1] raise ValueError
    naming the argument.
    Keras 3 equivalent: ``(model.predict(x) > threshold).astype("int64")``.

    中文：用阈值把概率变成 0/1 整数标签（严格大于阈值为 1），例如书中的 0.5 与 0.6。
    """
    if not _real(threshold) or not 0 <= threshold <= 1:
        raise ValueError(f"threshold must be a number in [0, 1], got {threshold!r}")
    p = _floats(probabilities, "probabilities")
    if not ((p >= 0) & (p <= 1)).all():
        raise ValueError("probabilities must lie in [0, 1]")
    return (p > np.float32(threshold)).astype(np.int64)


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
    truth, guess = _pair(y_true, y_pred_labels, "y_true", "y_pred_labels")
    for name, array in (("y_true", truth), ("y_pred_labels", guess)):
        if not np.isin(array, (0, 1)).all():
            raise ValueError(f"{name} must hold only 0 and 1")
    truth, guess = truth == 1, guess == 1
    cells = {"tp": guess & truth, "fp": guess & ~truth, "tn": ~guess & ~truth, "fn": ~guess & truth}
    return {name: int(np.count_nonzero(cell)) for name, cell in cells.items()}
