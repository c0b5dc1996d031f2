"""Visible tests for models.py: the book's models, checked layer by layer."""

import contextlib

import keras
import pytest

from keraskit import expect
from keraskit import modelcheck as mc


BINARY = {"optimizer": "Adam", "loss": {"binary_crossentropy"}, "metrics": [{"accuracy", "binary_accuracy"}]}


# ---------------------------------------------------------------- which mistake a wrong model shows

def _diagnosis(model, rules):
    """A function for ``expect.misconception``: the first rule ``(misconception, test)`` whose test
    holds for ``model``'s Dense, Activation and Dropout layers names the mistake; a model that is
    not a Keras model, or that no rule recognises, names none."""
    def diagnose():
        if not isinstance(model, keras.Model):
            return None
        parts = {"model": model, "layers": [layer for layer in model.layers
                                             if not isinstance(layer, keras.layers.InputLayer)]}
        parts["dense"] = [layer for layer in parts["layers"] if isinstance(layer, keras.layers.Dense)]
        for misconception, test in rules:
            try:
                if test(parts):
                    return misconception
            except (AttributeError, IndexError, TypeError):  # a layer unlike the rule's
                continue
        return None
    return diagnose


def _act(layer) -> str:
    return getattr(layer.activation, "__name__", "")


def _units(parts) -> list:
    return [layer.units for layer in parts["dense"]]


@pytest.mark.exercise("models.dense_connection_count")
def test_dense_connection_count_of_the_books_5_by_3_layers(models):
    expect.equal(models.dense_connection_count(5, 3), 15,
                 wrong_answers={"connections-added": 8, "connections-with-biases": 18})


@pytest.mark.exercise("models.dense_connection_count")
def test_dense_connection_count_rejects_an_empty_layer(models):
    with expect.raises_value_error("n_out", misconception="connections-unchecked"):
        models.dense_connection_count(5, 0)


@pytest.mark.exercise("models.dense_param_count")
def test_dense_param_count_of_the_books_15_10_1_network(models):
    # (15*10 + 10) + (10*1 + 1); without biases 160; one bias per input (15+1)*10... counted as 15*11 + 10*2
    expect.equal(models.dense_param_count(15, [10, 1]), 171,
                 wrong_answers={"param-count-biases": 160, "param-count-bias-per-input": 185})


@pytest.mark.exercise("models.dense_param_count")
def test_dense_param_count_without_biases(models):
    expect.equal(models.dense_param_count(15, [10, 1], use_bias=False), 160,
                 wrong_answers={"param-count-biases": 171})


@pytest.mark.exercise("models.dense_param_count")
def test_dense_param_count_rejects_a_zero_input_dim(models):
    with expect.raises_value_error("input_dim", misconception="param-count-sizes-unchecked"):
        models.dense_param_count(0, [10, 1])


@pytest.mark.exercise("models.dense_param_count")
def test_dense_param_count_rejects_a_zero_layer_size(models):
    with expect.raises_value_error("layer_sizes", misconception="param-count-sizes-unchecked"):
        models.dense_param_count(15, [10, 0, 1])


@pytest.mark.exercise("models.dense_param_count")
def test_dense_param_count_of_no_layers_is_zero(models):
    expect.equal(models.dense_param_count(15, []), 0)


@pytest.mark.exercise("models.build_single_layer")
def test_build_single_layer_is_dense_then_a_relu_layer(models):
    model = models.build_single_layer()
    with expect.misconception(_diagnosis(model, [
        ("single-layer-input", lambda parts: not parts["model"].built or not parts["model"].inputs),
        ("single-layer-sizes-swapped", lambda parts: _units(parts)[0] == 15),
        ("single-layer-activation-layer", lambda parts: len(parts["layers"]) != 2 or _act(parts["dense"][0]) != "linear"
         or _act(parts["layers"][1]) != "relu"),
    ])):
        mc.check_model(model, input_dim=15, layers=[mc.dense(10), mc.activation("relu")], params=160)


@pytest.mark.exercise("models.build_single_layer")
def test_build_single_layer_rejects_zero_units(models):
    with expect.raises_value_error("units"):
        models.build_single_layer(15, 0)


@pytest.mark.exercise("models.build_binary_classifier")
def test_build_binary_classifier_has_two_sigmoid_layers(models):
    model = models.build_binary_classifier()
    with expect.misconception(_diagnosis(model, [
        ("binary-classifier-output", lambda parts: _units(parts)[-1] != 1 or _act(parts["dense"][-1]) != "sigmoid"),
        ("binary-classifier-hidden-layer", lambda parts: _act(parts["dense"][0]) != "sigmoid"),
        ("binary-classifier-width", lambda parts: _units(parts)[0] != 5),
    ])):
        mc.check_model(model, input_dim=10, layers=[mc.dense(5, "sigmoid"), mc.dense(1, "sigmoid")], params=61)


@pytest.mark.exercise("models.build_binary_classifier")
def test_build_binary_classifier_of_other_sizes(models):
    model = models.build_binary_classifier(input_dim=4, hidden_units=7)
    with expect.misconception(_diagnosis(model, [  # the right layers, but the book's width
        ("binary-classifier-width", lambda parts: _units(parts) == [5, 1] and parts["model"].inputs[0].shape[-1] == 4),
    ])):
        mc.check_model(model, input_dim=4, layers=[mc.dense(7, "sigmoid"), mc.dense(1, "sigmoid")], params=43)


@pytest.mark.exercise("models.build_dropout_classifier")
def test_build_dropout_classifier_puts_dropout_between_the_dense_layers(models):
    model = models.build_dropout_classifier()
    layers = [mc.dense(5, "sigmoid"), mc.dropout(0.1, 100), mc.dense(1, "sigmoid")]
    with expect.misconception(_diagnosis(model, [
        ("dropout-place", lambda parts: not isinstance(parts["layers"][1], keras.layers.Dropout)),
        ("dropout-arguments", lambda parts: (parts["layers"][1].rate, parts["layers"][1].seed) != (0.1, 100)),
    ])):
        mc.check_model(model, input_dim=10, layers=layers, params=61)  # Dropout has no weights


@pytest.mark.exercise("models.build_dropout_classifier")
def test_build_dropout_classifier_rejects_a_rate_above_one(models):
    with expect.raises_value_error("rate", misconception="dropout-arguments"):
        models.build_dropout_classifier(rate=1.5)


@pytest.mark.exercise("models.build_dropout_classifier")
def test_build_dropout_classifier_uses_the_given_rate_and_seed(models):
    model = models.build_dropout_classifier(input_dim=10, hidden_units=5, rate=0.3, seed=7)
    layers = [mc.dense(5, "sigmoid"), mc.dropout(0.3, 7), mc.dense(1, "sigmoid")]
    with expect.misconception(_diagnosis(model, [  # the book's rate or seed instead of the arguments
        ("dropout-arguments", lambda parts: _units(parts) == [5, 1]
         and isinstance(parts["layers"][1], keras.layers.Dropout)
         and (parts["layers"][1].rate, parts["layers"][1].seed) != (0.3, 7)),
    ])):
        mc.check_model(model, input_dim=10, layers=layers, params=61)


@pytest.mark.exercise("models.build_deep_classifier")
def test_build_deep_classifier_matches_the_book(models):
    model = models.build_deep_classifier()
    layers = [mc.dense(n, "relu") for n in (64, 32, 16, 8, 4)] + [mc.dense(1, "sigmoid")]
    with expect.misconception("deep-classifier-layers"):
        mc.check_model(model, input_dim=10, layers=layers, params=3489)
    with expect.misconception("deep-classifier-compile"):
        mc.check_compiled(model, **BINARY)


@pytest.mark.exercise("models.build_boston_regressor")
def test_build_boston_regressor_matches_the_book(models):
    model = models.build_boston_regressor()
    normal = mc.RANDOM_NORMAL_BOOK
    layers = [mc.dense(13, "relu", normal), mc.dense(6, "relu", normal), mc.dense(1, "linear", normal)]
    compiled = {"optimizer": "Adam", "loss": {"mean_squared_error"},
                "metrics": [{"mean_absolute_percentage_error"}]}
    with expect.misconception(_diagnosis(model, [
        ("boston-regressor-output", lambda parts: _act(parts["dense"][-1]) != "linear"),
        ("boston-regressor-initializer", lambda parts: True),  # the layers are right but for their initializers
    ])):
        mc.check_model(model, input_dim=13, layers=layers, params=273)
    with expect.misconception("boston-regressor-compile"):
        mc.check_compiled(model, **compiled)


def _small_model(outputs=1, activation="sigmoid"):
    return keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(outputs, activation=activation)])


@pytest.mark.exercise("models.compile_for_task")
def test_compile_for_task_binary(models):
    model = models.compile_for_task(_small_model(), "binary")
    with expect.misconception("compile-task-returns-none") if model is None else contextlib.nullcontext():
        mc.check_layers(model, [mc.dense(1, "sigmoid")])
    mc.check_compiled(model, **BINARY)


@pytest.mark.exercise("models.compile_for_task")
def test_compile_for_task_regression(models):
    model = models.compile_for_task(_small_model(activation=None), "regression")
    with expect.misconception("compile-task-regression-metric") if model is not None else contextlib.nullcontext():
        mc.check_compiled(model, optimizer="Adam", loss={"mean_squared_error"}, metrics=[{"mean_absolute_error"}])


@pytest.mark.exercise("models.compile_for_task")
def test_compile_for_task_multiclass(models):
    model = models.compile_for_task(_small_model(outputs=3, activation="softmax"), "multiclass")
    mc.check_layers(model, [mc.dense(3, "softmax")])

    def sparse_loss():  # the integer-label loss for one-hot labels
        loss = model.get_compile_config().get("loss")
        return "compile-task-sparse-loss" if mc.canonical_loss(loss) == "sparse_categorical_crossentropy" else None

    with expect.misconception(sparse_loss):
        mc.check_compiled(model, optimizer="Adam", loss={"categorical_crossentropy"},
                          metrics=[{"accuracy", "categorical_accuracy"}])


@pytest.mark.exercise("models.compile_for_task")
def test_compile_for_task_rejects_an_unknown_task(models):
    with expect.raises_value_error("task", misconception="compile-task-unknown"):
        models.compile_for_task(_small_model(), "clustering")


@pytest.mark.exercise("models.compile_for_task")
def test_compile_for_task_error_names_the_three_choices(models):
    try:
        models.compile_for_task(_small_model(), "clustering")
    except ValueError as error:
        message = str(error)
    else:
        message = None
    expect.that(message is not None, "expect.no_raise", kind=expect.NO_RAISE, argument="task")
    for choice in ("binary", "multiclass", "regression"):
        expect.that(choice in message, "expect.message_lacks", kind=expect.WRONG_ERROR, argument=choice,
                    message=message)
