"""Cost of isolated grading per submission against the hidden suite in-process, and peak memory
per grading job (printed, not asserted).

    .venv/bin/python benchmarks/bench_autograde.py [--submissions 20] [--jobs 2]

1. Runs the hidden suite once in-process on the reference (after a warm-up run of one file, so
   the import of TensorFlow is not counted): the floor any grader pays for one submission.
2. Grades ``--submissions`` different full submissions (``class_mix.py``: the fairness corpus,
   wrong variants, the stubs and one hanging submission) with the real
   ``keraskit autograde --jobs N`` in a fresh process, sampling the memory of each job.
3. Prints the wall time per submission, its ratio to (1) beside the goal (<= 0.5x), and the
   peak memory of each job (host + judge + worker server + their children) beside the goal
   (<= 1.5 GB per job).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import class_mix

RATIO_GOAL = 0.5    # isolated per submission / in-process on the reference (issue 11)
MEMORY_GOAL_GB = 1.5  # peak per grading job


def in_process_seconds() -> tuple[float, int]:
    """Seconds of one in-process run of the hidden suite on the reference, and its test count."""
    from keraskit import runner
    hidden = class_mix.ROOT / "grading" / "hidden"
    runner.run([hidden / "test_tensors.py"], instructor=True, rootdir=class_mix.ROOT)  # warm imports first
    start = time.perf_counter()
    result = runner.run([hidden], instructor=True, rootdir=class_mix.ROOT)
    return time.perf_counter() - start, len(result.tests)


def gb(n_bytes: int) -> float:
    return n_bytes / 1e9


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=20, help="different full submissions (default 20)")
    parser.add_argument("--jobs", type=int, default=2, help="keraskit autograde --jobs (default 2)")
    args = parser.parse_args()
    if args.jobs < 1:
        parser.error(f"--jobs: must be at least 1, got {args.jobs}")
    try:
        subs = class_mix.class_mix(args.submissions)
    except ValueError as exc:
        parser.error(f"--submissions: {exc}")

    in_process, n_tests = in_process_seconds()
    print(f"in-process hidden suite on the reference: {n_tests} tests, {in_process:.1f} s", flush=True)

    with tempfile.TemporaryDirectory(prefix="bench-autograde-") as tmp:
        folder = class_mix.write_folders(subs, Path(tmp) / "class")
        print(f"{len(subs)} submissions: {class_mix.describe(subs)}", flush=True)
        run = class_mix.grade_with_keraskit(folder, Path(tmp) / "out", jobs=args.jobs)

    for sub in subs:
        score = run.scores.get(sub.name)
        verdict = "full marks" if score == run.max_score else f"{score:g}/{run.max_score:g}"
        fair = "" if (score == run.max_score) == sub.full_marks else "  <-- unexpected"
        print(f"  {sub.name:<28} {run.student_seconds.get(sub.name, float('nan')):6.1f} s  {verdict}{fair}")
        if fair:
            for line in class_mix.lost_points(run.records.get(sub.name, {})):
                print(f"      {line}")
    per_submission = run.seconds / len(subs)
    print(f"keraskit autograde --jobs {args.jobs}: {run.seconds:.1f} s for {len(subs)} submissions, "
          f"{per_submission:.1f} s per submission")
    print(f"ratio isolated per submission / in-process on the reference: {per_submission / in_process:.2f}x "
          f"(goal <= {RATIO_GOAL}x)")
    peaks = sorted(run.memory.peak_pss.items())
    for number, (host, pss) in enumerate(peaks, start=1):
        print(f"  job {number} (host pid {host}): peak {gb(pss):.2f} GB PSS, "
              f"{gb(run.memory.peak_rss[host]):.2f} GB RSS summed")
    if peaks:
        worst = max(pss for _, pss in peaks)
        print(f"peak memory per grading job (host, judge, worker server and children; PSS, sampled every "
              f"{run.memory.interval:g} s): {gb(worst):.2f} GB (goal <= {MEMORY_GOAL_GB} GB)")
    else:
        print("peak memory per grading job: no job was sampled (it finished before the first sample)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
