"""A judge host: one worker server, and a forked judge child per submission.

``keraskit grade`` runs one host in its own process; ``keraskit autograde --jobs N`` starts N
hosts as ``python -m keraskit.autograde.host``, each reading one job (JSON) per line on stdin
and answering one grade record (JSON) per line on stdout.

The oracle is paid once per class: the judge child that grades the reference (the self-check)
hands its oracle memo back (plain arrays and numbers), the host installs it and saves it in
the cache (``selfcheck.save_oracle_memo``), and every judge child forked afterwards inherits
it. Before each submission the host also installs what the other hosts (or an earlier run of
the same kit) saved. The host itself never runs a TensorFlow op, the hidden tests or student code.

The worker server imports Keras for its children only when a graded module needs it
(``worker_needs_keras``): grading a numpy topic spares each host about 3 s of CPU.
"""

from __future__ import annotations

import ast
import json
import sys
import time
from pathlib import Path

from keraskit import catalogue, imports, layout, oracle, quiet
from keraskit.autograde import judge, results, selfcheck, submissions
from keraskit.autograde.record import JUDGE_ERROR, GradeRecord
from keraskit.autograde.sandbox import Limits, WorkerServer
from keraskit.errors import INTERRUPTED

# oracle, the one import above that loads TensorFlow, silences it first; this covers the rest.
quiet.silence_tensorflow()

# Top-level packages whose import loads TensorFlow in the worker child (the kit's own modules too).
KERAS_PACKAGES = frozenset({"keras", "tensorflow", "tf_keras", "keraskit"})


def imports_keras(source: bytes) -> bool:
    """Does a module's source import Keras or TensorFlow anywhere (a function body included)?

    Read, never run. A source that cannot be parsed cannot import anything; one too large or
    too deep to parse is counted as importing them (the safe side: only slower)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    except Exception:  # noqa: BLE001 - MemoryError, RecursionError: a hostile source
        return True
    return any(package in KERAS_PACKAGES for package in imports.imported_packages(tree))


def worker_needs_keras(files: dict[str, bytes], topic_ids) -> bool:
    """Must the worker server import Keras for these graded modules? Yes for a topic whose tests
    hand models to the student's code (the catalogue's slow topics build and train models), or a
    module that imports Keras or TensorFlow itself. A numpy topic's child that imports them under
    a name built at run time still can, paying for the import alone: TensorFlow's libraries then
    count against its memory limit (the default 2048 MB leaves room; 1024 MB does not)."""
    cat = catalogue.load()
    return any(cat.topic(topic).slow for topic in topic_ids) or any(map(imports_keras, files.values()))


class JudgeHost:
    def __init__(self, limits: Limits, *, hidden_dir: Path = layout.KIT.hidden_tests, use_bwrap: bool | None = None):
        self.limits = limits
        self.hidden_dir = Path(hidden_dir)
        self.server = WorkerServer(limits, use_bwrap=use_bwrap)
        # Import what the judge child needs before the first fork (never runs TF ops here).
        import keras  # noqa: F401 - loaded once here, inherited by every judge child
        import pytest  # noqa: F401 - loaded once here, inherited by every judge child
        self.oracle_key = selfcheck.oracle_key()
        self._memo_files: set = set()  # (path, mtime) of the saved memos already installed

    def install_saved_memos(self) -> int:
        """Install the oracle memos saved for this kit (by a reference run here, on another host or
        in an earlier run) that this host has not installed yet; the number of answers added."""
        added = 0
        for path in selfcheck.oracle_memo_files(self.oracle_key):
            try:
                stamp = (path, path.stat().st_mtime_ns)
            except OSError:
                continue
            if stamp not in self._memo_files:
                self._memo_files.add(stamp)
                added += oracle.install_memo(selfcheck.load_oracle_memo(path))
        return added

    def ensure_server(self, keras: bool = True) -> None:
        """A live worker server, with Keras imported if ``keras`` (one that has it serves any
        submission; one without it is replaced when a submission needs Keras)."""
        if self.server.alive() and (self.server.keras or not keras):
            return
        self.server.close()
        self.server.keras = keras
        self.server.start()

    def grade(self, submission: submissions.Submission, *, exercises=(), topics=None) -> GradeRecord:
        """The grade record of one submission; never raises for a submission's fault.

        Grading the reference (``selfcheck.is_reference``) also warms this host's oracle memo."""
        started = time.monotonic()
        warm_up = selfcheck.is_reference(submission)
        topic_ids = layout.graded_topics(self.hidden_dir, exercises, topics)
        graded = results.graded_exercises(set(topic_ids), exercises)
        try:
            sources = submissions.read_sources(submission, topic_ids)
        except Exception as exc:  # noqa: BLE001 - an unreadable submission is graded as an error
            return GradeRecord.error(submission.student, graded, f"cannot read the submission: {exc}")
        for topic in topic_ids:
            if topic not in sources.files:
                sources.problems.append(f"no {topic}.py found")
        self.ensure_server(keras=worker_needs_keras(sources.files, topic_ids))
        self.install_saved_memos()

        def work() -> dict:
            hits_before = oracle.memo_stats()["hits"]  # what this host's process counted before the fork
            run, events = judge.run_hidden_suite(
                self.server, sources.files, sources.where, label=submission.student, limits=self.limits,
                exercises=exercises, topics=topic_ids, hidden_dir=self.hidden_dir)
            tests = [{"name": x.nodeid.split("::", 1)[-1], "exercise": x.exercise, "outcome": x.outcome,
                      "message": x.message, "what": x.what, "detail": x.detail, "hint": x.hint,
                      "misconception": x.misconception} for x in run.tests]
            outcome = {"tests": tests, "events": events, "judge_peak_mb": _peak_rss_mb(),
                       "oracle_memo_hits": oracle.memo_stats()["hits"] - hits_before}
            if warm_up:  # only the reference's: what a submission's run computed stays in its child
                outcome["oracle_memo"] = oracle.export_memo()
            return outcome

        outcome = judge.fork_and_grade(work, timeout=self.limits.submission_timeout + 120)
        self.server.kill_children()
        memo = outcome.pop("oracle_memo", None)
        if memo and JUDGE_ERROR not in outcome:
            oracle.install_memo(memo)
            selfcheck.save_oracle_memo(self.oracle_key, ",".join(sorted(topic_ids)) + "|" + ",".join(exercises), memo)
        if JUDGE_ERROR in outcome:
            record = GradeRecord.error(submission.student, graded, outcome[JUDGE_ERROR])
            record.mode = self.server.mode  # student code ran in this mode: its isolation is the grade's
        else:
            record = GradeRecord.scored(submission.student, outcome["tests"], graded, problems=sources.problems,
                                        events=outcome["events"], mode=self.server.mode)
        record.seconds = round(time.monotonic() - started, 3)
        # what the judge child cost, and what it was spared
        record.judge_peak_mb = outcome.get("judge_peak_mb")
        record.oracle_memo_hits = outcome.get("oracle_memo_hits")
        return record

    def probe(self) -> dict:
        """The self-check without a reference (see ``selfcheck.run_probe``): {"problems": [...]}."""
        self.ensure_server(keras=True)  # the probe computes Keras values in the worker
        outcome = judge.fork_and_grade(lambda: selfcheck.run_probe(self.server, self.limits),
                                       timeout=self.limits.submission_timeout + 120)
        self.server.kill_children()
        if JUDGE_ERROR in outcome:
            return {"problems": [outcome[JUDGE_ERROR]]}
        return outcome

    def self_check(self, *, exercises=(), topics=None) -> str:
        """Raise ``selfcheck.SelfCheckFailed`` unless this host grades right (cached once passed);
        returns what was checked: "cached", "reference" or "probe"."""
        return selfcheck.check(
            self.server.mode, lambda reference: [self.grade(reference, exercises=exercises, topics=topics)],
            self.probe, exercises=exercises, topics=topics, on_cached=self.install_saved_memos)

    def close(self) -> None:
        self.server.close()


def _peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM), in MB: the judge child's cost, reported."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def _limits_from(job: dict) -> Limits:
    return Limits(**job["limits"])


def main() -> int:
    """Serve jobs from stdin: {"student", "path", "kind", "notebooks", "limits", "exercises"}."""
    host = None
    out = sys.stdout
    sys.stdout = sys.stderr  # nothing but records goes to the coordinator's channel
    try:
        for line in sys.stdin:
            job = json.loads(line)
            if host is None:
                host = JudgeHost(_limits_from(job))
            if job.get("probe"):  # the coordinator's self-check without a reference
                out.write(json.dumps({"student": "probe", "mode": host.server.mode, **host.probe()}) + "\n")
                out.flush()
                continue
            sub = submissions.Submission(job["student"], Path(job["path"]), job["kind"],
                                         tuple(Path(n) for n in job.get("notebooks", ())))
            try:
                answer = host.grade(sub, exercises=tuple(job.get("exercises", ())),
                                    topics=job.get("topics")).to_json()
            except Exception as exc:  # noqa: BLE001 - the host itself must survive and go on
                answer = {"student": sub.student, JUDGE_ERROR: f"{type(exc).__name__}: {exc}"}
            out.write(json.dumps(answer) + "\n")
            out.flush()
    except KeyboardInterrupt:  # the coordinator keeps what was finished; this job is regraded
        return INTERRUPTED
    finally:
        if host is not None:
            host.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
