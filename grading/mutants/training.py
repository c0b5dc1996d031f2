"""Wrong and right answers for training.py, each graded by the hidden suite (see kitdev.mutation)."""

import keras
import numpy as np

from keraskit.datasets import load_boston_housing
from kitdev.mutation import right, wrong

# ------------------------------------------------------------------ train


@wrong("training.train", "Keras's default verbose: prints a progress bar every epoch", misconception="train-verbose")
def train(model, x_train, y_train, x_val, y_val, epochs, batch_size, seed=0):
    _check_count("epochs", epochs)
    _check_count("batch_size", batch_size)
    keras.utils.set_random_seed(seed)
    return model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=epochs,
                     batch_size=batch_size).history


@wrong("training.train", "never seeds: the batch order changes from run to run", misconception="train-seed")
def train(model, x_train, y_train, x_val, y_val, epochs, batch_size, seed=0):
    _check_count("epochs", epochs)
    _check_count("batch_size", batch_size)
    return model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=epochs,
                     batch_size=batch_size, verbose=0).history


@wrong("training.train", "seeds numpy only, not Keras's backend", misconception="train-seed")
def train(model, x_train, y_train, x_val, y_val, epochs, batch_size, seed=0):
    _check_count("epochs", epochs)
    _check_count("batch_size", batch_size)
    np.random.seed(seed)
    return model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=epochs,
                     batch_size=batch_size, verbose=0).history


@wrong("training.train", "the book's validation_split instead of the given validation data",
       misconception="train-validation-data")
def train(model, x_train, y_train, x_val, y_val, epochs, batch_size, seed=0):
    _check_count("epochs", epochs)
    _check_count("batch_size", batch_size)
    keras.utils.set_random_seed(seed)
    return model.fit(x_train, y_train, validation_split=0.25, epochs=epochs, batch_size=batch_size,
                     verbose=0).history


@wrong("training.train", "returns the History object, not its dict", misconception="train-return-and-checks")
def train(model, x_train, y_train, x_val, y_val, epochs, batch_size, seed=0):
    _check_count("epochs", epochs)
    _check_count("batch_size", batch_size)
    keras.utils.set_random_seed(seed)
    return model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=epochs,
                     batch_size=batch_size, verbose=0)


@wrong("training.train", "no check: epochs=0 quietly returns an empty history", misconception="train-return-and-checks")
def train(model, x_train, y_train, x_val, y_val, epochs, batch_size, seed=0):
    keras.utils.set_random_seed(seed)
    return model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=epochs,
                     batch_size=batch_size, verbose=0).history


@wrong("training.train", "shuffle=False: the batches always come in the same order", misconception="train-shuffle")
def train(model, x_train, y_train, x_val, y_val, epochs, batch_size, seed=0):
    _check_count("epochs", epochs)
    _check_count("batch_size", batch_size)
    keras.utils.set_random_seed(seed)
    return model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=epochs,
                     batch_size=batch_size, verbose=0, shuffle=False).history


@right("training.train", "keyword arguments, verbose=0, the dict copied by hand")
def train(model, x_train, y_train, x_val, y_val, epochs, batch_size, seed=0):
    for name, value in (("epochs", epochs), ("batch_size", batch_size)):
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value <= 0:
            raise ValueError(f"{name} should be a positive whole number, not {value!r}")
    keras.utils.set_random_seed(seed)
    fitted = model.fit(x=x_train, y=y_train, batch_size=batch_size, epochs=epochs, verbose=0,
                       validation_data=(x_val, y_val), shuffle=True)
    history = {}
    for name in fitted.history:
        history[name] = list(fitted.history[name])
    return history


# ------------------------------------------------------------------ evaluate_named


@wrong("training.evaluate_named", "the book's loop: zip(model.metrics_names, model.evaluate(...))",
       misconception="evaluate-metrics-names")
def evaluate_named(model, x, y):
    return dict(zip(model.metrics_names, model.evaluate(x, y, verbose=0)))


@wrong("training.evaluate_named", "only the loss is reported", misconception="evaluate-return-dict")
def evaluate_named(model, x, y):
    results = model.evaluate(x, y, verbose=0)
    return {"loss": float(results[0] if isinstance(results, list) else results)}


@wrong("training.evaluate_named", "returns Keras's tensors instead of numbers", misconception="evaluate-return-dict")
def evaluate_named(model, x, y):
    model.evaluate(x, y, verbose=0)
    return model.get_metrics_result()


@wrong("training.evaluate_named", "names the metrics by the strings given to compile, shifted by one",
       misconception="evaluate-metrics-names")
def evaluate_named(model, x, y):
    values = model.evaluate(x, y, verbose=0)
    values = values if isinstance(values, list) else [values]
    names = [m.name for m in model.metrics]  # ["loss", "compile_metrics"]: not the metric names
    return {name: float(v) for name, v in zip(names, values)}


@right("training.evaluate_named", "evaluate, then read every result with get_metrics_result")
def evaluate_named(model, x, y):
    model.evaluate(x, y, verbose=0)
    return {name: float(keras.ops.convert_to_numpy(value)) for name, value in model.get_metrics_result().items()}


# ------------------------------------------------------------------ predict_classes


@wrong("training.predict_classes", "the book's model.predict_classes, removed in Keras 3",
       misconception="predict-classes-threshold-yourself")
def predict_classes(model, x, threshold=0.5):
    return model.predict_classes(x)


@wrong("training.predict_classes", ">= threshold: a probability of exactly 0.5 becomes class 1",
       misconception="predict-classes-strict-ints")
def predict_classes(model, x, threshold=0.5):
    if not 0 <= threshold <= 1:
        raise ValueError("threshold must be in [0, 1]")
    return (model.predict(x, verbose=0) >= threshold).astype(int)


@wrong("training.predict_classes", "rounds the probabilities: ignores the threshold",
       misconception="predict-classes-strict-ints")
def predict_classes(model, x, threshold=0.5):
    if not 0 <= threshold <= 1:
        raise ValueError("threshold must be in [0, 1]")
    return np.round(model.predict(x, verbose=0)).astype(int)


@wrong("training.predict_classes", "returns booleans, not 0/1 integers", misconception="predict-classes-strict-ints")
def predict_classes(model, x, threshold=0.5):
    if not 0 <= threshold <= 1:
        raise ValueError("threshold must be in [0, 1]")
    return model.predict(x, verbose=0) > threshold


@wrong("training.predict_classes", "argmax over the outputs, as for softmax",
       misconception="predict-classes-threshold-yourself")
def predict_classes(model, x, threshold=0.5):
    if not 0 <= threshold <= 1:
        raise ValueError("threshold must be in [0, 1]")
    return np.argmax(model.predict(x, verbose=0), axis=-1)


@right("training.predict_classes", "np.where on the model called directly")
def predict_classes(model, x, threshold=0.5):
    if isinstance(threshold, str) or not (0.0 <= threshold <= 1.0):
        raise ValueError(f"threshold {threshold!r} is not a probability")
    probabilities = keras.ops.convert_to_numpy(model(np.asarray(x, dtype="float32"), training=False))
    return np.where(probabilities > threshold, 1, 0).astype(np.int32)


# ------------------------------------------------------------------ overfitting_gap


@wrong("training.overfitting_gap", "training minus validation: the sign is flipped",
       misconception="gap-last-val-minus-train")
def overfitting_gap(history, metric="loss"):
    for key in (metric, "val_" + metric):
        if key not in history or not history[key]:
            raise ValueError(f"no {key!r} in history; it has {list(history)}")
    return float(history[metric][-1] - history["val_" + metric][-1])


@wrong("training.overfitting_gap", "uses the first epoch instead of the last", misconception="gap-last-val-minus-train")
def overfitting_gap(history, metric="loss"):
    for key in (metric, "val_" + metric):
        if key not in history or not history[key]:
            raise ValueError(f"no {key!r} in history; it has {list(history)}")
    return float(history["val_" + metric][0] - history[metric][0])


@wrong("training.overfitting_gap", "the gap between the best values instead of the last ones",
       misconception="gap-last-val-minus-train")
def overfitting_gap(history, metric="loss"):
    for key in (metric, "val_" + metric):
        if key not in history or not history[key]:
            raise ValueError(f"no {key!r} in history; it has {list(history)}")
    return float(min(history["val_" + metric]) - min(history[metric]))


@wrong("training.overfitting_gap", "a missing key raises KeyError", misconception="gap-missing-key")
def overfitting_gap(history, metric="loss"):
    return float(history["val_" + metric][-1] - history[metric][-1])


@wrong("training.overfitting_gap", "the ValueError names the missing key but not the available ones",
       misconception="gap-missing-key")
def overfitting_gap(history, metric="loss"):
    for key in (metric, "val_" + metric):
        if key not in history or not history[key]:
            raise ValueError(f"history has no {key!r}")
    return float(history["val_" + metric][-1] - history[metric][-1])


@right("training.overfitting_gap", "try/except KeyError turned into a ValueError with the keys")
def overfitting_gap(history, metric="loss"):
    try:
        train_values, val_values = history[metric], history["val_" + metric]
    except KeyError as missing:
        raise ValueError(f"{missing} not in history (keys: {sorted(history)})") from None
    if len(train_values) == 0 or len(val_values) == 0:
        raise ValueError(f"history[{metric!r}] has no epochs")
    return val_values[len(val_values) - 1] - train_values[len(train_values) - 1]


# ------------------------------------------------------------------ boston_experiment


@wrong("training.boston_experiment", "the book's split: trains on all 404 rows, validates on the last 104",
       misconception="boston-train-rows")
def boston_experiment(epochs=30, batch_size=32, seed=0):
    _check_count("epochs", epochs)
    _check_count("batch_size", batch_size)
    (x_train, y_train), (x_test, y_test) = load_boston_housing()
    keras.utils.set_random_seed(seed)
    model = _boston_regressor(x_train.shape[1])
    history = train(model, x_train, y_train, x_train[300:], y_train[300:], epochs, batch_size, seed)
    test_loss, test_mape = model.evaluate(x_test, y_test, verbose=0)
    return {"history": history, "test_loss": float(test_loss), "test_mape": float(test_mape)}


@wrong("training.boston_experiment", "scores the validation rows as the test", misconception="boston-test-split")
def boston_experiment(epochs=30, batch_size=32, seed=0):
    _check_count("epochs", epochs)
    _check_count("batch_size", batch_size)
    (x_train, y_train), _ = load_boston_housing()
    keras.utils.set_random_seed(seed)
    model = _boston_regressor(x_train.shape[1])
    history = train(model, x_train[:300], y_train[:300], x_train[300:], y_train[300:], epochs, batch_size, seed)
    test_loss, test_mape = model.evaluate(x_train[300:], y_train[300:], verbose=0)
    return {"history": history, "test_loss": float(test_loss), "test_mape": float(test_mape)}


@wrong("training.boston_experiment", "unpacks evaluate in the wrong order: loss and MAPE swapped",
       misconception="boston-evaluate-order")
def boston_experiment(epochs=30, batch_size=32, seed=0):
    _check_count("epochs", epochs)
    _check_count("batch_size", batch_size)
    (x_train, y_train), (x_test, y_test) = load_boston_housing()
    keras.utils.set_random_seed(seed)
    model = _boston_regressor(x_train.shape[1])
    history = train(model, x_train[:300], y_train[:300], x_train[300:], y_train[300:], epochs, batch_size, seed)
    test_mape, test_loss = model.evaluate(x_test, y_test, verbose=0)
    return {"history": history, "test_loss": float(test_loss), "test_mape": float(test_mape)}


@wrong("training.boston_experiment", "seeds after building: the initial weights differ on every run",
       misconception="boston-seed-first")
def boston_experiment(epochs=30, batch_size=32, seed=0):
    _check_count("epochs", epochs)
    _check_count("batch_size", batch_size)
    (x_train, y_train), (x_test, y_test) = load_boston_housing()
    model = _boston_regressor(x_train.shape[1])
    history = train(model, x_train[:300], y_train[:300], x_train[300:], y_train[300:], epochs, batch_size, seed)
    test_loss, test_mape = model.evaluate(x_test, y_test, verbose=0)
    return {"history": history, "test_loss": float(test_loss), "test_mape": float(test_mape)}


@wrong("training.boston_experiment", "batch size hard-coded to the book's 32", misconception="boston-arguments")
def boston_experiment(epochs=30, batch_size=32, seed=0):
    _check_count("epochs", epochs)
    _check_count("batch_size", batch_size)
    (x_train, y_train), (x_test, y_test) = load_boston_housing()
    keras.utils.set_random_seed(seed)
    model = _boston_regressor(x_train.shape[1])
    history = train(model, x_train[:300], y_train[:300], x_train[300:], y_train[300:], epochs, 32, seed)
    test_loss, test_mape = model.evaluate(x_test, y_test, verbose=0)
    return {"history": history, "test_loss": float(test_loss), "test_mape": float(test_mape)}


@wrong("training.boston_experiment", "validation_split=0.26 instead of the explicit rows: 298 trained, 106 validated",
       misconception="boston-train-rows")
def boston_experiment(epochs=30, batch_size=32, seed=0):
    _check_count("epochs", epochs)
    _check_count("batch_size", batch_size)
    (x_train, y_train), (x_test, y_test) = load_boston_housing()
    keras.utils.set_random_seed(seed)
    model = _boston_regressor(x_train.shape[1])
    fitted = model.fit(x_train, y_train, validation_split=0.26, epochs=epochs, batch_size=batch_size, verbose=0)
    test_loss, test_mape = model.evaluate(x_test, y_test, verbose=0)
    return {"history": fitted.history, "test_loss": float(test_loss), "test_mape": float(test_mape)}


@right("training.boston_experiment", "Keras objects, fit called directly, the book's 'mape' name, one seeding")
def boston_experiment(epochs=30, batch_size=32, seed=0):
    for name, value in (("epochs", epochs), ("batch_size", batch_size)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    (x_train, y_train), (x_test, y_test) = load_boston_housing()
    keras.utils.set_random_seed(seed)
    inputs = keras.Input(shape=(13,))
    hidden = keras.layers.Dense(13, activation="relu", kernel_initializer="normal")(inputs)
    hidden = keras.layers.Dense(6, activation="relu", kernel_initializer="normal")(hidden)
    model = keras.Model(inputs, keras.layers.Dense(1, kernel_initializer="normal")(hidden))
    model.compile(optimizer=keras.optimizers.Adam(), loss=keras.losses.MeanSquaredError(), metrics=["mape"])
    fitted = model.fit(x_train[:300], y_train[:300], validation_data=(x_train[300:], y_train[300:]),
                       epochs=epochs, batch_size=batch_size, verbose=0)
    scores = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
    return {"history": fitted.history, "test_loss": scores["loss"], "test_mape": scores["mape"]}


@wrong("training.boston_experiment", "fabricated: no data, no model, no fit; plausible numbers made up from the seed",
       misconception="boston-evaluate-order")
def boston_experiment(epochs=30, batch_size=32, seed=0):
    _check_count("epochs", epochs)
    _check_count("batch_size", batch_size)
    rng = np.random.default_rng(seed + 1000 * batch_size)
    decay = np.exp(-np.arange(1, epochs + 1) / 8.0)
    loss = (600.0 * decay + 60.0 * (1 - decay)) * rng.uniform(0.95, 1.05, epochs)
    mape = (97.0 * decay + 30.0 * (1 - decay)) * rng.uniform(0.95, 1.05, epochs)
    history = {"loss": loss.tolist(), "val_loss": (loss * 1.15).tolist(),
               "mean_absolute_percentage_error": mape.tolist(),
               "val_mean_absolute_percentage_error": (mape * 1.1).tolist()}
    return {"history": history, "test_loss": float(loss[-1] * 1.2), "test_mape": float(mape[-1] * 1.12)}


@right("training.boston_experiment", "Sequential built with .add(), seeded again by train before fit")
def boston_experiment(epochs=30, batch_size=32, seed=0):
    _check_count("epochs", epochs)
    _check_count("batch_size", batch_size)
    keras.utils.set_random_seed(seed)
    (x_train, y_train), (x_test, y_test) = load_boston_housing()
    model = keras.Sequential()
    model.add(keras.Input(shape=(13,)))
    for units, activation in ((13, "relu"), (6, "relu"), (1, None)):
        model.add(keras.layers.Dense(units, activation=activation, kernel_initializer="random_normal"))
    model.compile(optimizer="adam", loss="mse", metrics=[keras.metrics.MeanAbsolutePercentageError()])
    history = train(model, x_train[:300], y_train[:300], x_train[300:], y_train[300:], epochs, batch_size, seed)
    result = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
    return {"history": history, "test_loss": float(result["loss"]),
            "test_mape": float(result["mean_absolute_percentage_error"])}
