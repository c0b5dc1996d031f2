"""Hidden tests for optimizers.py: real Keras 3 optimizers on float64 variables, several steps,
the corner cases of momentum, Nesterov and Adam's bias correction, and every bad input.

Keras keeps hyperparameters such as the learning rate and the betas as float32 numbers. Tests
that must tell close formulas apart use hyperparameters that float32 holds exactly (0.125,
0.875, ...) and a tight tolerance; tests with the usual values (0.01, 0.999) allow for float32.
"""

import math

import numpy as np
import pytest

from keraskit import expect, oracle
from keraskit.oracle import keras

RNG = np.random.default_rng(20261205)
EXACT = 1e-10  # float32-exact hyperparameters: only float64 rounding separates us from Keras
LOOSE_SGD = 1e-6  # learning rates such as 0.01 are rounded to float32 by Keras
LOOSE_ADAM = 2e-5  # beta_2 = 0.999 rounded to float32 moves sqrt(1 - beta_2 ** t) by ~1e-5


@oracle.memoised
def _keras_sgd(w, grads, velocity, learning_rate, momentum, nesterov):
    """``len(grads)`` updates of keras.optimizers.SGD from ``w`` and the momentum slot ``velocity``."""
    variable = keras.Variable(np.array(w, dtype=np.float64), dtype="float64")
    optimizer = keras.optimizers.SGD(learning_rate=learning_rate, momentum=momentum, nesterov=nesterov)
    optimizer.build([variable])
    if momentum != 0:
        optimizer.momentums[0].assign(np.array(velocity, dtype=np.float64))
    for grad in grads:
        optimizer.apply_gradients([(np.array(grad, dtype=np.float64), variable)])
    new_velocity = optimizer.momentums[0].numpy() if momentum != 0 else np.array(velocity, dtype=np.float64)
    return variable.numpy(), new_velocity


@oracle.memoised
def _keras_adam(w, grads, m, v, t, **hyper):
    """``len(grads)`` updates of keras.optimizers.Adam, the first of them update number ``t``."""
    variable = keras.Variable(np.array(w, dtype=np.float64), dtype="float64")
    optimizer = keras.optimizers.Adam(**hyper)
    optimizer.build([variable])
    optimizer._momentums[0].assign(np.array(m, dtype=np.float64))
    optimizer._velocities[0].assign(np.array(v, dtype=np.float64))
    optimizer.iterations.assign(t - 1)  # Keras counts finished updates; t is 1-based
    for grad in grads:
        optimizer.apply_gradients([(np.array(grad, dtype=np.float64), variable)])
    return variable.numpy(), optimizer._momentums[0].numpy(), optimizer._velocities[0].numpy()


def _expect_step(new_w, w, expected_w, rtol):
    """Check the new weights and, sharper, the step itself (w is large, the step small).

    The step is read back from new_w, so it can be no more exact than new_w: in float32 that is
    about 1e-7 of the largest weight, which is the absolute tolerance of the step."""
    w = np.asarray(w, dtype=np.float64)
    expect.close(new_w, expected_w, rtol=rtol)
    expect.close(expect.as_array(new_w) - w, expected_w - w, rtol=rtol * 10, atol=1e-6 * float(np.max(np.abs(w))))


# ---------------------------------------------------------------- iterations_per_epoch

@pytest.mark.exercise("optimizers.iterations_per_epoch")
@pytest.mark.parametrize("n_samples, batch_size", [
    (500, 64), (512, 64), (513, 64), (511, 64), (1, 1), (1, 64), (64, 64), (65, 64), (404, 32),
    (7, 3), (6, 3), (1000, 1), (999_999, 1000), (10, 10_000)])
def test_iterations_per_epoch_is_the_ceiling(optimizers, n_samples, batch_size):
    expect.equal(optimizers.iterations_per_epoch(n_samples, batch_size), math.ceil(n_samples / batch_size))


@pytest.mark.exercise("optimizers.iterations_per_epoch")
def test_iterations_per_epoch_accepts_numpy_integers(optimizers):
    expect.equal(optimizers.iterations_per_epoch(np.int64(500), np.int32(64)), 8)


@pytest.mark.exercise("optimizers.iterations_per_epoch")
@pytest.mark.parametrize("n_samples, batch_size, argument", [
    (500, 0, "batch_size"), (500, -64, "batch_size"), (500, 2.5, "batch_size"), (-1, 64, "n_samples"),
    (500.5, 64, "n_samples"), (-500, -64, "")])
def test_iterations_per_epoch_rejects_bad_sizes(optimizers, n_samples, batch_size, argument):
    with expect.raises_value_error(argument, misconception="iterations-unchecked"):
        optimizers.iterations_per_epoch(n_samples, batch_size)


# ---------------------------------------------------------------- batch_slices

@pytest.mark.exercise("optimizers.batch_slices")
@pytest.mark.parametrize("n_samples, batch_size", [
    (500, 64), (512, 64), (1, 1), (1, 64), (64, 64), (65, 64), (7, 3), (6, 3), (10, 1), (3, 10)])
def test_batch_slices_match_an_explicit_list(optimizers, n_samples, batch_size):
    expected, start = [], 0
    while start < n_samples:
        stop = start + batch_size if start + batch_size < n_samples else n_samples
        expected.append((start, stop))
        start = stop
    expect.equal(optimizers.batch_slices(n_samples, batch_size), expected)


@pytest.mark.exercise("optimizers.batch_slices")
@pytest.mark.parametrize("n_samples, batch_size", [(1000, 7), (404, 32), (2, 2), (97, 10)])
def test_batch_slices_cover_every_sample_once_in_order(optimizers, n_samples, batch_size):
    slices = optimizers.batch_slices(n_samples, batch_size)
    expect.length(slices, math.ceil(n_samples / batch_size))
    covered = np.concatenate([np.arange(start, stop) for start, stop in slices])
    expect.equal(covered, np.arange(n_samples), where="[i for start, stop in result for i in range(start, stop)]")
    sizes = [stop - start for start, stop in slices]
    expect.equal(sizes[:-1], [batch_size] * (len(sizes) - 1), where="[stop - start for start, stop in result][:-1]")
    expect.equal(sizes[-1] == n_samples - batch_size * (len(sizes) - 1), True)


@pytest.mark.exercise("optimizers.batch_slices")
@pytest.mark.parametrize("n_samples, batch_size, argument", [
    (500, 0, "batch_size"), (500, -1, "batch_size"), (500, 1.5, "batch_size"), (-5, 2, "n_samples"),
    (4.0001, 2, "n_samples")])
def test_batch_slices_rejects_bad_sizes(optimizers, n_samples, batch_size, argument):
    with expect.raises_value_error(argument):
        optimizers.batch_slices(n_samples, batch_size)


# ---------------------------------------------------------------- linear_regression_gradients

def _tape_gradients(x, y, w, b):
    """The gradients TensorFlow's autodiff finds for Keras's mean squared error."""
    import tensorflow as tf

    w_var = tf.Variable(np.asarray(w, dtype=np.float64))
    b_var = tf.Variable(np.float64(b))
    with tf.GradientTape() as tape:
        prediction = tf.linalg.matvec(tf.constant(np.asarray(x, dtype=np.float64)), w_var) + b_var
        mse = keras.losses.MeanSquaredError(dtype="float64")
        loss = mse(np.asarray(y, dtype=np.float64)[:, None], prediction[:, None])
    dw, db = tape.gradient(loss, [w_var, b_var])
    return dw.numpy(), float(db.numpy())


@pytest.mark.exercise("optimizers.linear_regression_gradients")
@pytest.mark.parametrize("n, d, scale", [(1, 1, 1.0), (5, 3, 1.0), (40, 13, 1.0), (7, 2, 1e4), (3, 6, 1e-3)])
def test_linear_regression_gradients_equal_autodiff(optimizers, n, d, scale):
    x = RNG.normal(size=(n, d)) * scale
    y = RNG.normal(size=n) * scale
    w = RNG.normal(size=d)
    b = float(RNG.normal())
    expected_dw, expected_db = _tape_gradients(x, y, w, b)
    dw, db = optimizers.linear_regression_gradients(x, y, w, b)
    expect.close(dw, expected_dw, rtol=1e-9, atol=1e-12 * scale ** 2, where="result[0]")
    expect.scalar(db, expected_db, rtol=1e-9, atol=1e-12 * scale, where="result[1]")


@pytest.mark.exercise("optimizers.linear_regression_gradients")
def test_linear_regression_gradients_match_finite_differences(optimizers):
    x = RNG.normal(size=(6, 3))
    y = RNG.normal(size=6)
    w = RNG.normal(size=3)
    b = 0.3

    def loss(w_, b_):
        return float(np.mean((x @ w_ + b_ - y) ** 2))

    h = 1e-6
    numeric_dw = [(loss(w + h * e, b) - loss(w - h * e, b)) / (2 * h) for e in np.eye(3)]
    numeric_db = (loss(w, b + h) - loss(w, b - h)) / (2 * h)
    dw, db = optimizers.linear_regression_gradients(x, y, w, b)
    expect.close(dw, numeric_dw, rtol=1e-6, atol=1e-8, where="result[0]")
    expect.scalar(db, numeric_db, rtol=1e-6, atol=1e-8, where="result[1]")


@pytest.mark.exercise("optimizers.linear_regression_gradients")
def test_linear_regression_gradients_accept_ints_and_lists(optimizers):
    x, y, w, b = [[1, 2], [3, 4], [5, 7]], [1, 0, 2], [1, -1], 2
    error = np.array([1 - 2 + 2 - 1, 3 - 4 + 2 - 0, 5 - 7 + 2 - 2], dtype=float)
    dw, db = optimizers.linear_regression_gradients(x, y, w, b)
    expect.close(dw, 2 / 3 * np.array(x, dtype=float).T @ error, where="result[0]")
    expect.scalar(db, 2 / 3 * error.sum(), where="result[1]")


@pytest.mark.exercise("optimizers.linear_regression_gradients")
def test_linear_regression_gradients_never_broadcast_a_column_of_targets(optimizers):
    x = RNG.normal(size=(5, 2))
    y = RNG.normal(size=5)
    w, b = RNG.normal(size=2), -0.7
    expected_dw, expected_db = optimizers.linear_regression_gradients(x, y, w, b)
    # y as (n, 1) may be read as (n,) or refused, but never broadcast against (n,) into (n, n).
    try:
        dw, db = optimizers.linear_regression_gradients(x, y[:, None], w, b)
    except ValueError as error:
        expect.that("y" in str(error), "expect.message_lacks", kind=expect.WRONG_ERROR, argument="y", message=str(error))
        return
    expect.close(dw, expected_dw, rtol=1e-12, where="result[0]")
    expect.scalar(db, expected_db, rtol=1e-12, where="result[1]")


@pytest.mark.exercise("optimizers.linear_regression_gradients")
@pytest.mark.parametrize("x, y, w, b, argument", [
    (np.ones((3, 2)), np.ones(3), np.ones(3), 0.0, "w"),
    (np.ones((3, 2)), np.ones(3), np.ones(1), 0.0, "w"),
    (np.ones((3, 2)), np.ones(4), np.ones(2), 0.0, "y"),
    (np.ones((3, 2)), np.ones(2), np.ones(2), 0.0, "y"),
    (np.ones((3, 2, 1)), np.ones(3), np.ones(2), 0.0, "x"),
    (np.ones((0, 2)), np.ones(0), np.ones(2), 0.0, "x"),
])
def test_linear_regression_gradients_rejects_bad_shapes(optimizers, x, y, w, b, argument):
    # Two arrays that do not fit each other: naming either one is right (the docstring says "the argument").
    with expect.raises_value_error(argument, *(("x",) if argument in ("w", "y") else ())):
        optimizers.linear_regression_gradients(x, y, w, b)


# ---------------------------------------------------------------- sgd_step

SGD_SETTINGS = [
    pytest.param(0.125, 0.0, False, id="plain"),
    pytest.param(0.125, 0.0, True, id="nesterov-without-momentum-is-plain"),
    pytest.param(0.125, 0.875, False, id="momentum"),
    pytest.param(0.125, 0.875, True, id="nesterov"),
    pytest.param(0.5, 0.5, True, id="nesterov-half"),
    pytest.param(0.25, 1.0, False, id="momentum-one"),
]


@pytest.mark.exercise("optimizers.sgd_step")
@pytest.mark.parametrize("learning_rate, momentum, nesterov", SGD_SETTINGS)
@pytest.mark.parametrize("shape", [(3,), (2, 3)])
def test_sgd_step_one_update_equals_keras(optimizers, learning_rate, momentum, nesterov, shape):
    w = RNG.normal(size=shape) * 3
    grad = RNG.normal(size=shape)
    velocity = RNG.normal(size=shape) * 0.5
    expected_w, expected_velocity = _keras_sgd(w, [grad], velocity, learning_rate, momentum, nesterov)
    new_w, new_velocity = optimizers.sgd_step(w.copy(), grad.copy(), velocity.copy(), learning_rate=learning_rate,
                                              momentum=momentum, nesterov=nesterov)
    _expect_step(new_w, w, expected_w, EXACT)
    expect.close(new_velocity, expected_velocity, rtol=EXACT, where="result[1]")


@pytest.mark.exercise("optimizers.sgd_step")
@pytest.mark.parametrize("learning_rate, momentum, nesterov", SGD_SETTINGS)
def test_sgd_step_five_updates_equal_keras(optimizers, learning_rate, momentum, nesterov):
    w = RNG.normal(size=4)
    grads = RNG.normal(size=(5, 4))
    velocity = np.zeros(4)
    expected_w, expected_velocity = _keras_sgd(w, grads, velocity, learning_rate, momentum, nesterov)
    new_w, new_velocity = w.copy(), velocity.copy()
    for grad in grads:
        new_w, new_velocity = optimizers.sgd_step(new_w, grad.copy(), new_velocity, learning_rate=learning_rate,
                                                  momentum=momentum, nesterov=nesterov)
    _expect_step(new_w, w, expected_w, EXACT)
    expect.close(new_velocity, expected_velocity, rtol=EXACT, atol=1e-12, where="result[1]")


@pytest.mark.exercise("optimizers.sgd_step")
@pytest.mark.parametrize("momentum, nesterov", [(0.0, False), (0.9, False), (0.9, True), (0.99, True)])
def test_sgd_step_with_the_usual_values_and_large_weights(optimizers, momentum, nesterov):
    w = RNG.uniform(-1e4, 1e4, size=5)
    grad = RNG.uniform(-1e4, 1e4, size=5)
    velocity = RNG.normal(size=5) * 10
    expected_w, expected_velocity = _keras_sgd(w, [grad], velocity, 0.01, momentum, nesterov)
    new_w, new_velocity = optimizers.sgd_step(w.copy(), grad.copy(), velocity.copy(), learning_rate=0.01,
                                              momentum=momentum, nesterov=nesterov)
    _expect_step(new_w, w, expected_w, LOOSE_SGD)
    expect.close(new_velocity, expected_velocity, rtol=LOOSE_SGD, where="result[1]")


@pytest.mark.exercise("optimizers.sgd_step")
def test_sgd_step_default_arguments_are_keras_defaults(optimizers):
    w, grad, velocity = np.array([1.0, -2.0]), np.array([3.0, 0.5]), np.array([0.25, -0.5])
    expected_w, _ = _keras_sgd(w, [grad], velocity, 0.01, 0.0, False)
    new_w, new_velocity = optimizers.sgd_step(w.copy(), grad.copy(), velocity.copy())
    _expect_step(new_w, w, expected_w, LOOSE_SGD)
    expect.close(new_velocity, velocity, where="result[1]")


@pytest.mark.exercise("optimizers.sgd_step")
def test_sgd_step_without_momentum_returns_the_velocity_as_given(optimizers):
    velocity = np.array([7.0, -3.5, 0.25])  # not zeros: a velocity that was touched shows
    _, new_velocity = optimizers.sgd_step(np.ones(3), np.array([1.0, 2.0, 3.0]), velocity.copy(),
                                          learning_rate=0.1, momentum=0.0, nesterov=True)
    expect.close(new_velocity, velocity, where="result[1]")


@pytest.mark.exercise("optimizers.sgd_step")
def test_sgd_step_accepts_int_lists(optimizers):
    expected_w, expected_velocity = _keras_sgd([1, 2], [[3, -4]], [0, 1], 0.25, 0.5, True)
    new_w, new_velocity = optimizers.sgd_step([1, 2], [3, -4], [0, 1], learning_rate=0.25, momentum=0.5,
                                              nesterov=True)
    expect.close(new_w, expected_w, rtol=EXACT, where="result[0]")
    expect.close(new_velocity, expected_velocity, rtol=EXACT, where="result[1]")


@pytest.mark.exercise("optimizers.sgd_step")
@pytest.mark.parametrize("kwargs, argument", [
    ({"momentum": -0.1}, "momentum"),
    ({"momentum": 1.5}, "momentum"),
    ({"grad": [0.5, 0.5], "momentum": 0.9}, "grad"),
    ({"velocity": [0.0, 0.0], "momentum": 0.9}, "velocity"),
    ({"grad": [[0.5, 0.5, 0.5]]}, "grad"),
])
def test_sgd_step_rejects_bad_input(optimizers, kwargs, argument):
    arguments = {"w": [1.0, 2.0, 3.0], "grad": [0.5, 0.5, 0.5], "velocity": [0.0, 0.0, 0.0], "learning_rate": 0.1}
    arguments.update(kwargs)
    with expect.raises_value_error(argument):
        optimizers.sgd_step(**arguments)


# ---------------------------------------------------------------- adam_step

EXACT_ADAM = {"learning_rate": 0.0625, "beta_1": 0.875, "beta_2": 0.9921875, "epsilon": 2.0 ** -20}


def _adam_kwargs(hyper):
    return {"learning_rate": hyper.get("learning_rate", 0.001), "beta_1": hyper.get("beta_1", 0.9),
            "beta_2": hyper.get("beta_2", 0.999), "epsilon": hyper.get("epsilon", 1e-7)}


@pytest.mark.exercise("optimizers.adam_step")
@pytest.mark.parametrize("t", [1, 2, 3, 10, 1000])
def test_adam_step_at_step_t_equals_keras(optimizers, t):
    w = RNG.normal(size=(2, 3)) * 2
    grad = RNG.normal(size=(2, 3))
    m = np.zeros((2, 3)) if t == 1 else RNG.normal(size=(2, 3)) * 0.1
    v = np.zeros((2, 3)) if t == 1 else RNG.uniform(0.0, 0.5, size=(2, 3))
    expected = _keras_adam(w, [grad], m, v, t, **EXACT_ADAM)
    new_w, new_m, new_v = optimizers.adam_step(w.copy(), grad.copy(), m.copy(), v.copy(), t, **EXACT_ADAM)
    _expect_step(new_w, w, expected[0], EXACT)
    expect.close(new_m, expected[1], rtol=EXACT, atol=1e-15, where="result[1]")
    expect.close(new_v, expected[2], rtol=EXACT, atol=1e-15, where="result[2]")


@pytest.mark.exercise("optimizers.adam_step")
@pytest.mark.parametrize("hyper", [
    pytest.param(EXACT_ADAM, id="exact"),
    pytest.param({}, id="keras-defaults"),
    pytest.param({"learning_rate": 0.01, "beta_1": 0.5, "beta_2": 0.75, "epsilon": 0.0625}, id="large-epsilon"),
])
def test_adam_step_six_updates_from_zeros_equal_keras(optimizers, hyper):
    w = RNG.normal(size=5)
    grads = RNG.normal(size=(6, 5))
    expected = _keras_adam(w, grads, np.zeros(5), np.zeros(5), 1, **hyper)
    new_w, new_m, new_v = w.copy(), np.zeros(5), np.zeros(5)
    for t, grad in enumerate(grads, start=1):
        new_w, new_m, new_v = optimizers.adam_step(new_w, grad.copy(), new_m, new_v, t, **_adam_kwargs(hyper))
    rtol = EXACT if hyper is EXACT_ADAM else LOOSE_ADAM
    _expect_step(new_w, w, expected[0], rtol)
    expect.close(new_m, expected[1], rtol=max(rtol, 1e-9), atol=1e-15, where="result[1]")
    expect.close(new_v, expected[2], rtol=max(rtol, 1e-9), atol=1e-15, where="result[2]")


@pytest.mark.exercise("optimizers.adam_step")
@pytest.mark.parametrize("t", [1, 4])
def test_adam_step_tiny_gradients_put_epsilon_outside_the_root(optimizers, t):
    # sqrt(v) is about epsilon here, so where epsilon sits changes the step a lot.
    w = np.zeros(4)
    grad = np.array([1e-6, -3e-6, 2e-7, 5e-6])
    m = np.zeros(4) if t == 1 else grad * 0.5
    v = np.zeros(4) if t == 1 else grad ** 2 * 0.25
    expected = _keras_adam(w, [grad], m, v, t, **EXACT_ADAM)
    new_w, new_m, new_v = optimizers.adam_step(w.copy(), grad.copy(), m.copy(), v.copy(), t, **EXACT_ADAM)
    # Compared at the size of the expected values: float32's absolute floor would accept any v.
    for got, want, part in ((new_w, expected[0], "result[0]"), (new_v, expected[2], "result[2]")):
        size = float(np.max(np.abs(want)))
        expect.close(expect.as_array(got, where=part) / size, want / size, rtol=EXACT, where=part)


@pytest.mark.exercise("optimizers.adam_step")
def test_adam_step_default_arguments_are_keras_defaults(optimizers):
    w, grad = np.array([1.0, -2.0, 0.5]), np.array([1e-4, 3.0, -2.0])
    expected = _keras_adam(w, [grad], np.zeros(3), np.zeros(3), 1)
    new_w, new_m, new_v = optimizers.adam_step(w.copy(), grad.copy(), np.zeros(3), np.zeros(3), 1)
    _expect_step(new_w, w, expected[0], LOOSE_ADAM)
    expect.close(new_m, expected[1], rtol=1e-9, where="result[1]")
    expect.close(new_v, expected[2], rtol=1e-9, where="result[2]")


@pytest.mark.exercise("optimizers.adam_step")
def test_adam_step_a_zero_gradient_from_zeros_does_not_move(optimizers):
    with expect.no_warnings():
        new_w, new_m, new_v = optimizers.adam_step([1.5, -2.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], 1)
    expect.close(new_w, [1.5, -2.0], where="result[0]")
    expect.close(new_m, [0.0, 0.0], where="result[1]")
    expect.close(new_v, [0.0, 0.0], where="result[2]")


@pytest.mark.exercise("optimizers.adam_step")
def test_adam_step_accepts_int_lists(optimizers):
    expected = _keras_adam([1, 2], [[3, -4]], [0, 0], [0, 0], 1, **EXACT_ADAM)
    new_w, new_m, new_v = optimizers.adam_step([1, 2], [3, -4], [0, 0], [0, 0], 1, **EXACT_ADAM)
    expect.close(new_w, expected[0], rtol=EXACT, where="result[0]")
    expect.close(new_m, expected[1], rtol=EXACT, where="result[1]")
    expect.close(new_v, expected[2], rtol=EXACT, where="result[2]")


@pytest.mark.exercise("optimizers.adam_step")
@pytest.mark.parametrize("kwargs, argument", [
    ({"t": 0}, "t"),
    ({"t": -3}, "t"),
    ({"t": 1.5}, "t"),
    ({"epsilon": None}, "epsilon"),
    ({"beta_1": 1.0}, "beta_1"),
    ({"beta_2": 1.0}, "beta_2"),
    ({"grad": [0.5, 0.5]}, "grad"),
    ({"m": [0.0]}, "m"),
    ({"v": [[0.0, 0.0, 0.0]]}, "v"),
])
def test_adam_step_rejects_bad_input(optimizers, kwargs, argument):
    arguments = {"w": [1.0, 2.0, 3.0], "grad": [0.5, -0.5, 0.25], "m": [0.0, 0.0, 0.0], "v": [0.0, 0.0, 0.0],
                 "t": 1}
    arguments.update(kwargs)
    with expect.raises_value_error(argument):
        optimizers.adam_step(**arguments)


@pytest.mark.exercise("optimizers.adam_step")
def test_adam_step_rejects_a_negative_v(optimizers):
    with expect.raises_value_error("v", misconception="adam-v-unchecked"):
        optimizers.adam_step([1.0, 2.0, 3.0], [0.5, -0.5, 0.25], [0.0, 0.0, 0.0], [0.0, -1e-3, 0.0], 2)


# ---------------------------------------------------------------- inverse_time_decay

def _keras_schedule(initial_learning_rate, decay, iteration):
    schedule = keras.optimizers.schedules.InverseTimeDecay(initial_learning_rate, decay_steps=1, decay_rate=decay)
    return float(schedule(iteration))


@pytest.mark.exercise("optimizers.inverse_time_decay")
@pytest.mark.parametrize("initial_learning_rate, decay, iteration", [
    (0.01, 1e-6, 0), (0.01, 1e-6, 8), (0.01, 1e-6, 500_000), (0.1, 0.5, 1), (0.1, 0.5, 3), (1.0, 2.0, 10),
    (0.001, 0.0, 100), (0.5, 0.25, 2.5)])
def test_inverse_time_decay_equals_keras_schedule(optimizers, initial_learning_rate, decay, iteration):
    got = optimizers.inverse_time_decay(initial_learning_rate, decay, iteration)
    expect.scalar(got, _keras_schedule(initial_learning_rate, decay, iteration))


@pytest.mark.exercise("optimizers.inverse_time_decay")
def test_inverse_time_decay_drives_keras_sgd_like_the_books_decay(optimizers):
    # Update k (counted from 0) of SGD with the schedule uses the rate at iteration k.
    w0 = np.array([2.0, -1.0])
    grads = RNG.normal(size=(4, 2))
    schedule = keras.optimizers.schedules.InverseTimeDecay(0.5, decay_steps=1, decay_rate=0.75)
    variable = keras.Variable(w0.copy(), dtype="float64")
    optimizer = keras.optimizers.SGD(learning_rate=schedule)
    for grad in grads:
        optimizer.apply_gradients([(grad, variable)])
    w = w0.copy()
    for iteration, grad in enumerate(grads):
        w = w - expect.as_scalar(optimizers.inverse_time_decay(0.5, 0.75, iteration)) * grad
    expect.close(w, variable.numpy(), rtol=1e-6)


@pytest.mark.exercise("optimizers.inverse_time_decay")
@pytest.mark.parametrize("args, argument", [
    ((0.01, -1e-6, 3), "decay"), ((0.01, -0.5, 2), "decay"), ((0.01, 1e-6, -1), "iteration"),
    ((0.01, "1e-6", 1), "decay")])
def test_inverse_time_decay_rejects_bad_input(optimizers, args, argument):
    with expect.raises_value_error(argument, misconception="inverse-time-formula"):
        optimizers.inverse_time_decay(*args)
