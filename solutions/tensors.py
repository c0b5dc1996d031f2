"""Input data as tensors.

Keras takes every input as a tensor: an n-dimensional numpy array whose first axis counts the
samples. A table of 500 houses with 13 features is a (500, 13) tensor; 100 colour images of
512x512 pixels are a (100, 512, 512, 3) tensor (``channels_last``, Keras's default).
Before training, features are put on a common scale, and the data is split into training,
validation and test parts.
Graded code may import only numpy, keras, tensorflow, the standard library and keraskit: the
grader provides nothing else (no scipy, pandas or scikit-learn), and ``pytest`` and
``keraskit check`` name a module that imports anything else before its tests run.
输入数据：张量。Keras 的输入都是张量，第一个轴是样本。
评分代码只能导入 numpy、keras、tensorflow、标准库和 keraskit；评分环境不提供其他包。
"""

import numpy as np


def _check_size(name, value):
    """A shape size must be a positive int (numpy ints too); bool and float are not sizes."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    if value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value}")
    return int(value)


def _as_columns(x, name):
    """``x`` as a float64 2-d array of columns, and whether it came in as 1-d."""
    array = np.asarray(x, dtype=np.float64)
    if array.ndim not in (1, 2):
        raise ValueError(f"{name} must be 1-d or 2-d (samples, features), got {array.ndim} axes")
    if array.shape[0] == 0:
        raise ValueError(f"{name} has no rows")
    return (array[:, np.newaxis], True) if array.ndim == 1 else (array, False)


def _constant_columns(columns):
    """True for each column whose values are all equal (its std may still compute as 1e-17)."""
    return columns.max(axis=0) == columns.min(axis=0)


def _samples(x, y):
    """``x`` and ``y`` as arrays with the same number of samples along axis 0."""
    x_array, y_array = np.asarray(x), np.asarray(y)
    if x_array.ndim == 0:
        raise ValueError("x must have a sample axis, got a scalar")
    if y_array.ndim == 0:
        raise ValueError("y must have a sample axis, got a scalar")
    if len(x_array) != len(y_array):
        raise ValueError(f"x and y must have the same number of samples, got len(x)={len(x_array)} "
                         f"and len(y)={len(y_array)}")
    return x_array, y_array


def _check_fractions(fractions):
    values = np.asarray(fractions, dtype=np.float64)
    if values.shape != (3,):
        raise ValueError(f"fractions must be three numbers (train, val, test), got {fractions!r}")
    if np.any(values < 0):
        raise ValueError(f"fractions must not be negative, got {fractions!r}")
    if abs(values.sum() - 1.0) > 1e-9:
        raise ValueError(f"fractions must sum to 1, got {fractions!r} (sum {values.sum()!r})")
    return values


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


def image_batch_shape(n_images, height, width, channels=3):
    """Return the shape tuple Keras expects for a batch of images: ``(n_images, height, width, channels)``.

    Keras 3 stores images ``channels_last`` by default: samples first, then rows, columns and
    colour channels (3 for RGB, 1 for greyscale). 100 RGB images of 512x512 pixels are a
    ``(100, 512, 512, 3)`` tensor. Every size must be a positive integer (``bool`` and ``float``
    are not); otherwise a ValueError names the argument.
    Keras 3 equivalent: ``keras.Input(shape=(height, width, channels))`` with the batch axis first;
    ``keras.config.image_data_format()`` is ``"channels_last"``.

    中文：返回 Keras（channels_last）期望的图像批次形状 (样本数, 高, 宽, 通道数)，各尺寸须为正整数。
    """
    return (_check_size("n_images", n_images), _check_size("height", height),
            _check_size("width", width), _check_size("channels", channels))


def normalize(x):
    """Min-max scale each column (feature) of a 2-d array into [0, 1]: ``(x - min) / (max - min)``.

    Features on very different scales (a house's area against its number of rooms) slow
    training down; min-max scaling puts every column between 0 and 1. Each column uses its
    own minimum and maximum. A constant column (max == min) becomes all 0.0 rather than a
    division by zero. A 1-d array is treated as one column and keeps its shape. Any other
    number of axes raises ValueError naming ``x``. Returns floats.
    Keras 3 equivalent: ``keras.layers.Rescaling(1 / (max - min), offset=-min / (max - min))``
    with the per-column minima and maxima.

    中文：按列做最小-最大缩放到 [0, 1]；常数列变为 0.0；一维数组视为一列。
    """
    columns, was_1d = _as_columns(x, "x")
    low, high = columns.min(axis=0), columns.max(axis=0)
    span = high - low
    constant = span == 0
    # A constant column is divided by 1 instead of 0: its values minus its minimum are all 0.
    scaled = (columns - low) / np.where(constant, 1.0, span)
    return scaled[:, 0] if was_1d else scaled


def standardize(x):
    """Standardize each column: ``(x - mean) / std`` with the population std (``ddof=0``).

    After it, every feature has mean 0 and standard deviation 1, the usual input scaling for
    a neural network. Statistics are per column (axis 0, over the samples). A constant column
    becomes all 0.0. Beware: a computed std of a constant column can be 1e-17 rather than 0
    (the mean of 0.1, 0.1, 0.1 is not exactly 0.1), so detect it by max == min. A 1-d array is
    treated as one column; any other number of axes raises ValueError naming ``x``. Returns floats.
    Keras 3 equivalent: ``keras.layers.Normalization(axis=-1)`` after ``adapt(x)``.

    中文：按列标准化 (x − 均值) / 标准差（总体标准差，ddof=0）；常数列变为 0.0。
    """
    columns, was_1d = _as_columns(x, "x")
    constant = _constant_columns(columns)
    std = np.where(constant, 1.0, columns.std(axis=0))
    # Zero the constant columns outright: their computed mean can be off by one ulp.
    scaled = np.where(constant, 0.0, (columns - columns.mean(axis=0)) / std)
    return scaled[:, 0] if was_1d else scaled


def fit_standardizer(x_train):
    """Return ``(mean, std)`` per column of the 2-d training data, as arrays of shape (n_features,).

    The statistics come from the training data only; the validation and test data are then
    scaled with these same numbers (``apply_standardizer``), otherwise information about them
    leaks into training. ``std`` is the population std (``ddof=0``); the std of a constant
    column (max == min) is returned as 1.0 so that applying it never divides by zero.
    ``x_train`` must be 2-d with at least one row; otherwise ValueError naming ``x_train``.
    Keras 3 equivalent: ``layer = keras.layers.Normalization(); layer.adapt(x_train)``, then
    ``layer.mean`` and ``sqrt(layer.variance)``.

    中文：只用训练数据按列求均值和标准差；常数列的标准差返回 1.0。
    """
    columns = np.asarray(x_train, dtype=np.float64)
    if columns.ndim != 2:
        raise ValueError(f"x_train must be 2-d (samples, features), got {columns.ndim} axes")
    if columns.shape[0] == 0:
        raise ValueError("x_train has no rows: there is nothing to fit")
    std = np.where(_constant_columns(columns), 1.0, columns.std(axis=0))
    return columns.mean(axis=0), std


def apply_standardizer(x, mean, std):
    """Return ``(x - mean) / std`` column by column, with statistics from ``fit_standardizer``.

    ``x`` has shape (n_samples, n_features) (or (n_features,) for one sample); ``mean`` and ``std``
    have shape (n_features,). A shape that does not match raises ValueError naming ``mean``
    or ``std``; a std that is not positive raises ValueError naming ``std``. Returns floats.
    Keras 3 equivalent: ``keras.layers.Normalization(mean=mean, variance=std ** 2)``.

    中文：用训练集得到的均值和标准差按列变换 x；形状不匹配时报 ValueError。
    """
    values = np.asarray(x, dtype=np.float64)
    mean_array = np.asarray(mean, dtype=np.float64)
    std_array = np.asarray(std, dtype=np.float64)
    if values.ndim not in (1, 2):
        raise ValueError(f"x must be 1-d (one sample) or 2-d (samples, features), got {values.ndim} axes")
    n_features = values.shape[-1]
    if mean_array.shape != (n_features,):
        raise ValueError(f"mean must have shape ({n_features},) to match x, got {mean_array.shape}")
    if std_array.shape != (n_features,):
        raise ValueError(f"std must have shape ({n_features},) to match x, got {std_array.shape}")
    if not np.all(std_array > 0):
        raise ValueError(f"std must be positive, got {std_array}")
    return (values - mean_array) / std_array


def split_train_val_test(x, y, fractions=(0.6, 0.2, 0.2), seed=None):
    """Split samples into ``(x_train, y_train), (x_val, y_val), (x_test, y_test)``.

    Keras trains on the training part, watches the validation part during training
    (``validation_data=``) and reports the final score on the test part, which it never saw.
    The sizes are ``n_val = int(n * fractions[1])``, ``n_test = int(n * fractions[2])`` and
    ``n_train = n - n_val - n_test``. The order of the samples is
    ``np.random.default_rng(seed).permutation(n)`` when ``seed`` is not None (``seed=0`` too),
    else the original order; the training part is the first ``n_train`` of that order, then
    validation, then test. Rows keep their dtype and their other axes.
    ``fractions`` must be three non-negative numbers summing to 1 (within 1e-9), and
    ``len(x) == len(y)``; otherwise ValueError naming the argument.
    Keras 3 equivalent: none for three parts; ``model.fit(..., validation_split=0.2)`` takes
    the last 20% of the (unshuffled) training data as validation.

    中文：把数据按比例分成训练集、验证集和测试集（给定 seed 时先随机打乱）。
    """
    x_array, y_array = _samples(x, y)
    shares = _check_fractions(fractions)
    n = len(x_array)
    n_val, n_test = int(n * shares[1]), int(n * shares[2])
    n_train = n - n_val - n_test
    order = np.arange(n) if seed is None else np.random.default_rng(seed).permutation(n)
    parts = np.split(order, [n_train, n_train + n_val])
    return tuple((x_array[rows], y_array[rows]) for rows in parts)


def split_validation_tail(x, y, start):
    """Return ``(x[:start], y[:start]), (x[start:], y[start:])``: the last rows as validation data.

    The book validates on ``x_train[300:]`` but also trains on those rows, so its validation
    score is not an honest one. Done right, the validation rows are NOT in the training part.
    ``start`` must be an integer in 1..n-1 (both parts non-empty), and ``len(x) == len(y)``;
    otherwise ValueError naming the argument.
    Keras 3 equivalent: ``model.fit(x, y, validation_split=(n - start) / n)``, which also holds
    out the last rows.

    中文：把最后若干行作为验证集，且这些行不再出现在训练集中（书中的做法把它们也拿来训练了）。
    """
    x_array, y_array = _samples(x, y)
    n = len(x_array)
    if isinstance(start, bool) or not isinstance(start, (int, np.integer)):
        raise ValueError(f"start must be an integer, got {start!r}")
    if not 1 <= start <= n - 1:
        raise ValueError(f"start must be in 1..{n - 1} so that both parts have rows, got {start}")
    return (x_array[:start], y_array[:start]), (x_array[start:], y_array[start:])
