"""Wrong and right answers for tensors.py, each graded by the hidden suite (see keraskit.mutation)."""

import numpy as np

from keraskit.mutation import right, wrong


@wrong("tensors.samples_first", "swaps the sample axis with axis 0 instead of moving it")
def samples_first(x, sample_axis):
    return np.swapaxes(np.asarray(x), sample_axis, 0)


@wrong("tensors.samples_first", "no range check: a negative axis out of range wraps around")
def samples_first(x, sample_axis):
    array = np.asarray(x)
    return np.moveaxis(array, sample_axis % array.ndim, 0)


@right("tensors.samples_first", "transpose with an explicit axis order")
def samples_first(x, sample_axis):
    array = np.asarray(x)
    if not isinstance(sample_axis, int) or not -array.ndim <= sample_axis < array.ndim:
        raise ValueError("sample_axis out of range")
    axis = sample_axis % array.ndim
    order = [axis] + [i for i in range(array.ndim) if i != axis]
    return array.transpose(order)
