"""Wrong and right answers for metrics.py, each graded by the hidden suite (see kitdev.mutation).

Each variant replaces one function of the reference module, so it may use that module's imports
(numpy) and helpers (_numeric, _matched, _number).
"""

from kitdev.mutation import right, wrong

# ---------------------------------------------------------------- binary_accuracy


@wrong("metrics.binary_accuracy", ">= instead of > at the threshold", misconception="binary-accuracy-strict-threshold")
def binary_accuracy(y_true, y_pred, threshold=0.5):
    y_true, y_pred = _matched(y_true, y_pred)
    return float(np.mean(y_true == (y_pred >= _number(threshold, "threshold"))))


@wrong("metrics.binary_accuracy", "labels (n,) against predictions (n, 1) broadcast to (n, n)",
       misconception="binary-accuracy-broadcast-table")
def binary_accuracy(y_true, y_pred, threshold=0.5):
    y_true, y_pred = _numeric(y_true, "y_true"), _numeric(y_pred, "y_pred")
    if len(y_true) != len(y_pred):
        raise ValueError("y_true and y_pred differ in length")
    return float(np.mean(y_true == (y_pred > _number(threshold, "threshold"))))


@wrong("metrics.binary_accuracy", "rounds the predictions: the threshold is ignored",
       misconception="binary-accuracy-rounds")
def binary_accuracy(y_true, y_pred, threshold=0.5):
    y_true, y_pred = _matched(y_true, y_pred)
    _number(threshold, "threshold")
    return float(np.mean(y_true == np.round(y_pred)))


@wrong("metrics.binary_accuracy", "the number of hits, not the fraction", misconception="binary-accuracy-count")
def binary_accuracy(y_true, y_pred, threshold=0.5):
    y_true, y_pred = _matched(y_true, y_pred)
    return float(np.sum(y_true == (y_pred > _number(threshold, "threshold"))))


@wrong("metrics.binary_accuracy", "no check for no elements: the mean of nothing is nan, with a warning",
       misconception="binary-accuracy-empty-unchecked")
def binary_accuracy(y_true, y_pred, threshold=0.5):
    y_true, y_pred = _matched(y_true, y_pred)
    return float(np.mean(y_true == (y_pred > _number(threshold, "threshold"))))


@right("metrics.binary_accuracy", "count_nonzero over the flattened arrays")
def binary_accuracy(y_true, y_pred, threshold=0.5):
    y_true, y_pred = _matched(y_true, y_pred)
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)):
        raise ValueError("threshold must be a number")
    if y_true.size == 0:
        raise ValueError("y_true and y_pred hold no elements")
    predicted = np.where(y_pred.ravel() > threshold, 1.0, 0.0)
    return np.count_nonzero(predicted == y_true.ravel()) / y_true.size


# ---------------------------------------------------------------- categorical_accuracy

@wrong("metrics.categorical_accuracy", "the last index wins a tie", misconception="categorical-accuracy-argmax")
def categorical_accuracy(y_true, y_pred):
    y_true, y_pred = _numeric(y_true, "y_true"), _numeric(y_pred, "y_pred")
    if y_true.shape != y_pred.shape or y_pred.ndim != 2:
        raise ValueError("y_true and y_pred must have the same (n, k) shape")
    last = y_pred.shape[1] - 1 - np.argmax(y_pred[:, ::-1], axis=1)
    return float(np.mean(np.argmax(y_true, axis=1) == last))


@wrong("metrics.categorical_accuracy", "argmax over the wrong axis (samples instead of classes)",
       misconception="categorical-accuracy-argmax")
def categorical_accuracy(y_true, y_pred):
    y_true, y_pred = _numeric(y_true, "y_true"), _numeric(y_pred, "y_pred")
    if y_true.shape != y_pred.shape or y_pred.ndim != 2:
        raise ValueError("y_true and y_pred must have the same (n, k) shape")
    return float(np.mean(np.argmax(y_true, axis=0) == np.argmax(y_pred, axis=0)))


@wrong("metrics.categorical_accuracy", "compares every element like binary accuracy",
       misconception="categorical-accuracy-elementwise")
def categorical_accuracy(y_true, y_pred):
    y_true, y_pred = _numeric(y_true, "y_true"), _numeric(y_pred, "y_pred")
    if y_true.shape != y_pred.shape:
        raise ValueError("y_true and y_pred must have the same shape")
    return float(np.mean(y_true == (y_pred > 0.5)))


@wrong("metrics.categorical_accuracy", "no shape check: a class count mismatch passes silently",
       misconception="categorical-accuracy-argmax")
def categorical_accuracy(y_true, y_pred):
    y_true, y_pred = _numeric(y_true, "y_true"), _numeric(y_pred, "y_pred")
    if len(y_true) != len(y_pred):
        raise ValueError("y_true and y_pred differ in length")
    return float(np.mean(np.argmax(y_true, axis=-1) == np.argmax(y_pred, axis=-1)))


@right("metrics.categorical_accuracy", "a loop that keeps the first maximum of each row")
def categorical_accuracy(y_true, y_pred):
    y_true, y_pred = _numeric(y_true, "y_true"), _numeric(y_pred, "y_pred")
    if y_true.shape != y_pred.shape or y_pred.ndim != 2:
        raise ValueError("y_true and y_pred must have the same (n, k) shape")

    def first_max(row):
        best = 0
        for i, value in enumerate(row):
            if value > row[best]:
                best = i
        return best

    hits = sum(first_max(t) == first_max(p) for t, p in zip(y_true, y_pred))
    return hits / len(y_true)


# ---------------------------------------------------------------- sparse_categorical_accuracy

@wrong("metrics.sparse_categorical_accuracy", "labels (n, 1) broadcast against (n,) predictions",
       misconception="sparse-accuracy-labels")
def sparse_categorical_accuracy(y_true, y_pred):
    y_true, y_pred = _numeric(y_true, "y_true"), _numeric(y_pred, "y_pred")
    if len(y_true) != len(y_pred):
        raise ValueError("y_true must have one label per row of y_pred")
    return float(np.mean(y_true == np.argmax(y_pred, axis=1)))


@wrong("metrics.sparse_categorical_accuracy", "the last index wins a tie", misconception="sparse-accuracy-tie")
def sparse_categorical_accuracy(y_true, y_pred):
    y_true, y_pred = _numeric(y_true, "y_true").reshape(-1), _numeric(y_pred, "y_pred")
    if y_pred.ndim != 2 or y_true.shape != (len(y_pred),):
        raise ValueError("y_true must have one label per row of y_pred")
    last = y_pred.shape[1] - 1 - np.argmax(y_pred[:, ::-1], axis=1)
    return float(np.mean(y_true == last))


@wrong("metrics.sparse_categorical_accuracy", "a labels count that differs from the rows is not checked",
       misconception="sparse-accuracy-labels")
def sparse_categorical_accuracy(y_true, y_pred):
    y_true, y_pred = _numeric(y_true, "y_true").reshape(-1), _numeric(y_pred, "y_pred")
    predicted = np.argmax(y_pred, axis=1)
    n = min(len(y_true), len(predicted))
    return float(np.mean(y_true[:n] == predicted[:n]))


@right("metrics.sparse_categorical_accuracy", "one-hot the labels and reuse the categorical rule")
def sparse_categorical_accuracy(y_true, y_pred):
    y_pred = _numeric(y_pred, "y_pred")
    labels = _numeric(y_true, "y_true")
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels.ravel()
    if y_pred.ndim != 2 or labels.shape != (len(y_pred),):
        raise ValueError("y_true must be (n,) or (n, 1) to match the rows of y_pred")
    if np.any(labels != np.floor(labels)):
        raise ValueError("y_true must hold whole class numbers")
    in_range = (labels >= 0) & (labels < y_pred.shape[1]) & (labels == np.floor(labels))
    hits = np.zeros(len(labels), dtype=bool)
    rows = np.flatnonzero(in_range)
    hits[rows] = np.argmax(y_pred[rows], axis=1) == labels[rows].astype(int)
    return float(hits.mean())  # a label outside the classes is a miss, as Keras counts it


# ---------------------------------------------------------------- predict_labels

@wrong("metrics.predict_labels", ">= instead of > at the threshold", misconception="predict-labels-threshold")
def predict_labels(probabilities, threshold=0.5):
    probabilities = _numeric(probabilities, "probabilities")
    if not np.all((probabilities >= 0) & (probabilities <= 1)):
        raise ValueError("probabilities must lie in [0, 1]")
    if not 0 <= _number(threshold, "threshold") <= 1:
        raise ValueError("threshold must lie in [0, 1]")
    return (probabilities >= threshold).astype(np.int64)


@wrong("metrics.predict_labels", "returns booleans instead of 0/1 integers", misconception="predict-labels-booleans")
def predict_labels(probabilities, threshold=0.5):
    probabilities = _numeric(probabilities, "probabilities")
    if not np.all((probabilities >= 0) & (probabilities <= 1)):
        raise ValueError("probabilities must lie in [0, 1]")
    if not 0 <= _number(threshold, "threshold") <= 1:
        raise ValueError("threshold must lie in [0, 1]")
    return probabilities > threshold


@wrong("metrics.predict_labels", "rounds the probabilities: the threshold is ignored",
       misconception="predict-labels-threshold")
def predict_labels(probabilities, threshold=0.5):
    probabilities = _numeric(probabilities, "probabilities")
    if not np.all((probabilities >= 0) & (probabilities <= 1)):
        raise ValueError("probabilities must lie in [0, 1]")
    if not 0 <= _number(threshold, "threshold") <= 1:
        raise ValueError("threshold must lie in [0, 1]")
    return np.round(probabilities).astype(np.int64)


@wrong("metrics.predict_labels", "no range check: NaN and 1.2 become labels",
       misconception="predict-labels-range-unchecked")
def predict_labels(probabilities, threshold=0.5):
    probabilities = _numeric(probabilities, "probabilities")
    if not 0 <= _number(threshold, "threshold") <= 1:
        raise ValueError("threshold must lie in [0, 1]")
    return (probabilities > threshold).astype(np.int64)


@right("metrics.predict_labels", "np.where with int32 labels")
def predict_labels(probabilities, threshold=0.5):
    p = np.array(probabilities, dtype=float)
    if np.isnan(p).any() or (p < 0).any() or (p > 1).any():
        raise ValueError("probabilities must lie in [0, 1]")
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 <= threshold <= 1:
        raise ValueError("threshold must be a number in [0, 1]")
    return np.where(p > threshold, 1, 0).astype(np.int32)


# ---------------------------------------------------------------- confusion_counts

@wrong("metrics.confusion_counts", "tp and fp swapped", misconception="confusion-boxes")
def confusion_counts(y_true, y_pred_labels):
    y_true, y_pred = _matched(y_true, y_pred_labels, pred_name="y_pred_labels")
    for name, labels in (("y_true", y_true), ("y_pred_labels", y_pred)):
        if not np.all((labels == 0) | (labels == 1)):
            raise ValueError(f"{name} must hold only 0/1 labels")
    return {"tp": int(np.sum((y_true == 0) & (y_pred == 1))), "fp": int(np.sum((y_true == 1) & (y_pred == 1))),
            "tn": int(np.sum((y_true == 0) & (y_pred == 0))), "fn": int(np.sum((y_true == 1) & (y_pred == 0)))}


@wrong("metrics.confusion_counts", "fp and fn swapped (truth and prediction confused)", misconception="confusion-boxes")
def confusion_counts(y_true, y_pred_labels):
    y_true, y_pred = _matched(y_true, y_pred_labels, pred_name="y_pred_labels")
    for name, labels in (("y_true", y_true), ("y_pred_labels", y_pred)):
        if not np.all((labels == 0) | (labels == 1)):
            raise ValueError(f"{name} must hold only 0/1 labels")
    return {"tp": int(np.sum((y_true == 1) & (y_pred == 1))), "fp": int(np.sum((y_true == 1) & (y_pred == 0))),
            "tn": int(np.sum((y_true == 0) & (y_pred == 0))), "fn": int(np.sum((y_true == 0) & (y_pred == 1)))}


@wrong("metrics.confusion_counts", "numpy integers instead of Python ints", misconception="confusion-python-ints")
def confusion_counts(y_true, y_pred_labels):
    y_true, y_pred = _matched(y_true, y_pred_labels, pred_name="y_pred_labels")
    for name, labels in (("y_true", y_true), ("y_pred_labels", y_pred)):
        if not np.all((labels == 0) | (labels == 1)):
            raise ValueError(f"{name} must hold only 0/1 labels")
    return {"tp": np.sum((y_true == 1) & (y_pred == 1)), "fp": np.sum((y_true == 0) & (y_pred == 1)),
            "tn": np.sum((y_true == 0) & (y_pred == 0)), "fn": np.sum((y_true == 1) & (y_pred == 0))}


@wrong("metrics.confusion_counts", "no label check: a 2 counts as a 1", misconception="confusion-labels-unchecked")
def confusion_counts(y_true, y_pred_labels):
    y_true, y_pred = _matched(y_true, y_pred_labels, pred_name="y_pred_labels")
    truth, guess = y_true > 0, y_pred > 0
    return {"tp": int(np.sum(truth & guess)), "fp": int(np.sum(~truth & guess)),
            "tn": int(np.sum(~truth & ~guess)), "fn": int(np.sum(truth & ~guess))}


@right("metrics.confusion_counts", "a loop over the pairs with a Counter")
def confusion_counts(y_true, y_pred_labels):
    from collections import Counter

    truth = np.asarray(y_true, dtype=float).reshape(-1)
    guess = np.asarray(y_pred_labels, dtype=float).reshape(-1)
    if np.ndim(y_pred_labels) > 1 and np.shape(y_pred_labels)[-1] != 1 or truth.shape != guess.shape:
        raise ValueError("y_pred_labels must have one label per y_true label")
    if not set(truth.tolist()) <= {0.0, 1.0}:
        raise ValueError("y_true must hold only 0/1 labels")
    if not set(guess.tolist()) <= {0.0, 1.0}:
        raise ValueError("y_pred_labels must hold only 0/1 labels")
    names = {(1.0, 1.0): "tp", (0.0, 1.0): "fp", (0.0, 0.0): "tn", (1.0, 0.0): "fn"}
    counts = Counter(names[pair] for pair in zip(truth.tolist(), guess.tolist()))
    return {key: counts.get(key, 0) for key in ("tp", "fp", "tn", "fn")}


@right("metrics.categorical_accuracy", "the docstring's Keras equivalent, keras.metrics.CategoricalAccuracy(), in float32")
def categorical_accuracy(y_true, y_pred):
    import keras

    y_true = _numeric(y_true, "y_true")
    y_pred = _numeric(y_pred, "y_pred")
    if y_pred.ndim < 2 or y_pred.shape[-1] == 0:
        raise ValueError(f"y_pred must be (n_samples, n_classes), got shape {y_pred.shape}")
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true shape {y_true.shape} does not match y_pred shape {y_pred.shape}")
    if y_pred.size == 0:
        raise ValueError("y_true and y_pred hold no samples")
    metric = keras.metrics.CategoricalAccuracy()
    metric.update_state(y_true, y_pred)
    return metric.result()
