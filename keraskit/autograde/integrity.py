"""The judge's own files, checked before each submission: what the judge imports stays what it was.

Where student code can write what the grader's uid can write (the rlimits floor, or a sandbox
escape in a stronger mode), one submission could rewrite the hidden tests or the ``keraskit``
package and change the verdicts of every submission graded after it. So the grader takes a
digest of what the judge will import when a run starts, before any student code has run, and
compares it before each submission is handed to a judge (and once more at the end):

- every file of the ``keraskit`` package (the catalogue and the locales included) and of the
  hidden tests, by content; a file added or removed counts (a ``conftest.py`` among the hidden
  tests would be loaded by pytest);
- their bytecode for this interpreter (``__pycache__``): Python and pytest load a ``.pyc`` without
  reading its source again, so each one that would be loaded must hold the code its source
  compiles to (pytest's rewritten ones: the rewritten code). Any process may write a legitimate
  one at any time (a first import), so a ``.pyc`` is checked, once per version of the file
  (inode, size, times), rather than required to stay unchanged;
- the top of each ``site-packages`` folder: its entries' names and the contents of its files
  (a ``.pth`` file there runs in every Python started afterwards, a judge host's included).

Not covered: the rest of the installed packages (numpy, Keras, TensorFlow: too large to hash per
submission). Those stay writable only where the sandbox is missing (``keraskit doctor``).
"""

from __future__ import annotations

import hashlib
import importlib.util
import marshal
import os
import re
import site
import sys
from dataclasses import dataclass, field
from pathlib import Path

from keraskit.i18n import t

PYCACHE = "__pycache__"
# bytes of a .pyc before the marshalled code: magic, flags, then a timestamp and size or a hash
PYC_HEADER = 16


class JudgeFilesChanged(Exception):
    """The judge's own files differ from the digest taken when the run started."""

    def __init__(self, changes: list[str], message: str | None = None):
        self.changes = list(changes)
        super().__init__(message or "\n".join([t("autograde.judge_files_changed"), describe(changes),
                                                 t("autograde.judge_files_restore")]))


def describe(changes: list[str], limit: int = 20) -> str:
    shown = [f"  - {c}" for c in changes[:limit]]
    if len(changes) > limit:
        shown.append(f"  - ... and {len(changes) - limit} more")
    return "\n".join(shown)


def stop_message(changes: list[str], finished: list[str], grading: list[str], folder: Path) -> str:
    """Why a batch stopped: what changed, the submissions graded since the last good check (set
    apart in ``folder``), those being graded when it stopped, and what to do."""
    lines = [t("autograde.judge_files_changed"), describe(changes)]
    lines.append(t("autograde.judge_files_suspects", students=", ".join(finished), folder=folder) if finished
                 else t("autograde.judge_files_no_suspects"))
    if grading:
        lines.append(t("autograde.judge_files_grading", students=", ".join(grading)))
    lines.append(t("autograde.judge_files_restore"))
    return "\n".join(lines)


def withheld_message(changes: list[str], student: str) -> str:
    """Why ``keraskit grade`` withholds the grade it just made."""
    return "\n".join([t("autograde.judge_files_withheld", student=student), describe(changes),
                      t("autograde.judge_files_restore")])


def _pytest_tag() -> str:
    """The name part of pytest's rewritten .pyc files (``_pytest.assertion.rewrite.PYTEST_TAG``),
    without importing pytest."""
    from importlib import metadata
    try:
        return f"{sys.implementation.cache_tag}-pytest-{metadata.version('pytest')}"
    except metadata.PackageNotFoundError:
        return ""


@dataclass
class JudgeFiles:
    """A digest of the judge's files, taken at construction; ``changes()`` lists what differs now."""
    package: Path
    hidden: Path
    site_dirs: list[Path] = field(default_factory=list)
    baseline: dict[str, str] = field(default_factory=dict, init=False)
    _pyc_ok: dict[Path, tuple] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self):
        self.package, self.hidden = Path(self.package), Path(self.hidden)
        self.site_dirs = [Path(p) for p in dict.fromkeys(map(str, self.site_dirs)) if Path(p).is_dir()]
        tag = re.escape(sys.implementation.cache_tag)
        self._plain_pyc = re.compile(rf"^(?P<stem>[^.]+)\.{tag}(?:\.opt-(?P<opt>[12]))?\.pyc$")
        pytest_tag = _pytest_tag()
        self._pytest_pyc = re.compile(rf"^(?P<stem>[^.]+)\.{re.escape(pytest_tag)}\.pyc$") if pytest_tag else None
        self.baseline = self._digest()

    @classmethod
    def of_this_kit(cls, hidden: Path | None = None) -> JudgeFiles:
        """The files the judge of this installation imports: the ``keraskit`` package it runs, the
        hidden tests, and the site-packages folders of this interpreter."""
        from keraskit import layout
        from keraskit.autograde.sandbox import keraskit_package_dir
        return cls(keraskit_package_dir(), Path(hidden or layout.KIT.hidden_tests), site_folders())

    # ------------------------------------------------------------ the digest

    def _tree(self, label: str, root: Path, found: dict[str, str]) -> None:
        for folder, dirs, files in os.walk(root):
            dirs.sort()
            here = Path(folder)
            if here.name == PYCACHE:
                continue  # bytecode is checked against its source instead (``forged_bytecode``)
            for name in dirs:  # a folder added (a link to one included: walks do not follow links)
                if name == PYCACHE:
                    continue  # made by any first import
                path = here / name
                kind = f"link {os.readlink(path)}" if path.is_symlink() else "folder"
                found[f"{label}/{path.relative_to(root)}/"] = kind
            for name in sorted(files):
                found[f"{label}/{(here / name).relative_to(root)}"] = _file_digest(here / name)

    def _site(self, folder: Path, found: dict[str, str]) -> None:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            if entry.name == PYCACHE:
                continue
            key = f"site:{folder}/{entry.name}"
            found[key] = _file_digest(Path(entry.path)) if entry.is_file(follow_symlinks=False) else "entry"

    def _digest(self) -> dict[str, str]:
        found: dict[str, str] = {}
        self._tree("keraskit", self.package, found)
        self._tree("hidden", self.hidden, found)
        for folder in self.site_dirs:
            self._site(folder, found)
        return found

    def changes(self) -> list[str]:
        """What differs from the baseline: "changed: X", "added: X", "removed: X", "forged bytecode: X";
        an empty list when the files are as they were."""
        now = self._digest()
        found = [f"changed: {k}" for k in sorted(now) if k in self.baseline and now[k] != self.baseline[k]]
        found += [f"added: {k}" for k in sorted(now) if k not in self.baseline]
        found += [f"removed: {k}" for k in sorted(self.baseline) if k not in now]
        found += [f"forged bytecode: {p}" for p in self.forged_bytecode()]
        return found

    def verify(self, *, first: bool = False) -> None:
        """Raise ``JudgeFilesChanged`` if the judge's files differ from the baseline; ``first``:
        the check right after the baseline, where only bytecode forged before the run can differ."""
        found = self.changes()
        if found:
            message = "\n".join([t("autograde.judge_files_forged"), describe(found),
                                  t("autograde.judge_files_restore")]) if first else None
            raise JudgeFilesChanged(found, message)

    # ------------------------------------------------------------ bytecode

    def forged_bytecode(self) -> list[Path]:
        """The .pyc files of the package and the hidden tests that this interpreter (or pytest)
        would load and whose code is not what their source compiles to."""
        forged = []
        for root in (self.package, self.hidden):
            for pyc in sorted(root.rglob(f"{PYCACHE}/*.pyc")):
                try:
                    st = pyc.stat()
                except OSError:
                    continue  # removed meanwhile: nothing to load
                signature = (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
                if self._pyc_ok.get(pyc) == signature:
                    continue
                if self._pyc_is_honest(pyc):
                    self._pyc_ok[pyc] = signature
                else:
                    forged.append(pyc)
        return forged

    def _pyc_is_honest(self, pyc: Path) -> bool:
        plain = self._plain_pyc.match(pyc.name)
        rewritten = self._pytest_pyc.match(pyc.name) if self._pytest_pyc else None
        if not plain and not rewritten:
            return True  # another interpreter's or another pytest's: never loaded here
        source = pyc.parent.parent / f"{(plain or rewritten)['stem']}.py"
        try:
            data, code_bytes, st = pyc.read_bytes(), source.read_bytes(), source.stat()
        except OSError:
            return True  # a .pyc in __pycache__ without its source is never imported
        if len(data) < PYC_HEADER or data[:4] != importlib.util.MAGIC_NUMBER:
            return True  # Python and pytest reject it and compile the source
        flags = int.from_bytes(data[4:8], "little")
        if rewritten:
            if flags != 3 or data[8:16] != importlib.util.source_hash(code_bytes)[:8]:
                return True  # pytest's own check rejects it
            expected = _rewritten_code(source, code_bytes)
        else:
            if flags == 0:
                fresh = (data[8:12] == (int(st.st_mtime) & 0xFFFFFFFF).to_bytes(4, "little")
                         and data[12:16] == (st.st_size & 0xFFFFFFFF).to_bytes(4, "little"))
                if not fresh:
                    return True  # stale: Python compiles the source instead
            elif flags in (1, 3):
                if flags == 3 and data[8:16] != importlib.util.source_hash(code_bytes):
                    return True  # a checked hash that does not match: recompiled
                # an unchecked hash-based pyc is loaded without looking at the source
            else:
                return False  # flags Python never writes
            optimize = int(plain["opt"] or 0)
            expected = compile(code_bytes, str(source), "exec", dont_inherit=True, optimize=optimize)
        try:
            code = marshal.loads(data[PYC_HEADER:])
        except (ValueError, EOFError, TypeError):
            return True  # unreadable: the loader fails on it and the judge reports that import error
        return code == expected  # code objects compare by their code and constants, not their file name


def _rewritten_code(source: Path, data: bytes):
    """The code pytest's assertion rewriting makes of ``source`` (as ``_rewrite_test`` does,
    without a config: the kit does not enable the assertion-pass hook)."""
    import ast

    from _pytest.assertion.rewrite import rewrite_asserts
    tree = ast.parse(data, filename=str(source))
    rewrite_asserts(tree, data, str(source), None)
    return compile(tree, str(source), "exec", dont_inherit=True)


def _file_digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        return f"unreadable ({exc.strerror})"


def site_folders() -> list[Path]:
    """This interpreter's site-packages folders (the venv's first), where a .pth file would run
    in every Python started from it."""
    found = list(site.getsitepackages())
    found += [p for p in sys.path if p and os.path.basename(p.rstrip("/")) in ("site-packages", "dist-packages")]
    return [Path(p) for p in dict.fromkeys(found) if os.path.isdir(p)]
