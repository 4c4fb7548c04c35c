"""Import every blueprint module and report which ones load.

    PYTHONPATH=src python -m inventory.check [--json]
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import traceback
from typing import Dict, List, Optional, Tuple

BLUEPRINTS = ["health", "products", "warehouses", "suppliers", "orders", "stock", "pricing", "reports"]

_SRC_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _location(exc: BaseException) -> Tuple[Optional[str], Optional[int]]:
    if isinstance(exc, SyntaxError) and exc.filename:
        filename, lineno = exc.filename, exc.lineno
    else:
        frames = [
            f for f in traceback.extract_tb(exc.__traceback__)
            if not f.filename.startswith("<") and os.path.abspath(f.filename).startswith(_SRC_ROOT + os.sep)
        ]
        if not frames:
            return None, None
        filename, lineno = frames[-1].filename, frames[-1].lineno
    path = os.path.abspath(filename)
    if path.startswith(_SRC_ROOT + os.sep):
        path = "src/" + os.path.relpath(path, _SRC_ROOT).replace(os.sep, "/")
    return path, lineno


def check() -> Tuple[List[str], Dict[str, BaseException]]:
    loaded: List[str] = []
    failed: Dict[str, BaseException] = {}
    for name in BLUEPRINTS:
        try:
            module = importlib.import_module(f"inventory.blueprints.{name}")
            getattr(module, "bp")
            loaded.append(name)
        except Exception as exc:
            failed[name] = exc
    return loaded, failed


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m inventory.check")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    loaded, failed = check()
    if args.json:
        print(
            json.dumps(
                {
                    "loaded": loaded,
                    "failed": {
                        name: {
                            "type": type(exc).__name__,
                            "message": " ".join(str(exc).split()),
                            "file": _location(exc)[0],
                            "line": _location(exc)[1],
                        }
                        for name, exc in failed.items()
                    },
                },
                indent=2,
            )
        )
    else:
        for name in BLUEPRINTS:
            if name in failed:
                exc = failed[name]
                print(f"FAILED {name}: {type(exc).__name__}: {' '.join(str(exc).split())}")
            else:
                print(f"OK {name}")
        print(f"Successfully loaded {len(loaded)} of {len(BLUEPRINTS)} blueprints")
    return 0


if __name__ == "__main__":
    sys.exit(main())
