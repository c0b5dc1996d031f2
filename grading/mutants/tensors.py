"""Wrong and right answers for tensors.py, each graded by the hidden suite (see kitdev.mutation)."""

import numpy as np

from kitdev.mutation import right, wrong


@wrong("tensors.samples_first", "swaps the sample axis with axis 0 instead of moving it",
       misconception="samples-first-swaps-axes")
def samples_first(x, sample_axis):
    return np.swapaxes(np.asarray(x), sample_axis, 0)


@wrong("tensors.samples_first", "no range check: a negative axis out of range wraps around",
       misconception="samples-first-axis-unchecked")
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


# ---------------------------------------------------------------- image_batch_shape

@wrong("tensors.image_batch_shape", "channels_first order, the Theano/Keras 1 convention",
       misconception="image-batch-channels-first")
def image_batch_shape(n_images, height, width, channels=3):
    for name, value in [("n_images", n_images), ("height", height), ("width", width), ("channels", channels)]:
        if not isinstance(value, int) or value <= 0:
            raise ValueError(f"{name} must be a positive integer")
    return (n_images, channels, height, width)


@wrong("tensors.image_batch_shape", "only checks that sizes are positive, so 2.5 is accepted",
       misconception="image-batch-sizes-unchecked")
def image_batch_shape(n_images, height, width, channels=3):
    for name, value in [("n_images", n_images), ("height", height), ("width", width), ("channels", channels)]:
        if value is None or isinstance(value, str) or value <= 0:
            raise ValueError(f"{name} must be positive")
    return (n_images, height, width, channels)


@wrong("tensors.image_batch_shape", "returns a list, not a shape tuple", misconception="image-batch-list-not-tuple")
def image_batch_shape(n_images, height, width, channels=3):
    for name, value in [("n_images", n_images), ("height", height), ("width", width), ("channels", channels)]:
        if not isinstance(value, (int, np.integer)) or value <= 0:
            raise ValueError(f"{name} must be a positive integer")
    return [n_images, height, width, channels]


@wrong("tensors.image_batch_shape", "one message for every bad size, without the argument's name",
       misconception="image-batch-sizes-unchecked")
def image_batch_shape(n_images, height, width, channels=3):
    sizes = (n_images, height, width, channels)
    if not all(isinstance(v, (int, np.integer)) and v > 0 for v in sizes):
        raise ValueError("every size must be a positive integer")
    return tuple(int(v) for v in sizes)


@right("tensors.image_batch_shape", "validates with a dict of names and converts with operator.index")
def image_batch_shape(n_images, height, width, channels=3):
    import operator
    sizes = {"n_images": n_images, "height": height, "width": width, "channels": channels}
    shape = []
    for name, value in sizes.items():
        if isinstance(value, bool):  # operator.index(True) is 1, but the docstring refuses bools
            raise ValueError(f"{name} is a bool, not a size: {value!r}")
        try:
            size = operator.index(value)
        except TypeError:
            raise ValueError(f"{name} is not an integer: {value!r}") from None
        if size < 1:
            raise ValueError(f"{name} must be at least 1, got {size}")
        shape.append(size)
    return tuple(shape)


# ---------------------------------------------------------------- normalize

@wrong("tensors.normalize", "one minimum and maximum for the whole array instead of per column",
       misconception="normalize-not-per-column")
def normalize(x):
    columns, was_1d = _as_columns(x, "x")
    span = columns.max() - columns.min()
    scaled = (columns - columns.min()) / (span if span else 1.0)
    return scaled[:, 0] if was_1d else scaled


@wrong("tensors.normalize", "per row (axis=1) instead of per column", misconception="normalize-not-per-column")
def normalize(x):
    columns, was_1d = _as_columns(x, "x")
    low, high = columns.min(axis=1, keepdims=True), columns.max(axis=1, keepdims=True)
    span = np.where(high == low, 1.0, high - low)
    scaled = (columns - low) / span
    return scaled[:, 0] if was_1d else scaled


@wrong("tensors.normalize", "a constant column divides 0 by 0 and becomes nan",
       misconception="normalize-constant-column")
def normalize(x):
    columns, was_1d = _as_columns(x, "x")
    with np.errstate(invalid="ignore", divide="ignore"):
        scaled = (columns - columns.min(axis=0)) / (columns.max(axis=0) - columns.min(axis=0))
    return scaled[:, 0] if was_1d else scaled


@wrong("tensors.normalize", "divides by the maximum instead of the range", misconception="normalize-divides-by-max")
def normalize(x):
    columns, was_1d = _as_columns(x, "x")
    high = columns.max(axis=0)
    scaled = (columns - columns.min(axis=0)) / np.where(high == 0, 1.0, np.abs(high))
    return scaled[:, 0] if was_1d else scaled


@wrong("tensors.normalize", "1-d input comes back as an (n, 1) column", misconception="normalize-1d-shape")
def normalize(x):
    columns, _ = _as_columns(x, "x")
    span = np.ptp(columns, axis=0)
    return (columns - columns.min(axis=0)) / np.where(span == 0, 1.0, span)


@wrong("tensors.normalize", "no check of the number of axes: a 3-d array is scaled along axis 0",
       misconception="normalize-ndim-unchecked")
def normalize(x):
    array = np.asarray(x, dtype=np.float64)
    if array.ndim == 0:
        raise ValueError("x must be an array")
    span = np.ptp(array, axis=0)
    return (array - array.min(axis=0)) / np.where(span == 0, 1.0, span)


@wrong("tensors.normalize", "fills np.zeros_like(x): int input gives ints, every fraction truncated",
       misconception="normalize-int-result")
def normalize(x):
    columns, was_1d = _as_columns(x, "x")
    given = np.asarray(x)
    low, high = columns.min(axis=0), columns.max(axis=0)
    scaled = np.zeros_like(given.reshape(columns.shape))
    scaled[...] = (columns - low) / np.where(high == low, 1.0, high - low)
    return scaled[:, 0] if was_1d else scaled


@right("tensors.normalize", "a loop over the columns with np.ptp")
def normalize(x):
    array = np.array(x, dtype=float)
    if array.ndim not in (1, 2):
        raise ValueError("x must be 1-d or 2-d")
    table = array.reshape(len(array), -1)
    out = np.zeros_like(table)
    for j in range(table.shape[1]):
        column = table[:, j]
        if np.ptp(column) > 0:
            out[:, j] = (column - column.min()) / np.ptp(column)
    return out.reshape(array.shape)


# ---------------------------------------------------------------- standardize

@wrong("tensors.standardize", "sample std (ddof=1) instead of the population std",
       misconception="standardize-sample-std")
def standardize(x):
    columns, was_1d = _as_columns(x, "x")
    constant = _constant_columns(columns)
    std = np.where(constant, 1.0, columns.std(axis=0, ddof=1) if len(columns) > 1 else 1.0)
    scaled = np.where(constant, 0.0, (columns - columns.mean(axis=0)) / std)
    return scaled[:, 0] if was_1d else scaled


@wrong("tensors.standardize", "per row (axis=1) instead of per column", misconception="standardize-not-per-column")
def standardize(x):
    columns, was_1d = _as_columns(x, "x")
    mean, std = columns.mean(axis=1, keepdims=True), columns.std(axis=1, keepdims=True)
    scaled = np.where(std == 0, 0.0, (columns - mean) / np.where(std == 0, 1.0, std))
    return scaled[:, 0] if was_1d else scaled


@wrong("tensors.standardize", "a constant column divides 0 by 0 and becomes nan",
       misconception="standardize-constant-column")
def standardize(x):
    columns, was_1d = _as_columns(x, "x")
    with np.errstate(invalid="ignore", divide="ignore"):
        scaled = (columns - columns.mean(axis=0)) / columns.std(axis=0)
    return scaled[:, 0] if was_1d else scaled


@wrong("tensors.standardize", "detects a constant column by std == 0, which misses a std of 1e-17",
       misconception="standardize-constant-by-std-zero")
def standardize(x):
    columns, was_1d = _as_columns(x, "x")
    std = columns.std(axis=0)
    scaled = (columns - columns.mean(axis=0)) / np.where(std == 0, 1.0, std)
    return scaled[:, 0] if was_1d else scaled


@wrong("tensors.standardize", "divides by the variance instead of the standard deviation",
       misconception="standardize-divides-by-variance")
def standardize(x):
    columns, was_1d = _as_columns(x, "x")
    constant = _constant_columns(columns)
    scaled = np.where(constant, 0.0, (columns - columns.mean(axis=0)) / np.where(constant, 1.0, columns.var(axis=0)))
    return scaled[:, 0] if was_1d else scaled


@right("tensors.standardize", "the std written out as sqrt(mean((x - mean)^2)), a column at a time")
def standardize(x):
    array = np.array(x, dtype=np.float64)
    if array.ndim not in (1, 2):
        raise ValueError(f"x has {array.ndim} axes; expected 1 or 2")
    table = array.reshape(array.shape[0], -1)
    out = np.zeros_like(table)
    for j in range(table.shape[1]):
        column = table[:, j]
        if column.max() > column.min():
            centred = column - column.sum() / len(column)
            out[:, j] = centred / np.sqrt((centred ** 2).sum() / len(column))
    return out.reshape(array.shape)


# ---------------------------------------------------------------- fit_standardizer

@wrong("tensors.fit_standardizer", "sample std (ddof=1)", misconception="fit-standardizer-sample-std")
def fit_standardizer(x_train):
    columns = np.asarray(x_train, dtype=np.float64)
    if columns.ndim != 2 or len(columns) == 0:
        raise ValueError("x_train must be a non-empty 2-d array")
    std = columns.std(axis=0, ddof=1) if len(columns) > 1 else np.zeros(columns.shape[1])
    return columns.mean(axis=0), np.where(_constant_columns(columns), 1.0, std)


@wrong("tensors.fit_standardizer", "returns the zero std of a constant column as it is",
       misconception="fit-standardizer-zero-std")
def fit_standardizer(x_train):
    columns = np.asarray(x_train, dtype=np.float64)
    if columns.ndim != 2 or len(columns) == 0:
        raise ValueError("x_train must be a non-empty 2-d array")
    return columns.mean(axis=0), columns.std(axis=0)


@wrong("tensors.fit_standardizer", "replaces std == 0 by 1.0, which misses a computed std of 1e-17",
       misconception="fit-standardizer-constant-by-std-zero")
def fit_standardizer(x_train):
    columns = np.asarray(x_train, dtype=np.float64)
    if columns.ndim != 2 or len(columns) == 0:
        raise ValueError("x_train must be a non-empty 2-d array")
    std = columns.std(axis=0)
    return columns.mean(axis=0), np.where(std == 0, 1.0, std)


@wrong("tensors.fit_standardizer", "statistics per row instead of per column",
       misconception="fit-standardizer-not-per-column")
def fit_standardizer(x_train):
    columns = np.asarray(x_train, dtype=np.float64)
    if columns.ndim != 2 or len(columns) == 0:
        raise ValueError("x_train must be a non-empty 2-d array")
    std = columns.std(axis=1)
    return columns.mean(axis=1), np.where(columns.max(axis=1) == columns.min(axis=1), 1.0, std)


@wrong("tensors.fit_standardizer", "returns the variance instead of the std", misconception="fit-standardizer-variance")
def fit_standardizer(x_train):
    columns = np.asarray(x_train, dtype=np.float64)
    if columns.ndim != 2 or len(columns) == 0:
        raise ValueError("x_train must be a non-empty 2-d array")
    return columns.mean(axis=0), np.where(_constant_columns(columns), 1.0, columns.var(axis=0))


@wrong("tensors.fit_standardizer", "no check for an empty array: numpy warns and returns nan",
       misconception="fit-standardizer-empty-unchecked")
def fit_standardizer(x_train):
    columns = np.asarray(x_train, dtype=np.float64)
    if columns.ndim != 2:
        raise ValueError("x_train must be 2-d")
    std = columns.std(axis=0)
    return columns.mean(axis=0), np.where(np.isclose(std, 0.0, atol=1e-12), 1.0, std)


@right("tensors.fit_standardizer", "sums over the rows, and a relative tolerance for a zero std")
def fit_standardizer(x_train):
    data = np.array(x_train, dtype=float)
    if data.ndim != 2 or data.shape[0] < 1:
        raise ValueError("x_train must have shape (n_samples, n_features) with n_samples >= 1")
    mean = data.sum(axis=0) / data.shape[0]
    std = np.sqrt(((data - mean) ** 2).sum(axis=0) / data.shape[0])
    scale = np.maximum(np.abs(data).max(axis=0), 1.0)
    return mean, np.where(std <= 1e-12 * scale, 1.0, std)


# ---------------------------------------------------------------- apply_standardizer

@wrong("tensors.apply_standardizer", "no shape check: numpy broadcasting silently accepts a length-1 mean",
       misconception="apply-standardizer-shapes-unchecked")
def apply_standardizer(x, mean, std):
    std_array = np.asarray(std, dtype=np.float64)
    if np.any(std_array <= 0):
        raise ValueError("std must be positive")
    return (np.asarray(x, dtype=np.float64) - np.asarray(mean, dtype=np.float64)) / std_array


@wrong("tensors.apply_standardizer", "checks the mean's shape but not the std's",
       misconception="apply-standardizer-shapes-unchecked")
def apply_standardizer(x, mean, std):
    values = np.asarray(x, dtype=np.float64)
    mean_array, std_array = np.asarray(mean, dtype=np.float64), np.asarray(std, dtype=np.float64)
    if mean_array.shape != (values.shape[-1],):
        raise ValueError("mean does not match x")
    if np.any(std_array <= 0):
        raise ValueError("std must be positive")
    return (values - mean_array) / std_array


@wrong("tensors.apply_standardizer", "multiplies by std instead of dividing",
       misconception="apply-standardizer-multiplies")
def apply_standardizer(x, mean, std):
    values = np.asarray(x, dtype=np.float64)
    mean_array, std_array = np.asarray(mean, dtype=np.float64), np.asarray(std, dtype=np.float64)
    if mean_array.shape != (values.shape[-1],) or std_array.shape != (values.shape[-1],):
        raise ValueError("mean and std must match the columns of x")
    if np.any(std_array <= 0):
        raise ValueError("std must be positive")
    return (values - mean_array) * std_array


@wrong("tensors.apply_standardizer", "no check for a zero std: a division warning and inf",
       misconception="apply-standardizer-zero-std")
def apply_standardizer(x, mean, std):
    values = np.asarray(x, dtype=np.float64)
    mean_array, std_array = np.asarray(mean, dtype=np.float64), np.asarray(std, dtype=np.float64)
    if mean_array.shape != (values.shape[-1],) or std_array.shape != (values.shape[-1],):
        raise ValueError("mean and std must match the columns of x")
    return (values - mean_array) / std_array


@right("tensors.apply_standardizer", "column by column in a loop")
def apply_standardizer(x, mean, std):
    data = np.array(x, dtype=float)
    table = np.atleast_2d(data)
    means, stds = list(np.ravel(mean)), list(np.ravel(std))
    if np.ndim(mean) != 1 or len(means) != table.shape[1]:
        raise ValueError("mean needs one value per column of x")
    if np.ndim(std) != 1 or len(stds) != table.shape[1]:
        raise ValueError("std needs one value per column of x")
    if min(stds) <= 0:
        raise ValueError("std must be > 0")
    out = np.empty_like(table)
    for j, (m, s) in enumerate(zip(means, stds)):
        out[:, j] = (table[:, j] - m) / s
    return out.reshape(data.shape)


# ---------------------------------------------------------------- split_train_val_test

@wrong("tensors.split_train_val_test", "round() instead of int() for the sizes", misconception="split-sizes")
def split_train_val_test(x, y, fractions=(0.6, 0.2, 0.2), seed=None):
    x_array, y_array = _samples(x, y)
    shares = _check_fractions(fractions)
    n = len(x_array)
    n_val, n_test = round(n * shares[1]), round(n * shares[2])
    n_train = n - n_val - n_test
    order = np.arange(n) if seed is None else np.random.default_rng(seed).permutation(n)
    parts = np.split(order, [n_train, n_train + n_val])
    return tuple((x_array[rows], y_array[rows]) for rows in parts)


@wrong("tensors.split_train_val_test", "n_train = int(n * fractions[0]) and the test part takes the rest",
       misconception="split-sizes")
def split_train_val_test(x, y, fractions=(0.6, 0.2, 0.2), seed=None):
    x_array, y_array = _samples(x, y)
    shares = _check_fractions(fractions)
    n = len(x_array)
    n_train, n_val = int(n * shares[0]), int(n * shares[1])
    order = np.arange(n) if seed is None else np.random.default_rng(seed).permutation(n)
    parts = np.split(order, [n_train, n_train + n_val])
    return tuple((x_array[rows], y_array[rows]) for rows in parts)


@wrong("tensors.split_train_val_test", "`if seed:` treats seed=0 as no seed", misconception="split-seed")
def split_train_val_test(x, y, fractions=(0.6, 0.2, 0.2), seed=None):
    x_array, y_array = _samples(x, y)
    shares = _check_fractions(fractions)
    n = len(x_array)
    n_val, n_test = int(n * shares[1]), int(n * shares[2])
    n_train = n - n_val - n_test
    order = np.random.default_rng(seed).permutation(n) if seed else np.arange(n)
    parts = np.split(order, [n_train, n_train + n_val])
    return tuple((x_array[rows], y_array[rows]) for rows in parts)


@wrong("tensors.split_train_val_test", "the legacy global generator np.random.seed + permutation",
       misconception="split-seed")
def split_train_val_test(x, y, fractions=(0.6, 0.2, 0.2), seed=None):
    x_array, y_array = _samples(x, y)
    shares = _check_fractions(fractions)
    n = len(x_array)
    n_val, n_test = int(n * shares[1]), int(n * shares[2])
    n_train = n - n_val - n_test
    if seed is None:
        order = np.arange(n)
    else:
        np.random.seed(seed)
        order = np.random.permutation(n)
    parts = np.split(order, [n_train, n_train + n_val])
    return tuple((x_array[rows], y_array[rows]) for rows in parts)


@wrong("tensors.split_train_val_test", "the validation rows are also kept in the training part",
       misconception="split-parts")
def split_train_val_test(x, y, fractions=(0.6, 0.2, 0.2), seed=None):
    x_array, y_array = _samples(x, y)
    shares = _check_fractions(fractions)
    n = len(x_array)
    n_val, n_test = int(n * shares[1]), int(n * shares[2])
    n_train = n - n_val - n_test
    order = np.arange(n) if seed is None else np.random.default_rng(seed).permutation(n)
    train, val, test = order[:n_train + n_val], order[n_train:n_train + n_val], order[n_train + n_val:]
    return tuple((x_array[rows], y_array[rows]) for rows in (train, val, test))


@wrong("tensors.split_train_val_test", "test part before the validation part", misconception="split-parts")
def split_train_val_test(x, y, fractions=(0.6, 0.2, 0.2), seed=None):
    x_array, y_array = _samples(x, y)
    shares = _check_fractions(fractions)
    n = len(x_array)
    n_val, n_test = int(n * shares[1]), int(n * shares[2])
    n_train = n - n_val - n_test
    order = np.arange(n) if seed is None else np.random.default_rng(seed).permutation(n)
    train, test, val = np.split(order, [n_train, n_train + n_test])
    return (x_array[train], y_array[train]), (x_array[val], y_array[val]), (x_array[test], y_array[test])


@wrong("tensors.split_train_val_test", "compares the sum of fractions with 1 exactly, so 0.7 + 0.2 + 0.1 fails",
       misconception="split-fractions-unchecked")
def split_train_val_test(x, y, fractions=(0.6, 0.2, 0.2), seed=None):
    x_array, y_array = _samples(x, y)
    if len(fractions) != 3 or min(fractions) < 0 or sum(fractions) != 1:
        raise ValueError("fractions must be three non-negative numbers summing to 1")
    n = len(x_array)
    n_val, n_test = int(n * fractions[1]), int(n * fractions[2])
    n_train = n - n_val - n_test
    order = np.arange(n) if seed is None else np.random.default_rng(seed).permutation(n)
    parts = np.split(order, [n_train, n_train + n_val])
    return tuple((x_array[rows], y_array[rows]) for rows in parts)


@wrong("tensors.split_train_val_test", "no check for negative fractions", misconception="split-fractions-unchecked")
def split_train_val_test(x, y, fractions=(0.6, 0.2, 0.2), seed=None):
    x_array, y_array = _samples(x, y)
    if len(fractions) != 3 or abs(sum(fractions) - 1) > 1e-9:
        raise ValueError("fractions must be three numbers summing to 1")
    n = len(x_array)
    n_val, n_test = max(int(n * fractions[1]), 0), max(int(n * fractions[2]), 0)
    n_train = n - n_val - n_test
    order = np.arange(n) if seed is None else np.random.default_rng(seed).permutation(n)
    parts = np.split(order, [n_train, n_train + n_val])
    return tuple((x_array[rows], y_array[rows]) for rows in parts)


@right("tensors.split_train_val_test", "shuffles x and y first, then slices with explicit bounds")
def split_train_val_test(x, y, fractions=(0.6, 0.2, 0.2), seed=None):
    xs, ys = np.asarray(x), np.asarray(y)
    if xs.shape[:1] != ys.shape[:1]:
        raise ValueError(f"x has {xs.shape[:1]} samples but y has {ys.shape[:1]}")
    if len(fractions) != 3:
        raise ValueError("fractions must have three entries")
    train_f, val_f, test_f = (float(f) for f in fractions)
    if min(train_f, val_f, test_f) < 0 or not np.isclose(train_f + val_f + test_f, 1.0, rtol=0, atol=1e-9):
        raise ValueError(f"fractions {fractions} must be >= 0 and sum to 1")
    n = xs.shape[0]
    if seed is not None:
        rng = np.random.default_rng(seed)
        index = rng.permutation(np.arange(n))
        xs, ys = xs[index], ys[index]
    n_val, n_test = int(n * val_f), int(n * test_f)
    cut_1, cut_2 = n - n_val - n_test, n - n_test
    return (xs[:cut_1], ys[:cut_1]), (xs[cut_1:cut_2], ys[cut_1:cut_2]), (xs[cut_2:], ys[cut_2:])


# ---------------------------------------------------------------- split_validation_tail

@wrong("tensors.split_validation_tail", "the book's mistake: trains on every row, validation rows included",
       misconception="tail-rows-overlap")
def split_validation_tail(x, y, start):
    x_array, y_array = _samples(x, y)
    if not isinstance(start, (int, np.integer)) or not 1 <= start <= len(x_array) - 1:
        raise ValueError("start out of range")
    return (x_array, y_array), (x_array[start:], y_array[start:])


@wrong("tensors.split_validation_tail", "off by one: the row at start is in both parts",
       misconception="tail-rows-overlap")
def split_validation_tail(x, y, start):
    x_array, y_array = _samples(x, y)
    if not isinstance(start, (int, np.integer)) or not 1 <= start <= len(x_array) - 1:
        raise ValueError("start out of range")
    return (x_array[:start + 1], y_array[:start + 1]), (x_array[start:], y_array[start:])


@wrong("tensors.split_validation_tail", "no range check: negative starts count from the end, 0 gives an empty part",
       misconception="tail-start-unchecked")
def split_validation_tail(x, y, start):
    x_array, y_array = _samples(x, y)
    return (x_array[:start], y_array[:start]), (x_array[start:], y_array[start:])


@wrong("tensors.split_validation_tail", "accepts start == n, leaving an empty validation part",
       misconception="tail-start-unchecked")
def split_validation_tail(x, y, start):
    x_array, y_array = _samples(x, y)
    if not isinstance(start, (int, np.integer)) or not 1 <= start <= len(x_array):
        raise ValueError("start out of range")
    return (x_array[:start], y_array[:start]), (x_array[start:], y_array[start:])


@right("tensors.split_validation_tail", "np.split at start, with operator.index for the type check")
def split_validation_tail(x, y, start):
    import operator
    xs, ys = np.asarray(x), np.asarray(y)
    if len(xs) != len(ys):
        raise ValueError("x and y differ in length")
    try:
        cut = operator.index(start)
    except TypeError:
        raise ValueError(f"start must be an int, not {start!r}") from None
    if cut < 1 or cut >= len(xs):
        raise ValueError(f"start={cut} leaves an empty part")
    x_train, x_val = np.split(xs, [cut])
    y_train, y_val = np.split(ys, [cut])
    return (x_train, y_train), (x_val, y_val)


@right("tensors.split_validation_tail", "exactly the documented slices: a list stays a list")
def split_validation_tail(x, y, start):
    if len(x) != len(y):
        raise ValueError(f"x has {len(x)} rows but y has {len(y)}")
    if isinstance(start, bool) or not isinstance(start, (int, np.integer)) or not 1 <= start <= len(x) - 1:
        raise ValueError(f"start must be an integer in 1..{len(x) - 1}, got {start!r}")
    return (x[:start], y[:start]), (x[start:], y[start:])
