"""Visible tests for training.py: small seeded models, a few epochs, and the chapter's experiment."""

import keras
import numpy as np
import pytest

from keraskit import expect, target
from keraskit import modelcheck as mc

DATA = np.random.default_rng(7)
X = DATA.normal(size=(20, 3))
Y = (X[:, 0] - X[:, 1] > 0).astype(float)
X_VAL, Y_VAL = X[:6] + 0.1, Y[:6]


def classifier(metrics=("accuracy",)):
    """Dense(4, relu) -> Dense(1, sigmoid) with fixed starting weights: two calls give equal models."""
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(4, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
    weights = np.random.default_rng(0)
    model.set_weights([weights.normal(scale=0.5, size=w.shape) for w in model.get_weights()])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=list(metrics))
    return model


def _same_history(got, expected) -> bool:
    try:
        mc.check_history(got, expected)
    except AssertionError:
        return False
    return True


def _train_mistake(training, history):
    """What a history unlike Keras's seeded one shows: a second run with the same seed that differs
    (no seed, or numpy's only), or the history of fit without shuffling or with validation_split."""
    def diagnose():
        with target.unlogged(training):
            again = training.train(classifier(), X, Y, X_VAL, Y_VAL, epochs=2, batch_size=8, seed=3)
        if not _same_history(again, history):
            return "train-seed"
        for misconception, options in (("train-shuffle", {"validation_data": (X_VAL, Y_VAL), "shuffle": False}),
                                       ("train-validation-data", {"validation_split": 0.25})):
            keras.utils.set_random_seed(3)
            if _same_history(history, classifier().fit(X, Y, epochs=2, batch_size=8, verbose=0, **options).history):
                return misconception
        return None
    return diagnose


@pytest.mark.exercise("training.train")
def test_train_returns_the_history_dict_without_a_progress_bar(training, capsys):
    history = training.train(classifier(), X, Y, X_VAL, Y_VAL, epochs=2, batch_size=8)
    with expect.misconception("train-verbose"):
        mc.check_no_progress_output(capsys.readouterr().out)
    # A History object, not its dict, can be neither sorted nor indexed.
    with expect.misconception("train-return-and-checks", raised=TypeError):
        expect.equal(sorted(history), ["accuracy", "loss", "val_accuracy", "val_loss"], where="sorted(result)")
        expect.length(history["loss"], 2, where="result['loss']")


@pytest.mark.exercise("training.train")
def test_train_is_seeded_like_keras(training):
    history = training.train(classifier(), X, Y, X_VAL, Y_VAL, epochs=2, batch_size=8, seed=3)
    keras.utils.set_random_seed(3)
    expected = classifier().fit(X, Y, validation_data=(X_VAL, Y_VAL), epochs=2, batch_size=8, verbose=0)
    with expect.misconception(_train_mistake(training, history)):
        mc.check_history(history, expected.history)


@pytest.mark.exercise("training.train")
def test_train_seeds_keras_itself_whatever_ran_before(training):
    # keras.utils.set_random_seed seeds Python, numpy and the backend (fit's shuffling draws from
    # the backend): with seed=5 the run repeats Keras's even after other code moved the generators.
    keras.utils.set_random_seed(5)
    expected = classifier().fit(X, Y, validation_data=(X_VAL, Y_VAL), epochs=2, batch_size=8, verbose=0)
    keras.utils.set_random_seed(12345)  # the generators are somewhere else now
    history = training.train(classifier(), X, Y, X_VAL, Y_VAL, epochs=2, batch_size=8, seed=5)
    mc.check_history(history, expected.history)


@pytest.mark.exercise("training.train")
def test_train_rejects_zero_epochs(training):
    with expect.raises_value_error("epochs", misconception="train-return-and-checks"):
        training.train(classifier(), X, Y, X_VAL, Y_VAL, epochs=0, batch_size=8)


@pytest.mark.exercise("training.evaluate_named")
def test_evaluate_named_names_the_metric_not_compile_metrics(training):
    expected = classifier().evaluate(X, Y, verbose=0, return_dict=True)  # {"loss": ..., "accuracy": ...}
    got = training.evaluate_named(classifier(), X, Y)

    def diagnose():
        if type(got) is not dict or set(got) == {"loss"}:
            return "evaluate-return-dict"
        if "compile_metrics" in got or set(got) == set(expected) and all(type(v) is float for v in got.values()):
            return "evaluate-metrics-names"  # mislabelled values
        return "evaluate-return-dict" if set(got) == set(expected) else None  # Keras values, not Python floats

    with expect.misconception(diagnose):
        mc.check_named_values(got, expected)


@pytest.mark.exercise("training.predict_classes")
def test_predict_classes_thresholds_the_probabilities(training):
    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1, activation="sigmoid")])
    model.set_weights([np.array([[1.0]]), np.array([0.0])])  # p = sigmoid(x)
    x = np.array([[-2.0], [0.5], [3.0]])  # p = 0.12, 0.62, 0.95
    with expect.misconception("predict-classes-threshold-yourself", raised=AttributeError):  # predict_classes
        got = training.predict_classes(model, x)
    expect.equal(got, np.array([[0], [1], [1]]), wrong_answers={
        "predict-classes-strict-ints": np.array([[False], [True], [True]]),
        "predict-classes-threshold-yourself": np.array([0, 0, 0]),  # argmax of a single output
    })
    expect.equal(training.predict_classes(model, x, threshold=0.9), np.array([[0], [0], [1]]), wrong_answers={
        "predict-classes-strict-ints": np.array([[0], [1], [1]]),  # rounded: the threshold ignored
    })


@pytest.mark.exercise("training.predict_classes")
def test_predict_classes_exactly_at_the_threshold_is_0(training):
    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1, activation="sigmoid")])
    model.set_weights([np.array([[1.0]]), np.array([0.0])])  # p = sigmoid(x)
    x = np.array([[0.0], [1.0]])  # p = 0.5 exactly (sigmoid(0)), then 0.73
    expect.equal(training.predict_classes(model, x), np.array([[0], [1]]),
                 wrong_answers={"predict-classes-strict-ints": np.array([[1], [1]])})  # >= the threshold


@pytest.mark.exercise("training.predict_classes")
def test_predict_classes_rejects_a_threshold_above_one(training):
    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1, activation="sigmoid")])
    with expect.raises_value_error("threshold"):
        training.predict_classes(model, np.zeros((2, 1)), threshold=1.5)


@pytest.mark.exercise("training.boston_experiment")
def test_boston_experiment_rejects_zero_epochs(training):
    with expect.raises_value_error("epochs"):
        training.boston_experiment(epochs=0)


@pytest.mark.exercise("training.overfitting_gap")
def test_overfitting_gap_is_last_validation_minus_last_training(training):
    history = {"loss": [0.9, 0.5, 0.25], "val_loss": [1.0, 0.75, 0.5]}
    expect.scalar(training.overfitting_gap(history), 0.25, wrong_answers=[
        ("gap-last-val-minus-train", -0.25), ("gap-last-val-minus-train", 0.1)])  # the sign, the first epoch


@pytest.mark.exercise("training.overfitting_gap")
def test_overfitting_gap_of_a_metric(training):
    history = {"loss": [0.5], "accuracy": [0.75, 0.875], "val_loss": [0.5], "val_accuracy": [0.75, 0.5]}
    expect.scalar(training.overfitting_gap(history, "accuracy"), -0.375, wrong_answers=[
        ("gap-last-val-minus-train", 0.375), ("gap-last-val-minus-train", 0.0),  # the sign, the first epoch
        ("gap-last-val-minus-train", -0.125), ("gap-last-val-minus-train", -0.25)])  # the best (max or min) values


@pytest.mark.exercise("training.overfitting_gap")
def test_overfitting_gap_without_validation_lists_the_keys(training):
    with expect.raises_value_error("accuracy", misconception="gap-missing-key"):
        training.overfitting_gap({"loss": [0.5], "accuracy": [0.8]}, "loss")


@pytest.mark.exercise("training.boston_experiment")
def test_boston_experiment_returns_history_and_test_scores(training):
    result = training.boston_experiment(epochs=2, batch_size=300)
    expect.equal(sorted(result), ["history", "test_loss", "test_mape"], where="sorted(result)")
    expect.length(result["history"]["loss"], 2, where="result['history']['loss']")
    expect.length(result["history"]["val_loss"], 2, where="result['history']['val_loss']")
    assert np.isfinite(result["test_loss"]) and result["test_loss"] > 0
    assert np.isfinite(result["test_mape"]) and result["test_mape"] > 0


@pytest.mark.exercise("training.boston_experiment")
def test_boston_experiment_scores_the_test_split_loss_first(training):
    # Test and validation rows are houses alike: each test score is near its validation twin
    # (the loss near val_loss, the MAPE near the validation MAPE), but not equal to it.
    result = training.boston_experiment(epochs=1, batch_size=300)
    history = result["history"]
    val_loss = history["val_loss"][-1]
    expect.that(abs(result["test_loss"] - val_loss) > 1e-4 * abs(val_loss), "test.test_split",
                misconception="boston-test-split")
    mape = next(name for name in history if name.startswith("val_") and name != "val_loss")
    twins = {"test_loss": val_loss, "test_mape": history[mape][-1]}

    def swapped():  # each score near the other one's twin: evaluate's two results unpacked the wrong way round
        near = all(0.5 < result[key] / twins[other] < 2.0 for key, other in (("test_loss", "test_mape"),
                                                                              ("test_mape", "test_loss")))
        return "boston-evaluate-order" if near else None

    for key, twin in twins.items():
        with expect.misconception(swapped):
            expect.that(0.5 < result[key] / twin < 2.0, "test.near_twin", key=key, value=f"{result[key]:.2f}",
                        twin=f"{twin:.2f}")


@pytest.mark.exercise("training.boston_experiment")
def test_boston_experiment_does_not_train_on_the_validation_rows(training):
    # 300 training rows: any batch_size >= 300 is one full batch, so the results cannot differ.
    # Training on all 404 rows (the book's mistake) makes batch_size=300 two steps per epoch.
    one_batch = training.boston_experiment(epochs=1, batch_size=300, seed=1)["history"]
    bigger_batch = training.boston_experiment(epochs=1, batch_size=1000, seed=1)["history"]

    def diagnose():
        """A second run with the same seed that differs: seeded after building. Trained on all 404
        rows: a batch of 404 is then one full batch too, the same as 1000; anything else: unknown."""
        with target.unlogged(training):
            again = training.boston_experiment(epochs=1, batch_size=300, seed=1)["history"]
            all_rows = training.boston_experiment(epochs=1, batch_size=404, seed=1)["history"]
        if not _same_history(again, one_batch):
            return "boston-seed-first"
        return "boston-train-rows" if _same_history(all_rows, bigger_batch) else None

    with expect.misconception(diagnose):
        mc.check_history(bigger_batch, one_batch, rtol=1e-4)


@pytest.mark.exercise("training.boston_experiment")
def test_boston_experiment_trains_300_rows_with_the_given_batch_size(training):
    # On the 300 training rows a batch of 299 makes two steps per epoch and a batch of 300 one:
    # the histories differ. They are the same when fit ignores batch_size (the book's 32) or
    # trains on 299 rows or fewer (validation_split=0.26 keeps 298).
    full_batch = training.boston_experiment(epochs=1, batch_size=300, seed=1)["history"]
    two_steps = training.boston_experiment(epochs=1, batch_size=299, seed=1)["history"]

    def diagnose():
        """A batch of 100 is three steps on any of those row counts: the same history as a batch of
        300 means batch_size is not passed on; a different one, fewer rows than 300."""
        with target.unlogged(training):
            three_steps = training.boston_experiment(epochs=1, batch_size=100, seed=1)["history"]
        return "boston-arguments" if _same_history(three_steps, full_batch) else "boston-train-rows"

    with expect.misconception(diagnose):
        expect.that(not _same_history(two_steps, full_batch), "test.batch_size_used")
