"""Golden files of the visible tests equal what live Keras computes now: to the last bit on the
release pair that wrote them, and within rounding on the rest of the supported range."""

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]


def _make_golden():
    spec = importlib.util.spec_from_file_location("make_golden", ROOT / "scripts" / "make_golden.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MAKE_GOLDEN = _make_golden()


# The files hold to the last bit on the release pair that wrote them (their "keras" and
# "tensorflow"). Another pair of the supported range may round a float64 value differently in its
# last bit (tensorflow 2.19 with keras 3.10: tanh(-0.5), 1.2e-16 apart): far inside every test's
# tolerance (float64 tests: rtol 1e-9), so the files serve the whole range unchanged.
OTHER_RELEASE_RTOL = 1e-12


def _numbers(value):
    if isinstance(value, dict):
        for key in sorted(value):
            yield from _numbers(value[key])
    elif isinstance(value, list):
        for item in value:
            yield from _numbers(item)
    else:
        yield value


def golden_differences(committed: list, fresh: list, exact: bool) -> str | None:
    """How one function's committed cases differ from fresh ones, or None when they agree."""
    if exact:
        return None if committed == fresh else "not bit for bit"
    if [(c["args"], c["kwargs"]) for c in committed] != [(c["args"], c["kwargs"]) for c in fresh]:
        return "different cases"
    old, new = list(_numbers([c["expected"] for c in committed])), list(_numbers([c["expected"] for c in fresh]))
    if len(old) != len(new) or any(type(a) is not type(b) for a, b in zip(old, new)):
        return "different shapes or types"
    floats = [(a, b) for a, b in zip(old, new) if isinstance(a, float)]
    if [a for a in old if not isinstance(a, float)] != [b for b in new if not isinstance(b, float)]:
        return "different whole values"
    if floats and not np.allclose([a for a, _ in floats], [b for _, b in floats], rtol=OTHER_RELEASE_RTOL, atol=0):
        return f"beyond rtol {OTHER_RELEASE_RTOL:g}"
    return None


@pytest.mark.parametrize("module", MAKE_GOLDEN.spec_modules())
def test_golden_file_equals_live_keras(module):
    committed = json.loads((MAKE_GOLDEN.GOLDEN_DIR / f"{module}.json").read_text(encoding="utf-8"))
    fresh = MAKE_GOLDEN.build(module)
    assert committed["cases"].keys() == fresh["cases"].keys()
    same_pair = (committed["keras"], committed["tensorflow"]) == (fresh["keras"], fresh["tensorflow"])
    for function, cases in fresh["cases"].items():
        difference = golden_differences(committed["cases"][function], cases, exact=same_pair)
        assert difference is None, (
            f"{module}.{function}: golden values differ ({difference}) from live Keras {fresh['keras']} on "
            f"TensorFlow {fresh['tensorflow']}; run `python scripts/make_golden.py` and review the change")


def test_another_release_may_differ_in_the_last_bit_only():
    case = {"args": [[-0.5]], "kwargs": {}, "expected": [-0.46211715726000974]}
    last_bit = {**case, "expected": [-0.4621171572600098]}
    assert golden_differences([case], [last_bit], exact=True) == "not bit for bit"
    assert golden_differences([case], [last_bit], exact=False) is None
    wrong = {**case, "expected": [-0.4621171573]}  # a real change, 1e-10 relative
    assert golden_differences([case], [wrong], exact=False) == "beyond rtol 1e-12"
    assert golden_differences([case], [{**case, "args": [[0.5]]}], exact=False) == "different cases"


def test_every_golden_file_has_a_generator():
    files = {p.stem for p in MAKE_GOLDEN.GOLDEN_DIR.glob("*.json")}
    assert files == set(MAKE_GOLDEN.spec_modules())
