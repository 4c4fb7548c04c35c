"""`.fixkit_cache/`: each file's facts, keyed by its content hash (in the spirit of `.ruff_cache`).

One pickle per (fixkit version, extractor source, Python version, target version) holds
{path: FileFacts}; an entry is reused when the file's SHA-256, module name and package
flag are unchanged.  A single file keeps a warm run to one read instead of thousands.
The extractor's own source is part of the key so a development checkout never reuses
facts an older extractor produced.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from fixkit import __version__
from fixkit.facts import FileFacts

CACHE_DIR = ".fixkit_cache"


def _extractor_fingerprint() -> str:
    import fixkit.facts as facts_pkg
    import fixkit.facts.extract as extract_mod

    digest = hashlib.sha256()
    for module in (facts_pkg, extract_mod):
        try:
            digest.update(Path(module.__file__).read_bytes())  # type: ignore[arg-type]
        except OSError:
            digest.update(__version__.encode())
    return digest.hexdigest()[:12]


class FactsCache:
    def __init__(self, root: Path, target_version: tuple[int, int], enabled: bool = True):
        self.enabled = enabled
        self.dir = root / CACHE_DIR
        py = "%d%d" % sys.version_info[:2]
        target = "%d%d" % target_version
        self.file = self.dir / f"facts-{__version__}-{_extractor_fingerprint()}-py{py}-t{target}.pickle"
        self.delta_file = self.file.with_suffix(".pickle.delta")
        self.entries: dict[str, FileFacts] = {}
        self.delta: dict[str, FileFacts] = {}  # entries newer than the full file
        self.base_size = 0
        self.dirty = False
        if enabled:
            self._load()

    def _load(self) -> None:
        base = read_pickle(self.file)
        if not isinstance(base, dict):
            return  # no cache, or one written by another fixkit: start cold
        delta = read_pickle(self.delta_file)
        self.entries = base
        self.base_size = len(base)
        if isinstance(delta, dict):
            self.delta = delta
            self.entries.update(delta)

    def get(self, path: str, sha256: str, module: str, is_package: bool) -> FileFacts | None:
        facts = self.entries.get(path)
        if facts is None or facts.sha256 != sha256 or facts.module != module or facts.is_package != is_package:
            return None
        return facts

    def put(self, facts: FileFacts) -> None:
        if self.entries.get(facts.path) is not facts:
            self.entries[facts.path] = facts
            self.delta[facts.path] = facts
            self.dirty = True

    def save(self, keep: set[str]) -> None:
        """Write what changed, atomically; errors are ignored (a read-only checkout still
        gets a plan, only not a warm one).

        A few changed files go to a small delta file next to the full one, so that
        re-planning after editing one file does not rewrite facts of 20,000; the full
        file is rewritten when the delta grows past a tenth of it or files were removed."""
        if not self.enabled:
            return
        stale = set(self.entries) - keep
        if not self.dirty and not stale:
            return
        for path in stale:
            del self.entries[path]
            self.delta.pop(path, None)
        try:
            if not stale and self.base_size and len(self.delta) * 10 < self.base_size:
                write_pickle(self.delta_file, self.delta)
                return
            for old in self.dir.glob("facts-*.pickle*"):
                if old not in (self.file, self.delta_file):
                    old.unlink(missing_ok=True)
            write_pickle(self.file, self.entries)
            self.delta_file.unlink(missing_ok=True)
        except OSError:
            pass


def read_pickle(path: Path) -> object:
    """What a cache file holds; None when it is missing, truncated or written by another
    fixkit (then the cache starts cold).  Shared by every cache in `.fixkit_cache/`."""
    try:
        with path.open("rb") as fh:
            data = fh.read()
    except OSError:
        return None
    # Unpickling 20,000 files' facts makes millions of objects, none of them garbage:
    # the cyclic collector would walk them again and again (0.6 -> 0.2 s at 5,000 files).
    with paused_gc(long_lived=True):
        try:
            return pickle.loads(data)
        except Exception:
            return None


# True in a process that makes one plan and exits (the `fixkit plan` command): what a
# long-lived phase made then lives until the exit, see `paused_gc(long_lived=True)`.
ONE_SHOT = False


@contextmanager
def paused_gc(long_lived: bool = False) -> Iterator[None]:
    """The cyclic garbage collector off while many objects that form no cycles are made
    (facts, ASTs): it would traverse every live object again at each full collection.

    `long_lived`: what the block makes is kept for the rest of the plan (the facts, the
    graph).  In a one-shot process (ONE_SHOT) it is then frozen out of the collector's
    reach (`gc.freeze`) instead of being walked by the first collections after the
    pause (0.2 s after loading 5,000 files' facts); a library caller keeps the default,
    since freezing would also keep any garbage cycle alive at that moment forever."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if long_lived and ONE_SHOT:
            gc.freeze()
        if enabled:
            gc.enable()


def write_pickle(path: Path, data: object) -> None:
    """Write a cache file atomically, creating its directory with a `.gitignore` that
    ignores it all; OSError propagates (callers treat a cache as optional)."""
    path.parent.mkdir(exist_ok=True)
    gitignore = path.parent / ".gitignore"
    if not gitignore.exists():
        gitignore.write_text("# Automatically created by fixkit.\n*\n")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
