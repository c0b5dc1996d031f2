"""Grading one class on several machines: a stable share per shard, and the merge of their outputs.

A student's shard is ``sha256(id) mod N``: it depends on the id alone (the platform's id, or the
student's name for a plain folder), so a rerun or a late submission moves nobody. Shards write
their records (atomically) into their own output folders or one shared folder; ``merge`` builds
grades.csv, the summary and the exports from the records, as one unsharded run would.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

from keraskit.atomic import write_atomic
from keraskit.autograde import lms, results
from keraskit.i18n import t

SHARD = re.compile(r"^(\d+)/(\d+)$")


def parse(text: str) -> tuple[int, int]:
    """``"2/3"`` -> (2, 3): shard K of N, 1 <= K <= N."""
    match = SHARD.match(text.strip())
    if match is None or not 1 <= int(match[1]) <= int(match[2]):
        raise ValueError(t("autograde.lms_shard", value=repr(text)))
    return int(match[1]), int(match[2])


def shard_of(identity: str, count: int) -> int:
    """The shard (1..count) of a student id."""
    return int(hashlib.sha256(identity.encode()).hexdigest(), 16) % count + 1


def share(everyone, roster: dict, shard: tuple[int, int]) -> list:
    """The submissions of ``everyone`` that shard K of N grades."""
    k, n = shard
    return [s for s in everyone if shard_of(roster.get(s.student, {}).get("lms_id") or s.student, n) == k]


def merge(folders, out: Path) -> list:
    """Gather the records of ``folders`` into ``out`` (records, feedback, results, the roster),
    write grades.csv and the summary; the records, by student. A student graded in two folders
    with different records is an error: which one counts is the instructor's call."""
    out = Path(out)
    records, origin, roster = {}, {}, {}
    for folder in map(Path, folders):
        if not (folder / "records").is_dir() and not list(folder.glob("grades*.csv")):  # a shard may be empty
            raise ValueError(t("autograde.lms_merge_not_shard", folder=folder))
        roster.update(lms.load_roster(folder))
        for path in sorted((folder / "records").glob("*.json")):
            data = json.loads(path.read_text())
            student = data["student"]
            if student in records and records[student] != data:
                raise ValueError(t("autograde.lms_merge_conflict", student=student, first=origin[student],
                                   second=folder))
            records[student], origin[student] = data, folder
    for student, folder in origin.items():
        for sub, suffix in (("records", ".json"), ("results", ".json"), ("feedback", ".md")):
            source, target = folder / sub / f"{student}{suffix}", out / sub / f"{student}{suffix}"
            if source.is_file() and source.resolve() != target.resolve():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
    if roster:
        write_atomic(out / "lms" / "roster.json", json.dumps(roster, indent=2, sort_keys=True))
    graded = [results.GradeRecord.from_json(records[s]) for s in sorted(records)]
    return graded
