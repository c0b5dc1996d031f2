"""Categorical data.

A neural network only reads numbers, so categories must be encoded first. A column with two
values (the book's male/female) becomes one 0/1 column; a class label with k values becomes k
0/1 columns, one per class ("one-hot"), which is what ``categorical_crossentropy`` expects.
A network's k outputs are turned back into a label by taking the largest.
类别数据编码：神经网络只读数字，类别要先编码成 0/1 或独热（one-hot）向量。
"""

import numbers

import numpy as np
import tensorflow as tf


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
    values = tf.convert_to_tensor(values)
    distinct, _ = tf.unique(tf.reshape(values, [-1]))
    if distinct.shape[0] > 2:
        raise ValueError(f"values must hold at most two distinct values, got {distinct.shape[0]}")
    try:
        positive_tensor = tf.convert_to_tensor(positive, dtype=values.dtype)
    except (TypeError, ValueError):
        raise ValueError(f"positive {positive!r} never occurs in values") from None
    matches = tf.equal(values, positive_tensor)
    if not bool(tf.reduce_any(matches)):
        raise ValueError(f"positive {positive!r} never occurs in values")
    return tf.cast(matches, tf.int32).numpy()


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
    labels = tf.convert_to_tensor(labels)
    if labels.shape.rank == 2 and labels.shape[1] == 1:
        labels = labels[:, 0]
    if labels.shape.rank != 1:
        raise ValueError(f"labels must have shape (n,) or (n, 1), got {labels.shape}")
    if not (labels.dtype.is_integer or labels.dtype.is_floating):
        raise ValueError(f"labels must be whole numbers >= 0, got dtype {labels.dtype.name}")
    if labels.dtype.is_floating:
        whole = tf.logical_and(tf.math.is_finite(labels), tf.equal(labels, tf.math.floor(labels)))
        if not bool(tf.reduce_all(whole)):
            raise ValueError("labels must be whole numbers (1.5, NaN or inf are not)")
    if bool(tf.reduce_any(labels < 0)):
        raise ValueError("labels must be >= 0 (a negative label has no column)")
    labels = tf.cast(labels, tf.int64)
    if num_classes is None:
        if labels.shape[0] == 0:
            raise ValueError("labels is empty: num_classes cannot be inferred")
        num_classes = int(tf.reduce_max(labels)) + 1
    elif not _is_int(num_classes) or num_classes < 1:
        raise ValueError(f"num_classes must be a positive integer, got {num_classes!r}")
    if labels.shape[0] and int(tf.reduce_max(labels)) >= num_classes:
        raise ValueError(f"label {int(tf.reduce_max(labels))} is too large for num_classes = {num_classes}")
    return tf.one_hot(labels, depth=int(num_classes), dtype=tf.float32).numpy()


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
    values = [_plain(value) for value in values]
    if categories is None:
        categories = sorted(set(values))
    else:
        categories = [_plain(category) for category in categories]
        if len(set(categories)) != len(categories):
            raise ValueError(f"categories must not hold duplicates, got {categories!r}")
    column_of = {category: j for j, category in enumerate(categories)}
    for value in values:
        if value not in column_of:
            raise ValueError(f"value {value!r} is not one of the categories {categories!r}")
    indices = tf.constant([column_of[value] for value in values], tf.int32)
    matrix = tf.reshape(tf.one_hot(indices, depth=len(categories), dtype=tf.float32), [len(values), len(categories)])
    return matrix.numpy(), categories


def decode_one_hot(matrix):
    """Return the row-wise argmax of a 2-d matrix as an int array: the inverse of ``one_hot``.

    A one-hot row gives back its label; a row of predicted probabilities gives the most likely
    class. On a tie the first (lowest) index wins, as ``np.argmax`` does. ``matrix`` must be
    2-d with at least one column; otherwise ValueError naming ``matrix``.
    Keras 3 equivalent: ``keras.ops.argmax(matrix, axis=-1)``, or ``np.argmax(model.predict(x), axis=-1)``.

    中文：按行取最大值的下标（整数数组），是 one_hot 的逆运算；并列时取第一个。
    """
    matrix = tf.convert_to_tensor(matrix, tf.float32)
    if matrix.shape.rank != 2 or matrix.shape[1] < 1:
        raise ValueError(f"matrix must be 2-d with at least one column, got shape {matrix.shape}")
    return tf.argmax(matrix, axis=-1).numpy()


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def _plain(value):
    """A numpy scalar or string as the Python value it holds; anything else unchanged."""
    return value.item() if isinstance(value, np.generic) else value
