"""Input data as tensors.

Keras takes every input as a tensor: an n-dimensional numpy array whose first axis counts the
samples. A table of 500 houses with 13 features is a (500, 13) tensor; 100 colour images of
512x512 pixels are a (100, 512, 512, 3) tensor (``channels_last``, Keras's default).
Before training, features are put on a common scale, and the data is split into training,
validation and test parts.
输入数据：张量。Keras 的输入都是张量，第一个轴是样本。
"""

import numpy as np


def samples_first(x, sample_axis):
    """Return ``x`` with its sample axis moved to axis 0, the other axes in their order.

    The book stores 100 images as a 512x512x3x100 array (samples last); Keras wants
    100x512x512x3. ``sample_axis`` may be negative (-1 is the last axis); an axis outside
    the array raises ValueError naming ``sample_axis``.
    Keras 3 / numpy equivalent: ``np.moveaxis(x, sample_axis, 0)``.

    中文：把样本所在的轴移到第 0 轴，其余轴保持原来的顺序。
    """
    array = np.asarray(x)
    if isinstance(sample_axis, bool) or not isinstance(sample_axis, (int, np.integer)):
        raise ValueError(f"sample_axis must be an integer, got {sample_axis!r}")
    if not -array.ndim <= sample_axis < array.ndim:
        raise ValueError(f"sample_axis {sample_axis} is out of range for an array with {array.ndim} axes")
    return np.moveaxis(array, sample_axis, 0)
