"""keraskit: pytest-graded exercises for the chapter "Keras in Action", checked against Keras 3."""

__version__ = "0.1.0"
