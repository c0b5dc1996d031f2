"""Where student code runs: a fork server in one of three modes, the best this machine offers.

``bwrap``
    The server runs inside bubblewrap: new user, mount, PID, network, IPC and UTS namespaces, no
    capabilities, and a read-only root that holds only what a worker needs: the system libraries,
    the Python installation, the virtual environment and the ``keraskit`` package folder. Not the
    repository (so not ``solutions/`` or ``grading/``), not the home folder, not other
    submissions, not the output folder. Its only writable places are private tmpfs (``/sub``,
    ``/tmp``, ``/dev/shm``), wiped after every submission. Children add the seccomp filter.
``landlock``
    Without working bwrap (Docker's default profile forbids the namespaces), each child confines
    itself before student code runs: capabilities dropped, no_new_privs, Landlock (read only the
    system libraries, the Python installation, the venv and the package; write only its own
    scratch folder; TCP bind/connect denied from ABI 4; signals and abstract UNIX sockets kept
    inside from ABI 6; no ptrace outside) and a seccomp filter (only ``AF_UNIX`` stream sockets,
    no connect/bind/listen, no io_uring, no System V or POSIX message-queue IPC).
``rlimits``
    The floor on kernels without Landlock: rlimits, own session, subreaper, and as root a separate
    uid, only where that uid can read the Python installation and the packages.

Every mode keeps the judge/worker split, the rlimits and the subreaper. ``KERASKIT_SANDBOX``
forces a mode (an error if this machine cannot give it); ``KERASKIT_NO_BWRAP=1`` skips bwrap.
Where the pids cgroup is writable, the whole sandbox also gets a process cap from the kernel.
"""

from __future__ import annotations

import functools
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import uuid
import weakref
from dataclasses import dataclass
from pathlib import Path

from keraskit import quiet
from keraskit.autograde import procs, wire
from keraskit.layout import Layout

SANDBOX_SCRATCH = "/sub"
# where bwrap binds the keraskit package: a folder of the read-only root (never under /tmp, which
# is writable in the sandbox), so the server's sys.path[0] cannot be written
SANDBOX_LIB = "/opt/keraskit-worker"
PIDS_CGROUP_ROOT = Path("/sys/fs/cgroup/pids")
SERVER_START_TIMEOUT = 120.0
SERVER_QUIT_TIMEOUT = 3.0  # a server asked to quit reaps its children; after this it is killed
# Set to 1 to run without bwrap even where it works (tests of the floor; a broken bwrap setup).
NO_BWRAP_ENV = "KERASKIT_NO_BWRAP"
# bwrap | landlock | rlimits: this mode or an error (tests of each mode).
MODE_ENV = "KERASKIT_SANDBOX"
MODES = ("bwrap", "landlock", "rlimits")
# Landlock scopes signals from this ABI on; below it, only a separate uid keeps the judge out of
# a child's kill(-1). Without either, grading refuses to start unless this is set to 1.
SIGNAL_SCOPE_ABI = 6
UNSCOPED_SIGNALS_ENV = "KERASKIT_ALLOW_UNSCOPED_SIGNALS"
# What the worker server imports lazily in a child must work there: checked at every start.
SELF_CHECK = Path(__file__).with_name("probe.py")
SELF_CHECK_TIMEOUT = 60.0
# Without bwrap, a root server runs each child as its own unprivileged uid from this range.
FLOOR_UID_BASE = 200_000
FLOOR_UID_SPAN = 100_000


@dataclass(frozen=True)
class Limits:
    """Per-submission limits; every one is enforced in the worker child, not trusted to it."""
    call_timeout: float = 60.0
    submission_timeout: float = 900.0
    memory_mb: int = 2048
    processes: int = 32
    file_mb: int = 16

    def for_child(self) -> dict:
        return {"memory_mb": self.memory_mb, "cpu_seconds": int(self.submission_timeout) + 5,
                "processes": self.processes, "file_mb": self.file_mb}

    def __post_init__(self):
        for name in ("call_timeout", "submission_timeout", "memory_mb", "processes", "file_mb"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be positive, got {getattr(self, name)!r}")


def keraskit_package_dir() -> Path:
    import keraskit
    return Path(keraskit.__file__).resolve().parent


def python_roots() -> list[Path]:
    """The folders the worker's Python needs: its installation and the environment's packages."""
    roots = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(),
             Path(os.path.realpath(sys.executable)).parent.parent}
    for entry in sys.path:
        if entry and "site-packages" in entry and Path(entry).is_dir():
            roots.add(Path(entry).resolve())
    # drop a root that is inside another one
    return sorted(r for r in roots if not any(o != r and o in r.parents for o in roots))


def _check_not_exposing_repo(paths: list[Path], package: Path) -> None:
    """The venv may live in the repository, but the repository root itself must never be bound."""
    repo = package.parent
    for path in paths:
        if path == repo or path in repo.parents and Layout(repo).solutions.exists():
            raise RuntimeError(f"refusing to expose {path}: it contains the reference solutions")


def bwrap_command(control_fd: int, worker_args: list[str] = ()) -> list[str]:
    package = keraskit_package_dir()
    roots = python_roots()
    _check_not_exposing_repo(roots, package)
    cmd = ["bwrap", "--unshare-all", "--unshare-user", "--uid", "1000", "--gid", "1000",
           "--die-with-parent", "--new-session", "--cap-drop", "ALL", "--disable-userns",
           "--proc", "/proc", "--dev", "/dev",
           "--size", str(64 * 1024 * 1024), "--tmpfs", "/tmp",
           "--size", str(512 * 1024 * 1024), "--tmpfs", SANDBOX_SCRATCH]
    for system in ("/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin"):
        if os.path.islink(system):
            cmd += ["--symlink", os.readlink(system), system]
        elif os.path.isdir(system):
            cmd += ["--ro-bind", system, system]
    for etc in ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/localtime"):
        if os.path.exists(etc):
            cmd += ["--ro-bind", etc, etc]
    for root in roots:
        cmd += ["--ro-bind", str(root), str(root)]
    # /dev/shm: private and wiped; then the root and /dev read-only (device nodes stay usable),
    # which also freezes the folders bwrap made for the binds, the server's sys.path[0] included
    cmd += ["--ro-bind", str(package), f"{SANDBOX_LIB}/keraskit", "--tmpfs", "/dev/shm",
            "--remount-ro", "/dev", "--remount-ro", "/", "--chdir", SANDBOX_SCRATCH]
    extra = ["--confine", "seccomp", "--private", "/tmp", "--private", "/dev/shm", *worker_args]
    return cmd + _python_command(control_fd, SANDBOX_SCRATCH, SANDBOX_LIB, extra)


def _python_command(control_fd: int, scratch: str, package_parent: str, extra: list[str] = ()) -> list[str]:
    # -I: no user site, no PYTHON* variables, and neither the script nor the working folder on
    # sys.path, so a student file called numpy.py shadows nothing.
    # The worker imports the same keraskit package the judge runs, from ``package_parent``: a
    # read-only folder that holds nothing but the package (in bwrap, the parent of the one bind;
    # on the floor, a root-owned folder with a link to it), never the repository.
    boot = (f"import sys; sys.path.insert(0, {package_parent!r}); "
            "from keraskit.autograde.worker import main; sys.exit(main())")
    return [sys.executable, "-I", "-c", boot, "--control-fd", str(control_fd), "--scratch", scratch, *extra]


def system_reads() -> list[Path]:
    """What any dynamically linked Python needs besides its own installation."""
    found = [Path(p) for p in ("/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin") if os.path.isdir(p)]
    return found + [Path(p) for p in ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/localtime") if os.path.exists(p)]


def landlock_reads() -> list[Path]:
    """Everything a Landlock-confined child may read (besides its own folder and /dev/null...)."""
    package = keraskit_package_dir()
    roots = python_roots()
    _check_not_exposing_repo(roots, package)
    return [*system_reads(), *roots, package]


def floor_uid() -> int | None:
    """The unprivileged uid a root server's children run as without bwrap (one per server), or
    None: not root, or that uid cannot read the Python installation or the packages (pyenv or
    conda under a 0700 home), where a uid would break grading instead of protecting it."""
    if os.geteuid() != 0 or not uid_can_run_python()[0]:
        return None
    return FLOOR_UID_BASE + os.getpid() % FLOOR_UID_SPAN


@functools.cache
def uid_can_run_python() -> tuple[bool, str]:
    """Can an unprivileged uid (no groups) start this Python and import what a child imports,
    stdlib modules loaded lazily included? Tried for real, as such a uid."""
    if os.geteuid() != 0:
        return False, "not root: there is no other uid to switch to"
    uid = FLOOR_UID_BASE + FLOOR_UID_SPAN - 1  # never a server's uid: those are pid-derived
    code = (f"import sys; sys.path.insert(0, {str(keraskit_package_dir().parent)!r})\n"
            "import secrets, csv, statistics, decimal, numpy, keraskit.autograde.worker\n"
            "import importlib.util; assert importlib.util.find_spec('keras'), 'keras not found'\n")
    try:
        done = subprocess.run([sys.executable, "-I", "-c", code], user=uid, group=uid, extra_groups=[],
                              cwd="/", capture_output=True, text=True, timeout=120, env={"PATH": "/usr/bin:/bin"})
    except (OSError, subprocess.SubprocessError) as exc:
        return False, f"uid {uid} cannot start {sys.executable}: {exc}"
    if done.returncode != 0:
        cause = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        return False, f"uid {uid} cannot run this Python: {cause[:300]}"
    return True, f"uid {uid} can read the Python installation and the packages"


def processes_of_uid(uid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as fh:
                for line in fh:
                    if line.startswith("Uid:"):
                        if int(line.split()[1]) == uid:
                            found.append(int(entry))
                        break
        except (OSError, ValueError):
            continue
    return found


def kill_uid(uid: int) -> None:
    """SIGKILL every process running as ``uid`` (the floor's last word: nothing outlives a server)."""
    for _ in range(50):
        pids = processes_of_uid(uid)
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, 9)
            except OSError:
                pass
        import time
        time.sleep(0.02)


def worker_environment(home: str) -> dict:
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": home, "TMPDIR": home,
           "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0", "MPLBACKEND": "Agg",
           "OMP_NUM_THREADS": "1"}
    quiet.silence_tensorflow(env)
    return env


# ---------------------------------------------------------------- what works here

def bwrap_disabled() -> bool:
    return os.environ.get(NO_BWRAP_ENV, "").strip() not in ("", "0")


@functools.cache
def landlock_works() -> tuple[bool, str]:
    """Can a child confine itself here (Landlock, seccomp, capability drop)? Tried for real in a
    throwaway process, which then checks that a TCP socket and a read outside are refused."""
    from keraskit.autograde import landlock, seccomp
    abi = landlock.abi_version()
    if abi < 1:
        return False, "the kernel has no Landlock (Linux >= 5.13 with landlock in its lsm= list)"
    if not seccomp.supported():
        return False, f"no seccomp filter is defined for {platform.machine()}"
    code = (f"import sys; sys.path.insert(0, {str(keraskit_package_dir().parent)!r})\n"
            "from keraskit.autograde import landlock, seccomp\n"
            "import socket, pathlib\n"
            "seccomp.drop_bounding_set(); seccomp.drop_capabilities()\n"
            "landlock.restrict([], [])\n"
            "seccomp.deny_network()\n"
            "for attempt in (lambda: socket.socket(socket.AF_INET), lambda: open(sys.executable, 'rb')):\n"
            "    try: attempt()\n"
            "    except OSError: continue\n"
            "    raise SystemExit('not confined')\n"
            "print('confined')\n")
    try:
        done = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as exc:
        return False, f"the Landlock probe did not run: {exc}"
    if done.returncode != 0 or done.stdout.strip() != "confined":
        return False, f"Landlock/seccomp refused: {(done.stderr or done.stdout).strip()[-300:]}"
    return True, f"Landlock ABI {abi} with seccomp"


def landlock_abi() -> int:
    from keraskit.autograde import landlock
    return landlock.abi_version()


def signal_isolation_gap(mode: str, run_as: int | None, abi: int | None = None) -> str | None:
    """Why children could signal the judge in ``mode`` (Landlock below ABI 6 without a separate
    uid: the child is uid 0 without capabilities, and ``kill(-1)`` reaches every root process),
    or None when they cannot."""
    if mode != "landlock" or run_as is not None:
        return None
    abi = landlock_abi() if abi is None else abi
    if abi >= SIGNAL_SCOPE_ABI:
        return None
    return (f"Landlock ABI {abi} < {SIGNAL_SCOPE_ABI} cannot scope signals, and no separate uid can run "
            f"Python here, so a submission could signal the judge and every other process of this uid")


def unscoped_signals_allowed() -> bool:
    return os.environ.get(UNSCOPED_SIGNALS_ENV, "").strip() == "1"


def choose_mode() -> tuple[str, str]:
    """(mode, why): the mode grading uses here, by preference bwrap, landlock, rlimits.
    ``KERASKIT_SANDBOX`` forces one, and is an error where this machine cannot give it."""
    forced = os.environ.get(MODE_ENV, "").strip()
    if forced:
        if forced not in MODES:
            raise ValueError(f"{MODE_ENV}: {forced!r} is not one of {', '.join(MODES)}")
        ok, detail = {"bwrap": bwrap_works, "landlock": landlock_works,
                      "rlimits": lambda: (True, "")}[forced]()
        if not ok:
            raise RuntimeError(f"{MODE_ENV}={forced}, but this machine cannot: {detail}")
        return forced, f"forced by {MODE_ENV}={forced}"
    ok, detail = bwrap_works()
    if ok:
        return "bwrap", detail
    ok2, detail2 = landlock_works()
    if ok2:
        return "landlock", f"{detail2} (no bwrap: {detail})"
    return "rlimits", f"no bwrap ({detail}), no Landlock ({detail2})"


def available_modes() -> list[str]:
    """Every mode this machine can run (bwrap only if not switched off by KERASKIT_NO_BWRAP)."""
    return [m for m, ok in (("bwrap", bwrap_works()[0]), ("landlock", landlock_works()[0]),
                            ("rlimits", True)) if ok]


def bwrap_works() -> tuple[bool, str]:
    """Can this machine start a bwrap sandbox with user, mount, PID and network namespaces?"""
    if bwrap_disabled():
        return False, f"bwrap is switched off by {NO_BWRAP_ENV}=1"
    return _probe_bwrap()


@functools.cache
def _probe_bwrap() -> tuple[bool, str]:
    if shutil.which("bwrap") is None:
        return False, "bwrap is not installed (apt-get install bubblewrap)"
    probe = ["bwrap", "--unshare-all", "--unshare-user", "--uid", "1000", "--gid", "1000",
             "--die-with-parent", "--cap-drop", "ALL", "--ro-bind", "/", "/", "--proc", "/proc",
             sys.executable, "-I", "-c",
             "import os,socket\n"
             "assert os.getpid() <= 3, 'no pid namespace'\n"
             "try:\n socket.create_connection(('1.1.1.1', 53), timeout=1); print('net')\n"
             "except OSError: print('nonet')\n"]
    try:
        done = subprocess.run(probe, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"bwrap failed to start: {exc}"
    if done.returncode != 0 or done.stdout.strip() != "nonet":
        return False, f"bwrap does not isolate here: {(done.stderr or done.stdout).strip()[:300]}"
    return True, "bwrap: user, mount, PID, network, IPC namespaces"


def _cgroup2_own_folder() -> Path | None:
    """This process's own cgroup v2 folder (where ``/proc/self/cgroup`` has a ``0::`` line and a
    cgroup2 file system is mounted), else None."""
    try:
        own = next((line[3:].strip() for line in Path("/proc/self/cgroup").read_text().splitlines()
                    if line.startswith("0::")), None)
        mounts = [line.split()[1] for line in Path("/proc/self/mounts").read_text().splitlines()
                  if line.split()[2:3] == ["cgroup2"]]
    except OSError:
        return None
    if own is None or not mounts:
        return None
    return Path(mounts[0]) / own.lstrip("/")


def pids_cgroup_parent() -> Path | None:
    """Where a pids cgroup for the worker server can be made: the cgroup v1 pids hierarchy if
    writable, else this process's own cgroup v2 folder if it is delegated to us with the pids
    controller on for its children; None where neither is (then only RLIMIT_NPROC limits
    processes, which does not apply to uid 0)."""
    candidates = [PIDS_CGROUP_ROOT]
    v2 = _cgroup2_own_folder()
    if v2 is not None:
        try:
            if "pids" in (v2 / "cgroup.subtree_control").read_text().split():
                candidates.append(v2)
        except OSError:
            pass
    for parent in candidates:
        probe = parent / f"keraskit-probe-{uuid.uuid4().hex[:8]}"
        try:
            probe.mkdir()
        except OSError:
            continue
        try:
            if (probe / "pids.max").exists():
                return parent
        finally:
            try:
                probe.rmdir()
            except OSError:
                pass
    return None


def pids_cgroup_available() -> bool:
    return pids_cgroup_parent() is not None


def processes_capped(mode: str, run_as: int | None) -> bool:
    """Does a limit on the number of processes hold for the children? RLIMIT_NPROC does, except
    for uid 0 of the first user namespace (the floor's children without a separate uid); bwrap's
    children are another uid in their own user namespace. A pids cgroup holds for every uid."""
    return mode == "bwrap" or run_as is not None or pids_cgroup_available()


# what each mode promises, protection by protection (``keraskit doctor``, docs/autograder.md)
COVERS = {
    "judge/worker split": {m: "verdicts computed in the judge, where no student code runs; plain data "
                              "between them (no pickle, Keras configs in safe mode)" for m in MODES},
    "filesystem: reads": {
        "bwrap": "read-only root with only the system libraries, Python, the venv and the keraskit package",
        "landlock": "Landlock: only the system libraries, Python, the venv, the keraskit package and its own folder",
        "rlimits": "MISSING: every file the worker's uid can read (as root with a separate uid: world-readable "
                   "files, e.g. a checkout's solutions/)"},
    "filesystem: writes": {
        "bwrap": "only private tmpfs (its folder, /tmp, /dev/shm); the root and /dev are read-only",
        "landlock": "Landlock: only its own scratch folder",
        "rlimits": "MISSING: every folder the worker's uid can write (world-writable ones with a separate uid)"},
    "nothing survives a submission": {
        "bwrap": "scratch, /tmp and /dev/shm wiped after each submission; sys.path read-only; no System V/mqueue IPC "
                 "and no kernel keyrings (seccomp)",
        "landlock": "its only writable folder is wiped after each submission; sys.path read-only; "
                    "no System V/mqueue IPC and no kernel keyrings (seccomp)",
        "rlimits": "scratch wiped, the uid's files in /tmp, /var/tmp, /dev/shm removed (with a separate uid only); "
                   "no System V/mqueue IPC or kernel keyrings where the kernel has seccomp"},
    "network": {
        "bwrap": "network namespace without interfaces, and the seccomp filter",
        "landlock": "seccomp: AF_UNIX stream sockets only, no connect/bind/listen, no io_uring; "
                    "Landlock TCP rules (ABI >= 4)",
        "rlimits": "seccomp, where the kernel has it: AF_UNIX stream sockets only, no connect/bind/listen"},
    "signals and ptrace": {
        "bwrap": "PID namespace: the judge and other processes are not visible",
        "landlock": "Landlock: no ptrace outside; signals scoped from ABI 6; below that, a separate uid where one "
                    "can run Python, else grading refuses to start (unless KERASKIT_ALLOW_UNSCOPED_SIGNALS=1)",
        "rlimits": "a separate uid (as root) keeps the judge out of reach"},
    "capabilities": {
        "bwrap": "none (--cap-drop ALL, no_new_privs)",
        "landlock": "bounding, ambient, effective and permitted sets emptied; no_new_privs",
        "rlimits": "dropped (bounding, ambient, effective, permitted); no_new_privs"},
    "background processes": {m: "subreaper + own session: all the child started is killed after the submission"
                             + (" (and the PID namespace)" if m == "bwrap" else "") for m in MODES},
    "time, memory, output": {m: "SIGKILL from outside, RLIMIT_CPU/AS/FSIZE inside; output discarded, "
                                "replies size-checked" for m in MODES},
    "processes": {m: "RLIMIT_NPROC (not for uid 0), a pids cgroup (v1, or a delegated v2 subtree) where "
                     "writable, and a watcher that kills the tree past the limit" for m in MODES},
}

# protection -> (probe facts that must read "refused" for it to hold)
MEASURED_BY = {
    "filesystem: reads": ("read_outside",),
    "filesystem: writes": ("write_outside", "write_sys_path"),
    "network": ("tcp_connect", "inet_socket"),
    "signals and ptrace": ("signal_judge",),
    "capabilities": ("capabilities",),
}


def _held(key: str, value: str) -> bool:
    """Did the probe get through? (capabilities: any bit of the effective set)"""
    if key == "capabilities":
        return value != "0x0"
    return not value.startswith("refused")


def protection_rows(mode: str, facts: dict | None = None, *, run_as: int | None = None,
                    abi: int | None = None) -> list[tuple[str, str, str]]:
    """(protection, status, detail) with status ``ok``, ``missing`` or ``broken`` (promised but
    measured open). ``facts``: what :func:`keraskit.autograde.probe.protections` found in a real
    child; without them, only the promise is reported."""
    abi = landlock_abi() if abi is None else abi
    rows = []
    for name, by_mode in COVERS.items():
        detail = by_mode[mode]
        missing = detail.startswith("MISSING")
        if mode == "rlimits" and name == "signals and ptrace":
            detail, missing = ((f"children run as uid {run_as}, without groups", False) if run_as is not None else
                               ("MISSING: children run as the judge's uid and can signal or trace it", True))
        if mode == "rlimits" and run_as is None and name == "nothing survives a submission":
            detail, missing = "MISSING: only the scratch folder is wiped; children can write elsewhere", True
        if name == "signals and ptrace" and signal_isolation_gap(mode, run_as, abi):
            detail, missing = (f"MISSING: Landlock ABI {abi} < {SIGNAL_SCOPE_ABI} cannot scope signals and there is "
                               f"no separate uid (no ptrace outside); grading runs only with "
                               f"{UNSCOPED_SIGNALS_ENV}=1"), True
        if name == "processes" and not processes_capped(mode, run_as):
            detail, missing = ("MISSING: children run as uid 0 (RLIMIT_NPROC does not apply) and no pids cgroup is "
                               "writable; only a watcher polling every 50 ms, which a fork bomb can outrun"), True
        if mode == "landlock" and name == "network" and abi < 4:
            detail += f" (ABI {abi}: no TCP rules, the seccomp filter alone)"
        status = "missing" if missing else "ok"
        if facts is not None and name in MEASURED_BY:
            seen = {key: facts.get(key, "?") for key in MEASURED_BY[name]}
            opened = {key: value for key, value in seen.items() if _held(key, value)}
            detail += "; measured: " + ", ".join(f"{key} {value}" for key, value in seen.items())
            if opened and not missing:
                # the floor promises only what the kernel gives: a hole there is missing, not broken
                status = "missing" if mode == "rlimits" else "broken"
                detail = ("MISSING: " if mode == "rlimits" else "") + detail
        rows.append((name, status, detail))
    return rows


def doctor(limits: Limits | None = None) -> tuple[str, str, dict, dict, list[tuple[str, str, str]]]:
    """Start a real worker server in the mode grading will use and probe it: (mode, why,
    imports, facts, rows). Raises RuntimeError, with the cause, if the worker cannot work."""
    mode, why = choose_mode()
    server = WorkerServer(limits or Limits(call_timeout=60, submission_timeout=120), mode=mode)
    outside = Path(tempfile.mkdtemp(prefix="keraskit-doctor-"))
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        os.chmod(outside, 0o777 | 0o1000)  # world-writable, like /tmp: the floor's weak spot
        secret = outside / "outside.txt"
        secret.write_text("outside the sandbox\n")
        secret.chmod(0o644)
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        server.start()  # runs the import check: RuntimeError if the worker is broken
        sources = {"keraskit_probe": SELF_CHECK.read_bytes()}
        imports = server.call(sources, "keraskit_probe", "imports")
        facts = server.call(sources, "keraskit_probe", "protections", str(secret), str(outside),
                            listener.getsockname()[1], os.getpid())
        rows = protection_rows(mode, facts, run_as=server.run_as)
        return mode, why, imports, facts, rows
    finally:
        listener.close()
        server.close()
        shutil.rmtree(outside, ignore_errors=True)


def missing_advice() -> str:
    """How to get a sandbox back where grading runs on the rlimits floor (``keraskit doctor``)."""
    from keraskit.autograde import landlock
    if os.environ.get(MODE_ENV, "").strip() == "rlimits":
        return f"unset {MODE_ENV} to use the best mode this machine offers"
    advice = []
    if landlock.abi_version() < 1:
        advice.append("a kernel with Landlock (Linux >= 5.13, landlock in the lsm= boot list)")
    if bwrap_disabled():
        advice.append(f"unset {NO_BWRAP_ENV} to use bwrap")
    elif shutil.which("bwrap") is None:
        advice.append("install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap)")
    else:
        advice.append("allow unprivileged user namespaces for bwrap (sysctl kernel.unprivileged_userns_clone=1, "
                      "kernel.apparmor_restrict_unprivileged_userns=0; in Docker, a seccomp profile that "
                      "permits namespaces)")
    return "; or ".join(advice)


# ---------------------------------------------------------------- the fork server

class WorkerServer:
    """A sandboxed fork server, started once per judge; each submission gets a fresh child."""

    # every server object, to find those (re)started by a forked judge child (``close_started_here``)
    _all: "weakref.WeakSet[WorkerServer]" = weakref.WeakSet()

    def __init__(self, limits: Limits, *, use_bwrap: bool | None = None, mode: str | None = None,
                 keras: bool = True):
        """``mode``: one of MODES; default :func:`choose_mode`. ``use_bwrap`` (older callers):
        True is ``bwrap``, False the best mode without it. ``keras``: the server imports Keras
        for its children (False: a numpy-only grading, see :mod:`keraskit.autograde.worker`)."""
        self.limits = limits
        self.keras = keras
        if mode is None and use_bwrap is not None:
            mode = "bwrap" if use_bwrap else ("landlock" if landlock_works()[0] else "rlimits")
        if mode is None:
            mode = choose_mode()[0]
        if mode not in MODES:
            raise ValueError(f"mode: {mode!r} is not one of {', '.join(MODES)}")
        self.mode = mode
        self.process: subprocess.Popen | None = None
        self.control: socket.socket | None = None
        self.cgroup: Path | None = None
        self.floor_scratch: str | None = None
        self.run_as: int | None = None
        self.owner = os.getpid()
        WorkerServer._all.add(self)

    @classmethod
    def close_started_here(cls) -> None:
        """Close every server this process started: a judge child that restarted a dead server
        owns the new one, and must not leave it (its folder, cgroup, processes) behind on exit."""
        for server in list(cls._all):
            if server.owner == os.getpid() and server.process is not None:
                server.close()

    @property
    def use_bwrap(self) -> bool:
        return self.mode == "bwrap"

    def _floor_command(self, fd: int) -> list[str]:
        """The floor's layout: base/lib holds only a link to the package (the server's read-only
        sys.path[0]); base/scratch holds the children's folders, wiped after each submission."""
        base = Path(self.floor_scratch)
        lib, scratch = base / "lib", base / "scratch"
        lib.mkdir(mode=0o755)
        (lib / "keraskit").symlink_to(keraskit_package_dir(), target_is_directory=True)
        scratch.mkdir(mode=0o711 if self.run_as is not None else 0o700)
        os.chmod(base, 0o711 if self.run_as is not None else 0o700)  # children reach only their own folder
        extra = ["--run-as", str(self.run_as)] if self.run_as is not None else []
        extra += self._keras_args()
        if self.mode == "landlock":
            extra += ["--confine", "landlock"]
            for path in [*landlock_reads(), lib]:
                extra += ["--read", str(path)]
        return _python_command(fd, str(scratch), str(lib), extra)

    def _keras_args(self) -> list[str]:
        return [] if self.keras else ["--without-keras"]

    def start(self) -> None:
        self.owner = os.getpid()
        ours, theirs = socket.socketpair()
        fd = theirs.fileno()
        if self.use_bwrap:
            cmd, env = bwrap_command(fd, self._keras_args()), worker_environment(SANDBOX_SCRATCH)
        else:
            self.run_as = floor_uid()
            gap = signal_isolation_gap(self.mode, self.run_as)
            if gap and not unscoped_signals_allowed():
                self.run_as = None
                raise RuntimeError(f"refusing to grade: {gap}. Install bubblewrap, or run Python from a "
                                   f"folder other uids can read, or set {UNSCOPED_SIGNALS_ENV}=1 to grade anyway")
            self.floor_scratch = tempfile.mkdtemp(prefix="keraskit-worker-")
            cmd = self._floor_command(fd)
            env = worker_environment(self.floor_scratch)
            env["PYTHONPATH"] = ""
        self.cgroup = self._make_cgroup()
        cgroup_procs = str(self.cgroup / "cgroup.procs") if self.cgroup else None
        die_with_us = procs.preexec_die_with_parent()

        def enter_cgroup():  # runs in the new process before exec: the sandbox starts capped
            die_with_us()  # and dies with whoever started it (the worker re-arms it once it has children)
            if cgroup_procs:
                with open(cgroup_procs, "w") as fh:
                    fh.write(str(os.getpid()))

        self.process = subprocess.Popen(cmd, env=env, pass_fds=[fd], stdin=subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                        start_new_session=True, preexec_fn=enter_cgroup,
                                        cwd="/" if self.use_bwrap else self.floor_scratch)
        theirs.close()
        self.control = ours
        ours.settimeout(SERVER_START_TIMEOUT)
        try:
            header, _ = wire.recv(ours)
        except (wire.WireError, OSError) as exc:
            err = self.process.stderr.read(2000).decode(errors="replace") if self.process.poll() is not None else ""
            self.close()
            raise RuntimeError(f"the worker server did not start ({exc}): {err}") from None
        if not header.get("ready"):
            self.close()
            raise RuntimeError("the worker server did not report ready")
        ours.settimeout(None)
        try:
            self.check()
        except RuntimeError:
            self.close()
            raise

    def call(self, sources: dict[str, bytes], module: str, function: str, *args, timeout: float = SELF_CHECK_TIMEOUT):
        """Run ``module.function(*args)`` in a fresh child holding ``sources`` (the kit's own
        probes: ``check`` and ``keraskit doctor``); its result, or RuntimeError with the cause."""
        channel = self.spawn(sources)
        try:
            channel.settimeout(timeout)
            wire.send(channel, {"op": "call", "module": module, "function": function},
                      {"args": list(args), "kwargs": {}})
            header, blobs = wire.recv(channel)
        except (wire.WireError, OSError) as exc:
            raise RuntimeError(f"the {self.mode} worker died or did not answer ({exc}): its "
                               "confinement failed before it could run anything") from None
        finally:
            channel.close()
            self.kill_children()
        if header.get("error"):
            error = header["error"]
            raise RuntimeError(f"{error.get('type')}: {error.get('message')} (in the {self.mode} worker)")
        return wire.decode_values(header, blobs, ("result",))["result"]

    def check(self) -> None:
        """A worker that cannot import what grading needs must never grade: a child imports numpy,
        keras (unless the server runs without it) and stdlib modules loaded lazily (secrets...) in
        the real sandbox, or this raises. Nor one whose children would trace Keras functions
        otherwise than the judge's oracle."""
        facts = self.call({"keraskit_probe": SELF_CHECK.read_bytes()}, "keraskit_probe", "imports", self.keras)
        if self.keras and not facts.get("kit_graph_options"):
            raise RuntimeError("the worker's children do not run with the kit's TensorFlow graph options "
                               "(keraskit.tfruntime): the student's code and the oracle would not run alike")

    def _make_cgroup(self) -> Path | None:
        parent = pids_cgroup_parent()
        if parent is None:
            return None
        path = parent / f"keraskit-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        try:
            path.mkdir()
            # the server's own threads (TensorFlow's pools) count too, hence the margin
            (path / "pids.max").write_text(str(self.limits.processes + 96))
            return path
        except OSError:
            return None

    def alive(self) -> bool:
        if self.process is None or self.control is None:
            return False
        if os.getpid() == self.owner:
            return self.process.poll() is None
        # A forked judge child cannot wait for its parent's child; a killed server stays a zombie
        # there until the parent reaps it, so existence alone is no proof of life.
        return procs.is_running(self.process.pid)

    def spawn(self, sources: dict[str, bytes]) -> socket.socket:
        """A fresh child holding ``sources``; returns the judge's end of its channel. A server that
        dies while asked (a student's background process can kill it at any moment) is replaced
        and asked once more: its death is no call's fault."""
        if not self.alive():
            self.close()
            self.start()
        try:
            return self._ask_for_child(sources)
        except (wire.WireError, OSError):
            self.close()
            self.start()
            return self._ask_for_child(sources)

    def _ask_for_child(self, sources: dict[str, bytes]) -> socket.socket:
        ours, theirs = socket.socketpair()
        try:
            self.control.settimeout(60)
            wire.send(self.control, {"op": "spawn"}, {"sources": sources, "limits": self.limits.for_child()})
            socket.send_fds(self.control, [b"f"], [theirs.fileno()])
            wire.recv(self.control)
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        return ours

    def kill_children(self) -> None:
        """Kill everything the last child started and wipe its files (restart if that fails)."""
        if not self.alive():
            self.close()
            return
        try:
            self.control.settimeout(60)
            wire.send(self.control, {"op": "kill"})
            wire.recv(self.control)
        except (wire.WireError, OSError):
            self.close()  # a server that does not answer is replaced, never trusted again

    def _ask_to_quit(self) -> None:
        """The server's own "quit" kills all its children (it is their subreaper, so it reaps
        those that left its session with setsid too); a SIGKILL of its group would miss them."""
        if self.control is None or os.getpid() != self.owner:
            return
        try:
            self.control.settimeout(SERVER_QUIT_TIMEOUT)
            wire.send(self.control, {"op": "quit"})
            self.process.wait(timeout=SERVER_QUIT_TIMEOUT)
        except (wire.WireError, OSError, subprocess.TimeoutExpired):
            pass

    def close(self) -> None:
        if self.process is not None:
            self._ask_to_quit()
            try:
                os.killpg(self.process.pid, 9)
            except OSError:
                pass
            try:
                self.process.kill()
                self.process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                pass
            if self.process.stderr:
                self.process.stderr.close()
            self.process = None
        if self.control is not None:
            self.control.close()
            self.control = None
        if self.cgroup is not None:
            try:
                self.cgroup.rmdir()
            except OSError:
                pass
            self.cgroup = None
        if self.run_as is not None and os.getpid() == self.owner:
            kill_uid(self.run_as)
            self.run_as = None
        if self.floor_scratch:
            shutil.rmtree(self.floor_scratch, ignore_errors=True)
            self.floor_scratch = None
