"""``keraskit grade | autograde | doctor | gradescope-bundle``."""

from __future__ import annotations

import json
import os
import stat
import sys
import zipfile
from pathlib import Path

from keraskit.autograde.sandbox import Limits


def _limit_arguments(parser) -> None:
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per call (default 60)")
    parser.add_argument("--submission-timeout", type=float, default=900.0,
                        help="seconds per submission (default 900)")
    parser.add_argument("--memory", type=int, default=2048, help="MB of memory per worker (default 2048)")
    parser.add_argument("--exercise", action="append", default=[], metavar="ID",
                        help="grade only this exercise (module.function); repeatable")


def add_arguments(parser, name: str) -> None:
    if name == "grade":
        parser.add_argument("submission", help="a folder or .zip with the module files")
        parser.add_argument("--json", metavar="FILE", help="also write Gradescope's results.json here")
        _limit_arguments(parser)
    elif name == "autograde":
        parser.add_argument("submissions", help="a folder with one sub-folder or .zip per student")
        parser.add_argument("--out", required=True, metavar="DIR")
        parser.add_argument("--jobs", type=int, default=1)
        parser.add_argument("--force", action="store_true", help="regrade finished submissions")
        _limit_arguments(parser)
    elif name == "gradescope-bundle":
        parser.add_argument("file", metavar="FILE.zip")
    elif name != "doctor":
        raise ValueError(f"name: unknown command {name!r}")


def _limits(args) -> Limits:
    return Limits(call_timeout=args.timeout, submission_timeout=args.submission_timeout, memory_mb=args.memory)


def run(args, name: str) -> int:
    if name == "grade":
        return _grade(args)
    if name == "autograde":
        from keraskit.autograde import batch
        records = batch.autograde(Path(args.submissions), Path(args.out), jobs=args.jobs, limits=_limits(args),
                                  force=args.force, exercises=tuple(args.exercise))
        print(f"{len(records)} submissions graded; see {Path(args.out) / 'grades.csv'}")
        return 0
    if name == "doctor":
        from keraskit.autograde import sandbox
        missing = 0
        for what, ok, detail in sandbox.report():
            print(f"[{'ok' if ok else '--'}] {what}: {detail}")
            missing += not ok
        return 0
    if name == "gradescope-bundle":
        write_gradescope_bundle(Path(args.file))
        print(f"wrote {args.file}")
        return 0
    raise ValueError(f"name: unknown command {name!r}")


def _grade(args) -> int:
    from keraskit.autograde import results, submissions
    from keraskit.autograde.host import JudgeHost
    path = Path(args.submission)
    if not path.exists():
        print(f"submission: {path} does not exist", file=sys.stderr)
        return 2
    kind = "zip" if path.suffix == ".zip" else "notebooks" if path.suffix == ".ipynb" else "folder"
    sub = submissions.Submission(path.stem if kind != "folder" else path.name or "submission", path, kind,
                                 (path,) if kind == "notebooks" else ())
    host = JudgeHost(_limits(args))
    try:
        record = host.grade(sub, exercises=tuple(args.exercise))
    finally:
        host.close()
    print(results.feedback_markdown(record))
    if args.json:
        results.write_atomic(Path(args.json), json.dumps(results.gradescope_json(record), indent=2))
    return 0


RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope calls this; the paths can be overridden to try it locally.
set -u
SUBMISSION="${KERASKIT_GS_SUBMISSION:-/autograder/submission}"
RESULTS="${KERASKIT_GS_RESULTS:-/autograder/results/results.json}"
SOURCE="${KERASKIT_GS_SOURCE:-/autograder/source}"
PY="${KERASKIT_GS_PYTHON:-python3}"
cd "$SOURCE/keraskit-kit" 2>/dev/null || true
mkdir -p "$(dirname "$RESULTS")"
exec "$PY" -m keraskit.cli grade "$SUBMISSION" --json "$RESULTS"
"""

SETUP_SH = """#!/usr/bin/env bash
set -eu
apt-get update && apt-get install -y bubblewrap python3-pip python3-venv
cd /autograder/source/keraskit-kit
python3 -m pip install --break-system-packages -e .
"""


def write_gradescope_bundle(path: Path) -> None:
    """setup.sh, run_autograder, and the kit (engine, hidden tests; never solutions/)."""
    if path.suffix != ".zip":
        raise ValueError(f"FILE: {path} must end in .zip")
    repo = Path(__file__).resolve().parents[2]
    parts = ["keraskit", "grading/hidden", "pyproject.toml"]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (("run_autograder", RUN_AUTOGRADER), ("setup.sh", SETUP_SH)):
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFREG | 0o755) << 16
            archive.writestr(info, text)
        for part in parts:
            source = repo / part
            files = [source] if source.is_file() else sorted(p for p in source.rglob("*") if p.is_file())
            for file in files:
                if "__pycache__" in file.parts:
                    continue
                archive.write(file, f"keraskit-kit/{file.relative_to(repo)}")
