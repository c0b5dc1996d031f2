"""Self-study commands: ``check``, ``hint``, ``solution`` and ``reset``."""

from __future__ import annotations

import ast
import difflib
import sys
from pathlib import Path

from keraskit import board, calllimit, catalogue, environment, imports, layout, outcome, runner, target
from keraskit.commands import CommandError, require_folder
from keraskit.commands.running import ShowRunning
from keraskit.i18n import current_language, t
from keraskit.layout import find_project_root
from keraskit.progress import Progress


def add_arguments(parser, name: str) -> None:
    if name == "check":
        parser.add_argument("topic", nargs="?", metavar="TOPIC", help=t("cli.arg.check_topic"))
        parser.add_argument("--target", metavar="DIR", help=t("cli.arg.check_target"))
        add_call_limit(parser)
        parser.add_argument("--hidden", action="store_true", help=t("check.arg_hidden"))
    elif name == "hint":
        parser.add_argument("exercise", metavar="ID", help=t("cli.arg.exercise_id"))
        parser.add_argument("--all", action="store_true", help=t("cli.arg.hint_all"))
    elif name == "solution":
        parser.add_argument("exercise", metavar="ID", help=t("cli.arg.exercise_id"))


def run(args, name: str) -> int:
    return {"check": check, "hint": hint, "solution": solution, "reset": reset}[name](args, find_project_root())


def resolve_exercise(exercise_id: str) -> catalogue.Exercise:
    cat = catalogue.load()
    try:
        return cat.exercise(exercise_id)
    except KeyError:
        ids = [e.id for e in cat.exercises]
        # Students often type just the function name: match it against the id's tail too.
        close = difflib.get_close_matches(exercise_id, ids, n=3, cutoff=0.6) or [
            i for i in ids if i.endswith("." + exercise_id)]
        suggestion = t("hint.did_you_mean", candidates=", ".join(close)) if close else ""
        raise CommandError(t("hint.unknown_exercise", exercise=exercise_id, suggestion=suggestion)) from None


def visible_tests(root: Path, topics) -> list[Path]:
    return [layout.topic_paths(topic, root).visible for topic in topics]


def add_call_limit(parser) -> None:
    parser.add_argument("--call-limit", metavar="SECONDS", default=None, help=t(
        "cli.arg.call_limit", numpy=f"{calllimit.NUMPY_LIMIT:g}", model=f"{calllimit.MODEL_LIMIT:g}"))


def call_limit_args(args) -> list[str]:
    """The pytest arguments for ``--call-limit`` (checked here: a bad value is the command's error)."""
    given = getattr(args, "call_limit", None)
    try:
        calllimit.configured_limit(given)
    except ValueError as exc:
        source, value = exc.args
        raise CommandError(t("calllimit.bad_value", source=source, value=repr(value))) from None
    return ["--call-limit", str(given)] if given is not None else []


def run_visible(root: Path, topics, exercises=(), target_dir=None, extra_args=(),
                show_running=False) -> runner.RunResult:
    """The visible tests of ``topics`` (optionally some exercises only), against exercises/ by default.

    With ``show_running``, the exercise being run is named while the student waits."""
    plugins = [ShowRunning()] if show_running else []
    try:
        return runner.run(visible_tests(root, topics), target=target_dir or layout.Layout(root).exercises,
                          exercises=exercises, rootdir=root, extra_args=extra_args, plugins=plugins)
    finally:
        for shown in plugins:
            shown.close()


def failure_report(exercise: catalogue.Exercise, result: runner.RunResult, path: str) -> list[str]:
    """What ``check`` and ``watch`` show of an exercise that does not pass: the first failure as the
    pytest board prints it (called, what, expected, got, hint), or how to start."""
    tests = [test for test in result.tests if test.exercise == exercise.id]
    status = outcome.exercise_status([test.outcome for test in tests]) if tests else outcome.Status.FAILING
    if status is outcome.Status.NOT_STARTED:
        return [t("watch.not_started", exercise=exercise.id, path=path),
                t("failure.hint", hint=exercise.hints_in(current_language())[0])]
    failed = [test for test in tests if test.outcome != outcome.TEST_PASSED]
    lines = [t("check.failed", exercise=exercise.id, failed=len(failed), total=len(tests))]
    if failed and failed[0].message:
        lines.append(failed[0].message)
    return lines


# --------------------------------------------------------------------------- check

def check(args, root: Path) -> int:
    cat = catalogue.load()
    if args.topic and args.topic not in cat.topic_ids:
        raise CommandError(t("check.unknown_topic", topic=args.topic, topics=", ".join(cat.topic_ids)))
    topics = [args.topic] if args.topic else list(cat.topic_ids)
    hidden = hidden_suites(root, topics) if args.hidden else None  # refused at once in a student release
    graded = require_folder("--target", Path(args.target)).resolve() if args.target else layout.Layout(root).exercises
    for line in imports.folder_messages(graded, topics):  # the grader's rule, said before the tests run
        print(line, flush=True)
    try:
        result = run_visible(root, topics, target_dir=graded, extra_args=call_limit_args(args), show_running=True)
    except runner.CollectionError as exc:  # files pytest could not collect: the kit's problem, said as such
        print(exc, file=sys.stderr)
        return 1
    for line in result.collection_errors:  # a topic's file not loaded (TensorFlow broken); the rest ran
        print(line)
        print()
    for line in environment.noted():  # tests the environment kept from running, not failed
        print(line, file=sys.stderr)
    statuses = result.statuses()
    progress = Progress.load(root)
    done_now = {e for e, s in statuses.items() if s is outcome.Status.DONE}
    # Checking one topic must not forget what was done in the others.
    kept = {e for e in progress.done if catalogue.topic_of(e) not in topics}
    progress.set_done(kept | done_now, [e.id for e in cat.exercises])
    progress.save()
    rows = board.summarize(result.outcomes(), cat)
    loader = target.LocalLoader(graded)
    print(board.render(rows, target=target.display_path(graded), path_of=loader.describe, show_next=False))
    upcoming = board.next_exercise(rows)
    hidden_passed = True
    if hidden is not None:
        hidden_passed = show_hidden_verdict(root, hidden, graded, rows)
    if upcoming is None:
        return 0 if hidden_passed and not result.collection_errors else 1
    path = loader.describe(upcoming.exercise.topic)
    print()
    print("\n".join(failure_report(upcoming.exercise, result, path)))
    print()
    print(t("check.next", exercise=upcoming.exercise.id, path=path))
    return 1


def hidden_suites(root: Path, topics) -> list[Path]:
    """The hidden suites of ``topics`` in this checkout; a student release has none: say why, in one line."""
    folder = layout.Layout(root).hidden_tests
    suites = [path for path in (layout.topic_paths(topic, root).hidden for topic in topics) if path.is_file()]
    if not suites:
        raise CommandError(t("check.no_hidden", folder=target.display_path(folder)))
    return suites


def show_hidden_verdict(root: Path, suites: list[Path], graded: Path, visible_rows) -> bool:
    """Run the hidden suites on ``graded`` and print their section of the board, the grader's view
    beside the visible one. True when every exercise passes them."""
    result = runner.run(suites, target=graded, rootdir=root)
    hidden_rows = board.summarize(result.outcomes(), catalogue.load())
    print()
    print(board.render_hidden(hidden_rows, visible_rows, folder=target.display_path(layout.Layout(root).hidden_tests)))
    return all(row.status is outcome.Status.DONE for topic in hidden_rows for row in topic.rows)


# --------------------------------------------------------------------------- hint

def hint(args, root: Path) -> int:
    exercise = resolve_exercise(args.exercise)
    hints = exercise.hints_in(current_language())
    progress = Progress.load(root)
    if args.all:
        shown = progress.hints_used[exercise.id] = len(hints)
        first = 0
    else:
        shown = progress.use_hint(exercise.id, len(hints))
        first = shown - 1
    progress.save()
    for number in range(first, shown):
        print(t("hint.line", shown=number + 1, total=len(hints), exercise=exercise.id, text=hints[number]))
    if shown == len(hints):
        # A student release has no solutions/: promising `keraskit solution` there would be untrue.
        released = not layout.Layout(root).solutions.is_dir()
        print(t("hint.last_release") if released else t("hint.last", exercise=exercise.id))
    return 0


# --------------------------------------------------------------------------- solution

def solution(args, root: Path) -> int:
    exercise = resolve_exercise(args.exercise)
    reference = layout.topic_paths(exercise.topic, root).reference
    if not reference.parent.is_dir():  # a student release: no reference at all, whatever the code does
        print(t("solution.release", exercise=exercise.id), file=sys.stderr)
        return 1
    if not reference.exists():
        print(t("solution.unavailable", exercise=exercise.id, module=exercise.topic), file=sys.stderr)
        return 1
    if not target.instructor_enabled():
        result = run_visible(root, [exercise.topic], exercises=[exercise.id])
        status = result.statuses().get(exercise.id, outcome.Status.FAILING)
        if status is not outcome.Status.DONE:
            print(t("solution.refused", exercise=exercise.id,
                    status=t(f"board.status_{status.value}")), file=sys.stderr)
            return 1
    print(t("solution.header", exercise=exercise.id, module=exercise.topic))
    print()
    print(function_with_helpers(reference.read_text(encoding="utf-8"), exercise.function))
    return 0


def function_with_helpers(source: str, function: str) -> str:
    """The module's imports, the private helpers ``function`` uses (transitively), and ``function``."""
    tree = ast.parse(source)
    defs = {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    constants = {t.id: n for n in tree.body if isinstance(n, ast.Assign)
                 for t in n.targets if isinstance(t, ast.Name)}
    needed, queue = [], [function]
    while queue:
        name = queue.pop()
        if name in needed:
            continue
        needed.append(name)
        node = defs.get(name) or constants.get(name)
        used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
        queue += sorted(u for u in used if u.startswith("_") and (u in defs or u in constants))
    imports = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    chosen = sorted((defs.get(n) or constants.get(n) for n in needed), key=lambda n: n.lineno)
    lines = source.splitlines()
    parts = [ast.get_source_segment(source, n) for n in imports]
    for node in chosen:
        start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        parts.append("\n".join(lines[start - 1:node.end_lineno]))
    return "\n".join(parts[:len(imports)]) + "\n\n\n" + "\n\n\n".join(parts[len(imports):])


# --------------------------------------------------------------------------- reset

def reset(args, root: Path) -> int:
    progress = Progress.load(root)
    path = progress.path
    if progress.reset():
        print(t("reset.done", path=target.display_path(path)))
    else:
        print(t("reset.nothing"))
    return 0
