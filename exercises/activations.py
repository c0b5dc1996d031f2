"""Neurons and activation functions.

A neuron multiplies its inputs by weights, adds a bias and passes the sum z = x·w + b through an
activation function. A Dense layer is many neurons side by side: ``activation(x @ kernel + bias)``.
The activation is what makes a network more than one big linear map: without it, any stack of
Dense layers computes exactly what a single layer could.
Keras 3 names them in ``keras.activations`` (``relu``, ``sigmoid``, ``softmax``, ...) and accepts
their names as strings: ``keras.layers.Dense(10, activation="relu")``.
Graded code may import only numpy, keras, tensorflow, the standard library and keraskit: the
grader provides nothing else (no scipy, pandas or scikit-learn), and ``pytest`` and
``keraskit check`` name a module that imports anything else before its tests run.
神经元与激活函数：神经元计算 z = x·w + b 再经过激活函数；没有激活函数，多层网络等于一层。
评分代码只能导入 numpy、keras、tensorflow、标准库和 keraskit；评分环境不提供其他包。
"""

import numpy as np


def weighted_sum(x, w, b):
    """Return a neuron's weighted sum ``z = x · w + b``.

    ``x`` holds one sample, shape (n_features,), or a batch, shape (batch, n_features); ``w`` holds
    one weight per feature, shape (n_features,); ``b`` is the neuron's single bias (a scalar).
    One sample gives a scalar, a batch gives an array of shape (batch,).
    When the number of features of ``x`` differs from the length of ``w``, a ValueError names
    ``w`` (never a silent broadcast, such as one weight stretched over every feature).
    Keras 3 equivalent: a ``keras.layers.Dense(1)`` layer computes this before its activation,
    with ``w`` as its (n_features, 1) kernel.

    中文：计算神经元的加权和 z = x·w + b；单个样本返回标量，一批样本返回 (batch,) 数组。
    """
    raise NotImplementedError


def dense_forward(x, kernel, bias, activation=None):
    """Return a Dense layer's output ``activation(x @ kernel + bias)``.

    ``kernel`` has shape (n_inputs, units): column j holds the weights of neuron j; ``bias`` has
    shape (units,). ``x`` is a batch of shape (batch, n_inputs) (or one sample, (n_inputs,)).
    ``activation`` is one of ``None`` or ``"linear"`` (no activation), ``"relu"``, ``"sigmoid"``,
    ``"tanh"`` or ``"softmax"`` (over the units of each sample). Any other name raises ValueError
    naming ``activation``; a kernel that does not fit ``x`` or a bias that does not fit the kernel
    raises ValueError naming ``kernel`` or ``bias``. Returns floats.
    Keras 3 equivalent: ``keras.layers.Dense(units, activation=activation)`` after
    ``layer.set_weights([kernel, bias])``.

    中文：Dense 层的前向计算 activation(x @ kernel + bias)；未知的激活函数名抛出 ValueError。
    """
    raise NotImplementedError


def sigmoid(z):
    """Return the logistic sigmoid ``1 / (1 + exp(-z))`` element-wise.

    It squashes any real number into (0, 1): sigmoid(0) = 0.5, large positive z gives almost 1,
    large negative z almost 0; the usual output of a yes/no classifier. Written naively it
    overflows: ``exp(-z)`` is ``inf`` for z = -1e4 (with a RuntimeWarning), and the form
    ``exp(z) / (1 + exp(z))`` gives ``inf / inf = nan`` for z = 1e4. Only ever exponentiate a
    non-positive number: for z < 0 use ``exp(z) / (1 + exp(z))``.
    Keras 3 equivalent: ``keras.activations.sigmoid`` (``activation="sigmoid"``).

    中文：逐元素计算 sigmoid 1/(1+e^(−z))，输出在 (0, 1)；要数值稳定，只对非正数取指数。
    """
    raise NotImplementedError


def relu(z, negative_slope=0.0, max_value=None, threshold=0.0):
    """Return the rectified linear unit element-wise, with Keras's three options.

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
    raise NotImplementedError


def leaky_relu(z, negative_slope=0.2):
    """Return the leaky ReLU element-wise: ``z`` where z > 0, else ``negative_slope * z``.

    A plain ReLU unit whose input stays negative outputs 0 and gets a zero gradient: it is "dead"
    and stops learning. A small slope for negative inputs keeps a gradient flowing.
    Note Keras's default slope is 0.2 (the layer ``keras.layers.LeakyReLU`` uses 0.3).
    Keras 3 equivalent: ``keras.activations.leaky_relu(z, negative_slope=0.2)``.

    中文：Leaky ReLU：z > 0 时为 z，否则为 negative_slope·z，避免神经元“死亡”。
    """
    raise NotImplementedError


def tanh(z):
    """Return the hyperbolic tangent element-wise.

    ``tanh(z) = (e^z - e^-z) / (e^z + e^-z)`` squashes into (-1, 1) and is centred on 0
    (tanh(0) = 0), which often makes hidden layers train faster than with the sigmoid;
    in fact ``tanh(z) = 2 * sigmoid(2z) - 1``. The formula above overflows for large |z|.
    Keras 3 equivalent: ``keras.activations.tanh`` (``activation="tanh"``).

    中文：双曲正切，输出在 (−1, 1)、以 0 为中心；tanh(z) = 2·sigmoid(2z) − 1。
    """
    raise NotImplementedError


def elu(z, alpha=1.0):
    """Return the exponential linear unit element-wise: ``z`` if z > 0, else ``alpha * (exp(z) - 1)``.

    Like ReLU for positive inputs, but negative inputs curve smoothly down to ``-alpha``,
    which pushes the mean activation towards 0. Do not exponentiate the positive entries:
    ``exp(1e4)`` overflows even though the branch is not used.
    Keras 3 equivalent: ``keras.activations.elu(z, alpha=1.0)``.

    中文：ELU：z > 0 时为 z，否则为 alpha·(e^z − 1)，负半轴平滑趋于 −alpha。
    """
    raise NotImplementedError


def selu(z):
    """Return the scaled exponential linear unit: ``scale * elu(z, alpha)`` with Keras's constants.

    ``alpha = 1.6732632423543772848170429916717`` and ``scale = 1.0507009873554804934193349852946``
    are chosen so that activations keep mean 0 and variance 1 from layer to layer ("self-
    normalizing"), given LeCun-normal initial weights. Positive z gives ``scale * z``.
    Keras 3 equivalent: ``keras.activations.selu`` (use it with ``kernel_initializer="lecun_normal"``).

    中文：SELU：scale·elu(z, alpha)，使用 Keras 的两个常数 alpha≈1.6733、scale≈1.0507。
    """
    raise NotImplementedError


def swish(z):
    """Return the swish (SiLU) activation ``z * sigmoid(z)`` element-wise.

    A smooth ReLU-like curve that dips slightly below 0 for negative inputs. It inherits the
    sigmoid's overflow trap, so it needs a stable sigmoid: swish(1e4) = 1e4, swish(-1e4) = 0.
    Keras 3 equivalent: ``keras.activations.swish`` (also named ``keras.activations.silu``).

    中文：swish（SiLU）：z·sigmoid(z)；需要数值稳定的 sigmoid。
    """
    raise NotImplementedError


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
    raise NotImplementedError


def sigmoid_derivative(z):
    """Return the slope of the sigmoid at ``z``: ``sigmoid(z) * (1 - sigmoid(z))``.

    Backpropagation multiplies by this factor. It is at most 0.25 (at z = 0) and nearly 0 for
    large |z|: a saturated sigmoid passes almost no gradient back ("vanishing gradient").
    Compute it from a stable sigmoid so that z = ±1e4 gives 0 without overflow.
    Keras 3 equivalent: the gradient TensorFlow computes for ``keras.activations.sigmoid``.

    中文：sigmoid 的导数 σ(z)(1 − σ(z))，最大 0.25；|z| 大时接近 0（梯度消失）。
    """
    raise NotImplementedError


def relu_derivative(z):
    """Return the slope of ReLU at ``z``: 1.0 where z > 0, else 0.0.

    ReLU is not differentiable at 0; like TensorFlow's gradient of ``relu``, take 0 there.
    Its slope never shrinks for positive inputs, which is why deep ReLU networks train where
    deep sigmoid networks stall.
    Keras 3 equivalent: the gradient TensorFlow computes for ``keras.activations.relu``.

    中文：ReLU 的导数：z > 0 处为 1，否则为 0（z = 0 处取 0，与 TensorFlow 一致）。
    """
    raise NotImplementedError


def collapse_linear(kernels, biases):
    """Return the single ``(kernel, bias)`` computing what a stack of linear Dense layers computes.

    ``kernels[i]`` has shape (n_i, n_{i+1}) and ``biases[i]`` shape (n_{i+1},), layer 0 first.
    With no activation, layer after layer is ``(x @ K1 + b1) @ K2 + b2 = x @ (K1 @ K2) + (b1 @ K2 + b2)``:
    the whole stack is one Dense layer with kernel ``K1 @ K2 @ ...``. That is why a deep network
    needs non-linear activations (and, an erratum of the book: a linear activation has derivative
    1, not 0). Returns two arrays. An empty stack, lists of different lengths, a kernel that
    is not 2-d or does not chain onto the previous one raise ValueError naming ``kernels``; a bias
    that does not match its kernel's columns raises ValueError naming ``biases``.
    Keras 3 equivalent: ``keras.Sequential([keras.layers.Dense(n) for n in sizes])`` with no activation.

    中文：把多层无激活的 Dense 层合并成一层 (kernel, bias)——没有非线性，深层网络等于一层。
    """
    raise NotImplementedError
