"""The ``keraskit`` command.

Each sub-command lives in its own module, which provides ``add_arguments(parser)`` and
``run(args) -> int``; this file only names them, so that starting the command imports nothing
heavy (TensorFlow is imported only by the commands that train or grade).
"""

from __future__ import annotations

import argparse
import importlib
import sys

from keraskit import __version__

# name -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("keraskit.commands.selfstudy", "run the visible tests and show the board"),
    "watch": ("keraskit.commands.watch", "rerun the current exercise's tests on every save"),
    "hint": ("keraskit.commands.selfstudy", "show the next hint for an exercise"),
    "solution": ("keraskit.commands.selfstudy", "show an exercise's reference (instructor, or once it passes)"),
    "reset": ("keraskit.commands.selfstudy", "forget saved progress and hints used"),
    "plot": ("keraskit.commands.plot", "train the chapter's Boston model and save its training curves"),
    "release": ("keraskit.release", "write the student bundle: exercises, engine, student README"),
    "rubric": ("keraskit.rubric", "print the grading rubric derived from the catalogue"),
    "grade": ("keraskit.autograde.cli", "grade one submission with the hidden suite, isolated"),
    "autograde": ("keraskit.autograde.cli", "grade a whole class of submissions, isolated"),
    "doctor": ("keraskit.autograde.cli", "show which isolation protections work on this machine"),
    "gradescope-bundle": ("keraskit.autograde.cli", "write a Gradescope autograder zip"),
    "nbgrader": ("keraskit.nbgrader.cli", "build an nbgrader course from the catalogue"),
}


def _command_module(name: str):
    module_name, _ = COMMANDS[name]
    return importlib.import_module(module_name)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser; with ``only``, just that sub-command's module is imported."""
    parser = argparse.ArgumentParser(prog="keraskit", description="Exercises for 'Keras in Action', "
                                     "graded against real Keras 3.")
    parser.add_argument("--version", action="version", version=f"keraskit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (_, help_text) in COMMANDS.items():
        cmd_parser = sub.add_parser(name, help=help_text, description=help_text)
        if name == only:
            _command_module(name).add_arguments(cmd_parser, name)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    chosen = next((a for a in argv if not a.startswith("-")), None)
    parser = build_parser(chosen if chosen in COMMANDS else None)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    from keraskit.commands import CommandError

    try:
        return int(_command_module(args.command).run(args, args.command) or 0)
    except CommandError as exc:
        print(f"keraskit {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
