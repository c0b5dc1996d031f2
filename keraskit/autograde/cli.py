"""``keraskit grade | autograde | doctor | gradescope-bundle``."""

from __future__ import annotations

import json
import stat
import sys
import zipfile
from importlib import resources
from pathlib import Path

from keraskit import layout
from keraskit.atomic import write_atomic
from keraskit.autograde import isolation
from keraskit.autograde.record import FEEDBACK_BRIEF, FEEDBACK_MODES
from keraskit.autograde.sandbox import Limits
from keraskit.commands import (
    CommandError,
    require_at_least,
    require_existing,
    require_folder,
    require_known_exercises,
    require_known_topics,
    require_output_folder,
    require_parent_folder,
    require_positive,
)
from keraskit.errors import INTERRUPTED
from keraskit.i18n import t
from keraskit.target import display_path

SELF_CHECK_FAILED = 3  # the exit status when the grader refuses to grade (see keraskit.autograde.selfcheck)


def _limit_arguments(parser) -> None:
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per call (default 60)")
    parser.add_argument("--submission-timeout", type=float, default=900.0,
                        help="seconds per submission (default 900)")
    parser.add_argument("--memory", type=int, default=2048, help="MB of memory per worker (default 2048)")
    parser.add_argument("--exercise", action="append", default=[], metavar="ID",
                        help="grade only this exercise (module.function); repeatable")
    parser.add_argument("--feedback", choices=FEEDBACK_MODES, default=FEEDBACK_BRIEF,
                        help="how much of a failure the feedback shows: brief (default), what went wrong and "
                             "a hint; full, also the first failing hidden test's inputs, expected and got")
    _topic_argument(parser)
    parser.add_argument(isolation.ALLOW_FLAG, action="store_true", dest="allow_unisolated",
                        help="grade even where student code is not isolated (the rlimits floor; "
                             f"or {isolation.ALLOW_ENV}=1); every grade is then marked as unisolated")


def _topic_argument(parser) -> None:
    parser.add_argument("--topic", dest="topics", action="append", default=[], metavar="TOPIC",
                        help="grade only this topic (an assignment smaller than the chapter); repeatable")


def _topics(args) -> list[str] | None:
    """The topics given with --topic, in the catalogue's order; None: every topic."""
    from keraskit import catalogue
    chosen = set(getattr(args, "topics", None) or ())
    return [topic for topic in catalogue.load().topic_ids if topic in chosen] or None


def _lms_arguments(parser) -> None:
    """From an LMS and back, and over several machines (docs/lms.md)."""
    from keraskit.autograde import exports, lms
    parser.add_argument("--from", dest="platform", choices=lms.PLATFORMS,
                        help="the platform of the bulk download (default: recognised from its layout)")
    parser.add_argument("--export", action="append", default=[], choices=exports.EXPORTS,
                        help="also write the grades for this platform's gradebook import; repeatable")
    parser.add_argument("--assignment", default="Keras in Action",
                        help="the assignment's column name in the Canvas export")
    parser.add_argument("--shard", metavar="K/N", help="grade only shard K of N (a stable share of the students)")
    parser.add_argument("--merge", nargs="+", metavar="OUT_K",
                        help="build grades.csv (and exports) in --out from the --out folders of the shards")


def add_arguments(parser, name: str) -> None:
    if name == "grade":
        parser.add_argument("submission", help="a folder or .zip with the module files")
        parser.add_argument("--json", metavar="FILE", help="also write Gradescope's results.json here")
        _limit_arguments(parser)
    elif name == "autograde":
        parser.add_argument("submissions", nargs="?",
                            help="a folder with one sub-folder or .zip per student, or an LMS bulk download")
        parser.add_argument("--out", required=True, metavar="DIR")
        parser.add_argument("--jobs", type=int, default=1)
        parser.add_argument("--force", action="store_true", help="regrade finished submissions")
        _lms_arguments(parser)
        _limit_arguments(parser)
    elif name == "gradescope-bundle":
        parser.add_argument("file", metavar="FILE.zip")
        _topic_argument(parser)
    elif name == "doctor":
        parser.add_argument("--student", action="store_true", help=t("cli.arg.doctor_student"))
    else:
        raise ValueError(f"name: unknown command {name!r}")


def _limits(args) -> Limits:
    return Limits(call_timeout=args.timeout, submission_timeout=args.submission_timeout, memory_mb=args.memory)


def _check_arguments(args, name: str) -> None:
    """Bad options and paths stop the command with one line, before anything starts."""
    if name in ("grade", "autograde"):
        if not sys.platform.startswith("linux"):  # the sandbox is Linux's (namespaces, Landlock, fork)
            raise CommandError(t("autograde.linux_only"))
        require_positive("--timeout", args.timeout)
        require_positive("--submission-timeout", args.submission_timeout)
        require_positive("--memory", args.memory)
        require_known_exercises(args.exercise)
        # A copy of the kit without hidden tests (a student release) would print a 0/0 score.
        if not layout.graded_topics(layout.KIT.hidden_tests):
            raise CommandError(t("autograde.no_hidden_tests", folder=display_path(layout.KIT.hidden_tests)))
    if name in ("grade", "autograde", "gradescope-bundle"):
        require_known_topics(getattr(args, "topics", None) or ())
    if name == "grade":
        require_existing("SUBMISSION", Path(args.submission))
        if args.json:
            require_parent_folder("--json", Path(args.json))
    elif name == "autograde":
        require_at_least("--jobs", args.jobs, 1)
        if args.merge:
            for folder in args.merge:
                require_folder("--merge", Path(folder))
        elif args.submissions is None:
            raise CommandError(t("autograde.lms_no_submissions"))
        elif not (Path(args.submissions).is_file() and Path(args.submissions).suffix == ".zip"):
            require_folder("SUBMISSIONS", Path(args.submissions))  # a .zip: a Canvas download
        require_output_folder("--out", Path(args.out))
        if args.shard:
            from keraskit.autograde import shards
            try:
                args.shard = shards.parse(args.shard)
            except ValueError as exc:
                raise CommandError(str(exc)) from None
    elif name == "gradescope-bundle":
        if Path(args.file).suffix != ".zip":
            raise CommandError(t("cli.zip_suffix", name="FILE.zip", path=args.file))
        require_parent_folder("FILE.zip", Path(args.file))


def _unisolated_refusal(args) -> str | None:
    """The refusal to print where the sandbox mode in force does not isolate student code and
    the instructor did not opt in (``isolation``); None where grading may go on (a warning is
    printed first where it goes on without isolation)."""
    from keraskit.autograde import sandbox
    try:
        mode, why = sandbox.choose_mode()
    except (RuntimeError, ValueError) as exc:  # a forced mode this machine cannot give
        raise CommandError(str(exc)) from None
    if isolation.isolated(mode):
        return None
    flag = bool(getattr(args, "allow_unisolated", False))
    if not isolation.allowed(flag):
        return isolation.refusal(mode, why)
    print(isolation.warning(mode, flag), file=sys.stderr)
    return None


def run(args, name: str) -> int:
    _check_arguments(args, name)
    if name in ("grade", "autograde") and not getattr(args, "merge", None):  # a merge grades no one
        refusal = _unisolated_refusal(args)
        if refusal:
            print(refusal, file=sys.stderr)
            return SELF_CHECK_FAILED
    if name == "grade":
        return _grade(args)
    if name == "autograde":
        from keraskit.autograde import batch, integrity, selfcheck
        if args.merge:
            return _merge(args)
        try:
            graded = batch.autograde_run(Path(args.submissions), Path(args.out), jobs=args.jobs,
                                         limits=_limits(args), force=args.force, exercises=tuple(args.exercise),
                                         topics=_topics(args), feedback=args.feedback,
                                         say=lambda line: print(line, file=sys.stderr),
                                         platform=args.platform, shard=args.shard)
        except ValueError as exc:  # a download that cannot be read as the platform's
            raise CommandError(str(exc)) from None
        except (selfcheck.SelfCheckFailed, integrity.JudgeFilesChanged) as exc:
            print(exc, file=sys.stderr)
            return SELF_CHECK_FAILED
        except KeyboardInterrupt:
            finished = len(list((Path(args.out) / "records").glob("*.json")))
            print(f"interrupted: {finished} finished submissions are saved in {args.out}; "
                  "run the same command again to grade the rest", file=sys.stderr)
            return INTERRUPTED
        records = graded.records
        if args.shard:
            print(f"{len(records)} submissions of shard {args.shard[0]}/{args.shard[1]} graded into {args.out}; "
                  "merge the shards with --merge")
        else:
            _export(args, records)
            from keraskit.autograde import report
            print("\n".join(report.closing_lines(records, Path(args.out), graded.plan.summary())))
        unisolated = [r for r in records if r.isolation == isolation.UNISOLATED]
        if unisolated:
            print(t("autograde.unisolated_summary", count=len(unisolated), mode=unisolated[0].mode))
        return 0
    if name == "doctor":
        if getattr(args, "student", False):
            from keraskit import environment
            return environment.run_student_doctor()
        return _doctor()
    if name == "gradescope-bundle":
        topics = _topics(args)
        write_gradescope_bundle(Path(args.file), topics)
        print(f"wrote {args.file}" + (f" (grades {', '.join(topics)} only)" if topics else ""))
        return 0
    raise ValueError(f"name: unknown command {name!r}")


def _export(args, records) -> None:
    from keraskit.autograde import exports
    try:
        for path in exports.write(Path(args.out), records, args.export, args.assignment):
            print(f"wrote {path}")
    except ValueError as exc:
        raise CommandError(str(exc)) from None


def _merge(args) -> int:
    """``--merge OUT_1 ... OUT_N --out OUT``: the shards' records gathered, grades.csv as one run."""
    from types import SimpleNamespace

    from keraskit.autograde import batch, shards
    out = Path(args.out)
    try:
        records = shards.merge(args.merge, out)
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    batch.write_summaries(out, [SimpleNamespace(student=r.student) for r in records],
                          {r.student: r for r in records})
    _export(args, records)
    print(f"{len(records)} submissions merged from {len(args.merge)} folders; see {out / 'grades.csv'}")
    return 0


def _doctor() -> int:
    """Start a real worker in the mode grading will use, import there what grading imports, try
    what the sandbox must refuse, and print each protection: 0 all hold, 1 some are missing
    (the floor), CommandError (status 2) if the worker cannot work or a promise is broken."""
    from keraskit.autograde import sandbox
    from keraskit.commands import CommandError
    try:
        mode, why, imports, facts, rows = sandbox.doctor()
    except (RuntimeError, ValueError, OSError) as exc:
        raise CommandError(f"the worker cannot grade here: {exc}") from None
    print(f"mode: {mode} ({why})")
    print(f"worker: Python {imports['python']}, numpy {imports['numpy']}, keras {imports['keras']}; "
          f"numpy, keras and lazily loaded stdlib modules import (uid {facts['uid']}, "
          f"capabilities {facts['capabilities']})")
    marks = {"ok": "ok", "missing": "--", "broken": "!!"}
    for what, status, detail in rows:
        print(f"[{marks[status]}] {what}: {detail}")
    broken = [what for what, status, _ in rows if status == "broken"]
    if broken:
        raise CommandError(f"the {mode} sandbox does not hold what it promises: {', '.join(broken)}")
    missing = [what for what, status, _ in rows if status == "missing"]
    if missing:
        works = (f"Grading still works in the {mode} mode, but student code is not isolated from the disk "
                 "or the network." if isolation.isolated(mode) else
                 f"`grade` and `autograde` refuse to grade in the {mode} mode unless given "
                 f"{isolation.ALLOW_FLAG} or {isolation.ALLOW_ENV}=1 (every grade is then marked as unisolated).")
        print(f"\nMISSING {len(missing)} protection(s): {', '.join(missing)}.\n"
              f"{works} To fix: {sandbox.missing_advice()}.")
        return 1
    print(f"\nall protections of the {mode} mode active")
    return 0


def _grade(args) -> int:
    from keraskit.autograde import integrity, selfcheck, submissions
    from keraskit.autograde.host import JudgeHost
    path = Path(args.submission)
    kind = "zip" if path.suffix == ".zip" else "notebooks" if path.suffix == ".ipynb" else "folder"
    sub = submissions.Submission(path.stem if kind != "folder" else path.name or "submission", path, kind,
                                 (path,) if kind == "notebooks" else ())
    host = None
    try:
        judge_files = integrity.JudgeFiles.of_this_kit()  # before any student code: as they must stay
        judge_files.verify(first=True)
        host = JudgeHost(_limits(args))
        host.self_check(exercises=tuple(args.exercise), topics=_topics(args))
        judge_files.verify()
        record = host.grade(sub, exercises=tuple(args.exercise), topics=_topics(args))
        changes = judge_files.changes()  # what this submission's run may have written
        if changes:
            print(integrity.withheld_message(changes, sub.student), file=sys.stderr)
            return SELF_CHECK_FAILED
    except (selfcheck.SelfCheckFailed, integrity.JudgeFilesChanged) as exc:
        print(exc, file=sys.stderr)
        return SELF_CHECK_FAILED
    except KeyboardInterrupt:
        print("interrupted: nothing was graded", file=sys.stderr)
        return INTERRUPTED
    finally:
        if host is not None:
            host.close()
    print(record.to_feedback(detail=args.feedback))
    if args.json:
        write_atomic(Path(args.json), json.dumps(record.to_gradescope(), indent=2))
    return 0


# The scripts Gradescope runs, kept as files in keraskit/templates/ (shipped as package data);
# bundle name -> template name.
GRADESCOPE_SCRIPTS = {"run_autograder": "gradescope_run_autograder", "setup.sh": "gradescope_setup.sh"}


def gradescope_script(name: str) -> bytes:
    """The bytes of the bundle's script ``name`` (a key of GRADESCOPE_SCRIPTS), as the bundle holds them."""
    return (resources.files("keraskit") / "templates" / GRADESCOPE_SCRIPTS[name]).read_bytes()


BUNDLE_README = """# keraskit autograder bundle

The grading engine and the hidden tests of keraskit, as installed by `setup.sh`.
No reference solutions are included. `run_autograder` runs `keraskit grade` on the submission,
which first checks the worker and the oracle against `selfcheck-fingerprint.json`.
"""


def _bundle_readme(topics) -> str:
    if not topics:
        return BUNDLE_README
    return BUNDLE_README + (f"\nThis assignment grades the topics {', '.join(topics)} only: the bundle holds "
                            "their hidden tests and no other topic's, so a submission is graded out of their "
                            "points.\n")


def _bundled(file: Path, topics) -> bool:
    """Whether the kit's ``file`` goes into a bundle grading ``topics`` (None: all): another topic's
    hidden suite stays out, and grading grades only the topics whose suite it finds."""
    if "__pycache__" in file.parts:
        return False
    topic = layout.suite_topic(file.name) if file.parent == layout.KIT.hidden_tests else None
    return not topics or topic is None or topic in topics


def write_gradescope_bundle(path: Path, topics=None) -> None:
    """setup.sh, run_autograder, and the kit (engine, hidden tests; never solutions/), with the
    known-good fingerprint of the oracle the bundle's self-check compares against. With ``topics``
    (an assignment smaller than the chapter), only their hidden suites are included."""
    if path.suffix != ".zip":
        raise ValueError(f"FILE: {path} must end in .zip")
    from keraskit.autograde import selfcheck
    repo = layout.ROOT
    parts = ["keraskit", "grading/hidden", "pyproject.toml"]
    fingerprint = {"oracle": {k: v.tolist() for k, v in selfcheck.oracle_values().items()}}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"keraskit-kit/{selfcheck.FINGERPRINT_FILE.name}", json.dumps(fingerprint, indent=2))
        for name in GRADESCOPE_SCRIPTS:
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFREG | 0o755) << 16
            archive.writestr(info, gradescope_script(name))
        readme = zipfile.ZipInfo("keraskit-kit/README.md")  # pyproject.toml names it
        readme.external_attr = (stat.S_IFREG | 0o644) << 16
        archive.writestr(readme, _bundle_readme(topics))
        for part in parts:
            source = repo / part
            files = [source] if source.is_file() else sorted(p for p in source.rglob("*") if p.is_file())
            for file in files:
                if not _bundled(file, topics):
                    continue
                archive.write(file, f"keraskit-kit/{file.relative_to(repo)}")
