"""How weights are updated.

Training repeats one small move: compute the gradient of the loss on a batch of samples and
step every weight against it. One pass over all samples is an epoch; one batch is an
iteration. Plain stochastic gradient descent (SGD) steps by ``learning_rate * gradient``;
momentum remembers the previous steps; Adam also scales each weight's step by a running
average of its squared gradients.
The book's Keras 2 arguments are gone in Keras 3: ``lr=`` is now ``learning_rate=``,
``decay=`` is replaced by a learning-rate schedule, and Adam's ``epsilon=None`` by 1e-7.
Graded code may import only numpy, keras, tensorflow, the standard library and keraskit: the
grader provides nothing else (no scipy, pandas or scikit-learn), and ``pytest`` and
``keraskit check`` name a module that imports anything else before its tests run.
优化器：权重如何按梯度一步步更新（批次、迭代、SGD、动量、Adam、学习率衰减）。
评分代码只能导入 numpy、keras、tensorflow、标准库和 keraskit；评分环境不提供其他包。
"""

import numbers

import numpy as np


def iterations_per_epoch(n_samples, batch_size):
    """Return how many batches (iterations) one epoch of ``n_samples`` takes at ``batch_size``.

    Every sample is seen once per epoch, so a smaller last batch still counts: 500 samples at
    batch size 64 are 7 full batches and one of 52, 8 iterations (the ceiling of 500 / 64).
    ``n_samples`` is an integer >= 0 and ``batch_size`` an integer >= 1; anything else raises
    ValueError naming the argument.
    Keras 3 equivalent: the step count ``model.fit`` shows, ``math.ceil(n_samples / batch_size)``.

    中文：一个 epoch 需要的迭代次数，即 n_samples / batch_size 向上取整（500 个样本、批大小 64 为 8 次）。
    """
    n_samples = _count(n_samples, "n_samples", minimum=0)
    batch_size = _count(batch_size, "batch_size", minimum=1)
    # Ceiling division in integers: exact for any size, no float rounding.
    return -(-n_samples // batch_size)


def batch_slices(n_samples, batch_size):
    """Return the ``(start, stop)`` index pairs of the batches of one epoch, in order.

    The pairs cover ``0 .. n_samples`` without gaps or overlaps, each ``stop`` exclusive as in
    ``x[start:stop]``; every batch has ``batch_size`` samples except possibly the last, which
    holds what remains (it is not dropped). 5 samples at batch size 2 give
    ``[(0, 2), (2, 4), (4, 5)]``. The same argument checks as ``iterations_per_epoch``.
    Keras 3 equivalent: the batches ``model.fit(..., batch_size=..., shuffle=False)`` feeds.

    中文：返回一个 epoch 中各批次的 (start, stop) 索引对，按顺序覆盖全部样本，最后一批可以更小。
    """
    n_samples = _count(n_samples, "n_samples", minimum=0)
    batch_size = _count(batch_size, "batch_size", minimum=1)
    return [(start, min(start + batch_size, n_samples)) for start in range(0, n_samples, batch_size)]


def linear_regression_gradients(x, y, w, b):
    """Return ``(dw, db)``: the gradients of the mean squared error of ``y_hat = x @ w + b``.

    With ``error = y_hat - y`` over ``n`` samples, ``loss = mean(error ** 2)``, so
    ``dw = (2 / n) * x.T @ error`` (shape ``(d,)``) and
    ``db = (2 / n) * sum(error)`` (a float). ``x`` is ``(n, d)``, ``y`` is ``(n,)`` (``(n, 1)`` is
    read as ``(n,)``, never broadcast to ``(n, n)``), ``w`` is ``(d,)`` and ``b`` a number.
    Mismatched shapes or no samples raise ValueError naming the argument.
    Keras 3 equivalent: what ``tf.GradientTape`` (``jax.grad``) computes for a ``Dense(1)`` layer
    compiled with ``loss="mse"``.

    中文：线性回归均方误差对权重和偏置的梯度：dw = 2/n · xᵀ(ŷ − y)，db = 2/n · Σ(ŷ − y)。
    """
    x = _real_array(x, "x")
    if x.ndim != 2 or x.shape[0] == 0:
        raise ValueError(f"x must be a non-empty (n_samples, n_features) array, got shape {x.shape}")
    n_samples, n_features = x.shape
    y = _real_array(y, "y")
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]  # a column of targets, not a row to broadcast against
    if y.shape != (n_samples,):
        raise ValueError(f"y must have shape ({n_samples},) to match x, got {y.shape}")
    w = _real_array(w, "w")
    if w.shape != (n_features,):
        raise ValueError(f"w must have shape ({n_features},) to match x, got {w.shape}")
    b = _real_number(b, "b")
    error = x @ w + b - y
    dw = (2.0 / n_samples) * (x.T @ error)
    db = 2.0 * float(np.mean(error))
    return dw, db


def sgd_step(w, grad, velocity, learning_rate=0.01, momentum=0.0, nesterov=False):
    """Return ``(new_w, new_velocity)`` after one update exactly as ``keras.optimizers.SGD``.

    Without momentum (``momentum == 0``): ``w <- w - learning_rate * grad``; the velocity is not
    used and is returned as given. With momentum ``mu`` the velocity remembers past steps:
    ``v <- mu * v - learning_rate * grad``, then ``w <- w + v``; with ``nesterov=True`` the step
    looks ahead along the new velocity: ``w <- w + mu * v - learning_rate * grad``.
    ``w``, ``grad`` and ``velocity`` have the same shape; ``momentum`` lies in [0, 1] (as Keras
    checks). Bad input raises ValueError naming the argument.
    Keras 3 equivalent: ``keras.optimizers.SGD(learning_rate=0.01, momentum=0.0, nesterov=False)``;
    the book's ``lr=`` is now ``learning_rate=``, and its ``decay=`` is ignored (use a schedule).

    中文：按 keras.optimizers.SGD 做一次更新（可带动量与 Nesterov），返回新的权重和速度。
    """
    w = _real_array(w, "w")
    grad = _same_shape(grad, "grad", w)
    learning_rate = _real_number(learning_rate, "learning_rate")
    momentum = _real_number(momentum, "momentum")
    if not 0.0 <= momentum <= 1.0:
        raise ValueError(f"momentum must be between 0 and 1, got {momentum}")
    if momentum == 0.0:
        # Keras keeps no velocity at all without momentum: hand it back untouched.
        unused = None if velocity is None else _real_array(velocity, "velocity").copy()
        return w - learning_rate * grad, unused
    if velocity is None:
        raise ValueError("velocity is required when momentum is not 0 (start from zeros)")
    velocity = _same_shape(velocity, "velocity", w)
    new_velocity = momentum * velocity - learning_rate * grad
    if nesterov:
        return w + momentum * new_velocity - learning_rate * grad, new_velocity
    return w + new_velocity, new_velocity


def adam_step(w, grad, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    """Return ``(new_w, new_m, new_v)`` after update number ``t`` exactly as ``keras.optimizers.Adam``.

    Adam keeps two running averages per weight, of the gradients (``m``) and of their squares
    (``v``), both starting at zeros: ``m <- m + (1 - beta_1) * (grad - m)`` and
    ``v <- v + (1 - beta_2) * (grad ** 2 - v)``. Because they start at zero they are biased low
    in early steps; Keras corrects that inside the step size, with the 1-based step ``t``:
    ``alpha = learning_rate * sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)`` and
    ``w <- w - alpha * m / (sqrt(v) + epsilon)`` (epsilon outside the square root).
    ``t`` must be an integer >= 1, the betas in [0, 1), ``epsilon`` a number >= 0, ``v`` >= 0 and
    all arrays of ``w``'s shape; otherwise ValueError naming the argument.
    Keras 3 equivalent: ``keras.optimizers.Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999,
    epsilon=1e-7)``; the book's ``lr=`` is now ``learning_rate=``, its ``decay=`` a schedule, and
    its ``epsilon=None`` (which meant 1e-7) must now be written as a number.

    中文：按 keras.optimizers.Adam 在第 t 步（从 1 开始）做一次带偏差校正的更新，返回新的 w、m、v。
    """
    w = _real_array(w, "w")
    grad = _same_shape(grad, "grad", w)
    m = _same_shape(m, "m", w)
    v = _same_shape(v, "v", w)
    if np.any(v < 0):
        raise ValueError("v is a running average of squared gradients and cannot be negative")
    if isinstance(t, bool) or not isinstance(t, numbers.Integral) or t < 1:
        raise ValueError(f"t is the 1-based step number and must be an integer >= 1, got {t!r}")
    learning_rate = _real_number(learning_rate, "learning_rate")
    beta_1 = _real_number(beta_1, "beta_1")
    beta_2 = _real_number(beta_2, "beta_2")
    for name, beta in (("beta_1", beta_1), ("beta_2", beta_2)):
        if not 0.0 <= beta < 1.0:
            raise ValueError(f"{name} must be in [0, 1), got {beta}")
    if epsilon is None:
        raise ValueError("epsilon=None was Keras 2's way to say 1e-7; pass epsilon=1e-7")
    epsilon = _real_number(epsilon, "epsilon")
    if epsilon < 0:
        raise ValueError(f"epsilon must be >= 0, got {epsilon}")
    new_m = m + (1.0 - beta_1) * (grad - m)
    new_v = v + (1.0 - beta_2) * (grad * grad - v)
    alpha = learning_rate * np.sqrt(1.0 - beta_2 ** int(t)) / (1.0 - beta_1 ** int(t))
    return w - alpha * new_m / (np.sqrt(new_v) + epsilon), new_m, new_v


def inverse_time_decay(initial_learning_rate, decay, iteration):
    """Return the learning rate at ``iteration``: ``initial_learning_rate / (1 + decay * iteration)``.

    This is what the book's ``SGD(lr=0.01, decay=1e-6)`` did: the rate shrinks a little after
    every update (``iteration`` counts updates from 0, so iteration 0 gives the initial rate).
    ``decay`` and ``iteration`` are numbers >= 0; otherwise ValueError naming the argument.
    Returns a float.
    Keras 3 equivalent: ``decay=`` is no longer accepted; pass
    ``keras.optimizers.schedules.InverseTimeDecay(initial_learning_rate, decay_steps=1,
    decay_rate=decay)`` as the optimizer's ``learning_rate``.

    中文：逆时间衰减的学习率 η / (1 + decay · iteration)，即书中 decay= 参数的效果。
    """
    initial_learning_rate = _real_number(initial_learning_rate, "initial_learning_rate")
    decay = _real_number(decay, "decay")
    if decay < 0:
        raise ValueError(f"decay must be >= 0, got {decay}")
    iteration = _real_number(iteration, "iteration")
    if iteration < 0:
        raise ValueError(f"iteration counts updates from 0 and cannot be negative, got {iteration}")
    return initial_learning_rate / (1.0 + decay * iteration)


def _count(value, name, minimum):
    """An int >= minimum; bools and floats such as 64.0 are refused rather than guessed at."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def _real_array(values, name):
    """``values`` as a float64 array, refusing strings, objects, complex numbers and NaN/inf."""
    try:
        array = np.asarray(values)
    except (TypeError, ValueError) as exc:  # ragged nested lists
        raise ValueError(f"{name} must be an array of numbers: {exc}") from None
    if array.dtype.kind not in "biuf":
        raise ValueError(f"{name} must hold real numbers, got dtype {array.dtype}")
    array = array.astype(np.float64)
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    return array


def _same_shape(values, name, reference):
    array = _real_array(values, name)
    if array.shape != reference.shape:
        raise ValueError(f"{name} must have the shape of w {reference.shape}, got {array.shape}")
    return array


def _real_number(value, name):
    """A finite Python float from a number (or a 0-d array); anything else names ``name``."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.ndarray)):
        raise ValueError(f"{name} must be a number, got {value!r}")
    array = np.asarray(value)
    if array.ndim != 0 or array.dtype.kind not in "iuf" or not np.isfinite(array):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return float(array)
