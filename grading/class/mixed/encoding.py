"""Categorical data.

A neural network only reads numbers, so categories must be encoded first. A column with two
values (the book's male/female) becomes one 0/1 column; a class label with k values becomes k
0/1 columns, one per class ("one-hot"), which is what ``categorical_crossentropy`` expects.
A network's k outputs are turned back into a label by taking the largest.
类别数据编码：神经网络只读数字，类别要先编码成 0/1 或独热（one-hot）向量。
"""

import numbers

import numpy as np


def binary_encode(values, positive):
    """Return a 0/1 int array, 1 where the value equals ``positive`` and 0 elsewhere.

    The book turns a column such as gender (``"male"``/``"female"``) into one binary feature.
    This only makes sense for a column with at most two distinct values: more than two
    raises ValueError naming ``values``, and a ``positive`` value that never occurs raises
    ValueError naming ``positive`` (a typo would silently give all zeros). The result has the
    shape of ``values``.
    Keras 3 equivalent: ``keras.layers.StringLookup(vocabulary=[positive], num_oov_indices=1)``
    gives 1 for ``positive`` and 0 for the other value.

    中文：把只有两种取值的列编码成 0/1 整数数组，等于 positive 的位置为 1。
    """
    array = np.asarray(values)
    flat = array.ravel().tolist()
    distinct = set(flat)
    if len(distinct) > 2:
        raise ValueError(f"values must hold at most two distinct values, found {len(distinct)}")
    if positive not in distinct:
        raise ValueError(f"positive value {positive!r} never occurs in values")
    bits = [1 if value == positive else 0 for value in flat]
    return np.array(bits, dtype=int).reshape(array.shape)


def one_hot(labels, num_classes=None):
    """Return the one-hot matrix of integer class labels, shape (n, num_classes), float64.

    Row i is all 0.0 except a 1.0 in column ``labels[i]``: label 2 of 4 classes is
    ``[0, 0, 1, 0]``. ``labels`` may have shape (n,) or (n, 1); float labels that are whole
    numbers (2.0) are accepted. ``num_classes`` defaults to ``max(labels) + 1``. A negative or
    non-integral label (-1, 1.5) raises ValueError naming ``labels``; a label >= ``num_classes``,
    or a ``num_classes`` that is not a positive integer, raises ValueError naming ``num_classes``
    (Keras raises an IndexError, or silently wraps a negative label around).
    Keras 3 equivalent: ``keras.utils.to_categorical(labels, num_classes)``.

    中文：把整数类别标签转换成独热矩阵（形状 (n, 类别数)，float64），与 keras.utils.to_categorical 相同。
    """
    try:
        labels = np.asarray(labels, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError("labels must be numbers") from exc
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels[:, 0]
    if labels.ndim != 1:
        raise ValueError(f"labels must have shape (n,) or (n, 1), got {labels.shape}")
    for label in labels:
        if not (label >= 0 and label == np.floor(label)):
            raise ValueError(f"labels must be non-negative whole numbers, got {label}")
    if num_classes is None:
        if labels.size == 0:
            raise ValueError("labels is empty: num_classes cannot be inferred")
        num_classes = int(labels.max()) + 1
    elif not isinstance(num_classes, numbers.Integral) or isinstance(num_classes, bool) or num_classes < 1:
        raise ValueError(f"num_classes must be a positive integer, got {num_classes!r}")
    matrix = np.zeros((labels.size, int(num_classes)), dtype=np.float64)
    for i, label in enumerate(labels.astype(np.int64)):
        if label >= num_classes:
            raise ValueError(f"label {label} does not fit num_classes={num_classes}")
        matrix[i, label] = 1.0
    return matrix


def one_hot_categories(values, categories=None):
    """Return ``(matrix, categories)``: the one-hot matrix of any hashable values and its column order.

    For string (or any hashable) values such as ``["red", "green", "red"]``. ``categories``
    lists the column order; by default it is the sorted distinct values (``["green", "red"]``).
    ``matrix`` has shape (n, len(categories)), float64, with a 1.0 in the column of each value.
    ``categories`` is returned as a list. A value not in a given ``categories`` raises
    ValueError whose message names that value; a given ``categories`` with duplicates raises
    ValueError naming ``categories``.
    Keras 3 equivalent: ``keras.layers.StringLookup(vocabulary=categories, num_oov_indices=0,
    output_mode="one_hot")``.

    中文：把任意可哈希的类别值（如字符串）编码成独热矩阵，并返回列对应的类别（默认为排序后的不同取值）。
    """
    values = list(values)
    if categories is None:
        categories = sorted(set(values))
    else:
        categories = list(categories)
        if len(set(categories)) != len(categories):
            raise ValueError(f"categories must not contain duplicates: {categories!r}")
    column_of = {category: j for j, category in enumerate(categories)}
    matrix = np.zeros((len(values), len(categories)), dtype=np.float64)
    for i, value in enumerate(values):
        if value not in column_of:
            raise ValueError(f"value {value!r} is not in categories {categories!r}")
        matrix[i, column_of[value]] = 1.0
    return matrix, categories


def decode_one_hot(matrix):
    """Return the row-wise argmax of a 2-d matrix as an int array: the inverse of ``one_hot``.

    A one-hot row gives back its label; a row of predicted probabilities gives the most likely
    class. On a tie the first (lowest) index wins, as ``np.argmax`` does. ``matrix`` must be
    2-d with at least one column; otherwise ValueError naming ``matrix``.
    Keras 3 equivalent: ``keras.ops.argmax(matrix, axis=-1)``, or ``np.argmax(model.predict(x), axis=-1)``.

    中文：按行取最大值的下标（整数数组），是 one_hot 的逆运算；并列时取第一个。
    """
    matrix = np.asarray(matrix)
    if matrix.ndim != 2 or matrix.shape[1] < 1:
        raise ValueError(f"matrix must be 2-d with at least one column, got shape {matrix.shape}")
    return np.argmax(matrix, axis=-1)
