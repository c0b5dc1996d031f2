"""The student's environment: the versions the kit supports, the Keras backend, and the ways an
installation breaks TensorFlow (``keraskit doctor --student``, and the board's pointer to it).

Quick and sandbox-free. Versions come from the installed distributions' metadata
(``importlib.metadata``); TensorFlow's import is tried in a child process (a broken build may
abort the interpreter that imports it); every finding carries the command that fixes it.
Nothing here imports TensorFlow or Keras in this process.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import InvalidVersion, Version

from keraskit import quiet
from keraskit.i18n import t

KIT = "keraskit"
TENSORFLOW = "tensorflow"  # the import package, and the one distribution the kit asks for
DOCTOR_COMMAND = "keraskit doctor --student"
IMPORT_TIMEOUT = 180.0  # seconds for the child that imports TensorFlow (a cold disk is slow)
LINE_LIMIT = 160

# Distributions known to write the ``tensorflow`` import package. Any other whose top_level.txt
# or file list names it counts too; this list only covers metadata without either.
KNOWN_TENSORFLOW_DISTRIBUTIONS = frozenset({
    "tensorflow", "tensorflow-cpu", "tensorflow-gpu", "tensorflow-intel", "tensorflow-macos",
    "tensorflow-aarch64", "tensorflow-cpu-aws", "tensorflow-rocm", "intel-tensorflow",
    "tf-nightly", "tf-nightly-cpu", "tf-nightly-gpu", "tf-nightly-intel", "tf-nightly-macos",
})


def _canonical(name: str) -> str:
    return name.strip().lower().replace("_", "-").replace(".", "-")


# ---------------------------------------------------------------- what the kit supports

def kit_requirements(requires: Callable[[str], list[str] | None] = importlib.metadata.requires) -> list[Requirement]:
    """The kit's requirements (base and extras) as installed, else as ``pyproject.toml`` declares them."""
    try:
        lines = requires(KIT) or []
    except importlib.metadata.PackageNotFoundError:
        lines = _pyproject_requirements()
    found = []
    for line in lines:
        try:
            found.append(Requirement(line))
        except InvalidRequirement:
            continue  # a malformed line in someone's metadata is not the student's problem
    return found


def _pyproject_requirements() -> list[str]:
    pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
    if not pyproject.is_file():
        return []
    project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
    lines = list(project.get("dependencies", []))
    for extra, names in project.get("optional-dependencies", {}).items():
        lines += [f'{name}; extra == "{extra}"' for name in names]
    return lines


_EXTRA = re.compile(r"""extra\s*==\s*['"]([^'"]+)['"]""")


def _extra_of(requirement: Requirement) -> str | None:
    """The extra a requirement belongs to (``extra == "instructor"``), None for a base requirement."""
    found = _EXTRA.search(str(requirement.marker or ""))
    return found.group(1) if found else None


def supported_range(name: str, requirements: list[Requirement] | None = None) -> SpecifierSet | None:
    """The versions of ``name`` the kit declares it supports (its base requirement), or None."""
    for requirement in requirements if requirements is not None else kit_requirements():
        if _canonical(requirement.name) == _canonical(name) and _extra_of(requirement) is None:
            return requirement.specifier
    return None


# ---------------------------------------------------------------- installed distributions

@dataclass(frozen=True)
class Installed:
    name: str
    version: str


def _provides_tensorflow(dist) -> bool:
    """Does ``dist`` write files into the ``tensorflow`` package? Its file list (RECORD) decides
    when there is one: a metapackage that only requires another (Windows' ``tensorflow`` requiring
    ``tensorflow-intel``) writes nothing there."""
    top_level = dist.read_text("top_level.txt")
    named = (top_level is not None and TENSORFLOW in top_level.split()) or \
        _canonical(dist.metadata["Name"] or "") in KNOWN_TENSORFLOW_DISTRIBUTIONS
    if not named:
        return False
    files = dist.files
    if files is None:
        return True
    return any(str(f).replace("\\", "/").startswith(f"{TENSORFLOW}/") for f in files)


def tensorflow_distributions(dists: Iterable | None = None) -> list[Installed]:
    """Every installed distribution that writes the ``tensorflow`` import package, by name."""
    found = {}
    for dist in importlib.metadata.distributions() if dists is None else dists:
        name = dist.metadata["Name"]
        if name and _provides_tensorflow(dist):
            found.setdefault(_canonical(name), Installed(_canonical(name), dist.version))
    return sorted(found.values(), key=lambda d: (d.name != TENSORFLOW, d.name))


def installed_versions(dists: Iterable | None = None) -> dict[str, str]:
    """canonical name -> version of every installed distribution (the first found of each)."""
    versions: dict[str, str] = {}
    for dist in importlib.metadata.distributions() if dists is None else dists:
        name = dist.metadata["Name"]
        if name:
            versions.setdefault(_canonical(name), dist.version)
    return versions


# ---------------------------------------------------------------- TensorFlow's import, tried aside

_CHILD = """
import json, sys
try:
    import tensorflow
    import keras
    print(json.dumps({"tensorflow": tensorflow.__version__, "keras": keras.__version__,
                      "backend": keras.backend.backend()}))
except BaseException as exc:
    lines = str(exc).strip().splitlines()
    print(json.dumps({"error": type(exc).__name__ + (": " + lines[0] if lines else "")}))
"""


def try_tensorflow_import(python: str = sys.executable, timeout: float = IMPORT_TIMEOUT) -> dict:
    """Import TensorFlow and Keras in a child the kit's way: {"tensorflow", "keras", "backend"}
    on success, {"error": one line} otherwise."""
    env = dict(os.environ)
    quiet.silence_tensorflow(env)
    try:
        done = subprocess.run([python, "-c", _CHILD], env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": t("doctor.import_timeout", seconds=int(timeout))}
    for line in reversed(done.stdout.strip().splitlines()):
        try:
            return json.loads(line)
        except ValueError:
            continue
    if done.returncode < 0:
        return {"error": t("doctor.import_killed", signal=-done.returncode)}
    last = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
    return {"error": shorten(last)}


_FOLDERS = re.compile(r"(?:[A-Za-z]:)?[/\\](?:[^\s:/\\]+[/\\])+")


def shorten(line: str) -> str:
    """One line of at most LINE_LIMIT characters; a file keeps its name, not its folders."""
    line = _FOLDERS.sub("", " ".join(line.split()))
    return line if len(line) <= LINE_LIMIT else line[: LINE_LIMIT - 4] + " ..."


# ---------------------------------------------------------------- findings

@dataclass(frozen=True)
class Finding:
    key: str  # doctor.<key> in the locales: what was found and why it matters
    values: dict = field(default_factory=dict)
    fix: str | None = None  # the command that fixes it
    problem: bool = True  # False: a note (nothing the kit needs is broken)

    def text(self) -> str:
        return t(f"doctor.{self.key}", **self.values)


@dataclass
class Report:
    versions: list[tuple[str, str | None, str]]  # (name, installed version or None, supported range)
    backend: str
    findings: list[Finding]

    @property
    def problems(self) -> list[Finding]:
        return [f for f in self.findings if f.problem]


def _reinstall_command(tensorflows: list[Installed], wanted: SpecifierSet | None) -> str:
    """Remove every TensorFlow distribution, then install the one the kit asks for: the
    student's own ``tensorflow`` release when it is in the range, else the range."""
    names = " ".join(d.name for d in tensorflows) or TENSORFLOW
    mine = next((d for d in tensorflows if d.name == TENSORFLOW), None)
    if mine is not None and _in_range(mine.version, wanted):
        target = f"{TENSORFLOW}=={mine.version}"
    else:
        target = f"{TENSORFLOW}{wanted or ''}"
    return f'pip uninstall -y {names} && pip install "{target}"'


def _in_range(version: str | None, spec: SpecifierSet | None) -> bool:
    if version is None:
        return False
    if spec is None:
        return True
    try:
        return spec.contains(Version(version), prereleases=True)
    except InvalidVersion:
        return False


def _backend_setting(environ, home: Path | None) -> tuple[str | None, str | None]:
    """(where, backend) of a user's non-TensorFlow backend choice: KERAS_BACKEND, else ~/.keras/keras.json."""
    chosen = environ.get(quiet.BACKEND_ENV, "").strip()
    if chosen:
        return (quiet.BACKEND_ENV, chosen)
    config = (home or Path.home()) / ".keras" / "keras.json"
    try:
        backend = json.loads(config.read_text(encoding="utf-8")).get("backend")
    except (OSError, ValueError, AttributeError):
        return (None, None)
    return (str(config), backend) if backend else (None, None)


def check(*, dists: list | None = None, import_tensorflow: Callable[[], dict] | None = None,
          requirements: list[Requirement] | None = None, environ=os.environ, home: Path | None = None,
          python_version: tuple[int, int, int] | None = None) -> Report:
    """Everything ``keraskit doctor --student`` reports; every source can be replaced (tests)."""
    dists = list(importlib.metadata.distributions()) if dists is None else list(dists)
    requirements = kit_requirements() if requirements is None else requirements
    versions = installed_versions(dists)
    tensorflows = tensorflow_distributions(dists)
    findings: list[Finding] = []
    rows: list[tuple[str, str | None, str]] = []

    python = ".".join(str(p) for p in (python_version or sys.version_info[:3]))
    python_range = _requires_python(dists)
    rows.append(("Python", python, str(python_range or "")))
    if python_range is not None and not _in_range(python, python_range):
        findings.append(Finding("python_outside", {"version": python, "range": python_range},
                                t("doctor.fix_python", range=python_range)))

    tf_range = supported_range(TENSORFLOW, requirements)
    for name in ("numpy", "keras", TENSORFLOW):
        wanted = supported_range(name, requirements)
        if name == TENSORFLOW:
            # The CPU wheel of a CPU-only image (requirements/cpu.txt) is TensorFlow too.
            version = tensorflows[0].version if len(tensorflows) == 1 else versions.get(name)
        else:
            version = versions.get(name)
        rows.append((name, version, str(wanted or "")))
        if version is None:
            findings.append(Finding("missing", {"name": name, "range": wanted or ""},
                                    f'pip install "{name}{wanted or ""}"'))
        elif not _in_range(version, wanted):
            findings.append(Finding("outside", {"name": name, "version": version, "range": wanted},
                                    f'pip install "{name}{wanted}"'))

    if len(tensorflows) > 1:
        listed = ", ".join(f"{d.name} {d.version}" for d in tensorflows)
        findings.append(Finding("tensorflow_twice", {"distributions": listed},
                                _reinstall_command(tensorflows, tf_range)))

    backend = "tensorflow"
    if tensorflows:
        imported = (import_tensorflow or try_tensorflow_import)()
        if "error" in imported:
            fix = _reinstall_command(tensorflows, tf_range) if len(tensorflows) > 1 else \
                f'pip install --force-reinstall "{TENSORFLOW}=={tensorflows[0].version}"'
            findings.append(Finding("tensorflow_import", {"error": shorten(imported["error"])}, fix))
        else:
            backend = imported.get("backend", backend)
            if backend != "tensorflow":  # the kit assigns KERAS_BACKEND; only a broken Keras ignores it
                keras_range = supported_range("keras", requirements) or ""
                findings.append(Finding("backend_ignored", {"backend": backend},
                                        f'pip install --force-reinstall "keras{keras_range}"'))

    where, chosen = _backend_setting(environ, home)
    if chosen and chosen != "tensorflow":
        findings.append(Finding("backend_choice", {"where": where, "backend": chosen},
                                'os.environ["KERAS_BACKEND"] = "tensorflow"', problem=False))

    findings += _missing_extras(requirements, versions)
    return Report(rows, backend, findings)


def _requires_python(dists) -> SpecifierSet | None:
    for dist in dists:
        if _canonical(dist.metadata["Name"] or "") == KIT:
            spec = dist.metadata["Requires-Python"]
            return SpecifierSet(spec) if spec else None
    return SpecifierSet(">=3.11")  # pyproject.toml's requires-python, when the kit is not installed


def _missing_extras(requirements: list[Requirement], versions: dict[str, str]) -> list[Finding]:
    """One note per extra with a requirement not installed (or outside its range)."""
    missing: dict[str, list[str]] = {}
    for requirement in requirements:
        extra = _extra_of(requirement)
        if extra is None or _canonical(requirement.name) == KIT:
            continue
        version = versions.get(_canonical(requirement.name))
        if not _in_range(version, requirement.specifier):
            missing.setdefault(extra, []).append(requirement.name)
    return [Finding("extra_missing", {"extra": extra, "names": ", ".join(names)},
                    f"pip install -e '.[{extra}]'", problem=False)
            for extra, names in missing.items()]


def render(report: Report) -> str:
    lines = [t("doctor.title")]
    width = max(len(name) for name, _, _ in report.versions)
    for name, version, wanted in report.versions:
        shown = version or t("doctor.not_installed")
        supported = t("doctor.supported", range=_readable(wanted)) if wanted else ""
        lines.append(f"  {name:<{width}}  {shown:<10} {supported}".rstrip())
    lines.append(t("doctor.backend", backend=report.backend))
    for finding in report.findings:
        lines.append("")
        lines.append(f"[{'!!' if finding.problem else '--'}] {finding.text()}")
        if finding.fix:
            lines.append("     " + t("doctor.fix", command=finding.fix))
    lines.append("")
    lines.append(t("doctor.problems", count=len(report.problems)) if report.problems else t("doctor.all_good"))
    return "\n".join(lines)


def _readable(spec: str) -> str:
    """'<3.16,>=3.10' -> '>=3.10,<3.16': the lower bound first."""
    parts = [p for p in spec.split(",") if p]
    return ",".join(sorted(parts, key=lambda p: not p.startswith(">")))


def run_student_doctor() -> int:
    """``keraskit doctor --student``: 0 when nothing the kit needs is broken, 1 otherwise."""
    report = check()
    print(render(report))
    return 1 if report.problems else 0


# ---------------------------------------------------------------- the board's pointer

_NOTED: list[str] = []  # the environment lines of the current pytest run (``keraskit check`` reads them)


def note(line: str) -> None:
    if line not in _NOTED:
        _NOTED.append(line)


def noted() -> tuple[str, ...]:
    return tuple(_NOTED)


def forget_notes() -> None:
    _NOTED.clear()


def keras_backend_mismatch() -> str | None:
    """One line when Keras was imported in this process, before the kit could choose TensorFlow,
    with another backend (a notebook that ran ``import keras`` under KERAS_BACKEND=jax first)."""
    backend = getattr(getattr(sys.modules.get("keras"), "backend", None), "backend", None)
    if not callable(backend):
        return None  # Keras not imported (or still importing): the kit's choice will apply
    name = backend()
    return None if name == "tensorflow" else t("doctor.backend_mismatch", backend=name)


def tensorflow_import_failure(error: BaseException | None) -> str | None:
    """The one line a student sees when ``error`` is TensorFlow failing to import (a broken or
    doubled installation), naming the error and the command that explains it; None for any
    other error (the student's own, a test's)."""
    cause = _tensorflow_cause(error)
    if cause is None:
        return None
    lines = str(cause).strip().splitlines()
    one_line = shorten(type(cause).__name__ + (": " + lines[0] if lines else ""))
    return t("doctor.board_tensorflow_broken", error=one_line, command=DOCTOR_COMMAND)


def _tensorflow_cause(error: BaseException | None) -> BaseException | None:
    """The exception in ``error``'s chain raised while importing TensorFlow, if any."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, ImportError) and (error.name or "").split(".")[0] == TENSORFLOW:
            return error
        # Not "any TensorFlow error": a student's wrong model raises those at run time, and is
        # graded as usual. Only an error raised while TensorFlow's own modules were loading counts.
        if _raised_inside_tensorflow(error):
            return error
        error = error.__cause__ or error.__context__
    return None


def _raised_inside_tensorflow(error: BaseException) -> bool:
    """Was ``error`` raised while a TensorFlow module was still being imported (executing at its top level)?"""
    frame = error.__traceback__
    while frame is not None:
        code = frame.tb_frame.f_code
        module = str(frame.tb_frame.f_globals.get("__name__", ""))
        if code.co_name == "<module>" and module.split(".")[0] == TENSORFLOW:
            return True
        frame = frame.tb_next
    return False
