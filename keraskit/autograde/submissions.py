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

from keraskit import catalogue
from keraskit.target import SKIPPED_DIRS

MAX_MODULE_BYTES = 1024 * 1024
MAX_ZIP_ENTRIES = 20_000


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
        notebooks = tuple(sorted(p for p in student.glob("*/*.ipynb") if not p.is_symlink()))
        found.append(Submission(_student_name(student.name), student, "notebooks", notebooks))
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
    best: dict[str, Path] = {}
    for dirpath, dirnames, filenames in os.walk(root):  # never follows symlinked folders
        dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRS and not d.startswith("."))
        for topic in topics:
            if f"{topic}.py" in filenames:
                candidate = Path(dirpath) / f"{topic}.py"
                if topic not in best or len(candidate.parts) < len(best[topic].parts):
                    best[topic] = candidate
    for topic, path in best.items():
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


def _from_zip(path: Path, topics) -> Sources:
    sources = Sources()
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        sources.problems.append(f"{path.name} is not a readable zip: {exc}")
        return sources
    with archive:
        entries = archive.infolist()[:MAX_ZIP_ENTRIES]
        best: dict[str, zipfile.ZipInfo] = {}
        for info in entries:
            parts = PurePosixPath(info.filename.replace("\\", "/")).parts
            if not parts or info.is_dir():
                continue
            if any(p in SKIPPED_DIRS or p.startswith(".") for p in parts[:-1]):
                continue
            topic = parts[-1][:-3] if parts[-1].endswith(".py") else None
            if topic not in topics:
                continue
            why = _zip_entry_ok(info)
            if why:
                sources.problems.append(f"{info.filename} {why}; not graded")
                continue
            if topic not in best or len(parts) < len(PurePosixPath(best[topic].filename).parts):
                best[topic] = info
        for topic, info in best.items():
            try:
                with archive.open(info) as fh:
                    sources.files[topic] = fh.read(MAX_MODULE_BYTES + 1)[:MAX_MODULE_BYTES]
                sources.where[topic] = f"{path.name}:{info.filename}"
            except Exception as exc:  # noqa: BLE001 - a broken entry is that module's problem only
                sources.problems.append(f"{info.filename} cannot be read: {exc}")
    return sources


def notebook_extractor():
    """``keraskit.nbgrader.extract.write_modules`` when that module exists, else None."""
    try:
        from keraskit.nbgrader.extract import write_modules
    except ImportError:
        return None
    return write_modules


def _from_notebooks(notebooks, topics) -> Sources:
    write_modules = notebook_extractor()
    if write_modules is None:
        sources = Sources()
        sources.problems.append("notebook submissions need keraskit.nbgrader.extract, which is not installed")
        return sources
    with tempfile.TemporaryDirectory(prefix="keraskit-nb-") as tmp:
        try:
            write_modules([Path(n) for n in notebooks], Path(tmp))
        except Exception as exc:  # noqa: BLE001 - a broken notebook scores 0, the batch goes on
            sources = Sources()
            sources.problems.append(f"the notebooks cannot be read: {exc}")
            return sources
        return _from_folder(Path(tmp), topics)
