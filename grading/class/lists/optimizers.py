"""How weights are updated.

Training repeats one small move: compute the gradient of the loss on a batch of samples and
step every weight against it. One pass over all samples is an epoch; one batch is an
iteration. Plain stochastic gradient descent (SGD) steps by ``learning_rate * gradient``;
momentum remembers the previous steps; Adam also scales each weight's step by a running
average of its squared gradients.
The book's Keras 2 arguments are gone in Keras 3: ``lr=`` is now ``learning_rate=``,
``decay=`` is replaced by a learning-rate schedule, and Adam's ``epsilon=None`` by 1e-7.
优化器：权重如何按梯度一步步更新（批次、迭代、SGD、动量、Adam、学习率衰减）。
"""

import math
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
    _check_counts(n_samples, batch_size)
    return math.ceil(n_samples / batch_size) if n_samples else 0


def batch_slices(n_samples, batch_size):
    """Return the ``(start, stop)`` index pairs of the batches of one epoch, in order.

    The pairs cover ``0 .. n_samples`` without gaps or overlaps, each ``stop`` exclusive as in
    ``x[start:stop]``; every batch has ``batch_size`` samples except possibly the last, which
    holds what remains (it is not dropped). 5 samples at batch size 2 give
    ``[(0, 2), (2, 4), (4, 5)]``. The same argument checks as ``iterations_per_epoch``.
    Keras 3 equivalent: the batches ``model.fit(..., batch_size=..., shuffle=False)`` feeds.

    中文：返回一个 epoch 中各批次的 (start, stop) 索引对，按顺序覆盖全部样本，最后一批可以更小。
    """
    _check_counts(n_samples, batch_size)
    return [(start, min(start + batch_size, n_samples)) for start in range(0, n_samples, batch_size)]


def linear_regression_gradients(x, y, w, b):
    """Return ``(dw, db)``: the gradients of the mean squared error of ``y_hat = x @ w + b``.

    With ``error = y_hat - y`` over ``n`` samples, ``loss = mean(error ** 2)``, so
    ``dw = (2 / n) * x.T @ error`` (shape ``(d,)``, a float64 array) and
    ``db = (2 / n) * sum(error)`` (a float). ``x`` is ``(n, d)``, ``y`` is ``(n,)`` (``(n, 1)`` is
    read as ``(n,)``, never broadcast to ``(n, n)``), ``w`` is ``(d,)`` and ``b`` a number.
    Mismatched shapes or no samples raise ValueError naming the argument.
    Keras 3 equivalent: what ``tf.GradientTape`` (``jax.grad``) computes for a ``Dense(1)`` layer
    compiled with ``loss="mse"``.

    中文：线性回归均方误差对权重和偏置的梯度：dw = 2/n · xᵀ(ŷ − y)，db = 2/n · Σ(ŷ − y)。
    """
    rows = _to_nested(x)
    targets = _to_nested(y)
    weights = _to_nested(w)
    x_shape = _shape(rows, "x")
    y_shape = _shape(targets, "y")
    w_shape = _shape(weights, "w")
    if len(x_shape) != 2 or x_shape[0] == 0:
        raise ValueError(f"x must be 2-d (n, d) with at least one sample, got shape {x_shape}")
    n, d = x_shape
    if y_shape == (n, 1):
        targets = [row[0] for row in targets]
    elif y_shape != (n,):
        raise ValueError(f"y must have shape ({n},) or ({n}, 1), got {y_shape}")
    if w_shape != (d,):
        raise ValueError(f"w must have shape ({d},), got {w_shape}")
    b = _scalar(b)
    if not _is_number(b):
        raise ValueError(f"b must be a number, got {b!r}")
    errors = [math.fsum(xi * wi for xi, wi in zip(row, weights)) + b - t for row, t in zip(rows, targets)]
    dw = [2.0 / n * math.fsum(row[j] * e for row, e in zip(rows, errors)) for j in range(d)]
    db = 2.0 / n * math.fsum(errors)
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
    weights = _to_nested(w)
    gradient = _to_nested(grad)
    speed = _to_nested(velocity)
    shape = _shape(weights, "w")
    if _shape(gradient, "grad") != shape:
        raise ValueError(f"grad must have the shape of w, {shape}")
    if _shape(speed, "velocity") != shape:
        raise ValueError(f"velocity must have the shape of w, {shape}")
    if not _is_number(learning_rate):
        raise ValueError(f"learning_rate must be a number, got {learning_rate!r}")
    if not _is_number(momentum) or not 0 <= momentum <= 1:
        raise ValueError(f"momentum must be a number in [0, 1], got {momentum!r}")
    if momentum == 0:
        return _map(lambda wi, gi: wi - learning_rate * gi, weights, gradient), speed
    new_velocity = _map(lambda vi, gi: momentum * vi - learning_rate * gi, speed, gradient)
    if nesterov:
        new_w = _map(lambda wi, vi, gi: wi + momentum * vi - learning_rate * gi, weights, new_velocity, gradient)
    else:
        new_w = _map(lambda wi, vi: wi + vi, weights, new_velocity)
    return new_w, new_velocity


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
    weights = _to_nested(w)
    gradient = _to_nested(grad)
    first = _to_nested(m)
    second = _to_nested(v)
    shape = _shape(weights, "w")
    for name, value in (("grad", gradient), ("m", first), ("v", second)):
        if _shape(value, name) != shape:
            raise ValueError(f"{name} must have the shape of w, {shape}")
    if any(vi < 0 for vi in _leaves(second)):
        raise ValueError("v must be >= 0 (it averages squared gradients)")
    if not _is_int(t) or t < 1:
        raise ValueError(f"t must be an integer >= 1 (steps count from 1), got {t!r}")
    if not _is_number(learning_rate):
        raise ValueError(f"learning_rate must be a number, got {learning_rate!r}")
    for name, beta in (("beta_1", beta_1), ("beta_2", beta_2)):
        if not _is_number(beta) or not 0 <= beta < 1:
            raise ValueError(f"{name} must be a number in [0, 1), got {beta!r}")
    if not _is_number(epsilon) or not epsilon >= 0:
        raise ValueError(f"epsilon must be a number >= 0, got {epsilon!r}")
    new_m = _map(lambda mi, gi: mi + (1 - beta_1) * (gi - mi), first, gradient)
    new_v = _map(lambda vi, gi: vi + (1 - beta_2) * (gi * gi - vi), second, gradient)
    alpha = learning_rate * math.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
    new_w = _map(lambda wi, mi, vi: wi - alpha * mi / (math.sqrt(vi) + epsilon), weights, new_m, new_v)
    return new_w, new_m, new_v


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
    if not _is_number(initial_learning_rate):
        raise ValueError(f"initial_learning_rate must be a number, got {initial_learning_rate!r}")
    if not _is_number(decay) or not decay >= 0:
        raise ValueError(f"decay must be a number >= 0, got {decay!r}")
    if not _is_number(iteration) or not iteration >= 0:
        raise ValueError(f"iteration must be a number >= 0, got {iteration!r}")
    return float(initial_learning_rate) / (1.0 + decay * iteration)


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool) and type(value).__name__ != "bool_"


def _is_number(value):
    return (isinstance(value, numbers.Real) and not isinstance(value, bool) and type(value).__name__ != "bool_"
            and not math.isnan(value))


def _check_counts(n_samples, batch_size):
    if not _is_int(n_samples) or n_samples < 0:
        raise ValueError(f"n_samples must be an integer >= 0, got {n_samples!r}")
    if not _is_int(batch_size) or batch_size < 1:
        raise ValueError(f"batch_size must be an integer >= 1, got {batch_size!r}")


def _scalar(value):
    """A Python number for a number (numpy scalars and 0-d arrays included)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if hasattr(value, "item"):
        return _scalar(value.item())
    return value


def _to_nested(x):
    """Nested Python lists of the values of a number, list, tuple or array."""
    try:
        items = list(x)
    except TypeError:
        return _scalar(x)
    return [_to_nested(item) for item in items]


def _shape(data, name):
    """The shape of nested lists; ragged lists raise ValueError naming ``name``."""
    if not isinstance(data, list):
        return ()
    if not data:
        return (0,)
    inner = [_shape(item, name) for item in data]
    if any(s != inner[0] for s in inner):
        raise ValueError(f"{name} is ragged: its rows have different shapes")
    return (len(data),) + inner[0]


def _leaves(data):
    if isinstance(data, list):
        return [leaf for item in data for leaf in _leaves(item)]
    return [data]


def _map(function, *arrays):
    """``function`` applied element by element to nested lists of one shape (floats at the leaves)."""
    if isinstance(arrays[0], list):
        return [_map(function, *items) for items in zip(*arrays)]
    return float(function(*(float(a) for a in arrays)))
