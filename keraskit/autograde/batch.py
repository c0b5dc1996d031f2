"""Grading a class: N judge hosts in parallel, results written as each submission finishes.

The coordinator (this process) never imports Keras and never runs student code. A finished
submission has ``records/<student>.json``, with the digests of what it was graded from; a rerun
grades again exactly the submissions whose digest changed, everyone when the kit changed, or
everyone with ``force`` (``keraskit.autograde.freshness``). A host that dies
costs only the submission it was grading (recorded as an error), and is replaced.

Nothing outlives the coordinator, however it ends: each host dies with it (``PR_SET_PDEATHSIG``),
and each host's judge child, model-check helper and worker server die with the host in turn. A
run that was killed leaves finished records behind: the next run writes ``grades.csv`` and the
summary from them before grading the rest, and with nothing left to grade it only rewrites them.
"""

from __future__ import annotations

import json
import selectors
import signal
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from keraskit import board, catalogue, layout
from keraskit.atomic import write_atomic
from keraskit.autograde import (
    classreport,
    exports,
    freshness,
    integrity,
    lms,
    procs,
    results,
    sandbox,
    selfcheck,
    shards,
    submissions,
)
from keraskit.autograde.record import FEEDBACK_BRIEF, FEEDBACK_MODES, JUDGE_ERROR, GradeRecord, RecordStatus
from keraskit.autograde.sandbox import Limits
from keraskit.errors import INTERRUPTED
from keraskit.i18n import t

INTERRUPT_GRACE = 20.0  # seconds a host gets to stop its sandbox after Ctrl-C
PROGRESS_WIDTH = 30  # characters of the progress bar


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

    def grade_reference(reference) -> list[GradeRecord]:
        shares = _split(_topics_to_check(exercises, topics), len(hosts))
        jobs = [(host, {**_job(job_base, reference), "topics": share}, reference) for host, share in zip(hosts, shares)]
        # a judge that graded nothing: its reason is the one problem, no exercise is blamed
        return [GradeRecord(reference.student, RecordStatus.ERROR, problems=[a[JUDGE_ERROR]]) if JUDGE_ERROR in a
                else GradeRecord.from_json(a) for a in answers_of(jobs)]

    def run_probe() -> dict:
        return answers_of([(hosts[0], {**job_base, "probe": True}, None)])[0]

    # the mode the hosts grade in (bwrap, landlock or rlimits, KERASKIT_SANDBOX included)
    selfcheck.check(sandbox.choose_mode()[0], grade_reference, run_probe, exercises=exercises, topics=topics)


def _progress(done: int, total: int, current: str) -> None:
    sys.stderr.write(f"\r{board.progress_bar(done, total, PROGRESS_WIDTH)} {done}/{total} {current[:30]:<30}")
    sys.stderr.flush()


def _job(job_base: dict, sub: submissions.Submission) -> dict:
    """The line a host reads to grade ``sub`` (see ``keraskit.autograde.host.main``)."""
    return {**job_base, "student": sub.student, "path": str(sub.path), "kind": sub.kind,
            "notebooks": [str(n) for n in sub.notebooks]}


def _remove_stale_temporaries(out: Path) -> None:
    """Half-written files of a run that was killed (``keraskit.atomic.write_atomic`` names them .*.tmp)."""
    for folder in (out, out / "records", out / "feedback", out / "results"):
        for stale in folder.glob(".*.tmp") if folder.is_dir() else ():
            stale.unlink(missing_ok=True)


def write_summaries(out: Path, everyone, records: dict[str, GradeRecord],
                    csv_name: str = "grades.csv", folder: Path | None = None) -> list[GradeRecord]:
    """grades.csv (``csv_name``; with the platform's ids of an LMS download) and summary.png from
    the finished records, in the class's order, and the class report (``keraskit.autograde.classreport``;
    its similarity reads the submissions in ``folder``); a shard writes only its own csv."""
    ordered = [records[s.student] for s in everyone if s.student in records]
    write_atomic(out / csv_name, exports.with_identity(results.grades_csv(ordered, catalogue.load().topic_ids),
                                                        lms.load_roster(out)))
    if ordered and csv_name == "grades.csv":
        results.summary_png(ordered, out / "summary.png")
        classreport.write_after_grading(out, ordered, folder)
    return ordered


def _saved_digests(out: Path, everyone) -> tuple[dict[str, GradeRecord], dict[str, dict | None]]:
    """The records an earlier run finished, and each one's digest (None: it has none, or cannot be read)."""
    records: dict[str, GradeRecord] = {}
    digests: dict[str, dict | None] = {}
    for sub in everyone:
        finished = out / "records" / f"{sub.student}.json"
        if not finished.is_file():
            continue
        try:
            records[sub.student] = results.read_record(finished)
        except (OSError, ValueError, KeyError, TypeError):
            digests[sub.student] = None  # unreadable: graded again
            continue
        digests[sub.student] = records[sub.student].digest
    return records, digests


def digests_now(everyone, exercises=(), topics=None, limits: Limits = Limits()) -> tuple[dict, dict[str, str]]:
    """The kit's digest for this selection and limits, and each submission's as it is now: what a
    record keeps (``record.digest``) and a rerun compares (``keraskit.autograde.freshness``)."""
    topic_ids = layout.graded_topics(layout.KIT.hidden_tests, exercises, topics)
    kit = freshness.kit_digest(results.graded_exercises(set(topic_ids), exercises), topic_ids,
                               exercises=exercises, topics=topics, limits=asdict(limits))
    return kit, _submission_digests(everyone, topic_ids)


def _submission_digests(everyone, topic_ids) -> dict[str, str]:
    """Each submission's digest as it is now: its module files read as a host reads them (nothing
    runs; ``submissions.read_sources``)."""
    digests = {}
    for sub in everyone:
        sources = submissions.read_sources(sub, topic_ids)
        digests[sub.student] = freshness.submission_digest(sources.files, sources.problems)
    return digests


def _error_record(student: str, message: str, exercises, topics=None) -> GradeRecord:
    topic_ids = layout.graded_topics(layout.KIT.hidden_tests, exercises, topics)
    return GradeRecord.error(student, results.graded_exercises(set(topic_ids), exercises), message)


def _record_of(answer: str, student: str, exercises, topics=None) -> GradeRecord:
    """A host's answer line: the submission's record, or the judge's error as an error record."""
    data = json.loads(answer)
    if JUDGE_ERROR in data:
        return _error_record(student, data[JUDGE_ERROR], exercises, topics)
    return GradeRecord.from_json(data)


class _Pool:
    """The judge hosts, and which of them has answered; a host that dies is replaced."""

    def __init__(self, size: int):
        self.hosts: list[_Host] = []
        self.selector = selectors.DefaultSelector()
        for _ in range(size):
            self._add()

    def _add(self) -> _Host:
        host = _Host()
        self.hosts.append(host)
        self.selector.register(host.process.stdout, selectors.EVENT_READ, host)
        return host

    def answered(self) -> list[_Host]:
        """The hosts with a line (or their end) to read; blocks until there is one."""
        return [key.data for key, _ in self.selector.select()]

    def replace(self, host: _Host) -> _Host:
        self.selector.unregister(host.process.stdout)
        host.close()
        self.hosts.remove(host)
        return self._add()

    def close(self, *, interrupted: bool) -> None:
        for host in self.hosts:
            host.close(interrupted=interrupted)


def _grade_queue(pool: _Pool, queue: list, job_base: dict, exercises, topics, finished,
                 before_each=lambda: None) -> None:
    """Grade every submission of ``queue`` on the pool's hosts, one at a time each;
    ``finished(submission, record)`` as each answer comes in; ``before_each()`` before each
    submission is handed to a host (the check of the judge's files, which may raise)."""
    for host in pool.hosts:
        if queue:
            before_each()
            host.send(_job(job_base, queue[0]), queue.pop(0))
    busy = sum(h.job is not None for h in pool.hosts)
    while busy:
        for host in pool.answered():
            line = host.process.stdout.readline()
            sub = host.job
            if line:
                record = _record_of(line, sub.student, exercises, topics)
            else:  # the host died: its submission is an error, a new host takes over
                if host.was_interrupted():  # Ctrl-C reached the host first: not the submission's fault
                    raise KeyboardInterrupt
                host = pool.replace(host)
                record = _error_record(sub.student, "the judge process failed", exercises, topics)
            finished(sub, record)
            busy -= 1
            host.job = None
            if queue:
                before_each()
                host.send(_job(job_base, queue[0]), queue.pop(0))
                busy += 1


@dataclass
class Run:
    """What one ``autograde`` did: the records in the class's order, and the plan it followed."""
    records: list[GradeRecord]
    plan: freshness.Plan


def autograde(folder: Path, out: Path, **options) -> list[GradeRecord]:
    """``autograde_run``'s records, in the class's order."""
    return autograde_run(folder, out, **options).records


def autograde_run(folder: Path, out: Path, *, jobs: int = 1, limits: Limits = Limits(), force: bool = False,
                  exercises=(), topics=None, progress: bool = True, check: bool = True,
                  feedback: str = FEEDBACK_BRIEF, say=None, platform: str | None = None,
                  shard: tuple[int, int] | None = None) -> Run:
    """Grade every submission in ``folder`` into ``out``; ``check``: the self-check first
    (``selfcheck.SelfCheckFailed`` if the grader does not grade the reference right here);
    ``feedback``: how much of a failure the feedback files show (``record.FEEDBACK_MODES``; the
    feedback of submissions finished before is written again in it).

    The judge's own files are checked before each submission is handed to a host, and once
    more at the end (``keraskit.autograde.integrity``): a change stops the batch at once, the
    records finished since the last good check are set apart (``results.set_apart``) and
    ``integrity.JudgeFilesChanged`` names them.

    A submission with a record is graded again only if it or the kit changed since
    (``keraskit.autograde.freshness``), or with ``force``; ``say(line)`` hears why everyone is,
    when the kit changed. ``platform``: the LMS whose bulk download ``folder`` is
    (``keraskit.autograde.lms``; detected when None); ``shard``: (K, N), grade only shard K of N
    (``keraskit.autograde.shards``)."""
    if feedback not in FEEDBACK_MODES:
        raise ValueError(f"feedback must be one of {', '.join(FEEDBACK_MODES)}, got {feedback!r}")
    if jobs < 1:
        raise ValueError(f"--jobs must be at least 1, got {jobs}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if not shard:  # shards may share ``out``: another one's temporary file is no stale one
        _remove_stale_temporaries(out)
    intake = lms.discover(folder, out, platform)
    for name, why in intake.ignored:  # nothing of a download is left out without saying why
        print(t("autograde.lms_not_graded", name=name, why=why), file=sys.stderr)
    everyone = intake.submissions
    roster = lms.load_roster(out) if intake.platform else {}
    csv_name = "grades.csv"
    if shard:
        everyone = shards.share(everyone, roster, shard)
        csv_name = f"grades-shard-{shard[0]}-of-{shard[1]}.csv"
    kit, current = digests_now(everyone, exercises, topics, limits)
    saved_records, saved = _saved_digests(out, everyone)
    plan = freshness.plan([s.student for s in everyone], saved, current, kit, force=force)
    if say is not None and plan.kit_reason() and not force:
        say(plan.kit_reason())
    records = {student: saved_records[student] for student in plan.kept}
    todo = [s for s in everyone if s.student in plan.graded]
    for record in records.values():
        results.write_feedback(out, record, feedback)
    if records or not todo:  # what a killed run finished is summarised before anything else
        write_summaries(out, everyone, records, csv_name, folder)
    if not todo:
        return Run([records[s.student] for s in everyone], plan)
    job_base = {"limits": asdict(limits), "exercises": list(exercises), "topics": topics}
    done = len(records)
    # taken before any host starts, so before any student code of this run: the judge's files as they must stay
    judge_files = integrity.JudgeFiles.of_this_kit()
    judge_files.verify(first=True)  # bytecode forged before this run: grade no one
    mode = sandbox.choose_mode()[0]  # the hosts' mode, for the records they could not make themselves
    unchecked: list[str] = []  # students finished since the last good check of the judge's files

    def finished(sub, record: GradeRecord) -> None:
        nonlocal done
        record.digest = {"submission": current[sub.student], "kit": kit}
        record.mode = record.mode or mode
        identity = roster.get(sub.student)
        results.write_submission(out, record, feedback, extra={"lms": identity} if identity else None)
        records[sub.student] = record
        unchecked.append(sub.student)
        done += 1
        if progress:
            _progress(done, len(everyone), sub.student)

    def check_judge_files() -> None:
        judge_files.verify()
        unchecked.clear()  # none of them changed the judge

    pool = _Pool(min(jobs, len(todo)))
    interrupted = False
    try:
        if check:
            self_check(pool.hosts, job_base, exercises, topics)
        _grade_queue(pool, list(todo), job_base, exercises, topics, finished, check_judge_files)
        check_judge_files()  # the last submissions of each host
    except KeyboardInterrupt:
        interrupted = True
        raise
    except integrity.JudgeFilesChanged as changed:
        interrupted = True  # stop every host now: each kills its judge child and sandbox
        grading = [host.job.student for host in pool.hosts if host.job is not None]
        results.set_apart(out, unchecked)
        for student in unchecked:
            records.pop(student, None)
        raise integrity.JudgeFilesChanged(changed.changes, integrity.stop_message(
            changed.changes, list(unchecked), grading, results.set_apart_folder(out))) from None
    finally:
        pool.close(interrupted=interrupted)
        if progress:
            sys.stderr.write("\n")
        ordered = write_summaries(out, everyone, records, csv_name, folder)
    return Run(ordered, plan)
