"""Expected values precomputed from Keras, so numpy-only topics are checked without TensorFlow.

``exercises/tests/golden/<module>.json`` is written by ``scripts/make_golden.py`` (which runs
real Keras) and checked against live Keras by the kit's own tests.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class Case:
    args: list
    kwargs: dict
    expected: object  # a float, a list (an array) or a list of those (a tuple of outputs)

    def expected_array(self) -> np.ndarray:
        return np.asarray(self.expected, dtype=np.float64)


def golden_dir(test_file: str | Path) -> Path:
    return Path(test_file).resolve().parent / "golden"


def load(test_file: str | Path, module: str) -> dict[str, list[Case]]:
    """The golden cases of ``module``, by function name, for the test file ``test_file``."""
    with open(golden_dir(test_file) / f"{module}.json", encoding="utf-8") as fh:
        data = json.load(fh)
    return {
        function: [Case(c["args"], c.get("kwargs", {}), c["expected"]) for c in cases]
        for function, cases in data["cases"].items()
    }


def to_jsonable(value):
    """Keras/numpy output -> plain JSON data (lists, floats, ints)."""
    if hasattr(value, "numpy") and not isinstance(value, np.ndarray):
        value = value.numpy()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (np.floating, np.integer, np.bool_)):
        return value.item()
    if isinstance(value, (tuple, list)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    return value
