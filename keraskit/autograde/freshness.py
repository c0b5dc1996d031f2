"""What a grade record was graded from, and which records a rerun must regrade.

A record keeps two digests (``GradeRecord.digest``): the submission's (the module bytes the judge
was given, and the problems found reading them) and the kit's, in named parts (the hidden tests of
the graded topics, the catalogue's points of the graded exercises, the engine version, the
selection and the limits). A rerun compares them with what it would grade now: a submission whose
own digest changed is regraded alone; a kit part that changed regrades everyone, and its name is
the reason given. A record with no digest (written before records had one) is regraded: nothing is
kept that cannot be shown to be current.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from keraskit import __version__, catalogue, layout
from keraskit.i18n import t

# The kit's parts, in the order their reasons are given; each one's reason is `class_run.kit_<part>`.
KIT_PARTS = ("hidden", "points", "engine", "selection", "limits")
# Why one submission is graded this run; the summary's words are `class_run.part_<why>`.
NEW, CHANGED, UNRECORDED, KIT, FORCED = "new", "changed", "no_digest", "kit", "forced"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


def _hidden_digest(hidden_dir: Path, topic_ids) -> str:
    """The graded topics' hidden suites, and every other file of the hidden folder (conftest,
    shared data), which any suite may use. Another topic's suite is not part of it."""
    hidden_dir = Path(hidden_dir)
    suites = {layout.suite_name(t) for t in catalogue.load().topic_ids}
    wanted = {layout.suite_name(t) for t in topic_ids}
    digest = hashlib.sha256()
    for path in sorted(p for p in hidden_dir.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        relative = path.relative_to(hidden_dir)
        if len(relative.parts) == 1 and relative.name in suites and relative.name not in wanted:
            continue
        digest.update(str(relative).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:32]


def kit_digest(graded: list[catalogue.Exercise], topic_ids, *, exercises=(), topics=None, limits=None,
               hidden_dir: Path = layout.KIT.hidden_tests) -> dict[str, str]:
    """The kit's digest in its parts (``KIT_PARTS``), for a run grading ``graded`` exercises."""
    points = [(e.id, e.topic, e.points) for e in graded]
    selection = {"exercises": sorted(exercises), "topics": sorted(topics or [])}
    return {
        "hidden": _hidden_digest(hidden_dir, topic_ids),
        "points": _sha(json.dumps(points).encode()),
        "engine": __version__,
        "selection": _sha(json.dumps(selection, sort_keys=True).encode()),
        "limits": _sha(json.dumps(limits or {}, sort_keys=True).encode()),
    }


def submission_digest(files: dict[str, bytes], problems=()) -> str:
    """The module bytes a judge is given (topic -> bytes) and what reading them found wrong."""
    digest = hashlib.sha256()
    for topic in sorted(files):
        digest.update(topic.encode() + b"\0" + files[topic] + b"\0")
    digest.update(json.dumps(list(problems)).encode())
    return digest.hexdigest()[:32]


@dataclass
class Plan:
    """What a run does: the students whose records are kept, those graded with why, and the kit
    parts that changed since the records were written (each regrades everyone)."""
    kept: list[str] = field(default_factory=list)
    graded: dict[str, str] = field(default_factory=dict)  # student -> NEW, CHANGED, KIT, ...
    kit_changes: list[str] = field(default_factory=list)  # keys of KIT_PARTS

    def kit_reason(self, lang: str | None = None) -> str | None:
        """The one line saying why everyone is regraded, or None."""
        if not self.kit_changes:
            return None
        reasons = "; ".join(t(f"class_run.kit_{part}", lang) for part in self.kit_changes)
        return t("class_run.kit_regrade", lang, reasons=reasons)

    def summary(self, lang: str | None = None) -> str:
        """'6 submissions: 1 regraded (changed), 5 unchanged'."""
        total = len(self.kept) + len(self.graded)
        counts: dict[str, int] = {}
        for why in self.graded.values():
            counts[why] = counts.get(why, 0) + 1
        parts = [t(f"class_run.part_{why}", lang, count=counts[why])
                 for why in (NEW, CHANGED, UNRECORDED, KIT, FORCED) if counts.get(why)]
        if self.kept:
            parts.append(t("class_run.part_unchanged", lang, count=len(self.kept)))
        text = ", ".join(parts) or t("class_run.part_none", lang)
        if total == 1:
            return t("class_run.summary_one", lang, parts=text)
        return t("class_run.summary_many", lang, total=total, parts=text)


def plan(students: list[str], saved: dict[str, dict | None], current: dict[str, str], kit: dict[str, str], *,
         force: bool = False) -> Plan:
    """Which of ``students`` to grade: ``saved`` is each finished record's digest (absent: no
    record; None: a record without one), ``current`` each submission's digest now, ``kit`` the
    kit's parts now (``kit_digest``)."""
    result = Plan()
    changed_parts: set[str] = set()
    for student in students:
        digest = saved.get(student)
        if isinstance(digest, dict):
            changed_parts |= {part for part in KIT_PARTS if digest.get("kit", {}).get(part) != kit.get(part)}
    result.kit_changes = [part for part in KIT_PARTS if part in changed_parts]
    for student in students:
        if student not in saved:
            result.graded[student] = NEW
            continue
        digest = saved[student]
        if force:
            result.graded[student] = FORCED
        elif not isinstance(digest, dict):
            result.graded[student] = UNRECORDED
        elif digest.get("kit") != kit:
            result.graded[student] = KIT
        elif digest.get("submission") != current.get(student):
            result.graded[student] = CHANGED
        else:
            result.kept.append(student)
    return result
