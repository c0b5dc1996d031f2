"""A judge host in its own process, as ``keraskit autograde`` starts it, for tests that grade.

A judge child is forked from its host. A pytest worker that already ran TensorFlow ops (another
test file, earlier on the same xdist worker) is no safe parent to fork: TensorFlow's threads do
not survive a fork, and the child may crash in a garbage collection. Production never forks from
such a process (``python -m keraskit.autograde.host`` never runs a TensorFlow op), and neither do
tests that grade through this class.
"""

from __future__ import annotations

from dataclasses import asdict

from keraskit.autograde import batch
from keraskit.autograde.record import GradeRecord
from keraskit.autograde.sandbox import Limits


class HostProcess:
    """``grade()`` like ``JudgeHost.grade``, answered by a ``keraskit.autograde.host`` process."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self._host = batch._Host()

    def grade(self, submission, *, exercises=(), topics=None) -> GradeRecord:
        job = batch._job({"limits": asdict(self.limits), "exercises": list(exercises), "topics": topics},
                         submission)
        self._host.send(job, submission)
        line = self._host.process.stdout.readline()
        self._host.job = None
        if not line:
            raise RuntimeError(f"the judge host ended while grading {submission.student}")
        return batch._record_of(line, submission.student, exercises)  # as the coordinator reads an answer

    def close(self) -> None:
        self._host.close()
