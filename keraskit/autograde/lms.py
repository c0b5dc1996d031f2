"""Bulk downloads of a learning platform, grouped into one submission per student.

Each platform names what it hands the instructor in its own way (see docs/lms.md, with the
platforms' documentation cited):

- canvas: one zip (or its extracted folder) of ``lastfirst[_late]_userid_submissionid_name.ext``;
  a file uploaded again gets ``-N`` before its extension (``tensors-1.py``), the newest is kept;
- moodle: folders ``Full Name_12345_assignsubmission_file_`` (or, without folders, files
  ``Full Name_12345_assignsubmission_file_name.ext``);
- blackboard: ``Assignment_username_attempt_YYYY-MM-DD-HH-MM-SS_name.ext`` with a ``.txt``
  receipt per attempt; the last attempt is kept;
- github-classroom: one cloned repository per student, ``assignment-username/``.

Loose module files are copied (never executed, size-capped, no links followed) into
``OUT/lms/staged/<student>/``, so grading reads them as a folder submission; a zip upload is
graded as the zip. The platform's id and name of each student go into ``OUT/lms/roster.json``
and from there into each record and ``grades.csv``. Every file that is not graded is listed with
the reason (``Intake.ignored``), and written to ``OUT/lms/ignored.txt``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath

from keraskit.atomic import write_atomic
from keraskit.autograde import submissions
from keraskit.autograde.submissions import MAX_MODULE_BYTES, Submission
from keraskit.i18n import t

PLATFORMS = ("canvas", "moodle", "blackboard", "github-classroom")

CANVAS_FILE = re.compile(r"^(?P<name>[a-z0-9]+?)(?P<late>_late)?_(?P<uid>\d+)_(?P<sid>\d+)_(?P<orig>.+)$",
                         re.IGNORECASE)
CANVAS_RESUBMISSION = re.compile(r"^(?P<stem>.+?)-(?P<n>\d+)(?P<ext>\.[^.]+)$")
MOODLE_FOLDER = re.compile(r"^(?P<name>.+)_(?P<pid>\d+)_assignsubmission_(?P<plugin>[a-z]+)_(?P<orig>.*)$")
BLACKBOARD_FILE = re.compile(r"^(?P<left>.+)_attempt_(?P<when>\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2})"
                             r"(?:_(?P<orig>.+)|\.txt)$")
BLACKBOARD_RECEIPT_NAME = re.compile(r"^Name:\s*(?P<name>.*?)\s*\((?P<user>[^()]+)\)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Person:
    """Who a submission belongs to, as the platform knows them."""
    student: str  # the key of the records (a safe file name)
    platform: str
    lms_id: str
    name: str
    late: bool = False


@dataclass
class Intake:
    platform: str | None
    submissions: list[Submission] = field(default_factory=list)
    people: dict[str, Person] = field(default_factory=dict)
    ignored: list[tuple[str, str]] = field(default_factory=list)  # (file, why it is not graded)


def _key(*parts: str) -> str:
    return submissions._student_name("_".join(p for p in parts if p))


def _entries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if not p.name.startswith("."))


def detect(path: Path) -> str | None:
    """The platform whose bulk download ``path`` is laid out as, or None (a plain class folder)."""
    path = Path(path)
    if path.is_file():
        if path.suffix != ".zip":
            return None
        with zipfile.ZipFile(path) as archive:
            names = [PurePosixPath(n).name for n in archive.namelist() if not n.endswith("/")]
        return "canvas" if names and _most(names, CANVAS_FILE) else None
    entries = _entries(path)
    names = [p.name for p in entries]
    if names and _most(names, MOODLE_FOLDER):
        return "moodle"
    files = [p.name for p in entries if p.is_file()]
    if files and _most(files, BLACKBOARD_FILE):
        return "blackboard"
    if files and _most(files, CANVAS_FILE):
        return "canvas"
    folders = [p for p in entries if p.is_dir()]
    if folders and len(folders) == len(entries) and all((p / ".git").exists() for p in folders):
        return "github-classroom"
    return None


def _most(names: list[str], pattern: re.Pattern) -> bool:
    """At least half of ``names`` follow ``pattern`` (a stray file does not hide the layout)."""
    return 2 * sum(bool(pattern.match(n)) for n in names) >= len(names)


def discover(path: Path, out: Path, platform: str | None = None) -> Intake:
    """The submissions of ``path``: a platform's bulk download (``platform``, or detected), or a
    plain class folder (``keraskit.autograde.submissions.discover``)."""
    path, out = Path(path), Path(out)
    if platform is not None and platform not in PLATFORMS:
        raise ValueError(f"--from must be one of {', '.join(PLATFORMS)}, got {platform!r}")
    platform = platform or detect(path)
    if platform is None:
        if path.is_file():
            raise ValueError(t("autograde.lms_zip_not_canvas", path=path))
        return Intake(None, submissions.discover(path))
    staged = out / "lms" / "staged"
    if path.is_file():
        if platform != "canvas":
            raise ValueError(t("autograde.lms_download_is_folder", platform=platform, name=path.name))
        # one folder per download (its digest): a newer download never mixes with an older one
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        path = _unpack_flat(path, out / "lms" / "download" / digest)
    intake = {"canvas": _canvas, "moodle": _moodle, "blackboard": _blackboard,
              "github-classroom": _github_classroom}[platform](path, staged)
    intake.submissions.sort(key=lambda s: s.student)
    _save(out, intake)
    return intake


def _unpack_flat(archive_path: Path, into: Path) -> Path:
    """A Canvas zip's files (flat: Canvas puts every file at the top) copied into ``into``;
    an entry with a folder part is flattened to its name, links and oversized entries skipped."""
    into.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(archive_path) as archive:
        for info in archive.infolist():
            name = PurePosixPath(info.filename.replace("\\", "/")).name
            if info.is_dir() or not name or name.startswith(".") or stat.S_ISLNK(info.external_attr >> 16):
                continue
            if info.file_size <= 50 * MAX_MODULE_BYTES:  # a student's own zip may hold more than modules
                write_atomic(into / name, archive.read(info))
    return into


def _copy(source: Path, target: Path) -> str | None:
    """Copy a regular file (no link followed, size-capped); why not, or None."""
    info = os.lstat(source)
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISREG(info.st_mode):
        return t("autograde.lms_why_link")
    if info.st_size > MAX_MODULE_BYTES and source.suffix != ".zip":
        return t("autograde.lms_why_large", limit=MAX_MODULE_BYTES)
    write_atomic(target, source.read_bytes())
    return None


def _submission_of(person: Person, files: dict[str, Path], staged: Path, intake: Intake) -> None:
    """One student's newest files (original name -> file): loose ``.py`` files staged as a folder,
    else their zip; whatever is left is listed as ignored."""
    modules = {name: p for name, p in files.items() if name.endswith((".py", ".ipynb"))}
    zips = sorted((p for name, p in files.items() if name.endswith(".zip")), key=lambda p: p.name)
    intake.people[person.student] = person
    if modules:
        folder = staged / person.student
        folder.mkdir(parents=True, exist_ok=True)
        for name, source in sorted(modules.items()):
            why = _copy(source, folder / name)
            if why:
                intake.ignored.append((source.name, why))
        for left_over in folder.iterdir() if folder.is_dir() else ():  # staged from an older download
            if left_over.name not in modules and not left_over.name.startswith("."):
                left_over.unlink()
        for z in zips:
            intake.ignored.append((z.name, t("autograde.lms_why_zip_and_files")))
        intake.submissions.append(Submission(person.student, folder, "folder"))
    elif zips:
        for z in zips[:-1]:
            intake.ignored.append((z.name, t("autograde.lms_why_other_zip", name=zips[-1].name)))
        intake.submissions.append(Submission(person.student, zips[-1], "zip"))
    else:
        intake.ignored.extend((p.name, t("autograde.lms_why_nothing", name=person.name))
                              for p in files.values())
        intake.people.pop(person.student)
        return
    for p in files.values():
        if p not in modules.values() and p not in zips:
            intake.ignored.append((p.name, t("autograde.lms_why_not_module")))


def _canvas(folder: Path, staged: Path) -> Intake:
    intake = Intake("canvas")
    by_user: dict[str, list[tuple[re.Match, Path]]] = {}
    for p in _entries(folder):
        match = CANVAS_FILE.match(p.name) if p.is_file() else None
        if match is None:
            intake.ignored.append((p.name, t("autograde.lms_why_unnamed", platform="Canvas",
                                             pattern="lastfirst_userid_submissionid_name")))
            continue
        by_user.setdefault(match["uid"], []).append((match, p))
    for uid, found in sorted(by_user.items()):
        newest: dict[str, tuple[tuple[int, int], Path]] = {}
        for match, p in found:
            original, version = _canvas_original(match["orig"])
            rank = (int(match["sid"]), version)
            if original in newest:
                older = min(newest[original], (rank, p))
                intake.ignored.append((older[1].name, t("autograde.lms_why_older", name=original)))
            if original not in newest or newest[original][0] < rank:
                newest[original] = (rank, p)
        first = found[0][0]
        person = Person(_key(first["name"], uid), "canvas", uid, first["name"],
                        late=any(m["late"] for m, _ in found))
        _submission_of(person, {name: p for name, (_, p) in newest.items()}, staged, intake)
    return intake


def _canvas_original(name: str) -> tuple[str, int]:
    """``tensors-2.py`` -> ("tensors.py", 2): Canvas numbers a file uploaded again; 0 is the first."""
    match = CANVAS_RESUBMISSION.match(name)
    if match is None:
        return name, 0
    return match["stem"] + match["ext"], int(match["n"])


def _moodle(folder: Path, staged: Path) -> Intake:
    intake = Intake("moodle")
    by_participant: dict[str, tuple[str, dict[str, Path]]] = {}
    for p in _entries(folder):
        match = MOODLE_FOLDER.match(p.name)
        if match is None:
            intake.ignored.append((p.name, t("autograde.lms_why_unnamed", platform="Moodle",
                                             pattern="Full Name_id_assignsubmission_file_")))
            continue
        if match["plugin"] != "file":
            intake.ignored.append((p.name, t("autograde.lms_why_plugin", plugin=match["plugin"])))
            continue
        name, files = by_participant.setdefault(match["pid"], (match["name"], {}))
        if p.is_dir():
            for inner in sorted(p.rglob("*")):
                if inner.is_file() and not inner.is_symlink():
                    files[inner.name] = inner
        elif match["orig"]:
            files[match["orig"]] = p
    for pid, (name, files) in sorted(by_participant.items()):
        _submission_of(Person(_key(name, pid), "moodle", pid, name), files, staged, intake)
    return intake


def _blackboard(folder: Path, staged: Path) -> Intake:
    intake = Intake("blackboard")
    attempts: dict[str, dict[str, dict[str, Path]]] = {}  # left part -> when -> original -> file
    receipts: dict[str, Path] = {}
    for p in _entries(folder):
        match = BLACKBOARD_FILE.match(p.name) if p.is_file() else None
        if match is None:
            intake.ignored.append((p.name, t("autograde.lms_why_unnamed", platform="Blackboard",
                                             pattern="Assignment_username_attempt_YYYY-MM-DD-HH-MM-SS")))
            continue
        files = attempts.setdefault(match["left"], {}).setdefault(match["when"], {})
        if match["orig"] is None:
            receipts[match["left"]] = p
        else:
            files[match["orig"]] = p
    for left, by_when in sorted(attempts.items()):
        user, name = _blackboard_user(left, receipts.get(left))
        last = max(by_when)
        for when, files in by_when.items():
            if when != last:
                intake.ignored.extend((p.name, t("autograde.lms_why_attempt", when=when, last=last))
                                      for p in files.values())
        _submission_of(Person(_key(user), "blackboard", user, name), by_when[last], staged, intake)
    return intake


def _blackboard_user(left: str, receipt: Path | None) -> tuple[str, str]:
    """The username and name of ``Assignment_username``: the receipt's ``Name: Full Name (username)``
    line when there is one (an assignment or a username may hold ``_``), else the last part."""
    if receipt is not None:
        match = BLACKBOARD_RECEIPT_NAME.search(receipt.read_text(errors="replace")[:4096])
        if match and left.endswith("_" + match["user"]):
            return match["user"], match["name"]
    user = left.rsplit("_", 1)[-1]
    return user, user


def _github_classroom(folder: Path, staged: Path) -> Intake:
    intake = Intake("github-classroom")
    repos = [p for p in _entries(folder) if p.is_dir() and not p.is_symlink()]
    intake.ignored.extend((p.name, t("autograde.lms_why_not_repo")) for p in _entries(folder)
                          if p not in repos)
    prefix = os.path.commonprefix([p.name for p in repos]) if len(repos) > 1 else ""
    prefix = prefix[:prefix.rfind("-") + 1]  # "assignment-" of "assignment-alice", "assignment-bob"
    for repo in repos:
        user = repo.name[len(prefix):]
        person = Person(_key(user), "github-classroom", user, user)
        intake.people[person.student] = person
        root = repo / "exercises" if (repo / "exercises").is_dir() else repo
        intake.submissions.append(Submission(person.student, root, "folder"))
    return intake


def _save(out: Path, intake: Intake) -> None:
    roster = {key: asdict(person) for key, person in sorted(intake.people.items())}
    write_atomic(out / "lms" / "roster.json", json.dumps(roster, indent=2))
    write_atomic(out / "lms" / "ignored.txt", "".join(f"{name}\t{why}\n" for name, why in intake.ignored))


def load_roster(out: Path) -> dict[str, dict]:
    """``OUT/lms/roster.json`` (student -> the platform's id and name), or {} for a plain class."""
    path = Path(out) / "lms" / "roster.json"
    return json.loads(path.read_text()) if path.is_file() else {}


IDENTITY_COLUMNS = ["platform", "lms_id", "name"]


def identity_row(person: dict | None) -> list[str]:
    person = person or {}
    return [person.get("platform", ""), person.get("lms_id", ""), person.get("name", "")]
