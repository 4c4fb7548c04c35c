"""`fixkit apply`."""

from __future__ import annotations

import argparse

from fixkit.errors import FixkitError


def run(args: argparse.Namespace) -> int:
    raise FixkitError("apply: not implemented yet")
