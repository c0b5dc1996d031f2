"""Neurons and activation functions.

A neuron multiplies its inputs by weights, adds a bias and passes the sum z = x·w + b through an
activation function. A Dense layer is many neurons side by side: ``activation(x @ kernel + bias)``.
The activation is what makes a network more than one big linear map: without it, any stack of
Dense layers computes exactly what a single layer could.
Keras 3 names them in ``keras.activations`` (``relu``, ``sigmoid``, ``softmax``, ...) and accepts
their names as strings: ``keras.layers.Dense(10, activation="relu")``.
神经元与激活函数：神经元计算 z = x·w + b 再经过激活函数；没有激活函数，多层网络等于一层。
"""

import numbers

import numpy as np

# Keras's SELU constants.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _identity(z):
    """The linear activation: ``z`` unchanged."""
    return z


def weighted_sum(x, w, b):
    """Return a neuron's weighted sum ``z = x · w + b``.

    ``x`` holds one sample, shape (n_features,), or a batch, shape (batch, n_features); ``w`` holds
    one weight per feature, shape (n_features,); ``b`` is the neuron's single bias (a scalar).
    One sample gives a scalar, a batch gives a float64 array of shape (batch,).
    When the number of features of ``x`` differs from the length of ``w``, a ValueError names
    ``w`` (never a silent broadcast, such as one weight stretched over every feature).
    Keras 3 equivalent: a ``keras.layers.Dense(1)`` layer computes this before its activation,
    with ``w`` as its (n_features, 1) kernel.

    中文：计算神经元的加权和 z = x·w + b；单个样本返回标量，一批样本返回 (batch,) 数组。
    """
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    if x.ndim not in (1, 2):
        raise ValueError(f"x must be one sample (n_features,) or a batch (batch, n_features), got shape {x.shape}")
    if w.ndim != 1 or w.shape[0] != x.shape[-1]:
        raise ValueError(f"w must hold one weight per feature, shape ({x.shape[-1]},), got {w.shape}")
    if np.ndim(b) != 0:
        raise ValueError(f"b must be a single number, got shape {np.shape(b)}")
    return x @ w + np.float64(b)


def dense_forward(x, kernel, bias, activation=None):
    """Return a Dense layer's output ``activation(x @ kernel + bias)``.

    ``kernel`` has shape (n_inputs, units): column j holds the weights of neuron j; ``bias`` has
    shape (units,). ``x`` is a batch of shape (batch, n_inputs) (or one sample, (n_inputs,)).
    ``activation`` is one of ``None`` or ``"linear"`` (no activation), ``"relu"``, ``"sigmoid"``,
    ``"tanh"`` or ``"softmax"`` (over the units of each sample). Any other name raises ValueError
    naming ``activation``; a kernel that does not fit ``x`` or a bias that does not fit the kernel
    raises ValueError naming ``kernel`` or ``bias``. Returns float64.
    Keras 3 equivalent: ``keras.layers.Dense(units, activation=activation)`` after
    ``layer.set_weights([kernel, bias])``.

    中文：Dense 层的前向计算 activation(x @ kernel + bias)；未知的激活函数名抛出 ValueError。
    """
    x = np.asarray(x, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    bias = np.asarray(bias, dtype=np.float64)
    if x.ndim not in (1, 2):
        raise ValueError(f"x must have shape (batch, n_inputs) or (n_inputs,), got {x.shape}")
    if kernel.ndim != 2 or kernel.shape[0] != x.shape[-1]:
        raise ValueError(f"kernel must have shape ({x.shape[-1]}, units) to fit x, got {kernel.shape}")
    if bias.shape != (kernel.shape[1],):
        raise ValueError(f"bias must have shape ({kernel.shape[1]},) to fit the kernel, got {bias.shape}")
    functions = {None: _identity, "linear": _identity, "relu": relu, "sigmoid": sigmoid,
                 "tanh": tanh, "softmax": softmax}
    if not (activation is None or isinstance(activation, str)) or activation not in functions:
        raise ValueError(f"activation must be one of None, 'linear', 'relu', 'sigmoid', 'tanh' "
                         f"or 'softmax', got {activation!r}")
    return functions[activation](x @ kernel + bias)


def sigmoid(z):
    """Return the logistic sigmoid ``1 / (1 + exp(-z))`` element-wise, as float64.

    It squashes any real number into (0, 1): sigmoid(0) = 0.5, large positive z gives almost 1,
    large negative z almost 0; the usual output of a yes/no classifier. Written naively it
    overflows: ``exp(-z)`` is ``inf`` for z = -1e4 (with a RuntimeWarning), and the form
    ``exp(z) / (1 + exp(z))`` gives ``inf / inf = nan`` for z = 1e4. Only ever exponentiate a
    non-positive number: for z < 0 use ``exp(z) / (1 + exp(z))``.
    Keras 3 equivalent: ``keras.activations.sigmoid`` (``activation="sigmoid"``).

    中文：逐元素计算 sigmoid 1/(1+e^(−z))，输出在 (0, 1)；要数值稳定，只对非正数取指数。
    """
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))  # never exponentiates a positive number
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def relu(z, negative_slope=0.0, max_value=None, threshold=0.0):
    """Return the rectified linear unit element-wise, with Keras's three options, as float64.

    Plain ReLU is ``max(z, 0)``: cheap, and its gradient does not vanish for positive z.
    Keras 3 computes, in this order:

    1. ``y = z`` where ``z > threshold``, else 0 (values at or below the threshold are damped);
    2. if ``max_value`` is given, clip ``y`` to ``[0, max_value]`` (so a negative threshold keeps
       the values between it and 0 negative unless a ``max_value`` is given);
    3. subtract ``negative_slope * max(threshold - z, 0)``: below the threshold the output
       leaks with that slope instead of being flat.

    The book's ``alpha`` is ``negative_slope`` in Keras 3.
    Keras 3 equivalent: ``keras.activations.relu(z, negative_slope, max_value, threshold)``.

    中文：ReLU 及其三个参数：阈值以下置零、可选上限截断、阈值以下按 negative_slope 泄漏。
    """
    z = np.asarray(z, dtype=np.float64)
    y = np.where(z > threshold, z, 0.0)
    if max_value is not None:
        y = np.clip(y, 0.0, max_value)
    return y - negative_slope * np.maximum(threshold - z, 0.0)


def leaky_relu(z, negative_slope=0.2):
    """Return the leaky ReLU element-wise: ``z`` where z > 0, else ``negative_slope * z``.

    A plain ReLU unit whose input stays negative outputs 0 and gets a zero gradient: it is "dead"
    and stops learning. A small slope for negative inputs keeps a gradient flowing.
    Note Keras's default slope is 0.2 (the layer ``keras.layers.LeakyReLU`` uses 0.3).
    Keras 3 equivalent: ``keras.activations.leaky_relu(z, negative_slope=0.2)``.

    中文：Leaky ReLU：z > 0 时为 z，否则为 negative_slope·z，避免神经元“死亡”。
    """
    z = np.asarray(z, dtype=np.float64)
    return np.where(z > 0, z, negative_slope * z)


def tanh(z):
    """Return the hyperbolic tangent element-wise, as float64.

    ``tanh(z) = (e^z - e^-z) / (e^z + e^-z)`` squashes into (-1, 1) and is centred on 0
    (tanh(0) = 0), which often makes hidden layers train faster than with the sigmoid;
    in fact ``tanh(z) = 2 * sigmoid(2z) - 1``. The formula above overflows for large |z|.
    Keras 3 equivalent: ``keras.activations.tanh`` (``activation="tanh"``).

    中文：双曲正切，输出在 (−1, 1)、以 0 为中心；tanh(z) = 2·sigmoid(2z) − 1。
    """
    return np.tanh(np.asarray(z, dtype=np.float64))


def elu(z, alpha=1.0):
    """Return the exponential linear unit element-wise: ``z`` if z > 0, else ``alpha * (exp(z) - 1)``.

    Like ReLU for positive inputs, but negative inputs curve smoothly down to ``-alpha``,
    which pushes the mean activation towards 0. Do not exponentiate the positive entries:
    ``exp(1e4)`` overflows even though the branch is not used.
    Keras 3 equivalent: ``keras.activations.elu(z, alpha=1.0)``.

    中文：ELU：z > 0 时为 z，否则为 alpha·(e^z − 1)，负半轴平滑趋于 −alpha。
    """
    z = np.asarray(z, dtype=np.float64)
    return np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0.0)))


def selu(z):
    """Return the scaled exponential linear unit: ``scale * elu(z, alpha)`` with Keras's constants.

    ``alpha = 1.6732632423543772848170429916717`` and ``scale = 1.0507009873554804934193349852946``
    are chosen so that activations keep mean 0 and variance 1 from layer to layer ("self-
    normalizing"), given LeCun-normal initial weights. Positive z gives ``scale * z``.
    Keras 3 equivalent: ``keras.activations.selu`` (use it with ``kernel_initializer="lecun_normal"``).

    中文：SELU：scale·elu(z, alpha)，使用 Keras 的两个常数 alpha≈1.6733、scale≈1.0507。
    """
    return SELU_SCALE * elu(z, SELU_ALPHA)


def swish(z):
    """Return the swish (SiLU) activation ``z * sigmoid(z)`` element-wise, as float64.

    A smooth ReLU-like curve that dips slightly below 0 for negative inputs. It inherits the
    sigmoid's overflow trap, so it needs a stable sigmoid: swish(1e4) = 1e4, swish(-1e4) = 0.
    Keras 3 equivalent: ``keras.activations.swish`` (also named ``keras.activations.silu``).

    中文：swish（SiLU）：z·sigmoid(z)；需要数值稳定的 sigmoid。
    """
    z = np.asarray(z, dtype=np.float64)
    return z * sigmoid(z)


def softmax(z, axis=-1):
    """Return ``exp(z) / sum(exp(z))`` along ``axis``: every slice along it becomes probabilities.

    The usual output of a classifier with several classes: each row of scores (logits) becomes
    positive numbers summing to 1. Softmax does not change when a constant is added to a slice,
    so subtract each slice's maximum first: then no ``exp`` overflows (a score of 1e4 would give
    ``inf / inf = nan``). ``axis`` is an int (negative counts from the end), a tuple of ints, or
    None for all axes at once; an axis the array does not have raises ValueError naming ``axis``.
    Keras 3 equivalent: ``keras.activations.softmax(z, axis=-1)`` (``activation="softmax"``).

    中文：沿 axis 计算 softmax，使每一组分数变成和为 1 的概率；先减去最大值以保证数值稳定。
    """
    z = np.asarray(z, dtype=np.float64)
    axes = tuple(range(z.ndim)) if axis is None else (axis if isinstance(axis, tuple) else (axis,))
    for a in axes:
        if not isinstance(a, numbers.Integral) or isinstance(a, (bool, np.bool_)) or not -z.ndim <= a < z.ndim:
            raise ValueError(f"axis {axis!r} is not an axis of an array with {z.ndim} axes")
    normalized = [int(a) % z.ndim for a in axes]
    if len(set(normalized)) != len(normalized):
        raise ValueError(f"axis {axis!r} repeats an axis")
    axes = tuple(normalized)
    e = np.exp(z - np.max(z, axis=axes, keepdims=True))
    return e / np.sum(e, axis=axes, keepdims=True)


def sigmoid_derivative(z):
    """Return the slope of the sigmoid at ``z``: ``sigmoid(z) * (1 - sigmoid(z))``, as float64.

    Backpropagation multiplies by this factor. It is at most 0.25 (at z = 0) and nearly 0 for
    large |z|: a saturated sigmoid passes almost no gradient back ("vanishing gradient").
    Compute it from a stable sigmoid so that z = ±1e4 gives 0 without overflow.
    Keras 3 equivalent: the gradient TensorFlow computes for ``keras.activations.sigmoid``.

    中文：sigmoid 的导数 σ(z)(1 − σ(z))，最大 0.25；|z| 大时接近 0（梯度消失）。
    """
    z = np.asarray(z, dtype=np.float64)
    return sigmoid(z) * sigmoid(-z)  # 1 - sigmoid(z) == sigmoid(-z), without cancellation


def relu_derivative(z):
    """Return the slope of ReLU at ``z``: 1.0 where z > 0, else 0.0 (float64).

    ReLU is not differentiable at 0; like TensorFlow's gradient of ``relu``, take 0 there.
    Its slope never shrinks for positive inputs, which is why deep ReLU networks train where
    deep sigmoid networks stall.
    Keras 3 equivalent: the gradient TensorFlow computes for ``keras.activations.relu``.

    中文：ReLU 的导数：z > 0 处为 1，否则为 0（z = 0 处取 0，与 TensorFlow 一致）。
    """
    z = np.asarray(z, dtype=np.float64)
    return np.where(z > 0, 1.0, 0.0)


def collapse_linear(kernels, biases):
    """Return the single ``(kernel, bias)`` computing what a stack of linear Dense layers computes.

    ``kernels[i]`` has shape (n_i, n_{i+1}) and ``biases[i]`` shape (n_{i+1},), layer 0 first.
    With no activation, layer after layer is ``(x @ K1 + b1) @ K2 + b2 = x @ (K1 @ K2) + (b1 @ K2 + b2)``:
    the whole stack is one Dense layer with kernel ``K1 @ K2 @ ...``. That is why a deep network
    needs non-linear activations (and, an erratum of the book: a linear activation has derivative
    1, not 0). Returns two float64 arrays. An empty stack, lists of different lengths, a kernel that
    is not 2-d or does not chain onto the previous one raise ValueError naming ``kernels``; a bias
    that does not match its kernel's columns raises ValueError naming ``biases``.
    Keras 3 equivalent: ``keras.Sequential([keras.layers.Dense(n) for n in sizes])`` with no activation.

    中文：把多层无激活的 Dense 层合并成一层 (kernel, bias)——没有非线性，深层网络等于一层。
    """
    if len(kernels) == 0:
        raise ValueError("kernels is empty: a stack needs at least one layer")
    if len(kernels) != len(biases):
        raise ValueError(f"kernels and biases must have the same length, got {len(kernels)} and {len(biases)}")
    kernels = [np.asarray(k, dtype=np.float64) for k in kernels]
    biases = [np.asarray(b, dtype=np.float64) for b in biases]
    for i, k in enumerate(kernels):
        if k.ndim != 2:
            raise ValueError(f"kernels[{i}] must be 2-d, got shape {k.shape}")
        if i > 0 and k.shape[0] != kernels[i - 1].shape[1]:
            raise ValueError(f"kernels[{i}] of shape {k.shape} does not chain onto kernels[{i - 1}] "
                             f"of shape {kernels[i - 1].shape}")
        if biases[i].shape != (k.shape[1],):
            raise ValueError(f"biases[{i}] must have shape ({k.shape[1]},), got {biases[i].shape}")
    kernel, bias = kernels[0], biases[0]
    for k, b in zip(kernels[1:], biases[1:]):
        kernel, bias = kernel @ k, bias @ k + b
    return kernel, bias
