"""What many tests need: the sample projects, small projects written to disk, a fix
applied to disk, the analysis of a project, and an import in a fresh interpreter."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from fixkit.analyse import analyse
from fixkit.analysis import Analysis
from fixkit.config import load_config
from fixkit.model import Fix, apply_hunks

SAMPLES = Path(__file__).resolve().parents[1] / "sample_projects"
ENGARDE = SAMPLES / "engarde_backend"


def copy_sample(tmp_path: Path, name: str = "engarde_backend", dest_name: str = "engarde") -> Path:
    """A private copy of a sample project (fixes must never touch the originals)."""
    dest = tmp_path / dest_name
    shutil.copytree(SAMPLES / name, dest, ignore=shutil.ignore_patterns("__pycache__", ".fixkit_cache", "*.db"))
    return dest


def write_files(root: Path, files: dict[str, str]) -> None:
    """Write a small project; texts are dedented so tests can indent them."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def apply_fix(root: Path, fix: Fix) -> None:
    """Write a fix's edits to disk, as `fixkit apply` would (without its checks)."""
    for edit in fix.edits:
        path = root / edit.path
        if edit.delete:
            path.unlink()
        elif edit.creates:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("".join(h.text for h in edit.hunks))
        else:
            path.write_text(apply_hunks(path.read_text(), edit.hunks))


def analysed(root: Path, **config) -> Analysis:
    """The analyse stage's result for `root`, without the on-disk cache."""
    return analyse(load_config(root, use_cache=False, **config))


def run_import(root: Path, module: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """`import module` in a fresh interpreter with `root` as the working directory."""
    return subprocess.run([sys.executable, "-c", f"import {module}"], cwd=root, capture_output=True, text=True, timeout=timeout)


def read_terminal(leader: int, child: subprocess.Popen) -> bytes:
    """Every byte a child wrote to the pseudo-terminal whose leader side is `leader`, until
    the child closes its side or has exited with nothing left to read (its pool workers
    may keep the terminal open a little longer).  Closes `leader`."""
    import os
    import select

    received = b""
    try:
        while True:
            ready, _, _ = select.select([leader], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(leader, 65536)
                except OSError:  # EIO: the child closed its side
                    break
                if not chunk:
                    break
                received += chunk
            elif child.poll() is not None:
                break
    finally:
        os.close(leader)
    return received
