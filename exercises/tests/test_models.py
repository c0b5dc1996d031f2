"""Visible tests for models.py: the book's models, checked layer by layer."""

import keras
import pytest

from keraskit import expect
from keraskit import modelcheck as mc


BINARY = {"optimizer": "Adam", "loss": {"binary_crossentropy"}, "metrics": [{"accuracy", "binary_accuracy"}]}


@pytest.mark.exercise("models.dense_connection_count")
def test_dense_connection_count_of_the_books_5_by_3_layers(models):
    expect.equal(models.dense_connection_count(5, 3), 15)


@pytest.mark.exercise("models.dense_connection_count")
def test_dense_connection_count_rejects_an_empty_layer(models):
    with expect.raises_value_error("n_out"):
        models.dense_connection_count(5, 0)


@pytest.mark.exercise("models.dense_param_count")
def test_dense_param_count_of_the_books_15_10_1_network(models):
    expect.equal(models.dense_param_count(15, [10, 1]), 171)  # (15*10 + 10) + (10*1 + 1)


@pytest.mark.exercise("models.dense_param_count")
def test_dense_param_count_without_biases(models):
    expect.equal(models.dense_param_count(15, [10, 1], use_bias=False), 160)


@pytest.mark.exercise("models.dense_param_count")
def test_dense_param_count_rejects_a_zero_input_dim(models):
    with expect.raises_value_error("input_dim"):
        models.dense_param_count(0, [10, 1])


@pytest.mark.exercise("models.dense_param_count")
def test_dense_param_count_rejects_a_zero_layer_size(models):
    with expect.raises_value_error("layer_sizes"):
        models.dense_param_count(15, [10, 0, 1])


@pytest.mark.exercise("models.dense_param_count")
def test_dense_param_count_of_no_layers_is_zero(models):
    expect.equal(models.dense_param_count(15, []), 0)


@pytest.mark.exercise("models.build_single_layer")
def test_build_single_layer_is_dense_then_a_relu_layer(models):
    model = models.build_single_layer()
    mc.check_model(model, input_dim=15, layers=[mc.dense(10), mc.activation("relu")], params=160)


@pytest.mark.exercise("models.build_single_layer")
def test_build_single_layer_rejects_zero_units(models):
    with expect.raises_value_error("units"):
        models.build_single_layer(15, 0)


@pytest.mark.exercise("models.build_binary_classifier")
def test_build_binary_classifier_has_two_sigmoid_layers(models):
    model = models.build_binary_classifier()
    mc.check_model(model, input_dim=10, layers=[mc.dense(5, "sigmoid"), mc.dense(1, "sigmoid")], params=61)


@pytest.mark.exercise("models.build_binary_classifier")
def test_build_binary_classifier_of_other_sizes(models):
    model = models.build_binary_classifier(input_dim=4, hidden_units=7)
    mc.check_model(model, input_dim=4, layers=[mc.dense(7, "sigmoid"), mc.dense(1, "sigmoid")], params=43)


@pytest.mark.exercise("models.build_dropout_classifier")
def test_build_dropout_classifier_puts_dropout_between_the_dense_layers(models):
    model = models.build_dropout_classifier()
    layers = [mc.dense(5, "sigmoid"), mc.dropout(0.1, 100), mc.dense(1, "sigmoid")]
    mc.check_model(model, input_dim=10, layers=layers, params=61)  # Dropout has no weights


@pytest.mark.exercise("models.build_dropout_classifier")
def test_build_dropout_classifier_rejects_a_rate_above_one(models):
    with expect.raises_value_error("rate"):
        models.build_dropout_classifier(rate=1.5)


@pytest.mark.exercise("models.build_dropout_classifier")
def test_build_dropout_classifier_uses_the_given_rate_and_seed(models):
    model = models.build_dropout_classifier(input_dim=10, hidden_units=5, rate=0.3, seed=7)
    layers = [mc.dense(5, "sigmoid"), mc.dropout(0.3, 7), mc.dense(1, "sigmoid")]
    mc.check_model(model, input_dim=10, layers=layers, params=61)


@pytest.mark.exercise("models.build_deep_classifier")
def test_build_deep_classifier_matches_the_book(models):
    model = models.build_deep_classifier()
    layers = [mc.dense(n, "relu") for n in (64, 32, 16, 8, 4)] + [mc.dense(1, "sigmoid")]
    mc.check_model(model, input_dim=10, layers=layers, params=3489, compiled=BINARY)


@pytest.mark.exercise("models.build_boston_regressor")
def test_build_boston_regressor_matches_the_book(models):
    model = models.build_boston_regressor()
    normal = mc.RANDOM_NORMAL_BOOK
    layers = [mc.dense(13, "relu", normal), mc.dense(6, "relu", normal), mc.dense(1, "linear", normal)]
    compiled = {"optimizer": "Adam", "loss": {"mean_squared_error"},
                "metrics": [{"mean_absolute_percentage_error"}]}
    mc.check_model(model, input_dim=13, layers=layers, params=273, compiled=compiled)


def _small_model(outputs=1, activation="sigmoid"):
    return keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(outputs, activation=activation)])


@pytest.mark.exercise("models.compile_for_task")
def test_compile_for_task_binary(models):
    model = models.compile_for_task(_small_model(), "binary")
    mc.check_layers(model, [mc.dense(1, "sigmoid")])
    mc.check_compiled(model, **BINARY)


@pytest.mark.exercise("models.compile_for_task")
def test_compile_for_task_regression(models):
    model = models.compile_for_task(_small_model(activation=None), "regression")
    mc.check_compiled(model, optimizer="Adam", loss={"mean_squared_error"}, metrics=[{"mean_absolute_error"}])


@pytest.mark.exercise("models.compile_for_task")
def test_compile_for_task_multiclass(models):
    model = models.compile_for_task(_small_model(outputs=3, activation="softmax"), "multiclass")
    mc.check_layers(model, [mc.dense(3, "softmax")])
    mc.check_compiled(model, optimizer="Adam", loss={"categorical_crossentropy"},
                      metrics=[{"accuracy", "categorical_accuracy"}])


@pytest.mark.exercise("models.compile_for_task")
def test_compile_for_task_rejects_an_unknown_task(models):
    with expect.raises_value_error("task"):
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
