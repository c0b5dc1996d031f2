"""The kit's development helpers: used by its own tests and benchmarks, never shipped.

``mutation`` grades the wrong/right variants of ``grading/mutants/``; ``nbgrader_pipeline``
drives the real nbgrader on a generated course. Neither is part of the ``keraskit`` package,
the wheel or the student release. ``tests/conftest.py`` and ``benchmarks/class_mix.py`` put
this package's parent folder (``tests/support``) on ``sys.path``: that folder holds nothing else,
so no other module of the checkout becomes importable by accident.
"""
