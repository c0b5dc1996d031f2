"""Realistic student mistakes, one per case, for the golden corpus (tests/test_mistake_corpus.py).

Each mistake is written as a student would write it from the exercise's docstring, not taken from
grading/mutants. ``source`` is appended to the reference module of the topic, so it replaces the
one function (``alone`` cases change the module as a whole and are graded on their own).
What each case expects of the message the first failing visible test shows:

- ``what``: the locale key of its what-line (with ``what_values`` for keys that take some);
- ``facts``: the measured facts of this wrong answer, as they appear in the English message;
- ``misconception``: the catalogue misconception whose hint must be shown, or None where none fits
  (then ``why`` says why, and the message must point to ``keraskit hint ID`` or give no hint at all
  for a failure that is not about the exercise's method: ``no_hint``).
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Mistake:
    id: str
    exercise: str
    source: str
    what: str
    facts: tuple[str, ...] = ()
    misconception: str | None = None
    why: str | None = None  # why no misconception fits
    no_hint: bool = False  # not about the method: neither a hint nor `keraskit hint`
    alone: bool = False  # the mistake breaks the whole module: graded in a run of its own
    what_values: dict = field(default_factory=dict)
    env: dict = field(default_factory=dict)
    xfail: str | None = None
    test: str | None = None  # the failing test whose message is checked (a part of its name); default: the first

    @property
    def topic(self) -> str:
        return self.exercise.split(".")[0]


MISTAKES = [
    # ------------------------------------------------------------------ tensors
    Mistake("tail-trains-on-all-rows", "tensors.split_validation_tail", '''
def split_validation_tail(x, y, start):
    if not 0 < start < len(x):
        raise ValueError("start must leave both parts non-empty")
    return (x, y), (x[start:], y[start:])   # the book: fit on everything, validate on the tail
''', "what.shape", ('in result[0][0] (x_train):', 'shape: expected (300, 13), got (404, 13)'), "tail-rows-overlap"),
    Mistake("standardize-ddof-1", "tensors.standardize", '''
def standardize(x):
    x = np.asarray(x, dtype=float)
    if x.ndim not in (1, 2):
        raise ValueError("x must be 1-d or 2-d")
    column = x.ndim == 1
    if column:
        x = x[:, None]
    constant = x.max(axis=0) == x.min(axis=0)
    std = np.where(constant, 1.0, x.std(axis=0, ddof=1))
    out = np.where(constant, 0.0, (x - x.mean(axis=0)) / std)
    return out[:, 0] if column else out
''', "kind.values", ('first difference at index (0, 0): expected -1.22474487, got -1.',), "standardize-sample-std"),
    Mistake("normalize-whole-array", "tensors.normalize", '''
def normalize(x):
    x = np.asarray(x, dtype=float)
    if x.ndim not in (1, 2):
        raise ValueError("x must be 1-d or 2-d")
    low, high = x.min(), x.max()
    if high == low:
        return np.zeros_like(x)
    return (x - low) / (high - low)
''', "kind.values", ('first difference at index (0, 0): expected 0., got 0.32432432',), "normalize-not-per-column"),
    Mistake("image-shape-list", "tensors.image_batch_shape", '''
def image_batch_shape(n_images, height, width, channels=3):
    for name, size in (("n_images", n_images), ("height", height), ("width", width), ("channels", channels)):
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size <= 0:
            raise ValueError(f"{name} must be a positive integer")
    return [n_images, height, width, channels]
''', "kind.type", ('expected: (100, 512, 512, 3)', 'got:      [100, 512, 512, 3]'), "image-batch-list-not-tuple"),
    Mistake("samples-first-swapaxes", "tensors.samples_first", '''
def samples_first(x, sample_axis):
    x = np.asarray(x)
    if not -x.ndim <= sample_axis < x.ndim:
        raise ValueError(f"sample_axis {sample_axis} is out of range")
    return np.swapaxes(x, sample_axis, 0)
''', "what.shape", ('shape: expected (5, 8, 6, 3), got (5, 6, 3, 8)',), "samples-first-swaps-axes"),
    Mistake("fit-standardizer-no-return", "tensors.fit_standardizer", '''
def fit_standardizer(x_train):
    x_train = np.asarray(x_train, dtype=float)
    if x_train.ndim != 2 or len(x_train) == 0:
        raise ValueError("x_train must be 2-d with rows")
    mean = x_train.mean(axis=0)
    std = x_train.std(axis=0)
    std[x_train.max(axis=0) == x_train.min(axis=0)] = 1.0
''', "what.none",
    ('TypeError: cannot unpack non-iterable NoneType object',),
    None, why="no misconception is about a forgotten return: the what-line teaches it"),
    Mistake("scipy-zscore", "tensors.standardize", '''
def standardize(x):
    from scipy.stats import zscore
    return zscore(np.asarray(x, dtype=float), axis=0)
''', "imports.foreign", (), None, why="the import rule is not the exercise's method", no_hint=True,
            alone=True, what_values={"file": "tensors.py", "packages": "scipy"}),
    Mistake("apply-standardizer-unnamed", "tensors.apply_standardizer", '''
def apply_standardizer(x, mean, std):
    x, mean, std = np.asarray(x, dtype=float), np.asarray(mean, dtype=float), np.asarray(std, dtype=float)
    if mean.shape != (x.shape[-1],) or std.shape != (x.shape[-1],):
        raise ValueError("the shapes do not match")
    if np.any(std <= 0):
        raise ValueError("the statistics must be positive")
    return (x - mean) / std
''', "kind.wrong_error", ("the ValueError should name `mean`; its message was: 'the shapes do not match'",),
    "apply-standardizer-shapes-unchecked"),
    # ------------------------------------------------------------------ encoding
    Mistake("decode-missing-colon", "encoding.decode_one_hot", '''
def decode_one_hot(matrix)
    return np.argmax(np.asarray(matrix), axis=1)
''', "what.import_failed", ("does not import: SyntaxError: expected ':' (encoding.py, line",),
    None, why="a module that does not import is not about the method",
            no_hint=True, alone=True),
    Mistake("one-hot-int-dtype", "encoding.one_hot", '''
def one_hot(labels, num_classes=None):
    labels = _label_vector(labels)       # the checks, as in the reference
    num_classes = _class_count(labels, num_classes)
    return np.eye(num_classes, dtype=int)[labels]
''', "kind.dtype", ('dtype: expected float64 / float32, got int64',), "one-hot-int-matrix"),
    Mistake("one-hot-max-classes", "encoding.one_hot", '''
def one_hot(labels, num_classes=None):
    labels = np.asarray(labels).reshape(-1).astype(int)
    if num_classes is None:
        num_classes = int(labels.max())          # forgets the + 1 for class 0
    matrix = np.zeros((len(labels), num_classes))
    matrix[np.arange(len(labels)), labels] = 1.0
    return matrix
''', "kind.crash",
    ('raised:   IndexError: index 1 is out of bounds for axis 1 with size 1',),
    "one-hot-default-classes"),
    Mistake("decode-axis-0", "encoding.decode_one_hot", '''
def decode_one_hot(matrix):
    matrix = np.asarray(matrix)
    if matrix.ndim != 2 or matrix.shape[1] == 0:
        raise ValueError("matrix must be 2-d with at least one column")
    return np.argmax(matrix, axis=0)
''', "what.shape", ('shape: expected (2,), got (3,)', 'got:      [1, 0, 1]'), "decode-wrong-axis"),
    Mistake("binary-encode-booleans", "encoding.binary_encode", '''
def binary_encode(values, positive):
    values = np.asarray(values)
    if len(np.unique(values)) > 2:
        raise ValueError("values must have at most two distinct values")
    if positive not in values:
        raise ValueError(f"positive {positive!r} does not occur")
    return values == positive
''', "kind.dtype", ('got numpy.ndarray of dtype bool',), "binary-encode-booleans"),
    Mistake("categories-np-unique", "encoding.one_hot_categories", '''
def one_hot_categories(values, categories=None):
    if categories is None:
        categories = np.unique(values)
    elif len(set(categories)) != len(categories):
        raise ValueError("categories must not repeat")
    matrix = np.zeros((len(values), len(categories)))
    for i, value in enumerate(values):
        if value not in list(categories):
            raise ValueError(f"unknown value {value!r}")
        matrix[i, list(categories).index(value)] = 1.0
    return matrix, categories
''', "kind.type", ('in result[1] (categories):', 'type: expected list, got ndarray'), "categories-np-unique"),
    # ------------------------------------------------------------------ activations
    Mistake("sigmoid-naive", "activations.sigmoid", '''
def sigmoid(z):
    return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))
''', "kind.warning", ("RuntimeWarning: 'overflow encountered in exp'",), "sigmoid-overflow"),
    Mistake("softmax-no-shift", "activations.softmax", '''
def softmax(z, axis=-1):
    e = np.exp(np.asarray(z, dtype=float))
    return e / e.sum(axis=axis, keepdims=True)
''', "kind.nonfinite", ('2 of 6 positions, first at index (1, 0) (nan)',), "softmax-overflow"),
    Mistake("relu-derivative-ge", "activations.relu_derivative", '''
def relu_derivative(z):
    return np.where(np.asarray(z, dtype=float) >= 0, 1.0, 0.0)
''', "kind.values", ('first difference at index (3,): expected 0., got 1.',), "relu-derivative-at-zero"),
    Mistake("weighted-sum-no-bias", "activations.weighted_sum", '''
def weighted_sum(x, w, b):
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    if x.shape[-1] != w.shape[0]:
        raise ValueError("w does not fit x")
    z = x @ w
    return float(z) if x.ndim == 1 else z
''', "what.scalar", ('expected: 5.', 'got:      4.5'), "weighted-sum-no-bias"),
    Mistake("elu-exp-everything", "activations.elu", '''
def elu(z, alpha=1.0):
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, alpha * (np.exp(z) - 1))
''', "kind.warning", ("RuntimeWarning: 'overflow encountered in exp'",), "elu-overflow"),
    Mistake("dense-softmax-axis-0", "activations.dense_forward", '''
def dense_forward(x, kernel, bias, activation=None):
    z = np.asarray(x, dtype=float) @ np.asarray(kernel, dtype=float) + np.asarray(bias, dtype=float)
    if activation in (None, "linear"):
        return z
    if activation == "relu":
        return np.maximum(z, 0)
    if activation == "sigmoid":
        return _stable_sigmoid(z)
    if activation == "tanh":
        return np.tanh(z)
    if activation == "softmax":
        e = np.exp(z - z.max(axis=0))
        return e / e.sum(axis=0)
    raise ValueError(f"unknown activation {activation!r}")
''', "kind.values",
    ('first difference at index (0, 0): expected 0.84535006, got 0.92414182',),
    "dense-forward-softmax-axis"),
    Mistake("swish-typo", "activations.swish", '''
def swish(z):
    z = np.asarray(z, dtype=float)
    return z * sigmod(z)
''', "kind.crash", ("raised:   NameError: name 'sigmod' is not defined", 'in swish: return z * sigmod(z)'), None,
            why="a typo is no misconception of the method: the what-line and the raised line teach it"),
    Mistake("collapse-kernel-order", "activations.collapse_linear", '''
def collapse_linear(kernels, biases):
    if len(kernels) != len(biases) or not kernels:
        raise ValueError("kernels and biases must be non-empty lists of the same length")
    kernel, bias = np.asarray(kernels[0], dtype=float), np.asarray(biases[0], dtype=float)
    for k, b in zip(kernels[1:], biases[1:]):
        k = np.asarray(k, dtype=float)
        kernel = k @ kernel if k.shape[1] == kernel.shape[0] else kernel @ k
        bias = bias @ k + np.asarray(b, dtype=float)
    return kernel, bias
''', "what.shape", ('in result[0] (kernel):', 'shape: expected (1, 1), got (2, 2)'), "collapse-kernel-order"),
    # ------------------------------------------------------------------ losses
    Mistake("mse-column-broadcast", "losses.mean_squared_error", '''
def mean_squared_error(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    return np.mean((y_true - y_pred) ** 2, axis=-1)
''', "kind.values", ('first difference at index (0,): expected 1., got 35.55',), "mse-broadcast-table"),
    Mistake("mae-book-sum", "losses.mean_absolute_error", '''
def mean_absolute_error(y_true, y_pred):
    y_true, y_pred = _matched_float_arrays(y_true, y_pred)
    return np.sum(np.abs(y_true - y_pred), axis=-1)
''', "kind.values", ('expected: [0.75]', 'got:      [3.]'), "mae-book-sum"),
    Mistake("bce-book-formula", "losses.binary_crossentropy", '''
def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0):
    y_true, y_pred = _matched_float_arrays(y_true, y_pred)
    p = np.clip(y_pred, 1e-7, 1 - 1e-7)
    return np.mean(y_true * np.log2(p) + (1 - y_true) * np.log2(1 - p), axis=-1)
''', "kind.values", ('expected: [0.27977656]', 'got:      [-0.40363226]'), "bce-log-and-sign"),
    Mistake("mape-no-eps", "losses.mean_absolute_percentage_error", '''
def mean_absolute_percentage_error(y_true, y_pred):
    y_true, y_pred = _matched_float_arrays(y_true, y_pred)
    return 100 * np.mean(np.abs(y_true - y_pred) / np.abs(y_true), axis=-1)
''', "kind.nonfinite", ('expected: [75.]', 'got:      [inf]'), "mape-zero-target"),
    Mistake("reduce-by-weight-sum", "losses.reduce_loss", '''
def reduce_loss(per_sample, sample_weight=None):
    losses = np.asarray(per_sample, dtype=float)
    if losses.size == 0:
        raise ValueError("per_sample is empty")
    if sample_weight is None:
        return float(losses.mean())
    w = np.asarray(sample_weight, dtype=float).reshape(losses.shape)
    return float(np.sum(losses * w) / np.sum(w))
''', "what.scalar",
    ('expected: 3.33333333', 'got:      2.5'),
    "reduce-loss-divisor", test="divides_by_the_number_of_losses"),
    Mistake("scce-no-label-check", "losses.sparse_categorical_crossentropy", '''
def sparse_categorical_crossentropy(y_true, y_pred):
    p = np.clip(np.asarray(y_pred, dtype=float), 1e-7, 1 - 1e-7)
    labels = np.asarray(y_true).reshape(-1).astype(int)
    chosen = p[np.arange(len(labels)), labels]
    return -np.log(chosen) + np.log(p.sum(axis=-1))
''', "kind.wrong_error",
    ("got IndexError: 'index 3 is out of bounds for axis 1 with size 3'",),
    "scce-labels-unchecked"),
    # ------------------------------------------------------------------ optimizers
    Mistake("iterations-plus-one", "optimizers.iterations_per_epoch", '''
def iterations_per_epoch(n_samples, batch_size):
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    return n_samples // batch_size + 1
''', "what.scalar",
    ('called:   optimizers.iterations_per_epoch(512, 64)', 'expected: 8', 'got:      9'),
    "iterations-ceiling"),
    Mistake("iterations-endless-loop", "optimizers.iterations_per_epoch", '''
def iterations_per_epoch(n_samples, batch_size):
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    count, seen = 0, 0
    while seen != n_samples:   # never equal when the last batch is smaller
        seen += batch_size
        count += 1
    return count
''', "calllimit.timed_out",
    ('in iterations_per_epoch: while seen != n_samples:',),
    None, why="a stopped call is not about the method",
            no_hint=True, alone=True, what_values={"seconds": "0.5"}, env={"KERASKIT_CALL_LIMIT": "0.5"}),
    Mistake("batch-slices-lists", "optimizers.batch_slices", '''
def batch_slices(n_samples, batch_size):
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    return [[start, min(start + batch_size, n_samples)] for start in range(0, n_samples, batch_size)]
''', "kind.type", ('first difference at result[0]: expected (0, 2), got [0, 2]',), "batch-slices-tuples"),
    Mistake("adam-eps-in-sqrt", "optimizers.adam_step", '''
def adam_step(w, grad, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    w, grad = np.asarray(w, dtype=float), np.asarray(grad, dtype=float)
    if t < 1:
        raise ValueError("t must be >= 1")
    m = beta_1 * np.asarray(m, dtype=float) + (1 - beta_1) * grad
    v = beta_2 * np.asarray(v, dtype=float) + (1 - beta_2) * grad ** 2
    alpha = learning_rate * np.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
    return w - alpha * m / np.sqrt(v + epsilon), m, v
''', "kind.values",
    ('in result[0] (new_w):', 'first difference at index (0,): expected -0.09693401, got -0.00099995'),
    "adam-step-size"),
    Mistake("gradients-no-two", "optimizers.linear_regression_gradients", '''
def linear_regression_gradients(x, y, w, b):
    x, y, w = np.asarray(x, dtype=float), np.asarray(y, dtype=float).reshape(-1), np.asarray(w, dtype=float)
    error = x @ w + b - y
    return x.T @ error / len(x), float(np.mean(error))
''', "kind.values", ('in result[0] (dw):', 'expected: [-18.66666667]', 'got:      [-9.33333333]'), "gradients-factors"),
    Mistake("decay-no-one", "optimizers.inverse_time_decay", '''
def inverse_time_decay(initial_learning_rate, decay, iteration):
    if decay < 0 or iteration < 0:
        raise ValueError("decay and iteration must be >= 0")
    return initial_learning_rate / (decay * iteration)
''', "kind.crash", ('raised:   ZeroDivisionError: float division by zero',), "inverse-time-formula"),
    Mistake("sgd-keras2-velocity", "optimizers.sgd_step", '''
def sgd_step(w, grad, velocity, learning_rate=0.01, momentum=0.0, nesterov=False):
    w, grad = np.asarray(w, dtype=float), np.asarray(grad, dtype=float)
    if not 0 <= momentum <= 1:
        raise ValueError("momentum must be in [0, 1]")
    if momentum == 0:
        return w - learning_rate * grad, velocity
    velocity = momentum * np.asarray(velocity, dtype=float) + learning_rate * grad
    if nesterov:
        return w - momentum * velocity - learning_rate * grad, velocity
    return w - velocity, velocity
''', "kind.values",
    ('in result[0] (new_w):', 'first difference at index (0,): expected 1.21999999, got 0.68'),
    "sgd-velocity-convention"),
    # ------------------------------------------------------------------ metrics
    Mistake("binary-accuracy-ge", "metrics.binary_accuracy", '''
def binary_accuracy(y_true, y_pred, threshold=0.5):
    y_true, y_pred = _matched(y_true, y_pred)
    if y_true.size == 0:
        raise ValueError("no samples")
    return float(np.mean(y_true == (y_pred >= threshold)))
''', "what.check", ('binary_accuracy([0, 0], [0.5, 0.5]) should be 1.0, got 0.0',), "binary-accuracy-strict-threshold"),
    Mistake("confusion-numpy-ints", "metrics.confusion_counts", '''
def confusion_counts(y_true, y_pred_labels):
    y_true, y_pred = _matched(y_true, y_pred_labels, pred_name="y_pred_labels")
    for name, labels in (("y_true", y_true), ("y_pred_labels", y_pred)):
        if not np.all((labels == 0) | (labels == 1)):
            raise ValueError(f"{name} must hold only 0/1 labels")
    return {"tp": np.sum((y_true == 1) & (y_pred == 1)), "fp": np.sum((y_true == 0) & (y_pred == 1)),
            "tn": np.sum((y_true == 0) & (y_pred == 0)), "fn": np.sum((y_true == 1) & (y_pred == 0))}
''', "kind.type", ("{'tp': 'int64', 'fp': 'int64', 'tn': 'int64', 'fn': 'int64'}",), "confusion-python-ints"),
    Mistake("categorical-accuracy-round", "metrics.categorical_accuracy", '''
def categorical_accuracy(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != y_pred.shape or y_pred.ndim < 2 or y_pred.size == 0:
        raise ValueError("y_true and y_pred must be (n, k) of one shape")
    return float(np.mean(y_true == np.round(y_pred)))
''', "what.scalar", ('expected: 0.75', 'got:      0.83333333'), "categorical-accuracy-elementwise"),
    Mistake("predict-labels-booleans", "metrics.predict_labels", '''
def predict_labels(probabilities, threshold=0.5):
    p = np.asarray(probabilities, dtype=float)
    if not np.all((p >= 0) & (p <= 1)) or not 0 <= threshold <= 1:
        raise ValueError("probabilities and threshold must lie in [0, 1]")
    return p > threshold
''', "kind.dtype", ('got numpy.ndarray of dtype bool',), "predict-labels-booleans"),
    Mistake("sparse-accuracy-column", "metrics.sparse_categorical_accuracy", '''
def sparse_categorical_accuracy(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if len(y_true) != len(y_pred) or len(y_true) == 0:
        raise ValueError("y_true and y_pred must have the same number of samples")
    return float(np.mean(y_true == np.argmax(y_pred, axis=1)))
''', "what.scalar", ('expected: 1.', 'got:      0.55555556'), "sparse-accuracy-labels"),
    Mistake("confusion-unnamed-error", "metrics.confusion_counts", '''
def confusion_counts(y_true, y_pred_labels):
    y_true, y_pred = _matched(y_true, y_pred_labels, pred_name="y_pred_labels")
    assert set(np.unique(y_true)) <= {0, 1} and set(np.unique(y_pred)) <= {0, 1}, "labels must be 0 or 1"
    truth, guess = y_true == 1, y_pred == 1
    return {"tp": int(np.sum(truth & guess)), "fp": int(np.sum(~truth & guess)),
            "tn": int(np.sum(~truth & ~guess)), "fn": int(np.sum(truth & ~guess))}
''', "kind.wrong_error", ("got AssertionError: 'labels must be 0 or 1'",), "confusion-labels-unchecked"),
]

# The Keras topics build or train models: graded in the slow tier only.
KERAS_MISTAKES = [
    Mistake("single-layer-relu-in-dense", "models.build_single_layer", '''
def build_single_layer(input_dim=15, units=10):
    return keras.Sequential([keras.Input(shape=(input_dim,)), keras.layers.Dense(units, activation="relu")])
''', "kind.structure", (), "single-layer-activation-layer"),
    Mistake("param-count-no-biases", "models.dense_param_count", '''
def dense_param_count(input_dim, layer_sizes, use_bias=True):
    total, fan_in = 0, input_dim
    for units in layer_sizes:
        total += fan_in * units
        fan_in = units
    return total
''', "what.scalar", ("expected: 171", "got:      160"), "param-count-biases"),
    Mistake("compile-no-return", "models.compile_for_task", '''
def compile_for_task(model, task):
    if task not in _TASKS:
        raise ValueError(f"task must be one of {sorted(_TASKS)}, got {task!r}")
    loss, metric = _TASKS[task]
    model.compile(optimizer="adam", loss=loss, metrics=[metric])
''', "what.none", (), "compile-task-returns-none"),
    Mistake("train-progress-bar", "training.train", '''
def train(model, x_train, y_train, x_val, y_val, epochs, batch_size, seed=0):
    keras.utils.set_random_seed(seed)
    history = model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=epochs, batch_size=batch_size)
    return history.history
''', "what.progress", (), "train-verbose"),
    Mistake("gap-train-minus-val", "training.overfitting_gap", '''
def overfitting_gap(history, metric="loss"):
    history = getattr(history, "history", history)
    for key in (metric, "val_" + metric):
        if key not in history or not history[key]:
            raise ValueError(f"history has no {key!r}; available keys: {list(history)}")
    return history[metric][-1] - history["val_" + metric][-1]
''', "what.scalar", (), "gap-last-val-minus-train"),
]
