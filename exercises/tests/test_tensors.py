"""Visible tests for tensors.py: the book's examples, small enough to read."""

import numpy as np
import pytest

from keraskit import expect


@pytest.mark.exercise("tensors.samples_first")
def test_samples_first_moves_the_book_images_axis(tensors):
    images = np.zeros((8, 6, 3, 5))  # the book's 512x512x3x100, shrunk: 5 images of 8x6 pixels
    expect.equal(tensors.samples_first(images, 3).shape, (5, 8, 6, 3))


@pytest.mark.exercise("tensors.samples_first")
def test_samples_first_keeps_each_sample_intact(tensors):
    x = np.arange(6).reshape(2, 3)  # 3 samples stored as columns
    expect.equal(tensors.samples_first(x, -1), np.array([[0, 3], [1, 4], [2, 5]]))


@pytest.mark.exercise("tensors.samples_first")
def test_samples_first_rejects_an_axis_out_of_range(tensors):
    with expect.raises_value_error("sample_axis"):
        tensors.samples_first(np.zeros((2, 3)), 2)
