"""The sandbox without bwrap: Landlock + seccomp confinement, the worker's start check, `doctor`
in every mode, and an interpreter that lives under a 0700 folder (pyenv or conda in a home)."""

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

import pytest

from keraskit.autograde import landlock, sandbox, seccomp
from keraskit.autograde.record import JUDGE_ERROR
from keraskit.autograde.sandbox import Limits, WorkerServer

ROOT = Path(__file__).resolve().parents[1]
MODES = sandbox.available_modes()
needs_landlock = pytest.mark.skipif("landlock" not in MODES, reason=f"no Landlock: {sandbox.landlock_works()[1]}")
# Where Keras plays no part (a server's start, restart, close, refusal), the server starts without
# it (``keras=False``), as it does to grade a numpy topic: about 3 s of CPU less each.

CONFINED = """
import json, os, socket, sys
sys.path.insert(0, {package_parent!r})
from keraskit.autograde import worker
outside, allowed, judge = sys.argv[1], sys.argv[2], int(sys.argv[3])
worker.confine(__import__("pathlib").Path(allowed), {reads!r}, None)


def attempt(action):
    try:
        action()
        return "allowed"
    except OSError as exc:
        return "refused"


def sysv_shm():
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    segment = libc.shmget(0, 4096, 0o1600)  # IPC_PRIVATE, IPC_CREAT | 0600
    if segment < 0:
        raise OSError(ctypes.get_errno(), "shmget")
    libc.shmctl(segment, 0, None)  # IPC_RMID: a segment that got through is not left behind


def process_key():
    # KEY_SPEC_PROCESS_KEYRING: a keyring of this process alone, gone when it exits (never the
    # uid's keyring: a key that got through would otherwise outlive the test)
    import ctypes, platform
    number = {{"x86_64": 248, "aarch64": 217}}[platform.machine()]
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.syscall(ctypes.c_long(number), b"user", b"keraskit_probe", b"x", ctypes.c_size_t(1), ctypes.c_int(-2)) < 0:
        raise OSError(ctypes.get_errno(), "add_key")


def write(path):
    with open(path, "w") as fh:
        fh.write("x")


print(json.dumps({{
    "read_outside": attempt(lambda: open(os.path.join(outside, "secret.txt")).read()),
    "write_outside": attempt(lambda: write(os.path.join(outside, "planted.txt"))),
    "write_allowed": attempt(lambda: write(os.path.join(allowed, "own.txt"))),
    "inet": attempt(lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM)),
    "inet6_udp": attempt(lambda: socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)),
    "netlink": attempt(lambda: socket.socket(socket.AF_NETLINK, socket.SOCK_RAW)),
    "unix_dgram": attempt(lambda: socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)),
    "unix_pair": attempt(lambda: socket.socketpair()),
    "unix_connect": attempt(lambda: socket.socket(socket.AF_UNIX).connect(os.path.join(outside, "sock"))),
    "signal_judge": attempt(lambda: os.kill(judge, 0)),
    "lazy_stdlib": attempt(lambda: __import__("secrets")),
    "devnull": attempt(lambda: write(os.devnull)),
    "sysv_shm": attempt(sysv_shm),
    "keyring": attempt(process_key),
}}))
"""


@needs_landlock
def test_landlock_and_seccomp_confine_a_process(tmp_path):
    outside, allowed = tmp_path / "outside", tmp_path / "allowed"
    outside.mkdir()
    allowed.mkdir()
    (outside / "secret.txt").write_text("not yours")
    reads = [str(p) for p in sandbox.landlock_reads()]
    code = CONFINED.format(package_parent=str(sandbox.keraskit_package_dir().parent), reads=reads)
    done = subprocess.run([sys.executable, "-I", "-c", code, str(outside), str(allowed), str(os.getpid())],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout)
    expected = {"read_outside": "refused", "write_outside": "refused", "write_allowed": "allowed",
                "inet": "refused", "inet6_udp": "refused", "netlink": "refused", "unix_dgram": "refused",
                "unix_pair": "allowed", "unix_connect": "refused", "lazy_stdlib": "allowed", "devnull": "allowed",
                "sysv_shm": "refused", "keyring": "refused",
                "signal_judge": "refused" if landlock.abi_version() >= 6 else "allowed"}
    assert found == expected
    assert sorted(p.name for p in outside.iterdir()) == ["secret.txt"]


@pytest.mark.parametrize("machine", sorted(seccomp.ARCHES))
def test_the_seccomp_filter_checks_the_architecture_first(machine):
    """A call from another ABI (i386 on x86_64) would use other numbers: it must never reach the
    number checks. Every jump stays inside the program."""
    rows = seccomp.network_filter(machine)
    arch, numbers = seccomp.ARCHES[machine]
    assert rows[0] == (0x20, 0, 0, 4) and rows[1][3] == arch and rows[2] == (0x06, 0, 0, seccomp.RET_KILL_PROCESS)
    checked = {k for code, _, _, k in rows if code == 0x15}
    assert {numbers[name] for name in (*seccomp.DENIED, "socket")} <= checked
    for index, (code, jt, jf, _) in enumerate(rows):
        if code in (0x15, 0x45):
            assert index + 1 + max(jt, jf) < len(rows)
    assert rows[-1] == (0x06, 0, 0, seccomp.RET_ALLOW)


@needs_landlock
def test_a_worker_that_cannot_import_never_grades(monkeypatch):
    """A child that cannot read the stdlib (as a uid under a 0700 pyenv once could not) must stop
    the server's start with the cause, never grade with a broken worker."""
    package = sandbox.keraskit_package_dir()
    monkeypatch.setattr(sandbox, "landlock_reads", lambda: [*sandbox.system_reads(), package])
    server = WorkerServer(Limits(call_timeout=30, submission_timeout=60), mode="landlock", keras=False)
    try:
        with pytest.raises(RuntimeError, match="No module named|cannot|Permission"):
            server.start()
    finally:
        server.close()


def test_a_worker_whose_children_trace_otherwise_than_the_judge_never_grades(monkeypatch, tmp_path):
    """The start check reads the graph options in a real child: one that runs with TensorFlow's
    defaults (here the probe turns Grappler back on first) would not compute as the judge's oracle."""
    probe = tmp_path / "probe.py"
    probe.write_text(sandbox.SELF_CHECK.read_text() + (
        "\n_imports = imports\n\n\ndef imports(*args):\n    import tensorflow as tf\n"
        "    tf.config.optimizer.set_experimental_options({'disable_meta_optimizer': False})\n"
        "    return _imports(*args)\n"))
    monkeypatch.setattr(sandbox, "SELF_CHECK", probe)
    server = WorkerServer(Limits(call_timeout=30, submission_timeout=60), mode=FLOOR_MODE)
    try:
        with pytest.raises(RuntimeError, match="graph options"):
            server.start()
    finally:
        server.close()


def test_a_uid_is_used_only_where_it_can_run_python():
    can, why = sandbox.uid_can_run_python()
    if os.geteuid() != 0:
        assert not can and sandbox.floor_uid() is None
        return
    assert (sandbox.floor_uid() is not None) == can, why


def _doctor(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "keraskit.cli", "doctor"], capture_output=True, text=True,
                          timeout=300, env=env, cwd=ROOT)


@pytest.mark.parametrize("mode", MODES)
def test_doctor_starts_a_real_worker_and_measures_each_protection(mode):
    env = {**os.environ, sandbox.MODE_ENV: mode}
    done = _doctor(env)
    out = done.stdout
    assert f"mode: {mode} (" in out and "numpy, keras and lazily loaded stdlib modules import" in out, \
        out + done.stderr
    assert "[!!]" not in out
    for measured in ("read_outside", "tcp_connect", "signal_judge", "capabilities"):
        assert f"measured: {measured}" in out
    if mode == "rlimits":
        assert done.returncode == 1 and "MISSING" in out
    else:
        assert done.returncode == 0 and f"all protections of the {mode} mode active" in out


def test_a_forced_mode_the_machine_cannot_give_is_an_error():
    missing = [m for m in sandbox.MODES if m not in MODES]
    mode = missing[0] if missing else "nonsense"
    done = _doctor({**os.environ, sandbox.MODE_ENV: mode})
    assert done.returncode == 2 and sandbox.MODE_ENV in done.stderr, done.stderr


def _private_venv(tmp_path: Path) -> Path:
    """A venv inside a 0700 folder, seeing this environment's packages (keraskit, numpy, keras)."""
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    os.chmod(private, 0o700)
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(private / "venv")], check=True, timeout=120)
    python = private / "venv" / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                             capture_output=True, text=True, check=True).stdout.strip()
    ours = sysconfig.get_path("purelib")
    (Path(purelib) / "outer.pth").write_text(f"import site; site.addsitedir({ours!r})\n")
    return python


@pytest.mark.timeout(900)
@pytest.mark.parametrize("mode", MODES)
def test_an_interpreter_under_a_0700_folder_grades_in_every_mode(tmp_path, mode):
    python = _private_venv(tmp_path)
    sub = tmp_path / "sub"
    sub.mkdir()
    shutil.copy(ROOT / "solutions" / "tensors.py", sub / "tensors.py")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KERASKIT_")}
    env[sandbox.MODE_ENV] = mode
    # the floor grades only when asked to, and says so in every output (tests/test_judge_files.py)
    opt_in = ["--allow-unisolated"] if mode == "rlimits" else []
    done = subprocess.run([str(python), "-m", "keraskit.cli", "grade", str(sub), "--json", str(tmp_path / "r.json"),
                           "--exercise", "tensors.samples_first", "--exercise", "tensors.image_batch_shape", *opt_in],
                          capture_output=True, text=True, timeout=600, env=env, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["score"] == sum(t["max_score"] for t in report["tests"]) > 0, report
    unisolated = mode == "rlimits"
    assert ("Graded without isolation" in report["output"]) == unisolated, report["output"]
    assert ("Graded without isolation" in done.stdout) == unisolated, done.stdout
    assert ("grading WITHOUT isolation" in done.stderr) == unisolated, done.stderr[-3000:]
    assert str(tmp_path / "private") in subprocess.run(
        [str(python), "-c", "import sys; print(sys.prefix)"], capture_output=True, text=True).stdout


FLOOR_MODE = "landlock" if "landlock" in MODES else "rlimits"

DETACHED = b"""
import os, time


def detach():
    pid = os.fork()
    if pid == 0:
        os.setsid()  # out of the server's process group and session: a group kill misses it
        time.sleep(300)
        os._exit(0)
    return pid
"""


def _gone(pid: int, within: float = 5.0) -> bool:
    import time
    end = time.monotonic() + within
    while time.monotonic() < end:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                if fh.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return True
        except OSError:
            return True
        time.sleep(0.05)
    return False


def test_closing_a_server_reaps_children_that_left_its_session():
    from keraskit.autograde import wire
    server = WorkerServer(Limits(call_timeout=30, submission_timeout=60), mode=FLOOR_MODE, keras=False)
    server.start()
    try:
        channel = server.spawn({"detached": DETACHED})
        wire.send(channel, {"op": "call", "module": "detached", "function": "detach"}, {"args": [], "kwargs": {}})
        header, blobs = wire.recv(channel, deadline=__import__("time").monotonic() + 30)
        pid = wire.decode_values(header, blobs, ("result",))["result"]
        channel.close()
    finally:
        server.close()  # no kill_children first: as when a host is closed in the middle of a submission
    assert _gone(pid), f"process {pid}, started with setsid by the worker, outlived its server"


def test_a_server_the_judge_child_restarts_is_closed_by_it():
    from keraskit.autograde import judge
    server = WorkerServer(Limits(call_timeout=30, submission_timeout=60), mode=FLOOR_MODE, keras=False)
    server.start()

    def restart() -> dict:
        server.close()  # what spawn does with a server found dead in the judge child
        server.start()
        return {"pid": server.process.pid, "scratch": server.floor_scratch,
                "cgroup": str(server.cgroup) if server.cgroup else None}

    try:
        outcome = judge.fork_and_grade(restart, timeout=120)
    finally:
        server.close()
    assert JUDGE_ERROR not in outcome, outcome
    assert _gone(outcome["pid"]), "the restarted server outlived the judge child"
    assert not os.path.exists(outcome["scratch"]), "the restarted server's folder was left behind"
    assert outcome["cgroup"] is None or not os.path.exists(outcome["cgroup"])


@needs_landlock
def test_landlock_below_abi_6_without_a_uid_refuses_to_grade_unless_allowed(monkeypatch):
    """Below ABI 6 Landlock cannot scope signals: without a separate uid a child (uid 0 without
    capabilities) could kill(-1) the judge. This machine's ABI is patched down to test it."""
    monkeypatch.setattr(sandbox, "landlock_abi", lambda: 5)
    monkeypatch.setattr(sandbox, "floor_uid", lambda: None)
    monkeypatch.delenv(sandbox.UNSCOPED_SIGNALS_ENV, raising=False)
    before = set(Path(tempfile.gettempdir()).glob("keraskit-worker-*"))
    server = WorkerServer(Limits(call_timeout=30, submission_timeout=60), mode="landlock", keras=False)
    with pytest.raises(RuntimeError, match=f"ABI 5 < 6 cannot scope signals.*{sandbox.UNSCOPED_SIGNALS_ENV}=1"):
        server.start()
    assert server.process is None and set(Path(tempfile.gettempdir()).glob("keraskit-worker-*")) == before
    rows = dict((name, (status, detail)) for name, status, detail in sandbox.protection_rows("landlock", run_as=None))
    assert rows["signals and ptrace"][0] == "missing" and "ABI 5" in rows["signals and ptrace"][1]
    # a separate uid, or ABI 6, closes the gap; the explicit opt-in grades with it
    assert sandbox.signal_isolation_gap("landlock", 200_001, 5) is None
    assert sandbox.signal_isolation_gap("landlock", None, 6) is None
    rows = sandbox.protection_rows("landlock", run_as=None, abi=6)
    assert dict((n, st) for n, st, _ in rows)["signals and ptrace"] == "ok"
    monkeypatch.setenv(sandbox.UNSCOPED_SIGNALS_ENV, "1")
    try:
        server.start()
        assert server.alive()
    finally:
        server.close()


def test_processes_are_reported_missing_where_no_limit_holds(monkeypatch, tmp_path):
    """RLIMIT_NPROC does not apply to uid 0: without a separate uid, bwrap's user namespace or a
    writable pids cgroup, doctor must say processes are missing."""
    monkeypatch.setattr(sandbox, "PIDS_CGROUP_ROOT", tmp_path / "no-pids-hierarchy")
    monkeypatch.setattr(sandbox, "_cgroup2_own_folder", lambda: None)
    assert sandbox.pids_cgroup_parent() is None

    def status(mode, run_as):
        return {name: st for name, st, _ in sandbox.protection_rows(mode, run_as=run_as, abi=7)}["processes"]
    assert status("landlock", None) == "missing" and status("rlimits", None) == "missing"
    assert status("landlock", 200_001) == "ok" and status("rlimits", 200_001) == "ok" and status("bwrap", None) == "ok"
    # a cgroup v2 folder without the pids controller on for its children is not used
    (tmp_path / "v2").mkdir()
    (tmp_path / "v2" / "cgroup.subtree_control").write_text("cpu memory\n")
    monkeypatch.setattr(sandbox, "_cgroup2_own_folder", lambda: tmp_path / "v2")
    assert sandbox.pids_cgroup_parent() is None
    assert list((tmp_path / "v2").iterdir()) == [tmp_path / "v2" / "cgroup.subtree_control"]


def test_the_server_cgroup_caps_processes_where_one_is_writable():
    parent = sandbox.pids_cgroup_parent()
    if parent is None:
        pytest.skip("no writable pids cgroup (v1 hierarchy or delegated v2 subtree) on this machine")
    server = WorkerServer(Limits(call_timeout=30, submission_timeout=60, processes=7), mode=FLOOR_MODE,
                          keras=False)
    server.start()
    try:
        assert server.cgroup is not None and server.cgroup.parent == parent
        assert (server.cgroup / "pids.max").read_text().strip() == str(7 + 96)
    finally:
        server.close()


def test_a_process_watcher_never_kills_once_its_child_was_killed(monkeypatch):
    """A child that forks past the cap is killed by its server's watcher, under the lock every
    spawn takes, and not at all once the judge had that child killed: a kill still looping when
    the next child was forked took that child too, so an honest call on a loaded machine died on
    its retry as well."""
    import threading
    import time

    from keraskit.autograde import worker
    kills = []
    monkeypatch.setattr(worker, "descendants", lambda root: list(range(10)))  # past a cap of 3
    monkeypatch.setattr(worker, "kill_all_children", lambda: kills.append(time.monotonic()))
    lock, stopped = threading.Lock(), threading.Event()
    with lock:  # the judge's kill of this child is under way
        watcher = threading.Thread(target=worker._watch, args=(3, stopped.is_set, lock), daemon=True)
        watcher.start()
        time.sleep(0.2)  # the watcher has seen the tree past the cap and waits for the lock
        stopped.set()
    watcher.join(timeout=10)
    assert not watcher.is_alive() and kills == []
    worker._watch(3, threading.Event().is_set, threading.Lock())  # a watcher nobody stopped kills
    assert len(kills) == 1
