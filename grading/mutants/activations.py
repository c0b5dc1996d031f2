"""Wrong and right answers for activations.py, each graded by the hidden suite (see kitdev.mutation)."""

import numpy as np

from kitdev.mutation import right, wrong

# ---------------------------------------------------------------- weighted_sum


@wrong("activations.weighted_sum", "element-wise product and sum: one weight broadcasts over every feature",
       misconception="weighted-sum-broadcast-weight")
def weighted_sum(x, w, b):
    return np.sum(np.asarray(x, dtype=float) * np.asarray(w, dtype=float), axis=-1) + b


@wrong("activations.weighted_sum", "forgets the bias", misconception="weighted-sum-no-bias")
def weighted_sum(x, w, b):
    inputs, weights = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    if inputs.shape[-1] != weights.shape[0]:
        raise ValueError("w does not match x")
    z = inputs @ weights
    return float(z) if inputs.ndim == 1 else z


@wrong("activations.weighted_sum", "a single sample gives a (1,) array instead of a scalar",
       misconception="weighted-sum-one-sample-array")
def weighted_sum(x, w, b):
    inputs, weights = np.atleast_2d(np.asarray(x, dtype=float)), np.asarray(w, dtype=float)
    if inputs.shape[-1] != weights.shape[0] or np.ndim(b) != 0:
        raise ValueError("w or b does not match x")
    return inputs @ weights + b


@right("activations.weighted_sum", "explicit loop over the features, np.dot per sample")
def weighted_sum(x, w, b):
    inputs, weights = np.asarray(x, dtype=np.float64), np.asarray(w, dtype=np.float64)
    if weights.ndim != 1 or inputs.shape[-1:] != weights.shape:
        raise ValueError(f"w has shape {weights.shape}, x has shape {inputs.shape}")
    if np.size(b) != 1:
        raise ValueError("b must be one number")
    if inputs.ndim == 1:
        return float(np.dot(inputs, weights)) + float(b)
    return np.array([np.dot(row, weights) for row in inputs], dtype=np.float64) + float(np.ravel(b)[0])


# ---------------------------------------------------------------- dense_forward


@wrong("activations.dense_forward", "softmax over the batch axis instead of over the units",
       misconception="dense-forward-softmax-axis")
def dense_forward(x, kernel, bias, activation=None):
    z = np.asarray(x, dtype=float) @ np.asarray(kernel, dtype=float) + np.asarray(bias, dtype=float)
    if activation == "softmax":
        return _stable_softmax(z, (0,))
    if activation not in _DENSE_ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}")
    return _DENSE_ACTIVATIONS[activation](z)


@wrong("activations.dense_forward", "an unknown name silently means no activation",
       misconception="dense-forward-unknown-activation")
def dense_forward(x, kernel, bias, activation=None):
    z = np.asarray(x, dtype=float) @ np.asarray(kernel, dtype=float) + np.asarray(bias, dtype=float)
    return _DENSE_ACTIVATIONS.get(activation, lambda v: v)(z)


@wrong("activations.dense_forward", "naive sigmoid: exp overflows for large pre-activations",
       misconception="dense-forward-naive-sigmoid")
def dense_forward(x, kernel, bias, activation=None):
    if activation not in _DENSE_ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}")
    if np.shape(kernel)[0] != np.shape(x)[-1] or np.shape(bias) != (np.shape(kernel)[1],):
        raise ValueError("kernel and bias must fit x")  # only the sigmoid is wrong here
    z = np.asarray(x, dtype=float) @ np.asarray(kernel, dtype=float) + np.asarray(bias, dtype=float)
    if activation == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    return _DENSE_ACTIVATIONS[activation](z)


@wrong("activations.dense_forward", "adds the bias after the activation",
       misconception="dense-forward-bias-after-activation")
def dense_forward(x, kernel, bias, activation=None):
    if activation not in _DENSE_ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}")
    z = np.asarray(x, dtype=float) @ np.asarray(kernel, dtype=float)
    return _DENSE_ACTIVATIONS[activation](z) + np.asarray(bias, dtype=float)


@wrong("activations.dense_forward", "no shape checks: a wrong-length bias broadcasts silently",
       misconception="dense-forward-shapes-unchecked")
def dense_forward(x, kernel, bias, activation=None):
    if activation not in _DENSE_ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}")
    z = np.dot(np.asarray(x, dtype=float), np.asarray(kernel, dtype=float)) + np.asarray(bias, dtype=float)
    return _DENSE_ACTIVATIONS[activation](z)


@right("activations.dense_forward", "an if-chain, tanh through the sigmoid, softmax through logsumexp")
def dense_forward(x, kernel, bias, activation=None):
    names = (None, "linear", "relu", "sigmoid", "tanh", "softmax")
    if activation not in names or (activation is not None and not isinstance(activation, str)):
        raise ValueError(f"activation must be one of {names}")
    x, kernel, bias = (np.asarray(a, dtype=np.float64) for a in (x, kernel, bias))
    if kernel.ndim != 2 or x.shape[-1] != kernel.shape[0]:
        raise ValueError("kernel does not fit x")
    if bias.shape != kernel.shape[1:]:
        raise ValueError("bias does not fit the kernel")
    z = np.einsum("...i,ij->...j", x, kernel) + bias
    if activation == "relu":
        return np.where(z > 0, z, 0.0)
    if activation == "sigmoid":
        return np.exp(-np.logaddexp(0.0, -z))
    if activation == "tanh":
        return 2.0 * np.exp(-np.logaddexp(0.0, -2.0 * z)) - 1.0
    if activation == "softmax":
        peak = z.max(axis=-1, keepdims=True)
        log_total = peak + np.log(np.exp(z - peak).sum(axis=-1, keepdims=True))
        return np.exp(z - log_total)
    return z


# ---------------------------------------------------------------- sigmoid


@wrong("activations.sigmoid", "naive 1 / (1 + exp(-z)): exp overflows (with a warning) for z = -1e4",
       misconception="sigmoid-overflow")
def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


@wrong("activations.sigmoid", "exp(z) / (1 + exp(z)): inf / inf = nan for z = 1e4", misconception="sigmoid-overflow")
def sigmoid(z):
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(np.asarray(z, dtype=float))
        return e / (1.0 + e)


@right("activations.sigmoid", "keeps the input's dtype: float32 in, float32 out, within float32's tolerance")
def sigmoid(z):
    values = np.asarray(z)
    values = values.astype(np.float64) if values.dtype.kind in "iub" else values
    small = np.exp(-np.abs(values))
    return np.where(values >= 0, 1 / (1 + small), small / (1 + small))


@right("activations.sigmoid", "through tanh: sigmoid(z) = (1 + tanh(z / 2)) / 2")
def sigmoid(z):
    return 0.5 * (1.0 + np.tanh(np.asarray(z, dtype=np.float64) / 2.0))


@right("activations.sigmoid", "through logaddexp: sigmoid(z) = exp(-log(1 + exp(-z)))")
def sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -np.asarray(z, dtype=np.float64)))


# ---------------------------------------------------------------- relu


@wrong("activations.relu", "threshold shifts the input: max(z - threshold, 0)", misconception="relu-threshold-shifts")
def relu(z, negative_slope=0.0, max_value=None, threshold=0.0):
    values = np.asarray(z, dtype=float)
    out = np.maximum(values - threshold, 0.0)
    if max_value is not None:
        out = np.minimum(out, max_value)
    return out + negative_slope * np.minimum(values - threshold, 0.0)


@wrong("activations.relu", "below the threshold leaks slope * z instead of slope * (z - threshold)",
       misconception="relu-leak-from-threshold")
def relu(z, negative_slope=0.0, max_value=None, threshold=0.0):
    values = np.asarray(z, dtype=float)
    above = values if max_value is None else np.clip(values, 0.0, max_value)
    return np.where(values > threshold, above, negative_slope * values)


@wrong("activations.relu", "clips to max_value before applying the threshold", misconception="relu-clip-order")
def relu(z, negative_slope=0.0, max_value=None, threshold=0.0):
    values = np.asarray(z, dtype=float)
    clipped = values if max_value is None else np.minimum(values, max_value)
    kept = np.where(clipped > threshold, clipped, 0.0)
    if max_value is not None:
        kept = np.maximum(kept, 0.0)
    return kept - negative_slope * np.maximum(threshold - values, 0.0)


@wrong("activations.relu", "ignores max_value", misconception="relu-max-value")
def relu(z, negative_slope=0.0, max_value=None, threshold=0.0):
    values = np.asarray(z, dtype=float)
    return np.where(values > threshold, values, 0.0) - negative_slope * np.maximum(threshold - values, 0.0)


@wrong("activations.relu", "a negative threshold still clamps at 0 (Keras keeps (threshold, 0) without max_value)",
       misconception="relu-max-value")
def relu(z, negative_slope=0.0, max_value=None, threshold=0.0):
    values = np.asarray(z, dtype=float)
    kept = np.maximum(np.where(values > threshold, values, 0.0), 0.0)
    if max_value is not None:
        kept = np.minimum(kept, max_value)
    return kept - negative_slope * np.maximum(threshold - values, 0.0)


@right("activations.relu", "keeps integer inputs as integers: the same numbers")
def relu(z, negative_slope=0.0, max_value=None, threshold=0.0):
    values = np.asarray(z)
    kept = np.where(values > threshold, values, 0)
    if max_value is not None:
        kept = np.maximum(np.minimum(kept, max_value), 0)
    if negative_slope != 0.0:
        kept = kept - negative_slope * np.maximum(threshold - values, 0)
    return kept


@right("activations.relu", "piecewise: above the threshold the (clipped) input, below it a line of slope negative_slope")
def relu(z, negative_slope=0.0, max_value=None, threshold=0.0):
    values = np.asarray(z, dtype=np.float64)
    above = values if max_value is None else np.maximum(np.minimum(values, max_value), 0.0)
    below = -negative_slope * (threshold - values)
    return np.where(values > threshold, above, below)


# ---------------------------------------------------------------- leaky_relu


@wrong("activations.leaky_relu", "max(z, slope * z): only right while 0 <= slope <= 1",
       misconception="leaky-relu-maximum")
def leaky_relu(z, negative_slope=0.2):
    values = np.asarray(z, dtype=float)
    return np.maximum(values, negative_slope * values)


@wrong("activations.leaky_relu", "default slope 0.3, the LeakyReLU layer's, not the function's 0.2",
       misconception="leaky-relu-slope")
def leaky_relu(z, negative_slope=0.3):
    values = np.asarray(z, dtype=float)
    return np.where(values > 0, values, negative_slope * values)


@wrong("activations.leaky_relu", "the slope on the wrong side", misconception="leaky-relu-slope")
def leaky_relu(z, negative_slope=0.2):
    values = np.asarray(z, dtype=float)
    return np.where(values > 0, negative_slope * values, values)


@right("activations.leaky_relu", "positive part plus slope times negative part")
def leaky_relu(z, negative_slope=0.2):
    values = np.asarray(z, dtype=np.float64)
    return np.maximum(values, 0.0) + negative_slope * np.minimum(values, 0.0)


# ---------------------------------------------------------------- tanh


@wrong("activations.tanh", "the exp formula: overflows to inf / inf for large |z|", misconception="tanh-overflow")
def tanh(z):
    values = np.asarray(z, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        return (np.exp(values) - np.exp(-values)) / (np.exp(values) + np.exp(-values))


@wrong("activations.tanh", "2 * sigmoid(z) - 1: forgets to double z", misconception="tanh-sigmoid-identity")
def tanh(z):
    return 2.0 * _stable_sigmoid(np.asarray(z, dtype=float)) - 1.0


@right("activations.tanh", "2 * sigmoid(2z) - 1 with a stable sigmoid")
def tanh(z):
    return 2.0 * _stable_sigmoid(2.0 * np.asarray(z, dtype=np.float64)) - 1.0


# ---------------------------------------------------------------- elu


@wrong("activations.elu", "exp of every entry: overflow warning for z = 1e4", misconception="elu-overflow")
def elu(z, alpha=1.0):
    values = np.asarray(z, dtype=float)
    return np.where(values > 0, values, alpha * (np.exp(values) - 1.0))


@wrong("activations.elu", "alpha scales the positive side too", misconception="elu-alpha")
def elu(z, alpha=1.0):
    values = np.asarray(z, dtype=float)
    return alpha * np.where(values > 0, values, np.expm1(np.minimum(values, 0.0)))


@wrong("activations.elu", "ignores alpha", misconception="elu-alpha")
def elu(z, alpha=1.0):
    values = np.asarray(z, dtype=float)
    return np.where(values > 0, values, np.expm1(np.minimum(values, 0.0)))


@right("activations.elu", "positive part plus alpha * expm1 of the negative part")
def elu(z, alpha=1.0):
    values = np.asarray(z, dtype=np.float64)
    return np.maximum(values, 0.0) + alpha * np.expm1(np.minimum(values, 0.0))


# ---------------------------------------------------------------- selu


@wrong("activations.selu", "the two constants swapped", misconception="selu-constants")
def selu(z):
    values = np.asarray(z, dtype=float)
    return 1.6732632423543772 * np.where(values > 0, values, 1.0507009873554805 * np.expm1(np.minimum(values, 0)))


@wrong("activations.selu", "constants rounded to 1.67 and 1.05", misconception="selu-constants")
def selu(z):
    values = np.asarray(z, dtype=float)
    return 1.05 * np.where(values > 0, values, 1.67 * np.expm1(np.minimum(values, 0)))


@wrong("activations.selu", "scale applied only to the positive side", misconception="selu-scale-both-sides")
def selu(z):
    values = np.asarray(z, dtype=float)
    return np.where(values > 0, 1.0507009873554805 * values,
                    1.6732632423543772 * np.expm1(np.minimum(values, 0)))


@right("activations.selu", "scale * alpha * (exp(z) - 1) written out, exp of the non-positive part only")
def selu(z):
    values = np.asarray(z, dtype=np.float64)
    scale, alpha = 1.0507009873554804934193349852946, 1.6732632423543772848170429916717
    negative = np.minimum(values, 0.0)
    return np.where(values > 0, scale * values, scale * alpha * (np.exp(negative) - 1.0))


# ---------------------------------------------------------------- swish


@wrong("activations.swish", "z times a naive sigmoid: exp overflows for z = -1e4", misconception="swish-overflow")
def swish(z):
    values = np.asarray(z, dtype=float)
    return values / (1.0 + np.exp(-values))


@wrong("activations.swish", "z * sigmoid(-z)", misconception="swish-formula")
def swish(z):
    values = np.asarray(z, dtype=float)
    return values * _stable_sigmoid(-values)


@wrong("activations.swish", "returns the sigmoid, not z times it", misconception="swish-formula")
def swish(z):
    return _stable_sigmoid(np.asarray(z, dtype=float))


@right("activations.swish", "z * (1 + tanh(z / 2)) / 2")
def swish(z):
    values = np.asarray(z, dtype=np.float64)
    return values * 0.5 * (1.0 + np.tanh(values / 2.0))


# ---------------------------------------------------------------- softmax


@wrong("activations.softmax", "no shift by the maximum: exp(1e4) = inf, inf / inf = nan",
       misconception="softmax-overflow")
def softmax(z, axis=-1):
    values = np.asarray(z, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(values)
        return e / e.sum(axis=axis, keepdims=True)


@wrong("activations.softmax", "shifts by the maximum of the whole array, not of each slice",
       misconception="softmax-global-max")
def softmax(z, axis=-1):
    values = np.asarray(z, dtype=float)
    e = np.exp(values - values.max())
    with np.errstate(invalid="ignore"):
        return e / e.sum(axis=axis, keepdims=True)


@wrong("activations.softmax", "always over the last axis, ignoring axis", misconception="softmax-axis")
def softmax(z, axis=-1):
    values = np.asarray(z, dtype=float)
    e = np.exp(values - values.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


@wrong("activations.softmax", "normalizes over the whole array", misconception="softmax-axis")
def softmax(z, axis=-1):
    values = np.asarray(z, dtype=float)
    e = np.exp(values - values.max())
    return e / e.sum()


@wrong("activations.softmax", "axis=None taken as the last axis: each row sums to 1, not the whole array",
       misconception="softmax-axis")
def softmax(z, axis=-1):
    values = np.asarray(z, dtype=float)
    axes = _check_axes(-1 if axis is None else axis, values.ndim)
    return _stable_softmax(values, axes)


@right("activations.softmax", "exp(z - logsumexp(z)) along the axis")
def softmax(z, axis=-1):
    values = np.asarray(z, dtype=np.float64)
    peak = np.max(values, axis=axis, keepdims=True)
    log_total = peak + np.log(np.sum(np.exp(values - peak), axis=axis, keepdims=True))
    return np.exp(values - log_total)


@right("activations.softmax", "moves a single axis last and works row by row")
def softmax(z, axis=-1):
    values = np.asarray(z, dtype=np.float64)
    if axis is None or isinstance(axis, tuple):
        return _stable_softmax(values, _check_axes(axis, values.ndim))
    if not -values.ndim <= axis < values.ndim:
        raise ValueError(f"axis {axis} out of range")
    moved = np.moveaxis(values, axis, -1)
    rows = moved.reshape(-1, moved.shape[-1])
    out = np.empty_like(rows)
    for i, row in enumerate(rows):
        e = np.exp(row - row.max())
        out[i] = e / e.sum()
    return np.moveaxis(out.reshape(moved.shape), -1, axis)


# ---------------------------------------------------------------- sigmoid_derivative


@wrong("activations.sigmoid_derivative", "a naive sigmoid inside: exp overflows for z = -1e4",
       misconception="sigmoid-derivative-overflow")
def sigmoid_derivative(z):
    s = 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))
    return s * (1.0 - s)


@wrong("activations.sigmoid_derivative", "the tanh derivative 1 - s**2 applied to the sigmoid",
       misconception="sigmoid-derivative-formula")
def sigmoid_derivative(z):
    s = _stable_sigmoid(np.asarray(z, dtype=float))
    return 1.0 - s ** 2


@wrong("activations.sigmoid_derivative", "returns the sigmoid itself", misconception="sigmoid-derivative-formula")
def sigmoid_derivative(z):
    return _stable_sigmoid(np.asarray(z, dtype=float))


@right("activations.sigmoid_derivative", "exp(-|z|) / (1 + exp(-|z|))**2 (the derivative is even)")
def sigmoid_derivative(z):
    small = np.exp(-np.abs(np.asarray(z, dtype=np.float64)))
    return small / (1.0 + small) ** 2


# ---------------------------------------------------------------- relu_derivative


@wrong("activations.relu_derivative", "1 at z = 0 (z >= 0)", misconception="relu-derivative-at-zero")
def relu_derivative(z):
    return np.where(np.asarray(z, dtype=float) >= 0, 1.0, 0.0)


@wrong("activations.relu_derivative", "a boolean array, not float64", misconception="relu-derivative-booleans")
def relu_derivative(z):
    return np.asarray(z, dtype=float) > 0


@wrong("activations.relu_derivative", "np.heaviside with 0.5 at z = 0", misconception="relu-derivative-at-zero")
def relu_derivative(z):
    return np.heaviside(np.asarray(z, dtype=float), 0.5)


@right("activations.relu_derivative", "np.heaviside with 0 at z = 0")
def relu_derivative(z):
    return np.heaviside(np.asarray(z, dtype=np.float64), 0.0)


@right("activations.relu_derivative", "a comparison cast to float")
def relu_derivative(z):
    return (np.asarray(z) > 0).astype(np.float64)


# ---------------------------------------------------------------- collapse_linear


@wrong("activations.collapse_linear", "multiplies the kernels in the wrong order",
       misconception="collapse-kernel-order")
def collapse_linear(kernels, biases):
    layers = _checked_layers(kernels, biases)
    kernel, bias = layers[0]
    for next_kernel, next_bias in layers[1:]:
        bias = bias @ next_kernel + next_bias
        kernel = next_kernel @ kernel
    return kernel, bias


@wrong("activations.collapse_linear", "adds the biases up instead of passing them through the next kernels",
       misconception="collapse-bias-fold")
def collapse_linear(kernels, biases):
    layers = _checked_layers(kernels, biases)
    kernel, bias = layers[0]
    for next_kernel, next_bias in layers[1:]:
        kernel = kernel @ next_kernel
        bias = next_bias + bias.sum()
    return kernel, bias


@wrong("activations.collapse_linear", "keeps only the last layer's bias", misconception="collapse-bias-fold")
def collapse_linear(kernels, biases):
    layers = _checked_layers(kernels, biases)
    kernel = layers[0][0]
    for next_kernel, _ in layers[1:]:
        kernel = kernel @ next_kernel
    return kernel, layers[-1][1]


@wrong("activations.collapse_linear", "no validation: numpy's own errors and silent bias broadcasts",
       misconception="collapse-unchecked")
def collapse_linear(kernels, biases):
    kernel = np.asarray(kernels[0], dtype=float)
    bias = np.asarray(biases[0], dtype=float)
    for next_kernel, next_bias in zip(kernels[1:], biases[1:]):
        next_kernel = np.asarray(next_kernel, dtype=float)
        bias = bias @ next_kernel + np.asarray(next_bias, dtype=float)
        kernel = kernel @ next_kernel
    return kernel, bias


@right("activations.collapse_linear", "runs the identity matrix and a zero input through the stack")
def collapse_linear(kernels, biases):
    layers = _checked_layers(kernels, biases)
    n_inputs = layers[0][0].shape[0]

    def through_stack(x):
        for kernel, bias in layers:
            x = x @ kernel + bias
        return x

    bias = through_stack(np.zeros(n_inputs))
    return through_stack(np.eye(n_inputs)) - bias, bias


@right("activations.softmax", "the docstring's Keras equivalent on float32 tensors, returned as a tensor")
def softmax(z, axis=-1):
    import keras

    values = _as_float_array(z, "z")
    axes = _check_axes(axis, values.ndim)
    return keras.activations.softmax(keras.ops.convert_to_tensor(values, dtype="float32"), axis=axes)
