"""Golden cases of optimizers.py: one real Keras 3 update on a float64 ``keras.Variable``."""

import numpy as np

from keraskit.quiet import silence_tensorflow

silence_tensorflow()

import keras


def keras_sgd_step(w, grad, velocity, learning_rate=0.01, momentum=0.0, nesterov=False):
    """One ``keras.optimizers.SGD`` update; its momentum slot is preloaded with ``velocity``."""
    variable = keras.Variable(np.array(w, dtype=np.float64), dtype="float64")
    optimizer = keras.optimizers.SGD(learning_rate=learning_rate, momentum=momentum, nesterov=nesterov)
    optimizer.build([variable])
    if momentum != 0:
        optimizer.momentums[0].assign(np.array(velocity, dtype=np.float64))
    optimizer.apply_gradients([(np.array(grad, dtype=np.float64), variable)])
    # Without momentum Keras keeps no velocity: the exercise hands the given one back.
    new_velocity = optimizer.momentums[0].numpy() if momentum != 0 else np.array(velocity, dtype=np.float64)
    return variable.numpy(), new_velocity


def keras_adam_step(w, grad, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    """Update number ``t`` of ``keras.optimizers.Adam``, its slots preloaded with ``m`` and ``v``."""
    variable = keras.Variable(np.array(w, dtype=np.float64), dtype="float64")
    optimizer = keras.optimizers.Adam(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)
    optimizer.build([variable])
    optimizer._momentums[0].assign(np.array(m, dtype=np.float64))
    optimizer._velocities[0].assign(np.array(v, dtype=np.float64))
    optimizer.iterations.assign(t - 1)  # Keras counts finished updates; step t is 1-based
    optimizer.apply_gradients([(np.array(grad, dtype=np.float64), variable)])
    return variable.numpy(), optimizer._momentums[0].numpy(), optimizer._velocities[0].numpy()


def keras_inverse_time_decay(initial_learning_rate, decay, iteration):
    schedule = keras.optimizers.schedules.InverseTimeDecay(initial_learning_rate, decay_steps=1, decay_rate=decay)
    return float(schedule(iteration))


CASES = {
    "sgd_step": [
        # plain SGD at the book's (and Keras's) default learning rate 0.01
        (([1.0, -2.0, 0.5], [0.5, -1.0, 2.0], [0.0, 0.0, 0.0]), {}),
        # without momentum the velocity is returned untouched
        (([1.0, -2.0], [0.5, 0.25], [0.3, -0.1]), {"learning_rate": 0.1}),
        # momentum 0.9: the velocity carries the previous step
        (([1.0, -2.0], [0.5, 0.25], [0.3, -0.1]), {"learning_rate": 0.1, "momentum": 0.9}),
        # the same with Nesterov's look-ahead
        (([1.0, -2.0], [0.5, 0.25], [0.3, -0.1]), {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}),
    ],
    "adam_step": [
        # the first update: bias correction makes the first step about learning_rate per weight
        (([1.0, -2.0, 0.5], [0.5, -1.0, 2.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0], 1), {}),
        # a later update, with running averages already built up
        (([1.0, -2.0], [0.5, 0.25], [0.2, 0.1], [0.04, 0.01], 10), {"learning_rate": 0.01}),
        # tiny gradients: epsilon matters, and it sits outside the square root
        (([0.0, 0.0], [1e-4, -2e-5], [0.0, 0.0], [0.0, 0.0], 1), {"learning_rate": 0.1}),
    ],
    "inverse_time_decay": [
        ((0.01, 1e-6, 0), {}),
        ((0.01, 1e-6, 8), {}),  # after one epoch of 500 samples at batch size 64
        ((0.1, 0.5, 1), {}),
        ((0.1, 0.5, 4), {}),
    ],
}

ORACLES = {
    "sgd_step": keras_sgd_step,
    "adam_step": keras_adam_step,
    "inverse_time_decay": keras_inverse_time_decay,
}
