"""``keraskit rubric``: the grading rubric, derived from the catalogue (never written by hand)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from keraskit import catalogue


def rubric_data(cat: catalogue.Catalogue | None = None) -> dict:
    cat = cat or catalogue.load()
    return {
        "max_score": cat.points,
        "rule": "an exercise earns its points when every hidden test of it passes",
        "topics": [
            {"topic": t.id, "title": t.title["en"], "points": t.points,
             "exercises": [{"id": e.id, "points": e.points} for e in t.exercises]}
            for t in cat.topics
        ],
    }


def rubric_markdown(cat: catalogue.Catalogue | None = None) -> str:
    data = rubric_data(cat)
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


def run(args, name: str) -> int:
    text = rubric_markdown() if args.format == "md" else json.dumps(rubric_data(), indent=2) + "\n"
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0
