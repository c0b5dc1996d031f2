"""Fitting, evaluating, predicting.

``model.fit`` runs the optimizer over the training data for a number of epochs, in mini-batches
of ``batch_size`` rows, and returns a ``History`` whose ``.history`` dict holds one value per
epoch for the loss and every metric (``val_``-prefixed for the validation data).
``model.evaluate`` scores a trained model on held-out data; ``model.predict`` returns its
outputs. Comparing training and validation scores shows overfitting. The chapter ends with the
Boston housing regression, done end to end.
Graded code may import only numpy, keras, tensorflow, the standard library and keraskit: the
grader provides nothing else (no scipy, pandas or scikit-learn), and ``pytest`` and
``keraskit check`` name a module that imports anything else before its tests run.
训练、评估与预测：fit 返回每个 epoch 的损失和指标，evaluate 给出测试成绩，predict 给出预测。
评分代码只能导入 numpy、keras、tensorflow、标准库和 keraskit；评分环境不提供其他包。
"""

import numbers

import keras
import numpy as np
import tensorflow as tf

from keraskit.datasets import load_boston_housing


def _positive_int(value, name):
    """Return ``value`` as an int if it is a positive integer (not a bool), else raise ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def _as_floats(history):
    """A History's dict with every value a plain Python float."""
    return {name: [float(value) for value in values] for name, values in history.items()}


def _boston_model(input_dim):
    """13 relu -> 6 relu -> 1, each kernel from its own RandomNormal(stddev=0.05); Adam, MSE, MAPE."""
    layers = [tf.keras.Input(shape=(input_dim,), dtype="float32")]
    for units, activation in ((13, "relu"), (6, "relu"), (1, None)):
        normal = tf.keras.initializers.RandomNormal(mean=0.0, stddev=0.05)
        layers.append(tf.keras.layers.Dense(units, activation=activation, kernel_initializer=normal))
    model = tf.keras.Sequential(layers)
    model.compile(optimizer=tf.keras.optimizers.Adam(), loss="mean_squared_error",
                  metrics=["mean_absolute_percentage_error"])
    return model


def train(model, x_train, y_train, x_val, y_val, epochs, batch_size, seed=0):
    """Train a compiled ``model`` and return its History's dict, without printing anything.

    Seed every random generator first with ``keras.utils.set_random_seed(seed)`` (Python,
    numpy and the backend), so the shuffling of the batches is the same on every run; then fit
    for ``epochs`` epochs in batches of ``batch_size``, scoring ``(x_val, y_val)`` after each
    epoch. The result maps "loss", "val_loss" and one pair per metric (e.g. "accuracy",
    "val_accuracy") to lists of one float per epoch. ``verbose=0`` keeps the progress bar off.
    ``epochs`` or ``batch_size`` not a positive integer -> ValueError naming it.
    Keras 3: ``model.fit(x, y, validation_data=(x_val, y_val), epochs=..., batch_size=..., verbose=0).history``.

    中文：先用 keras.utils.set_random_seed 固定随机种子，再用验证数据训练，返回 History 的字典，不打印进度条。
    """
    epochs = _positive_int(epochs, "epochs")
    batch_size = _positive_int(batch_size, "batch_size")
    tf.keras.utils.set_random_seed(seed)
    fitted = model.fit(x_train, y_train, validation_data=(x_val, y_val),
                       epochs=epochs, batch_size=batch_size, verbose=0)
    return _as_floats(fitted.history)


def evaluate_named(model, x, y):
    """Return ``{name: value}`` for the loss and every compiled metric of ``model`` on ``(x, y)``.

    The book prints ``zip(model.metrics_names, model.evaluate(x, y))``; on Keras 3
    ``metrics_names`` is ``["loss", "compile_metrics"]``, so the metric comes out under the
    wrong name (and with no metrics, ``evaluate`` returns a bare number, not a list). Keras 3
    names each result itself: "loss", then each metric under its own name ("accuracy", "mae",
    "mean_absolute_percentage_error" ...). Values are Python floats; nothing is printed.
    Keras 3: ``model.evaluate(x, y, verbose=0, return_dict=True)``.

    中文：返回 {名称: 数值}，包含损失和每个编译时指定的指标（Keras 3 中 metrics_names 不再可用）。
    """
    scores = model.evaluate(x, y, verbose=0, return_dict=True)
    return {name: float(tf.convert_to_tensor(value)) for name, value in scores.items()}


def predict_classes(model, x, threshold=0.5):
    """Return the model's predicted probabilities turned into 0/1 integers.

    A sigmoid output is the probability of class 1; a prediction is 1 where that probability is
    strictly above ``threshold``, else 0 (Keras 2's ``predict_classes`` used ``> 0.5``; Keras 3
    removed the method). The result is an int array of the shape of the model's output, e.g.
    (n, 1) for one sigmoid neuron. ``threshold`` outside [0, 1] -> ValueError naming it.
    Keras 3: ``(model.predict(x, verbose=0) > threshold).astype("int32")``.

    中文：把模型输出的概率按阈值（严格大于）转换为 0/1 整数，形状与模型输出相同。
    """
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real) or not 0 <= threshold <= 1:
        raise ValueError(f"threshold must be a number in [0, 1], got {threshold!r}")
    probabilities = tf.convert_to_tensor(model.predict(x, verbose=0), dtype=tf.float32)
    above = tf.greater(probabilities, tf.constant(threshold, dtype=tf.float32))
    return tf.cast(above, tf.int32).numpy()


def overfitting_gap(history, metric="loss"):
    """Return the last epoch's validation value minus its training value of ``metric``.

    ``history`` is a History's dict (or the History itself). A validation loss well above the
    training loss means the model learned the training rows rather than the pattern: it
    overfits. For an accuracy the gap is negative when it overfits. A missing ``metric`` or
    ``"val_" + metric`` key -> ValueError that lists the keys there are (e.g. a model trained
    without validation data has no "val_" keys); an empty list -> ValueError.
    Keras 3: ``h = model.fit(...).history; h["val_loss"][-1] - h["loss"][-1]``.

    中文：过拟合差距：最后一个 epoch 的验证值减去训练值；键不存在时抛出 ValueError 并列出已有的键。
    """
    if isinstance(history, tf.keras.callbacks.History):
        history = history.history
    keys = sorted(history)
    for key in (metric, "val_" + metric):
        if key not in history:
            raise ValueError(f"history has no key {key!r}; the keys there are: {keys}")
        if len(history[key]) == 0:
            raise ValueError(f"history[{key!r}] is empty: no epoch was recorded")
    return float(history["val_" + metric][-1]) - float(history[metric][-1])


def boston_experiment(epochs=30, batch_size=32, seed=0):
    """Run the chapter's Boston housing regression end to end and return its scores.

    Load the data with ``keraskit.datasets.load_boston_housing()`` (offline; the same split as
    ``keras.datasets.boston_housing.load_data()``: 404 training rows, 102 test rows). Seed with
    ``keras.utils.set_random_seed(seed)`` before building, so the initial weights repeat too
    (seeding again right before ``fit``, e.g. through ``train``, changes nothing).
    Build the regressor of ``models.build_boston_regressor`` (13 relu -> 6 relu -> 1, Adam, MSE
    loss, MAPE metric) in this module, Sequential or functional, giving each Dense layer its own
    ``RandomNormal(stddev=0.05)`` kernel initializer (a new object per layer, or the name
    ``"random_normal"``; one shared object would draw other weights). Train on the first 300
    training rows with ``model.fit``'s default shuffling and validate on the last 104 — the book
    validates on ``x_train[300:]`` but also trains on those rows, so its validation score is not
    honest. Evaluate on the test split. Return ``{"history": <History dict>, "test_loss": float,
    "test_mape": float}``: the grader compares them with its own seeded run of this experiment.
    ``epochs`` or ``batch_size`` not a positive integer (0, negative, 1.5) -> ValueError naming it.
    Keras 3: ``fit(x_train[:300], y_train[:300], validation_data=(x_train[300:], y_train[300:]), ...)``.

    中文：完整的波士顿房价实验：前 300 行训练、后 104 行验证（不要重复用于训练），在测试集上评估。
    """
    epochs = _positive_int(epochs, "epochs")
    batch_size = _positive_int(batch_size, "batch_size")
    (x_train, y_train), (x_test, y_test) = load_boston_housing()
    tf.keras.utils.set_random_seed(seed)
    model = _boston_model(x_train.shape[1])
    fitted = model.fit(x_train[:300], y_train[:300], validation_data=(x_train[300:], y_train[300:]),
                       epochs=epochs, batch_size=batch_size, verbose=0)
    scores = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
    test_loss = float(scores.pop("loss"))
    (test_mape,) = (float(value) for value in scores.values())
    return {"history": _as_floats(fitted.history), "test_loss": test_loss, "test_mape": test_mape}
