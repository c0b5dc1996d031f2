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
    raise NotImplementedError


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
    raise NotImplementedError


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
    raise NotImplementedError


def decode_one_hot(matrix):
    """Return the row-wise argmax of a 2-d matrix as an int array: the inverse of ``one_hot``.

    A one-hot row gives back its label; a row of predicted probabilities gives the most likely
    class. On a tie the first (lowest) index wins, as ``np.argmax`` does. ``matrix`` must be
    2-d with at least one column; otherwise ValueError naming ``matrix``.
    Keras 3 equivalent: ``keras.ops.argmax(matrix, axis=-1)``, or ``np.argmax(model.predict(x), axis=-1)``.

    中文：按行取最大值的下标（整数数组），是 one_hot 的逆运算；并列时取第一个。
    """
    raise NotImplementedError
