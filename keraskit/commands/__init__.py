"""Self-study commands of the ``keraskit`` CLI."""


class CommandError(ValueError):
    """A command cannot go on (a bad argument, no working copy); the message says why.

    ``keraskit.cli.main`` prints it as ``keraskit COMMAND: message`` and exits with status 2.
    """
