"""Assembling models with Keras.

A Keras model is a stack of layers. ``Dense`` connects every input to every neuron (a kernel
of shape (inputs, units) plus one bias per unit), ``Activation`` applies a non-linearity on
its own, ``Dropout`` switches off a random fraction of its inputs while training. Keras 3
starts a model with ``keras.Input(shape=(n_features,))`` (the book's ``input_dim=`` argument
is gone), which builds the weights at once, so ``model.summary()`` and ``count_params()`` work
before any data is seen. ``compile`` then fixes the optimizer, the loss and the metrics.
Graded code may import only numpy, keras, tensorflow, the standard library and keraskit: the
grader provides nothing else (no scipy, pandas or scikit-learn), and ``pytest`` and
``keraskit check`` name a module that imports anything else before its tests run.
用 Keras 组装模型：层的堆叠、参数个数、compile 时选择优化器、损失和指标。
评分代码只能导入 numpy、keras、tensorflow、标准库和 keraskit；评分环境不提供其他包。
"""

import numbers

import keras
import tensorflow as tf


def _positive_int(value, name):
    """Return ``value`` as an int if it is a positive integer (not a bool), else raise ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def _input(input_dim):
    """The model's input declaration: a float32 tensor of ``input_dim`` features per row."""
    return tf.keras.Input(shape=(input_dim,), dtype="float32")


_TASKS = {
    "binary": ("binary_crossentropy", "accuracy"),
    "multiclass": ("categorical_crossentropy", "accuracy"),
    "regression": ("mean_squared_error", "mean_absolute_error"),
}


def dense_connection_count(n_in, n_out):
    """Return the number of weights between two fully connected layers of ``n_in`` and ``n_out`` neurons.

    Every one of the ``n_in`` neurons is connected to every one of the ``n_out`` neurons, so a
    layer of 5 feeding a layer of 3 has 15 connections, each with its own weight (biases not
    counted). Both sizes must be positive integers, else ValueError naming the argument.
    Keras 3 equivalent: the size of a Dense kernel, ``layer.kernel.shape == (n_in, n_out)``.

    中文：两个全连接层之间的连接（权重）个数：n_in × n_out，不含偏置。
    """
    n_in = _positive_int(n_in, "n_in")
    n_out = _positive_int(n_out, "n_out")
    return n_in * n_out


def dense_param_count(input_dim, layer_sizes, use_bias=True):
    """Return the total number of parameters of a stack of Dense layers on ``input_dim`` inputs.

    A Dense layer of ``units`` neurons fed by ``n`` values holds an (n, units) kernel and, with
    ``use_bias``, one bias per neuron: ``n * units + units`` parameters; its ``units`` outputs
    feed the next layer. The book's 15 inputs -> Dense(10) -> Dense(1) has 160 + 11 = 171.
    ``input_dim`` and every size in ``layer_sizes`` must be positive integers (ValueError naming
    the argument); an empty ``layer_sizes`` has no parameters.
    Keras 3 equivalent: ``model.count_params()`` of the same Sequential model.

    中文：一串 Dense 层的参数总数：每层 输入数 × 神经元数，再加上每个神经元一个偏置。
    """
    fan_in = _positive_int(input_dim, "input_dim")
    if isinstance(layer_sizes, (str, bytes)):
        raise ValueError(f"layer_sizes must be a sequence of positive integers, got {layer_sizes!r}")
    try:
        sizes = list(layer_sizes)
    except TypeError:
        raise ValueError(f"layer_sizes must be a sequence of positive integers, got {layer_sizes!r}") from None
    total = 0
    for units in sizes:
        if isinstance(units, bool) or not isinstance(units, numbers.Integral) or units <= 0:
            raise ValueError(f"layer_sizes must hold positive integers only, got {units!r} in {sizes!r}")
        units = int(units)
        total += fan_in * units + (units if use_bias else 0)
        fan_in = units
    return total


def build_single_layer(input_dim=15, units=10):
    """Return a model with one Dense(``units``) layer followed by a separate Activation('relu') layer.

    The book's first model: ``Dense(10, input_dim=15)`` then ``Activation('relu')``. In Keras 3
    the input shape is declared with ``keras.Input(shape=(input_dim,))``; the Dense layer itself
    has no activation (linear), the non-linearity is its own layer. The model is not compiled.
    Sizes that are not positive integers -> ValueError naming the argument.
    Keras 3: ``keras.Sequential([keras.Input(shape=(15,)), Dense(10), Activation("relu")])``.

    中文：一个 Dense 层后接独立的 Activation('relu') 层；用 keras.Input 指定输入形状。
    """
    input_dim = _positive_int(input_dim, "input_dim")
    units = _positive_int(units, "units")
    return tf.keras.Sequential([
        _input(input_dim),
        tf.keras.layers.Dense(units),
        tf.keras.layers.Activation("relu"),
    ])


def build_binary_classifier(input_dim=10, hidden_units=5):
    """Return the book's binary classifier: Dense(``hidden_units``, sigmoid) -> Dense(1, sigmoid).

    One hidden layer of sigmoid neurons, then a single sigmoid neuron whose output is the
    probability of class 1. The input is ``keras.Input(shape=(input_dim,))`` (not the book's
    ``input_dim=``), so the model is built; it is not compiled.
    Sizes that are not positive integers -> ValueError naming the argument.
    Keras 3: ``keras.Sequential([keras.Input(...), Dense(5, activation="sigmoid"), Dense(1, activation="sigmoid")])``.

    中文：二分类模型：一个 sigmoid 隐藏层，输出层是 1 个 sigmoid 神经元。
    """
    input_dim = _positive_int(input_dim, "input_dim")
    hidden_units = _positive_int(hidden_units, "hidden_units")
    return tf.keras.Sequential([
        _input(input_dim),
        tf.keras.layers.Dense(hidden_units, activation="sigmoid"),
        tf.keras.layers.Dense(1, activation="sigmoid"),
    ])


def build_dropout_classifier(input_dim=10, hidden_units=5, rate=0.1, seed=100):
    """Return Dense(``hidden_units``, sigmoid) -> Dropout(``rate``, seed=``seed``) -> Dense(1, sigmoid).

    Dropout sets a random fraction ``rate`` of its inputs to 0 during training only (and scales
    the rest by 1 / (1 - rate)), so no neuron can rely on one other neuron: a cure for
    overfitting. The ``seed`` makes the random choice repeatable. It has no weights, so the
    parameter count is that of the classifier without it. ``rate`` outside [0, 1] -> ValueError
    naming ``rate``; sizes that are not positive integers -> ValueError naming the argument.
    Keras 3: ``keras.layers.Dropout(rate, seed=seed)`` between the two Dense layers.

    中文：在隐藏层和输出层之间加入 Dropout(rate, seed)，训练时随机丢弃一部分输入以防过拟合。
    """
    input_dim = _positive_int(input_dim, "input_dim")
    hidden_units = _positive_int(hidden_units, "hidden_units")
    if isinstance(rate, bool) or not isinstance(rate, numbers.Real) or not 0 <= rate <= 1:
        raise ValueError(f"rate must be a number in [0, 1], got {rate!r}")
    return tf.keras.Sequential([
        _input(input_dim),
        tf.keras.layers.Dense(hidden_units, activation="sigmoid"),
        tf.keras.layers.Dropout(rate, seed=seed),
        tf.keras.layers.Dense(1, activation="sigmoid"),
    ])


def build_deep_classifier(input_dim=10):
    """Return the book's deep binary classifier, compiled: Dense 64 -> 32 -> 16 -> 8 -> 4 (relu) -> 1 (sigmoid).

    Five relu hidden layers that halve in width, one sigmoid output neuron, compiled with the
    Adam optimizer, binary cross-entropy (the loss for a 0/1 target with a probability output)
    and the metric "accuracy". ``input_dim`` not a positive integer -> ValueError naming it.
    Keras 3: ``model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])``.

    中文：深层二分类模型：64→32→16→8→4（relu）→1（sigmoid），用 Adam、二元交叉熵和 accuracy 编译。
    """
    input_dim = _positive_int(input_dim, "input_dim")
    hidden = [tf.keras.layers.Dense(width, activation="relu") for width in (64, 32, 16, 8, 4)]
    model = tf.keras.Sequential([_input(input_dim), *hidden, tf.keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=tf.keras.optimizers.Adam(), loss="binary_crossentropy", metrics=["accuracy"])
    return model


def build_boston_regressor(input_dim=13):
    """Return the book's Boston housing regressor, compiled: Dense(13, relu) -> Dense(6, relu) -> Dense(1).

    Every Dense layer starts its kernel from small random normal values: the book's
    ``kernel_initializer='normal'``, which in Keras 3 is ``RandomNormal(mean=0.0, stddev=0.05)``.
    The output neuron has no activation, so it can predict any price. Compiled with Adam, mean
    squared error as the loss and mean absolute percentage error ("mape") as the metric.
    ``input_dim`` not a positive integer -> ValueError naming ``input_dim``.
    Keras 3: ``Dense(13, activation="relu", kernel_initializer=keras.initializers.RandomNormal(stddev=0.05))``.

    中文：波士顿房价回归模型：13→6→1，核初始化为 RandomNormal(stddev=0.05)，用 Adam、MSE 和 MAPE 编译。
    """
    input_dim = _positive_int(input_dim, "input_dim")
    layers = [_input(input_dim)]
    for units, activation in ((13, "relu"), (6, "relu"), (1, None)):
        # a fresh initializer object for every layer, as the book's kernel_initializer='normal'
        normal = tf.keras.initializers.RandomNormal(mean=0.0, stddev=0.05)
        layers.append(tf.keras.layers.Dense(units, activation=activation, kernel_initializer=normal))
    model = tf.keras.Sequential(layers)
    model.compile(optimizer=tf.keras.optimizers.Adam(), loss="mean_squared_error",
                  metrics=["mean_absolute_percentage_error"])
    return model


def compile_for_task(model, task):
    """Compile ``model`` with Adam and the loss and metric that fit ``task``; return the model.

    "binary" (one sigmoid output, 0/1 labels): binary cross-entropy + accuracy.
    "multiclass" (softmax outputs, one-hot labels): categorical cross-entropy + accuracy.
    "regression" (a number): mean squared error + mean absolute error.
    Any other ``task`` -> ValueError naming ``task`` and the three choices.
    Keras 3: ``model.compile(optimizer="adam", loss=..., metrics=[...])``.

    中文：按任务类型（binary / multiclass / regression）选择损失函数和指标，用 Adam 编译并返回模型。
    """
    if not isinstance(task, str) or task not in _TASKS:
        choices = ", ".join(f'"{name}"' for name in _TASKS)
        raise ValueError(f"task must be one of {choices}, got {task!r}")
    loss, metric = _TASKS[task]
    model.compile(optimizer=tf.keras.optimizers.Adam(), loss=loss, metrics=[metric])
    return model
