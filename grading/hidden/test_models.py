"""Hidden tests for models.py: other sizes, Keras's own parameter counts, models that survive the
grader's transfer (config + weights + compile config), and every bad input."""

import keras
import numpy as np
import pytest

from keraskit import expect
from keraskit import modelcheck as mc

RNG = np.random.default_rng(20261127)
BINARY = {"optimizer": "Adam", "loss": {"binary_crossentropy"}, "metrics": [{"accuracy", "binary_accuracy"}]}
MULTICLASS = {"optimizer": "Adam", "loss": {"categorical_crossentropy"},
              "metrics": [{"accuracy", "categorical_accuracy"}]}
REGRESSION = {"optimizer": "Adam", "loss": {"mean_squared_error"}, "metrics": [{"mean_absolute_error"}]}
BOSTON = {"optimizer": "Adam", "loss": {"mean_squared_error"}, "metrics": [{"mean_absolute_percentage_error"}]}
NOT_POSITIVE_INTEGERS = [0, -3, 2.5, True, "4"]


def _keras_param_count(input_dim, layer_sizes, use_bias=True):
    """The oracle: Keras counts the parameters of the real stack."""
    model = keras.Sequential([keras.Input(shape=(input_dim,))] +
                             [keras.layers.Dense(int(n), use_bias=use_bias) for n in layer_sizes])
    return model.count_params()


def _check_twice(model, **expected):
    """The returned model, and the copy the isolated grader would see, both pass the checks."""
    mc.check_model(model, **expected)
    mc.check_model(mc.rebuilt(model), **expected)


def _predicts_one_value_per_row(model, input_dim):
    out = np.asarray(model.predict(np.zeros((3, input_dim)), verbose=0))
    expect.shape_of(out, (3, 1), where="model.predict(x)", kind=expect.STRUCTURE)


# ------------------------------------------------------------------ counting


@pytest.mark.exercise("models.dense_connection_count")
def test_dense_connection_count_equals_the_size_of_a_keras_kernel(models):
    for n_in, n_out in [(1, 1), (5, 3), (3, 5), (13, 1), (784, 128), (1, 1000)]:
        layer = keras.layers.Dense(n_out)
        layer.build((None, n_in))
        expect.equal(models.dense_connection_count(n_in, n_out), int(np.prod(layer.kernel.shape)))


@pytest.mark.exercise("models.dense_connection_count")
def test_dense_connection_count_accepts_numpy_integers(models):
    expect.equal(models.dense_connection_count(np.int64(6), np.int32(7)), 42)


@pytest.mark.exercise("models.dense_connection_count")
@pytest.mark.parametrize("bad", NOT_POSITIVE_INTEGERS)
@pytest.mark.parametrize("argument", ["n_in", "n_out"])
def test_dense_connection_count_rejects_sizes_that_are_not_positive_integers(models, argument, bad):
    sizes = {"n_in": 4, "n_out": 3, argument: bad}
    with expect.raises_value_error(argument, misconception="connections-unchecked"):
        models.dense_connection_count(**sizes)


@pytest.mark.exercise("models.dense_param_count")
@pytest.mark.parametrize("use_bias", [True, False])
def test_dense_param_count_equals_keras_count_params(models, use_bias):
    for _ in range(6):
        input_dim = int(RNG.integers(1, 30))
        sizes = [int(n) for n in RNG.integers(1, 20, size=RNG.integers(1, 5))]
        expect.equal(models.dense_param_count(input_dim, sizes, use_bias=use_bias),
                     _keras_param_count(input_dim, sizes, use_bias))


@pytest.mark.exercise("models.dense_param_count")
def test_dense_param_count_of_the_books_networks(models):
    expect.equal(models.dense_param_count(10, (64, 32, 16, 8, 4, 1)), 3489)
    expect.equal(models.dense_param_count(13, [13, 6, 1]), 273)
    expect.equal(models.dense_param_count(1, [1]), 2)
    expect.equal(models.dense_param_count(np.int64(3), np.array([4, 2])), 26)


@pytest.mark.exercise("models.dense_param_count")
@pytest.mark.parametrize("bad", NOT_POSITIVE_INTEGERS)
def test_dense_param_count_rejects_a_bad_input_dim(models, bad):
    with expect.raises_value_error("input_dim", misconception="param-count-sizes-unchecked"):
        models.dense_param_count(bad, [3, 1])


@pytest.mark.exercise("models.dense_param_count")
@pytest.mark.parametrize("sizes", [[3, 0, 1], [3, -2], [2.5, 1]])
def test_dense_param_count_rejects_bad_layer_sizes(models, sizes):
    with expect.raises_value_error("layer_sizes", misconception="param-count-sizes-unchecked"):
        models.dense_param_count(4, sizes)


# ------------------------------------------------------------------ builders


@pytest.mark.exercise("models.build_single_layer")
@pytest.mark.parametrize("input_dim, units", [(15, 10), (7, 3), (1, 1)])
def test_build_single_layer_other_sizes(models, input_dim, units):
    model = models.build_single_layer(input_dim, units)
    _check_twice(model, input_dim=input_dim, layers=[mc.dense(units), mc.activation("relu")],
                 params=input_dim * units + units)


@pytest.mark.exercise("models.build_single_layer")
def test_build_single_layer_relu_really_clips_negative_outputs(models):
    model = models.build_single_layer(input_dim=3, units=4)
    out = np.asarray(model.predict(RNG.normal(size=(20, 3)) * 10, verbose=0))
    expect.shape_of(out, (20, 4), where="model.predict(x)", kind=expect.STRUCTURE)
    expect.that(out.min() >= 0.0, "test.relu_outputs", kind=expect.STRUCTURE, smallest=f"{out.min():.3g}")


@pytest.mark.exercise("models.build_single_layer")
@pytest.mark.parametrize("argument, bad", [("input_dim", 0), ("input_dim", 2.5), ("units", 0), ("units", -1)])
def test_build_single_layer_rejects_bad_sizes(models, argument, bad):
    with expect.raises_value_error(argument):
        models.build_single_layer(**{argument: bad})


@pytest.mark.exercise("models.build_binary_classifier")
@pytest.mark.parametrize("input_dim, hidden", [(10, 5), (4, 9), (2, 1)])
def test_build_binary_classifier_other_sizes(models, input_dim, hidden):
    model = models.build_binary_classifier(input_dim=input_dim, hidden_units=hidden)
    _check_twice(model, input_dim=input_dim, layers=[mc.dense(hidden, "sigmoid"), mc.dense(1, "sigmoid")],
                 params=input_dim * hidden + hidden + hidden + 1)
    _predicts_one_value_per_row(model, input_dim)


@pytest.mark.exercise("models.build_binary_classifier")
@pytest.mark.parametrize("argument, bad", [("input_dim", 0), ("input_dim", True), ("hidden_units", 0),
                                           ("hidden_units", 1.5)])
def test_build_binary_classifier_rejects_bad_sizes(models, argument, bad):
    with expect.raises_value_error(argument):
        models.build_binary_classifier(**{argument: bad})


@pytest.mark.exercise("models.build_dropout_classifier")
@pytest.mark.parametrize("input_dim, hidden, rate, seed", [(10, 5, 0.1, 100), (6, 3, 0.25, 7), (3, 8, 0.5, None)])
def test_build_dropout_classifier_other_sizes_rates_and_seeds(models, input_dim, hidden, rate, seed):
    model = models.build_dropout_classifier(input_dim, hidden, rate=rate, seed=seed)
    layers = [mc.dense(hidden, "sigmoid"), mc.dropout(rate, seed), mc.dense(1, "sigmoid")]
    _check_twice(model, input_dim=input_dim, layers=layers, params=input_dim * hidden + 2 * hidden + 1)
    _predicts_one_value_per_row(model, input_dim)


@pytest.mark.exercise("models.build_dropout_classifier")
@pytest.mark.parametrize("argument, bad", [("rate", 1.5), ("rate", -0.1), ("input_dim", 0), ("hidden_units", -2)])
def test_build_dropout_classifier_rejects_bad_arguments(models, argument, bad):
    with expect.raises_value_error(argument, misconception="dropout-arguments"):
        models.build_dropout_classifier(**{argument: bad})


DEEP = [mc.dense(n, "relu") for n in (64, 32, 16, 8, 4)] + [mc.dense(1, "sigmoid")]


@pytest.mark.exercise("models.build_deep_classifier")
@pytest.mark.parametrize("input_dim", [10, 7])
def test_build_deep_classifier_layers_and_compilation(models, input_dim):
    model = models.build_deep_classifier(input_dim)
    _check_twice(model, input_dim=input_dim, layers=DEEP, params=64 * input_dim + 64 + 2785, compiled=BINARY)
    _predicts_one_value_per_row(model, input_dim)


@pytest.mark.exercise("models.build_deep_classifier")
@pytest.mark.parametrize("bad", [0, -1, 3.0])
def test_build_deep_classifier_rejects_a_bad_input_dim(models, bad):
    with expect.raises_value_error("input_dim"):
        models.build_deep_classifier(bad)


def _boston_layers():
    normal = mc.RANDOM_NORMAL_BOOK
    return [mc.dense(13, "relu", normal), mc.dense(6, "relu", normal), mc.dense(1, "linear", normal)]


@pytest.mark.exercise("models.build_boston_regressor")
@pytest.mark.parametrize("input_dim", [13, 5])
def test_build_boston_regressor_layers_initializers_and_compilation(models, input_dim):
    model = models.build_boston_regressor(input_dim)
    _check_twice(model, input_dim=input_dim, layers=_boston_layers(), params=13 * input_dim + 13 + 84 + 7,
                 compiled=BOSTON)
    _predicts_one_value_per_row(model, input_dim)


@pytest.mark.exercise("models.build_boston_regressor")
def test_build_boston_regressor_kernels_start_small(models):
    # RandomNormal(stddev=0.05): no starting weight is anywhere near 1 (glorot or stddev=1 would be).
    model = models.build_boston_regressor()
    kernels = np.concatenate([np.ravel(layer.get_weights()[0]) for layer in model.layers
                              if isinstance(layer, keras.layers.Dense)])
    expect.that(np.abs(kernels).max() < 0.35, "test.kernels_large", kind=expect.STRUCTURE,
                largest=f"{np.abs(kernels).max():.3f}")
    expect.that(0.03 < kernels.std() < 0.07, "test.kernels_std", kind=expect.STRUCTURE, std=f"{kernels.std():.3f}")


@pytest.mark.exercise("models.build_boston_regressor")
@pytest.mark.parametrize("bad", [0, 13.0, "13"])
def test_build_boston_regressor_rejects_a_bad_input_dim(models, bad):
    with expect.raises_value_error("input_dim"):
        models.build_boston_regressor(bad)


# ------------------------------------------------------------------ compile_for_task


def _plain_model(outputs, activation):
    return keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(4, activation="relu"),
                             keras.layers.Dense(outputs, activation=activation)])


TASKS = [("binary", 1, "sigmoid", BINARY), ("multiclass", 3, "softmax", MULTICLASS),
         ("regression", 1, "linear", REGRESSION)]


@pytest.mark.exercise("models.compile_for_task")
@pytest.mark.parametrize("task, outputs, activation, compiled", TASKS, ids=[t[0] for t in TASKS])
def test_compile_for_task_every_task(models, task, outputs, activation, compiled):
    model = models.compile_for_task(_plain_model(outputs, activation), task)
    layers = [mc.dense(4, "relu"), mc.dense(outputs, activation)]
    _check_twice(model, input_dim=3, layers=layers, params=16 + 5 * outputs, compiled=compiled)


@pytest.mark.exercise("models.compile_for_task")
@pytest.mark.parametrize("task, outputs, activation, compiled", TASKS, ids=[t[0] for t in TASKS])
def test_compile_for_task_replaces_an_earlier_compilation(models, task, outputs, activation, compiled):
    model = _plain_model(outputs, activation)
    model.compile(optimizer="sgd", loss="mean_absolute_percentage_error", metrics=["mse"])
    mc.check_compiled(models.compile_for_task(model, task), **compiled)


@pytest.mark.exercise("models.compile_for_task")
def test_compile_for_task_multiclass_evaluates_one_hot_labels(models):
    keras.utils.set_random_seed(3)
    model = models.compile_for_task(_plain_model(3, "softmax"), "multiclass")
    x = RNG.normal(size=(12, 3))
    y = np.eye(3)[RNG.integers(0, 3, size=12)]
    result = model.evaluate(x, y, verbose=0, return_dict=True)
    expect.that(np.isfinite(result["loss"]), "test.loss_finite", kind=expect.STRUCTURE, loss=result["loss"])


@pytest.mark.exercise("models.compile_for_task")
def test_compile_for_task_error_names_every_choice(models):
    try:
        models.compile_for_task(_plain_model(1, "sigmoid"), "classification")
    except ValueError as error:
        message = str(error)
    else:
        message = None
    expect.that(message is not None, "expect.no_raise", kind=expect.NO_RAISE, argument="task")
    for choice in ("binary", "multiclass", "regression"):
        expect.that(choice in message, "expect.message_lacks", kind=expect.WRONG_ERROR, argument=choice,
                    message=message)


@pytest.mark.exercise("models.compile_for_task")
@pytest.mark.parametrize("task", ["Binary", "classification", "", None, "mse"])
def test_compile_for_task_rejects_unknown_tasks(models, task):
    with expect.raises_value_error("task", misconception="compile-task-unknown"):
        models.compile_for_task(_plain_model(1, "sigmoid"), task)
