"""Keep TensorFlow's start-up chatter off the student's screen (and out of nbgrader's stderr)."""

from __future__ import annotations

import logging
import os

# Must be in the environment before TensorFlow is imported: its C++ logger reads them once.
QUIET_ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "3",  # no INFO/WARNING/ERROR lines from the C++ runtime
    # oneDNN's notice is printed before logging is configured, so the level above misses it;
    # with oneDNN off, results are also bit-for-bit repeatable across runs.
    "TF_ENABLE_ONEDNN_OPTS": "0",
    "KERAS_BACKEND": "tensorflow",
}


def silence_tensorflow(environ=os.environ) -> None:
    """Set the quiet defaults, leaving any value the user chose explicitly."""
    for key, value in QUIET_ENV.items():
        environ.setdefault(key, value)
    # TensorFlow's Python side logs through this logger (e.g. "tf.function retracing" warnings);
    # it keeps a level set before TensorFlow is imported.
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
