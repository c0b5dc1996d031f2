"""The kit's exercises as an nbgrader course, generated from the catalogue, references and tests.

``build`` writes the course, ``checks`` is what its test cells run, ``extract`` hands notebook
answers to the isolated judge, ``pipeline`` drives the real nbgrader (tests and benchmark).
"""
