"""What the analyse stage hands to the rules and fixers: the project, each file's
facts and the import graph, with the look-ups fixers need.

CONTRACT: fixers (`fixkit.fixes.*`) receive an `Analysis` and must only read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterator

from fixkit.facts import FileFacts, ImportFact
from fixkit.project import Project


@dataclass
class Analysis:
    project: Project
    facts: dict[str, FileFacts] = field(default_factory=dict)  # by relative path
    graph: object = None  # fixkit.graph.ImportGraph
    # Added: extra directories searched (before the target interpreter's own sys.path)
    # when deciding whether a third-party module is installed (`analyse(site_paths=...)`).
    site_paths: tuple[str, ...] = ()
    # Added: plain-language notes about what could not be checked (newer syntax, ...).
    notes: list[str] = field(default_factory=list)

    @cached_property
    def by_module(self) -> dict[str, FileFacts]:
        return {f.module: f for f in self.facts.values() if f.module}

    def facts_of(self, module: str) -> FileFacts | None:
        return self.by_module.get(module)

    @cached_property
    def _definers(self) -> dict[str, list[str]]:
        index: dict[str, list[str]] = {}
        for facts in self.facts.values():
            if not facts.module:
                continue
            for d in facts.definitions:
                if d.kind != "import":
                    index.setdefault(d.name, []).append(facts.module)
        return index

    def definers(self, name: str) -> list[str]:
        """First-party modules that define `name` themselves (not by importing it), sorted."""
        return sorted(set(self._definers.get(name, ())))

    def importers(self, module: str) -> Iterator[tuple[FileFacts, ImportFact]]:
        """Every (file, import) that imports `module` or a name from it."""
        for facts in self.facts.values():
            for imp in facts.imports:
                if imp.module == module or (imp.is_from and any(f"{imp.module}.{n}" == module for n, _ in imp.names)):
                    yield facts, imp
