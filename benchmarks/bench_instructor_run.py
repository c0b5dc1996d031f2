"""How close is `pytest exercises/ --instructor` to its floor: importing TensorFlow plus training?

Prints, measured in this one run (the machine is noisy, so only same-run ratios mean much):
  floor  = a fresh process importing Keras/TensorFlow and running the reference boston_experiment
  suite  = a fresh `pytest exercises/ --instructor` (all topics, the Boston experiment included)
  ratio  = suite / floor

    python benchmarks/bench_instructor_run.py [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

FLOOR_PROBE = r"""
import json, time
from keraskit.quiet import silence_tensorflow
silence_tensorflow()
start = time.perf_counter()
import keras
imported = time.perf_counter()
from keraskit.target import LocalLoader
training = LocalLoader("solutions").load("training")
training.boston_experiment()
done = time.perf_counter()
print(json.dumps({"import": imported - start, "train": done - imported}))
"""


def _env() -> dict:
    return {k: v for k, v in os.environ.items() if not k.startswith("KERASKIT_")}


def measure_floor() -> dict:
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", FLOOR_PROBE], cwd=ROOT, env=_env(), check=True,
                         capture_output=True, text=True).stdout
    parts = json.loads(out.strip().splitlines()[-1])
    parts["process"] = time.perf_counter() - start
    return parts


def measure_suite() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pytest", "exercises/", "--instructor", "-q", "-p", "no:cacheprovider"],
                   cwd=ROOT, env=_env(), check=True, capture_output=True, text=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=1, help="alternate the two measurements N times")
    args = parser.parse_args()
    floors, suites = [], []
    for i in range(args.repeat):
        floors.append(measure_floor())
        suites.append(measure_suite())
        print(f"run {i + 1}/{args.repeat}: floor {floors[-1]['process']:.1f}s "
              f"(import {floors[-1]['import']:.1f}s + training {floors[-1]['train']:.1f}s), "
              f"suite {suites[-1]:.1f}s", file=sys.stderr)
    floor = statistics.median(f["process"] for f in floors)
    suite = statistics.median(suites)
    print(f"floor (fresh process: import TensorFlow + reference boston_experiment): {floor:.2f} s")
    print(f"pytest exercises/ --instructor (8 topics):                            {suite:.2f} s")
    print(f"ratio suite / floor: {suite / floor:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
