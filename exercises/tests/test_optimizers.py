"""Visible tests for optimizers.py: epochs and batches, gradients, and one step of SGD and Adam.

Where the answer is "as Keras" the expected values were computed by real Keras 3 and stored in
golden/optimizers.json (see scripts/golden/optimizers.py), so these tests run without TensorFlow.
"""

import numpy as np
import pytest

from keraskit import expect, golden

GOLDEN = golden.load(__file__, "optimizers")


# ---------------------------------------------------------------- what known mistakes give

def _sgd_mistakes(w, grad, velocity, learning_rate=0.01, momentum=0.0, nesterov=False):
    """(misconception, part of the result, what that mistake gives) for one SGD case."""
    w, grad, velocity = (np.asarray(a, dtype=float) for a in (w, grad, velocity))
    v_new = momentum * velocity - learning_rate * grad
    torch_v = momentum * velocity + grad
    classic_v = momentum * velocity + learning_rate * grad  # v kept positive, then w - v (Keras 2's papers)
    mistakes = [("sgd-velocity-convention", 0, w - learning_rate * torch_v),
                ("sgd-velocity-convention", 0, w - classic_v)]
    if momentum == 0:
        mistakes.append(("sgd-momentum-zero", 1, -learning_rate * grad))  # the velocity changed anyway
    if nesterov:
        mistakes += [("sgd-nesterov", 0, w + v_new), ("sgd-nesterov", 0, w + momentum * velocity + v_new)]
    return mistakes


def _adam_mistakes(w, grad, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    """(misconception, the new w that mistake gives) for one Adam case."""
    w, grad, m, v = (np.asarray(a, dtype=float) for a in (w, grad, m, v))
    m_new, v_new = m + (1 - beta_1) * (grad - m), v + (1 - beta_2) * (grad ** 2 - v)
    v_abs = v + (1 - beta_2) * (np.abs(grad) - v)

    def alpha(step):
        return learning_rate * np.sqrt(1 - beta_2 ** step) / (1 - beta_1 ** step)

    return [
        ("adam-step-size", w - learning_rate * m_new / (np.sqrt(v_new) + epsilon)),  # no bias correction
        ("adam-step-size", w - alpha(t) * m_new / np.sqrt(v_new + epsilon)),  # epsilon inside the root
        ("adam-step-size", w - learning_rate * (m_new / (1 - beta_1 ** t))
         / (np.sqrt(v_new / (1 - beta_2 ** t)) + epsilon)),  # the paper's form
        ("adam-running-averages", w - alpha(t + 1) * m_new / (np.sqrt(v_new) + epsilon)),  # steps from 0
        ("adam-running-averages", w - alpha(t) * m_new / (np.sqrt(v_abs) + epsilon)),  # |grad|, not grad ** 2
    ]


def _decay_mistakes(initial_learning_rate, decay, iteration):
    return [
        ("inverse-time-formula", initial_learning_rate * np.exp(-decay * iteration)),
        ("inverse-time-formula", initial_learning_rate / (1 + decay) ** iteration),
        ("inverse-time-iteration-zero", initial_learning_rate / (1 + decay * (iteration + 1))),
    ]


# ---------------------------------------------------------------- epochs, batches, iterations

@pytest.mark.exercise("optimizers.iterations_per_epoch")
def test_iterations_per_epoch_the_books_500_samples_at_batch_64(optimizers):
    # 7 full batches and one of 52
    expect.equal(optimizers.iterations_per_epoch(500, 64), 8, wrong_answers={"iterations-ceiling": 7})


@pytest.mark.exercise("optimizers.iterations_per_epoch")
def test_iterations_per_epoch_when_the_batches_fit_exactly(optimizers):
    expect.equal(optimizers.iterations_per_epoch(512, 64), 8, wrong_answers={"iterations-ceiling": 9})


@pytest.mark.exercise("optimizers.iterations_per_epoch")
def test_iterations_per_epoch_of_fewer_samples_than_one_batch(optimizers):
    # one batch, smaller than batch_size
    expect.equal(optimizers.iterations_per_epoch(10, 32), 1, wrong_answers=[("iterations-ceiling", 0),
                                                                           ("iterations-ceiling", 2)])


@pytest.mark.exercise("optimizers.iterations_per_epoch")
def test_iterations_per_epoch_rejects_a_zero_batch_size(optimizers):
    with expect.raises_value_error("batch_size", misconception="iterations-unchecked"):
        optimizers.iterations_per_epoch(500, 0)


@pytest.mark.exercise("optimizers.iterations_per_epoch")
def test_iterations_per_epoch_rejects_a_batch_size_that_is_not_an_integer(optimizers):
    with expect.raises_value_error("batch_size", misconception="iterations-unchecked"):
        optimizers.iterations_per_epoch(500, 2.5)


@pytest.mark.exercise("optimizers.iterations_per_epoch")
def test_iterations_per_epoch_rejects_a_negative_number_of_samples(optimizers):
    with expect.raises_value_error("n_samples"):
        optimizers.iterations_per_epoch(-1, 64)


@pytest.mark.exercise("optimizers.batch_slices")
def test_batch_slices_keep_the_smaller_last_batch(optimizers):
    expect.equal(optimizers.batch_slices(5, 2), [(0, 2), (2, 4), (4, 5)], wrong_answers=[
        ("batch-slices-bounds", [(0, 2), (2, 4)]),  # the last batch dropped
        ("batch-slices-bounds", [(0, 2), (2, 4), (4, 6)]),  # past the end
        ("batch-slices-bounds", [(0, 1), (2, 3), (4, 4)]),  # inclusive stops
        ("batch-slices-tuples", [[0, 2], [2, 4], [4, 5]]),
    ])


@pytest.mark.exercise("optimizers.batch_slices")
def test_batch_slices_of_the_books_epoch(optimizers):
    slices = optimizers.batch_slices(500, 64)
    expect.length(slices, 8)
    expect.equal(slices[0], (0, 64), where="result[0]")
    expect.equal(slices[-1], (448, 500), where="result[-1]")  # the last batch holds the remaining 52 samples


@pytest.mark.exercise("optimizers.batch_slices")
def test_batch_slices_rejects_a_negative_batch_size(optimizers):
    with expect.raises_value_error("batch_size"):
        optimizers.batch_slices(500, -64)


# ---------------------------------------------------------------- gradients of the loss

@pytest.mark.exercise("optimizers.linear_regression_gradients")
def test_linear_regression_gradients_by_hand(optimizers):
    x = np.array([[1.0], [2.0], [3.0]])
    y = np.array([2.0, 4.0, 6.0])  # y = 2x; start from w = 0, b = 0: every error is -y
    dw, db = optimizers.linear_regression_gradients(x, y, np.array([0.0]), 0.0)
    # (2/n) x.T @ error = -56/3; without the 2: -28/3; without the 1/n: -56; with y - y_hat: +56/3
    expect.close(dw, [2 / 3 * -(1 * 2 + 2 * 4 + 3 * 6)], where="result[0]", wrong_answers=[
        ("gradients-factors", [-28 / 3]), ("gradients-factors", [-56.0]), ("gradients-error-sign", [56 / 3])])
    expect.scalar(db, 2 / 3 * -(2 + 4 + 6), where="result[1]")  # (2/n) sum(error) = -8


@pytest.mark.exercise("optimizers.linear_regression_gradients")
def test_linear_regression_gradients_vanish_at_a_perfect_fit(optimizers):
    x = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    w, b = np.array([3.0, -1.0]), 0.5
    dw, db = optimizers.linear_regression_gradients(x, x @ w + b, w, b)
    expect.close(dw, [0.0, 0.0], where="result[0]")
    expect.scalar(db, 0.0, where="result[1]")


@pytest.mark.exercise("optimizers.linear_regression_gradients")
def test_linear_regression_gradients_rejects_a_w_of_the_wrong_length(optimizers):
    with expect.raises_value_error("w"):
        optimizers.linear_regression_gradients(np.ones((3, 2)), np.ones(3), np.ones(3), 0.0)


@pytest.mark.exercise("optimizers.linear_regression_gradients")
def test_linear_regression_gradients_never_broadcast_targets_of_shape_n_1(optimizers):
    # y as (n, 1) is read as (n,) (a refusal naming y is also accepted), never broadcast into an
    # (n, n) table of errors. With w = 1 the predictions are 1, 2, 3 and the errors -1, -2, -3.
    x = np.array([[1.0], [2.0], [3.0]])
    y = np.array([[2.0], [4.0], [6.0]])
    table = (x @ np.array([1.0]))[None, :] - y  # each prediction minus every target: the (n, n) table
    broadcast = [("gradients-column-y", 2 / 3 * x.T @ table.mean(axis=axis)) for axis in (0, 1)]

    def check(result):
        dw, db = result
        expect.close(dw, [2 / 3 * -(1 * 1 + 2 * 2 + 3 * 3)], where="result[0]", wrong_answers=broadcast)  # -28/3
        expect.scalar(db, 2 / 3 * -(1 + 2 + 3), where="result[1]")  # -4

    expect.value_or_value_error(lambda: optimizers.linear_regression_gradients(x, y, np.array([1.0]), 0.0), "y", check)


# ---------------------------------------------------------------- SGD, momentum, Nesterov

@pytest.mark.exercise("optimizers.sgd_step")
@pytest.mark.parametrize("case", GOLDEN["sgd_step"],
                         ids=["plain-sgd", "no-momentum-keeps-velocity", "momentum", "nesterov"])
def test_sgd_step_equals_one_keras_sgd_update(optimizers, case):
    new_w, new_velocity = optimizers.sgd_step(*case.args, **case.kwargs)
    expected_w, expected_velocity = case.expected
    mistakes = _sgd_mistakes(*case.args, **case.kwargs)
    expect.close(new_w, expected_w, rtol=1e-6, where="result[0]",
                 wrong_answers=[(name, value) for name, part, value in mistakes if part == 0])
    expect.close(new_velocity, expected_velocity, rtol=1e-6, where="result[1]",
                 wrong_answers=[(name, value) for name, part, value in mistakes if part == 1])


@pytest.mark.exercise("optimizers.sgd_step")
def test_sgd_step_rejects_a_momentum_above_one(optimizers):
    with expect.raises_value_error("momentum", misconception="sgd-momentum-unchecked"):
        optimizers.sgd_step([1.0], [0.5], [0.0], learning_rate=0.01, momentum=1.5)


@pytest.mark.exercise("optimizers.sgd_step")
def test_sgd_step_rejects_a_grad_of_another_shape(optimizers):
    with expect.raises_value_error("grad"):
        optimizers.sgd_step([1.0, 2.0], [0.5], [0.0, 0.0], momentum=0.9)


# ---------------------------------------------------------------- Adam

@pytest.mark.exercise("optimizers.adam_step")
@pytest.mark.parametrize("case", GOLDEN["adam_step"], ids=["first-step", "step-10", "tiny-gradients"])
def test_adam_step_equals_one_keras_adam_update(optimizers, case):
    new_w, new_m, new_v = optimizers.adam_step(*case.args, **case.kwargs)
    expected_w, expected_m, expected_v = case.expected
    # Keras rounds beta_1 and beta_2 to float32 inside the bias correction: 1e-5, not 1e-7.
    expect.close(new_w, expected_w, rtol=1e-5, where="result[0]",
                 wrong_answers=_adam_mistakes(*case.args, **case.kwargs))
    expect.close(new_m, expected_m, rtol=1e-6, where="result[1]")
    expect.close(new_v, expected_v, rtol=1e-6, where="result[2]")


@pytest.mark.exercise("optimizers.adam_step")
def test_adam_step_counts_steps_from_one(optimizers):
    with expect.raises_value_error("t", misconception="adam-t-unchecked"):
        optimizers.adam_step([1.0], [0.5], [0.0], [0.0], 0)


@pytest.mark.exercise("optimizers.adam_step")
def test_adam_step_rejects_the_books_epsilon_none(optimizers):
    with expect.raises_value_error("epsilon"):
        optimizers.adam_step([1.0], [0.5], [0.0], [0.0], 1, epsilon=None)


@pytest.mark.exercise("optimizers.adam_step")
def test_adam_step_rejects_a_beta_of_one(optimizers):
    with expect.raises_value_error("beta_2"):
        optimizers.adam_step([1.0], [0.5], [0.0], [0.0], 1, beta_2=1.0)


@pytest.mark.exercise("optimizers.adam_step")
def test_adam_step_rejects_a_negative_v(optimizers):
    with expect.raises_value_error("v", misconception="adam-v-unchecked"):
        optimizers.adam_step([1.0], [0.5], [0.0], [-0.1], 1)


# ---------------------------------------------------------------- learning-rate decay

@pytest.mark.exercise("optimizers.inverse_time_decay")
@pytest.mark.parametrize("case", GOLDEN["inverse_time_decay"],
                         ids=["book-start", "book-after-8-updates", "fast-decay-1", "fast-decay-4"])
def test_inverse_time_decay_equals_keras_schedule(optimizers, case):
    # Dividing by decay * iteration alone (no "1 +") divides by zero at iteration 0.
    with expect.misconception("inverse-time-formula", raised=ZeroDivisionError):
        got = optimizers.inverse_time_decay(*case.args, **case.kwargs)
    expect.scalar(got, case.expected, rtol=1e-6, wrong_answers=_decay_mistakes(*case.args, **case.kwargs))


@pytest.mark.exercise("optimizers.inverse_time_decay")
def test_inverse_time_decay_rejects_a_negative_decay(optimizers):
    with expect.raises_value_error("decay", misconception="inverse-time-formula"):
        optimizers.inverse_time_decay(0.01, -0.5, 3)


@pytest.mark.exercise("optimizers.inverse_time_decay")
def test_inverse_time_decay_rejects_a_negative_iteration(optimizers):
    with expect.raises_value_error("iteration"):
        optimizers.inverse_time_decay(0.01, 1e-6, -1)
