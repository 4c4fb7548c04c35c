"""`fixkit pr-review`."""

from __future__ import annotations

import argparse

from fixkit.errors import FixkitError


def run(args: argparse.Namespace) -> int:
    raise FixkitError("pr-review: not implemented yet")
