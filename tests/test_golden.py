"""Golden files of the visible tests equal what live Keras computes now, to the last bit."""

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _make_golden():
    spec = importlib.util.spec_from_file_location("make_golden", ROOT / "scripts" / "make_golden.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MAKE_GOLDEN = _make_golden()


@pytest.mark.parametrize("module", MAKE_GOLDEN.spec_modules())
def test_golden_file_equals_live_keras(module):
    committed = json.loads((MAKE_GOLDEN.GOLDEN_DIR / f"{module}.json").read_text(encoding="utf-8"))
    fresh = MAKE_GOLDEN.build(module)
    assert committed["cases"].keys() == fresh["cases"].keys()
    for function, cases in fresh["cases"].items():
        assert committed["cases"][function] == cases, (
            f"{module}.{function}: golden values differ from live Keras {fresh['keras']}; "
            "run `python scripts/make_golden.py` and review the change")


def test_every_golden_file_has_a_generator():
    files = {p.stem for p in MAKE_GOLDEN.GOLDEN_DIR.glob("*.json")}
    assert files == set(MAKE_GOLDEN.spec_modules())
