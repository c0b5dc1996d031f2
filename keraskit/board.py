"""The student board: per topic, which exercises are done, failing or not started, and the points.

Only the rendering lives here; outcome names and the scoring rule are in ``keraskit.outcome``.
"""

from __future__ import annotations

from dataclasses import dataclass

from keraskit import catalogue
from keraskit.i18n import current_language, t
from keraskit.outcome import Status, exercise_status, points_earned


@dataclass(frozen=True)
class ExerciseRow:
    exercise: catalogue.Exercise
    status: Status

    @property
    def earned(self) -> int:
        return points_earned(self.exercise.points, self.status)


@dataclass(frozen=True)
class TopicRows:
    topic: catalogue.Topic
    rows: tuple[ExerciseRow, ...]

    @property
    def done(self) -> int:
        return sum(r.status is Status.DONE for r in self.rows)

    @property
    def earned(self) -> int:
        return sum(r.earned for r in self.rows)

    @property
    def possible(self) -> int:
        return sum(r.exercise.points for r in self.rows)


def summarize(outcomes: dict[str, list[str]], cat: catalogue.Catalogue | None = None) -> list[TopicRows]:
    """Group test outcomes (exercise id -> outcomes of its tests) by topic, in catalogue order.

    Only exercises that had tests in this run appear.
    """
    cat = cat or catalogue.load()
    board = []
    for topic in cat.topics:
        rows = tuple(ExerciseRow(e, exercise_status(outcomes[e.id])) for e in topic.exercises if e.id in outcomes)
        if rows:
            board.append(TopicRows(topic, rows))
    return board


def next_exercise(board: list[TopicRows]) -> ExerciseRow | None:
    """The first exercise, in catalogue order, that is not done: a failing one before a new one."""
    rows = [r for topic in board for r in topic.rows if r.status is not Status.DONE]
    failing = [r for r in rows if r.status is Status.FAILING]
    return (failing or rows or [None])[0]


def progress_bar(done: int, total: int, width: int = 20) -> str:
    filled = round(width * done / total) if total else 0
    return "[" + "#" * filled + "-" * (width - filled) + "]"


def render(board: list[TopicRows], *, target: str, path_of, lang: str | None = None, show_next: bool = True) -> str:
    """The board as text. ``path_of(topic_id)`` says where a topic's module lives. Without
    ``show_next`` it ends before its "Next:" line (the caller says what is next its own way)."""
    lang = lang or current_language()
    status_text = {s: t(f"board.status_{s.value}", lang) for s in Status}
    name_width = max((len(r.exercise.function) for topic in board for r in topic.rows), default=10)
    lines = [t("board.title", lang, target=target)]
    for topic in board:
        lines.append("")
        lines.append(_topic_heading(topic, lang))
        for row in topic.rows:
            points = t("board.points", lang, points=f"{row.exercise.points:>2}")
            lines.append(f"  {row.exercise.function:<{name_width}}  {points}  {status_text[row.status]}")
    done = sum(topic.done for topic in board)
    total = sum(len(topic.rows) for topic in board)
    lines.append("")
    lines.append(f"{progress_bar(done, total)} " + t(
        "board.total", lang, done=done, total=total,
        earned=sum(topic.earned for topic in board), possible=sum(topic.possible for topic in board)))
    upcoming = next_exercise(board)
    if upcoming is None:
        lines.append(t("board.all_done", lang))
    elif show_next:
        lines.append(t("board.next", lang, exercise=upcoming.exercise.id, path=path_of(upcoming.exercise.topic)))
    return "\n".join(lines)


def _topic_heading(topic: TopicRows, lang: str) -> str:
    """A topic's line on the board: its title, its progress bar, exercises done and points."""
    return (f"{t('board.topic_row', lang, title=topic.topic.title_in(lang), topic=topic.topic.id)}  "
            f"{progress_bar(topic.done, len(topic.rows), 10)} "
            + t("board.topic_progress", lang, done=t("board.done_of", lang, done=topic.done, total=len(topic.rows)),
                points=t("board.points_of", lang, earned=topic.earned, possible=topic.possible)))


def render_hidden(hidden: list[TopicRows], visible: list[TopicRows], *, folder: str, lang: str | None = None) -> str:
    """The hidden suites' section of the board (``keraskit check --hidden``): each exercise's
    status under the hidden tests, marked where it differs from the visible one, and the total."""
    lang = lang or current_language()
    status_text = {s: t(f"board.status_{s.value}", lang) for s in Status}
    seen = {r.exercise.id: r.status for topic in visible for r in topic.rows}
    name_width = max((len(r.exercise.function) for topic in hidden for r in topic.rows), default=10)
    status_width = max(len(text) for text in status_text.values())
    lines = [t("check.hidden_title", lang, folder=folder)]
    gaps = 0
    for topic in hidden:
        lines.append("")
        lines.append(_topic_heading(topic, lang))
        for row in topic.rows:
            points = t("board.points", lang, points=f"{row.exercise.points:>2}")
            line = f"  {row.exercise.function:<{name_width}}  {points}  {status_text[row.status]:<{status_width}}"
            if seen.get(row.exercise.id) is Status.DONE and row.status is not Status.DONE:
                gaps += 1
                line += "  " + t("check.hidden_gap_mark", lang)
            lines.append(line.rstrip())
    done = sum(topic.done for topic in hidden)
    total = sum(len(topic.rows) for topic in hidden)
    lines.append("")
    lines.append(f"{progress_bar(done, total)} " + t(
        "check.hidden_total", lang, done=done, total=total,
        earned=sum(topic.earned for topic in hidden), possible=sum(topic.possible for topic in hidden)))
    if done == total:
        lines.append(t("check.hidden_all_done", lang))
    elif gaps:
        lines.append(t("check.hidden_gap", lang, count=gaps))
    return "\n".join(lines)
