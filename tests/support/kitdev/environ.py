"""The environment of a keraskit command that a test starts."""

import os

from keraskit.autograde import isolation, sandbox

# The sandbox settings a command keeps: CI's floor leg (KERASKIT_NO_BWRAP=1, and the opt-in to the
# rlimits floor where the machine has no Landlock) grades with them.
SANDBOX_SETTINGS = (sandbox.NO_BWRAP_ENV, sandbox.MODE_ENV, isolation.ALLOW_ENV)


def grading_environ() -> dict[str, str]:
    """This process's environment without its KERASKIT_ settings (a language, a cache or a
    selection some test set must not reach the command), except the sandbox's: a run without
    bwrap grades its commands without bwrap too."""
    return {key: value for key, value in os.environ.items()
            if not key.startswith("KERASKIT_") or key in SANDBOX_SETTINGS}
