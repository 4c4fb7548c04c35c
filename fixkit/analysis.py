"""What the analyse stage hands to the rules and fixers: the project, each file's
facts and the import graph, with the look-ups fixers need.

CONTRACT: fixers (`fixkit.fixes.*`) receive an `Analysis` and must only read it.

While a fix is computed, the analysis writes down every question the fixer asks of it
(`Analysis.asking`): which file's facts it looked at, who imports a module, which
module defines a name, which file it read as text, ... `fixkit.fixcache` keeps each
fix with a digest of every answer and reuses it later exactly while every answer is
still the same — so an edit elsewhere in a large project recomputes only the fixes
that looked at what changed.  A question the analysis cannot name precisely (walking
every file's facts, the graph beyond `entry_bits`) is written down as ("all",), whose
answer is the whole structure.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable, Iterator

from fixkit.facts import FileFacts, ImportFact
from fixkit.model import sha256_bytes
from fixkit.project import Project

# A question: ("file", path), ("module", name), ("importers", module), ("definers", name),
# ("files_with", attributes...), ("index", name), ("reaching", module), ("all",), and
# ("read", path), answered at once with the SHA-256 of the bytes read (None: unreadable).
Question = tuple


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
    # The questions being written down, innermost last (see the module docstring).
    _asked: list[dict[Question, str | None]] = field(default_factory=list, init=False, repr=False, compare=False)
    _indexes: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)
    _memos: dict[Any, tuple[Any, dict]] = field(default_factory=dict, init=False, repr=False, compare=False)

    # ------------------------------------------------------------------ look-ups

    def _raw_facts(self) -> dict[str, FileFacts]:
        facts = self.facts
        return facts.wrapped if isinstance(facts, _AskedFacts) else facts

    @cached_property
    def by_module(self) -> dict[str, FileFacts]:
        return {f.module: f for f in self._raw_facts().values() if f.module}

    def facts_of(self, module: str) -> FileFacts | None:
        self.ask(("module", module))
        return self.by_module.get(module)

    @cached_property
    def _definers(self) -> dict[str, list[str]]:
        index: dict[str, list[str]] = {}
        for facts in self._raw_facts().values():
            if not facts.module:
                continue
            for d in facts.definitions:
                if d.kind != "import":
                    index.setdefault(d.name, []).append(facts.module)
        return index

    def definers(self, name: str) -> list[str]:
        """First-party modules that define `name` themselves (not by importing it), sorted."""
        self.ask(("definers", name))
        return sorted(set(self._definers.get(name, ())))

    @cached_property
    def _importers(self) -> dict[str, list[tuple[FileFacts, ImportFact]]]:
        index: dict[str, list[tuple[FileFacts, ImportFact]]] = {}
        for facts in self._raw_facts().values():
            for imp in facts.imports:
                keys = {imp.module}
                if imp.is_from:
                    keys.update(f"{imp.module}.{n}" for n, _ in imp.names)
                for key in keys:
                    index.setdefault(key, []).append((facts, imp))
        return index

    def importers(self, module: str) -> Iterator[tuple[FileFacts, ImportFact]]:
        """Every (file, import) that imports `module` or a name from it."""
        self.ask(("importers", module))
        return iter(self._importers.get(module, ()))

    def files_with(self, *attributes: str) -> list[tuple[str, FileFacts]]:
        """(path, facts) of every file, by path, whose facts have any of `attributes`
        (models, syntax_error, ...) set: asked as one question, so an edit of a file
        with none of them leaves the answer unchanged."""
        self.ask(("files_with", *attributes))
        return [(p, f) for p, f in sorted(self._raw_facts().items()) if any(getattr(f, a) for a in attributes)]

    def index(self, build: Callable[["Analysis"], Any]) -> Any:
        """`build(self)`, a project-wide table made from the facts alone (no file reads),
        computed once per analysis.  Asked as ("index", "module:function"), answered by
        a digest of the table itself, not of what building it looked at; `build` must be
        a module-level function, so that a later run can build the table again to compare."""
        name = f"{build.__module__}:{build.__qualname__}"
        if name not in self._indexes:
            self._asked.append({})
            try:
                self._indexes[name] = build(self)
            finally:
                self._asked.pop()
        self.ask(("index", name))
        return self._indexes[name]

    def memo(self, key: Any, compute: Callable[[], Any]) -> Any:
        """A value computed once per analysis; whoever reuses it asks again the
        questions computing it asked."""
        if key not in self._memos:
            with self.asking() as asked:
                value = compute()
            self._memos[key] = (value, dict(asked))
        value, asked = self._memos[key]
        if self._asked:
            self._asked[-1].update(asked)
        return value

    # ------------------------------------------------------------------ questions

    def ask(self, question: Question, answer: str | None = None) -> None:
        if self._asked:
            asked = self._asked[-1]
            # ("all",) answers every question about the facts and layout already; only
            # the files read as text still need their own answer.
            if question[0] != "read" and ("all",) in asked:
                return
            asked.setdefault(question, answer)

    @contextmanager
    def asking(self) -> Iterator[dict[Question, str | None]]:
        """Write down every question asked of this analysis while the block runs; the
        dict maps each question to its answer where it is known at once (reads)."""
        outermost = not self._asked
        asked: dict[Question, str | None] = {}
        if outermost:
            self.facts = _AskedFacts(self.facts, self.ask)  # type: ignore[assignment]
            if self.graph is not None:
                self.graph = _AskedGraph(self.graph, self.ask)
            # Chained onto whatever reads are already being recorded (FixCache.recording).
            previous_read = self.project.__dict__.get("read_bytes")
            self._reader = previous_read or (lambda path: type(self.project).read_bytes(self.project, path))
            self.project.read_bytes = self._read_bytes  # type: ignore[method-assign]
        self._asked.append(asked)
        try:
            yield asked
        finally:
            self._asked.pop()
            if self._asked:
                self._asked[-1].update(asked)
            if outermost:
                self.facts = self.facts.wrapped  # type: ignore[attr-defined]
                if isinstance(self.graph, _AskedGraph):
                    self.graph = self.graph.wrapped
                if previous_read is None:
                    del self.project.read_bytes  # back to the class's method
                else:
                    self.project.read_bytes = previous_read  # type: ignore[method-assign]

    def _read_bytes(self, path: str) -> bytes:
        try:
            data = self._reader(path)
        except OSError:
            self.ask(("read", path), None)
            raise
        self.ask(("read", path), sha256_bytes(data))
        return data


class _AskedFacts(Mapping):
    """`Analysis.facts` while questions are written down: a look-up of one path asks
    about that file, walking them all asks ("all",)."""

    def __init__(self, wrapped: dict[str, FileFacts], ask: Callable[[Question], None]) -> None:
        self.wrapped = wrapped
        self._ask = ask

    def __getitem__(self, path: str) -> FileFacts:
        self._ask(("file", path))
        return self.wrapped[path]

    def get(self, path: str, default: Any = None) -> Any:
        self._ask(("file", path))
        return self.wrapped.get(path, default)

    def __contains__(self, path: object) -> bool:
        self._ask(("file", path))
        return path in self.wrapped

    def __iter__(self) -> Iterator[str]:
        self._ask(("all",))
        return iter(self.wrapped)

    def __len__(self) -> int:
        self._ask(("all",))
        return len(self.wrapped)

    # Walking every file is one question, not one per file.
    def keys(self):  # type: ignore[override]
        self._ask(("all",))
        return self.wrapped.keys()

    def values(self):  # type: ignore[override]
        self._ask(("all",))
        return self.wrapped.values()

    def items(self):  # type: ignore[override]
        self._ask(("all",))
        return self.wrapped.items()


class _AskedGraph:
    """`Analysis.graph` while questions are written down: `entry_bits(module)` is a
    question of its own, anything else asks ("all",)."""

    def __init__(self, wrapped: Any, ask: Callable[[Question], None]) -> None:
        self.wrapped = wrapped
        self._ask = ask

    def entry_bits(self, module: str) -> int:
        self._ask(("reaching", module))
        return self.wrapped.entry_bits(module)

    def __getattr__(self, name: str) -> Any:
        self._ask(("all",))
        return getattr(self.wrapped, name)
