"""The error a command reports to its user, and the exit statuses the commands share.

A neutral module: library code (progress, layout, release) raises ``CommandError`` without
importing the command modules, and ``keraskit.commands`` re-exports it for the commands.
"""

from __future__ import annotations

# The exit status of a command stopped by Ctrl-C (128 + SIGINT, as a shell reports it).
INTERRUPTED = 130


class CommandError(ValueError):
    """A command cannot go on (a bad argument, no working copy); the message says why.

    ``keraskit.cli.main`` prints it as ``keraskit COMMAND: message`` and exits with status 2.
    """
