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

import numbers

import numpy as np
import tensorflow as tf

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
    y_true, y_pred = _matched(y_true, y_pred)
    return tf.reduce_mean(tf.math.squared_difference(y_true, y_pred), axis=-1).numpy()


def mean_absolute_error(y_true, y_pred):
    """Mean absolute error of each sample: ``mean(|y_true - y_pred|)`` over the last axis.

    The average distance, in the units of the target, and less sensitive to outliers than the
    squared error. The book writes it as a plain sum of |y - y_hat| and forgets the 1/k: Keras
    takes the mean. Same shapes and errors as ``mean_squared_error``.
    Keras 3 equivalent: ``keras.losses.mean_absolute_error`` (loss ``"mae"``).

    中文：平均绝对误差：每个样本对最后一个轴求 |y_true - y_pred| 的平均值（书中公式漏了 1/k）。
    """
    y_true, y_pred = _matched(y_true, y_pred)
    return tf.reduce_mean(tf.math.abs(y_true - y_pred), axis=-1).numpy()


def mean_absolute_percentage_error(y_true, y_pred):
    """Mean absolute percentage error: ``100 * mean(|y_true - y_pred| / max(|y_true|, eps))``.

    The error relative to the size of the target, in percent: being 10 off is bad for a price of
    20 and negligible for a price of 2000. Dividing by ``max(|y_true|, eps)`` with eps = 1e-7
    keeps a zero target from dividing by zero (the loss is then huge, but finite). Same shapes
    and errors as ``mean_squared_error``.
    Keras 3 equivalent: ``keras.losses.mean_absolute_percentage_error`` (loss ``"mape"``).

    中文：平均绝对百分比误差：100 × |y_true - y_pred| / max(|y_true|, 1e-7) 的平均值。
    """
    y_true, y_pred = _matched(y_true, y_pred)
    ratio = tf.math.abs(y_true - y_pred) / tf.maximum(tf.math.abs(y_true), EPSILON)
    return (100.0 * tf.reduce_mean(ratio, axis=-1)).numpy()


def mean_squared_logarithmic_error(y_true, y_pred):
    """Mean squared logarithmic error: ``mean((ln(max(y_pred, eps) + 1) - ln(max(y_true, eps) + 1)) ** 2)``.

    Compares the logarithms, so it judges ratios rather than differences: predicting 110 for
    100 costs as much as 11 for 10. Values below eps = 1e-7 (zero and negatives) are raised to
    eps first so that the logarithm is defined. Same shapes and errors as ``mean_squared_error``.
    Keras 3 equivalent: ``keras.losses.mean_squared_logarithmic_error`` (loss ``"msle"``).

    中文：均方对数误差：先把值截到至少 1e-7，再比较 ln(值 + 1) 的差的平方的平均值。
    """
    y_true, y_pred = _matched(y_true, y_pred)
    log_pred = tf.math.log(tf.maximum(y_pred, EPSILON) + 1.0)
    log_true = tf.math.log(tf.maximum(y_true, EPSILON) + 1.0)
    return tf.reduce_mean(tf.math.squared_difference(log_pred, log_true), axis=-1).numpy()


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
    y_true, y_pred = _matched(y_true, y_pred)
    y_true = y_true * (1.0 - s) + 0.5 * s
    if from_logits:
        losses = tf.nn.sigmoid_cross_entropy_with_logits(labels=y_true, logits=y_pred)
    else:
        p = tf.clip_by_value(y_pred, EPSILON, 1.0 - EPSILON)
        losses = -(y_true * tf.math.log(p) + (1.0 - y_true) * tf.math.log(1.0 - p))
    return tf.reduce_mean(losses, axis=-1).numpy()


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
    y_true = tf.convert_to_tensor(y_true, tf.float32)
    y_pred = tf.convert_to_tensor(y_pred, tf.float32)
    if y_true.shape != y_pred.shape or y_pred.shape.rank == 0:
        raise ValueError(f"y_true of shape {y_true.shape} and y_pred of shape {y_pred.shape} must have the same shape")
    k = y_pred.shape[-1]
    y_true = y_true * (1.0 - s) + s / k
    if from_logits:
        log_p = tf.nn.log_softmax(y_pred, axis=-1)
    else:
        totals = tf.reduce_sum(y_pred, axis=-1, keepdims=True)
        if bool(tf.reduce_any(tf.equal(totals, 0.0))):
            raise ValueError("y_pred has a row summing to 0: it cannot be rescaled to probabilities")
        log_p = tf.math.log(tf.clip_by_value(y_pred / totals, EPSILON, 1.0 - EPSILON))
    return (-tf.reduce_sum(y_true * log_p, axis=-1)).numpy()


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
    y_true = tf.convert_to_tensor(y_true)
    y_pred = tf.convert_to_tensor(y_pred, tf.float32)
    if y_pred.shape.rank < 1:
        raise ValueError("y_pred must have a class axis")
    if y_pred.shape.rank >= 2 and y_true.shape == y_pred.shape[:-1] + [1]:
        y_true = tf.squeeze(y_true, axis=-1)
    elif y_true.shape != y_pred.shape[:-1]:
        raise ValueError(f"y_true of shape {y_true.shape} does not fit y_pred of shape {y_pred.shape}")
    k = y_pred.shape[-1]
    if not (y_true.dtype.is_integer or y_true.dtype.is_floating):
        raise ValueError(f"y_true must hold class numbers, got dtype {y_true.dtype.name}")
    if y_true.dtype.is_floating:
        whole = tf.logical_and(tf.math.is_finite(y_true), tf.equal(y_true, tf.math.floor(y_true)))
        if not bool(tf.reduce_all(whole)):
            raise ValueError("y_true must hold whole class numbers (1.5 is not one)")
    if bool(tf.reduce_any(y_true < 0)) or bool(tf.reduce_any(y_true >= k)):
        raise ValueError(f"y_true must hold class numbers in 0..{k - 1}")
    labels = tf.cast(y_true, tf.int64)
    clipped = tf.clip_by_value(y_pred, EPSILON, 1.0 - EPSILON)
    picked = tf.gather(clipped, labels, axis=-1, batch_dims=labels.shape.rank)
    return (-tf.math.log(picked) + tf.math.log(tf.reduce_sum(clipped, axis=-1))).numpy()


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
    losses = tf.convert_to_tensor(per_sample, tf.float32)
    if losses.shape.rank == 0 or tf.size(losses) == 0:
        raise ValueError("per_sample must hold at least one loss (not empty, not a single 0-d value)")
    count = tf.cast(tf.size(losses), tf.float32)
    if sample_weight is None:
        return float(tf.reduce_sum(losses) / count)
    weights = tf.convert_to_tensor(sample_weight, tf.float32)
    if weights.shape.rank == losses.shape.rank + 1 and weights.shape[-1] == 1:
        weights = tf.squeeze(weights, axis=-1)
    elif losses.shape.rank == weights.shape.rank + 1 and losses.shape[-1] == 1:
        losses = tf.squeeze(losses, axis=-1)
    while 0 < weights.shape.rank < losses.shape.rank:
        weights = weights[..., tf.newaxis]
    if weights.shape.rank != 0 and (weights.shape.rank != losses.shape.rank or any(
            w not in (l, 1) for w, l in zip(weights.shape, losses.shape))
            or weights.shape[0] != losses.shape[0]):
        raise ValueError(f"sample_weight of shape {tuple(weights.shape)} does not fit losses of shape "
                         f"{tuple(losses.shape)}")
    return float(tf.reduce_sum(losses * weights) / count)


def _matched(y_true, y_pred):
    """Float32 tensors of one shape; labels with one axis fewer get a trailing axis first."""
    y_true = tf.convert_to_tensor(y_true, tf.float32)
    y_pred = tf.convert_to_tensor(y_pred, tf.float32)
    if y_true.shape.rank == y_pred.shape.rank - 1:
        y_true = y_true[..., tf.newaxis]
    if y_true.shape != y_pred.shape or y_pred.shape.rank == 0:
        raise ValueError(f"y_true of shape {y_true.shape} and y_pred of shape {y_pred.shape} do not match")
    return y_true, y_pred


def _check_smoothing(label_smoothing):
    if (isinstance(label_smoothing, (bool, np.bool_)) or not isinstance(label_smoothing, numbers.Real)
            or not 0.0 <= label_smoothing <= 1.0):
        raise ValueError(f"label_smoothing must be a number in [0, 1], got {label_smoothing!r}")
    return float(label_smoothing)
