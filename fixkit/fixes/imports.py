"""Fixes for imports of first-party modules or names that do not exist (FK201, FK202).

When every imported name is defined by exactly one other first-party module the
import is repointed there (`codemods.repoint_imports`) and the fix is safe.  With
several candidates the most plausible one is chosen, the others are listed with
the reasons, and the fix needs review.  With none the fix is manual and says what
the name or module probably was (difflib over the project's module paths and names).

Also home of the import-graph questions the fixers ask (`creates_cycle`): they are
answered from the per-file facts so that a fixer never depends on how the graph
stage represents its edges.
"""

from __future__ import annotations

import difflib
from collections import deque
from dataclasses import dataclass
from typing import Iterable

import libcst as cst
from libcst.metadata import MetadataWrapper, QualifiedNameProvider, QualifiedNameSource

from codemods._common import Move, absolute_name
from codemods.repoint_imports import RepointImportsCommand
from fixkit.analysis import Analysis
from fixkit.codemod_runner import edits_from, run_on_project, source_of
from fixkit.facts import FileFacts, ImportFact
from fixkit.model import Diagnosis, Fix, Safety

# --------------------------------------------------------------------------- graph


def _live(analysis: Analysis, path: str) -> bool:
    """Importable and not shadowed: code that can run."""
    info = analysis.project.files.get(path)
    facts = analysis.facts.get(path)
    return bool(facts and facts.module) and not (info is not None and info.shadowed_by)


def module_level_edges(analysis: Analysis) -> dict[str, set[str]]:
    """module -> first-party modules its import runs at module level (guarded imports
    included: when they succeed they run), parent packages included."""
    known = analysis.by_module
    edges: dict[str, set[str]] = {}
    for path, facts in analysis.facts.items():
        if not _live(analysis, path):
            continue
        out = edges.setdefault(facts.module, set())
        for imp in facts.imports:
            if imp.scope != "module" or imp.type_checking:
                continue
            targets = [imp.module]
            if imp.is_from:
                targets += [f"{imp.module}.{name}" for name, _ in imp.names]
            for target in targets:
                parts = target.split(".")
                for i in range(1, len(parts) + 1):
                    prefix = ".".join(parts[:i])
                    if prefix in known and prefix != facts.module:
                        out.add(prefix)
    return edges


def creates_cycle(analysis: Analysis, importer: str, target: str, edges: dict[str, set[str]] | None = None) -> list[str] | None:
    """The path `target -> ... -> importer` when a new module-level `importer -> target`
    import would close a cycle, else None.  `target`'s own parent packages are not
    followed: Python has already started them before `target` runs, so reaching one
    of them does not re-enter anything."""
    if importer == target:
        return None
    edges = module_level_edges(analysis) if edges is None else edges
    parts = target.split(".")
    ancestors = {".".join(parts[:i]) for i in range(1, len(parts))}
    came_from: dict[str, str | None] = {target: None}
    queue = deque([target])
    while queue:
        module = queue.popleft()
        if module == importer:
            path = [module]
            while came_from[path[-1]] is not None:
                path.append(came_from[path[-1]])  # type: ignore[arg-type]
            return list(reversed(path))
        for nxt in sorted(edges.get(module, ())):
            if nxt not in came_from and nxt not in ancestors:
                came_from[nxt] = module
                queue.append(nxt)
    return None


def imports_module(facts: FileFacts, module: str) -> bool:
    return any(imp.module == module and imp.scope == "module" for imp in facts.imports)


# --------------------------------------------------------------------------- candidates


@dataclass(frozen=True)
class Candidate:
    module: str
    score: float
    reasons: tuple[str, ...]


def _similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(a=a, b=b, autojunk=False).ratio()


def rank_candidates(analysis: Analysis, name: str, wanted_module: str, exclude: Iterable[str], siblings: Iterable[str] = ()) -> list[Candidate]:
    """First-party modules defining `name` themselves, most plausible first."""
    excluded = set(exclude)
    live_modules = {f.module for p, f in analysis.facts.items() if _live(analysis, p)}
    siblings = [s for s in siblings if s != name]
    ranked = []
    for module in analysis.definers(name):
        if module in excluded or module not in live_modules:
            continue
        similarity = _similarity(wanted_module, module)
        last = _similarity(wanted_module.rpartition(".")[2], module.rpartition(".")[2])
        facts = analysis.facts_of(module)
        also = [s for s in siblings if facts is not None and facts.defines(s)]
        reasons = [f"defines {name}", f"path similarity to {wanted_module}: {similarity:.2f}"]
        if also:
            reasons.append(f"also defines {', '.join(also)} from the same import")
        score = similarity + last + len(also)
        ranked.append(Candidate(module, score, tuple(reasons)))
    ranked.sort(key=lambda c: (-c.score, c.module))
    return ranked


def did_you_mean(analysis: Analysis, name: str | None, module: str | None) -> list[str]:
    notes: list[str] = []
    if name:
        where: dict[str, set[str]] = {}
        for path, facts in analysis.facts.items():
            if _live(analysis, path):
                for d in facts.definitions:
                    if d.kind != "import":
                        where.setdefault(d.name, set()).add(facts.module)
        for close in difflib.get_close_matches(name, list(where), n=3, cutoff=0.75):
            notes.append(f"did you mean {close} (defined in {', '.join(sorted(where[close]))})?")
    if module:
        modules = [f.module for p, f in analysis.facts.items() if _live(analysis, p)]
        for close in difflib.get_close_matches(module, modules, n=3, cutoff=0.6):
            if close != module:
                notes.append(f"did you mean module {close}?")
    return notes


# --------------------------------------------------------------------------- the fixes


def _the_import(facts: FileFacts, diagnosis: Diagnosis, module: str) -> ImportFact | None:
    hits = [i for i in facts.imports if i.module == module and i.line <= diagnosis.line <= max(i.end_line, i.line)]
    hits = hits or [i for i in facts.imports if i.module == module]
    return hits[0] if hits else None


class _ModuleAttributes(cst.CSTVisitor):
    """`X` for every `module.X` read through `import module [as m]`."""

    METADATA_DEPENDENCIES = (QualifiedNameProvider,)

    def __init__(self, module: str, package: str | None) -> None:
        super().__init__()
        self.module = module
        self.package = package
        self.used: set[str] = set()

    def visit_Attribute(self, node: cst.Attribute) -> None:
        for qualified in self.get_metadata(QualifiedNameProvider, node, set()):
            if qualified.source is QualifiedNameSource.IMPORT:
                absolute = absolute_name(self.package, qualified.name) or ""
                if absolute.startswith(self.module + "."):
                    self.used.add(absolute[len(self.module) + 1 :].split(".")[0])


def _attributes_used(analysis: Analysis, path: str, module: str) -> set[str]:
    source = source_of(analysis.project, path)
    try:
        wrapper = MetadataWrapper(cst.parse_module(source.text))
    except cst.ParserSyntaxError:
        return set()
    visitor = _ModuleAttributes(module, source.package)
    wrapper.visit(visitor)
    return visitor.used


def _repoint(diagnosis: Diagnosis, analysis: Analysis, wanted_module: str, names: list[str], what: str) -> Fix:
    """The shared body of FK201/FK202: choose a module for each name and rewrite."""
    importer = analysis.facts[diagnosis.file].module
    edges = module_level_edges(analysis)
    moves: list[Move] = []
    notes: list[str] = []
    unresolved: list[str] = []
    safety = Safety.SAFE
    for name in names:
        candidates = rank_candidates(analysis, name, wanted_module, exclude={wanted_module, importer}, siblings=names)
        usable = []
        for candidate in candidates:
            cycle = creates_cycle(analysis, importer, candidate.module, edges) if importer else None
            if cycle:
                notes.append(f"{candidate.module} defines {name} but imports {importer} back ({' -> '.join(cycle)}): not used")
            else:
                usable.append(candidate)
        if not usable:
            unresolved.append(name)
            continue
        chosen = usable[0]
        moves.append(Move(wanted_module, name, chosen.module, name))
        if len(usable) > 1:
            safety = Safety.REVIEW
            notes.append(f"{name}: chose {chosen.module} among {len(usable)} modules that define it")
            for candidate in usable:
                notes.append(f"  {candidate.module}: {'; '.join(candidate.reasons)}")
    if unresolved:
        hints = [hint for name in unresolved for hint in did_you_mean(analysis, name, None)]
        hints += did_you_mean(analysis, None, wanted_module) if what == "module" else []
        summary = f"No first-party module defines {', '.join(unresolved)}; fix the import of {wanted_module} by hand"
        return Fix(summary, Safety.MANUAL, notes=tuple(notes + hints))
    results = run_on_project(analysis.project, RepointImportsCommand, [diagnosis.file], {"moves": [m.spec for m in moves]})
    edits, problems = edits_from(analysis.project, results.values())
    if problems or not edits:
        why = list(problems) or [f"{diagnosis.file}: no import of {wanted_module} the codemod could rewrite"]
        return Fix(f"Repoint the import of {wanted_module} by hand", Safety.MANUAL, notes=tuple(notes + why))
    targets = sorted({m.new_module for m in moves})
    summary = f"Import {', '.join(names)} from {', '.join(targets)} instead of {wanted_module}"
    return Fix(summary, safety, edits=edits, notes=tuple(notes))


def fix_missing_module(diagnosis: Diagnosis, analysis: Analysis) -> Fix | None:
    """FK201: `from app.middleware.auth import get_current_user` with no app/middleware/auth.py."""
    missing = diagnosis.module
    facts = analysis.facts.get(diagnosis.file)
    if not missing or facts is None or not facts.module:
        return None
    imp = _the_import(facts, diagnosis, missing)
    if imp is None:
        # `from app.services import session_service`: the missing module is a name of its parent.
        parent, _, child = missing.rpartition(".")
        imp = _the_import(facts, diagnosis, parent)
        if imp is not None and any(n == child for n, _ in imp.names):
            hints = did_you_mean(analysis, None, missing)
            return Fix(f"Module {missing} does not exist; fix the import by hand", Safety.MANUAL, notes=tuple(hints))
        return None
    if imp.star:
        return Fix(f"Module {missing} does not exist; replace `from {missing} import *` by hand", Safety.MANUAL,
                   notes=tuple(did_you_mean(analysis, None, missing)))  # fmt: skip
    if imp.is_from:
        names = [name for name, _ in imp.names]
    else:
        names = sorted(_attributes_used(analysis, diagnosis.file, missing))
        if not names:
            return Fix(f"Module {missing} does not exist and nothing of it is used; remove `import {missing}`",
                       Safety.MANUAL, notes=tuple(did_you_mean(analysis, None, missing)))  # fmt: skip
    return _repoint(diagnosis, analysis, missing, names, "module")


def fix_missing_name(diagnosis: Diagnosis, analysis: Analysis) -> Fix | None:
    """FK202: `from app.core.ai_config import SafetySettings` where ai_config has no SafetySettings."""
    module = diagnosis.module
    name = diagnosis.symbol
    facts = analysis.facts.get(diagnosis.file)
    if not module or not name or facts is None or not facts.module:
        return None
    return _repoint(diagnosis, analysis, module, [name], "name")
