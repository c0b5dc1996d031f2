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
    raise NotImplementedError


def batch_slices(n_samples, batch_size):
    """Return the ``(start, stop)`` index pairs of the batches of one epoch, in order.

    The pairs cover ``0 .. n_samples`` without gaps or overlaps, each ``stop`` exclusive as in
    ``x[start:stop]``; every batch has ``batch_size`` samples except possibly the last, which
    holds what remains (it is not dropped). 5 samples at batch size 2 give
    ``[(0, 2), (2, 4), (4, 5)]``. The same argument checks as ``iterations_per_epoch``.
    Keras 3 equivalent: the batches ``model.fit(..., batch_size=..., shuffle=False)`` feeds.

    中文：返回一个 epoch 中各批次的 (start, stop) 索引对，按顺序覆盖全部样本，最后一批可以更小。
    """
    raise NotImplementedError


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
    raise NotImplementedError


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
    raise NotImplementedError


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
    raise NotImplementedError


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
    raise NotImplementedError
