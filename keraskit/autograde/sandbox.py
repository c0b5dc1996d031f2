"""Where student code runs: a fork server inside bubblewrap, or the rlimit floor without it.

The sandbox (``bwrap``) gets new user, mount, PID, network, IPC and UTS namespaces, no
capabilities, and sees only what a worker needs, read-only: the system libraries, the Python
installation, the virtual environment and the ``keraskit`` package folder. Not the repository
(so not ``solutions/`` or ``grading/``), not the home folder, not other submissions, not the
output folder. Its only writable places are two small private tmpfs (``/sub``, ``/tmp``).
Where the pids cgroup is writable, the whole sandbox also gets a process cap from the kernel.
"""

from __future__ import annotations

import functools
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from keraskit import quiet
from keraskit.autograde import procs, wire

SANDBOX_SCRATCH = "/sub"
PIDS_CGROUP_ROOT = Path("/sys/fs/cgroup/pids")
SERVER_START_TIMEOUT = 120.0
# Set to 1 to run without bwrap even where it works (tests of the floor; a broken bwrap setup).
NO_BWRAP_ENV = "KERASKIT_NO_BWRAP"
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
        if path == repo or path in repo.parents and (repo / "solutions").exists():
            raise RuntimeError(f"refusing to expose {path}: it contains the reference solutions")


def bwrap_command(control_fd: int) -> list[str]:
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
    cmd += ["--ro-bind", str(package), str(package), "--chdir", SANDBOX_SCRATCH]
    return cmd + _python_command(control_fd, SANDBOX_SCRATCH)


def _python_command(control_fd: int, scratch: str, run_as: int | None = None) -> list[str]:
    # -I: no user site, no PYTHON* variables, and neither the script nor the working folder on
    # sys.path, so a student file called numpy.py shadows nothing.
    # The worker imports the same keraskit package the judge runs (in the sandbox, its folder is
    # the only thing bound under its parent).
    boot = (f"import sys; sys.path.insert(0, {str(keraskit_package_dir().parent)!r}); "
            "from keraskit.autograde.worker import main; sys.exit(main())")
    cmd = [sys.executable, "-I", "-c", boot, "--control-fd", str(control_fd), "--scratch", scratch]
    return cmd + (["--run-as", str(run_as)] if run_as is not None else [])


def floor_uid() -> int | None:
    """The unprivileged uid a root server's children run as without bwrap (one per server)."""
    if os.geteuid() != 0:
        return None
    return FLOOR_UID_BASE + os.getpid() % FLOOR_UID_SPAN


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


def pids_cgroup_available() -> bool:
    try:
        probe = PIDS_CGROUP_ROOT / f"keraskit-probe-{uuid.uuid4().hex[:8]}"
        probe.mkdir()
        probe.rmdir()
        return True
    except OSError:
        return False


def report() -> list[tuple[str, bool, str]]:
    """(protection, active?, detail) for ``keraskit doctor``."""
    ok, detail = bwrap_works()
    cgroup = pids_cgroup_available()
    rows = [
        ("separate judge and worker processes", True, "verdicts computed where no student code runs"),
        ("plain-data channel (no pickle)", True, "numbers, strings, arrays, Keras configs in safe mode"),
        ("filesystem isolation", ok, detail if ok else
         f"MISSING ({detail}): student code can read every file the worker's uid can read"),
        ("no network", ok, "network namespace" if ok else "MISSING: student code can open network connections"),
        ("PID namespace (background processes die)", ok,
         "everything in the sandbox is killed" if ok else
         "MISSING: floor only, a subreaper kills the child's descendants after each submission"),
    ]
    if not ok:
        if os.geteuid() == 0:
            rows.append(("unprivileged worker uid", True,
                         f"children run as uid {FLOOR_UID_BASE}+ without groups: they cannot write the "
                         "submissions, the output folder or the kit"))
        else:
            rows.append(("unprivileged worker uid", False,
                         "MISSING: children run as your own uid and can write whatever you can "
                         "(other submissions, the output folder); run as root or install bwrap"))
    rows += [
        ("time limit per call and per submission", True, "SIGKILL from outside, RLIMIT_CPU inside"),
        ("memory cap", True, "RLIMIT_AS"),
        ("process cap", True, "pids cgroup" if cgroup else
         "RLIMIT_NPROC + watchdog (the pids cgroup is not writable here)"),
        ("output cap", True, "worker output is discarded; replies are size-checked"),
    ]
    return rows


def missing_advice() -> str:
    """What to do when bwrap does not work here (printed by ``keraskit doctor``)."""
    if bwrap_disabled():
        return f"unset {NO_BWRAP_ENV} to use bwrap"
    if shutil.which("bwrap") is None:
        return "install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap)"
    return ("allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1, "
            "kernel.apparmor_restrict_unprivileged_userns=0) or, in Docker, a seccomp profile "
            "that permits unshare/clone of namespaces")


# ---------------------------------------------------------------- the fork server

class WorkerServer:
    """A sandboxed fork server, started once per judge; each submission gets a fresh child."""

    def __init__(self, limits: Limits, *, use_bwrap: bool | None = None):
        self.limits = limits
        self.use_bwrap = bwrap_works()[0] if use_bwrap is None else use_bwrap
        self.process: subprocess.Popen | None = None
        self.control: socket.socket | None = None
        self.cgroup: Path | None = None
        self.floor_scratch: str | None = None
        self.run_as: int | None = None
        self.owner = os.getpid()

    @property
    def mode(self) -> str:
        return "bwrap" if self.use_bwrap else "rlimits"

    def start(self) -> None:
        self.owner = os.getpid()
        ours, theirs = socket.socketpair()
        fd = theirs.fileno()
        if self.use_bwrap:
            cmd, env = bwrap_command(fd), worker_environment(SANDBOX_SCRATCH)
        else:
            self.floor_scratch = tempfile.mkdtemp(prefix="keraskit-worker-")
            self.run_as = floor_uid()
            if self.run_as is not None:
                os.chmod(self.floor_scratch, 0o711)  # children (another uid) reach only their own folder
            cmd = _python_command(fd, self.floor_scratch, self.run_as)
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

    def _make_cgroup(self) -> Path | None:
        if not pids_cgroup_available():
            return None
        path = PIDS_CGROUP_ROOT / f"keraskit-{os.getpid()}-{uuid.uuid4().hex[:8]}"
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
        try:  # a forked judge child cannot wait for its parent's child: just ask if it exists
            os.kill(self.process.pid, 0)
            return True
        except OSError:
            return False

    def spawn(self, sources: dict[str, bytes]) -> socket.socket:
        """A fresh child holding ``sources``; returns the judge's end of its channel."""
        if not self.alive():
            self.close()
            self.start()
        ours, theirs = socket.socketpair()
        try:
            self.control.settimeout(60)
            wire.send(self.control, {"op": "spawn"}, {"sources": sources, "limits": self.limits.for_child()})
            socket.send_fds(self.control, [b"f"], [theirs.fileno()])
            wire.recv(self.control)
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

    def close(self) -> None:
        if self.process is not None:
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
