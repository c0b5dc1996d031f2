"""Categorical data.

A neural network only reads numbers, so categories must be encoded first. A column with two
values (the book's male/female) becomes one 0/1 column; a class label with k values becomes k
0/1 columns, one per class ("one-hot"), which is what ``categorical_crossentropy`` expects.
A network's k outputs are turned back into a label by taking the largest.
类别数据编码：神经网络只读数字，类别要先编码成 0/1 或独热（one-hot）向量。
"""

import numbers

import keras
import numpy as np

ops = keras.ops


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
    distinct = set(array.ravel().tolist())
    if len(distinct) > 2:
        raise ValueError(f"values must hold at most two distinct values, got {len(distinct)}: {sorted(map(repr, distinct))}")
    if positive not in distinct:
        raise ValueError(f"positive value {positive!r} does not occur in values {sorted(map(repr, distinct))}")
    return ops.convert_to_numpy(ops.cast(array == positive, "int32"))


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
        labels_t = ops.convert_to_tensor(labels, dtype="float64")
    except Exception as exc:
        raise ValueError("labels must be numbers") from exc
    shape = tuple(ops.shape(labels_t))
    if len(shape) == 2 and shape[1] == 1:
        labels_t = ops.reshape(labels_t, (-1,))
    elif len(shape) != 1:
        raise ValueError(f"labels must have shape (n,) or (n, 1), got {shape}")
    if bool(ops.any(ops.less(labels_t, 0.0))) or bool(ops.any(ops.not_equal(labels_t, ops.floor(labels_t)))):
        raise ValueError("labels must be non-negative whole numbers")
    if num_classes is None:
        if ops.shape(labels_t)[0] == 0:
            raise ValueError("labels is empty: give num_classes")
        num_classes = int(ops.max(labels_t)) + 1
    elif not isinstance(num_classes, numbers.Integral) or isinstance(num_classes, bool) or num_classes < 1:
        raise ValueError(f"num_classes must be a positive integer, got {num_classes!r}")
    num_classes = int(num_classes)
    if ops.shape(labels_t)[0] and int(ops.max(labels_t)) >= num_classes:
        raise ValueError(f"a label {int(ops.max(labels_t))} is >= num_classes ({num_classes})")
    int_labels = ops.convert_to_numpy(ops.cast(labels_t, "int64"))
    return np.asarray(keras.utils.to_categorical(int_labels, num_classes), dtype="float64")


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
            raise ValueError(f"categories has duplicates: {categories!r}")
    column = {category: i for i, category in enumerate(categories)}
    indices = []
    for value in values:
        if value not in column:
            raise ValueError(f"value {value!r} is not one of the categories {categories!r}")
        indices.append(column[value])
    matrix = ops.one_hot(ops.convert_to_tensor(indices, dtype="int32"), len(categories), dtype="float64")
    matrix = ops.reshape(matrix, (len(values), len(categories)))
    return ops.convert_to_numpy(matrix), categories


def decode_one_hot(matrix):
    """Return the row-wise argmax of a 2-d matrix as an int array: the inverse of ``one_hot``.

    A one-hot row gives back its label; a row of predicted probabilities gives the most likely
    class. On a tie the first (lowest) index wins, as ``np.argmax`` does. ``matrix`` must be
    2-d with at least one column; otherwise ValueError naming ``matrix``.
    Keras 3 equivalent: ``keras.ops.argmax(matrix, axis=-1)``, or ``np.argmax(model.predict(x), axis=-1)``.

    中文：按行取最大值的下标（整数数组），是 one_hot 的逆运算；并列时取第一个。
    """
    try:
        t = ops.convert_to_tensor(matrix)
    except Exception as exc:
        raise ValueError("matrix must be a numeric 2-d array") from exc
    if ops.ndim(t) != 2 or ops.shape(t)[1] < 1:
        raise ValueError(f"matrix must be 2-d with at least one column, got shape {tuple(ops.shape(t))}")
    return ops.convert_to_numpy(ops.argmax(t, axis=-1))
