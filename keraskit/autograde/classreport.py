"""The instructor's class report: ``report.html`` and ``insight.json`` in an autograde output folder.

``insight`` gathers the facts from the records (``records/<student>.json``, read as JSON so that
fields newer than this module, such as a failing test's misconception id, are kept) and, when the
submissions can be read, the similarity of their modules (``keraskit.autograde.similarity``).
``render_html`` writes them as one self-contained page: inline CSS and SVG, no script, no network.
Every text that comes from a submission or a record goes through ``html.escape``.

``keraskit report OUT`` rebuilds both from a finished output folder without grading again;
``keraskit autograde`` rebuilds them whenever it writes grades.csv.
"""

from __future__ import annotations

import hashlib
import html
import json
import statistics
import sys
from pathlib import Path
from urllib.parse import quote

from keraskit import catalogue, layout
from keraskit.atomic import write_atomic
from keraskit.i18n import current_language, t

REPORT_FILE, INSIGHT_FILE = "report.html", "insight.json"
MISCONCEPTION_FIELDS = ("misconception", "misconception_id")  # a failing test's id, where records have one
PASSED, FAILED = "passed", "failed"
SIDE_BY_SIDE = 25  # similar pairs shown side by side (the most alike); the others are listed


def _e(text) -> str:
    """Any text as HTML text or attribute value (quotes included)."""
    return html.escape(str(text), quote=True)


# --------------------------------------------------------------------------- the facts


def _first_failure(exercise: dict) -> dict | None:
    """The failing test that speaks for the exercise: the first with a misconception id, else the
    first failing test (the one the student's feedback shows)."""
    failing = [x for x in exercise.get("tests", []) if x.get("outcome") == FAILED]
    for test in failing:
        if any(test.get(name) for name in MISCONCEPTION_FIELDS):
            return test
    return failing[0] if failing else None


def _group_of(test: dict) -> tuple[str, str, str]:
    """(group id, kind, text) of a failing test: its misconception id, else its what-line."""
    for name in MISCONCEPTION_FIELDS:
        if test.get(name):
            return str(test[name]), "misconception", str(test.get("what") or test[name])
    what = test.get("what") or (test.get("message") or "").strip().split("\n")[0] or test.get("name", "?")
    what = " ".join(str(what).split())
    return "what-" + hashlib.sha1(what.encode()).hexdigest()[:10], "what", what


def insight(records: list[dict], similar=None, submissions_folder: str | None = None,
            lang: str | None = None) -> dict:
    """The facts of the report (``insight.json``): the class, the mistake groups per exercise, each
    student, and the similar pairs (``similar``: a ``similarity.ClassSimilarity``, or None)."""
    lang = lang or current_language()
    cat = catalogue.load()
    records = sorted(records, key=lambda r: r["student"])
    graded = [r for r in records if r.get("status") == "graded"]
    scores = [r["score"] for r in records]
    max_score = max((r.get("max_score", 0) for r in records), default=0)
    exercise_ids = [row["id"] for row in records[0]["exercises"]] if records else []
    topic_ids = [topic for topic in cat.topic_ids if any(e.startswith(topic + ".") for e in exercise_ids)]
    exercises = []
    for ex_id in exercise_ids:
        rows = [(r["student"], next(x for x in r["exercises"] if x["id"] == ex_id)) for r in graded
                if any(x["id"] == ex_id for x in r["exercises"])]
        groups: dict[str, dict] = {}
        not_started = []
        for student, row in rows:
            if row["earned"] >= row["points"]:
                continue
            if row.get("status") == "not_started":
                not_started.append(student)
                continue
            test = _first_failure(row)
            if test is None:
                continue
            gid, kind, text = _group_of(test)
            group = groups.setdefault(gid, {"id": gid, "kind": kind, "text": text, "hint": test.get("hint"),
                                            "students": []})
            group["students"].append(student)
        passed = sum(row["earned"] >= row["points"] for _, row in rows)
        exercises.append({"id": ex_id, "topic": ex_id.split(".")[0], "passed": passed, "graded": len(rows),
                          "not_started": not_started,
                          "groups": sorted(groups.values(), key=lambda g: (-len(g["students"]), g["text"]))})
    topics = {}
    for topic in topic_ids:
        points = sum(e.points for e in cat.topic(topic).exercises if e.id in exercise_ids)
        values = [r["topics"].get(topic, 0) for r in graded]
        topics[topic] = {"title": cat.topic(topic).title_in(lang), "points": points,
                         "mean": round(statistics.fmean(values), 2) if values else 0.0}
    distribution: dict[int, int] = {}
    for score in scores:
        distribution[score] = distribution.get(score, 0) + 1
    ranked = sorted(({"exercise": ex["id"], "group": g["id"], "kind": g["kind"], "text": g["text"],
                      "count": len(g["students"])} for ex in exercises for g in ex["groups"]),
                    key=lambda m: (-m["count"], m["exercise"], m["text"]))
    students = [_student_facts(r) for r in records]
    by_name = {r["student"]: r for r in records}
    return {
        "language": lang,
        "submissions_folder": submissions_folder,
        "class": {
            "submissions": len(records), "graded": len(graded), "not_graded": len(records) - len(graded),
            "max_score": max_score,
            "mean": round(statistics.fmean(scores), 2) if scores else 0.0,
            "median": statistics.median(scores) if scores else 0,
            "distribution": sorted(distribution.items()),
            "topics": topics,
            "nobody_passed": [ex["id"] for ex in exercises if ex["graded"] and ex["passed"] == 0],
            "everybody_passed": [ex["id"] for ex in exercises if ex["graded"] and ex["passed"] == ex["graded"]],
        },
        "exercises": exercises,
        "mistakes": ranked,
        "students": students,
        "similarity": _similarity_facts(similar, by_name),
    }


def _student_facts(record: dict) -> dict:
    lost = []
    for row in record["exercises"]:
        if row["earned"] >= row["points"]:
            continue
        test = _first_failure(row)
        lost.append({"exercise": row["id"], "earned": row["earned"], "points": row["points"],
                     "status": row.get("status"), "what": _group_of(test)[2] if test else None,
                     "hint": test.get("hint") if test else None,
                     "misconception": next((test[n] for n in MISCONCEPTION_FIELDS if test and test.get(n)), None)})
    return {"student": record["student"], "score": record["score"], "max_score": record.get("max_score", 0),
            "status": record.get("status"), "topics": record.get("topics", {}),
            "problems": record.get("problems", []), "lost": lost}


def _similarity_facts(similar, by_name: dict[str, dict]) -> dict | None:
    if similar is None:
        return None
    from keraskit.autograde import similarity
    pairs = []
    for pair in similar.pairs:
        both = {}
        for side, student in (("a", pair.a), ("b", pair.b)):
            record = by_name.get(student, {})
            both[side] = {"student": student, "score": record.get("score"), "topics": record.get("topics", {})}
        shown = {"shared_lines": pair.shared_lines} if pair.shared_lines else {}
        pairs.append({**both, "score": round(pair.score, 3), "scores": pair.scores, "flagged": pair.flagged,
                      **shown})
    return {"method": {"k": similarity.K, "window": similarity.WINDOW, "min_unit_tokens": similarity.MIN_UNIT_TOKENS,
                       "absolute_threshold": similarity.ABSOLUTE_THRESHOLD, "outlier_mads": similarity.OUTLIER_MADS,
                       "min_shared": similarity.MIN_SHARED, "certain_threshold": similarity.CERTAIN_THRESHOLD,
                       "common_share": similarity.COMMON_SHARE},
            "thresholds": similar.thresholds, "pairs": pairs}


# --------------------------------------------------------------------------- the page

_CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","Microsoft YaHei",sans-serif;
margin:0 auto;max-width:1100px;padding:0 1.2em 3em;color:#222}
h1{margin:.8em 0 .2em}h2{border-bottom:2px solid #4477aa;padding-bottom:.2em;margin-top:1.6em}
nav a{margin-right:1em}table{border-collapse:collapse;margin:.5em 0}
td,th{border:1px solid #ccc;padding:.25em .55em;vertical-align:top;text-align:left}
th{background:#eef2f7}.num{text-align:right}.figures{display:flex;gap:2em;flex-wrap:wrap}
.figure{font-size:1.6em;font-weight:600}.muted{color:#666}.bad{color:#a11}.good{color:#171}
.student{border-top:1px solid #ddd;padding:.4em 0}.pair{border:1px solid #ccc;padding:.6em;margin:.8em 0}
.side{display:grid;grid-template-columns:1fr 1fr;gap:.5em}.side>div{min-width:0}
pre{background:#f7f7f7;padding:.4em;overflow-x:auto;font-size:12px;margin:0}
mark{background:#ffe08a}code{background:#f2f2f2;padding:0 .2em}svg text{font-size:11px;fill:#333}
.tag{display:inline-block;background:#eef2f7;border-radius:3px;padding:0 .35em;font-size:.85em}
"""


def _bars(items: list[tuple[str, float, str]], top: float, width: int = 520, label_width: int = 190,
          css_class: str = "chart") -> str:
    """A horizontal bar chart (inline SVG): (label, value, value text) per bar, ``top`` the full bar."""
    row = 18
    height = row * len(items) + 6
    parts = [f'<svg class="{css_class}" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">']
    span = width - label_width - 60
    for i, (label, value, text) in enumerate(items):
        y = i * row + 3
        length = 0 if not top else max(0.0, min(1.0, value / top)) * span
        parts.append(f'<text x="{label_width - 6}" y="{y + 12}" text-anchor="end">{_e(label)}</text>'
                     f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{row - 4}" fill="#4477aa"/>'
                     f'<text x="{label_width + length + 4:.1f}" y="{y + 12}">{_e(text)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _histogram(distribution: list[tuple[int, int]], max_score: int, width: int = 520, height: int = 170) -> str:
    """The score distribution as an inline SVG column chart, one column per score 0..max_score."""
    counts = dict(distribution)
    top = max(counts.values(), default=1)
    columns = max_score + 1
    step = (width - 40) / max(columns, 1)
    parts = [f'<svg class="chart histogram" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
             f'<line x1="30" y1="{height - 20}" x2="{width - 5}" y2="{height - 20}" stroke="#999"/>']
    for score in range(columns):
        count = counts.get(score, 0)
        bar = (height - 40) * count / top
        x = 30 + score * step
        if count:
            parts.append(f'<rect x="{x + 1:.1f}" y="{height - 20 - bar:.1f}" width="{max(step - 2, 1):.1f}" '
                         f'height="{bar:.1f}" fill="#228833"><title>{score}: {count}</title></rect>'
                         f'<text x="{x + step / 2:.1f}" y="{height - 23 - bar:.1f}" '
                         f'text-anchor="middle">{count}</text>')
        if columns <= 25 or score % 5 == 0:
            parts.append(f'<text x="{x + step / 2:.1f}" y="{height - 6}" text-anchor="middle">{score}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _anchor(index: int) -> str:
    return f"student-{index}"


def render_html(facts: dict, lang: str | None = None, modules: dict[str, dict[str, str]] | None = None) -> str:
    """The page of ``facts`` (``insight``), in ``lang``; ``modules`` (student -> topic -> text)
    gives the side-by-side views of similar pairs."""
    lang = lang or facts.get("language") or current_language()
    anchors = {s["student"]: _anchor(i) for i, s in enumerate(facts["students"])}

    def who(student: str) -> str:
        target = anchors.get(student)
        return f'<a href="#{target}">{_e(student)}</a>' if target else _e(student)

    klass = facts["class"]
    subtitle = t("report.subtitle", lang, count=klass["submissions"], max_score=klass["max_score"])
    body = [f'<h1>{_e(t("report.title", lang))}</h1>', f'<p class="muted">{_e(subtitle)}</p>',
            '<nav>' + "".join(f'<a href="#{part}">{_e(t("report." + part, lang))}</a>'
                              for part in ("class", "mistakes", "students", "similarity")) + '</nav>']
    body += _class_section(facts, lang, who)
    body += _mistakes_section(facts, lang, who)
    body += _students_section(facts, lang, anchors, _pairs_of(facts))
    body += _similarity_section(facts, lang, who, modules)
    return ("<!DOCTYPE html>\n" f'<html lang="{_e("zh-CN" if lang == "zh_CN" else "en")}"><head><meta charset="utf-8">'
            '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'">'
            f'<title>{_e(t("report.title", lang))}</title><style>{_CSS}</style></head><body>'
            + "\n".join(body) + "</body></html>\n")


def _class_section(facts, lang, who) -> list[str]:
    klass = facts["class"]
    figures = [(t("report.submissions", lang), klass["submissions"]), (t("report.mean", lang), klass["mean"]),
               (t("report.median", lang), klass["median"]), (t("report.max_score", lang), klass["max_score"])]
    out = ['<section id="class">', f'<h2>{_e(t("report.class", lang))}</h2>', '<div class="figures">']
    out += [f'<div><div class="figure">{_e(value)}</div><div class="muted">{_e(name)}</div></div>'
            for name, value in figures]
    out.append("</div>")
    if klass["not_graded"]:
        out.append(f'<p class="bad">{_e(t("report.not_graded", lang, count=klass["not_graded"]))}</p>')
    out.append(f'<h3>{_e(t("report.distribution", lang))}</h3>')
    out.append(_histogram(klass["distribution"], klass["max_score"]))
    out.append(f'<h3>{_e(t("report.topic_means", lang))}</h3>')
    out.append(_bars([(v["title"], v["mean"] / v["points"] if v["points"] else 0, f'{v["mean"]:g}/{v["points"]}')
                      for v in klass["topics"].values()], 1.0, css_class="chart topics"))
    out.append(f'<h3>{_e(t("report.pass_rates", lang))}</h3>')
    out.append(_bars([(ex["id"], ex["passed"] / ex["graded"] if ex["graded"] else 0,
                       f'{ex["passed"]}/{ex["graded"]}') for ex in facts["exercises"]], 1.0,
                     css_class="chart exercises"))
    for key in ("nobody_passed", "everybody_passed"):
        names = ", ".join(f"<code>{_e(x)}</code>" for x in klass[key]) or _e(t("report.none", lang))
        out.append(f'<p><strong>{_e(t("report." + key, lang))}:</strong> {names}</p>')
    out.append("</section>")
    return out


def _mistakes_section(facts, lang, who) -> list[str]:
    out = ['<section id="mistakes">', f'<h2>{_e(t("report.mistakes", lang))}</h2>',
           f'<p class="muted">{_e(t("report.mistakes_intro", lang))}</p>']
    if not facts["mistakes"]:
        out.append(f'<p>{_e(t("report.mistakes_none", lang))}</p>')
    else:
        out.append(f'<h3>{_e(t("report.mistakes_ranked", lang))}</h3><table><tr>'
                   f'<th>{_e(t("report.students_count", lang))}</th><th>{_e(t("report.exercise", lang))}</th>'
                   f'<th>{_e(t("report.mistake", lang))}</th></tr>')
        for m in facts["mistakes"]:
            out.append(f'<tr><td class="num">{m["count"]}</td><td><a href="#ex-{_e(m["exercise"])}">'
                       f'<code>{_e(m["exercise"])}</code></a></td><td>{_mistake_text(m, lang)}</td></tr>')
        out.append("</table>")
    for ex in facts["exercises"]:
        if not ex["groups"] and not ex["not_started"]:
            continue
        out.append(f'<h3 id="ex-{_e(ex["id"])}"><code>{_e(ex["id"])}</code> '
                   f'<span class="muted">{_e(t("report.passed_by", lang, passed=ex["passed"], total=ex["graded"]))}'
                   f'</span></h3><ul>')
        for group in ex["groups"]:
            hint = f'<br><span class="muted">{_e(group["hint"])}</span>' if group.get("hint") else ""
            out.append(f'<li>{_mistake_text(group, lang)} — <strong>{len(group["students"])}</strong>: '
                       + ", ".join(who(s) for s in group["students"]) + hint + "</li>")
        if ex["not_started"]:
            out.append(f'<li class="muted">{_e(t("report.not_started", lang, count=len(ex["not_started"])))}: '
                       + ", ".join(who(s) for s in ex["not_started"]) + "</li>")
        out.append("</ul>")
    out.append("</section>")
    return out


def _mistake_text(group: dict, lang) -> str:
    tag = f'<span class="tag">{_e(group.get("group", group.get("id")))}</span> ' \
        if group.get("kind") == "misconception" else ""
    return tag + _e(group["text"])


def _pairs_of(facts) -> dict[str, list[tuple[int, str]]]:
    """student -> (number of the similar pair, the other student), for the links of each section."""
    found: dict[str, list[tuple[int, str]]] = {}
    for number, pair in enumerate((facts.get("similarity") or {}).get("pairs", [])):
        a, b = pair["a"]["student"], pair["b"]["student"]
        found.setdefault(a, []).append((number, b))
        found.setdefault(b, []).append((number, a))
    return found


def _students_section(facts, lang, anchors, pairs) -> list[str]:
    out = ['<section id="students">', f'<h2>{_e(t("report.students", lang))}</h2>']
    for s in facts["students"]:
        name = s["student"]
        links = (f'<a href="feedback/{quote(name)}.md">{_e(t("report.feedback_link", lang))}</a> · '
                 f'<a href="records/{quote(name)}.json">{_e(t("report.record_link", lang))}</a>')
        out.append(f'<div class="student" id="{anchors[name]}"><h3>{_e(name)} '
                   f'<span class="muted">{_e(s["score"])}/{_e(s["max_score"])}</span></h3><p>{links}</p>')
        if pairs.get(name):
            out.append(f'<p>{_e(t("report.alike_with", lang))}: '
                       + ", ".join(f'<a href="#pair-{n}">{_e(other)}</a>' for n, other in pairs[name]) + "</p>")
        for problem in s["problems"]:
            out.append(f'<p class="bad">{_e(t("report.problem", lang))}: {_e(problem)}</p>')
        lost = [x for x in s["lost"] if x["status"] != "not_started"]
        skipped = [x for x in s["lost"] if x["status"] == "not_started"]
        if not s["lost"]:
            out.append(f'<p class="good">{_e(t("report.all_passed", lang))}</p>')
        if lost:
            out.append("<ul>")
            for x in lost:
                what = f' — {_e(x["what"])}' if x["what"] else ""
                hint = f'<br><span class="muted">{_e(x["hint"])}</span>' if x["hint"] else ""
                out.append(f'<li><a href="#ex-{_e(x["exercise"])}"><code>{_e(x["exercise"])}</code></a> '
                           f'{x["earned"]}/{x["points"]}{what}{hint}</li>')
            out.append("</ul>")
        if skipped:
            out.append(f'<p class="muted">{_e(t("report.not_started_list", lang))}: '
                       + ", ".join(f"<code>{_e(x['exercise'])}</code>" for x in skipped) + "</p>")
        out.append("</div>")
    out.append("</section>")
    return out


def _similarity_section(facts, lang, who, modules) -> list[str]:
    out = ['<section id="similarity">', f'<h2>{_e(t("report.similarity", lang))}</h2>']
    sim = facts.get("similarity")
    if sim is None:
        out.append(f'<p class="muted">{_e(t("report.similarity_unavailable", lang))}</p></section>')
        return out
    out.append(f'<p class="muted">{_e(t("report.similarity_intro", lang, **sim["method"]))}</p>')
    if not sim["pairs"]:
        out.append(f'<p class="good">{_e(t("report.similarity_none", lang))}</p>')
    for number, pair in enumerate(sim["pairs"]):
        a, b = pair["a"]["student"], pair["b"]["student"]
        scores = ", ".join(f'{_e(topic)} {pair["scores"][topic]:.2f} '
                           f'({_e(t("report.threshold", lang))} {sim["thresholds"][topic]:.2f})'
                           for topic in pair["flagged"])
        out.append(f'<div class="pair" id="pair-{number}"><h3>{who(a)} ({_e(pair["a"]["score"])}) · '
                   f'{who(b)} ({_e(pair["b"]["score"])})</h3><p>{_e(t("report.alike_in", lang))}: {scores}</p>')
        for topic in pair["flagged"] if "shared_lines" in pair else ():
            out.append(f'<details open><summary><code>{_e(topic)}.py</code></summary><div class="side">')
            for student in (a, b):
                text = (modules or {}).get(student, {}).get(topic)
                marked = set(pair["shared_lines"][student][topic])
                out.append(f"<div><strong>{_e(student)}</strong>")
                if text is None:
                    out.append(f'<p class="muted">{_e(t("report.source_missing", lang))}</p></div>')
                    continue
                lines = [f"<mark>{_e(line)}</mark>" if n in marked else _e(line)
                         for n, line in enumerate(text.splitlines(), 1)]
                out.append("<pre>" + "\n".join(lines) + "</pre></div>")
            out.append("</div></details>")
        out.append("</div>")
    out.append("</section>")
    return out


# --------------------------------------------------------------------------- writing it


def _stubs_folder() -> Path:
    return layout.KIT.exercises


def write_report(out: Path, records: list[dict], submissions_folder: Path | None = None,
                 lang: str | None = None) -> dict:
    """``insight.json`` and ``report.html`` in ``out`` from ``records`` (their JSON); similarity when
    ``submissions_folder`` can be read. Returns the facts."""
    out = Path(out)
    lang = lang or current_language()
    similar = None
    if submissions_folder is not None and Path(submissions_folder).is_dir():
        from keraskit.autograde import similarity
        sources, stubs = similarity.read_class(submissions_folder, _stubs_folder())
        similar = similarity.compare(sources, stubs, views=SIDE_BY_SIDE)
    facts = insight(records, similar, str(Path(submissions_folder).resolve()) if submissions_folder else None, lang)
    write_atomic(out / INSIGHT_FILE, json.dumps(facts, indent=1, ensure_ascii=False))
    write_atomic(out / REPORT_FILE, render_html(facts, lang, similar.modules if similar else None))
    return facts


def read_records(out: Path) -> list[dict]:
    """The records of a finished output folder (``records/*.json``), as JSON."""
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted((Path(out) / "records").glob("*.json"))]


def rebuild(out: Path, submissions_folder: Path | None = None, lang: str | None = None) -> dict:
    """The report of a finished output folder; the submissions are where the last report said,
    unless ``submissions_folder`` says otherwise."""
    out = Path(out)
    if submissions_folder is None and (out / INSIGHT_FILE).is_file():
        try:
            known = json.loads((out / INSIGHT_FILE).read_text(encoding="utf-8")).get("submissions_folder")
        except (ValueError, OSError):
            known = None
        submissions_folder = Path(known) if known else None
    return write_report(out, read_records(out), submissions_folder, lang)


def write_after_grading(out: Path, records, submissions_folder: Path) -> None:
    """The hook of ``keraskit autograde``: the report beside grades.csv; a failure to build it is
    told on stderr and never costs the grades."""
    try:
        write_report(out, [r.to_json() for r in records], submissions_folder)
    except Exception as exc:  # noqa: BLE001 - the grades are written; the report is an extra
        print(t("report.failed", error=f"{type(exc).__name__}: {exc}"), file=sys.stderr)


# --------------------------------------------------------------------------- keraskit report OUT


def add_arguments(parser, name: str) -> None:
    parser.add_argument("out", metavar="OUT", help=t("cli.arg.report_out"))
    parser.add_argument("--submissions", metavar="DIR", help=t("cli.arg.report_submissions"))


def run(args, name: str) -> int:
    from keraskit.commands import CommandError, require_folder
    out = require_folder("OUT", Path(args.out))
    if not (out / "records").is_dir():
        raise CommandError(t("report.no_records", folder=out))
    submissions_folder = require_folder("--submissions", Path(args.submissions)) if args.submissions else None
    facts = rebuild(out, submissions_folder)
    print(t("report.written", path=out / REPORT_FILE, count=facts["class"]["submissions"],
            pairs=len((facts["similarity"] or {}).get("pairs", []))))
    return 0
