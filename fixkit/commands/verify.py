"""`fixkit verify`."""

from __future__ import annotations

import argparse

from fixkit.errors import FixkitError


def run(args: argparse.Namespace) -> int:
    raise FixkitError("verify: not implemented yet")
