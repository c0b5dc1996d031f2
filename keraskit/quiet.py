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


BACKEND_ENV = "KERAS_BACKEND"


def silence_tensorflow(environ=os.environ) -> None:
    """Set the quiet defaults, leaving any log setting the user chose explicitly; the backend is
    always TensorFlow (a Keras imported after this call in this process, or in a child given
    ``environ``, uses it)."""
    for key, value in QUIET_ENV.items():
        environ.setdefault(key, value)
    # Assigned, not defaulted: the oracle, the golden files, the graph options and the grading are
    # TensorFlow's, and a student's KERAS_BACKEND=jax would fail correct answers (environment.py
    # tells when a Keras was imported with another backend before the kit could set this).
    environ[BACKEND_ENV] = QUIET_ENV[BACKEND_ENV]
    # TensorFlow's Python side logs through this logger (e.g. "tf.function retracing" warnings);
    # it keeps a level set before TensorFlow is imported.
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
