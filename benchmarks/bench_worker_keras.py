"""What a worker server without Keras saves when a numpy topic is graded.

The judge host starts its worker server without Keras when no graded module needs it
(``keraskit.autograde.host.worker_needs_keras``). This grades one numpy exercise of the
reference (``tensors.normalize``), as ``keraskit grade --exercise`` does, in a fresh interpreter
per grading, alternately with the server as it is now and with Keras forced into it (what every
grading did before), the two interleaved so that a load spike hits both alike. It prints, for
each, the median wall time and the median CPU time of the whole grading (the interpreter, the
judge, the worker server and its children together: the machine's busy time from /proc/stat,
since a sandboxed server's children are never waited for by this process; run it on a quiet
machine), then their ratios; both must earn every point.

    python benchmarks/bench_worker_keras.py [--rounds N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXERCISE = "tensors.normalize"

# One grading in a fresh interpreter; prints {"seconds", "score", "max", "keras"}.
GRADE = r"""
import json, sys, time
start = time.perf_counter()
from keraskit.autograde import host, selfcheck
from keraskit.autograde.sandbox import Limits
if sys.argv[1] == "forced":
    host.worker_needs_keras = lambda files, topics: True  # what every grading did before
judge = host.JudgeHost(Limits(call_timeout=60, submission_timeout=300))
try:
    record = judge.grade(selfcheck.reference_submission(), exercises=(sys.argv[2],))
    keras = judge.server.keras
finally:
    judge.close()
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "score": record.score, "max": record.max_score, "keras": keras}))
"""


def busy_seconds() -> float:
    """CPU time the whole machine has spent busy since boot (every process, sandboxed or not)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def grade(setting: str, cache: str) -> dict:
    env = {**os.environ, "KERASKIT_CACHE_DIR": cache}  # the reference's oracle memo is saved there
    busy = busy_seconds()
    done = subprocess.run([sys.executable, "-c", GRADE, setting, EXERCISE], capture_output=True, text=True,
                          cwd=ROOT, env=env, check=False)
    busy = busy_seconds() - busy
    if done.returncode != 0:
        raise SystemExit(f"the grading ({setting}) failed:\n{done.stderr[-3000:]}")
    found = {**json.loads(done.stdout.strip().splitlines()[-1]), "cpu": busy}
    if found["score"] != found["max"]:
        raise SystemExit(f"the reference lost points ({setting}): {found}")
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="gradings per setting (default 3)")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error(f"--rounds: must be at least 1, got {args.rounds}")
    runs: dict[str, list[dict]] = {"as_now": [], "forced": []}
    with tempfile.TemporaryDirectory(prefix="keraskit-bench-") as cache:
        for round_number in range(1, args.rounds + 1):
            for setting in runs:
                found = grade(setting, cache)
                runs[setting].append(found)
                print(f"round {round_number}/{args.rounds} {setting:6s}: {found['seconds']:5.2f} s wall, "
                      f"{found['cpu']:5.2f} s CPU (server with Keras: {found['keras']})", flush=True)
    wall = {s: statistics.median(r["seconds"] for r in found) for s, found in runs.items()}
    cpu = {s: statistics.median(r["cpu"] for r in found) for s, found in runs.items()}
    print(f"grading {EXERCISE} of the reference, median of {args.rounds}:")
    for setting, label in (("as_now", "server as now (no Keras for a numpy topic)"),
                           ("forced", "server with Keras forced")):
        print(f"  {label:43s} {wall[setting]:5.2f} s wall, {cpu[setting]:5.2f} s CPU")
    print(f"  ratio: {wall['as_now'] / wall['forced']:.2f}x the wall time, "
          f"{cpu['as_now'] / cpu['forced']:.2f}x the CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
