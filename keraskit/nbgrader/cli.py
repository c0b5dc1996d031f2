"""``keraskit nbgrader``: build the nbgrader course, or pull the answers out of notebooks.

    keraskit nbgrader build COURSE_DIR [--topic T ...] [--lang en|zh_CN] [--force]
    keraskit nbgrader extract NOTEBOOK ... --out DIR
"""

from __future__ import annotations

import argparse
from pathlib import Path

from keraskit import catalogue, i18n
from keraskit.commands import CommandError, require_existing, require_output_folder
from keraskit.i18n import t


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
        _check_build_arguments(args)
        from keraskit.nbgrader.build import build_course
        from keraskit.nbgrader.source import SourceError
        try:
            course = build_course(args.course_dir, topics=args.topics or None, lang=args.lang, force=args.force)
        except (ValueError, FileExistsError, SourceError) as exc:
            raise CommandError(t("nbgrader.build_failed", error=exc)) from None
        for topic, path in course.notebooks.items():
            print(f"{topic}: {path}")
        print(t("nbgrader.course_written", root=course.root))
        return 0
    if action == "extract":
        for notebook in args.notebooks:
            require_existing("NOTEBOOK", notebook)
        require_output_folder("--out", args.out)
        from keraskit.nbgrader.extract import NotebookError, write_modules
        try:
            written = write_modules(args.notebooks, args.out)
        except NotebookError as exc:
            raise CommandError(t("nbgrader.extract_failed", error=exc)) from None
        for path in written:
            print(path)
        return 0
    raise CommandError(t("cli.nbgrader_action"))


def _check_build_arguments(args) -> None:
    languages = i18n.supported_languages()
    if args.lang is not None and args.lang not in languages:
        raise CommandError(t("cli.unknown_lang", lang=args.lang, languages=", ".join(languages)))
    known = catalogue.load().topic_ids
    unknown = [topic for topic in args.topics if topic not in known]
    if unknown:
        raise CommandError(t("cli.unknown_topics", topics=", ".join(unknown), known=", ".join(known)))
    require_output_folder("COURSE_DIR", args.course_dir)
