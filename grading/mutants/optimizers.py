"""Wrong and right answers for optimizers.py, each graded by the hidden suite (see kitdev.mutation).

Each variant replaces one function of the reference module, so it may use that module's imports
(numbers, numpy) and helpers (_count, _real_array, _same_shape, _real_number).
"""

from kitdev.mutation import right, wrong

# ---------------------------------------------------------------- iterations_per_epoch


@wrong("optimizers.iterations_per_epoch", "floor instead of ceiling: the smaller last batch is forgotten",
       misconception="iterations-ceiling")
def iterations_per_epoch(n_samples, batch_size):
    n_samples = _count(n_samples, "n_samples", minimum=0)
    batch_size = _count(batch_size, "batch_size", minimum=1)
    return n_samples // batch_size


@wrong("optimizers.iterations_per_epoch", "always adds one batch, even when the batches fit exactly",
       misconception="iterations-ceiling")
def iterations_per_epoch(n_samples, batch_size):
    n_samples = _count(n_samples, "n_samples", minimum=0)
    batch_size = _count(batch_size, "batch_size", minimum=1)
    return n_samples // batch_size + 1


@wrong("optimizers.iterations_per_epoch", "no type check: a float batch size is silently accepted",
       misconception="iterations-unchecked")
def iterations_per_epoch(n_samples, batch_size):
    import math

    if batch_size <= 0:
        raise ValueError("batch_size must be positive")
    if n_samples < 0:
        raise ValueError("n_samples must be >= 0")
    return math.ceil(n_samples / batch_size)


@right("optimizers.iterations_per_epoch", "math.ceil of the float quotient, with explicit checks")
def iterations_per_epoch(n_samples, batch_size):
    import math

    for name, value, minimum in (("n_samples", n_samples, 0), ("batch_size", batch_size, 1)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
            raise ValueError(f"{name} must be an integer >= {minimum}")
    return math.ceil(n_samples / batch_size)


@right("optimizers.iterations_per_epoch", "(n + batch - 1) // batch")
def iterations_per_epoch(n_samples, batch_size):
    n_samples = _count(n_samples, "n_samples", minimum=0)
    batch_size = _count(batch_size, "batch_size", minimum=1)
    return (n_samples + batch_size - 1) // batch_size


# ---------------------------------------------------------------- batch_slices

@wrong("optimizers.batch_slices", "drops the smaller last batch", misconception="batch-slices-bounds")
def batch_slices(n_samples, batch_size):
    n_samples = _count(n_samples, "n_samples", minimum=0)
    batch_size = _count(batch_size, "batch_size", minimum=1)
    return [(start, start + batch_size) for start in range(0, n_samples - batch_size + 1, batch_size)]


@wrong("optimizers.batch_slices", "the last stop runs past n_samples", misconception="batch-slices-bounds")
def batch_slices(n_samples, batch_size):
    n_samples = _count(n_samples, "n_samples", minimum=0)
    batch_size = _count(batch_size, "batch_size", minimum=1)
    return [(start, start + batch_size) for start in range(0, n_samples, batch_size)]


@wrong("optimizers.batch_slices", "inclusive stop: (0, 63) instead of (0, 64)", misconception="batch-slices-bounds")
def batch_slices(n_samples, batch_size):
    n_samples = _count(n_samples, "n_samples", minimum=0)
    batch_size = _count(batch_size, "batch_size", minimum=1)
    return [(start, min(start + batch_size, n_samples) - 1) for start in range(0, n_samples, batch_size)]


@wrong("optimizers.batch_slices", "returns lists instead of (start, stop) tuples", misconception="batch-slices-tuples")
def batch_slices(n_samples, batch_size):
    n_samples = _count(n_samples, "n_samples", minimum=0)
    batch_size = _count(batch_size, "batch_size", minimum=1)
    return [[start, min(start + batch_size, n_samples)] for start in range(0, n_samples, batch_size)]


@right("optimizers.batch_slices", "a loop over the iteration count")
def batch_slices(n_samples, batch_size):
    slices = []
    for i in range(iterations_per_epoch(n_samples, batch_size)):
        stop = (i + 1) * batch_size
        slices.append((i * batch_size, stop if stop < n_samples else n_samples))
    return slices


# ---------------------------------------------------------------- linear_regression_gradients

@wrong("optimizers.linear_regression_gradients", "gradient without the factor 2", misconception="gradients-factors")
def linear_regression_gradients(x, y, w, b):
    x, y, w = _real_array(x, "x"), _real_array(y, "y").reshape(-1), _real_array(w, "w")
    if x.ndim != 2 or len(x) == 0 or y.shape != (len(x),) or w.shape != (x.shape[1],):
        raise ValueError("x, y or w has the wrong shape")
    error = x @ w + _real_number(b, "b") - y
    return x.T @ error / len(y), float(np.mean(error))


@wrong("optimizers.linear_regression_gradients", "sum instead of mean: no 1/n", misconception="gradients-factors")
def linear_regression_gradients(x, y, w, b):
    x, y, w = _real_array(x, "x"), _real_array(y, "y").reshape(-1), _real_array(w, "w")
    if x.ndim != 2 or len(x) == 0 or y.shape != (len(x),) or w.shape != (x.shape[1],):
        raise ValueError("x, y or w has the wrong shape")
    error = x @ w + _real_number(b, "b") - y
    return 2 * x.T @ error, float(2 * np.sum(error))


@wrong("optimizers.linear_regression_gradients", "error as y - y_hat: the gradient points uphill",
       misconception="gradients-error-sign")
def linear_regression_gradients(x, y, w, b):
    x, y, w = _real_array(x, "x"), _real_array(y, "y").reshape(-1), _real_array(w, "w")
    if x.ndim != 2 or len(x) == 0 or y.shape != (len(x),) or w.shape != (x.shape[1],):
        raise ValueError("x, y or w has the wrong shape")
    error = y - (x @ w + _real_number(b, "b"))
    return 2 * x.T @ error / len(y), float(2 * np.mean(error))


@wrong("optimizers.linear_regression_gradients", "y of shape (n, 1) broadcast to an (n, n) error",
       misconception="gradients-column-y")
def linear_regression_gradients(x, y, w, b):
    x, y, w = _real_array(x, "x"), _real_array(y, "y"), _real_array(w, "w")
    if x.ndim != 2 or len(x) == 0 or len(y) != len(x) or w.shape != (x.shape[1],):
        raise ValueError("x, y or w has the wrong shape")
    error = (x @ w + _real_number(b, "b") - y).reshape(len(x), -1).mean(axis=1)
    return 2 * x.T @ error / len(x), float(2 * np.mean(error))


@right("optimizers.linear_regression_gradients", "per-sample loop accumulating 2 * error * x")
def linear_regression_gradients(x, y, w, b):
    x, y, w = _real_array(x, "x"), _real_array(y, "y").reshape(-1), _real_array(w, "w")
    if x.ndim != 2 or len(x) == 0:
        raise ValueError("x must be a non-empty 2-d array")
    if y.shape != (len(x),):
        raise ValueError("y must hold one target per row of x")
    if w.shape != (x.shape[1],):
        raise ValueError("w must hold one weight per column of x")
    b = _real_number(b, "b")
    dw, db = np.zeros(x.shape[1]), 0.0
    for row, target in zip(x, y):
        error = float(row @ w) + b - target
        dw += 2.0 * error * row
        db += 2.0 * error
    return dw / len(y), db / len(y)


@right("optimizers.linear_regression_gradients", "bias as a column of ones, mean of the per-sample products")
def linear_regression_gradients(x, y, w, b):
    x, y, w = _real_array(x, "x"), _real_array(y, "y"), _real_array(w, "w")
    if x.ndim != 2 or len(x) == 0:
        raise ValueError("x must be a non-empty 2-d array")
    if y.ndim != 1 or len(y) != len(x):
        raise ValueError("y must be (n_samples,)")  # a column of targets is refused, not broadcast
    if w.shape != (x.shape[1],):
        raise ValueError("w must hold one weight per column of x")
    augmented = np.hstack([x, np.ones((len(x), 1))])
    error = augmented @ np.append(w, _real_number(b, "b")) - y
    gradient = np.mean(2.0 * error[:, None] * augmented, axis=0)
    return gradient[:-1], float(gradient[-1])


# ---------------------------------------------------------------- sgd_step

@wrong("optimizers.sgd_step", "Nesterov treated as plain momentum", misconception="sgd-nesterov")
def sgd_step(w, grad, velocity, learning_rate=0.01, momentum=0.0, nesterov=False):
    w = _real_array(w, "w")
    grad = _same_shape(grad, "grad", w)
    if not 0 <= momentum <= 1:
        raise ValueError("momentum must be between 0 and 1")
    if momentum == 0:
        return w - learning_rate * grad, _real_array(velocity, "velocity")
    new_velocity = momentum * _same_shape(velocity, "velocity", w) - learning_rate * grad
    return w + new_velocity, new_velocity


@wrong("optimizers.sgd_step", "the velocity is updated even when momentum is 0", misconception="sgd-momentum-zero")
def sgd_step(w, grad, velocity, learning_rate=0.01, momentum=0.0, nesterov=False):
    w = _real_array(w, "w")
    grad = _same_shape(grad, "grad", w)
    if not 0 <= momentum <= 1:
        raise ValueError("momentum must be between 0 and 1")
    new_velocity = momentum * _same_shape(velocity, "velocity", w) - learning_rate * grad
    if nesterov:
        return w + momentum * new_velocity - learning_rate * grad, new_velocity
    return w + new_velocity, new_velocity


@wrong("optimizers.sgd_step", "Nesterov looks ahead with the old velocity: w + mu * v_old + v_new",
       misconception="sgd-nesterov")
def sgd_step(w, grad, velocity, learning_rate=0.01, momentum=0.0, nesterov=False):
    w = _real_array(w, "w")
    grad = _same_shape(grad, "grad", w)
    if not 0 <= momentum <= 1:
        raise ValueError("momentum must be between 0 and 1")
    if momentum == 0:
        return w - learning_rate * grad, _real_array(velocity, "velocity")
    velocity = _same_shape(velocity, "velocity", w)
    new_velocity = momentum * velocity - learning_rate * grad
    if nesterov:
        return w + momentum * velocity + new_velocity, new_velocity
    return w + new_velocity, new_velocity


@wrong("optimizers.sgd_step", "PyTorch's convention: v <- mu * v + g, w <- w - lr * v",
       misconception="sgd-velocity-convention")
def sgd_step(w, grad, velocity, learning_rate=0.01, momentum=0.0, nesterov=False):
    w = _real_array(w, "w")
    grad = _same_shape(grad, "grad", w)
    if not 0 <= momentum <= 1:
        raise ValueError("momentum must be between 0 and 1")
    if momentum == 0:
        return w - learning_rate * grad, _real_array(velocity, "velocity")
    new_velocity = momentum * _same_shape(velocity, "velocity", w) + grad
    step = grad + momentum * new_velocity if nesterov else new_velocity
    return w - learning_rate * step, new_velocity


@wrong("optimizers.sgd_step", "momentum range not checked", misconception="sgd-momentum-unchecked")
def sgd_step(w, grad, velocity, learning_rate=0.01, momentum=0.0, nesterov=False):
    w = _real_array(w, "w")
    grad = _same_shape(grad, "grad", w)
    if momentum == 0:
        return w - learning_rate * grad, _real_array(velocity, "velocity")
    new_velocity = momentum * _same_shape(velocity, "velocity", w) - learning_rate * grad
    if nesterov:
        return w + momentum * new_velocity - learning_rate * grad, new_velocity
    return w + new_velocity, new_velocity


@right("optimizers.sgd_step", "both updates expanded in terms of the old velocity")
def sgd_step(w, grad, velocity, learning_rate=0.01, momentum=0.0, nesterov=False):
    w = _real_array(w, "w")
    grad = _same_shape(grad, "grad", w)
    if not 0 <= momentum <= 1:
        raise ValueError("momentum must be between 0 and 1")
    if not momentum:
        return w - learning_rate * grad, np.array(velocity, dtype=np.float64)
    velocity = _same_shape(velocity, "velocity", w)
    if nesterov:
        new_w = w + momentum * momentum * velocity - (1 + momentum) * learning_rate * grad
    else:
        new_w = w + momentum * velocity - learning_rate * grad
    return new_w, momentum * velocity - learning_rate * grad


# ---------------------------------------------------------------- adam_step

@wrong("optimizers.adam_step", "no bias correction", misconception="adam-step-size")
def adam_step(w, grad, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    w = _real_array(w, "w")
    grad, m, v = _same_shape(grad, "grad", w), _same_shape(m, "m", w), _same_shape(v, "v", w)
    if not isinstance(t, numbers.Integral) or t < 1 or epsilon is None or not (0 <= beta_1 < 1 and 0 <= beta_2 < 1):
        raise ValueError("need t >= 1, a number epsilon, beta_1 and beta_2 in [0, 1)")
    m = beta_1 * m + (1 - beta_1) * grad
    v = beta_2 * v + (1 - beta_2) * grad ** 2
    return w - learning_rate * m / (np.sqrt(v) + epsilon), m, v


@wrong("optimizers.adam_step", "epsilon inside the square root", misconception="adam-step-size")
def adam_step(w, grad, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    w = _real_array(w, "w")
    grad, m, v = _same_shape(grad, "grad", w), _same_shape(m, "m", w), _same_shape(v, "v", w)
    if not isinstance(t, numbers.Integral) or t < 1 or epsilon is None or not (0 <= beta_1 < 1 and 0 <= beta_2 < 1):
        raise ValueError("need t >= 1, a number epsilon, beta_1 and beta_2 in [0, 1)")
    m = beta_1 * m + (1 - beta_1) * grad
    v = beta_2 * v + (1 - beta_2) * grad ** 2
    alpha = learning_rate * np.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
    return w - alpha * m / np.sqrt(v + epsilon), m, v


@wrong("optimizers.adam_step", "the paper's form: bias-corrected m and v, epsilon added to sqrt(v_hat)",
       misconception="adam-step-size")
def adam_step(w, grad, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    w = _real_array(w, "w")
    grad, m, v = _same_shape(grad, "grad", w), _same_shape(m, "m", w), _same_shape(v, "v", w)
    if not isinstance(t, numbers.Integral) or t < 1 or epsilon is None or not (0 <= beta_1 < 1 and 0 <= beta_2 < 1):
        raise ValueError("need t >= 1, a number epsilon, beta_1 and beta_2 in [0, 1)")
    m = beta_1 * m + (1 - beta_1) * grad
    v = beta_2 * v + (1 - beta_2) * grad ** 2
    m_hat, v_hat = m / (1 - beta_1 ** t), v / (1 - beta_2 ** t)
    return w - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon), m, v


@wrong("optimizers.adam_step", "0-based step in the bias correction (t + 1)", misconception="adam-running-averages")
def adam_step(w, grad, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    w = _real_array(w, "w")
    grad, m, v = _same_shape(grad, "grad", w), _same_shape(m, "m", w), _same_shape(v, "v", w)
    if not isinstance(t, numbers.Integral) or t < 1 or epsilon is None or not (0 <= beta_1 < 1 and 0 <= beta_2 < 1):
        raise ValueError("need t >= 1, a number epsilon, beta_1 and beta_2 in [0, 1)")
    m = beta_1 * m + (1 - beta_1) * grad
    v = beta_2 * v + (1 - beta_2) * grad ** 2
    alpha = learning_rate * np.sqrt(1 - beta_2 ** (t + 1)) / (1 - beta_1 ** (t + 1))
    return w - alpha * m / (np.sqrt(v) + epsilon), m, v


@wrong("optimizers.adam_step", "v averages the gradient's absolute value, not its square",
       misconception="adam-running-averages")
def adam_step(w, grad, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    w = _real_array(w, "w")
    grad, m, v = _same_shape(grad, "grad", w), _same_shape(m, "m", w), _same_shape(v, "v", w)
    if not isinstance(t, numbers.Integral) or t < 1 or epsilon is None or not (0 <= beta_1 < 1 and 0 <= beta_2 < 1):
        raise ValueError("need t >= 1, a number epsilon, beta_1 and beta_2 in [0, 1)")
    m = beta_1 * m + (1 - beta_1) * grad
    v = beta_2 * v + (1 - beta_2) * np.abs(grad)
    alpha = learning_rate * np.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
    return w - alpha * m / (np.sqrt(v) + epsilon), m, v


@wrong("optimizers.adam_step", "t not checked: t = 0 divides by zero", misconception="adam-t-unchecked")
def adam_step(w, grad, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    w, grad, m, v = (_real_array(a, name) for a, name in ((w, "w"), (grad, "grad"), (m, "m"), (v, "v")))
    m = beta_1 * m + (1 - beta_1) * grad
    v = beta_2 * v + (1 - beta_2) * grad ** 2
    with np.errstate(all="ignore"):
        alpha = learning_rate * np.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
        return w - alpha * m / (np.sqrt(v) + epsilon), m, v


@wrong("optimizers.adam_step", "no check that v >= 0: a negative v gives sqrt of a negative number, nan",
       misconception="adam-v-unchecked")
def adam_step(w, grad, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    w = _real_array(w, "w")
    grad, m, v = _same_shape(grad, "grad", w), _same_shape(m, "m", w), _same_shape(v, "v", w)
    if isinstance(t, bool) or not isinstance(t, numbers.Integral) or t < 1:
        raise ValueError(f"t must be an integer >= 1, got {t!r}")
    for name, beta in (("beta_1", beta_1), ("beta_2", beta_2)):
        if not 0.0 <= beta < 1.0:
            raise ValueError(f"{name} must be in [0, 1), got {beta}")
    if epsilon is None or epsilon < 0:
        raise ValueError(f"epsilon must be a number >= 0, got {epsilon!r}")
    new_m = m + (1.0 - beta_1) * (grad - m)
    new_v = v + (1.0 - beta_2) * (grad * grad - v)
    alpha = learning_rate * np.sqrt(1.0 - beta_2 ** int(t)) / (1.0 - beta_1 ** int(t))
    return w - alpha * new_m / (np.sqrt(new_v) + epsilon), new_m, new_v


@right("optimizers.adam_step", "bias-corrected m and v with epsilon rescaled by sqrt(1 - beta_2 ** t)")
def adam_step(w, grad, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    w = _real_array(w, "w")
    grad, m, v = _same_shape(grad, "grad", w), _same_shape(m, "m", w), _same_shape(v, "v", w)
    if not isinstance(t, numbers.Integral) or t < 1 or epsilon is None or not (0 <= beta_1 < 1 and 0 <= beta_2 < 1):
        raise ValueError("need t >= 1, a number epsilon, beta_1 and beta_2 in [0, 1)")
    if np.any(v < 0):
        raise ValueError("v is a running average of squares: it cannot be negative")
    m = beta_1 * m + (1 - beta_1) * grad
    v = beta_2 * v + (1 - beta_2) * grad ** 2
    correction_2 = np.sqrt(1 - beta_2 ** t)
    m_hat, root_v_hat = m / (1 - beta_1 ** t), np.sqrt(v) / correction_2
    return w - learning_rate * m_hat / (root_v_hat + epsilon / correction_2), m, v


# ---------------------------------------------------------------- inverse_time_decay

@wrong("optimizers.inverse_time_decay", "decay applied as exponential: lr * exp(-decay * iteration)",
       misconception="inverse-time-formula")
def inverse_time_decay(initial_learning_rate, decay, iteration):
    for name, value in (("initial_learning_rate", initial_learning_rate), ("decay", decay), ("iteration", iteration)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise ValueError(f"{name} must be a number")
    if decay < 0 or iteration < 0:
        raise ValueError("decay and iteration must be >= 0")
    return float(initial_learning_rate * np.exp(-decay * iteration))


@wrong("optimizers.inverse_time_decay", "decay compounded per step: lr / (1 + decay) ** iteration",
       misconception="inverse-time-formula")
def inverse_time_decay(initial_learning_rate, decay, iteration):
    for name, value in (("initial_learning_rate", initial_learning_rate), ("decay", decay), ("iteration", iteration)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise ValueError(f"{name} must be a number")
    if decay < 0 or iteration < 0:
        raise ValueError("decay and iteration must be >= 0")
    return initial_learning_rate / (1 + decay) ** iteration


@wrong("optimizers.inverse_time_decay", "iteration counted from 1", misconception="inverse-time-iteration-zero")
def inverse_time_decay(initial_learning_rate, decay, iteration):
    for name, value in (("initial_learning_rate", initial_learning_rate), ("decay", decay), ("iteration", iteration)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise ValueError(f"{name} must be a number")
    if decay < 0 or iteration < 0:
        raise ValueError("decay and iteration must be >= 0")
    return initial_learning_rate / (1 + decay * (iteration + 1))


@wrong("optimizers.inverse_time_decay", "no check: a negative decay is accepted", misconception="inverse-time-formula")
def inverse_time_decay(initial_learning_rate, decay, iteration):
    if iteration < 0:
        raise ValueError("iteration must be >= 0")
    return initial_learning_rate / (1 + decay * iteration)


@right("optimizers.inverse_time_decay", "multiplies by the reciprocal, in numpy")
def inverse_time_decay(initial_learning_rate, decay, iteration):
    for name, value in (("initial_learning_rate", initial_learning_rate), ("decay", decay), ("iteration", iteration)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise ValueError(f"{name} must be a number")
    if decay < 0 or iteration < 0:
        raise ValueError("decay and iteration must be >= 0")
    return float(np.float64(initial_learning_rate) * np.reciprocal(1.0 + np.float64(decay) * iteration))


@right("optimizers.inverse_time_decay", "the docstring's Keras schedule, InverseTimeDecay, in float32")
def inverse_time_decay(initial_learning_rate, decay, iteration):
    import keras

    for name, value in (("decay", decay), ("iteration", iteration)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
            raise ValueError(f"{name} must be a number >= 0, got {value!r}")
    schedule = keras.optimizers.schedules.InverseTimeDecay(initial_learning_rate, decay_steps=1, decay_rate=decay)
    return float(schedule(iteration))


@right("optimizers.sgd_step", "without momentum the velocity object itself is returned, a list stays a list")
def sgd_step(w, grad, velocity, learning_rate=0.01, momentum=0.0, nesterov=False):
    w_array = _real_array(w, "w")
    g = _same_shape(grad, "grad", w_array)
    v = _same_shape(velocity, "velocity", w_array)
    if not 0 <= momentum <= 1:
        raise ValueError(f"momentum must lie in [0, 1], got {momentum}")
    if momentum == 0:
        return w_array - learning_rate * g, velocity
    v = momentum * v - learning_rate * g
    if nesterov:
        return w_array + momentum * v - learning_rate * g, v
    return w_array + v, v
