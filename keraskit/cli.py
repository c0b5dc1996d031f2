"""The ``keraskit`` command.

Each sub-command lives in its own module, which provides ``add_arguments(parser)`` and
``run(args) -> int``; this file only names them, so that starting the command imports nothing
heavy (TensorFlow is imported only by the commands that train or grade).
"""

from __future__ import annotations

import argparse
import errno
import importlib
import re
import sys

from keraskit import __version__
from keraskit.errors import INTERRUPTED, CommandError
from keraskit.i18n import notices_shown_after, t
from keraskit.quiet import silence_tensorflow

# name -> module; each command's one-line help is `cli.help.<name>` in keraskit/locales/.
COMMANDS: dict[str, str] = {
    "check": "keraskit.commands.selfstudy",
    "watch": "keraskit.commands.watch",
    "hint": "keraskit.commands.selfstudy",
    "solution": "keraskit.commands.selfstudy",
    "reset": "keraskit.commands.selfstudy",
    "plot": "keraskit.commands.plot",
    "release": "keraskit.release",
    "rubric": "keraskit.rubric",
    "grade": "keraskit.autograde.cli",
    "autograde": "keraskit.autograde.cli",
    "doctor": "keraskit.autograde.cli",
    "gradescope-bundle": "keraskit.autograde.cli",
    "report": "keraskit.autograde.classreport",
    "nbgrader": "keraskit.nbgrader.cli",
}


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad option is one line in the user's language, not usage text plus English."""

    def error(self, message: str):
        self.exit(2, t("cli.see_help", prog=self.prog, error=_translate_argparse(message)) + "\n")


# argparse's own messages (Python 3.11+) -> the kit's keys; anything else is shown as argparse says it.
_ARGPARSE_MESSAGES = (
    (re.compile(r"the following arguments are required: (?P<names>.+)"), "cli.arg_required"),
    (re.compile(r"unrecognized arguments: (?P<args>.+)"), "cli.arg_unrecognized"),
    (re.compile(r"argument (?P<argument>[^:]+): invalid (?P<type>\w+) value: (?P<value>.+)"), "cli.arg_invalid_value"),
    (re.compile(r"argument (?P<argument>[^:]+): invalid choice: (?P<value>.+?) \(choose from (?P<choices>.+)\)"),
     "cli.arg_invalid_choice"),
    (re.compile(r"argument (?P<argument>[^:]+): expected one argument"), "cli.arg_expected_one"),
)


def _translate_argparse(message: str) -> str:
    for pattern, key in _ARGPARSE_MESSAGES:
        match = pattern.fullmatch(message)
        if match:
            values = match.groupdict()
            if "type" in values:
                if values["type"] in ("int", "float"):
                    values["type"] = t(f"cli.type_{values['type']}")
            return t(key, **values)
    return message


def _file_error(exc: OSError) -> str:
    """An OSError as one line: the path and, for the common cases, the reason in the user's language."""
    reason = _OS_REASONS.get(exc.errno)
    return t("cli.file_error", path=exc.filename if exc.filename is not None else "",
             reason=t(reason) if reason else (exc.strerror or str(exc)))


_OS_REASONS = {errno.ENOENT: "cli.no_such_file", errno.EACCES: "cli.permission_denied",
               errno.EPERM: "cli.permission_denied", errno.ENOTDIR: "cli.not_a_folder",
               errno.EISDIR: "cli.is_a_folder", errno.EEXIST: "cli.exists", errno.ENOSPC: "cli.disk_full",
               errno.EROFS: "cli.read_only"}


def _command_module(name: str):
    return importlib.import_module(COMMANDS[name])


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser; with ``only``, just that sub-command's module is imported."""
    parser = _Parser(prog="keraskit", description=t("cli.description"))
    parser.add_argument("--version", action="version", version=f"keraskit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        help_text = t(f"cli.help.{name}")
        cmd_parser = sub.add_parser(name, help=help_text, description=help_text)
        if name == only:
            _command_module(name).add_arguments(cmd_parser, name)
    return parser


def main(argv: list[str] | None = None) -> int:
    # before any command can import TensorFlow: its C++ log lines never reach a command's output
    silence_tensorflow()
    argv = sys.argv[1:] if argv is None else list(argv)
    chosen = next((a for a in argv if not a.startswith("-")), None)
    parser = build_parser(chosen if chosen in COMMANDS else None)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    prog = f"keraskit {args.command}"
    # One-time notices (the Boston "B" column one) come out as kit messages after the command.
    with notices_shown_after():
        try:
            return int(_command_module(args.command).run(args, args.command) or 0)
        except CommandError as exc:
            print(t("cli.error", prog=prog, error=exc), file=sys.stderr)
            return 2
        except OSError as exc:  # a bad path the command did not foresee: still one line, no traceback
            print(t("cli.error", prog=prog, error=_file_error(exc)), file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            print(t("cli.interrupted"), file=sys.stderr)
            return INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
