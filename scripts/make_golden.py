"""Regenerate the golden files of the visible tests from live Keras.

Each ``scripts/golden/<module>.py`` defines ``CASES`` (function name -> list of (args, kwargs))
and ``ORACLES`` (function name -> a callable that runs real Keras on those arguments).

    python scripts/make_golden.py           # rewrite exercises/tests/golden/*.json
    python scripts/make_golden.py --check   # exit 1 if any file differs from live Keras
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC_DIR = ROOT / "scripts" / "golden"
GOLDEN_DIR = ROOT / "exercises" / "tests" / "golden"


def spec_modules() -> list[str]:
    return sorted(p.stem for p in SPEC_DIR.glob("*.py") if not p.stem.startswith("_"))


def _load_spec(module: str):
    spec = importlib.util.spec_from_file_location(f"_golden_spec_{module}", SPEC_DIR / f"{module}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def build(module: str) -> dict:
    """The golden document for ``module``, computed now with real Keras."""
    from keraskit.quiet import silence_tensorflow
    silence_tensorflow()
    import keras

    from keraskit.golden import to_jsonable

    spec = _load_spec(module)
    cases = {}
    for function, calls in spec.CASES.items():
        oracle = spec.ORACLES[function]
        cases[function] = [
            {"args": to_jsonable(list(args)), "kwargs": to_jsonable(dict(kwargs)),
             "expected": to_jsonable(oracle(*args, **kwargs))}
            for args, kwargs in calls
        ]
    import tensorflow

    # The release pair the values come from: on it they hold to the last bit (tests/test_golden.py).
    return {"generated_by": "scripts/make_golden.py", "keras": keras.__version__,
            "tensorflow": tensorflow.__version__, "cases": cases}


def render(document: dict) -> str:
    return json.dumps(document, indent=1, sort_keys=False) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    parser.add_argument("modules", nargs="*", help="modules to build (default: all)")
    args = parser.parse_args(argv)
    stale = []
    for module in args.modules or spec_modules():
        text = render(build(module))
        path = GOLDEN_DIR / f"{module}.json"
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path)
        else:
            GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    for path in stale:
        print(f"differs from live Keras: {path.relative_to(ROOT)}", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
