"""The shipped tables (`fixkit/resolve/data/`), loaded once and looked up by dotted prefix.

* `curated.tsv` — hand-written entries with a warning and a source each;
* `generated.tsv` — every module the newest wheel of each of the most downloaded
  PyPI projects provides (see `fixkit.resolve.regenerate`), with the wheel it came from;
* `known.tsv` — ranked distribution names (1 = most downloaded);
* `namespaces.txt` — top-level names that are namespace packages.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from packaging.utils import canonicalize_name


@dataclass(frozen=True)
class Entry:
    import_name: str
    distribution: str
    source: str
    warning: str = ""
    rank: int | None = None


@dataclass(frozen=True)
class Tables:
    curated: dict[str, Entry]
    generated: dict[str, tuple[Entry, ...]]  # by import name, most downloaded first
    known: dict[str, tuple[str, int]]  # canonical name → (name as published, rank)
    namespaces: frozenset[str]
    # every proper dotted prefix of a generated entry ("google", "google.cloud"): a
    # distribution providing such a prefix says nothing about a deeper name
    namespace_levels: frozenset[str] = frozenset()
    _by_distribution: dict[str, list[str]] | None = None

    def modules_of(self, distribution: str) -> list[str]:
        """The modules the table says `distribution` provides, sorted."""
        if self._by_distribution is None:
            index: dict[str, list[str]] = {}
            for module, entries in self.generated.items():
                for e in entries:
                    index.setdefault(canonicalize_name(e.distribution), []).append(module)
            object.__setattr__(self, "_by_distribution", {k: sorted(v) for k, v in index.items()})
        return self._by_distribution.get(canonicalize_name(distribution), [])  # type: ignore[union-attr]

    def rank(self, distribution: str) -> int | None:
        hit = self.known.get(canonicalize_name(distribution))
        return hit[1] if hit else None

    def published_name(self, distribution: str) -> str | None:
        hit = self.known.get(canonicalize_name(distribution))
        return hit[0] if hit else None


def _rows(name: str) -> list[list[str]]:
    try:
        text = resources.files("fixkit.resolve").joinpath("data", name).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


@lru_cache(maxsize=1)
def load() -> Tables:
    curated: dict[str, Entry] = {}
    for row in _rows("curated.tsv"):
        row += [""] * (4 - len(row))
        curated.setdefault(row[0], Entry(row[0], row[1], source=row[3], warning=row[2]))
    generated: dict[str, list[Entry]] = {}
    for row in _rows("generated.tsv"):
        if len(row) < 4:
            continue
        generated.setdefault(row[0], []).append(Entry(row[0], row[1], source=row[3], rank=int(row[2]) if row[2].isdigit() else None))
    known: dict[str, tuple[str, int]] = {}
    for row in _rows("known.tsv"):
        if len(row) >= 2 and row[1].isdigit():
            known.setdefault(canonicalize_name(row[0]), (row[0], int(row[1])))
    namespaces = {row[0] for row in _rows("namespaces.txt")}
    # pkgutil-style namespaces ship an __init__.py in every wheel (backports.tarfile,
    # backports.zoneinfo, ...): a root several `root-*` distributions provide is one too
    for key, entries in generated.items():
        dists = {canonicalize_name(e.distribution) for e in entries}
        if "." not in key and len(dists) >= 2 and all(d.startswith(canonicalize_name(key) + "-") for d in dists):
            namespaces.add(key)
    levels = frozenset(m.rsplit(".", i)[0] for m in generated if "." in m for i in range(1, m.count(".") + 1))
    return Tables(
        namespace_levels=levels,
        curated=curated,
        generated={k: tuple(sorted(v, key=lambda e: e.rank or 10**9)) for k, v in generated.items()},
        known=known,
        namespaces=frozenset(namespaces),
    )
