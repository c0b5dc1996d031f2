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
Graded code may import only numpy, keras, tensorflow, the standard library and keraskit: the
grader provides nothing else (no scipy, pandas or scikit-learn), and ``pytest`` and
``keraskit check`` name a module that imports anything else before its tests run.
损失函数：衡量预测与目标的差距；每个函数返回每个样本的损失（对最后一个轴取平均），与 keras.losses 一致。
评分代码只能导入 numpy、keras、tensorflow、标准库和 keraskit；评分环境不提供其他包。
"""

import numbers

import numpy as np

# keras.backend.epsilon(): keeps logarithms and divisions finite.
EPSILON = 1e-7


def mean_squared_error(y_true, y_pred):
    """Mean squared error of each sample: ``mean((y_true - y_pred) ** 2)`` over the last axis.

    Squaring makes every error positive and punishes large errors far more than small ones,
    which suits regression (the Boston house prices). Returns an array of floats with the last
    axis removed (for 1-d inputs, one sample: a number or a 0-d array). Labels of shape (n,)
    against predictions of shape (n, 1) give n losses, never an (n, n) table. Labels of shape
    (n, 1) against predictions of shape (n,) may be paired the same way (Keras does) or
    rejected with a ValueError naming ``y_true``. Other shapes that differ raise ValueError
    naming ``y_true`` and ``y_pred``.
    Keras 3 equivalent: ``keras.losses.mean_squared_error`` (loss ``"mse"``).

    中文：均方误差：每个样本对最后一个轴求 (y_true - y_pred)² 的平均值。
    """
    truth, prediction = _matched_float_arrays(y_true, y_pred)
    return _mean_over_last_axis(np.square(truth - prediction))


def mean_absolute_error(y_true, y_pred):
    """Mean absolute error of each sample: ``mean(|y_true - y_pred|)`` over the last axis.

    The average distance, in the units of the target, and less sensitive to outliers than the
    squared error. The book writes it as a plain sum of |y - y_hat| and forgets the 1/k: Keras
    takes the mean. Same shapes and errors as ``mean_squared_error``.
    Keras 3 equivalent: ``keras.losses.mean_absolute_error`` (loss ``"mae"``).

    中文：平均绝对误差：每个样本对最后一个轴求 |y_true - y_pred| 的平均值（书中公式漏了 1/k）。
    """
    truth, prediction = _matched_float_arrays(y_true, y_pred)
    return _mean_over_last_axis(np.abs(truth - prediction))


def mean_absolute_percentage_error(y_true, y_pred):
    """Mean absolute percentage error: ``100 * mean(|y_true - y_pred| / max(|y_true|, eps))``.

    The error relative to the size of the target, in percent: being 10 off is bad for a price of
    20 and negligible for a price of 2000. Dividing by ``max(|y_true|, eps)`` with eps = 1e-7
    keeps a zero target from dividing by zero (the loss is then huge, but finite). Same shapes
    and errors as ``mean_squared_error``.
    Keras 3 equivalent: ``keras.losses.mean_absolute_percentage_error`` (loss ``"mape"``).

    中文：平均绝对百分比误差：100 × |y_true - y_pred| / max(|y_true|, 1e-7) 的平均值。
    """
    truth, prediction = _matched_float_arrays(y_true, y_pred)
    relative = np.abs(truth - prediction) / np.maximum(np.abs(truth), EPSILON)
    return 100.0 * _mean_over_last_axis(relative)


def mean_squared_logarithmic_error(y_true, y_pred):
    """Mean squared logarithmic error: ``mean((ln(max(y_pred, eps) + 1) - ln(max(y_true, eps) + 1)) ** 2)``.

    Compares the logarithms, so it judges ratios rather than differences: predicting 110 for
    100 costs as much as 11 for 10. Values below eps = 1e-7 (zero and negatives) are raised to
    eps first so that the logarithm is defined. Same shapes and errors as ``mean_squared_error``.
    Keras 3 equivalent: ``keras.losses.mean_squared_logarithmic_error`` (loss ``"msle"``).

    中文：均方对数误差：先把值截到至少 1e-7，再比较 ln(值 + 1) 的差的平方的平均值。
    """
    truth, prediction = _matched_float_arrays(y_true, y_pred)
    log_difference = np.log(np.maximum(prediction, EPSILON) + 1.0) - np.log(np.maximum(truth, EPSILON) + 1.0)
    return _mean_over_last_axis(np.square(log_difference))


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
    truth, prediction = _matched_float_arrays(y_true, y_pred)
    smoothing = _checked_label_smoothing(label_smoothing)
    truth = truth * (1.0 - smoothing) + 0.5 * smoothing
    if from_logits:
        # ln(1 + e^z) - z y, rewritten so that exp never sees a large positive number.
        per_element = np.maximum(prediction, 0.0) - prediction * truth + np.log1p(np.exp(-np.abs(prediction)))
    else:
        probability = np.clip(prediction, EPSILON, 1.0 - EPSILON)
        per_element = -(truth * np.log(probability) + (1.0 - truth) * np.log(1.0 - probability))
    return _mean_over_last_axis(per_element)


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
    truth, prediction = _matched_float_arrays(y_true, y_pred)
    smoothing = _checked_label_smoothing(label_smoothing)
    n_classes = truth.shape[-1]
    truth = truth * (1.0 - smoothing) + smoothing / n_classes
    if from_logits:
        log_probability = _log_softmax(prediction)
    else:
        row_sums = np.sum(prediction, axis=-1, keepdims=True)
        if np.any(row_sums == 0):
            raise ValueError("y_pred has a row of probabilities summing to 0; it cannot be rescaled to sum 1")
        log_probability = np.log(np.clip(prediction / row_sums, EPSILON, 1.0 - EPSILON))
    return np.asarray(-np.sum(truth * log_probability, axis=-1), dtype=np.float64)


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
    prediction = _as_float_array(y_pred, "y_pred")
    if prediction.ndim == 0 or prediction.shape[-1] == 0:
        raise ValueError(f"y_pred must have a class axis of at least one class, got shape {prediction.shape}")
    labels = _checked_class_labels(y_true, prediction)
    clipped = np.clip(prediction, EPSILON, 1.0 - EPSILON)
    chosen = np.take_along_axis(clipped, labels[..., np.newaxis], axis=-1)[..., 0]
    return np.asarray(-np.log(chosen) + np.log(np.sum(clipped, axis=-1)), dtype=np.float64)


def reduce_loss(per_sample, sample_weight=None):
    """The one number a Keras ``Loss`` object reports with reduction ``"sum_over_batch_size"``.

    ``sum(per_sample * sample_weight) / per_sample.size``: each loss is weighted, then the sum
    is divided by the number of losses, not by the sum of the weights, so a weight of 0 still
    counts in the denominator. Without weights it is the plain mean. Weights of shape (n, 1)
    against losses of shape (n,) (or the other way round) pair up sample by sample; weights that
    do not fit the losses raise ValueError naming ``sample_weight`` (a single number as the
    weight may weight every loss alike, as Keras does, or be rejected that way). An empty
    ``per_sample`` (or a single 0-d value) raises ValueError naming ``per_sample``. Returns a
    number (a Python float, a numpy float or a 0-d array).
    Keras 3 equivalent: ``keras.losses.MeanSquaredError()(y_true, y_pred, sample_weight=w)``
    and every other ``Loss`` object (``reduction="sum_over_batch_size"`` is the default).

    中文：把每个样本的损失合成一个数：加权求和后除以损失的个数（不是除以权重之和）。
    """
    losses = _as_float_array(per_sample, "per_sample")
    if losses.ndim == 0 or losses.size == 0:
        raise ValueError(f"per_sample must hold at least one loss per sample, got shape {losses.shape}")
    if sample_weight is None:
        return float(np.sum(losses) / losses.size)
    weights = _as_float_array(sample_weight, "sample_weight")
    losses, weights = _align_trailing_axis(losses, weights)
    try:
        weighted_shape = np.broadcast_shapes(losses.shape, weights.shape)
    except ValueError:
        weighted_shape = None
    if weighted_shape != losses.shape:
        raise ValueError(f"sample_weight of shape {weights.shape} does not fit per_sample of shape {losses.shape}")
    return float(np.sum(losses * weights) / losses.size)


def _as_float_array(values, name):
    """``values`` as a float64 array; anything non-numeric is a ValueError naming the argument."""
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be numeric array-like: {error}") from None
    return array


def _align_trailing_axis(first, second):
    """Keras's rank matching: when ranks differ by one and the longer has a last axis of 1,
    expand a 1-d partner to (n, 1), else drop that axis of 1. Prevents (n,) vs (n, 1) from
    broadcasting into an (n, n) table."""
    if first.ndim == second.ndim + 1 and first.shape[-1] == 1:
        if second.ndim == 1:
            second = second[:, np.newaxis]
        else:
            first = first[..., 0]
    elif second.ndim == first.ndim + 1 and second.shape[-1] == 1:
        if first.ndim == 1:
            first = first[:, np.newaxis]
        else:
            second = second[..., 0]
    return first, second


def _matched_float_arrays(y_true, y_pred):
    """Both inputs as float64 arrays of the same shape, with at least one non-empty axis."""
    truth = _as_float_array(y_true, "y_true")
    prediction = _as_float_array(y_pred, "y_pred")
    truth, prediction = _align_trailing_axis(truth, prediction)
    if truth.shape != prediction.shape:
        raise ValueError(f"y_true of shape {truth.shape} does not match y_pred of shape {prediction.shape}")
    if prediction.ndim == 0 or prediction.shape[-1] == 0:
        raise ValueError(f"y_true and y_pred need a non-empty last axis to average over, got shape {prediction.shape}")
    return truth, prediction


def _mean_over_last_axis(values):
    # np.mean of a 1-d array is a numpy scalar; keep the promise of an ndarray (0-d then).
    return np.asarray(np.mean(values, axis=-1), dtype=np.float64)


def _checked_label_smoothing(label_smoothing):
    if isinstance(label_smoothing, bool) or not isinstance(label_smoothing, numbers.Real):
        raise ValueError(f"label_smoothing must be a number in [0, 1], got {label_smoothing!r}")
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"label_smoothing must be in [0, 1], got {label_smoothing!r}")
    return float(label_smoothing)


def _log_softmax(logits):
    # Subtracting the row maximum leaves softmax unchanged and keeps exp from overflowing.
    shifted = logits - np.max(logits, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


def _checked_class_labels(y_true, prediction):
    """Integer class labels of shape ``prediction.shape[:-1]``, each in 0..K-1."""
    raw = _as_float_array(y_true, "y_true")
    if raw.ndim == prediction.ndim and raw.ndim > 0 and raw.shape[-1] == 1:
        raw = raw[..., 0]  # (n, 1) labels are (n,) labels
    if raw.shape != prediction.shape[:-1]:
        raise ValueError(f"y_true of shape {np.shape(y_true)} does not fit y_pred of shape {prediction.shape}: "
                         f"expected labels of shape {prediction.shape[:-1]}")
    if not np.all(np.isfinite(raw)) or np.any(raw != np.round(raw)):
        raise ValueError("y_true must hold whole class numbers, got a non-integral label")
    n_classes = prediction.shape[-1]
    if np.any(raw < 0) or np.any(raw >= n_classes):
        raise ValueError(f"y_true labels must be in 0..{n_classes - 1}, got "
                         f"{raw.min():g}..{raw.max():g}")
    return raw.astype(np.intp)
