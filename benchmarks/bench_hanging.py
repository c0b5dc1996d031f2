"""What a hanging function costs: one submission whose ``tensors.samples_first`` never returns,
graded beside the honest reference, in one run (printed, not asserted).

    .venv/bin/python benchmarks/bench_hanging.py [--timeout 5]

Prints each grade's seconds, the number of calls that waited for the time limit, and the ratio
hanging/honest. Before the fix every test of the exercise waited (10 tests: 10 time-outs); now
the first time-out ends the exercise's remaining calls at once.
"""

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HANG = b"""

def samples_first(x, sample_axis):
    while True:
        pass
"""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds per call")
    args = parser.parse_args()
    from keraskit.autograde import submissions
    from keraskit.autograde.host import JudgeHost
    from keraskit.autograde.sandbox import Limits
    host = JudgeHost(Limits(call_timeout=args.timeout, submission_timeout=900))
    seconds = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for name, extra in (("warm-up", b""), ("honest", b""), ("hanging", HANG)):  # warm-up: server start
                folder = Path(tmp) / name
                folder.mkdir()
                shutil.copy(ROOT / "solutions" / "tensors.py", folder / "tensors.py")
                with (folder / "tensors.py").open("ab") as fh:
                    fh.write(extra)
                record = host.grade(submissions.Submission(name, folder, "folder"), topics=["tensors"])
                seconds[name] = record.seconds
                print(f"{name:8s} {record.score:3d}/{record.max_score} in {record.seconds:6.1f} s, "
                      f"{record.events.count('timeout')} call(s) waited {args.timeout:g} s "
                      f"(mode {record.mode})", flush=True)
    finally:
        host.close()
    print(f"hanging / honest: {seconds['hanging'] / seconds['honest']:.2f}x "
          f"(+{seconds['hanging'] - seconds['honest']:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
