"""`.fixkit_cache/`: each file's facts, keyed by its content hash (in the spirit of `.ruff_cache`).

One pickle per (fixkit version, extractor source, Python version, target version) holds
{path: FileFacts}; an entry is reused when the file's SHA-256, module name and package
flag are unchanged.  A single file keeps a warm run to one read instead of thousands.
The extractor's own source is part of the key so a development checkout never reuses
facts an older extractor produced.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path

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
        self.entries: dict[str, FileFacts] = {}
        self.dirty = False
        if enabled:
            self._load()

    def _load(self) -> None:
        try:
            with self.file.open("rb") as fh:
                entries = pickle.load(fh)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError):
            return  # no cache, or one written by another fixkit: start cold
        if isinstance(entries, dict):
            self.entries = entries

    def get(self, path: str, sha256: str, module: str, is_package: bool) -> FileFacts | None:
        facts = self.entries.get(path)
        if facts is None or facts.sha256 != sha256 or facts.module != module or facts.is_package != is_package:
            return None
        return facts

    def put(self, facts: FileFacts) -> None:
        if self.entries.get(facts.path) is not facts:
            self.entries[facts.path] = facts
            self.dirty = True

    def save(self, keep: set[str]) -> None:
        """Write the entries of the files that still exist (atomically); errors are ignored:
        a read-only checkout still gets a plan, only not a warm one."""
        if not self.enabled:
            return
        stale = set(self.entries) - keep
        if not self.dirty and not stale:
            return
        for path in stale:
            del self.entries[path]
        try:
            self.dir.mkdir(exist_ok=True)
            gitignore = self.dir / ".gitignore"
            if not gitignore.exists():
                gitignore.write_text("# Automatically created by fixkit.\n*\n")
            for old in self.dir.glob("facts-*.pickle"):
                if old != self.file:
                    old.unlink(missing_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=".facts-", suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(self.entries, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.file)
        except OSError:
            pass
