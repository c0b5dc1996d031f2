"""``keraskit plot boston --out FILE.png``: train the chapter's Boston model and save its curves.

It runs ``training.boston_experiment`` from the graded folder — your own exercises/ by default,
the reference with --instructor — so the picture shows your model's over-fitting.
"""

from __future__ import annotations

import sys
from pathlib import Path

from keraskit import target
from keraskit.commands import CommandError, require_at_least, require_output_folder
from keraskit.i18n import t
from keraskit.layout import Layout, find_project_root
from keraskit.plots import plot_history


def add_arguments(parser, name: str) -> None:
    parser.add_argument("what", metavar="WHAT", help=t("cli.arg.plot_what"))
    parser.add_argument("--out", type=Path, required=True, metavar="FILE.png", help=t("cli.arg.plot_out"))
    parser.add_argument("--epochs", type=int, default=30, help=t("cli.arg.plot_epochs"))
    parser.add_argument("--instructor", action="store_true", help=t("cli.arg.instructor"))


def run(args, name: str) -> int:
    if args.what != "boston":
        raise CommandError(t("plot.unknown_what"))
    require_at_least("--epochs", args.epochs, 1)
    require_output_folder("--out", args.out.parent)
    if args.out.is_dir():
        raise CommandError(t("cli.is_a_folder_arg", name="--out", path=args.out))
    kit = Layout(find_project_root())
    released = not kit.solutions.is_dir()  # a student release: no reference to train
    if args.instructor and released:
        raise CommandError(t("plot.no_reference"))
    folder = kit.solutions if (args.instructor or target.instructor_enabled()) and not released else kit.exercises
    args.out.parent.mkdir(parents=True, exist_ok=True)  # before training: a bad --out fails at once
    from keraskit.quiet import silence_tensorflow
    silence_tensorflow()
    try:
        training = target.LocalLoader(folder).load("training")
        plot_history(training.boston_experiment(epochs=args.epochs)["history"], args.out)
    except Exception as exc:  # noqa: BLE001 - the student's code may fail in any way; say so plainly
        error = f"{type(exc).__name__}: {exc}".rstrip(": ")
        print(t("plot.needs_training_release" if released else "plot.needs_training", error=error), file=sys.stderr)
        return 1
    print(t("plot.saved", path=args.out))
    return 0
