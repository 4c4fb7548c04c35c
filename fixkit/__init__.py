"""fixkit: find why a Python backend half-starts and fix it."""

__version__ = "0.1.0"
