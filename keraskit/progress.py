"""A self-learner's progress, kept in ``.keraskit/progress.json`` inside the working copy.

It records which exercises passed their visible tests and how many hints were shown. Writes are
atomic (a temporary file renamed over the old one), so a crash never leaves half a file.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from keraskit.commands import CommandError
from keraskit.i18n import t

PROGRESS_DIR = ".keraskit"
PROGRESS_FILE = "progress.json"


class NotAWorkingCopy(CommandError):
    """No folder with exercises/ above the current one."""


def find_project_root(start: Path | None = None) -> Path:
    """The nearest folder, from ``start`` upwards, that holds ``exercises/tests``."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "exercises" / "tests").is_dir():
            return folder
    raise NotAWorkingCopy(t("cli.not_a_working_copy", folder=here))


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
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload = json.dumps({"done": self.done, "hints_used": self.hints_used}, indent=1, ensure_ascii=False)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".progress-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(payload + "\n")
        os.replace(tmp, self.path)

    def set_done(self, exercise_ids, order: list[str]) -> None:
        """Record the exercises that pass now, kept in catalogue order."""
        passing = set(exercise_ids)
        self.done = [e for e in order if e in passing]

    def next_hint_index(self, exercise_id: str) -> int:
        return self.hints_used.get(exercise_id, 0)

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
