"""``keraskit nbgrader``: build the nbgrader course, or pull the answers out of notebooks.

    keraskit nbgrader build COURSE_DIR [--topic T ...] [--lang en|zh_CN] [--force]
    keraskit nbgrader extract NOTEBOOK ... --out DIR
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    sub = parser.add_subparsers(dest="nbgrader_command", metavar="ACTION")
    build = sub.add_parser("build", help="write an nbgrader course: config, one assignment per topic",
                           description="Write nbgrader_config.py, source/<topic>/<topic>.ipynb with its "
                                       "visible tests, and hidden_tests/ into COURSE_DIR.")
    build.add_argument("course_dir", metavar="COURSE_DIR", type=Path)
    build.add_argument("--topic", dest="topics", action="append", default=[], metavar="TOPIC",
                       help="only this topic (repeatable; default: every topic that has its files)")
    build.add_argument("--lang", default=None, help="language of the notebooks' texts (en, zh_CN)")
    build.add_argument("--force", action="store_true", help="rebuild over an existing source/ folder")
    extract = sub.add_parser("extract", help="write the solution cells of notebooks as <topic>.py modules",
                             description="Read the answer cells of keraskit notebooks (never running "
                                         "them) and write one <topic>.py per notebook into --out.")
    extract.add_argument("notebooks", metavar="NOTEBOOK", nargs="+", type=Path)
    extract.add_argument("--out", required=True, type=Path, metavar="DIR")


def run(args: argparse.Namespace, name: str) -> int:
    action = getattr(args, "nbgrader_command", None)
    if action == "build":
        from keraskit.nbgrader.build import build_course
        from keraskit.nbgrader.source import SourceError
        try:
            course = build_course(args.course_dir, topics=args.topics or None, lang=args.lang, force=args.force)
        except (ValueError, FileExistsError, SourceError) as exc:
            print(f"keraskit nbgrader build: {exc}", file=sys.stderr)
            return 2
        for topic, path in course.notebooks.items():
            print(f"{topic}: {path}")
        print(f"course written to {course.root}; next: cd {course.root} && nbgrader generate_assignment TOPIC")
        return 0
    if action == "extract":
        from keraskit.nbgrader.extract import NotebookError, write_modules
        try:
            written = write_modules(args.notebooks, args.out)
        except NotebookError as exc:
            print(f"keraskit nbgrader extract: {exc}", file=sys.stderr)
            return 2
        for path in written:
            print(path)
        return 0
    print("keraskit nbgrader: choose an action: build COURSE_DIR, or extract NOTEBOOK ... --out DIR",
          file=sys.stderr)
    return 2
