"""The pytest hooks keraskit declares, for the plugins that extend it.

``keraskit.plugin`` adds them in ``pytest_addhooks``, so pytest checks every implementation's
name and arguments against these specifications, as it does for its own hooks.
"""

import pytest


@pytest.hookspec(firstresult=True)
def pytest_keraskit_loader(config):
    """The loader (``keraskit.target.Loader``) through which the tests reach the graded code.

    Return None to leave the choice to keraskit: ``--target DIR``, ``--instructor`` or
    ``exercises/``, loaded in this process. The isolated grader returns its loader, which runs
    the graded code in a sandboxed worker; a notebook's test cell returns one whose module is the
    notebook. The first loader returned wins; one that does not meet the ``Loader`` protocol is
    a usage error.
    """
