"""Every process of the kit that runs Keras traces its graphs with the kit's options (Grappler
off), as the judge's oracle does: a student's own run of a visible Keras test too, where nothing
imports the oracle. (The worker's children are checked at every server start.)"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import sys, pytest
from keraskit import tfruntime
code = pytest.main([{path!r}, "--instructor", "-q", "-p", "no:cacheprovider", "-k", {selection!r}])
print("APPLIED:", tfruntime.applied(), "ORACLE:", "keraskit.oracle" in sys.modules)
sys.exit(code)
"""


def test_a_students_keras_test_runs_with_the_kit_graph_options():
    path = ROOT / "exercises" / "tests" / "test_training.py"
    probe = PROBE.format(path=str(path), selection="evaluate_named_names_the_metric")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "APPLIED: True ORACLE: False" in done.stdout, done.stdout[-1000:]


def test_configuring_never_imports_tensorflow():
    """Feedback on a numpy-only topic must not pay for TensorFlow: before it is imported, there
    is nothing to configure."""
    code = "import sys; from keraskit import tfruntime; print(tfruntime.configure(), 'tensorflow' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.stdout.split() == ["False", "False"], done.stdout + done.stderr
