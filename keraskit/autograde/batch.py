"""Grading a class: N judge hosts in parallel, results written as each submission finishes.

The coordinator (this process) never imports Keras and never runs student code. A finished
submission has ``records/<student>.json``; a rerun skips it unless ``force``. A host that dies
costs only the submission it was grading (recorded as an error), and is replaced.

Nothing outlives the coordinator, however it ends: each host dies with it (``PR_SET_PDEATHSIG``),
and each host's judge child, model-check helper and worker server die with the host in turn. A
run that was killed leaves finished records behind: the next run writes ``grades.csv`` and the
summary from them before grading the rest, and with nothing left to grade it only rewrites them.
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

from keraskit import catalogue, layout
from keraskit.atomic import write_atomic
from keraskit.autograde import procs, results, sandbox, selfcheck, submissions
from keraskit.autograde.sandbox import Limits
from keraskit.errors import INTERRUPTED

INTERRUPT_GRACE = 20.0  # seconds a host gets to stop its sandbox after Ctrl-C


class _Host:
    def __init__(self):
        self.process = subprocess.Popen([sys.executable, "-m", "keraskit.autograde.host"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True, bufsize=1,
                                        preexec_fn=procs.preexec_die_with_parent())
        self.job: submissions.Submission | None = None

    def send(self, job: dict, submission) -> None:
        self.job = submission
        self.process.stdin.write(json.dumps(job) + "\n")
        self.process.stdin.flush()

    def close(self, *, interrupted: bool = False) -> None:
        """An idle host ends when its stdin closes; a busy one is interrupted (Ctrl-C) and waited for."""
        try:
            if interrupted and self.process.poll() is None:
                self.process.send_signal(signal.SIGINT)  # it kills its judge child and its sandbox
            self.process.stdin.close()
        except OSError:
            pass
        try:
            self.process.wait(timeout=INTERRUPT_GRACE if interrupted else 30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def was_interrupted(self) -> bool:
        try:
            code = self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            return False
        return code in (INTERRUPTED, -signal.SIGINT)


def _topics_to_check(exercises, topics) -> list[str]:
    return layout.graded_topics(layout.KIT.hidden_tests, exercises, topics)


def _split(topics: list[str], parts: int) -> list[list[str]]:
    """Topics shared among ``parts`` hosts, the biggest hidden suites first, each to the least loaded."""
    shares: list[list[str]] = [[] for _ in range(max(1, min(parts, len(topics))))]
    loads = [0] * len(shares)
    for topic in sorted(topics, key=lambda t: -layout.KIT.topic(t).hidden.stat().st_size):
        i = loads.index(min(loads))
        shares[i].append(topic)
        loads[i] += layout.KIT.topic(topic).hidden.stat().st_size
    return shares


def self_check(hosts: list, job_base: dict, exercises=(), topics=None) -> None:
    """The grader grades right here (``keraskit.autograde.selfcheck``), or ``SelfCheckFailed``.

    With the reference, its topics are graded in parallel on the hosts; without it, one host runs
    the probe. Passing is cached: a rerun of the same kit in the same mode pays nothing.
    """
    if not hosts:
        return

    def answers_of(jobs: list) -> list[dict]:
        for host, job, reference in jobs:
            host.send(job, reference)
        answers = []
        for host, _, _ in jobs:
            line = host.process.stdout.readline()
            host.job = None
            if not line:
                raise selfcheck.SelfCheckFailed("self-check failed: a judge process ended during the self-check")
            answers.append(json.loads(line))
        return answers

    def grade_reference(reference) -> list[dict]:
        shares = _split(_topics_to_check(exercises, topics), len(hosts))
        jobs = [(host, {**job_base, "topics": share, "student": reference.student, "path": str(reference.path),
                        "kind": reference.kind, "notebooks": []}, reference) for host, share in zip(hosts, shares)]
        return [{"problems": [a["judge_error"]]} if "judge_error" in a else a for a in answers_of(jobs)]

    def run_probe() -> dict:
        return answers_of([(hosts[0], {**job_base, "probe": True}, None)])[0]

    # the mode the hosts grade in (bwrap, landlock or rlimits, KERASKIT_SANDBOX included)
    selfcheck.check(sandbox.choose_mode()[0], grade_reference, run_probe, exercises=exercises, topics=topics)


def _progress(done: int, total: int, current: str) -> None:
    width = 30
    filled = int(width * done / total) if total else width
    sys.stderr.write(f"\r[{'#' * filled}{'-' * (width - filled)}] {done}/{total} {current[:30]:<30}")
    sys.stderr.flush()


def _remove_stale_temporaries(out: Path) -> None:
    """Half-written files of a run that was killed (``keraskit.atomic.write_atomic`` names them .*.tmp)."""
    for folder in (out, out / "records", out / "feedback", out / "results"):
        for stale in folder.glob(".*.tmp") if folder.is_dir() else ():
            stale.unlink(missing_ok=True)


def write_summaries(out: Path, everyone, records: dict[str, dict]) -> list[dict]:
    """grades.csv and summary.png from the finished records, in the class's order."""
    ordered = [records[s.student] for s in everyone if s.student in records]
    write_atomic(out / "grades.csv", results.grades_csv(ordered, catalogue.load().topic_ids))
    if ordered:
        results.summary_png(ordered, out / "summary.png")
    return ordered


def autograde(folder: Path, out: Path, *, jobs: int = 1, limits: Limits = Limits(), force: bool = False,
              exercises=(), topics=None, progress: bool = True, check: bool = True) -> list[dict]:
    """Grade every submission in ``folder`` into ``out``; ``check``: the self-check first
    (``selfcheck.SelfCheckFailed`` if the grader does not grade the reference right here)."""
    if jobs < 1:
        raise ValueError(f"--jobs must be at least 1, got {jobs}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(out)
    everyone = submissions.discover(folder)
    records: dict[str, dict] = {}
    todo = []
    for sub in everyone:
        finished = out / "records" / f"{sub.student}.json"
        if finished.is_file() and not force:
            records[sub.student] = json.loads(finished.read_text())
        else:
            todo.append(sub)
    total, done = len(everyone), len(records)
    if records or not todo:  # what a killed run finished is summarised before anything else
        write_summaries(out, everyone, records)
    if not todo:
        return [records[s.student] for s in everyone]
    job_base = {"limits": asdict(limits), "exercises": list(exercises), "topics": topics}
    hosts = [_Host() for _ in range(min(jobs, len(todo)))]
    selector = selectors.DefaultSelector()
    for host in hosts:
        selector.register(host.process.stdout, selectors.EVENT_READ, host)
    queue = list(todo)
    graded_ids = None
    interrupted = False
    try:
        if check:
            self_check(hosts, job_base, exercises, topics)
        for host in hosts:
            if queue:
                sub = queue.pop(0)
                host.send({**job_base, "student": sub.student, "path": str(sub.path), "kind": sub.kind,
                           "notebooks": [str(n) for n in sub.notebooks]}, sub)
        busy = sum(h.job is not None for h in hosts)
        while busy:
            for key, _ in selector.select():
                host = key.data
                line = host.process.stdout.readline()
                sub = host.job
                if not line:  # the host died: its submission is an error, a new host takes over
                    selector.unregister(host.process.stdout)
                    if host.was_interrupted():  # Ctrl-C reached the host first: not the submission's fault
                        raise KeyboardInterrupt
                    host.close()
                    graded_ids = graded_ids or results.graded_exercises(set(catalogue.load().topic_ids), exercises)
                    record = results.error_record(sub.student, graded_ids, "the judge process failed")
                    hosts.remove(host)
                    host = _Host()
                    hosts.append(host)
                    selector.register(host.process.stdout, selectors.EVENT_READ, host)
                else:
                    record = json.loads(line)
                    if "judge_error" in record:
                        graded_ids = graded_ids or results.graded_exercises(
                            set(catalogue.load().topic_ids), exercises)
                        record = results.error_record(sub.student, graded_ids, record["judge_error"])
                results.write_submission(out, record)
                records[sub.student] = record
                done += 1
                busy -= 1
                host.job = None
                if progress:
                    _progress(done, total, sub.student)
                if queue:
                    nxt = queue.pop(0)
                    host.send({**job_base, "student": nxt.student, "path": str(nxt.path), "kind": nxt.kind,
                               "notebooks": [str(n) for n in nxt.notebooks]}, nxt)
                    busy += 1
    except KeyboardInterrupt:
        interrupted = True
        raise
    finally:
        for host in hosts:
            host.close(interrupted=interrupted)
        if progress:
            sys.stderr.write("\n")
        ordered = write_summaries(out, everyone, records)
    return ordered
