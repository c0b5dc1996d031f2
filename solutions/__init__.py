"""Reference solutions: for instructors, and for self-learners who unlock them on purpose."""

import os as _os

if _os.environ.get("KERASKIT_INSTRUCTOR", "").strip().lower() not in {"1", "true", "yes", "on"}:
    raise ImportError(
        "solutions/ is locked. Instructors: set KERASKIT_INSTRUCTOR=1 or run `pytest --instructor`. "
        "Self-learners: `keraskit solution ID` shows one reference once its exercise passes."
    )
