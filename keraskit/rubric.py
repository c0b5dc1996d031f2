"""``keraskit rubric``: the grading rubric, derived from the catalogue (never written by hand)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from keraskit import catalogue


def rubric_data(cat: catalogue.Catalogue | None = None, topics=None) -> dict:
    """The rubric of the chapter, or of an assignment of ``topics`` only (what ``--topic`` grades)."""
    cat = cat or catalogue.load()
    chosen = [t for t in cat.topics if not topics or t.id in topics]
    return {
        "max_score": sum(t.points for t in chosen),
        "rule": "an exercise earns its points when every hidden test of it passes",
        "topics": [
            {"topic": t.id, "title": t.title["en"], "points": t.points,
             "exercises": [{"id": e.id, "points": e.points} for e in t.exercises]}
            for t in chosen
        ],
    }


def rubric_markdown(cat: catalogue.Catalogue | None = None, topics=None) -> str:
    data = rubric_data(cat, topics)
    lines = ["# Rubric", "", f"Total: {data['max_score']} points. {data['rule'].capitalize()}.", ""]
    for topic in data["topics"]:
        lines += [f"## {topic['topic']}: {topic['title']} ({topic['points']} points)", "",
                  "| exercise | points |", "|---|---:|"]
        lines += [f"| `{e['id']}` | {e['points']} |" for e in topic["exercises"]]
        lines.append("")
    return "\n".join(lines)


def add_arguments(parser, name: str) -> None:
    parser.add_argument("--format", choices=("md", "json"), default="md")
    parser.add_argument("--out", type=Path, help="write to this file instead of printing")
    parser.add_argument("--topic", dest="topics", action="append", default=[], metavar="TOPIC",
                        help="the rubric of an assignment of these topics only; repeatable")


def run(args, name: str) -> int:
    from keraskit.commands import require_known_topics
    require_known_topics(args.topics)
    topics = args.topics or None
    if args.format == "md":
        text = rubric_markdown(topics=topics)
    else:
        text = json.dumps(rubric_data(topics=topics), indent=2) + "\n"
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0
