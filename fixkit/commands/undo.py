"""`fixkit undo`: restore every file the last `fixkit apply` touched, byte for byte."""

from __future__ import annotations

import argparse

from fixkit.apply import undo
from fixkit.commands.verify import project_root


def run(args: argparse.Namespace) -> int:
    root = project_root(args.path)
    result = undo(root)
    print(f"Restored {len(result.restored)} files from {result.journal.relative_to(root)}")
    for path in result.restored:
        print(f"  restored {path}")
    for path in result.removed:
        print(f"  removed {path} (apply had created it)")
    for path, why in result.refused:
        print(f"  kept {path}: {why}")
    if result.installed:
        print(f"  note: distributions apply installed are left installed: {', '.join(result.installed)}")
    return 1 if result.refused else 0
