"""The worker side: a fork server that imports Keras once, and one child per submission.

Runs inside the sandbox (``python -I -m keraskit.autograde.worker --control-fd N``). The
server never runs student code. For each submission the judge sends the module sources and one
end of a fresh socket pair; the server forks a child that writes the sources into a private
folder, drops into its limits (own session, rlimits, no output) and then answers ``load`` and
``call`` requests with plain data. After the submission the judge asks the server to kill every
process but itself and to wipe the scratch folders, so nothing of one submission reaches the next.

A server started ``--without-keras`` (the judge starts one when no graded module needs Keras: a
numpy topic whose sources import neither Keras nor TensorFlow) skips that import, about 3 s of
CPU per judge. A child whose submission imports TensorFlow anyway (a name built at run time) pays
for the import itself, and applies the kit's graph options (``keraskit.tfruntime``) before its
next call.

Without bwrap (``--confine landlock``), each child confines itself before any student code runs:
capabilities dropped, no_new_privs, Landlock (read only the folders given with ``--read``, write
only its own folder; no TCP; no signals or abstract sockets beyond itself) and a seccomp filter
that allows only ``AF_UNIX`` stream sockets (see :mod:`landlock` and :mod:`seccomp`).
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import io
import os
import resource
import shutil
import signal
import socket
import sys
import time
import warnings
from pathlib import Path

from keraskit import quiet, tfruntime
from keraskit.autograde import kernel, wire

quiet.silence_tensorflow()  # before student code or the loader imports TensorFlow

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_CHILD_SUBREAPER = 36
MAX_TEXT = 2000  # characters of an error message sent back


def _prctl(option: int, value: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(option, value, 0, 0, 0)


# ---------------------------------------------------------------- processes

def _parent_of(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
    except OSError:
        return None
    # the command name may hold spaces and parentheses: the fields start after the last ')'
    return int(stat[stat.rindex(b")") + 2:].split()[1])


def descendants(root: int) -> list[int]:
    """Every process whose parent chain reaches ``root`` (orphans come back to us: subreaper)."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            ppid = _parent_of(int(entry))
            if ppid is not None:
                parents[int(entry)] = ppid
    found = []
    for pid in parents:
        seen, cur = 0, parents.get(pid)
        while cur is not None and seen < 4096:
            if cur == root:
                found.append(pid)
                break
            cur, seen = parents.get(cur), seen + 1
    return found


def kill_all_children() -> int:
    """SIGKILL every descendant until none is left, reaping them; returns how many were seen."""
    me, total = os.getpid(), 0
    for _ in range(200):
        pids = descendants(me)
        if not pids:
            break
        total += len(pids)
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        _reap()
        time.sleep(0.01)
    _reap()
    return total


def _reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _wipe(folder: Path) -> None:
    for entry in folder.iterdir() if folder.is_dir() else ():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            try:
                entry.unlink()
            except OSError:
                pass


def wipe_filesystem(place: Path) -> None:
    """Empty ``place`` but leave what is mounted in it: in bwrap, the binds of a venv or package
    that live under /tmp are read-only mounts inside the private /tmp, not files to delete."""
    try:
        device = os.lstat(place).st_dev
        entries = list(os.scandir(place))
    except OSError:
        return
    for entry in entries:
        try:
            info = entry.stat(follow_symlinks=False)
            if info.st_dev != device:
                continue  # a mount point: not ours to empty
            if entry.is_dir(follow_symlinks=False):
                wipe_filesystem(Path(entry.path))
                os.rmdir(entry.path)
            else:
                os.unlink(entry.path)
        except OSError:
            pass  # a folder holding a mount point stays (empty but for it)


# places any uid may write (sticky, world-writable): a floor child's files there are removed
SHARED_WRITABLE = ("/tmp", "/var/tmp", "/dev/shm", "/dev/mqueue")


def wipe_owned_by(uid: int) -> None:
    """Remove what ``uid`` left in the shared writable places (floor without Landlock)."""
    for place in SHARED_WRITABLE:
        try:
            entries = list(os.scandir(place))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.stat(follow_symlinks=False).st_uid != uid:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    os.unlink(entry.path)
            except OSError:
                pass


# ---------------------------------------------------------------- the child

def enter_limits(limits: dict) -> None:
    """The child's floor: own session, no output kept, rlimits on memory, CPU, processes, files."""
    os.setsid()
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)  # huge output costs nothing: it is not kept
    os.close(devnull)
    memory = int(limits["memory_mb"]) * 1024 * 1024
    rules = {
        resource.RLIMIT_AS: kernel.vm_size_bytes() + memory,
        resource.RLIMIT_CPU: int(limits["cpu_seconds"]),
        resource.RLIMIT_NPROC: int(limits["processes"]),
        resource.RLIMIT_FSIZE: int(limits["file_mb"]) * 1024 * 1024,
        resource.RLIMIT_CORE: 0,
        resource.RLIMIT_NOFILE: 256,
    }
    for rule, value in rules.items():
        try:
            resource.setrlimit(rule, (value, value))
        except (ValueError, OSError):
            pass  # e.g. NPROC above the hard limit: the pids cgroup and the watchdog still apply


def _error(exc: BaseException, phase: str) -> dict:
    try:
        text = str(exc)
    except BaseException:  # noqa: BLE001 - a student's __str__ may raise
        text = "<message unavailable>"
    name = type(exc).__name__
    return {"error": {"type": name if isinstance(name, str) else "Exception",
                      "message": text[:MAX_TEXT], "phase": phase}}


class Submission:
    """The child's view: the graded modules, loaded on first use from its private folder."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.modules: dict[str, object] = {}

    def load(self, name: str):
        from keraskit import target
        if name not in self.modules:
            path = self.folder / f"{name}.py"
            if not path.is_file():
                raise target.ModuleMissing(f"no {name}.py")
            self.modules[name] = target.load_module_file(path, name)
        return self.modules[name]

    def functions(self, module) -> list[str]:
        names = []
        for key, value in list(vars(module).items()):
            if type(key) is str and not key.startswith("_") and callable(value):
                names.append(key)
        return names


class _PrintedText(io.TextIOBase):
    """Stands for ``sys.stdout`` during a call: keeps the first MAX_TEXT characters printed.

    The judge replays them, so a test that reads what a function printed (Keras's progress bar)
    judges the same text in the sandbox as in-process; the rest is counted, never stored.
    """

    def __init__(self):
        super().__init__()
        self.kept: list[str] = []
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, text) -> int:
        text = str(text)
        room = MAX_TEXT - self.size
        if room > 0:
            self.kept.append(text[:room])
        self.size += len(text)
        return len(text)

    def text(self) -> str:
        return "".join(self.kept)


def _answer(submission: Submission, header: dict, blobs) -> tuple[dict, dict]:
    """(reply header, reply values) for one request, with what the call printed to stdout."""
    printed = _PrintedText()
    with contextlib.redirect_stdout(printed):
        reply, values = _answer_quietly(submission, header, blobs)
    if printed.size:
        reply["stdout"] = printed.text()
    return reply, values


def _answer_quietly(submission: Submission, header: dict, blobs) -> tuple[dict, dict]:
    op = header.get("op")
    module_name = str(header.get("module", ""))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            try:
                module = submission.load(module_name)
            except BaseException as exc:  # noqa: BLE001 - import failures are data for the judge
                if type(exc).__name__ == "ModuleMissing":
                    return {"missing": True}, {}
                return _error(exc, "import"), {}
            if op == "load":
                return {"functions": submission.functions(module)}, {}
            tfruntime.configure()  # the module (or an earlier call) may have imported TensorFlow itself
            function = getattr(module, str(header.get("function")), None)
            if not callable(function):
                return {"error": {"type": "AttributeError", "message": "no such function", "phase": "call"}}, {}
            values = wire.decode_values(header, blobs, ("args", "kwargs"))
            result = function(*values.get("args", ()), **values.get("kwargs", {}))
            reply = {"warnings": _warnings_of(caught)}
            return reply, {"result": result}
        except BaseException as exc:  # noqa: BLE001 - SystemExit too: it is the student's answer
            reply = _error(exc, "call")
            reply["warnings"] = _warnings_of(caught)
            return reply, {}


def _warnings_of(caught) -> list[list[str]]:
    out = []
    for item in caught[:20]:
        try:
            out.append([item.category.__name__, str(item.message)[:MAX_TEXT]])
        except BaseException:  # noqa: BLE001 - a student's warning may fail to print: it is left out
            pass
    return out


def serve_submission(channel: socket.socket, folder: Path) -> None:
    submission = Submission(folder)
    while True:
        try:
            header, blobs = wire.recv(channel)
        except wire.WireError:
            return
        reply, values = _answer(submission, header, blobs)
        call = {"call": header.get("call")}  # echoed: the judge reads only the answer to what it asked
        try:
            wire.send(channel, {**reply, **call}, values, tensors_as_arrays=True)  # a tensor goes as its array
        except wire.ConnectionLost:
            return
        except BaseException as exc:  # noqa: BLE001 - an unsendable result is the student's error
            wire.send(channel, {**_error(wire.WireError(str(exc)), "result"), **call})


def drop_privileges(folder: Path, uid: int) -> None:
    """Without bwrap, a root server's child becomes ``uid`` (no groups) before any student code:
    it can no longer write the submissions, the output folder or the kit, nor signal the judge."""
    os.chown(folder, uid, uid)
    os.chmod(folder, 0o700)
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    if os.geteuid() == 0 or os.getuid() == 0:
        raise RuntimeError("could not drop root")


# read by any Python and by TensorFlow's thread pools: random numbers, the CPU layout
SYSTEM_READ = ("/dev/urandom", "/dev/random", "/dev/zero", "/sys/devices/system/cpu",
               "/sys/devices/system/node", "/sys/bus/node")
# existing files written in place: os.devnull, and the process's own /proc entry (TensorFlow
# names its threads through /proc/self/task/*/comm and aborts when it cannot read cmdline)
SYSTEM_UPDATE = ("/dev/null", "/proc/self")


def confine(folder: Path, read: list[str], run_as: int | None) -> None:
    """Landlock + seccomp + no capabilities: after this, the child reads only ``read`` and its
    folder, writes only its folder, and has no network. Raises if any step is refused."""
    from keraskit.autograde import landlock, seccomp
    seccomp.drop_bounding_set()  # needs CAP_SETPCAP: before the uid change
    if run_as is not None:
        drop_privileges(folder, run_as)
    seccomp.drop_capabilities()
    landlock.restrict([Path(p) for p in (*read, *SYSTEM_READ)], [folder],
                      update=[Path(p) for p in SYSTEM_UPDATE])
    seccomp.deny_network()


def floor_confine(folder: Path, run_as: int | None) -> None:
    """The floor (no Landlock): the separate uid if any, then, as far as this kernel allows, no
    capabilities, no_new_privs and the seccomp filter (``keraskit doctor`` measures what held)."""
    from keraskit.autograde import landlock, seccomp
    try:
        seccomp.drop_bounding_set()
    except OSError:
        pass
    if run_as is not None:
        drop_privileges(folder, run_as)
    for step in (seccomp.drop_capabilities, landlock.set_no_new_privs, seccomp.deny_network):
        try:
            step()
        except OSError:
            pass  # an old kernel: the rlimits and the uid still apply


def refuse_all(channel: socket.socket, why: str) -> None:
    """Answer every request with ``why`` (phase ``sandbox``): a child that could not confine
    itself runs nothing, and the judge learns the cause instead of a closed channel."""
    while True:
        try:
            header, _ = wire.recv(channel)
            wire.send(channel, {"error": {"type": "SandboxError", "message": why[:MAX_TEXT], "phase": "sandbox"},
                                "call": header.get("call")})
        except wire.WireError:
            return


def child_main(channel: socket.socket, folder: Path, sources: dict, limits: dict, run_as: int | None = None,
               confinement: str | None = None, read: list[str] = ()) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in sources.items():
        (folder / f"{name}.py").write_bytes(data)
    os.chdir(folder)
    for key in ("HOME", "TMPDIR", "KERAS_HOME"):
        os.environ[key] = str(folder)
    if confinement:
        try:
            enter_limits(limits)  # reads /proc/self: before Landlock hides it
            if confinement == "seccomp":  # inside bwrap: the namespaces do the rest
                from keraskit.autograde import landlock, seccomp
                landlock.set_no_new_privs()
                seccomp.deny_network()
            else:
                confine(folder, list(read), run_as)
                _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # the uid change cleared it
        except BaseException as exc:  # noqa: BLE001 - no student code has run: say why, never run it
            refuse_all(channel, f"the {confinement} confinement failed: {type(exc).__name__}: {exc}")
            return
    else:
        floor_confine(folder, run_as)
        enter_limits(limits)  # after the drop: a uid change clears the parent-death signal
    serve_submission(channel, folder)


# ---------------------------------------------------------------- the server

def _watch(limit: int, stop, lock) -> None:
    """Floor under the process cap: kill the child's whole tree if it forks past ``limit``.

    ``stop()`` turns true once the judge has had this child killed. Its kill takes ``lock``, as
    does every spawn: a kill still looping when the next child is forked would take that child
    too (an honest call, lost twice, under a loaded machine)."""
    while not stop():
        if len(descendants(os.getpid())) > limit:
            with lock:
                if not stop():  # not if the judge has moved on to the next child meanwhile
                    kill_all_children()
            return
        time.sleep(0.05)


def serve(control: socket.socket, scratch: Path, run_as: int | None = None, confinement: str | None = None,
          read: list[str] = (), private: list[str] = ()) -> None:
    import threading
    counter = 0
    watch_stop = threading.Event()
    tree_lock = threading.Lock()  # a watcher's kill and a spawn never overlap (``_watch``)
    while True:
        try:
            header, blobs = wire.recv(control)
        except wire.WireError:
            kill_all_children()
            return
        op = header.get("op")
        if op == "spawn":
            values = wire.decode_values(header, blobs, ("sources", "limits"))
            _, fds, _, _ = socket.recv_fds(control, 1, 1)
            channel = socket.socket(fileno=fds[0])
            counter += 1
            folder = scratch / f"s{counter}"
            with tree_lock:
                pid = os.fork()
                if pid == 0:
                    try:
                        control.close()
                        child_main(channel, folder, values["sources"], values["limits"], run_as, confinement, read)
                    finally:
                        os._exit(0)
            channel.close()
            limit = int(values["limits"]["processes"])
            watch_stop = threading.Event()
            threading.Thread(target=_watch, args=(limit, watch_stop.is_set, tree_lock), daemon=True).start()
            wire.send(control, {"pid": pid})
        elif op == "kill":
            watch_stop.set()
            with tree_lock:
                killed = kill_all_children()
            _wipe(scratch)
            for place in private:  # the sandbox's own /tmp and /dev/shm
                wipe_filesystem(Path(place))
            if run_as is not None:
                wipe_owned_by(run_as)
            for extra in header.get("wipe", []):
                _wipe(Path(extra))
            wire.send(control, {"killed": killed})
        elif op == "quit":
            kill_all_children()
            return


def _die_with_descendants(signum, frame) -> None:
    kill_all_children()
    os._exit(0)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="keraskit-worker")
    parser.add_argument("--control-fd", type=int, required=True)
    parser.add_argument("--scratch", required=True)
    parser.add_argument("--run-as", type=int, default=None, help="uid of the children (root server, no bwrap)")
    parser.add_argument("--confine", choices=("landlock", "seccomp"), default=None,
                        help="each child confines itself with Landlock and seccomp")
    parser.add_argument("--read", action="append", default=[], help="a folder a confined child may read")
    parser.add_argument("--private", action="append", default=[],
                        help="a folder private to this sandbox, wiped after each submission (/tmp)")
    parser.add_argument("--without-keras", action="store_true",
                        help="no graded module needs Keras: do not import it for the children")
    args = parser.parse_args(argv)
    control = socket.socket(fileno=args.control_fd)
    # Warm start: every child inherits the imported Keras instead of paying for it again.
    if not args.without_keras:
        import keras  # noqa: F401 - imported for children to inherit
    import numpy  # noqa: F401 - imported for children to inherit

    from keraskit import target  # noqa: F401 - imported for children to inherit
    tfruntime.configure()  # children inherit it: they trace as the judge's oracle does
    _prctl(PR_SET_DUMPABLE, 0)  # children cannot ptrace or read this process's memory
    _prctl(PR_SET_CHILD_SUBREAPER, 1)  # orphans of a child come back to us, to be killed
    # When the judge side dies (however: SIGKILL, OOM), take every descendant along, then go: a
    # plain SIGKILL here would hand a child's background processes to init.
    signal.signal(signal.SIGTERM, _die_with_descendants)
    _prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    scratch = Path(args.scratch)
    scratch.mkdir(parents=True, exist_ok=True)
    wire.send(control, {"ready": True, "pid": os.getpid()})
    serve(control, scratch, args.run_as, args.confine, args.read, args.private)
    return 0


if __name__ == "__main__":
    sys.exit(main())
