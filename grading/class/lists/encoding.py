"""Categorical data.

A neural network only reads numbers, so categories must be encoded first. A column with two
values (the book's male/female) becomes one 0/1 column; a class label with k values becomes k
0/1 columns, one per class ("one-hot"), which is what ``categorical_crossentropy`` expects.
A network's k outputs are turned back into a label by taking the largest.
类别数据编码：神经网络只读数字，类别要先编码成 0/1 或独热（one-hot）向量。
"""

import math
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
    data = _to_nested(values)
    leaves = _leaves(data)
    distinct = []
    for value in leaves:
        if value not in distinct:
            distinct.append(value)
    if len(distinct) > 2:
        raise ValueError(f"values must hold at most two distinct values, got {len(distinct)}: {distinct!r}")
    if positive not in distinct:
        raise ValueError(f"positive {positive!r} never occurs in values {distinct!r}")

    def encode(item):
        if isinstance(item, list):
            return [encode(sub) for sub in item]
        return 1 if item == positive else 0

    return encode(data)


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
    data = _to_nested(labels)
    if not isinstance(data, list):
        raise ValueError("labels must have shape (n,) or (n, 1)")
    flat = []
    for item in data:
        if isinstance(item, list):
            if len(item) != 1:
                raise ValueError("labels must have shape (n,) or (n, 1)")
            item = item[0]
        if isinstance(item, bool) or not isinstance(item, numbers.Real) or item != item:
            raise ValueError(f"labels must be whole numbers >= 0, got {item!r}")
        if item < 0 or not math.isfinite(item) or item != math.floor(item):
            raise ValueError(f"labels must be whole numbers >= 0, got {item!r}")
        flat.append(int(item))
    if num_classes is None:
        if not flat:
            raise ValueError("labels is empty: num_classes cannot be inferred")
        num_classes = max(flat) + 1
    elif not _is_int(num_classes) or num_classes < 1:
        raise ValueError(f"num_classes must be a positive integer, got {num_classes!r}")
    for label in flat:
        if label >= num_classes:
            raise ValueError(f"label {label} is too large for num_classes = {num_classes}")
    return [[1.0 if column == label else 0.0 for column in range(num_classes)] for label in flat]


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
    data = [_scalar(value) for value in values]
    if categories is None:
        categories = sorted(set(data))
    else:
        categories = [_scalar(category) for category in categories]
        for i, category in enumerate(categories):
            if category in categories[:i]:
                raise ValueError(f"categories holds {category!r} twice")
    column_of = {category: j for j, category in enumerate(categories)}
    matrix = []
    for value in data:
        if value not in column_of:
            raise ValueError(f"value {value!r} is not one of the categories {categories!r}")
        matrix.append([1.0 if j == column_of[value] else 0.0 for j in range(len(categories))])
    return matrix, categories


def decode_one_hot(matrix):
    """Return the row-wise argmax of a 2-d matrix as an int array: the inverse of ``one_hot``.

    A one-hot row gives back its label; a row of predicted probabilities gives the most likely
    class. On a tie the first (lowest) index wins, as ``np.argmax`` does. ``matrix`` must be
    2-d with at least one column; otherwise ValueError naming ``matrix``.
    Keras 3 equivalent: ``keras.ops.argmax(matrix, axis=-1)``, or ``np.argmax(model.predict(x), axis=-1)``.

    中文：按行取最大值的下标（整数数组），是 one_hot 的逆运算；并列时取第一个。
    """
    data = _to_nested(matrix)
    shape = _shape(data, "matrix")
    if len(shape) != 2 or shape[1] < 1:
        raise ValueError(f"matrix must be 2-d with at least one column, got shape {shape}")
    labels = []
    for row in data:
        best = 0
        for j, value in enumerate(row):
            if value > row[best]:
                best = j
        labels.append(best)
    return labels


def _scalar(value):
    """A Python bool, int, float or str for a number or string (numpy scalars included)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if hasattr(value, "item") and getattr(value, "ndim", 0) == 0:
        return _scalar(value.item())
    return value


def _to_nested(x):
    """Nested Python lists of the values of a number, list, tuple or array."""
    if isinstance(x, (str, bytes)):
        return _scalar(x)
    try:
        items = list(x)
    except TypeError:
        return _scalar(x)
    return [_to_nested(item) for item in items]


def _leaves(data):
    if isinstance(data, list):
        return [leaf for item in data for leaf in _leaves(item)]
    return [data]


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


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool) and type(value).__name__ != "bool_"
