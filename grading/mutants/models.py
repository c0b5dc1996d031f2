"""Wrong and right answers for models.py, each graded by the hidden suite (see kitdev.mutation)."""

import numbers

import keras

from kitdev.mutation import right, wrong

# ------------------------------------------------------------------ dense_connection_count


@wrong("models.dense_connection_count", "adds the neurons instead of connecting each pair",
       misconception="connections-added")
def dense_connection_count(n_in, n_out):
    _check_size("n_in", n_in)
    _check_size("n_out", n_out)
    return n_in + n_out


@wrong("models.dense_connection_count", "counts the biases of the second layer too",
       misconception="connections-with-biases")
def dense_connection_count(n_in, n_out):
    _check_size("n_in", n_in)
    _check_size("n_out", n_out)
    return n_in * n_out + n_out


@wrong("models.dense_connection_count", "no validation: a zero-sized layer silently has 0 connections",
       misconception="connections-unchecked")
def dense_connection_count(n_in, n_out):
    return int(n_in * n_out)


@right("models.dense_connection_count", "counts every (input, output) pair, with its own checks")
def dense_connection_count(n_in, n_out):
    for name, value in (("n_in", n_in), ("n_out", n_out)):
        if type(value) is bool or not isinstance(value, numbers.Integral) or value <= 0:
            raise ValueError(f"{name}: expected a positive whole number, got {value!r}")
    return sum(1 for _ in range(int(n_in)) for _ in range(int(n_out)))


# ------------------------------------------------------------------ dense_param_count


@wrong("models.dense_param_count", "forgets the biases", misconception="param-count-biases")
def dense_param_count(input_dim, layer_sizes, use_bias=True):
    _check_size("input_dim", input_dim)
    sizes = [int(n) for n in layer_sizes]
    for n in sizes:
        _check_size("layer_sizes", n)
    fan_in = [int(input_dim)] + sizes[:-1]
    return sum(a * b for a, b in zip(fan_in, sizes))


@wrong("models.dense_param_count", "one bias per input instead of per neuron: (n_in + 1) * units counted as n_in * (units + 1)",
       misconception="param-count-bias-per-input")
def dense_param_count(input_dim, layer_sizes, use_bias=True):
    _check_size("input_dim", input_dim)
    sizes = [int(n) for n in layer_sizes]
    for n in sizes:
        _check_size("layer_sizes", n)
    fan_in = [int(input_dim)] + sizes[:-1]
    return sum(a * (b + (1 if use_bias else 0)) for a, b in zip(fan_in, sizes))


@wrong("models.dense_param_count", "ignores use_bias", misconception="param-count-biases")
def dense_param_count(input_dim, layer_sizes, use_bias=True):
    _check_size("input_dim", input_dim)
    sizes = [int(n) for n in layer_sizes]
    for n in sizes:
        _check_size("layer_sizes", n)
    fan_in = [int(input_dim)] + sizes[:-1]
    return sum(a * b + b for a, b in zip(fan_in, sizes))


@wrong("models.dense_param_count", "checks input_dim but not the layer sizes",
       misconception="param-count-sizes-unchecked")
def dense_param_count(input_dim, layer_sizes, use_bias=True):
    _check_size("input_dim", input_dim)
    total, fan_in = 0, int(input_dim)
    for units in layer_sizes:
        total += fan_in * int(units) + (int(units) if use_bias else 0)
        fan_in = int(units)
    return total


@right("models.dense_param_count", "asks Keras to count a real model after validating")
def dense_param_count(input_dim, layer_sizes, use_bias=True):
    _check_size("input_dim", input_dim)
    sizes = list(layer_sizes)
    for units in sizes:
        _check_size("layer_sizes", units)
    if not sizes:
        return 0
    model = keras.Sequential([keras.Input(shape=(int(input_dim),))] +
                             [keras.layers.Dense(int(n), use_bias=use_bias) for n in sizes])
    return int(model.count_params())


# ------------------------------------------------------------------ build_single_layer


@wrong("models.build_single_layer", "relu inside the Dense layer: no separate Activation layer",
       misconception="single-layer-activation-layer")
def build_single_layer(input_dim=15, units=10):
    _check_size("input_dim", input_dim)
    _check_size("units", units)
    return keras.Sequential([keras.Input(shape=(input_dim,)), keras.layers.Dense(units, activation="relu")])


@wrong("models.build_single_layer", "no keras.Input: the model is not built", misconception="single-layer-input")
def build_single_layer(input_dim=15, units=10):
    _check_size("input_dim", input_dim)
    _check_size("units", units)
    return keras.Sequential([keras.layers.Dense(units), keras.layers.Activation("relu")])


@wrong("models.build_single_layer", "input_dim and units swapped", misconception="single-layer-sizes-swapped")
def build_single_layer(input_dim=15, units=10):
    _check_size("input_dim", input_dim)
    _check_size("units", units)
    return keras.Sequential([keras.Input(shape=(units,)), keras.layers.Dense(input_dim),
                             keras.layers.Activation("relu")])


@wrong("models.build_single_layer", "Activation('sigmoid') instead of relu",
       misconception="single-layer-activation-layer")
def build_single_layer(input_dim=15, units=10):
    _check_size("input_dim", input_dim)
    _check_size("units", units)
    return keras.Sequential([keras.Input(shape=(input_dim,)), keras.layers.Dense(units),
                             keras.layers.Activation("sigmoid")])


@right("models.build_single_layer", "functional API, relu given as a function")
def build_single_layer(input_dim=15, units=10):
    _check_size("input_dim", input_dim)
    _check_size("units", units)
    inputs = keras.Input(shape=(input_dim,))
    hidden = keras.layers.Dense(units, activation=None)(inputs)
    return keras.Model(inputs, keras.layers.Activation(keras.activations.relu)(hidden))


@right("models.build_single_layer", "Sequential built with model.build and layers added one by one")
def build_single_layer(input_dim=15, units=10):
    _check_size("input_dim", input_dim)
    _check_size("units", units)
    model = keras.Sequential()
    model.add(keras.layers.Dense(units))
    model.add(keras.layers.Activation("relu"))
    model.build((None, input_dim))
    return model


# ------------------------------------------------------------------ build_binary_classifier


@wrong("models.build_binary_classifier", "relu in the hidden layer", misconception="binary-classifier-hidden-layer")
def build_binary_classifier(input_dim=10, hidden_units=5):
    _check_size("input_dim", input_dim)
    _check_size("hidden_units", hidden_units)
    return keras.Sequential([keras.Input(shape=(input_dim,)), keras.layers.Dense(hidden_units, activation="relu"),
                             keras.layers.Dense(1, activation="sigmoid")])


@wrong("models.build_binary_classifier", "the output layer has no activation", misconception="binary-classifier-output")
def build_binary_classifier(input_dim=10, hidden_units=5):
    _check_size("input_dim", input_dim)
    _check_size("hidden_units", hidden_units)
    return keras.Sequential([keras.Input(shape=(input_dim,)), keras.layers.Dense(hidden_units, activation="sigmoid"),
                             keras.layers.Dense(1)])


@wrong("models.build_binary_classifier", "two softmax outputs instead of one sigmoid",
       misconception="binary-classifier-output")
def build_binary_classifier(input_dim=10, hidden_units=5):
    _check_size("input_dim", input_dim)
    _check_size("hidden_units", hidden_units)
    return keras.Sequential([keras.Input(shape=(input_dim,)), keras.layers.Dense(hidden_units, activation="sigmoid"),
                             keras.layers.Dense(2, activation="softmax")])


@wrong("models.build_binary_classifier", "hidden width hard-coded to the book's 5",
       misconception="binary-classifier-width")
def build_binary_classifier(input_dim=10, hidden_units=5):
    _check_size("input_dim", input_dim)
    _check_size("hidden_units", hidden_units)
    return keras.Sequential([keras.Input(shape=(input_dim,)), keras.layers.Dense(5, activation="sigmoid"),
                             keras.layers.Dense(1, activation="sigmoid")])


@right("models.build_binary_classifier", "functional API with activation functions as objects")
def build_binary_classifier(input_dim=10, hidden_units=5):
    _check_size("input_dim", input_dim)
    _check_size("hidden_units", hidden_units)
    inputs = keras.Input(shape=(input_dim,))
    hidden = keras.layers.Dense(hidden_units, activation=keras.activations.sigmoid)(inputs)
    return keras.Model(inputs, keras.layers.Dense(1, activation=keras.activations.sigmoid)(hidden))


# ------------------------------------------------------------------ build_dropout_classifier


@wrong("models.build_dropout_classifier", "the seed is not passed to Dropout", misconception="dropout-arguments")
def build_dropout_classifier(input_dim=10, hidden_units=5, rate=0.1, seed=100):
    _check_size("input_dim", input_dim)
    _check_size("hidden_units", hidden_units)
    return keras.Sequential([keras.Input(shape=(input_dim,)), keras.layers.Dense(hidden_units, activation="sigmoid"),
                             keras.layers.Dropout(rate), keras.layers.Dense(1, activation="sigmoid")])


@wrong("models.build_dropout_classifier", "dropout after the output layer", misconception="dropout-place")
def build_dropout_classifier(input_dim=10, hidden_units=5, rate=0.1, seed=100):
    _check_size("input_dim", input_dim)
    _check_size("hidden_units", hidden_units)
    return keras.Sequential([keras.Input(shape=(input_dim,)), keras.layers.Dense(hidden_units, activation="sigmoid"),
                             keras.layers.Dense(1, activation="sigmoid"), keras.layers.Dropout(rate, seed=seed)])


@wrong("models.build_dropout_classifier", "rate hard-coded to the book's 0.1", misconception="dropout-arguments")
def build_dropout_classifier(input_dim=10, hidden_units=5, rate=0.1, seed=100):
    _check_size("input_dim", input_dim)
    _check_size("hidden_units", hidden_units)
    if not 0 <= rate <= 1:
        raise ValueError(f"rate must be in [0, 1], got {rate}")
    return keras.Sequential([keras.Input(shape=(input_dim,)), keras.layers.Dense(hidden_units, activation="sigmoid"),
                             keras.layers.Dropout(0.1, seed=seed), keras.layers.Dense(1, activation="sigmoid")])


@right("models.build_dropout_classifier", "layers added one by one; Keras's own rate check")
def build_dropout_classifier(input_dim=10, hidden_units=5, rate=0.1, seed=100):
    _check_size("input_dim", input_dim)
    _check_size("hidden_units", hidden_units)
    model = keras.Sequential()
    model.add(keras.Input(shape=(input_dim,)))
    model.add(keras.layers.Dense(hidden_units, activation="sigmoid"))
    model.add(keras.layers.Dropout(rate=rate, seed=seed))  # Keras raises ValueError naming `rate`
    model.add(keras.layers.Dense(1, activation="sigmoid"))
    return model


# ------------------------------------------------------------------ build_deep_classifier


@wrong("models.build_deep_classifier", "not compiled", misconception="deep-classifier-compile")
def build_deep_classifier(input_dim=10):
    _check_size("input_dim", input_dim)
    return keras.Sequential([keras.Input(shape=(input_dim,))] +
                            [keras.layers.Dense(n, activation="relu") for n in (64, 32, 16, 8, 4)] +
                            [keras.layers.Dense(1, activation="sigmoid")])


@wrong("models.build_deep_classifier", "the 4-unit layer is missing", misconception="deep-classifier-layers")
def build_deep_classifier(input_dim=10):
    _check_size("input_dim", input_dim)
    model = keras.Sequential([keras.Input(shape=(input_dim,))] +
                             [keras.layers.Dense(n, activation="relu") for n in (64, 32, 16, 8)] +
                             [keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


@wrong("models.build_deep_classifier", "mean squared error as the loss", misconception="deep-classifier-compile")
def build_deep_classifier(input_dim=10):
    _check_size("input_dim", input_dim)
    model = keras.Sequential([keras.Input(shape=(input_dim,))] +
                             [keras.layers.Dense(n, activation="relu") for n in (64, 32, 16, 8, 4)] +
                             [keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="mse", metrics=["accuracy"])
    return model


@wrong("models.build_deep_classifier", "plain SGD instead of Adam", misconception="deep-classifier-compile")
def build_deep_classifier(input_dim=10):
    _check_size("input_dim", input_dim)
    model = keras.Sequential([keras.Input(shape=(input_dim,))] +
                             [keras.layers.Dense(n, activation="relu") for n in (64, 32, 16, 8, 4)] +
                             [keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    return model


@wrong("models.build_deep_classifier", "from_logits=True although the output is a sigmoid",
       misconception="deep-classifier-compile")
def build_deep_classifier(input_dim=10):
    _check_size("input_dim", input_dim)
    model = keras.Sequential([keras.Input(shape=(input_dim,))] +
                             [keras.layers.Dense(n, activation="relu") for n in (64, 32, 16, 8, 4)] +
                             [keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss=keras.losses.BinaryCrossentropy(from_logits=True), metrics=["accuracy"])
    return model


@right("models.build_deep_classifier", "functional API with optimizer, loss and metric objects")
def build_deep_classifier(input_dim=10):
    _check_size("input_dim", input_dim)
    inputs = keras.Input(shape=(input_dim,))
    x = inputs
    for units in (64, 32, 16, 8, 4):
        x = keras.layers.Dense(units, activation="relu")(x)
    model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(x))
    model.compile(optimizer=keras.optimizers.Adam(), loss=keras.losses.BinaryCrossentropy(),
                  metrics=[keras.metrics.BinaryAccuracy()])
    return model


@right("models.build_deep_classifier", "the spellings 'Adam', 'binary_crossentropy', 'acc'")
def build_deep_classifier(input_dim=10):
    _check_size("input_dim", input_dim)
    model = keras.Sequential([keras.Input(shape=(input_dim,))])
    for units in (64, 32, 16, 8, 4):
        model.add(keras.layers.Dense(units, activation=keras.activations.relu))
    model.add(keras.layers.Dense(1, activation="sigmoid"))
    model.compile(optimizer="Adam", loss=keras.losses.binary_crossentropy, metrics=["acc"])
    return model


# ------------------------------------------------------------------ build_boston_regressor


@wrong("models.build_boston_regressor", "Keras's default glorot_uniform initializer instead of the book's 'normal'",
       misconception="boston-regressor-initializer")
def build_boston_regressor(input_dim=13):
    _check_size("input_dim", input_dim)
    model = keras.Sequential([keras.Input(shape=(input_dim,)), keras.layers.Dense(13, activation="relu"),
                              keras.layers.Dense(6, activation="relu"), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse", metrics=["mape"])
    return model


@wrong("models.build_boston_regressor", "'normal' read as a standard normal: RandomNormal(stddev=1.0)",
       misconception="boston-regressor-initializer")
def build_boston_regressor(input_dim=13):
    _check_size("input_dim", input_dim)
    init = keras.initializers.RandomNormal
    model = keras.Sequential([keras.Input(shape=(input_dim,)),
                              keras.layers.Dense(13, activation="relu", kernel_initializer=init(stddev=1.0)),
                              keras.layers.Dense(6, activation="relu", kernel_initializer=init(stddev=1.0)),
                              keras.layers.Dense(1, kernel_initializer=init(stddev=1.0))])
    model.compile(optimizer="adam", loss="mse", metrics=["mape"])
    return model


@wrong("models.build_boston_regressor", "the initializer only on the first layer",
       misconception="boston-regressor-initializer")
def build_boston_regressor(input_dim=13):
    _check_size("input_dim", input_dim)
    model = keras.Sequential([keras.Input(shape=(input_dim,)),
                              keras.layers.Dense(13, activation="relu", kernel_initializer="normal"),
                              keras.layers.Dense(6, activation="relu"), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse", metrics=["mape"])
    return model


@wrong("models.build_boston_regressor", "relu on the output: negative errors cannot be corrected",
       misconception="boston-regressor-output")
def build_boston_regressor(input_dim=13):
    _check_size("input_dim", input_dim)
    model = keras.Sequential([keras.Input(shape=(input_dim,)),
                              keras.layers.Dense(13, activation="relu", kernel_initializer="normal"),
                              keras.layers.Dense(6, activation="relu", kernel_initializer="normal"),
                              keras.layers.Dense(1, activation="relu", kernel_initializer="normal")])
    model.compile(optimizer="adam", loss="mse", metrics=["mape"])
    return model


@wrong("models.build_boston_regressor", "mean absolute error as the metric", misconception="boston-regressor-compile")
def build_boston_regressor(input_dim=13):
    _check_size("input_dim", input_dim)
    model = keras.Sequential([keras.Input(shape=(input_dim,)),
                              keras.layers.Dense(13, activation="relu", kernel_initializer="normal"),
                              keras.layers.Dense(6, activation="relu", kernel_initializer="normal"),
                              keras.layers.Dense(1, kernel_initializer="normal")])
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    return model


@right("models.build_boston_regressor", "the book's strings: 'normal', 'mean_squared_error', 'mape'")
def build_boston_regressor(input_dim=13):
    _check_size("input_dim", input_dim)
    model = keras.Sequential([keras.Input(shape=(input_dim,)),
                              keras.layers.Dense(13, activation="relu", kernel_initializer="normal"),
                              keras.layers.Dense(6, activation="relu", kernel_initializer="normal"),
                              keras.layers.Dense(1, kernel_initializer="normal")])
    model.compile(optimizer="adam", loss="mean_squared_error", metrics=["mape"])
    return model


@right("models.build_boston_regressor", "functional API with RandomNormal(seed=...) and Keras objects")
def build_boston_regressor(input_dim=13):
    _check_size("input_dim", input_dim)
    inputs = keras.Input(shape=(input_dim,))
    x = inputs
    for seed, (units, act) in enumerate([(13, "relu"), (6, "relu"), (1, None)]):
        init = keras.initializers.RandomNormal(mean=0.0, stddev=0.05, seed=seed)
        x = keras.layers.Dense(units, activation=act, kernel_initializer=init)(x)
    model = keras.Model(inputs, x)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001), loss=keras.losses.MeanSquaredError(),
                  metrics=[keras.metrics.MeanAbsolutePercentageError()])
    return model


# ------------------------------------------------------------------ compile_for_task


@wrong("models.compile_for_task", "sparse categorical cross-entropy for one-hot multiclass labels",
       misconception="compile-task-sparse-loss")
def compile_for_task(model, task):
    losses = {"binary": "binary_crossentropy", "multiclass": "sparse_categorical_crossentropy",
              "regression": "mse"}
    metrics = {"binary": "accuracy", "multiclass": "accuracy", "regression": "mae"}
    if task not in losses:
        raise ValueError(f"unknown task {task!r}")
    model.compile(optimizer="adam", loss=losses[task], metrics=[metrics[task]])
    return model


@wrong("models.compile_for_task", "regression: loss and metric swapped (MAE loss, MSE metric)",
       misconception="compile-task-regression-metric")
def compile_for_task(model, task):
    losses = {"binary": "binary_crossentropy", "multiclass": "categorical_crossentropy", "regression": "mae"}
    metrics = {"binary": "accuracy", "multiclass": "accuracy", "regression": "mse"}
    if task not in losses:
        raise ValueError(f"unknown task {task!r}")
    model.compile(optimizer="adam", loss=losses[task], metrics=[metrics[task]])
    return model


@wrong("models.compile_for_task", "anything that is not binary or multiclass is treated as regression",
       misconception="compile-task-unknown")
def compile_for_task(model, task):
    if task == "binary":
        model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    elif task == "multiclass":
        model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    else:
        model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    return model


@wrong("models.compile_for_task", "compiles but returns None", misconception="compile-task-returns-none")
def compile_for_task(model, task):
    if task not in _TASKS:
        raise ValueError(f"task must be one of {sorted(_TASKS)}")
    loss, metric = _TASKS[task]
    model.compile(optimizer="adam", loss=loss, metrics=[metric])


@right("models.compile_for_task", "if/elif with Keras objects")
def compile_for_task(model, task):
    if task == "binary":
        loss, metric = keras.losses.BinaryCrossentropy(), keras.metrics.BinaryAccuracy()
    elif task == "multiclass":
        loss, metric = keras.losses.CategoricalCrossentropy(), keras.metrics.CategoricalAccuracy()
    elif task == "regression":
        loss, metric = keras.losses.MeanSquaredError(), keras.metrics.MeanAbsoluteError()
    else:
        raise ValueError(f"unknown task {task!r}: use 'binary', 'multiclass' or 'regression'")
    model.compile(optimizer=keras.optimizers.Adam(), loss=loss, metrics=[metric])
    return model

