"""A self-learner's progress, kept in ``.keraskit/progress.json`` inside the working copy.

It records which exercises passed their visible tests and how many hints were shown. Writes are
atomic (``keraskit.atomic``), so a crash never leaves half a file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from keraskit.atomic import write_atomic

PROGRESS_DIR = ".keraskit"
PROGRESS_FILE = "progress.json"


@dataclass
class Progress:
    path: Path
    done: list[str] = field(default_factory=list)
    hints_used: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls, project_root: Path) -> Progress:
        path = Path(project_root) / PROGRESS_DIR / PROGRESS_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls(path)
        except (json.JSONDecodeError, UnicodeDecodeError):
            # A damaged file is set aside rather than trusted or silently lost.
            path.replace(path.with_suffix(".damaged.json"))
            return cls(path)
        return cls(path, list(data.get("done", [])), {k: int(v) for k, v in data.get("hints_used", {}).items()})

    def save(self) -> None:
        payload = json.dumps({"done": self.done, "hints_used": self.hints_used}, indent=1, ensure_ascii=False)
        write_atomic(self.path, payload + "\n")

    def set_done(self, exercise_ids, order: list[str]) -> None:
        """Record the exercises that pass now, kept in catalogue order."""
        passing = set(exercise_ids)
        self.done = [e for e in order if e in passing]

    def use_hint(self, exercise_id: str, total: int) -> int:
        """Count one more hint shown (never past ``total``); returns how many are shown now."""
        shown = min(self.hints_used.get(exercise_id, 0) + 1, total)
        self.hints_used[exercise_id] = shown
        return shown

    def reset(self) -> bool:
        existed = self.path.exists()
        if existed:
            self.path.unlink()
        self.done, self.hints_used = [], {}
        return existed
