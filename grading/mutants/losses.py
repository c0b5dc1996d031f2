"""Wrong and right answers for losses.py, each graded by the hidden suite (see kitdev.mutation).

Variants are appended to the reference module, so they may use its constants and helpers
(EPSILON, _matched_float_arrays, _mean_over_last_axis, _checked_label_smoothing, ...).
"""

import numpy as np

from kitdev.mutation import right, wrong

# ---------------------------------------------------------------- mean_squared_error


@wrong("losses.mean_squared_error", "(n,) labels minus (n, 1) predictions broadcast into an (n, n) table",
       misconception="mse-broadcast-table")
def mean_squared_error(y_true, y_pred):
    truth, prediction = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    return np.asarray(np.mean((truth - prediction) ** 2, axis=-1))


@wrong("losses.mean_squared_error", "sums the squared errors over the last axis instead of averaging",
       misconception="mse-sum-not-mean")
def mean_squared_error(y_true, y_pred):
    truth, prediction = _matched_float_arrays(y_true, y_pred)
    return np.asarray(np.sum(np.square(truth - prediction), axis=-1))


@wrong("losses.mean_squared_error", "averages over the whole batch: one number instead of one per sample",
       misconception="mse-batch-mean")
def mean_squared_error(y_true, y_pred):
    truth, prediction = _matched_float_arrays(y_true, y_pred)
    return np.asarray(np.mean(np.square(truth - prediction)))


@right("losses.mean_squared_error", "keeps the input dtype: float32 in, float32 out, within float32's tolerance")
def mean_squared_error(y_true, y_pred):
    truth, prediction = _matched_float_arrays(y_true, y_pred)
    dtype = np.result_type(np.asarray(y_true), np.asarray(y_pred), np.float32)
    return np.asarray(np.mean(np.square(truth - prediction), axis=-1), dtype=dtype)


@right("losses.mean_squared_error", "reshape (n,) labels by hand, then einsum of the difference with itself")
def mean_squared_error(y_true, y_pred):
    truth = np.array(y_true, dtype=np.float64)
    prediction = np.array(y_pred, dtype=np.float64)
    if truth.ndim + 1 == prediction.ndim and prediction.shape[-1] == 1:
        truth = truth.reshape(truth.shape + (1,))
    elif prediction.ndim + 1 == truth.ndim and truth.shape[-1] == 1:
        prediction = prediction.reshape(prediction.shape + (1,))
    if truth.shape != prediction.shape:
        raise ValueError("y_true and y_pred have different shapes")
    difference = truth - prediction
    return np.einsum("...i,...i->...", difference, difference) / difference.shape[-1]


# ---------------------------------------------------------------- mean_absolute_error


@wrong("losses.mean_absolute_error", "the book's formula: the sum of |y - y_hat|, without 1/k",
       misconception="mae-book-sum")
def mean_absolute_error(y_true, y_pred):
    truth, prediction = _matched_float_arrays(y_true, y_pred)
    return np.asarray(np.sum(np.abs(truth - prediction), axis=-1))


@wrong("losses.mean_absolute_error", "forgets the absolute value: errors of opposite sign cancel",
       misconception="mae-no-abs")
def mean_absolute_error(y_true, y_pred):
    truth, prediction = _matched_float_arrays(y_true, y_pred)
    return _mean_over_last_axis(truth - prediction)


@wrong("losses.mean_absolute_error", "(n,) labels against (n, 1) predictions broadcast into an (n, n) table",
       misconception="mae-broadcast-table")
def mean_absolute_error(y_true, y_pred):
    difference = np.subtract(y_true, y_pred, dtype=np.float64)
    return np.asarray(np.mean(np.abs(difference), axis=-1))


@right("losses.mean_absolute_error", "np.average of the absolute differences after squeezing to the same rank")
def mean_absolute_error(y_true, y_pred):
    truth, prediction = _matched_float_arrays(y_true, y_pred)
    return np.asarray(np.average(np.absolute(prediction - truth), axis=-1)).astype(np.float64)


# ---------------------------------------------------------------- mean_absolute_percentage_error


@wrong("losses.mean_absolute_percentage_error", "a fraction, not a percentage: forgets the factor 100",
       misconception="mape-percent-of-target")
def mean_absolute_percentage_error(y_true, y_pred):
    truth, prediction = _matched_float_arrays(y_true, y_pred)
    return _mean_over_last_axis(np.abs(truth - prediction) / np.maximum(np.abs(truth), EPSILON))


@wrong("losses.mean_absolute_percentage_error", "divides by |y_true| without the floor eps: a zero target gives inf",
       misconception="mape-zero-target")
def mean_absolute_percentage_error(y_true, y_pred):
    truth, prediction = _matched_float_arrays(y_true, y_pred)
    return 100.0 * _mean_over_last_axis(np.abs((truth - prediction) / truth))


@wrong("losses.mean_absolute_percentage_error", "max(y_true, eps) without the absolute value: negative targets break",
       misconception="mape-zero-target")
def mean_absolute_percentage_error(y_true, y_pred):
    truth, prediction = _matched_float_arrays(y_true, y_pred)
    return 100.0 * _mean_over_last_axis(np.abs(truth - prediction) / np.maximum(truth, EPSILON))


@wrong("losses.mean_absolute_percentage_error", "divides by the prediction instead of the target",
       misconception="mape-percent-of-target")
def mean_absolute_percentage_error(y_true, y_pred):
    truth, prediction = _matched_float_arrays(y_true, y_pred)
    return 100.0 * _mean_over_last_axis(np.abs(truth - prediction) / np.maximum(np.abs(prediction), EPSILON))


@right("losses.mean_absolute_percentage_error", "np.where for the floor, the mean written as a sum over k")
def mean_absolute_percentage_error(y_true, y_pred):
    truth, prediction = _matched_float_arrays(y_true, y_pred)
    size = np.abs(truth)
    floored = np.where(size > EPSILON, size, EPSILON)
    return np.asarray(np.sum(np.abs(prediction - truth) / floored, axis=-1) * (100.0 / truth.shape[-1]))


# ---------------------------------------------------------------- mean_squared_logarithmic_error


@wrong("losses.mean_squared_logarithmic_error", "no floor at eps: zeros and negatives go straight into the log",
       misconception="msle-floor")
def mean_squared_logarithmic_error(y_true, y_pred):
    truth, prediction = _matched_float_arrays(y_true, y_pred)
    return _mean_over_last_axis(np.square(np.log(prediction + 1.0) - np.log(truth + 1.0)))


@wrong("losses.mean_squared_logarithmic_error", "ln(y) instead of ln(y + 1)", misconception="msle-log-plus-one")
def mean_squared_logarithmic_error(y_true, y_pred):
    truth, prediction = _matched_float_arrays(y_true, y_pred)
    return _mean_over_last_axis(np.square(np.log(np.maximum(prediction, EPSILON))
                                          - np.log(np.maximum(truth, EPSILON))))


@wrong("losses.mean_squared_logarithmic_error", "the root of the mean (RMSLE) instead of the mean",
       misconception="msle-root")
def mean_squared_logarithmic_error(y_true, y_pred):
    truth, prediction = _matched_float_arrays(y_true, y_pred)
    difference = np.log(np.maximum(prediction, EPSILON) + 1.0) - np.log(np.maximum(truth, EPSILON) + 1.0)
    return np.sqrt(_mean_over_last_axis(np.square(difference)))


@wrong("losses.mean_squared_logarithmic_error", "clips with np.clip(y, eps, None) on y_pred only",
       misconception="msle-floor")
def mean_squared_logarithmic_error(y_true, y_pred):
    truth, prediction = _matched_float_arrays(y_true, y_pred)
    difference = np.log(np.clip(prediction, EPSILON, None) + 1.0) - np.log(truth + 1.0)
    return _mean_over_last_axis(np.square(difference))


@right("losses.mean_squared_logarithmic_error", "log1p of the floored values")
def mean_squared_logarithmic_error(y_true, y_pred):
    truth, prediction = _matched_float_arrays(y_true, y_pred)
    difference = np.log1p(np.fmax(truth, EPSILON)) - np.log1p(np.fmax(prediction, EPSILON))
    return _mean_over_last_axis(difference * difference)


# ---------------------------------------------------------------- binary_crossentropy


@wrong("losses.binary_crossentropy", "the book's log2 instead of the natural log", misconception="bce-log-and-sign")
def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0):
    truth, prediction = _matched_float_arrays(y_true, y_pred)
    smoothing = _checked_label_smoothing(label_smoothing)
    truth = truth * (1.0 - smoothing) + 0.5 * smoothing
    if from_logits:
        prediction = 1.0 / (1.0 + np.exp(-np.clip(prediction, -500, 500)))
    p = np.clip(prediction, EPSILON, 1.0 - EPSILON)
    return _mean_over_last_axis(-(truth * np.log2(p) + (1.0 - truth) * np.log2(1.0 - p)))


@wrong("losses.binary_crossentropy", "the book's missing minus sign: the loss is negative",
       misconception="bce-log-and-sign")
def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0):
    truth, prediction = _matched_float_arrays(y_true, y_pred)
    smoothing = _checked_label_smoothing(label_smoothing)
    truth = truth * (1.0 - smoothing) + 0.5 * smoothing
    if from_logits:
        return _mean_over_last_axis(-(np.maximum(prediction, 0.0) - prediction * truth
                                      + np.log1p(np.exp(-np.abs(prediction)))))
    p = np.clip(prediction, EPSILON, 1.0 - EPSILON)
    return _mean_over_last_axis(truth * np.log(p) + (1.0 - truth) * np.log(1.0 - p))


@wrong("losses.binary_crossentropy", "no clipping: a probability of exactly 0 or 1 gives ln 0",
       misconception="bce-clip-and-smoothing")
def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0):
    truth, prediction = _matched_float_arrays(y_true, y_pred)
    smoothing = _checked_label_smoothing(label_smoothing)
    truth = truth * (1.0 - smoothing) + 0.5 * smoothing
    if from_logits:
        return _mean_over_last_axis(np.maximum(prediction, 0.0) - prediction * truth
                                    + np.log1p(np.exp(-np.abs(prediction))))
    return _mean_over_last_axis(-(truth * np.log(prediction) + (1.0 - truth) * np.log(1.0 - prediction)))


@wrong("losses.binary_crossentropy", "unstable logits: ln(sigmoid(z)) overflows for z = -1e4",
       misconception="bce-logits")
def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0):
    truth, prediction = _matched_float_arrays(y_true, y_pred)
    smoothing = _checked_label_smoothing(label_smoothing)
    truth = truth * (1.0 - smoothing) + 0.5 * smoothing
    if from_logits:
        p = 1.0 / (1.0 + np.exp(-prediction))
        return _mean_over_last_axis(-(truth * np.log(p) + (1.0 - truth) * np.log(1.0 - p)))
    p = np.clip(prediction, EPSILON, 1.0 - EPSILON)
    return _mean_over_last_axis(-(truth * np.log(p) + (1.0 - truth) * np.log(1.0 - p)))


@wrong("losses.binary_crossentropy", "logits through a sigmoid and then clipped: 1e4 costs 16, not 1e4",
       misconception="bce-logits")
def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0):
    truth, prediction = _matched_float_arrays(y_true, y_pred)
    smoothing = _checked_label_smoothing(label_smoothing)
    truth = truth * (1.0 - smoothing) + 0.5 * smoothing
    if from_logits:
        prediction = 0.5 * (1.0 + np.tanh(0.5 * prediction))  # a sigmoid that never overflows
    p = np.clip(prediction, EPSILON, 1.0 - EPSILON)
    return _mean_over_last_axis(-(truth * np.log(p) + (1.0 - truth) * np.log(1.0 - p)))


@wrong("losses.binary_crossentropy", "label smoothing with s/K, K the size of the last axis, instead of s/2",
       misconception="bce-clip-and-smoothing")
def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0):
    truth, prediction = _matched_float_arrays(y_true, y_pred)
    smoothing = _checked_label_smoothing(label_smoothing)
    truth = truth * (1.0 - smoothing) + smoothing / truth.shape[-1]
    if from_logits:
        return _mean_over_last_axis(np.maximum(prediction, 0.0) - prediction * truth
                                    + np.log1p(np.exp(-np.abs(prediction))))
    p = np.clip(prediction, EPSILON, 1.0 - EPSILON)
    return _mean_over_last_axis(-(truth * np.log(p) + (1.0 - truth) * np.log(1.0 - p)))


@wrong("losses.binary_crossentropy", "no check of label_smoothing: 1.5 gives a silent nonsense loss",
       misconception="bce-clip-and-smoothing")
def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0):
    truth, prediction = _matched_float_arrays(y_true, y_pred)
    truth = truth * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        return _mean_over_last_axis(np.maximum(prediction, 0.0) - prediction * truth
                                    + np.log1p(np.exp(-np.abs(prediction))))
    p = np.clip(prediction, EPSILON, 1.0 - EPSILON)
    return _mean_over_last_axis(-(truth * np.log(p) + (1.0 - truth) * np.log(1.0 - p)))


@wrong("losses.binary_crossentropy", "(n,) labels against (n, 1) probabilities broadcast into an (n, n) table",
       misconception="bce-broadcast-table")
def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0):
    smoothing = _checked_label_smoothing(label_smoothing)
    truth = np.asarray(y_true, dtype=np.float64) * (1.0 - smoothing) + 0.5 * smoothing
    prediction = np.asarray(y_pred, dtype=np.float64)
    if from_logits:
        per_element = np.maximum(prediction, 0.0) - prediction * truth + np.log1p(np.exp(-np.abs(prediction)))
    else:
        p = np.clip(prediction, EPSILON, 1.0 - EPSILON)
        per_element = -(truth * np.log(p) + (1.0 - truth) * np.log(1.0 - p))
    return _mean_over_last_axis(per_element)


@right("losses.binary_crossentropy", "logits through np.logaddexp(0, z) - z y; probabilities via np.where")
def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0):
    truth, prediction = _matched_float_arrays(y_true, y_pred)
    if not 0 <= label_smoothing <= 1:
        raise ValueError("label_smoothing must lie in [0, 1]")
    smoothed = truth + label_smoothing * (0.5 - truth)
    if from_logits:
        per_element = np.logaddexp(0.0, prediction) - prediction * smoothed
    else:
        p = np.minimum(np.maximum(prediction, EPSILON), 1.0 - EPSILON)
        per_element = -smoothed * np.log(p) - (1.0 - smoothed) * np.log(1.0 - p)
    return np.asarray(per_element.mean(axis=-1))


# ---------------------------------------------------------------- categorical_crossentropy


@wrong("losses.categorical_crossentropy", "the book's log2 instead of the natural log",
       misconception="cce-log-sign-sum")
def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0):
    truth, prediction = _matched_float_arrays(y_true, y_pred)
    smoothing = _checked_label_smoothing(label_smoothing)
    truth = truth * (1.0 - smoothing) + smoothing / truth.shape[-1]
    if from_logits:
        return np.asarray(-np.sum(truth * _log_softmax(prediction), axis=-1) / np.log(2.0))
    p = np.clip(prediction / prediction.sum(axis=-1, keepdims=True), EPSILON, 1.0 - EPSILON)
    return np.asarray(-np.sum(truth * np.log2(p), axis=-1))


@wrong("losses.categorical_crossentropy", "the book's missing minus sign", misconception="cce-log-sign-sum")
def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0):
    truth, prediction = _matched_float_arrays(y_true, y_pred)
    smoothing = _checked_label_smoothing(label_smoothing)
    truth = truth * (1.0 - smoothing) + smoothing / truth.shape[-1]
    if from_logits:
        return np.asarray(np.sum(truth * _log_softmax(prediction), axis=-1))
    p = np.clip(prediction / prediction.sum(axis=-1, keepdims=True), EPSILON, 1.0 - EPSILON)
    return np.asarray(np.sum(truth * np.log(p), axis=-1))


@wrong("losses.categorical_crossentropy", "no row rescaling: rows that do not sum to 1 are taken as they are",
       misconception="cce-keras-order")
def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0):
    truth, prediction = _matched_float_arrays(y_true, y_pred)
    smoothing = _checked_label_smoothing(label_smoothing)
    truth = truth * (1.0 - smoothing) + smoothing / truth.shape[-1]
    if from_logits:
        return np.asarray(-np.sum(truth * _log_softmax(prediction), axis=-1))
    return np.asarray(-np.sum(truth * np.log(np.clip(prediction, EPSILON, 1.0 - EPSILON)), axis=-1))


@wrong("losses.categorical_crossentropy", "no clipping: a probability of exactly 0 gives 0 * ln 0 = nan",
       misconception="cce-keras-order")
def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0):
    truth, prediction = _matched_float_arrays(y_true, y_pred)
    smoothing = _checked_label_smoothing(label_smoothing)
    truth = truth * (1.0 - smoothing) + smoothing / truth.shape[-1]
    if from_logits:
        return np.asarray(-np.sum(truth * _log_softmax(prediction), axis=-1))
    return np.asarray(-np.sum(truth * np.log(prediction / prediction.sum(axis=-1, keepdims=True)), axis=-1))


@wrong("losses.categorical_crossentropy", "label smoothing with s/2 as in the binary loss, instead of s/K",
       misconception="cce-keras-order")
def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0):
    truth, prediction = _matched_float_arrays(y_true, y_pred)
    smoothing = _checked_label_smoothing(label_smoothing)
    truth = truth * (1.0 - smoothing) + smoothing / 2.0
    if from_logits:
        return np.asarray(-np.sum(truth * _log_softmax(prediction), axis=-1))
    p = np.clip(prediction / prediction.sum(axis=-1, keepdims=True), EPSILON, 1.0 - EPSILON)
    return np.asarray(-np.sum(truth * np.log(p), axis=-1))


@wrong("losses.categorical_crossentropy", "unstable softmax: exp of logits of 1e4 overflows",
       misconception="cce-logits")
def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0):
    truth, prediction = _matched_float_arrays(y_true, y_pred)
    smoothing = _checked_label_smoothing(label_smoothing)
    truth = truth * (1.0 - smoothing) + smoothing / truth.shape[-1]
    if from_logits:
        prediction = np.exp(prediction) / np.exp(prediction).sum(axis=-1, keepdims=True)
    p = np.clip(prediction / prediction.sum(axis=-1, keepdims=True), EPSILON, 1.0 - EPSILON)
    return np.asarray(-np.sum(truth * np.log(p), axis=-1))


@wrong("losses.categorical_crossentropy", "stable softmax, but then clipped probabilities: -1e4 costs 16, not 1e4",
       misconception="cce-logits")
def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0):
    truth, prediction = _matched_float_arrays(y_true, y_pred)
    smoothing = _checked_label_smoothing(label_smoothing)
    truth = truth * (1.0 - smoothing) + smoothing / truth.shape[-1]
    if from_logits:
        prediction = np.exp(_log_softmax(prediction))
    p = np.clip(prediction / prediction.sum(axis=-1, keepdims=True), EPSILON, 1.0 - EPSILON)
    return np.asarray(-np.sum(truth * np.log(p), axis=-1))


@wrong("losses.categorical_crossentropy", "averages over the classes instead of summing",
       misconception="cce-log-sign-sum")
def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0):
    truth, prediction = _matched_float_arrays(y_true, y_pred)
    smoothing = _checked_label_smoothing(label_smoothing)
    truth = truth * (1.0 - smoothing) + smoothing / truth.shape[-1]
    if from_logits:
        return np.asarray(-np.mean(truth * _log_softmax(prediction), axis=-1))
    p = np.clip(prediction / prediction.sum(axis=-1, keepdims=True), EPSILON, 1.0 - EPSILON)
    return np.asarray(-np.mean(truth * np.log(p), axis=-1))


@right("losses.categorical_crossentropy", "logsumexp written out with max; loops over nothing, einsum for the sum")
def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0):
    truth = np.array(y_true, dtype=np.float64)
    logits_or_p = np.array(y_pred, dtype=np.float64)
    if truth.shape != logits_or_p.shape:
        raise ValueError(f"y_true {truth.shape} and y_pred {logits_or_p.shape} differ in shape")
    if not (0.0 <= label_smoothing <= 1.0):
        raise ValueError("label_smoothing outside [0, 1]")
    k = truth.shape[-1]
    target = (1.0 - label_smoothing) * truth + label_smoothing / k
    if from_logits:
        top = logits_or_p.max(axis=-1, keepdims=True)
        log_sum = top + np.log(np.exp(logits_or_p - top).sum(axis=-1, keepdims=True))
        log_p = logits_or_p - log_sum
    else:
        sums = logits_or_p.sum(axis=-1, keepdims=True)
        if np.any(sums == 0):
            raise ValueError("a row of y_pred sums to 0: it cannot be rescaled")
        log_p = np.log(np.clip(logits_or_p / sums, EPSILON, 1.0 - EPSILON))
    return np.asarray(-np.einsum("...k,...k->...", target, log_p))


# ---------------------------------------------------------------- sparse_categorical_crossentropy


@wrong("losses.sparse_categorical_crossentropy", "(n, 1) labels used as fancy indices: an (n, n) table",
       misconception="scce-column-labels")
def sparse_categorical_crossentropy(y_true, y_pred):
    prediction = np.clip(np.asarray(y_pred, dtype=np.float64), EPSILON, 1.0 - EPSILON)
    labels = np.asarray(y_true).astype(int)
    if np.any(labels < 0) or np.any(labels >= prediction.shape[-1]):
        raise ValueError("y_true labels out of range")
    chosen = prediction[np.arange(len(prediction)), labels]
    return np.asarray(-np.log(chosen) + np.log(prediction.sum(axis=-1)))


@wrong("losses.sparse_categorical_crossentropy", "no range check: label -1 silently picks the last class",
       misconception="scce-labels-unchecked")
def sparse_categorical_crossentropy(y_true, y_pred):
    prediction = _as_float_array(y_pred, "y_pred")
    labels = np.asarray(y_true, dtype=np.float64).reshape(prediction.shape[:-1]).astype(np.intp)
    clipped = np.clip(prediction, EPSILON, 1.0 - EPSILON)
    chosen = np.take_along_axis(clipped, labels[..., None], axis=-1)[..., 0]
    return np.asarray(-np.log(chosen) + np.log(clipped.sum(axis=-1)))


@wrong("losses.sparse_categorical_crossentropy", "truncates non-integral labels like Keras instead of rejecting them",
       misconception="scce-labels-unchecked")
def sparse_categorical_crossentropy(y_true, y_pred):
    prediction = _as_float_array(y_pred, "y_pred")
    raw = np.asarray(y_true, dtype=np.float64)
    if raw.ndim == prediction.ndim:
        raw = raw[..., 0]
    if raw.shape != prediction.shape[:-1] or np.any(raw < 0) or np.any(raw >= prediction.shape[-1]):
        raise ValueError("y_true does not fit y_pred")
    labels = raw.astype(np.intp)
    clipped = np.clip(prediction, EPSILON, 1.0 - EPSILON)
    chosen = np.take_along_axis(clipped, labels[..., None], axis=-1)[..., 0]
    return np.asarray(-np.log(chosen) + np.log(clipped.sum(axis=-1)))


@wrong("losses.sparse_categorical_crossentropy", "-ln of the clipped probability, without Keras's rescaling of the row",
       misconception="scce-row-rescaling")
def sparse_categorical_crossentropy(y_true, y_pred):
    prediction = _as_float_array(y_pred, "y_pred")
    labels = _checked_class_labels(y_true, prediction)
    clipped = np.clip(prediction, EPSILON, 1.0 - EPSILON)
    return np.asarray(-np.log(np.take_along_axis(clipped, labels[..., None], axis=-1)[..., 0]))


@wrong("losses.sparse_categorical_crossentropy", "the book's log2 instead of the natural log",
       misconception="scce-log2")
def sparse_categorical_crossentropy(y_true, y_pred):
    prediction = _as_float_array(y_pred, "y_pred")
    labels = _checked_class_labels(y_true, prediction)
    clipped = np.clip(prediction, EPSILON, 1.0 - EPSILON)
    chosen = np.take_along_axis(clipped, labels[..., None], axis=-1)[..., 0]
    return np.asarray(-np.log2(chosen) + np.log2(clipped.sum(axis=-1)))


@right("losses.sparse_categorical_crossentropy", "one-hot the labels with np.eye and sum, rows renormalised after clipping")
def sparse_categorical_crossentropy(y_true, y_pred):
    probabilities = np.array(y_pred, dtype=np.float64)
    k = probabilities.shape[-1]
    labels = np.array(y_true, dtype=np.float64)
    if labels.shape == probabilities.shape[:-1] + (1,):
        labels = labels.reshape(probabilities.shape[:-1])
    if labels.shape != probabilities.shape[:-1]:
        raise ValueError("y_true has the wrong shape for y_pred")
    for label in labels.ravel():
        if not (np.isfinite(label) and label == int(label) and 0 <= label < k):
            raise ValueError(f"y_true holds an invalid class label {label}")
    one_hot = np.eye(k)[labels.astype(int)]
    clipped = np.clip(probabilities, EPSILON, 1.0 - EPSILON)
    renormalised = clipped / clipped.sum(axis=-1, keepdims=True)
    return np.asarray(-(one_hot * np.log(renormalised)).sum(axis=-1))


# ---------------------------------------------------------------- reduce_loss


@wrong("losses.reduce_loss", "divides by the sum of the weights (a weighted mean), not the number of losses",
       misconception="reduce-loss-divisor")
def reduce_loss(per_sample, sample_weight=None):
    losses = np.asarray(per_sample, dtype=np.float64)
    if sample_weight is None:
        return float(losses.mean())
    weights = np.broadcast_to(np.asarray(sample_weight, dtype=np.float64).reshape(-1), losses.reshape(-1).shape)
    return float(np.sum(losses.reshape(-1) * weights) / np.sum(weights))


@wrong("losses.reduce_loss", "divides by the number of nonzero weights", misconception="reduce-loss-divisor")
def reduce_loss(per_sample, sample_weight=None):
    losses = np.asarray(per_sample, dtype=np.float64).reshape(-1)
    if sample_weight is None:
        return float(losses.mean())
    weights = np.broadcast_to(np.asarray(sample_weight, dtype=np.float64).reshape(-1), losses.shape)
    return float(np.sum(losses * weights) / np.count_nonzero(weights))


@wrong("losses.reduce_loss", "ignores sample_weight", misconception="reduce-loss-ignores-weights")
def reduce_loss(per_sample, sample_weight=None):
    return float(np.mean(np.asarray(per_sample, dtype=np.float64)))


@wrong("losses.reduce_loss", "(n,) losses times (n, 1) weights broadcast into an (n, n) table",
       misconception="reduce-loss-divisor")
def reduce_loss(per_sample, sample_weight=None):
    losses = np.asarray(per_sample, dtype=np.float64)
    if sample_weight is None:
        return float(losses.mean())
    weighted = losses * np.asarray(sample_weight, dtype=np.float64)
    return float(weighted.sum() / losses.size)


@wrong("losses.reduce_loss", "no check for an empty per_sample: the mean of nothing is nan, with a warning",
       misconception="reduce-loss-empty-unchecked")
def reduce_loss(per_sample, sample_weight=None):
    losses = _as_float_array(per_sample, "per_sample")
    if sample_weight is None:
        return float(np.mean(losses))
    weights = _as_float_array(sample_weight, "sample_weight")
    losses, weights = _align_trailing_axis(losses, weights)
    try:
        fits = np.broadcast_shapes(losses.shape, weights.shape) == losses.shape
    except ValueError:
        fits = False
    if not fits:  # the weights are checked as they should be: only the empty losses are not
        raise ValueError(f"sample_weight of shape {weights.shape} does not fit per_sample")
    return float(np.mean(losses * weights))


@right("losses.reduce_loss", "squeeze the axis of 1 instead of adding one, then a mean of the products")
def reduce_loss(per_sample, sample_weight=None):
    losses = np.array(per_sample, dtype=np.float64)
    if losses.ndim == 0 or losses.size == 0:
        raise ValueError(f"per_sample holds no losses to reduce: shape {losses.shape}")
    if sample_weight is None:
        return float(losses.mean())
    weights = np.array(sample_weight, dtype=np.float64)
    if weights.ndim == losses.ndim + 1 and weights.shape[-1] == 1:
        weights = weights[..., 0]
    elif losses.ndim == weights.ndim + 1 and losses.shape[-1] == 1:
        losses = losses[..., 0]
    try:
        products = losses * weights
    except ValueError:
        raise ValueError(f"sample_weight {weights.shape} cannot weight losses {losses.shape}") from None
    if products.shape != losses.shape:
        raise ValueError(f"sample_weight {weights.shape} cannot weight losses {losses.shape}")
    return float(products.mean())


@right("losses.mean_absolute_error", "labels (n, 1) against predictions (n,) rejected, as the docstring allows")
def mean_absolute_error(y_true, y_pred):
    truth = _as_float_array(y_true, "y_true")
    prediction = _as_float_array(y_pred, "y_pred")
    if truth.ndim + 1 == prediction.ndim and prediction.shape[-1] == 1:
        truth = truth[..., np.newaxis]
    if truth.shape != prediction.shape or prediction.ndim == 0 or prediction.shape[-1] == 0:
        raise ValueError(f"y_true of shape {truth.shape} does not match y_pred of shape {prediction.shape}")
    return np.mean(np.abs(truth - prediction), axis=-1)


@right("losses.reduce_loss", "keras.ops in float32, as a Keras Loss object computes it")
def reduce_loss(per_sample, sample_weight=None):
    import keras

    losses = _as_float_array(per_sample, "per_sample")
    if losses.ndim == 0 or losses.size == 0:
        raise ValueError(f"per_sample must hold at least one loss, got shape {losses.shape}")
    losses32 = keras.ops.convert_to_tensor(losses, dtype="float32")
    if sample_weight is None:
        return keras.ops.sum(losses32) / losses.size
    weights = _as_float_array(sample_weight, "sample_weight")
    losses, weights = _align_trailing_axis(losses, weights)
    if weights.shape != losses.shape:
        raise ValueError(f"sample_weight of shape {weights.shape} does not fit per_sample of shape {losses.shape}")
    product = keras.ops.convert_to_tensor(losses, dtype="float32") * keras.ops.convert_to_tensor(weights, "float32")
    return keras.ops.sum(product) / losses.size
