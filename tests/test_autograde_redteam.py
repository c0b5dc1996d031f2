"""Adversarial submissions (tests/redteam/*.py) must earn nothing they did not honestly earn.

Each is the reference tensors.py (copied at test time) with one function redefined at its end.
Only two exercises are graded, to keep the suite fast. Every attack runs in every sandbox mode
this machine offers (bwrap, landlock, rlimits: ``sandbox.available_modes``).
"""

import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from keraskit.autograde import batch, report, sandbox, submissions
from keraskit.autograde.sandbox import Limits
from kitdev.hostproc import HostProcess
from kitdev.signals import hear_ctrl_c

ROOT = Path(__file__).resolve().parents[1]
REDTEAM = Path(__file__).with_name("redteam")
ATTACKED, CONTROL = "tensors.samples_first", "tensors.image_batch_shape"
EXERCISES = (ATTACKED, CONTROL)
LIMITS = Limits(call_timeout=2, submission_timeout=45, memory_mb=512, processes=16)


def _base() -> bytes:
    return (ROOT / "solutions" / "tensors.py").read_bytes()


def _make(folder: Path, name: str, extra: bytes = b"") -> Path:
    sub = folder / name
    sub.mkdir(parents=True)
    (sub / "tensors.py").write_bytes(_base() + b"\n" + extra)
    return sub


MODES = sandbox.available_modes()


def _plain_floor_without_uid(mode: str) -> bool:
    """The rlimits floor as root where no separate uid can run Python (pyenv under /root): the
    child keeps the judge's uid and nothing keeps it from real files (doctor: MISSING)."""
    return mode == "rlimits" and sandbox.floor_uid() is None


@pytest.fixture(scope="module", params=MODES)
def mode(request):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(sandbox.MODE_ENV, request.param)  # host processes started by batch inherit it
        yield request.param


@pytest.fixture(scope="module")
def host(mode):
    h = HostProcess(LIMITS)  # a real host process, started with this mode in its environment
    yield h
    h.close()


def _earned(record) -> dict:
    return {row.id: row.earned for row in record.exercises}


def _grade(host, sub, kind="folder"):
    return host.grade(submissions.Submission(sub.name, sub, kind), exercises=EXERCISES, topics=["tensors"])


@pytest.fixture(scope="module")
def honest(host, mode, tmp_path_factory):
    record = _grade(host, _make(tmp_path_factory.mktemp("honest"), "honest"))
    assert record.mode == mode, record.problems
    return _earned(record)


def test_the_honest_base_earns_both(honest):
    assert all(honest[e] > 0 for e in EXERCISES), honest


CANARY = "/tmp/keraskit-redteam-canary"  # what tests/redteam/escape.py writes, replaced per test


def _floor_hole(mode: str, attack: str) -> str | None:
    """Why the rlimits floor (kernels without Landlock) cannot stop ``attack``, if it cannot;
    doctor reports each of these as MISSING there. Every other attack must fail in every mode."""
    if mode != "rlimits":
        return None
    if attack == "steal_solution":
        return "no filesystem isolation: any uid reads the reference in a world-readable checkout"
    if attack == "escape" and sandbox.floor_uid() is None:
        return "no separate uid: a background process writes the canary in /tmp before it is killed"
    return None


@pytest.mark.parametrize("attack", sorted(p.stem for p in REDTEAM.glob("*.py")))
def test_attack_earns_nothing_for_the_attacked_exercise(mode, host, honest, tmp_path, attack):
    hole = _floor_hole(mode, attack)
    if hole:
        pytest.xfail(f"{attack}: {hole}")
    # a canary of this test alone: other runs of the suite on the machine write theirs elsewhere
    canary = Path(f"/tmp/keraskit-redteam-canary-{os.getpid()}-{tmp_path.name}")
    canary.unlink(missing_ok=True)
    source = (REDTEAM / f"{attack}.py").read_bytes().replace(CANARY.encode(), str(canary).encode())
    sub = _make(tmp_path, attack, source)
    (sub / "conftest.py").write_text("import pytest\n@pytest.hookimpl(tryfirst=True)\n"
                                     "def pytest_runtest_makereport(item, call):\n    call.excinfo = None\n")
    before = sorted(p.name for p in tmp_path.rglob("*"))
    record = _grade(host, sub)
    earned = _earned(record)
    assert earned[ATTACKED] == 0, record
    if attack not in ("exit_at_import", "syntax_error", "undecodable"):
        assert earned[CONTROL] == honest[CONTROL], "an attack changed the grade of an honest exercise"
    assert not canary.exists(), "a background process wrote outside the sandbox"
    assert sorted(p.name for p in tmp_path.rglob("*")) == before, "the submission folder was changed"
    assert record.seconds < 120


def test_symlink_to_outside_is_not_graded(host, tmp_path):
    sub = tmp_path / "linker"
    sub.mkdir()
    (sub / "tensors.py").symlink_to(ROOT / "solutions" / "tensors.py")
    record = _grade(host, sub)
    assert record.score == 0 and any("symbolic link" in p for p in record.problems)


def test_zip_with_parent_entries_is_refused_and_nothing_is_extracted(host, tmp_path):
    archive = tmp_path / "zipper.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("../../tensors.py", _base())
        zf.writestr("../evil.txt", "x")
    record = _grade(host, archive, "zip")
    assert record.score == 0
    assert not (tmp_path.parent / "evil.txt").exists()


LOUD = b"""
import os, sys
_MB = "x" * (1 << 20)
for _ in range(100):  # 100 MB at import
    print(_MB)
_reference_samples_first = samples_first


def samples_first(x, sample_axis):
    for _ in range(150):  # and 300 MB more on every call, on both streams and the raw descriptor
        sys.stdout.write(_MB)
        os.write(2, _MB.encode())
    return _reference_samples_first(x, sample_axis)
"""


def _writer(targets) -> bytes:
    text = (REDTEAM / "write_others.py").read_text()
    return text.replace("TARGETS = []", f"TARGETS = {[str(t) for t in targets]!r}").encode()


def _snapshot(folder: Path) -> dict:
    """Every path below ``folder`` with its bytes (folders as None)."""
    return {str(p.relative_to(folder)): (None if p.is_dir() else p.read_bytes()) for p in sorted(folder.rglob("*"))}


def _outcomes(record) -> list:
    return [(row.id, row.earned, [(t.name, t.outcome) for t in row.tests]) for row in record.exercises]


def test_the_writer_attack_works_when_nothing_stops_it(tmp_path, monkeypatch):
    """The control: run outside any sandbox, write_others really vandalizes a class and its results
    (only the folders it is given, all inside tmp_path)."""
    monkeypatch.chdir(tmp_path)
    decoy = tmp_path / "decoy"
    _make(decoy, "victim")
    (decoy / "out" / "records").mkdir(parents=True)
    (decoy / "out" / "records" / "victim.json").write_text('{"score": 1}')
    before = _snapshot(decoy)
    namespace = {}
    exec(compile(_writer([decoy]), "write_others", "exec"), namespace)
    namespace["samples_first"]([1], 0)
    after = _snapshot(decoy)
    assert after != before
    assert b"vandalized" in after["victim/tensors.py"] and "planted.txt" in after
    assert json.loads(after["out/records/victim.json"])["score"] == 1000


def test_batch_grades_the_class_like_each_alone(mode, host, tmp_path):
    if _plain_floor_without_uid(mode):
        pytest.skip("the rlimits floor without a separate uid cannot keep a submission from other files")
    subs, out, elsewhere = tmp_path / "class", tmp_path / "out", tmp_path / "elsewhere"
    _make(elsewhere, "bystander")
    _make(subs, "a_honest")
    _make(subs, "aa_writer", _writer([subs, out, elsewhere]))
    _make(subs, "b_exit", (REDTEAM / "exit_at_import.py").read_bytes())
    _make(subs, "c_hang", (REDTEAM / "hang.py").read_bytes())
    with zipfile.ZipFile(subs / "d_zipped.zip", "w") as zf:
        zf.writestr("repo/keraskit-copy/tensors.py", _base().replace(b"\n", b"\r\n"))
    _make(subs, "f_loud", LOUD)
    alone = {name: _grade(host, subs / name) for name in ("a_honest", "f_loud")}
    class_before, elsewhere_before = _snapshot(subs), _snapshot(elsewhere)
    records = batch.autograde(subs, out, jobs=2, limits=LIMITS, exercises=EXERCISES, topics=["tensors"],
                              progress=False)
    by = {r.student: r for r in records}
    assert by["a_honest"].score == by["a_honest"].max_score > 0
    assert by["d_zipped"].score == by["a_honest"].score
    assert by["b_exit"].score == 0
    assert _earned(by["c_hang"])[ATTACKED] == 0 and _earned(by["c_hang"])[CONTROL] > 0
    # writing into other submissions and into --out changed nothing: the others are graded as alone
    assert _earned(by["aa_writer"])[ATTACKED] == 0
    for name in ("a_honest", "f_loud"):
        assert _outcomes(by[name]) == _outcomes(alone[name]), name
    assert _snapshot(subs) == class_before and _snapshot(elsewhere) == elsewhere_before
    students = sorted(by)
    expected = {"grades.csv", "summary.png", "report.html", "insight.json", "feedback", "results", "records"}
    expected |= {f"{kind}/{s}.{ext}" for s in students for kind, ext in
                 (("feedback", "md"), ("results", "json"), ("records", "json"))}
    assert set(_snapshot(out)) == expected
    for student, record in by.items():
        assert json.loads((out / "records" / f"{student}.json").read_text()) == record.to_json()
    # hundreds of MB printed: graded normally, and nothing of it is kept
    assert by["f_loud"].score == by["f_loud"].max_score
    assert by["f_loud"].seconds < 60
    assert all(p.stat().st_size < 64 * 1024 for p in out.rglob("*") if p.is_file() and p.suffix != ".png")
    rows = (out / "grades.csv").read_text().splitlines()
    assert rows[0].startswith("student,score,max_score,status,isolation,tensors") and len(rows) == 1 + len(students)
    # the hang is named where the instructor looks: the problems column and autograde's last lines
    assert "time-out" in report.problems_of(by["c_hang"])
    assert any(row.startswith("c_hang,") and "time-out" in row for row in rows)
    closing = report.closing_lines(records, out, "")
    assert any(line.startswith("  c_hang: time-out") and "c_hang.json" in line for line in closing)
    gs = json.loads((out / "results" / "a_honest.json").read_text())
    assert gs["score"] == by["a_honest"].score and all("visibility" in t for t in gs["tests"])
    assert (out / "feedback" / "b_exit.md").read_text().strip()
    assert (out / "summary.png").stat().st_size > 1000
    # a rerun skips finished submissions
    stamp = (out / "records" / "a_honest.json").stat().st_mtime_ns
    batch.autograde(subs, out, jobs=1, limits=LIMITS, exercises=EXERCISES, topics=["tensors"], progress=False)
    assert (out / "records" / "a_honest.json").stat().st_mtime_ns == stamp


LINGER = b"""
import os, sys, time
_reference_samples_first = samples_first
_started = []


def samples_first(x, sample_axis):
    # a background process in its own session that keeps rewriting a finished result
    if not _started and os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            for _ in range(300):
                for path in TARGETS:
                    try:
                        open(path, "w").write('{"score": 1000}')
                    except OSError:
                        pass
                time.sleep(0.1)
        os._exit(0)
    _started.append(1)
    return _reference_samples_first(x, sample_axis)
"""


def _uid_of(pid: int):
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("Uid:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def _floor_processes() -> list[int]:
    """Processes running as one of the floor's worker uids."""
    low, high = sandbox.FLOOR_UID_BASE, sandbox.FLOOR_UID_BASE + sandbox.FLOOR_UID_SPAN
    return [int(e) for e in os.listdir("/proc") if e.isdigit() and low <= (_uid_of(int(e)) or -1) < high]


@pytest.mark.parametrize("floor", ["landlock", "rlimits"])
def test_the_floor_without_bwrap_still_protects_the_class(floor, monkeypatch, tmp_path):
    if floor not in MODES:
        pytest.skip(f"no Landlock here: {sandbox.landlock_works()[1]}")
    if floor == "rlimits" and sandbox.floor_uid() is None:
        pytest.skip("the rlimits floor protects the class only through a separate uid, and there is none "
                    f"here: {sandbox.uid_can_run_python()[1]}")
    monkeypatch.setenv(sandbox.NO_BWRAP_ENV, "1")  # the host processes inherit it
    monkeypatch.setenv(sandbox.MODE_ENV, floor)
    doctor = subprocess.run([sys.executable, "-m", "keraskit.cli", "doctor"], capture_output=True, text=True,
                            timeout=180)
    assert f"mode: {floor} " in doctor.stdout and "[!!]" not in doctor.stdout, doctor.stdout + doctor.stderr
    if floor == "landlock":
        assert doctor.returncode == 0 and "all protections of the landlock mode active" in doctor.stdout
        assert "measured: read_outside refused" in doctor.stdout and "tcp_connect refused" in doctor.stdout
    else:
        assert doctor.returncode == 1, doctor.stdout
        assert "[--] filesystem: reads: MISSING" in doctor.stdout
        assert "[--] filesystem: writes: MISSING" in doctor.stdout
    subs, out, elsewhere = tmp_path / "class", tmp_path / "out", tmp_path / "elsewhere"
    _make(elsewhere, "bystander")
    _make(subs, "a_honest")
    _make(subs, "b_writer", _writer([subs, out, elsewhere]))
    victims = [str(out / "records" / "a_honest.json"), str(out / "grades.csv")]
    _make(subs, "c_linger", f"TARGETS = {victims!r}\n".encode() + LINGER)
    class_before, elsewhere_before = _snapshot(subs), _snapshot(elsewhere)
    records = batch.autograde(subs, out, jobs=1, limits=LIMITS, exercises=EXERCISES, topics=["tensors"],
                              progress=False)
    by = {r.student: r for r in records}
    assert {r.mode for r in records} == {floor}
    assert by["a_honest"].score == by["a_honest"].max_score > 0
    assert by["c_linger"].score == by["c_linger"].max_score
    assert _earned(by["b_writer"]) == {ATTACKED: 0, CONTROL: _earned(by["a_honest"])[CONTROL]}
    assert _snapshot(subs) == class_before and _snapshot(elsewhere) == elsewhere_before
    time.sleep(1.0)  # a lingering writer would have struck by now
    assert json.loads((out / "records" / "a_honest.json").read_text()) == by["a_honest"].to_json()
    assert "1000" not in (out / "grades.csv").read_text()
    assert not list(out.rglob("planted*")) and not (out / "records" / "zz_ghost.json").exists()
    assert _floor_processes() == [], "a process of the submission outlived the batch"


PLANT = b"""
import importlib, os, sys
_reference_samples_first = samples_first
MARK = "keraskit_planted_mark"


def _places():
    import keraskit, tempfile
    found = [os.getcwd(), tempfile.gettempdir(), "/tmp", "/dev/shm", "/var/tmp", os.path.expanduser("~"), "/",
             os.path.dirname(os.path.dirname(keraskit.__file__)), os.path.dirname(os.getcwd())]
    return [p for p in dict.fromkeys(found + [p for p in sys.path if p]) if os.path.isdir(p)]


def _plant(path, text):
    try:  # O_EXCL: never overwrite a file that is there (the stdlib's own csv.py)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except OSError:
        return False
    os.write(fd, text.encode())
    os.close(fd)
    return True


# The kernel keyrings belong to a uid, not to a folder: a key would outlive the submission.
KEY_CALLS = {"x86_64": (248, 250), "aarch64": (217, 219)}  # add_key, keyctl
KEYRINGS = (-4, -5, -3)  # KEY_SPEC_USER_KEYRING, _USER_SESSION_KEYRING, _SESSION_KEYRING
KEYCTL_SET_TIMEOUT, KEYCTL_SEARCH, KEYCTL_INVALIDATE = 15, 10, 21


def _keyring_call():
    import ctypes, platform
    return ctypes.CDLL(None, use_errno=True).syscall, KEY_CALLS.get(platform.machine())


def _plant_keys():
    import ctypes
    syscall, calls = _keyring_call()
    if calls is None:
        return
    for ring in KEYRINGS:
        key = syscall(ctypes.c_long(calls[0]), b"user", MARK.encode(), b"x", ctypes.c_size_t(1), ctypes.c_int(ring))
        if key > 0:  # only if the filter failed: let the key expire soon, wherever it landed
            syscall(ctypes.c_long(calls[1]), ctypes.c_int(KEYCTL_SET_TIMEOUT), ctypes.c_int(key), ctypes.c_uint(60))


def _keys_found():
    import ctypes
    syscall, calls = _keyring_call()
    found = []
    if calls is not None:
        for ring in KEYRINGS:
            key = syscall(ctypes.c_long(calls[1]), ctypes.c_int(KEYCTL_SEARCH), ctypes.c_int(ring), b"user",
                          MARK.encode(), ctypes.c_int(0))
            if key > 0:
                found.append(f"key in keyring {ring}")
                syscall(ctypes.c_long(calls[1]), ctypes.c_int(KEYCTL_INVALIDATE), ctypes.c_int(key))
    try:  # what the keyctl refusal would hide: the keys this uid can view
        with open("/proc/keys") as fh:
            if MARK in fh.read():
                found.append("key in /proc/keys")
    except OSError:
        pass
    return found


def samples_first(x, sample_axis):
    if PHASE == "plant":
        for place in _places():
            _plant(os.path.join(place, MARK), "x")
            _plant(os.path.join(place, "keraskit_planted_mod.py"), "PLANTED = True\\n")
            _plant(os.path.join(place, "csv.py"), "PLANTED = True\\n")
        _plant_keys()
        return _reference_samples_first(x, sample_axis)
    found = [p for p in _places() if os.path.exists(os.path.join(p, MARK))
             or os.path.exists(os.path.join(p, "keraskit_planted_mod.py"))
             or b"PLANTED" in (open(os.path.join(p, "csv.py"), "rb").read()
                               if os.path.isfile(os.path.join(p, "csv.py")) else b"")]
    found += _keys_found()
    try:  # a name built at run time: the grader's import rule reads literal imports only
        importlib.import_module("keraskit_planted" + "_mod")  # importable at all is the finding
        found.append("keraskit_planted_mod importable")
    except ImportError:
        pass
    if found:
        raise RuntimeError(f"left by the previous submission: {found}")
    return _reference_samples_first(x, sample_axis)
"""


def test_nothing_a_submission_plants_reaches_the_next(mode, host, tmp_path):
    """One submission writes a marker, a module and a csv.py into every place it can write (its
    folder, /tmp, /dev/shm, /var/tmp, home, /, every sys.path folder) and a key into every kernel
    keyring it can reach (user, user session, session); the next sees none."""
    if _plain_floor_without_uid(mode):
        pytest.skip("the rlimits floor without a separate uid runs student code with the grader's own uid: "
                    "planting would write into the real Python installation")
    planter = _make(tmp_path, "planter", b'PHASE = "plant"\n' + PLANT)
    checker = _make(tmp_path, "checker", b'PHASE = "check"\n' + PLANT)
    planted = _grade(host, planter)
    assert _earned(planted)[ATTACKED] > 0, [t for r in planted.exercises for t in r.tests]
    record = _grade(host, checker)
    assert _earned(record)[ATTACKED] > 0, [t for r in record.exercises for t in r.tests]


SLOW = b"""
import time
_reference_samples_first = samples_first
_slept = []


def samples_first(x, sample_axis):
    if not _slept:  # correct, but the first call takes 8 s: time to press Ctrl-C
        _slept.append(1)
        time.sleep(8)
    return _reference_samples_first(x, sample_axis)
"""


def _start_time(pid: int):
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
        return int(stat[stat.rindex(b")") + 2:].split()[19])
    except (OSError, ValueError, IndexError):
        return None


def _tree(root: int) -> dict:
    """{pid: start time} of ``root``'s descendants."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as fh:
                    stat = fh.read()
                parents[int(entry)] = int(stat[stat.rindex(b")") + 2:].split()[1])
            except (OSError, ValueError):
                pass
    found, frontier = {}, {root}
    while frontier:
        frontier = {pid for pid, ppid in parents.items() if ppid in frontier and pid not in found}
        found.update({pid: _start_time(pid) for pid in frontier})
    return found


def test_ctrl_c_loses_nothing_and_a_rerun_finishes_the_rest(tmp_path):
    subs, out = tmp_path / "class", tmp_path / "out"
    for name in ("a_first", "b_second", "d_fourth"):
        _make(subs, name)
    _make(subs, "c_slow", SLOW)
    cmd = [sys.executable, "-m", "keraskit.cli", "autograde", str(subs), "--out", str(out), "--jobs", "1",
           "--timeout", "30", "--submission-timeout", "60", "--memory", "512",
           "--exercise", ATTACKED, "--exercise", CONTROL,
           "--allow-unisolated"]  # the module's last mode stays set (rlimits too): Ctrl-C is tried in it
    log = (tmp_path / "log.txt").open("w")
    process = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                               preexec_fn=hear_ctrl_c)
    try:
        deadline = time.monotonic() + 240
        finished = [out / "records" / f"{s}.json" for s in ("a_first", "b_second")]
        while not all(f.exists() for f in finished):
            assert process.poll() is None and time.monotonic() < deadline, (tmp_path / "log.txt").read_text()
            time.sleep(0.2)
        time.sleep(1.0)  # c_slow is being graded now
        tree = _tree(process.pid)
        assert tree, "no host process to interrupt"
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        assert process.wait(timeout=90) == 130, (tmp_path / "log.txt").read_text()
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()
    assert "interrupted: 2 finished submissions are saved" in (tmp_path / "log.txt").read_text()
    saved = {f.name: (f.read_bytes(), f.stat().st_mtime_ns) for f in (out / "records").glob("*.json")}
    assert set(saved) == {"a_first.json", "b_second.json"}
    assert all(json.loads(data)["score"] == 2 for data, _ in saved.values())
    assert len((out / "grades.csv").read_text().splitlines()) == 3
    assert not list(out.rglob("*.tmp")), "a half-written file was left"
    deadline = time.monotonic() + 20
    while any(_start_time(pid) == start for pid, start in tree.items()) and time.monotonic() < deadline:
        time.sleep(0.2)
    stray = [pid for pid, start in tree.items() if _start_time(pid) == start]
    assert not stray, f"processes outlived Ctrl-C: {stray}"

    (subs / "c_slow" / "tensors.py").write_bytes(_base())  # the same answer, without the pause
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    for name, (data, mtime) in saved.items():  # finished ones were not regraded
        path = out / "records" / name
        assert path.read_bytes() == data and path.stat().st_mtime_ns == mtime
    records = {p.stem: json.loads(p.read_text()) for p in (out / "records").glob("*.json")}
    assert set(records) == {"a_first", "b_second", "c_slow", "d_fourth"}
    assert all(r["score"] == r["max_score"] == 2 for r in records.values())
    assert len((out / "grades.csv").read_text().splitlines()) == 5
