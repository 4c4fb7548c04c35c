"""Hypothesis runs the same examples on every machine unless asked to explore.

A suite that CI runs on every commit must not pass or fail by the draw; new
counterexamples are hunted on purpose with `HYPOTHESIS_PROFILE=explore python -m
pytest`, and each one found is pinned with `@example` next to its property.
"""

import os

from hypothesis import settings

settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore")  # a fresh random draw on every run
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))
