"""Hidden tests for training.py: Keras's own fit/evaluate/predict on twin models as the oracle,
seeds, key names, thresholds, bad input, and the Boston experiment's properties.

The Boston experiment is costly, so its tests come in two stages. Two quick runs (1-2 epochs)
are compared with Keras's own seeded run of the same experiment (``_keras_boston_run``, memoised:
paid once per grading run); the student's real 30-epoch run happens once per session, and only
when the quick checks pass, so a wrong answer does not pay for it. Comparing with a real run is
what makes made-up histories and scores earn nothing.
"""

import math

import keras
import numpy as np
import pytest

from keraskit import expect, oracle, plugin, target
from keraskit import modelcheck as mc
from keraskit.datasets import load_boston_housing
from keraskit.i18n import t

RNG = np.random.default_rng(20261128)
X = RNG.normal(size=(26, 3))
Y = (X[:, 0] + 0.5 * X[:, 2] > 0).astype(float)
X_VAL = RNG.normal(size=(9, 3))
Y_VAL = (X_VAL[:, 0] + 0.5 * X_VAL[:, 2] > 0).astype(float)


def _model(outputs=1, activation="sigmoid", loss="binary_crossentropy", metrics=("accuracy",), seed=0):
    """A small compiled model whose starting weights come from ``seed`` only: equal seeds, twin models."""
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(5, activation="relu"),
                              keras.layers.Dense(outputs, activation=activation)])
    weights = np.random.default_rng(seed)
    model.set_weights([weights.normal(scale=0.6, size=w.shape) for w in model.get_weights()])
    # A large step size, so that a different batch order gives clearly different numbers.
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.05), loss=loss, metrics=list(metrics))
    return model


@oracle.memoised
def _keras_boston_run(epochs: int, batch_size: int, seed: int) -> dict:
    """Keras's own run of the chapter's Boston experiment, seeded as the exercise's docstring says.

    ``keras.utils.set_random_seed(seed)``, then the regressor (13 relu -> 6 relu -> 1, one
    ``RandomNormal(stddev=0.05)`` per layer, Adam, MSE, MAPE), fit on ``x_train[:300]`` with
    ``x_train[300:]`` as validation data, evaluated on the test split. Seeding again right
    before ``fit`` changes nothing (building draws no backend random numbers), nor does a
    functional model instead of a Sequential one. Memoised: the answer is the same for every
    submission, so a grading run pays for it once.
    """
    (x_train, y_train), (x_test, y_test) = load_boston_housing()
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input(shape=(x_train.shape[1],))] + [
        keras.layers.Dense(units, activation=activation,
                           kernel_initializer=keras.initializers.RandomNormal(stddev=0.05))
        for units, activation in ((13, "relu"), (6, "relu"), (1, None))])
    model.compile(optimizer=keras.optimizers.Adam(), loss="mean_squared_error",
                  metrics=[keras.metrics.MeanAbsolutePercentageError()])
    history = model.fit(x_train[:300], y_train[:300], validation_data=(x_train[300:], y_train[300:]),
                        epochs=epochs, batch_size=batch_size, verbose=0).history
    test_loss, test_mape = model.evaluate(x_test, y_test, verbose=0)
    return {"loss": list(history["loss"]), "val_loss": list(history["val_loss"]),
            "mape": list(history["mean_absolute_percentage_error"]),
            "val_mape": list(history["val_mean_absolute_percentage_error"]),
            "test_loss": float(test_loss), "test_mape": float(test_mape)}


def _scramble_global_seed():
    """Leave the global generators somewhere else, so only code that seeds itself repeats Keras."""
    keras.utils.set_random_seed(int(RNG.integers(1_000, 1_000_000)))


# ------------------------------------------------------------------ train


@oracle.memoised
def _keras_history(model_seed, seed, epochs, batch_size, metrics=("accuracy",)):
    """The oracle: Keras's own seeded fit of a twin model."""
    keras.utils.set_random_seed(seed)
    model = _model(seed=model_seed, metrics=metrics)
    return model.fit(X, Y, validation_data=(X_VAL, Y_VAL), epochs=epochs, batch_size=batch_size, verbose=0).history


@pytest.mark.exercise("training.train")
def test_train_equals_seeded_keras_fit(training, capsys):
    # 26 rows in batches of 5: six steps an epoch, the last one partial, in a seeded shuffled order.
    expected = _keras_history(1, seed=7, epochs=3, batch_size=5)
    _scramble_global_seed()
    history = training.train(_model(seed=1), X, Y, X_VAL, Y_VAL, 3, 5, seed=7)
    mc.check_no_progress_output(capsys.readouterr().out)
    mc.check_history(history, expected, rtol=1e-5)


@pytest.mark.exercise("training.train")
def test_train_default_seed_is_zero(training):
    expected = _keras_history(2, seed=0, epochs=1, batch_size=13)
    _scramble_global_seed()
    mc.check_history(training.train(_model(seed=2), X, Y, X_VAL, Y_VAL, 1, 13), expected, rtol=1e-5)


@pytest.mark.exercise("training.train")
def test_train_reports_every_metric_with_its_validation_pair(training, capsys):
    model = _model(seed=3, activation=None, loss="mse",
                   metrics=("mae", keras.metrics.MeanAbsolutePercentageError()))
    history = training.train(model, X, Y + 1.0, X_VAL, Y_VAL + 1.0, 2, 10, seed=5)
    mc.check_no_progress_output(capsys.readouterr().out)
    names = ["loss", "mae", "mean_absolute_percentage_error"]
    expect.equal(sorted(history), sorted(names + [f"val_{name}" for name in names]), where="sorted(result)")


@pytest.mark.exercise("training.train")
@pytest.mark.parametrize("argument, bad", [("epochs", 0), ("epochs", -1), ("epochs", 2.5), ("batch_size", 0),
                                           ("batch_size", -8)])
def test_train_rejects_bad_counts(training, argument, bad):
    counts = {"epochs": 1, "batch_size": 4, argument: bad}
    with expect.raises_value_error(argument, misconception="train-return-and-checks"):
        training.train(_model(), X, Y, X_VAL, Y_VAL, **counts)


# ------------------------------------------------------------------ evaluate_named


EVALUATED = {  # case -> how the model is compiled (a function: metric objects hold state, so fresh ones each time)
    "accuracy": lambda: {},
    "no_metrics": lambda: {"metrics": ()},
    "regression_metrics": lambda: {"activation": None, "loss": "mse",
                                   "metrics": ("mae", keras.metrics.MeanAbsolutePercentageError())},
    "softmax": lambda: {"outputs": 2, "activation": "softmax", "loss": "categorical_crossentropy",
                        "metrics": ("accuracy", keras.metrics.AUC(name="auc"))},
}
TARGETS = {"accuracy": Y, "no_metrics": Y, "regression_metrics": Y + 1.0, "softmax": np.eye(2)[Y.astype(int)]}


@oracle.memoised
def _keras_evaluation(case):
    """The oracle: Keras's own evaluate(return_dict=True) of the twin model compiled as ``case``."""
    return _model(seed=4, **EVALUATED[case]()).evaluate(X, TARGETS[case], verbose=0, return_dict=True)


@pytest.mark.exercise("training.evaluate_named")
@pytest.mark.parametrize("case", list(EVALUATED))
def test_evaluate_named_equals_keras_return_dict(training, case):
    compiled, y = EVALUATED[case], TARGETS[case]
    expected = _keras_evaluation(case)
    got = training.evaluate_named(_model(seed=4, **compiled()), X, y)
    mc.check_named_values(got, expected, rtol=1e-5)


# ------------------------------------------------------------------ predict_classes


def _sigmoid_of_difference(units=1):
    """p = sigmoid(x0 - x1) for every output unit: known probabilities, 0.5 exactly when x0 == x1."""
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(units, activation="sigmoid")])
    kernel = np.tile(np.array([[1.0], [-1.0]]), (1, units)) * np.arange(1, units + 1)
    model.set_weights([kernel, np.zeros(units)])
    return model


Z = np.array([-4.0, -0.5, 0.0, 0.2, 0.3, 0.9, 2.0, 6.0])  # the logits x0 - x1
PAIRS = np.stack([Z, np.zeros_like(Z)], axis=1)


@pytest.mark.exercise("training.predict_classes")
@pytest.mark.parametrize("threshold", [0.5, 0.7, 0.2, 0.0, 1.0, 0.55])
def test_predict_classes_equals_thresholded_keras_predict(training, threshold):
    model = _sigmoid_of_difference()
    expected = (np.asarray(model.predict(PAIRS, verbose=0)) > threshold).astype(np.int64)
    expect.equal(training.predict_classes(model, PAIRS, threshold=threshold), expected)


@pytest.mark.exercise("training.predict_classes")
def test_predict_classes_exactly_one_half_is_class_zero(training):
    # sigmoid(0) is exactly 0.5, which is not above the threshold 0.5.
    expect.equal(training.predict_classes(_sigmoid_of_difference(), np.array([[1.5, 1.5], [0.0, 0.0]])),
                 np.array([[0], [0]]))


@pytest.mark.exercise("training.predict_classes")
def test_predict_classes_keeps_the_shape_of_several_sigmoid_outputs(training):
    model = _sigmoid_of_difference(units=3)
    expected = (np.asarray(model.predict(PAIRS, verbose=0)) > 0.6).astype(np.int64)
    expect.equal(training.predict_classes(model, PAIRS, 0.6), expected)


@pytest.mark.exercise("training.predict_classes")
@pytest.mark.parametrize("threshold", [-0.1, 1.5, -1e-9, 1.0 + 1e-9])
def test_predict_classes_rejects_thresholds_that_are_not_probabilities(training, threshold):
    with expect.raises_value_error("threshold"):
        training.predict_classes(_sigmoid_of_difference(), PAIRS, threshold=threshold)


# ------------------------------------------------------------------ overfitting_gap


@pytest.mark.exercise("training.overfitting_gap")
def test_overfitting_gap_on_a_real_keras_history(training):
    history = _keras_history(5, seed=9, epochs=3, batch_size=13, metrics=("mae",))
    expect.scalar(training.overfitting_gap(history), history["val_loss"][-1] - history["loss"][-1])
    expect.scalar(training.overfitting_gap(history, "mae"), history["val_mae"][-1] - history["mae"][-1])


@pytest.mark.exercise("training.overfitting_gap")
@pytest.mark.parametrize("train_values, val_values", [
    ([5.0, 3.0, 1.0], [5.5, 4.0, 4.5]),      # overfitting: the gap grows
    ([0.4, 0.3], [0.35, 0.2]),               # validation below training: a negative gap
    ([2], [2]),                              # one epoch, ints
    ([1e4, 3.0], [-7.0, 3.0]),               # the last epoch counts, not the first or the extremes
])
def test_overfitting_gap_uses_the_last_epoch(training, train_values, val_values):
    history = {"loss": list(train_values), "val_loss": list(val_values), "mae": [1.0], "val_mae": [1.0]}
    expect.scalar(training.overfitting_gap(history), float(val_values[-1]) - float(train_values[-1]))


def _error_names_every_key(call, keys):
    with pytest.raises(ValueError) as caught:
        call()
    missing = [key for key in keys if key not in str(caught.value)]
    expect.that(not missing, "test.lists_keys", kind=expect.WRONG_ERROR, keys=keys, message=str(caught.value))


@pytest.mark.exercise("training.overfitting_gap")
def test_overfitting_gap_missing_metric_lists_the_available_keys(training):
    history = {"loss": [1.0], "val_loss": [2.0], "precision": [0.5], "val_precision": [0.4]}
    _error_names_every_key(lambda: training.overfitting_gap(history, "recall"), list(history))


@pytest.mark.exercise("training.overfitting_gap")
def test_overfitting_gap_without_validation_lists_the_available_keys(training):
    history = {"loss": [1.0, 0.5], "auc": [0.6, 0.7]}
    _error_names_every_key(lambda: training.overfitting_gap(history, "auc"), list(history))


@pytest.mark.exercise("training.overfitting_gap")
def test_overfitting_gap_rejects_an_empty_history_list(training):
    # The docstring asks for a ValueError and names nothing: any of the words at stake will do.
    with expect.raises_value_error("loss", "val_loss", "history", "metric", "empty", "epoch", "epochs"):
        training.overfitting_gap({"loss": [], "val_loss": []})


# ------------------------------------------------------------------ boston_experiment

MAPE_NAMES = ("mape", "mean_absolute_percentage_error", "MAPE")
FULL_EPOCHS = 30
# The same seeded float32 computation gives the same numbers; this leaves room for another
# summation order (evaluate in other batches), nothing more.
BOSTON_RTOL = 1e-4


@pytest.fixture(scope="module")
def training_module(request):
    """The graded module for module-scoped fixtures (the plugin's own fixture is per test)."""
    return target.GradedModule("training", plugin.loader_of(request.config), target.CallLog())


@pytest.fixture(scope="module")
def quick_runs(training_module):
    """Two short experiments: another seed and batch size, and the first epoch of the default run."""
    run = training_module.boston_experiment
    return {
        "base": run(epochs=2, batch_size=100, seed=5),  # three steps an epoch on the 300 training rows
        "default_start": run(epochs=1),  # batch_size 32, seed 0: the first epoch of the real run
    }


QUICK_ARGUMENTS = {"base": {"epochs": 2, "batch_size": 100, "seed": 5}, "default_start": {"epochs": 1}}


def _first_epoch(history):
    return {key: values[:1] for key, values in history.items()}


def _check_result_shape(result, epochs):
    expect.equal(type(result).__name__, "dict")
    expect.equal(sorted(result), ["history", "test_loss", "test_mape"], where="sorted(result)")
    history = result["history"]
    expect.equal(type(history).__name__, "dict")
    mape = [name for name in MAPE_NAMES if name in history]
    expect.that(mape, "test.history_mape", kind=expect.HISTORY, keys=sorted(history))
    expect.equal(sorted(history), sorted(["loss", "val_loss", mape[0], "val_" + mape[0]]),
                 where="sorted(result['history'])")
    for key, values in history.items():
        expect.that(isinstance(values, list) and len(values) == epochs, "test.history_count", kind=expect.HISTORY,
                    key=repr(key), epochs=epochs)
        expect.that(all(math.isfinite(v) for v in values), "test.history_finite", kind=expect.HISTORY,
                    key=repr(key), values=values)
    for key in ("test_loss", "test_mape"):
        expect.scalar(result[key], result[key])  # a real number, not an array
        expect.that(math.isfinite(result[key]) and result[key] > 0, "test.positive", key=key, value=result[key])


def _check_quick_shape(quick_runs):
    _check_result_shape(quick_runs["base"], 2)
    _check_result_shape(quick_runs["default_start"], 1)


def _check_equals_seeded_keras_run(result, arguments):
    """The returned numbers are those of Keras's own run of the experiment, seeded as the docstring says.

    Made-up numbers cannot pass: the oracle trains a real model on the real rows."""
    arguments = {"epochs": 30, "batch_size": 32, "seed": 0, **arguments}
    expected = _keras_boston_run(arguments["epochs"], arguments["batch_size"], arguments["seed"])
    history = result["history"]
    mape = next(name for name in MAPE_NAMES if name in history)
    wanted = {"loss": expected["loss"], "val_loss": expected["val_loss"],
              mape: expected["mape"], "val_" + mape: expected["val_mape"]}
    call = ", ".join(f"{key}={value}" for key, value in arguments.items())
    try:
        mc.check_history(history, wanted, rtol=BOSTON_RTOL)
        for key in ("test_loss", "test_mape"):
            expect.scalar(result[key], expected[key], rtol=BOSTON_RTOL)
    except expect.ExpectationFailed as failure:
        raise expect.ExpectationFailed(t("test.not_the_seeded_run", call=f"boston_experiment({call})")
                                       + f"\n{failure}", failure.kind) from None


def _check_quick_runs_equal_seeded_keras_runs(quick_runs):
    for name, arguments in QUICK_ARGUMENTS.items():
        _check_equals_seeded_keras_run(quick_runs[name], arguments)


def _check_test_split_is_scored(quick_runs):
    result = quick_runs["base"]
    val_loss = result["history"]["val_loss"][-1]
    expect.that(not math.isclose(result["test_loss"], val_loss, rel_tol=1e-4), "test.test_split")


def _check_scores_are_loss_then_mape(result):
    # Test and validation rows come from the same houses, so each test score is near its
    # validation twin and far from the other one (MSE and MAPE differ by a factor of 2 or more:
    # about 600 vs 97 after 2 epochs, 70-90 vs 25-40 after 30).
    history = result["history"]
    mape = next(name for name in MAPE_NAMES if name in history)
    twins = {"test_loss": history["val_loss"][-1], "test_mape": history["val_" + mape][-1]}
    for key, twin in twins.items():
        ratio = result[key] / twin
        expect.that(0.5 < ratio < 2.0, "test.near_twin", key=key, value=f"{result[key]:.2f}", twin=f"{twin:.2f}")


def _check_quick_scores(quick_runs):
    _check_scores_are_loss_then_mape(quick_runs["base"])


QUICK_CHECKS = [_check_quick_shape, _check_test_split_is_scored, _check_quick_scores,
                _check_quick_runs_equal_seeded_keras_runs]


@pytest.mark.exercise("training.boston_experiment")
@pytest.mark.parametrize("check", QUICK_CHECKS, ids=[c.__name__.removeprefix("_check_") for c in QUICK_CHECKS])
def test_boston_experiment_quick(training, quick_runs, check):
    check(quick_runs)


@pytest.mark.exercise("training.boston_experiment")
@pytest.mark.parametrize("argument, bad", [("epochs", 0), ("batch_size", 0), ("epochs", 1.5)])
def test_boston_experiment_rejects_bad_counts(training, argument, bad):
    with expect.raises_value_error(argument):
        training.boston_experiment(**{argument: bad})


@pytest.fixture(scope="module")
def full_run(training_module, quick_runs):
    """The chapter's real experiment with the defaults (30 epochs), run once — after the quick checks."""
    for check in QUICK_CHECKS:
        try:
            check(quick_runs)
        except AssertionError as failure:
            raise expect.ExpectationFailed(t("test.full_run_skipped", failure=failure), expect.HISTORY) from None
    return training_module.boston_experiment()


@pytest.mark.exercise("training.boston_experiment")
def test_boston_experiment_defaults_run_30_epochs(training, full_run):
    _check_result_shape(full_run, FULL_EPOCHS)


@pytest.mark.exercise("training.boston_experiment")
def test_boston_experiment_learns(training, full_run):
    loss = full_run["history"]["loss"]
    expect.that(loss[-1] < 0.5 * loss[0], "test.loss_falls", kind=expect.HISTORY, first=f"{loss[0]:.1f}",
                last=f"{loss[-1]:.1f}")
    # Predicting the mean training price scores an MSE of about the variance of the test prices.
    (_, y_train), (_, y_test) = load_boston_housing()
    constant_guess = float(np.mean((y_test - y_train[:300].mean()) ** 2))
    expect.that(full_run["test_loss"] < 2 * constant_guess, "test.worse_than_mean",
                loss=f"{full_run['test_loss']:.1f}", guess=f"{constant_guess:.1f}")


@pytest.mark.exercise("training.boston_experiment")
def test_boston_experiment_test_scores_are_loss_then_mape(training, full_run):
    _check_scores_are_loss_then_mape(full_run)


@pytest.mark.exercise("training.boston_experiment")
def test_boston_experiment_equals_seeded_keras_run(training, full_run):
    _check_equals_seeded_keras_run(full_run, {})


@pytest.mark.exercise("training.boston_experiment")
def test_boston_experiment_is_repeatable(training, full_run, quick_runs):
    # Same seed, same batch size: the first epoch of the real run is the 1-epoch run done earlier.
    mc.check_history(_first_epoch(full_run["history"]), quick_runs["default_start"]["history"], rtol=1e-6)
