"""Hidden tests for tensors.py: random shapes, every axis, negative axes and bad input."""

import numpy as np
import pytest

from keraskit import expect

RNG = np.random.default_rng(20261126)


@pytest.mark.exercise("tensors.samples_first")
@pytest.mark.parametrize("ndim", [1, 2, 3, 4, 5])
def test_samples_first_every_axis_matches_moveaxis(tensors, ndim):
    x = RNG.normal(size=tuple(RNG.integers(1, 5, size=ndim)))
    for axis in range(-ndim, ndim):
        expect.equal(tensors.samples_first(x, axis), np.moveaxis(x, axis, 0))


@pytest.mark.exercise("tensors.samples_first")
def test_samples_first_distinct_sizes_keep_the_other_axes_in_order(tensors):
    x = np.arange(2 * 3 * 4 * 5, dtype=float).reshape(2, 3, 4, 5)
    expect.equal(tensors.samples_first(x, 2), np.moveaxis(x, 2, 0))


@pytest.mark.exercise("tensors.samples_first")
def test_samples_first_accepts_nested_lists(tensors):
    expect.equal(tensors.samples_first([[1, 2, 3], [4, 5, 6]], 1), np.array([[1, 4], [2, 5], [3, 6]]))


@pytest.mark.exercise("tensors.samples_first")
@pytest.mark.parametrize("axis", [3, -4, 10])
def test_samples_first_rejects_axes_out_of_range(tensors, axis):
    with expect.raises_value_error("sample_axis"):
        tensors.samples_first(np.zeros((2, 3, 4)), axis)
