"""What the call limit costs an honest run: one call, and the numpy topics' visible and hidden tests.

Prints, measured in this one run (the machine is noisy, so only same-run ratios mean much):

* one call of a trivial function, bare and through ``keraskit.calllimit`` (the SIGALRM timer is
  set and cleared around every call): microseconds each and the difference;
* the reference graded in-process on the visible and hidden tests of the numpy topics with the
  default limits and with ``--call-limit 0`` (no limit), interleaved: the median of each and the
  ratio limited/unlimited.

    python benchmarks/bench_call_limit.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from keraskit import calllimit, layout, runner, target

ROOT = Path(__file__).resolve().parents[1]
NUMPY_TOPICS = ["tensors", "encoding", "activations", "losses", "optimizers", "metrics"]


def per_call(calls: int = 20000) -> tuple[float, float]:
    """Microseconds of one call: bare, and under the limit."""
    limits = calllimit.CallLimits(None, is_graded=target.is_graded_frame)

    def identity(x):
        return x

    started = time.perf_counter()
    for i in range(calls):
        identity(i)
    bare = time.perf_counter() - started
    started = time.perf_counter()
    for i in range(calls):
        limits.call("bench.identity", calllimit.NUMPY_LIMIT, identity, i)
    timed = time.perf_counter() - started
    return bare / calls * 1e6, timed / calls * 1e6


def suite_seconds(limit_args: list[str]) -> tuple[float, int]:
    paths = [layout.topic_paths(topic, ROOT).visible for topic in NUMPY_TOPICS]
    paths += [layout.topic_paths(topic, ROOT).hidden for topic in NUMPY_TOPICS]
    started = time.perf_counter()
    result = runner.run(paths, instructor=True, rootdir=ROOT, extra_args=limit_args)
    return time.perf_counter() - started, len(result.tests)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each suite variant (default 3)")
    args = parser.parse_args()
    bare, timed = per_call()
    print(f"one call: bare {bare:.2f} us, under the limit {timed:.2f} us (+{timed - bare:.2f} us)")
    suite_seconds([])  # warm-up: imports and bytecode caches
    limited, unlimited, tests = [], [], 0
    for _ in range(args.repeat):
        seconds, tests = suite_seconds([])
        limited.append(seconds)
        unlimited.append(suite_seconds(["--call-limit", "0"])[0])
    a, b = statistics.median(limited), statistics.median(unlimited)
    print(f"numpy topics, visible + hidden ({tests} tests), median of {args.repeat}: "
          f"limited {a:.2f} s, unlimited {b:.2f} s, ratio limited/unlimited {a / b:.3f}")


if __name__ == "__main__":
    main()
