"""``keraskit grade | autograde | doctor | gradescope-bundle``."""

from __future__ import annotations

import json
import os
import stat
import sys
import zipfile
from pathlib import Path

from keraskit.autograde.sandbox import Limits


SELF_CHECK_FAILED = 3  # the exit status when the grader refuses to grade (see keraskit.autograde.selfcheck)


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
        from keraskit.autograde import batch, selfcheck
        try:
            records = batch.autograde(Path(args.submissions), Path(args.out), jobs=args.jobs,
                                      limits=_limits(args), force=args.force, exercises=tuple(args.exercise))
        except selfcheck.SelfCheckFailed as exc:
            print(exc, file=sys.stderr)
            return SELF_CHECK_FAILED
        except KeyboardInterrupt:
            finished = len(list((Path(args.out) / "records").glob("*.json")))
            print(f"interrupted: {finished} finished submissions are saved in {args.out}; "
                  "run the same command again to grade the rest", file=sys.stderr)
            return batch.INTERRUPTED
        print(f"{len(records)} submissions graded; see {Path(args.out) / 'grades.csv'}")
        return 0
    if name == "doctor":
        from keraskit.autograde import sandbox
        missing = []
        for what, ok, detail in sandbox.report():
            print(f"[{'ok' if ok else '--'}] {what}: {detail}")
            if not ok:
                missing.append(what)
        if missing:
            print(f"\nMISSING {len(missing)} protection(s): {', '.join(missing)}.\n"
                  "Grading still works on the floor (rlimits, own session, subreaper, separate uid as root),\n"
                  "but it is not isolated from the disk or the network. To fix: "
                  f"{sandbox.missing_advice()}.")
            return 1
        print("\nall protections active")
        return 0
    if name == "gradescope-bundle":
        write_gradescope_bundle(Path(args.file))
        print(f"wrote {args.file}")
        return 0
    raise ValueError(f"name: unknown command {name!r}")


def _grade(args) -> int:
    from keraskit.autograde import results, selfcheck, submissions
    from keraskit.autograde.host import JudgeHost
    path = Path(args.submission)
    if not path.exists():
        print(f"submission: {path} does not exist", file=sys.stderr)
        return 2
    kind = "zip" if path.suffix == ".zip" else "notebooks" if path.suffix == ".ipynb" else "folder"
    sub = submissions.Submission(path.stem if kind != "folder" else path.name or "submission", path, kind,
                                 (path,) if kind == "notebooks" else ())
    host = None
    try:
        host = JudgeHost(_limits(args))
        host.self_check(exercises=tuple(args.exercise))
        record = host.grade(sub, exercises=tuple(args.exercise))
    except selfcheck.SelfCheckFailed as exc:
        print(exc, file=sys.stderr)
        return SELF_CHECK_FAILED
    except KeyboardInterrupt:
        print("interrupted: nothing was graded", file=sys.stderr)
        return 130
    finally:
        if host is not None:
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
VENV_PY=/autograder/keraskit-venv/bin/python
if [ -x "$VENV_PY" ]; then DEFAULT_PY="$VENV_PY"; else DEFAULT_PY=python3; fi
PY="${KERASKIT_GS_PYTHON:-$DEFAULT_PY}"
cd "$SOURCE/keraskit-kit" || exit 2
# without bwrap, student code runs as an unprivileged uid: keep the hidden tests from it
chmod -R go-rwx "$SOURCE/keraskit-kit/grading" 2>/dev/null || true
mkdir -p "$(dirname "$RESULTS")"
rm -f "$RESULTS"
# KERASKIT_GS_ARGS: extra options for `keraskit grade`, e.g. "--memory 1024 --timeout 120"
"$PY" -m keraskit.cli grade "$SUBMISSION" --json "$RESULTS" ${KERASKIT_GS_ARGS:-}
status=$?
if [ ! -s "$RESULTS" ]; then  # never leave Gradescope without a results file
  printf '{"score": 0, "output": "The autograder failed (exit status %s); please contact the course staff.", "tests": []}\\n' "$status" > "$RESULTS"
fi
exit 0
"""

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image (Ubuntu).
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends bubblewrap python3 python3-venv python3-pip
PY=python3
if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  # Ubuntu 22.04 ships Python 3.10; keraskit needs 3.11 or later
  apt-get install -y --no-install-recommends python3.11 python3.11-venv
  PY=python3.11
fi
"$PY" -m venv /autograder/keraskit-venv
/autograder/keraskit-venv/bin/python -m pip install --upgrade pip
/autograder/keraskit-venv/bin/python -m pip install /autograder/source/keraskit-kit
# what isolation this image gives (bwrap often cannot create namespaces inside Docker: the
# floor then applies: rlimits, own session, a separate uid for student code)
/autograder/keraskit-venv/bin/python -m keraskit.cli doctor || true
"""

BUNDLE_README = """# keraskit autograder bundle

The grading engine and the hidden tests of keraskit, as installed by `setup.sh`.
No reference solutions are included. `run_autograder` runs `keraskit grade` on the submission,
which first checks the worker and the oracle against `selfcheck-fingerprint.json`.
"""


def write_gradescope_bundle(path: Path) -> None:
    """setup.sh, run_autograder, and the kit (engine, hidden tests; never solutions/), with the
    known-good fingerprint of the oracle the bundle's self-check compares against."""
    if path.suffix != ".zip":
        raise ValueError(f"FILE: {path} must end in .zip")
    from keraskit.autograde import selfcheck
    repo = Path(__file__).resolve().parents[2]
    parts = ["keraskit", "grading/hidden", "pyproject.toml"]
    fingerprint = {"oracle": {k: v.tolist() for k, v in selfcheck.oracle_values().items()}}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"keraskit-kit/{selfcheck.FINGERPRINT_FILE.name}", json.dumps(fingerprint, indent=2))
        for name, text in (("run_autograder", RUN_AUTOGRADER), ("setup.sh", SETUP_SH)):
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFREG | 0o755) << 16
            archive.writestr(info, text)
        readme = zipfile.ZipInfo("keraskit-kit/README.md")  # pyproject.toml names it
        readme.external_attr = (stat.S_IFREG | 0o644) << 16
        archive.writestr(readme, BUNDLE_README)
        for part in parts:
            source = repo / part
            files = [source] if source.is_file() else sorted(p for p in source.rglob("*") if p.is_file())
            for file in files:
                if "__pycache__" in file.parts:
                    continue
                archive.write(file, f"keraskit-kit/{file.relative_to(repo)}")
