"""How the kit runs TensorFlow: Keras's traced functions without Grappler's graph rewrites.

Every ``fit``, ``evaluate`` and ``predict`` on a new model traces tf.functions, and Grappler
rewrites each traced graph before its first run. On the chapter's models (a few Dense layers, a
few hundred rows) that rewriting costs more than it saves: grading a whole submission in-process
takes about a tenth less time without it (``benchmarks/bench_graph_rewrites.py``). What a
model computes is the same. Every process of the kit that runs Keras applies the setting (the
pytest plugin before each test, the oracle, the worker server before it forks a submission's
child), so the oracle and the student's code always run alike.
"""

from __future__ import annotations

import sys

GRAPH_OPTIONS = {"disable_meta_optimizer": True}  # Grappler's passes, all of them

_applied = False


def configure() -> bool:
    """Apply the kit's graph options once TensorFlow is imported; True once they are.

    Never imports TensorFlow itself: feedback on a numpy-only topic must not pay for it."""
    global _applied
    if _applied:
        return True
    tensorflow = sys.modules.get("tensorflow")
    if tensorflow is None or not hasattr(tensorflow, "config"):  # absent, or still importing
        return False
    tensorflow.config.optimizer.set_experimental_options(GRAPH_OPTIONS)
    _applied = True
    return True


def applied() -> bool:
    """Are the kit's graph options in force in this process (read back from TensorFlow)?"""
    tensorflow = sys.modules.get("tensorflow")
    if tensorflow is None:
        return False
    current = tensorflow.config.optimizer.get_experimental_options()
    return all(current.get(key) == value for key, value in GRAPH_OPTIONS.items())
