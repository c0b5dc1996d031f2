"""Loss functions.

A loss measures how far a model's predictions ``y_pred`` are from the targets ``y_true``; training
changes the weights to make it smaller. Regression uses distances (squared, absolute, percentage,
logarithmic); classification uses cross-entropy, the negative natural log of the probability the
model gave to the right answer.

Every loss here returns one value per sample, the mean over the last axis, exactly as the
``keras.losses`` function of the same name. When ``y_true`` has one axis fewer than ``y_pred``
(labels of shape (n,) against predictions of shape (n, 1)), ``y_true`` gets a trailing axis
first, as Keras does: subtracting (n,) from (n, 1) would silently broadcast to an (n, n) table.
``reduce_loss`` then turns the per-sample values into the single number that ``model.fit``
reports. Probabilities are clipped to [eps, 1 - eps] with Keras's ``eps = 1e-7``.
损失函数：衡量预测与目标的差距；每个函数返回每个样本的损失（对最后一个轴取平均），与 keras.losses 一致。
"""

import math
import numbers

import numpy as np

# keras.backend.epsilon(): keeps logarithms and divisions finite.
EPSILON = 1e-7


def mean_squared_error(y_true, y_pred):
    """Mean squared error of each sample: ``mean((y_true - y_pred) ** 2)`` over the last axis.

    Squaring makes every error positive and punishes large errors far more than small ones,
    which suits regression (the Boston house prices). Returns a float64 array with the last
    axis removed (a 0-d array for 1-d inputs). Labels of shape (n,) against predictions of
    shape (n, 1) give n losses, never an (n, n) table. Shapes that still differ raise
    ValueError naming ``y_true`` and ``y_pred``.
    Keras 3 equivalent: ``keras.losses.mean_squared_error`` (loss ``"mse"``).

    中文：均方误差：每个样本对最后一个轴求 (y_true - y_pred)² 的平均值。
    """
    return _per_sample(y_true, y_pred, lambda t, p: (t - p) ** 2)


def mean_absolute_error(y_true, y_pred):
    """Mean absolute error of each sample: ``mean(|y_true - y_pred|)`` over the last axis.

    The average distance, in the units of the target, and less sensitive to outliers than the
    squared error. The book writes it as a plain sum of |y - y_hat| and forgets the 1/k: Keras
    takes the mean. Same shapes and errors as ``mean_squared_error``.
    Keras 3 equivalent: ``keras.losses.mean_absolute_error`` (loss ``"mae"``).

    中文：平均绝对误差：每个样本对最后一个轴求 |y_true - y_pred| 的平均值（书中公式漏了 1/k）。
    """
    return _per_sample(y_true, y_pred, lambda t, p: abs(t - p))


def mean_absolute_percentage_error(y_true, y_pred):
    """Mean absolute percentage error: ``100 * mean(|y_true - y_pred| / max(|y_true|, eps))``.

    The error relative to the size of the target, in percent: being 10 off is bad for a price of
    20 and negligible for a price of 2000. Dividing by ``max(|y_true|, eps)`` with eps = 1e-7
    keeps a zero target from dividing by zero (the loss is then huge, but finite). Same shapes
    and errors as ``mean_squared_error``.
    Keras 3 equivalent: ``keras.losses.mean_absolute_percentage_error`` (loss ``"mape"``).

    中文：平均绝对百分比误差：100 × |y_true - y_pred| / max(|y_true|, 1e-7) 的平均值。
    """
    return _per_sample(y_true, y_pred, lambda t, p: 100.0 * abs(t - p) / max(abs(t), EPSILON))


def mean_squared_logarithmic_error(y_true, y_pred):
    """Mean squared logarithmic error: ``mean((ln(max(y_pred, eps) + 1) - ln(max(y_true, eps) + 1)) ** 2)``.

    Compares the logarithms, so it judges ratios rather than differences: predicting 110 for
    100 costs as much as 11 for 10. Values below eps = 1e-7 (zero and negatives) are raised to
    eps first so that the logarithm is defined. Same shapes and errors as ``mean_squared_error``.
    Keras 3 equivalent: ``keras.losses.mean_squared_logarithmic_error`` (loss ``"msle"``).

    中文：均方对数误差：先把值截到至少 1e-7，再比较 ln(值 + 1) 的差的平方的平均值。
    """
    def one(t, p):
        return (math.log(max(p, EPSILON) + 1.0) - math.log(max(t, EPSILON) + 1.0)) ** 2

    return _per_sample(y_true, y_pred, one)


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0):
    """Binary cross-entropy of each sample, averaged over the last axis, as Keras computes it.

    For a 0/1 target y and a predicted probability p of class 1, the loss is
    ``-(y ln p + (1 - y) ln(1 - p))``: the negative natural log of the probability given to the
    right answer. The book writes it with log2 and without the minus sign; Keras uses the
    natural log, and the minus sign makes the loss positive.

    - ``label_smoothing = s`` in [0, 1] first pulls the targets towards 0.5:
      ``y' = y (1 - s) + s / 2``. Outside [0, 1] raises ValueError naming ``label_smoothing``.
    - Without logits, p is clipped to [eps, 1 - eps] (eps = 1e-7), so p = 0 or 1 gives a large
      but finite loss instead of ln 0.
    - With ``from_logits=True``, ``y_pred`` holds logits z (before the sigmoid) and the loss is
      computed in the stable form ``max(z, 0) - z y' + ln(1 + exp(-|z|))``: finite and warning-free
      even for z = +-1e4, where taking ln(sigmoid(z)) would give ln 0.

    Targets of shape (n,) against predictions of shape (n, 1) are compared sample by sample;
    other shape differences raise ValueError naming ``y_true`` and ``y_pred``.
    Keras 3 equivalent: ``keras.losses.binary_crossentropy`` (loss ``"binary_crossentropy"``).

    中文：二元交叉熵：-(y ln p + (1-y) ln(1-p)) 对最后一个轴取平均；用自然对数，p 截到 [1e-7, 1-1e-7]。
    """
    s = _check_smoothing(label_smoothing)

    def one(t, p):
        t = t * (1.0 - s) + 0.5 * s
        if from_logits:
            return max(p, 0.0) - p * t + math.log1p(math.exp(-abs(p)))
        p = min(max(p, EPSILON), 1.0 - EPSILON)
        return -(t * math.log(p) + (1.0 - t) * math.log(1.0 - p))

    return _per_sample(y_true, y_pred, one)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0):
    """Categorical cross-entropy of each sample: ``-sum(y' ln p)`` over the class axis (the last).

    ``y_true`` is one-hot (or any distribution over the K classes), ``y_pred`` the predicted
    probabilities, both of shape (..., K); the result has the class axis removed. With a one-hot
    target this is ``-ln p[true class]``. The book writes the sum with log2 and without the minus
    sign: Keras uses the natural log, negated.

    As Keras does, in this order:
    - ``label_smoothing = s`` in [0, 1] spreads part of each target over all classes:
      ``y' = y (1 - s) + s / K``. Outside [0, 1] raises ValueError naming ``label_smoothing``.
    - Without logits, each row of ``y_pred`` is first rescaled to sum to 1, then clipped to
      [eps, 1 - eps] (eps = 1e-7). A row summing to 0 cannot be rescaled: ValueError naming
      ``y_pred``.
    - With ``from_logits=True``, ``y_pred`` holds logits and ln softmax is computed stably
      (subtract the row maximum before exp): finite even for logits of +-1e4.

    ``y_true`` and ``y_pred`` must have the same shape (ValueError naming both otherwise).
    Keras 3 equivalent: ``keras.losses.categorical_crossentropy`` (loss ``"categorical_crossentropy"``).

    中文：多分类交叉熵：每个样本 -Σ y ln p（自然对数）；先把每行概率归一化再截断，或从 logits 做稳定的 softmax。
    """
    s = _check_smoothing(label_smoothing)
    targets = _to_nested(y_true)
    scores = _to_nested(y_pred)
    t_shape = _shape(targets, "y_true")
    p_shape = _shape(scores, "y_pred")
    if t_shape != p_shape or len(t_shape) == 0:
        raise ValueError(f"y_true of shape {t_shape} and y_pred of shape {p_shape} must have the same shape")
    k = p_shape[-1]

    def row_loss(t_row, p_row):
        t_row = [float(t) * (1.0 - s) + s / k for t in t_row]
        p_row = [float(p) for p in p_row]
        if from_logits:
            top = max(p_row)
            log_total = math.log(math.fsum(math.exp(p - top) for p in p_row))
            log_p = [p - top - log_total for p in p_row]
        else:
            total = math.fsum(p_row)
            if total == 0:
                raise ValueError("y_pred has a row summing to 0: it cannot be rescaled to probabilities")
            log_p = [math.log(min(max(p / total, EPSILON), 1.0 - EPSILON)) for p in p_row]
        return -math.fsum(t * lp for t, lp in zip(t_row, log_p))

    return _over_rows(targets, scores, row_loss)


def sparse_categorical_crossentropy(y_true, y_pred):
    """Categorical cross-entropy with integer class labels instead of one-hot rows.

    ``y_true`` holds class numbers 0..K-1 of shape (n,) or (n, 1) (more generally the shape of
    ``y_pred`` without its last axis, or with a last axis of 1); ``y_pred`` holds probabilities of
    shape (n, K). The loss of a sample is ``-ln p[label]``, computed as Keras does: the
    probabilities are clipped to [eps, 1 - eps] and each clipped row is rescaled to sum to 1, so
    the loss is ``-ln p~[label] + ln sum(p~)`` with ``p~`` the clipped row.

    Labels that are not whole numbers, are negative, or are >= K raise ValueError naming
    ``y_true`` (Keras would silently truncate 1.5 to 1); labels whose shape does not fit
    ``y_pred`` raise ValueError naming ``y_true`` and ``y_pred``.
    Keras 3 equivalent: ``keras.losses.sparse_categorical_crossentropy``.

    中文：稀疏多分类交叉熵：标签是整数类别，每个样本的损失是 -ln p[标签]（概率先截断再按行归一化）。
    """
    labels = _to_nested(y_true)
    scores = _to_nested(y_pred)
    l_shape = _shape(labels, "y_true")
    p_shape = _shape(scores, "y_pred")
    if len(p_shape) < 1:
        raise ValueError("y_pred must have a class axis")
    if l_shape == p_shape[:-1] + (1,) and len(p_shape) >= 2:
        labels = _drop_last_axis(labels)
    elif l_shape != p_shape[:-1]:
        raise ValueError(f"y_true of shape {l_shape} does not fit y_pred of shape {p_shape}")
    k = p_shape[-1]

    def row_loss(label, p_row):
        if (isinstance(label, bool) or not isinstance(label, numbers.Real) or not math.isfinite(label)
                or label != math.floor(label) or not 0 <= label < k):
            raise ValueError(f"y_true holds {label!r}: labels must be whole numbers in 0..{k - 1}")
        clipped = [min(max(float(p), EPSILON), 1.0 - EPSILON) for p in p_row]
        return -math.log(clipped[int(label)]) + math.log(math.fsum(clipped))

    return _over_rows(labels, scores, row_loss)


def reduce_loss(per_sample, sample_weight=None):
    """The one number a Keras ``Loss`` object reports with reduction ``"sum_over_batch_size"``.

    ``sum(per_sample * sample_weight) / per_sample.size``: each loss is weighted, then the sum
    is divided by the number of losses, not by the sum of the weights, so a weight of 0 still
    counts in the denominator. Without weights it is the plain mean. Weights of shape (n, 1)
    against losses of shape (n,) (or the other way round) pair up sample by sample; weights that
    do not fit the losses raise ValueError naming ``sample_weight``. An empty ``per_sample`` (or
    a single 0-d value) raises ValueError naming ``per_sample``. Returns a Python float.
    Keras 3 equivalent: ``keras.losses.MeanSquaredError()(y_true, y_pred, sample_weight=w)``
    and every other ``Loss`` object (``reduction="sum_over_batch_size"`` is the default).

    中文：把每个样本的损失合成一个数：加权求和后除以损失的个数（不是除以权重之和）。
    """
    losses = _to_nested(per_sample)
    shape = _shape(losses, "per_sample")
    if not isinstance(losses, list) or not _leaves(losses):
        raise ValueError("per_sample must hold at least one loss (not empty, not a single 0-d value)")
    values = [float(v) for v in _leaves(losses)]
    if sample_weight is None:
        return math.fsum(values) / len(values)
    weights = _to_nested(sample_weight)
    w_shape = _shape(weights, "sample_weight")
    if not isinstance(weights, list):
        flat_weights = [float(weights)] * len(values)
    elif _squeeze(w_shape) == _squeeze(shape):
        flat_weights = [float(w) for w in _leaves(weights)]
    elif len(w_shape) < len(shape) and shape[:len(w_shape)] == w_shape:
        repeat = len(values) // max(len(_leaves(weights)), 1)
        flat_weights = [float(w) for w in _leaves(weights) for _ in range(repeat)]
    else:
        raise ValueError(f"sample_weight of shape {w_shape} does not fit losses of shape {shape}")
    return math.fsum(v * w for v, w in zip(values, flat_weights)) / len(values)


def _scalar(value):
    """A Python number for a number (numpy scalars and 0-d arrays included)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if hasattr(value, "item"):
        return _scalar(value.item())
    return value


def _to_nested(x):
    """Nested Python lists of the values of a number, list, tuple or array."""
    try:
        items = list(x)
    except TypeError:
        return _scalar(x)
    return [_to_nested(item) for item in items]


def _shape(data, name):
    """The shape of nested lists; ragged lists raise ValueError naming ``name``."""
    if not isinstance(data, list):
        return ()
    if not data:
        return (0,)
    inner = [_shape(item, name) for item in data]
    if any(s != inner[0] for s in inner):
        raise ValueError(f"{name} is ragged: its rows have different shapes")
    return (len(data),) + inner[0]


def _leaves(data):
    if isinstance(data, list):
        return [leaf for item in data for leaf in _leaves(item)]
    return [data]


def _squeeze(shape):
    """``shape`` without its trailing axes of length 1."""
    shape = tuple(shape)
    while shape and shape[-1] == 1:
        shape = shape[:-1]
    return shape


def _add_last_axis(data):
    if isinstance(data, list):
        return [_add_last_axis(item) for item in data]
    return [data]


def _drop_last_axis(data):
    if isinstance(data, list) and data and isinstance(data[0], list):
        return [_drop_last_axis(item) for item in data]
    return data[0]


def _over_rows(a, b, row_function):
    """``row_function`` of each pair of last-axis rows of ``a`` and ``b``, keeping the other axes."""
    if isinstance(b, list) and b and isinstance(b[0], list):
        return [_over_rows(x, y, row_function) for x, y in zip(a, b)]
    return float(row_function(a, b))


def _per_sample(y_true, y_pred, element_loss):
    """The mean of ``element_loss(t, p)`` over the last axis, as the keras.losses functions."""
    targets = _to_nested(y_true)
    predictions = _to_nested(y_pred)
    t_shape = _shape(targets, "y_true")
    p_shape = _shape(predictions, "y_pred")
    if len(t_shape) == len(p_shape) - 1:
        targets = _add_last_axis(targets)
        t_shape = t_shape + (1,)
    if t_shape != p_shape or len(p_shape) == 0:
        raise ValueError(f"y_true of shape {t_shape} and y_pred of shape {p_shape} do not match")

    def row_loss(t_row, p_row):
        return math.fsum(element_loss(float(t), float(p)) for t, p in zip(t_row, p_row)) / len(p_row)

    return _over_rows(targets, predictions, row_loss)


def _check_smoothing(label_smoothing):
    if (isinstance(label_smoothing, bool) or not isinstance(label_smoothing, numbers.Real)
            or not 0.0 <= label_smoothing <= 1.0):
        raise ValueError(f"label_smoothing must be a number in [0, 1], got {label_smoothing!r}")
    return float(label_smoothing)
