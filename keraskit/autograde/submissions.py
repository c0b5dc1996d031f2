"""Finding submissions and reading their module files, without trusting their layout.

A class folder holds one entry per student: a folder (modules at its top or anywhere below),
a ``.zip`` of one, a ``.ipynb``, or an nbgrader ``submitted/<student>/<assignment>/*.ipynb``
tree. Module files are read into memory, never extracted: a zip's ``../`` entries and symbolic
links (to files outside the submission) are refused, and sizes are capped.
"""

from __future__ import annotations

import os
import stat
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from keraskit import catalogue, layout
from keraskit.nbgrader.extract import write_modules

MAX_MODULE_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Submission:
    student: str
    path: Path
    kind: str  # "folder", "zip", "notebooks"
    notebooks: tuple[Path, ...] = ()


@dataclass
class Sources:
    """The module files of one submission: topic -> bytes, where each came from, and problems."""
    files: dict[str, bytes] = field(default_factory=dict)
    where: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _student_name(name: str) -> str:
    safe = "".join(c if c.isalnum() or c in "-_.@" else "_" for c in name).strip("._")
    return safe or "student"


def discover(folder: Path) -> list[Submission]:
    """Every submission in ``folder``, sorted by student name."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"SUBMISSIONS: {folder} is not a folder")
    nbgrader = folder / "submitted" if (folder / "submitted").is_dir() else None
    if nbgrader is None and folder.name == "submitted":
        nbgrader = folder
    if nbgrader is not None:
        return _discover_nbgrader(nbgrader)
    found = []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith(".") or entry.is_symlink():
            continue
        if entry.is_dir():
            found.append(Submission(_student_name(entry.name), entry, "folder"))
        elif entry.suffix == ".zip":
            found.append(Submission(_student_name(entry.stem), entry, "zip"))
        elif entry.suffix == ".ipynb":
            found.append(Submission(_student_name(entry.stem), entry, "notebooks", (entry,)))
    return found


def _discover_nbgrader(submitted: Path) -> list[Submission]:
    found = []
    for student in sorted(p for p in submitted.iterdir() if p.is_dir() and not p.is_symlink()):
        found.append(Submission(_student_name(student.name), student, "notebooks",
                                layout.submitted_notebooks(student)))
    return found


def read_sources(submission: Submission, topics=None) -> Sources:
    topics = tuple(topics or catalogue.load().topic_ids)
    if submission.kind == "zip":
        return _from_zip(submission.path, topics)
    if submission.kind == "notebooks":
        return _from_notebooks(submission.notebooks, topics)
    return _from_folder(submission.path, topics)


def _from_folder(root: Path, topics) -> Sources:
    sources = Sources()
    for topic, path in layout.find_modules(root, topics).items():
        where = str(path.relative_to(root))
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode) or not stat.S_ISREG(info.st_mode):
            sources.problems.append(f"{where} is a symbolic link or not a regular file; not graded")
            continue
        if info.st_size > MAX_MODULE_BYTES:
            sources.problems.append(f"{where} is larger than {MAX_MODULE_BYTES} bytes; not graded")
            continue
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as fh:
            sources.files[topic] = fh.read(MAX_MODULE_BYTES + 1)[:MAX_MODULE_BYTES]
        sources.where[topic] = where
    return sources


def _zip_entry_ok(info: zipfile.ZipInfo) -> str | None:
    """Why an entry is refused, or None."""
    name = PurePosixPath(info.filename.replace("\\", "/"))
    if name.is_absolute() or ".." in name.parts:
        return "points outside the archive"
    if stat.S_ISLNK(info.external_attr >> 16):
        return "is a symbolic link"
    if info.file_size > MAX_MODULE_BYTES:
        return f"is larger than {MAX_MODULE_BYTES} bytes"
    return None


def _zip_candidates(archive: zipfile.ZipFile, topics, problems: list[str]):
    """``(topic, depth, entry)`` for each readable entry of a wanted module, in archive order;
    an entry refused (``_zip_entry_ok``) is named in ``problems`` instead.

    Every entry is looked at, however many come first (a packed ``.venv`` of tens of thousands):
    ``zipfile`` has read the whole central directory already, and looking at a name costs less."""
    for info in archive.infolist():
        parts = PurePosixPath(info.filename.replace("\\", "/")).parts
        topic = None if info.is_dir() else layout.archive_module(parts, topics)
        if topic is None:
            continue
        why = _zip_entry_ok(info)
        if why:
            problems.append(f"{info.filename} {why}; not graded")
            continue
        yield topic, len(parts), info


def _from_zip(path: Path, topics) -> Sources:
    sources = Sources()
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        sources.problems.append(f"{path.name} is not a readable zip: {exc}")
        return sources
    with archive:
        for topic, info in layout.shallowest(_zip_candidates(archive, topics, sources.problems)).items():
            try:
                with archive.open(info) as fh:
                    sources.files[topic] = fh.read(MAX_MODULE_BYTES + 1)[:MAX_MODULE_BYTES]
                sources.where[topic] = f"{path.name}:{info.filename}"
            except Exception as exc:  # noqa: BLE001 - a broken entry is that module's problem only
                sources.problems.append(f"{info.filename} cannot be read: {exc}")
    return sources


def _from_notebooks(notebooks, topics) -> Sources:
    """The answer cells of the notebooks, written as module files (``keraskit.nbgrader.extract``)
    into a temporary folder, are found there as in a folder submission."""
    with tempfile.TemporaryDirectory(prefix="keraskit-nb-") as tmp:
        try:
            write_modules([Path(n) for n in notebooks], Path(tmp))
        except Exception as exc:  # noqa: BLE001 - a broken notebook scores 0, the batch goes on
            sources = Sources()
            sources.problems.append(f"the notebooks cannot be read: {exc}")
            return sources
        return _from_folder(Path(tmp), topics)
