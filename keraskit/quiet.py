"""Keep TensorFlow's start-up chatter off the student's screen (and out of nbgrader's stderr)."""

from __future__ import annotations

import contextlib
import importlib.machinery
import logging
import os
import sys

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
    if environ is os.environ:
        quiet_tensorflow_import()


@contextlib.contextmanager
def _stderr_descriptor_silenced():
    """File descriptor 2 goes nowhere for the block (C++ writes there, below Python's sys.stderr)."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (AttributeError, ValueError, OSError):  # no stderr at all: nothing to silence
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


class _QuietTensorFlowImport:
    """A meta path finder that finds nothing itself: the first ``import tensorflow`` runs with
    descriptor 2 silenced. The full wheels (2.19 and later) log their CUDA probing there ("Could not
    find cuda drivers on your machine") before TensorFlow reads TF_CPP_MIN_LOG_LEVEL; nbgrader
    would score a graded cell that imports TensorFlow 0 for it. The exception of a failed import
    still reaches the caller; only the C++ log lines are lost."""

    def find_spec(self, name, path=None, target=None):
        if name != "tensorflow":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        loader = getattr(spec, "loader", None)
        if loader is None or not hasattr(loader, "exec_module"):
            return None
        run = loader.exec_module

        def exec_module(module):
            with _stderr_descriptor_silenced():
                run(module)

        loader.exec_module = exec_module  # this spec's own loader object, made for this import
        return spec


def quiet_tensorflow_import() -> None:
    """Install ``_QuietTensorFlowImport`` once in this process, unless TensorFlow is already imported."""
    if "tensorflow" in sys.modules or any(isinstance(f, _QuietTensorFlowImport) for f in sys.meta_path):
        return
    sys.meta_path.insert(0, _QuietTensorFlowImport())
