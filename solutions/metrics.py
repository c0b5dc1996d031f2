"""Judging predictions.

A loss is what training minimises; a metric is what a person reads to judge the model. For
classification the usual metric is accuracy: the fraction of predictions that are right. A
binary classifier outputs a probability, and a cut-off (the threshold, 0.5 by default) turns
it into a 0/1 label; a multi-class classifier's label is the class with the largest output.
Counting the four kinds of right and wrong answers (the confusion counts) shows what kind
of mistakes the model makes.
Keras 3 equivalents: ``keras.metrics.BinaryAccuracy``, ``CategoricalAccuracy``,
``SparseCategoricalAccuracy``, passed to ``model.compile(metrics=[...])``.
Graded code may import only numpy, keras, tensorflow, the standard library and keraskit: the
grader provides nothing else (no scipy, pandas or scikit-learn), and ``pytest`` and
``keraskit check`` name a module that imports anything else before its tests run.
评估指标：准确率、阈值与混淆计数，用来判断预测的好坏。
评分代码只能导入 numpy、keras、tensorflow、标准库和 keraskit；评分环境不提供其他包。
"""

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
    y_true, y_pred = _matched(y_true, y_pred)
    if y_true.size == 0:
        raise ValueError("y_true and y_pred hold no samples: an accuracy of nothing is undefined")
    threshold = _number(threshold, "threshold")
    return float(np.mean(y_true == (y_pred > threshold)))


def categorical_accuracy(y_true, y_pred):
    """Return the fraction of rows whose largest ``y_pred`` is in the column of ``y_true``'s 1.

    ``y_true`` is one-hot ``(n, k)`` and ``y_pred`` holds scores ``(n, k)``; a row is right when
    ``argmax(y_true) == argmax(y_pred)`` along the last axis, and on a tie the first (lowest)
    index wins, as in Keras. Different shapes, fewer than two axes, or no rows raise ValueError
    naming the argument.
    Keras 3 equivalent: ``keras.metrics.CategoricalAccuracy()``.

    中文：多分类准确率：每行 y_true 与 y_pred 的最大值位置（并列取第一个）相同的比例。
    """
    y_true = _numeric(y_true, "y_true")
    y_pred = _numeric(y_pred, "y_pred")
    if y_pred.ndim < 2 or y_pred.shape[-1] == 0:
        raise ValueError(f"y_pred must be (n_samples, n_classes), got shape {y_pred.shape}")
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true shape {y_true.shape} does not match y_pred shape {y_pred.shape}")
    if y_pred.size == 0:
        raise ValueError("y_true and y_pred hold no samples")
    # np.argmax returns the first of equal maxima: the tie rule Keras uses.
    return float(np.mean(np.argmax(y_true, axis=-1) == np.argmax(y_pred, axis=-1)))


def sparse_categorical_accuracy(y_true, y_pred):
    """Return the fraction of samples whose integer label equals ``argmax(y_pred)`` of its row.

    The labels are class numbers, ``(n,)`` or ``(n, 1)``, not one-hot rows; ``y_pred`` is
    ``(n, k)`` and on a tie its first index wins. Labels must be whole numbers; a label of ``k``
    or more may count as a miss (as Keras does) or raise. A label count that does not match the
    rows of ``y_pred``, other bad labels, or no samples raise ValueError naming the argument.
    Keras 3 equivalent: ``keras.metrics.SparseCategoricalAccuracy()``.

    中文：稀疏多分类准确率：整数标签与 y_pred 每行最大值位置相同的比例。
    """
    y_pred = _numeric(y_pred, "y_pred")
    if y_pred.ndim != 2 or y_pred.shape[1] == 0:
        raise ValueError(f"y_pred must be (n_samples, n_classes), got shape {y_pred.shape}")
    labels = _numeric(y_true, "y_true")
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels[:, 0]  # a column of labels, not a row to broadcast against
    if labels.shape != (y_pred.shape[0],):
        raise ValueError(f"y_true must be ({y_pred.shape[0]},) or ({y_pred.shape[0]}, 1) labels "
                         f"to match y_pred {y_pred.shape}, got {np.shape(y_true)}")
    if labels.size == 0:
        raise ValueError("y_true and y_pred hold no samples")
    if np.any(labels != np.round(labels)) or np.any(labels < 0) or np.any(labels >= y_pred.shape[1]):
        raise ValueError(f"y_true labels must be whole numbers in 0..{y_pred.shape[1] - 1}")
    return float(np.mean(labels == np.argmax(y_pred, axis=1)))


def predict_labels(probabilities, threshold=0.5):
    """Return 0/1 integer labels of ``probabilities``'s shape: 1 where ``p > threshold``.

    The threshold is a choice, not a law: the book compares the usual 0.5 with a stricter 0.6,
    which calls fewer samples positive. Strictly greater, as Keras: ``p == threshold`` is 0.
    Probabilities outside [0, 1] (or NaN) and a threshold outside [0, 1] raise ValueError
    naming the argument.
    Keras 3 equivalent: ``(model.predict(x) > threshold).astype("int64")``.

    中文：用阈值把概率变成 0/1 整数标签（严格大于阈值为 1），例如书中的 0.5 与 0.6。
    """
    probabilities = _numeric(probabilities, "probabilities").astype(np.float64)
    if not np.all((probabilities >= 0.0) & (probabilities <= 1.0)):  # also false for NaN
        raise ValueError("probabilities must lie in [0, 1] (no NaN)")
    threshold = _number(threshold, "threshold")
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must lie in [0, 1], got {threshold}")
    return (probabilities > threshold).astype(np.int64)


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
    y_true, y_pred_labels = _matched(y_true, y_pred_labels, pred_name="y_pred_labels")
    for name, labels in (("y_true", y_true), ("y_pred_labels", y_pred_labels)):
        if not np.all((labels == 0) | (labels == 1)):
            raise ValueError(f"{name} must hold only 0/1 labels")
    truth, guess = y_true == 1, y_pred_labels == 1
    return {
        "tp": int(np.count_nonzero(truth & guess)),
        "fp": int(np.count_nonzero(~truth & guess)),
        "tn": int(np.count_nonzero(~truth & ~guess)),
        "fn": int(np.count_nonzero(truth & ~guess)),
    }


def _numeric(values, name):
    """``values`` as a numeric (bool, int or float) array; strings and ragged lists name ``name``."""
    try:
        array = np.asarray(values)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be an array of numbers: {exc}") from None
    if array.dtype.kind not in "biuf":
        raise ValueError(f"{name} must hold numbers, got dtype {array.dtype}")
    return array


def _matched(y_true, y_pred, pred_name="y_pred"):
    """Both arrays with equal shapes; a trailing axis of size 1 on one side is dropped as Keras does."""
    y_true = _numeric(y_true, "y_true")
    y_pred = _numeric(y_pred, pred_name)
    if y_true.ndim == y_pred.ndim + 1 and y_true.shape[-1:] == (1,):
        y_true = y_true[..., 0]
    elif y_pred.ndim == y_true.ndim + 1 and y_pred.shape[-1:] == (1,):
        y_pred = y_pred[..., 0]
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true shape {np.shape(y_true)} does not match {pred_name} shape {np.shape(y_pred)}")
    return y_true, y_pred


def _number(value, name):
    """A Python float from a real number; bools, strings and arrays name ``name``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a number, got {value!r}")
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return float(value)
