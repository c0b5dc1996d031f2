"""The kit's exercises as an nbgrader course, generated from the catalogue, references and tests.

``build`` writes the course, ``checks`` is what its test cells run, ``extract`` hands notebook
answers to the isolated judge. (What drives the real nbgrader for the kit's tests and benchmark,
``kitdev.nbgrader_pipeline``, lives under ``tests/support/``, outside the package.)
"""
