"""Numpy-only topics give feedback without importing TensorFlow."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NUMPY_ONLY = ["tensors", "encoding", "activations", "losses", "optimizers", "metrics"]

PROBE = """
import sys, pytest
code = pytest.main([{paths}, "--instructor", "-q", "-p", "no:cacheprovider"])
heavy = sorted(m for m in ("tensorflow", "keras") if m in sys.modules)
print("HEAVY:", heavy)
sys.exit(code)
"""


@pytest.mark.parametrize("topic", NUMPY_ONLY)
def test_visible_tests_of_numpy_topics_import_no_tensorflow(topic):
    path = ROOT / "exercises" / "tests" / f"test_{topic}.py"
    if not path.exists():
        pytest.fail(f"missing {path}")
    result = subprocess.run([sys.executable, "-c", PROBE.format(paths=repr(str(path)))],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "HEAVY: []" in result.stdout, result.stdout[-500:]
