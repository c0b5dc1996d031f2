"""Categorical data.

A neural network only reads numbers, so categories must be encoded first. A column with two
values (the book's male/female) becomes one 0/1 column; a class label with k values becomes k
0/1 columns, one per class ("one-hot"), which is what ``categorical_crossentropy`` expects.
A network's k outputs are turned back into a label by taking the largest.
Graded code may import only numpy, keras, tensorflow, the standard library and keraskit: the
grader provides nothing else (no scipy, pandas or scikit-learn), and ``pytest`` and
``keraskit check`` name a module that imports anything else before its tests run.
类别数据编码：神经网络只读数字，类别要先编码成 0/1 或独热（one-hot）向量。
评分代码只能导入 numpy、keras、tensorflow、标准库和 keraskit；评分环境不提供其他包。
"""

import numpy as np


def _label_vector(labels):
    """Labels (n,) or (n, 1) as a flat int64 array; every label a whole number >= 0."""
    array = np.asarray(labels)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise ValueError(f"labels must have shape (n,) or (n, 1), got {array.shape}")
    if array.dtype.kind not in "biuf":
        raise ValueError(f"labels must be integers, got dtype {array.dtype}")
    if array.dtype.kind == "f":
        with np.errstate(invalid="ignore"):  # nan and inf are reported below, not warned about
            fractional = ~(np.isfinite(array) & (array == np.floor(array)))
        if np.any(fractional):
            raise ValueError(f"labels must be whole numbers, got {float(array[fractional][0])}")
    if np.any(array < 0):
        raise ValueError(f"labels must not be negative, got {array.min()}")
    return array.astype(np.int64)


def _class_count(label_vector, num_classes):
    """``num_classes`` checked against the labels, or max + 1 when it is None."""
    if num_classes is None:
        if label_vector.size == 0:
            raise ValueError("labels is empty: pass num_classes")
        return int(label_vector.max()) + 1
    if isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)) or num_classes < 1:
        raise ValueError(f"num_classes must be a positive integer, got {num_classes!r}")
    if label_vector.size and label_vector.max() >= num_classes:
        raise ValueError(f"labels must be < num_classes={num_classes}, got {label_vector.max()}")
    return int(num_classes)


def _as_items(sequence, name):
    """A 1-d sequence of hashables as a Python list (numpy scalars become Python values)."""
    if isinstance(sequence, np.ndarray):
        if sequence.ndim != 1:
            raise ValueError(f"{name} must be 1-d, got shape {sequence.shape}")
        items = sequence.tolist()
    elif isinstance(sequence, (str, bytes)):
        raise ValueError(f"{name} must be a sequence of values, not one string")
    else:
        items = list(sequence)
    for item in items:
        try:
            hash(item)
        except TypeError:
            raise ValueError(f"{name} must hold hashable values, got {item!r}") from None
    return items


def _sorted_distinct(items):
    try:
        return sorted(set(items))
    except TypeError:
        raise ValueError("values mix types that cannot be sorted: pass categories explicitly") from None


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
    distinct = np.unique(array)
    if distinct.size > 2:
        raise ValueError(f"values must have at most two distinct values, got {distinct.size}: {distinct[:5]}")
    is_positive = array == positive
    if not np.any(is_positive):
        raise ValueError(f"positive value {positive!r} does not occur in values")
    return is_positive.astype(np.int64)


def one_hot(labels, num_classes=None):
    """Return the one-hot matrix of integer class labels, shape (n, num_classes), of floats.

    Row i is all 0.0 except a 1.0 in column ``labels[i]``: label 2 of 4 classes is
    ``[0, 0, 1, 0]``. The entries are floats (float64 as Keras gives them, or float32), never
    ints: a model's loss takes the one-hot rows as float targets. ``labels`` may have shape
    (n,) or (n, 1); float labels that are whole numbers (2.0) are accepted. ``num_classes`` defaults to ``max(labels) + 1``. A negative or
    non-integral label (-1, 1.5, NaN), labels that are not numbers, or labels of another shape
    (two columns, 3-d) raise ValueError naming ``labels``; a label >= ``num_classes``,
    or a ``num_classes`` that is not a positive integer, raises ValueError naming ``num_classes``
    (Keras raises an IndexError, or silently wraps a negative label around).
    Keras 3 equivalent: ``keras.utils.to_categorical(labels, num_classes)``.

    中文：把整数类别标签转换成独热矩阵（形状 (n, 类别数)，元素为浮点数而非整数），与 keras.utils.to_categorical 相同。
    """
    label_vector = _label_vector(labels)
    k = _class_count(label_vector, num_classes)
    matrix = np.zeros((label_vector.size, k), dtype=np.float64)
    matrix[np.arange(label_vector.size), label_vector] = 1.0
    return matrix


def one_hot_categories(values, categories=None):
    """Return ``(matrix, categories)``: the one-hot matrix of any hashable values and its column order.

    For string (or any hashable) values such as ``["red", "green", "red"]``. ``categories``
    lists the column order; by default it is the sorted distinct values (``["green", "red"]``).
    ``matrix`` has shape (n, len(categories)), of floats (float64 or float32, never ints), with a
    1.0 in the column of each value.
    ``categories`` is returned as a list. A value not in a given ``categories`` raises
    ValueError whose message names that value; a given ``categories`` with duplicates raises
    ValueError naming ``categories``.
    Keras 3 equivalent: ``keras.layers.StringLookup(vocabulary=categories, num_oov_indices=0,
    output_mode="one_hot")``.

    中文：把任意可哈希的类别值（如字符串）编码成独热矩阵，并返回列对应的类别（默认为排序后的不同取值）。
    """
    items = _as_items(values, "values")
    if categories is None:
        order = _sorted_distinct(items)
    else:
        order = _as_items(categories, "categories")
        if len(set(order)) != len(order):
            raise ValueError(f"categories must not repeat a value, got {order}")
    column_of = {category: j for j, category in enumerate(order)}
    matrix = np.zeros((len(items), len(order)), dtype=np.float64)
    for i, item in enumerate(items):
        if item not in column_of:
            raise ValueError(f"value {item!r} is not one of the categories {order}")
        matrix[i, column_of[item]] = 1.0
    return matrix, order


def decode_one_hot(matrix):
    """Return the row-wise argmax of a 2-d matrix as an int array: the inverse of ``one_hot``.

    A one-hot row gives back its label; a row of predicted probabilities gives the most likely
    class. On a tie the first (lowest) index wins, as ``np.argmax`` does. ``matrix`` must be
    2-d with at least one column; otherwise ValueError naming ``matrix``.
    Keras 3 equivalent: ``keras.ops.argmax(matrix, axis=-1)``, or ``np.argmax(model.predict(x), axis=-1)``.

    中文：按行取最大值的下标（整数数组），是 one_hot 的逆运算；并列时取第一个。
    """
    array = np.asarray(matrix)
    if array.ndim != 2 or array.shape[1] == 0:
        raise ValueError(f"matrix must be 2-d with at least one column, got shape {array.shape}")
    if array.dtype.kind not in "biuf":
        raise ValueError(f"matrix must be numeric, got dtype {array.dtype}")
    return np.argmax(array, axis=1)
