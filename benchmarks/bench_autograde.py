"""Cost of isolated grading per submission vs. the same hidden suite in-process (printed, not asserted).

    .venv/bin/python benchmarks/bench_autograde.py [--copies 20] [--jobs 2]
"""

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    from keraskit import runner
    from keraskit.autograde import batch
    from keraskit.autograde.sandbox import Limits
    hidden = ROOT / "grading" / "hidden"
    runner.run([hidden / "test_tensors.py"], instructor=True, rootdir=ROOT)  # warm imports first
    start = time.perf_counter()
    inproc = runner.run([hidden], instructor=True, rootdir=ROOT)
    in_process = time.perf_counter() - start
    print(f"in-process hidden suite: {len(inproc.tests)} tests, {in_process:.1f} s", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        subs = Path(tmp) / "class"
        for i in range(args.copies):
            shutil.copytree(ROOT / "solutions", subs / f"student{i:03d}", ignore=shutil.ignore_patterns("__init__.py"))
        start = time.perf_counter()
        records = batch.autograde(subs, Path(tmp) / "out", jobs=args.jobs, limits=Limits())
        isolated = (time.perf_counter() - start) / args.copies
    full = sum(r["score"] == r["max_score"] for r in records)
    print(f"isolated, --jobs {args.jobs}: {isolated:.1f} s per submission ({full}/{len(records)} full marks)")
    print(f"ratio isolated/in-process per submission: {isolated / in_process:.2f}x (goal <= 1.5x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
