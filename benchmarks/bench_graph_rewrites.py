"""Does grading pay for Grappler's graph rewrites? One submission graded with and without them.

``keraskit.tfruntime`` turns Grappler off in every process of the kit that runs Keras. This
prints, measured in this one run, the wall time of one in-process grading (every visible and
hidden test of every topic) of a ``grading/class/`` submission with the rewrites on (TensorFlow's
default) and off (the kit's setting), each in a fresh interpreter, the two interleaved so that a
load spike hits both alike; then the median of each and their ratio. It also checks that every
test has the same outcome either way: the setting may change speed, never a verdict.

    python benchmarks/bench_graph_rewrites.py [--rounds N] [--submission NAME]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# One grading in a fresh interpreter; prints {"seconds": ..., "outcomes": {nodeid: outcome}}.
GRADE = r"""
import json, sys, time
from pathlib import Path
from keraskit import runner, tfruntime
root, submission, rewrites = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
if rewrites == "on":  # TensorFlow's default: what the kit ran before it turned them off
    tfruntime.GRAPH_OPTIONS = {"disable_meta_optimizer": False}
start = time.perf_counter()
result = runner.run([root / "grading" / "hidden", root / "exercises" / "tests"], target=submission, rootdir=root)
seconds = time.perf_counter() - start
import tensorflow as tf
off = tf.config.optimizer.get_experimental_options().get("disable_meta_optimizer", False)
assert off == (rewrites == "off"), "the graph options did not take"
print(json.dumps({"seconds": seconds, "outcomes": {t.nodeid: t.outcome for t in result.tests}}))
"""


def grade(submission: Path, rewrites: str) -> dict:
    done = subprocess.run([sys.executable, "-c", GRADE, str(ROOT), str(submission), rewrites],
                          capture_output=True, text=True, cwd=ROOT, check=False)
    if done.returncode != 0:
        raise SystemExit(f"the grading with rewrites {rewrites} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="gradings per setting (default 3)")
    parser.add_argument("--submission", default="functional", help="a folder of grading/class/ (default functional)")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error(f"--rounds: must be at least 1, got {args.rounds}")
    submission = ROOT / "grading" / "class" / args.submission
    if not submission.is_dir():
        parser.error(f"--submission: no folder {submission}")
    seconds: dict[str, list[float]] = {"on": [], "off": []}
    outcomes: dict[str, dict] = {}
    for round_no in range(args.rounds):
        order = ("on", "off") if round_no % 2 == 0 else ("off", "on")
        for rewrites in order:
            result = grade(submission, rewrites)
            seconds[rewrites].append(result["seconds"])
            if outcomes.setdefault(rewrites, result["outcomes"]) != result["outcomes"]:
                raise SystemExit(f"two gradings with rewrites {rewrites} disagree: the run is not repeatable")
            print(f"round {round_no + 1}/{args.rounds}: rewrites {rewrites:3} {result['seconds']:6.1f} s", flush=True)
    on, off = statistics.median(seconds["on"]), statistics.median(seconds["off"])
    same = outcomes["on"] == outcomes["off"]
    print(f"\n{args.submission}: {len(outcomes['off'])} tests, median {on:.1f} s with Grappler, "
          f"{off:.1f} s without: {off / on:.2f}x the time")
    print(f"same outcome for every test either way: {'yes' if same else 'NO'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
