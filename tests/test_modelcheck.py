"""keraskit.modelcheck accepts every spelling Keras accepts and names the layer at fault."""

import keras
import pytest

from keraskit import modelcheck as mc
from keraskit.expect import ExpectationFailed
from keraskit.i18n import t

BOSTON_LAYERS = [mc.dense(13, "relu", mc.RANDOM_NORMAL_BOOK), mc.dense(6, "relu", mc.RANDOM_NORMAL_BOOK),
                 mc.dense(1, "linear", mc.RANDOM_NORMAL_BOOK)]
BOSTON_COMPILED = {"optimizer": "Adam", "loss": {"mean_squared_error"},
                   "metrics": [{"mean_absolute_percentage_error"}]}


def _boston(init="normal", optimizer="adam", loss="mse", metrics=("mape",), functional=False, output="linear"):
    layers = [keras.layers.Dense(13, activation="relu", kernel_initializer=init),
              keras.layers.Dense(6, activation="relu", kernel_initializer=init),
              keras.layers.Dense(1, activation=output, kernel_initializer=init)]
    if functional:
        inputs = keras.Input(shape=(13,))
        x = inputs
        for layer in layers:
            x = layer(x)
        model = keras.Model(inputs, x)
    else:
        model = keras.Sequential([keras.Input(shape=(13,))] + layers)
    model.compile(optimizer=optimizer, loss=loss, metrics=list(metrics))
    return model


@pytest.mark.parametrize("kwargs", [
    {},
    {"init": "random_normal", "optimizer": "Adam", "loss": "mean_squared_error",
     "metrics": ("mean_absolute_percentage_error",)},
    {"init": keras.initializers.RandomNormal(mean=0.0, stddev=0.05, seed=1), "functional": True,
     "optimizer": keras.optimizers.Adam(), "loss": keras.losses.MeanSquaredError(),
     "metrics": (keras.metrics.MeanAbsolutePercentageError(),)},
    {"loss": keras.losses.mean_squared_error, "metrics": ("MAPE",)},
], ids=["strings", "long_strings", "objects_functional", "function_and_upper_case"])
def test_every_spelling_of_the_boston_model_passes_also_after_a_rebuild(kwargs):
    model = _boston(**kwargs)
    for candidate in (model, mc.rebuilt(model)):
        mc.check_model(candidate, input_dim=13, layers=BOSTON_LAYERS, params=273, compiled=BOSTON_COMPILED)


@pytest.mark.parametrize("kwargs, message", [
    ({"init": "glorot_uniform"}, "layer 1 (Dense"),
    ({"init": keras.initializers.RandomNormal(stddev=1.0)}, "stddev=1.0"),
    ({"output": "relu"}, "layer 3 (Dense"),
    ({"optimizer": "sgd"}, "optimizer: expected Adam, got SGD"),
    ({"loss": "mae"}, "loss: expected mean_squared_error"),
    ({"metrics": ("mape", "mae")}, "extra"),
    ({"metrics": ()}, "metrics: expected"),
])
def test_wrong_boston_models_fail_with_a_short_message(kwargs, message):
    with pytest.raises(ExpectationFailed, match=message.replace("(", r"\(")):
        mc.check_model(_boston(**kwargs), input_dim=13, layers=BOSTON_LAYERS, params=273, compiled=BOSTON_COMPILED)


def test_unbuilt_extra_and_missing_layers_are_named():
    unbuilt = keras.Sequential([keras.layers.Dense(5, activation="sigmoid"),
                                keras.layers.Dense(1, activation="sigmoid")])
    layers = [mc.dense(5, "sigmoid"), mc.dense(1, "sigmoid")]
    with pytest.raises(ExpectationFailed, match="not built"):
        mc.check_model(unbuilt, input_dim=10, layers=layers)
    extra = keras.Sequential([keras.Input(shape=(10,)), keras.layers.Dense(5, activation="sigmoid"),
                              keras.layers.Dropout(0.1), keras.layers.Dense(1, activation="sigmoid")])
    with pytest.raises(ExpectationFailed, match=r"layer 2 \(Dropout"):
        mc.check_layers(extra, layers)
    missing = keras.Sequential([keras.Input(shape=(10,)), keras.layers.Dense(5, activation="sigmoid")])
    with pytest.raises(ExpectationFailed, match="missing: layer 2"):
        mc.check_layers(missing, layers)
    with pytest.raises(ExpectationFailed, match="expected a keras.Model, got None"):
        mc.check_layers(None, layers)


def test_history_and_named_values_checks():
    mc.check_history({"loss": [1.0, 0.5]}, {"loss": [1.0, 0.5]})
    with pytest.raises(ExpectationFailed, match="epoch 2"):
        mc.check_history({"loss": [1.0, 0.6]}, {"loss": [1.0, 0.5]})
    with pytest.raises(ExpectationFailed, match="keys"):
        mc.check_history({"loss": [1.0]}, {"loss": [1.0], "val_loss": [1.0]})
    mc.check_named_values({"loss": 0.5, "mae": 1.0}, {"loss": 0.5, "mae": 1.0})
    with pytest.raises(ExpectationFailed, match="compile_metrics"):
        mc.check_named_values({"loss": 0.5, "compile_metrics": 1.0}, {"loss": 0.5, "mae": 1.0})
    with pytest.raises(ExpectationFailed, match="Epoch 1/3"):
        mc.check_no_progress_output("Epoch 1/3\n1/1 ━━━━ 0s 3ms/step - loss: 0.5\n")
    mc.check_no_progress_output("")


def _what(check) -> str:
    with pytest.raises(ExpectationFailed) as caught:
        check()
    return caught.value.what_key()


def test_training_what_lines_name_what_was_measured():
    """A progress bar is not a wrong history, a dict of evaluate()'s values is not training, and a
    history with the right keys and epochs has wrong values, not a wrong fit() return."""
    assert _what(lambda: mc.check_no_progress_output("Epoch 1/2\n")) == "what.progress"
    assert _what(lambda: mc.check_named_values({"loss": 0.9}, {"loss": 0.5})) == "what.named_values"
    assert _what(lambda: mc.check_named_values(None, {"loss": 0.5})) == "what.none"
    assert _what(lambda: mc.check_history(None, {"loss": [1.0]})) == "what.none"
    assert _what(lambda: mc.check_history({"loss": [1.0]}, {"loss": [1.0], "val_loss": [1.0]})) == "what.history_keys"
    assert _what(lambda: mc.check_history({"loss": [1.0]}, {"loss": [1.0, 0.5]})) == "what.history_epochs"
    assert _what(lambda: mc.check_history({"loss": [597.92]}, {"loss": [597.06]})) == "what.history_values"
    assert _what(lambda: mc.check_layers(None, [mc.dense(1)])) == "what.none"
    assert _what(lambda: mc.check_layers("model", [mc.dense(1)])) == "what.not_a_model"
    for key in ("what.progress", "what.named_values"):  # neither speaks of fit()'s history
        assert "fit() returned" not in t(key, "en") and "history" not in t(key, "en")


def test_a_layer_kind_reads_without_a_wrong_article():
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)])
    with pytest.raises(ExpectationFailed) as caught:
        mc.check_layers(model, [mc.dense(2), mc.activation("relu")])
    assert "missing: layer 2: Activation('relu')" in str(caught.value)
    assert " a Activation" not in str(caught.value)
