"""``keraskit watch``: rerun the current exercise's visible tests every time a file is saved.

Polling modification times keeps it dependency-free and works on every file system (network
drives and editors that replace files included); a save is seen within ``--poll`` seconds.
"""

from __future__ import annotations

import time
from pathlib import Path

from keraskit import catalogue, layout, outcome, runner, target
from keraskit.commands import require_positive
from keraskit.commands.selfstudy import add_call_limit, call_limit_args, failure_report, run_visible
from keraskit.i18n import notices_shown_after, t
from keraskit.layout import find_project_root
from keraskit.progress import Progress


def add_arguments(parser, name: str) -> None:
    parser.add_argument("--poll", type=float, default=0.5, metavar="SECONDS",
                        help=t("cli.arg.watch_poll"))
    add_call_limit(parser)


def run(args, name: str) -> int:
    require_positive("--poll", args.poll)
    watcher = Watcher(find_project_root(), call_limit_args(args))
    print(t("watch.start", folder=target.display_path(watcher.folder)), flush=True)
    try:
        # The snapshot is taken before each run, so a save made while the tests run is not missed.
        snapshot = watcher.snapshot()
        if not watcher.advance():
            return 0
        while True:
            time.sleep(args.poll)
            now = watcher.snapshot()
            if now != snapshot:
                snapshot = now
                if not watcher.advance():
                    return 0
    except KeyboardInterrupt:
        print(t("watch.bye"), flush=True)
        return 0


class Watcher:
    def __init__(self, root: Path, extra_args=()):
        self.root = root
        self.extra_args = list(extra_args)  # --call-limit, when given
        self.folder = layout.Layout(root).exercises
        self.order = [e.id for e in catalogue.load().exercises]
        self.progress = Progress.load(root)
        self.current = next((e for e in self.order if e not in self.progress.done), None)
        self.loader = target.LocalLoader(self.folder)

    def snapshot(self) -> dict[Path, int]:
        return {p: p.stat().st_mtime_ns for p in self.folder.rglob("*.py") if p.is_file()}

    def advance(self) -> bool:
        """Test the current exercise; while it passes, move on. False once everything passes."""
        while self.current is not None:
            exercise = catalogue.load().exercise(self.current)
            with notices_shown_after():  # at each run, not when the watch ends
                try:
                    result = run_visible(self.root, [exercise.topic], exercises=[exercise.id],
                                         extra_args=self.extra_args, show_running=True)
                except runner.CollectionError as exc:  # the kit's test file does not load: not a FAIL
                    print(exc, flush=True)
                    return True
            for line in result.collection_errors:  # TensorFlow broken: said plainly, not as a FAIL
                print(line, flush=True)
            if result.collection_errors and not result.tests:
                return True
            status = result.statuses().get(exercise.id, outcome.Status.FAILING)
            total = len(result.tests)
            if status is not outcome.Status.DONE:
                self._report_failure(exercise, status, result, total)
                return True
            print(t("watch.passed", exercise=exercise.id, total=total), flush=True)
            self.progress.set_done(set(self.progress.done) | {exercise.id}, self.order)
            self.progress.save()
            self.current = next((e for e in self.order if e not in self.progress.done), None)
            if self.current is not None:
                print(t("watch.current", exercise=self.current,
                        path=self.loader.describe(catalogue.topic_of(self.current))), flush=True)
        print(t("watch.all_done"), flush=True)
        return False

    def _report_failure(self, exercise, status, result, total) -> None:
        path = self.loader.describe(exercise.topic)
        if status is outcome.Status.NOT_STARTED:
            print("\n".join(failure_report(exercise, result, path)), flush=True)
            return
        failed = result.failed_tests()
        print(t("watch.failed", exercise=exercise.id, failed=len(failed), total=total), flush=True)
        if failed and failed[0].message:
            print(failed[0].message, flush=True)  # it ends with the hint of the mistake, or the way to one

