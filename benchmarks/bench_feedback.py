"""How long does a student wait for feedback on one numpy topic, against starting Python at all?

Prints, measured in this one run (the machine is noisy, so only same-run ratios mean much), the
median wall time of each command and its ratio to ``python -c pass``:

  pytest exercises/tests/test_tensors.py       one topic's file, named directly
  pytest exercises/ --exercise tensors.normalize
  pytest exercises/ -k activations
  keraskit check tensors
  keraskit watch, one rerun                    in the running watcher, after a save

The commands run on a temporary copy of exercises/ (the stubs, as a student starts), in an
ordinary environment: bytecode caching on (one untimed warm-up run fills the caches), the
repetitions interleaved so that a load spike hits every command alike. Each fresh process also
reports whether TensorFlow was imported: for these commands it must say "no". Goal: <= 1 s a run.

    python benchmarks/bench_feedback.py [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Runs a command in this interpreter and reports, last line, whether TensorFlow got imported.
PROBE = r"""
import json, sys
def report():
    print(json.dumps({"tensorflow": "tensorflow" in sys.modules}))
import atexit
atexit.register(report)
kind, args = sys.argv[1], sys.argv[2:]
if kind == "pytest":
    import pytest
    code = pytest.main(args)
else:
    from keraskit import cli
    code = cli.main(args)
"""

# Times watcher reruns in one process: the first one imports and warms, the others are timed.
WATCH_PROBE = r"""
import json, sys, time
from keraskit.commands.watch import Watcher
from pathlib import Path
watcher = Watcher(Path.cwd())
watcher.advance()
times = []
for _ in range(int(sys.argv[1])):
    start = time.perf_counter()
    watcher.advance()
    times.append(time.perf_counter() - start)
print(json.dumps({"times": times, "tensorflow": "tensorflow" in sys.modules}))
"""

COMMANDS = {
    "pytest exercises/tests/test_tensors.py": ["pytest", "exercises/tests/test_tensors.py"],
    "pytest exercises/ --exercise tensors.normalize": ["pytest", "exercises/", "--exercise", "tensors.normalize"],
    "pytest exercises/ -k activations": ["pytest", "exercises/", "-k", "activations"],
    "keraskit check tensors": ["keraskit", "check", "tensors"],
}
PYTEST_QUIET = ["-q", "-p", "no:cacheprovider"]


def student_env() -> dict:
    """The environment a student has: no grading switches, bytecode caching on."""
    return {k: v for k, v in os.environ.items()
            if not k.startswith("KERASKIT_") and k != "PYTHONDONTWRITEBYTECODE"}


def make_workspace() -> Path:
    """A copy of the stubs and their tests, with the project's pytest settings."""
    folder = Path(tempfile.mkdtemp(prefix="keraskit-bench-feedback-"))
    shutil.copytree(ROOT / "exercises", folder / "exercises",
                    ignore=shutil.ignore_patterns("__pycache__", ".keraskit"))
    shutil.copy2(ROOT / "pyproject.toml", folder / "pyproject.toml")
    return folder


def time_process(argv: list[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=student_env(), capture_output=True, text=True)
    return time.perf_counter() - start, done


def time_probe(argv: list[str], cwd: Path) -> tuple[float, bool]:
    """Wall time of a fresh probed process, and whether it imported TensorFlow."""
    elapsed, done = time_process(argv, cwd)
    try:
        return elapsed, json.loads(done.stdout.strip().splitlines()[-1])["tensorflow"]
    except (IndexError, ValueError, KeyError):
        raise SystemExit(f"{' '.join(argv[3:])} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}") from None


def command_argv(spec: list[str]) -> list[str]:
    kind, *args = spec
    if kind == "pytest":
        args = args + PYTEST_QUIET
    return [sys.executable, "-c", PROBE, kind, *args]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each command (default 5)")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    workspace = make_workspace()
    try:
        floor_argv = [sys.executable, "-c", "pass"]
        argvs = {label: command_argv(spec) for label, spec in COMMANDS.items()}
        for argv in argvs.values():  # warm-up: bytecode caches, the page cache
            time_probe(argv, workspace)
        floors, times, heavy = [], {label: [] for label in argvs}, {label: False for label in argvs}
        for i in range(args.repeat):
            floors.append(time_process(floor_argv, workspace)[0])
            for label, argv in argvs.items():
                elapsed, imported = time_probe(argv, workspace)
                times[label].append(elapsed)
                heavy[label] |= imported
            print(f"round {i + 1}/{args.repeat} done", file=sys.stderr)
        watch = subprocess.run([sys.executable, "-c", WATCH_PROBE, str(args.repeat)], cwd=workspace,
                               env=student_env(), capture_output=True, text=True, check=True)
        watched = json.loads(watch.stdout.strip().splitlines()[-1])
        times["keraskit watch, one rerun (in-process)"] = watched["times"]
        heavy["keraskit watch, one rerun (in-process)"] = watched["tensorflow"]
    finally:
        shutil.rmtree(workspace, ignore_errors=True)

    floor = statistics.median(floors)
    width = max(len(label) for label in times)
    print(f"load average (1, 5, 15 min) at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())} "
          f"on {os.cpu_count()} cores")
    print(f"{'python -c pass':<{width}}  {floor:6.2f} s  1.00x")
    for label, values in times.items():
        median = statistics.median(values)
        print(f"{label:<{width}}  {median:6.2f} s  {median / floor:5.1f}x  "
              f"TensorFlow imported: {'YES' if heavy[label] else 'no'}")
    return 1 if any(heavy.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
