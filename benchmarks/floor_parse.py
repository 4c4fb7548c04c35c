#!/usr/bin/env python
"""The floor: read and `ast.parse` every .py file of a tree in a process pool, nothing else.

    python benchmarks/floor_parse.py PATH [--jobs 2]

Skips the directories every tool skips (virtualenvs, VCS and cache dirs).  Prints the
number of files and how many did not parse.  fixkit's cold plan is measured against it:
the issue's bar is never to be more than 25 % slower than this.
"""

from __future__ import annotations

import argparse
import ast
import os
import sys
import warnings
from multiprocessing import Pool

SKIP_DIRS = {".git", ".hg", ".tox", ".nox", "__pycache__", "node_modules", ".fixkit_cache", ".ruff_cache", ".mypy_cache", "build", "dist"}


def python_files(root: str) -> list[str]:
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS and not os.path.exists(os.path.join(dirpath, d, "pyvenv.cfg"))]
        out += [os.path.join(dirpath, f) for f in filenames if f.endswith(".py")]
    return out


def parse(path: str) -> bool:
    try:
        with open(path, "rb") as fh:
            data = fh.read()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences in old code
            ast.parse(data, path)
        return True
    except (SyntaxError, ValueError, RecursionError, MemoryError, OSError):
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    files = python_files(args.path)
    with Pool(args.jobs) as pool:
        ok = pool.map(parse, files, chunksize=max(1, min(64, len(files) // (args.jobs * 8) or 1)))
    print(f"{len(files)} files, {ok.count(False)} did not parse")
    return 0


if __name__ == "__main__":
    sys.exit(main())
