"""Nothing outlives ``keraskit autograde``, however it ends: here, SIGKILL in the middle of a batch.

In each sandbox mode the machine offers, a batch of five submissions is started; one of them
leaves a background process (in its own session, its command line carrying a token) and then
takes its time. Once that process exists, the coordinator alone gets SIGKILL, as a wall-clock
limit would send it. Within 5 seconds every process of the batch must be gone: the coordinator's
process tree seen before the kill (by pid and start time) and any process carrying the token.
The same command (on one job: a second host would only pay its start-up again for what is left)
then finishes the batch, writing grades.csv from the finished records first, and lists every
submission once (the lingering submission leaves a background process again, without taking its
time: nothing is killed this time, and that process must not outlive the batch either); a third
run with nothing left only rewrites the summaries.
"""

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from keraskit.autograde import isolation, sandbox

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ("tensors.samples_first", "tensors.image_batch_shape")
STUDENTS = ("a_first", "b_linger", "c_third", "d_fourth", "e_fifth")

LINGER = b"""
import os, time
_reference_samples_first = samples_first
_started = []


def samples_first(x, sample_axis):
    if not _started:
        _started.append(1)
        if os.fork() == 0:  # a background process in its own session, orphaned at once
            os.setsid()
            if os.fork() == 0:
                os.execv("/bin/sleep", [TOKEN, "600"])
            os._exit(0)
        time.sleep(PAUSE)  # correct, but slow: the batch is killed meanwhile
    return _reference_samples_first(x, sample_axis)
"""


def _stat_fields(pid: int):
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
        return stat[stat.rindex(b")") + 2:].split()
    except (OSError, ValueError):
        return None


def _tree(root: int) -> dict:
    """{pid: start time} of ``root`` and its descendants."""
    parents = {}
    for entry in os.listdir("/proc"):
        fields = _stat_fields(int(entry)) if entry.isdigit() else None
        if fields:
            parents[int(entry)] = int(fields[1])
    found, frontier = {root: None}, {root}
    while frontier:
        frontier = {pid for pid, ppid in parents.items() if ppid in frontier and pid not in found}
        found.update(dict.fromkeys(frontier))
    return {pid: (_stat_fields(pid) or [None] * 20)[19] for pid in found}


def _alive(tree: dict) -> list[int]:
    return [pid for pid, start in tree.items()
            if (_stat_fields(pid) or [None] * 20)[19] == start and (_stat_fields(pid) or [b"Z"])[0] != b"Z"]


def _with_token(token: str) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as fh:
                    if token.encode() in fh.read():
                        found.append(int(entry))
            except OSError:
                pass
    return found


def _make(folder: Path, name: str, extra: bytes = b"") -> None:
    sub = folder / name
    sub.mkdir(parents=True, exist_ok=True)
    (sub / "tensors.py").write_bytes((ROOT / "solutions" / "tensors.py").read_bytes() + b"\n" + extra)


def _linger(token: str, pause: int) -> bytes:
    return f"TOKEN = {token!r}\nPAUSE = {pause}\n".encode() + LINGER


def _wait_for(condition, seconds: float, what: str, process=None, log=None) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if process is not None and process.poll() is not None:
            pytest.fail(f"the run ended before {what}: {log.read_text()[-3000:] if log else ''}")
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


# the floor: Landlock, or where the machine has none the rlimits floor, which grades only when asked to
MODES = {"bwrap": {}, "floor": {sandbox.NO_BWRAP_ENV: "1", isolation.ALLOW_ENV: "1"}}


@pytest.mark.parametrize("mode", sorted(MODES))
def test_sigkill_mid_batch_leaves_nothing_and_a_rerun_finishes_it(mode, tmp_path):
    if mode == "bwrap" and not sandbox.bwrap_works()[0]:
        pytest.skip(f"bwrap mode: {sandbox.bwrap_works()[1]}")
    token = f"keraskit-linger-{os.getpid()}-{mode}-{tmp_path.name}"
    subs, out = tmp_path / "class", tmp_path / "out"
    for name in STUDENTS:
        _make(subs, name, _linger(token, 15) if name == "b_linger" else b"")
    env = {**os.environ, **MODES[mode]}
    env.pop(sandbox.NO_BWRAP_ENV, None) if mode == "bwrap" else None
    cmd = [sys.executable, "-m", "keraskit.cli", "autograde", str(subs), "--out", str(out), "--jobs", "2",
           "--timeout", "30", "--submission-timeout", "120", "--memory", "1024"]
    for exercise in EXERCISES:
        cmd += ["--exercise", exercise]
    log = tmp_path / "log.txt"
    with log.open("w") as sink:
        process = subprocess.Popen(cmd, stdout=sink, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        _wait_for(lambda: _with_token(token) and list((out / "records").glob("*.json")), 240,
                  "the background process and a finished record", process, log)
        tree = _tree(process.pid)
        assert len(tree) >= 4, tree  # coordinator, two hosts, their judges and servers
        process.send_signal(signal.SIGKILL)  # the coordinator alone, as a wall-clock limit would
        process.wait()
        killed = time.monotonic()
        while (_alive(tree) or _with_token(token)) and time.monotonic() - killed < 5:
            time.sleep(0.1)
        assert _alive(tree) == [], f"processes outlived the SIGKILL: {_alive(tree)}"
        assert _with_token(token) == [], "the submission's background process outlived the batch"
    finally:
        for pid in _alive(_tree(process.pid)) + _with_token(token):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
    finished = {p.stem for p in (out / "records").glob("*.json")}
    assert "b_linger" not in finished and len(finished) < len(STUDENTS)

    # the rerun summarises what was finished before grading the rest, then completes the batch
    (out / "grades.csv").unlink(missing_ok=True)
    _make(subs, "b_linger", _linger(token, 0))  # nothing to wait for: this run is not killed
    cmd[cmd.index("--jobs") + 1] = "1"
    with log.open("w") as sink:
        rerun = subprocess.Popen(cmd, stdout=sink, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        if finished:
            _wait_for(lambda: (out / "grades.csv").exists(), 120, "the early grades.csv", rerun, log)
            early = {row["student"] for row in csv.DictReader((out / "grades.csv").open())}
            assert early == finished and not (out / "records" / "b_linger.json").exists()
        assert rerun.wait(timeout=600) == 0, log.read_text()[-3000:]
    finally:
        if rerun.poll() is None:
            os.killpg(rerun.pid, signal.SIGKILL)
    rows = list(csv.DictReader((out / "grades.csv").open()))
    assert sorted(row["student"] for row in rows) == sorted(STUDENTS)
    assert not list(out.rglob(".*.tmp"))
    assert _with_token(token) == []

    # nothing left to grade: the summaries are rewritten, no record is touched
    records = {p: p.stat().st_mtime_ns for p in (out / "records").glob("*.json")}
    (out / "grades.csv").unlink()
    (out / "summary.png").unlink()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    assert sorted(r["student"] for r in csv.DictReader((out / "grades.csv").open())) == sorted(STUDENTS)
    assert (out / "summary.png").stat().st_size > 0
    assert {p: p.stat().st_mtime_ns for p in records} == records
