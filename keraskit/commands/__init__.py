"""Self-study commands of the ``keraskit`` CLI, and the checks every command makes on its arguments."""

from __future__ import annotations

from pathlib import Path

from keraskit.errors import CommandError
from keraskit.i18n import t

__all__ = ["CommandError", "require_at_least", "require_existing", "require_folder", "require_known_exercises",
           "require_known_topics", "require_output_folder", "require_parent_folder", "require_positive"]


def require_at_least(option: str, value, minimum) -> None:
    if not value >= minimum:
        raise CommandError(t("cli.at_least", option=option, minimum=minimum, value=value))


def require_positive(option: str, value) -> None:
    if not value > 0:  # also refuses NaN
        raise CommandError(t("cli.positive", option=option, value=value))


def require_existing(name: str, path: Path) -> Path:
    if not Path(path).exists():
        raise CommandError(t("cli.missing_arg", name=name, path=path))
    return Path(path)


def require_folder(name: str, path: Path) -> Path:
    """``path`` is an existing folder."""
    if not require_existing(name, path).is_dir():
        raise CommandError(t("cli.not_a_folder_arg", name=name, path=path))
    return Path(path)


def require_output_folder(name: str, path: Path) -> Path:
    """``path`` may be created as a folder: it is one already, or nothing is there yet."""
    if Path(path).exists() and not Path(path).is_dir():
        raise CommandError(t("cli.is_a_file_arg", name=name, path=path))
    return Path(path)


def require_parent_folder(name: str, path: Path) -> Path:
    """The folder a file ``path`` is to be written into exists."""
    folder = Path(path).absolute().parent
    if not folder.is_dir():
        raise CommandError(t("cli.no_parent", name=name, path=path, folder=folder))
    return Path(path)


def require_known_exercises(ids) -> None:
    """Every id given with --exercise is in the catalogue."""
    from keraskit import catalogue
    unknown = sorted(set(ids) - {e.id for e in catalogue.load().exercises})
    if unknown:
        raise CommandError(t("cli.unknown_exercises", ids=", ".join(unknown)))


def require_known_topics(topics) -> None:
    """Every topic given with --topic is in the catalogue."""
    from keraskit import catalogue
    known = catalogue.load().topic_ids
    unknown = [topic for topic in topics if topic not in known]
    if unknown:
        raise CommandError(t("cli.unknown_topics", topics=", ".join(unknown), known=", ".join(known)))
