"""Cost of checking the judge's own files (``integrity.JudgeFiles``) before each submission, on
this kit, as a ratio to the budget of 0.1 s per submission (printed, not asserted).

    .venv/bin/python benchmarks/bench_integrity.py [--checks 50]

Three figures: the digest taken once when a run starts; the first check, which also verifies
every compiled ``.pyc`` of the package and the hidden tests against its source (paid once per
version of a .pyc file); and the check as paid before each submission afterwards (hashing the
package, the hidden tests and the top of site-packages; a stat per .pyc). The benchmark writes
the .pyc files first (a compile of every module, and a pytest run of the hidden tensors suite
for pytest's rewritten ones) into a scratch copy of the kit, so the first check has them all to
verify, as on an instructor's machine; the working copy is left as it is.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from keraskit import layout
from keraskit.autograde import integrity

BUDGET = 0.1  # seconds per submission


def _scratch_kit(folder: Path) -> tuple[Path, Path]:
    """A copy of the package and the hidden tests, with their bytecode written."""
    package, hidden = folder / "keraskit", folder / "grading" / "hidden"
    shutil.copytree(layout.ROOT / "keraskit", package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(layout.KIT.hidden_tests, hidden, ignore=shutil.ignore_patterns("__pycache__"))
    compileall.compile_dir(str(package), quiet=1)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": ""}
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--collect-only",
                    "--rootdir", str(folder), str(hidden / "test_tensors.py")],
                   capture_output=True, timeout=300, env=env, cwd=folder, check=False)
    return package, hidden


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checks", type=int, default=50)
    checks = parser.parse_args().checks
    with tempfile.TemporaryDirectory(prefix="keraskit-bench-integrity-") as tmp:
        package, hidden = _scratch_kit(Path(tmp))
        pycs = len(list(package.rglob("*.pyc"))) + len(list(hidden.rglob("*.pyc")))
        start = time.perf_counter()
        files = integrity.JudgeFiles(package, hidden, integrity.site_folders())
        baseline = time.perf_counter() - start
        start = time.perf_counter()
        assert files.changes() == [], "the scratch copy changed while measured"
        first = time.perf_counter() - start
        each = []
        for _ in range(checks):
            start = time.perf_counter()
            files.changes()
            each.append(time.perf_counter() - start)
    typical = statistics.median(each)
    print(f"files digested: {len(files.baseline)} (package, hidden tests, top of site-packages); .pyc verified: {pycs}")
    print(f"digest when a run starts: {baseline:.4f} s")
    print(f"first check (every .pyc verified against its source): {first:.4f} s")
    print(f"check before each submission: median {typical:.4f} s, max {max(each):.4f} s over {checks}")
    print(f"per submission: {typical / BUDGET:.2f}x the budget of {BUDGET} s (max {max(each) / BUDGET:.2f}x)")


if __name__ == "__main__":
    main()
