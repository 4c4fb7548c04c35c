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

import ast
import difflib
from collections import deque
from dataclasses import dataclass, replace
from typing import Iterable

import libcst as cst
from libcst.metadata import MetadataWrapper, QualifiedNameProvider, QualifiedNameSource
from rapidfuzz.fuzz import ratio as lcs_ratio

from codemods._common import Move, absolute_name
from codemods.repoint_imports import RepointImportsCommand
from fixkit.analysis import Analysis
from fixkit.codemod_runner import edits_from, run_on_project, source_of
from fixkit.facts import FileFacts, ImportFact
from fixkit.fixes.tables import is_live, live_definitions, live_modules, module_level_edges
from fixkit.fixes.typos import fix_typo
from fixkit.model import Diagnosis, Fix, Safety

# --------------------------------------------------------------------------- graph


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
    live = live_modules(analysis)
    siblings = [s for s in siblings if s != name]
    ranked = []
    for module in analysis.definers(name):
        if module in excluded or module not in live:
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


def _upper_bound(a: str, b: str) -> float:
    """An upper bound of `_similarity(a, b)`: rapidfuzz's ratio is 2·LCS/(|a|+|b|), and the
    matching blocks difflib's ratio counts form one common subsequence, so never exceed
    the LCS.  Computed in C++, some hundred times faster than difflib's quick_ratio."""
    return lcs_ratio(a, b) / 100 + 1e-9  # float rounding must not make the bound lower


def did_you_mean(analysis: Analysis, name: str | None, module: str | None) -> list[str]:
    notes: list[str] = []
    if name:
        where = live_definitions(analysis)
        for close in difflib.get_close_matches(name, list(where), n=3, cutoff=0.75):
            notes.append(f"did you mean {close} (defined in {', '.join(sorted(where[close]))})?")
    if module:
        notes.extend(f"did you mean module {close}?" for close in _similar_modules(analysis, module))
    return notes


def _similar_modules(analysis: Analysis, module: str, keep: int = 3) -> list[str]:
    """The `keep` live modules most like `module` that score at least 0.6.

    In a package, the last part is compared (a shared prefix makes whole paths look
    alike); elsewhere the whole path, less 0.1.  Every module gets a cheap upper bound
    of its score, and exact ratios are computed in falling order of bound only until
    no bound can beat the `keep`-th best score: on a tree of 5,000 `app.services.*`
    modules the exact ratio of every plausible path cost seconds per plan."""
    parent, _, last = module.rpartition(".")
    bounded: list[tuple[float, str]] = []
    for other in live_modules(analysis):
        if other == module:
            continue
        other_parent, _, other_last = other.rpartition(".")
        if other_parent == parent:
            bound = _upper_bound(last, other_last)
        else:
            bound = _upper_bound(module, other) - 0.1
        if bound >= 0.6:
            bounded.append((bound, other))
    bounded.sort(key=lambda item: (-item[0], item[1]))
    best: list[tuple[float, str]] = []
    for bound, other in bounded:
        if len(best) == keep and bound < best[-1][0]:
            break
        other_parent, _, other_last = other.rpartition(".")
        score = _similarity(last, other_last) if other_parent == parent else _similarity(module, other) - 0.1
        if score >= 0.6:
            best.append((score, other))
            best.sort(key=lambda item: (-item[0], item[1]))
            del best[keep:]
    return [other for _score, other in best]


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


def _still_imports(text: str, package: str | None, module: str, names: list[str] | None) -> bool:
    """Whether `text` still imports `module` (or, with `names`, one of them from it)."""
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import) and names is None:
            if any(alias.name == module or alias.name.startswith(module + ".") for alias in node.names):
                return True
        elif isinstance(node, ast.ImportFrom):
            resolved = absolute_name(package, "." * node.level + (node.module or "")) if node.level else node.module
            if resolved == module and (names is None or any(a.name in names for a in node.names)):
                return True
            if names is None and resolved and (
                resolved.startswith(module + ".") or any(f"{resolved}.{a.name}" == module for a in node.names)
            ):
                return True
    return False


def _within(module: str, missing: str, submodules: bool) -> bool:
    """Whether importing `module` needs `missing`: it is `missing` or, with `submodules`,
    a module under it (`app.middleware.auth` needs the package `app.middleware`)."""
    return module == missing or (submodules and module.startswith(missing + "."))


def _importing_files(
    diagnosis: Diagnosis, analysis: Analysis, module: str, *, unparsed: bool = False, submodules: bool = False
) -> list[str]:
    """The diagnosed file and every other importer the diagnosis groups with it
    (`related` locations, the `importers` datum), that really imports `module` (or,
    with `submodules`, a module under it).
    A file with a syntax error (its imports recovered from the statements that parse)
    cannot be rewritten: it is left out, or with `unparsed` it is all that is listed."""
    paths = [diagnosis.file, *(loc.file for loc in diagnosis.related)]
    for m in (diagnosis.datum("importers") or "").split():
        facts = analysis.facts_of(m)
        if facts is not None:
            paths.append(facts.path)
    out: list[str] = []
    for path in paths:
        facts = analysis.facts.get(path)
        if (
            path not in out
            and facts is not None
            and is_live(analysis, path)
            and any(_within(i.module, module, submodules) for i in facts.imports)
        ):
            if (facts.syntax_error is not None) is unparsed:
                out.append(path)
    return out


def _left_unparsed(fix: Fix | None, diagnosis: Diagnosis, analysis: Analysis, module: str, submodules: bool = False) -> Fix | None:
    """`fix`, noting the importers of `module` it could not rewrite because they do not
    parse; when there are only such importers, a manual fix that says so."""
    unparsed = _importing_files(diagnosis, analysis, module, unparsed=True, submodules=submodules)
    if not unparsed:
        return fix
    note = f"{', '.join(unparsed)} also import{'s' if len(unparsed) == 1 else ''} {module} but do{'es' if len(unparsed) == 1 else ''} not parse: plan again once the syntax is fixed"
    if fix is None:
        return Fix(f"Fix the syntax error of {', '.join(unparsed)} first, then its import of {module}", Safety.MANUAL, notes=(note,))
    return replace(fix, notes=(*fix.notes, note))


def _repoint(analysis: Analysis, wanted_module: str, names_by_file: dict[str, list[str]], what: str) -> Fix:
    """The shared body of FK201/FK202: choose a module for each name, rewrite every file."""
    pairs = {path: [(wanted_module, name) for name in names] for path, names in names_by_file.items()}
    return _repoint_from(analysis, wanted_module, pairs, what)


def _repoint_from(analysis: Analysis, missing: str, wanted_by_file: dict[str, list[tuple[str, str]]], what: str) -> Fix:
    """Choose a module for each (module, name) the files import, rewrite every file.

    Each module is `missing` itself or, when `missing` is a package, a module under it
    (`from app.middleware.auth import get_current_user` with no `app/middleware/`):
    every import is repointed to where its names are really defined, as a direct one is."""
    importers = {analysis.facts[path].module for path in wanted_by_file}
    wanted: list[tuple[str, str]] = []
    for file_wanted in wanted_by_file.values():
        wanted += [pair for pair in file_wanted if pair not in wanted]
    modules = list(dict.fromkeys(module for module, _ in wanted))
    names = list(dict.fromkeys(name for _, name in wanted))
    shown = ", ".join(modules)
    edges = module_level_edges(analysis)
    moves: list[Move] = []
    notes: list[str] = []
    unresolved: list[str] = []
    unresolved_modules: list[str] = []
    safety = Safety.SAFE
    for wanted_module, name in wanted:
        siblings = [n for m, n in wanted if m == wanted_module]
        candidates = rank_candidates(analysis, name, wanted_module, exclude={wanted_module, *importers}, siblings=siblings)
        usable = []
        for candidate in candidates:
            cycles = [c for c in (creates_cycle(analysis, imp, candidate.module, edges) for imp in sorted(importers)) if c]
            if cycles:
                notes.append(f"{candidate.module} defines {name} but imports {cycles[0][-1]} back ({' -> '.join(cycles[0])}): not used")
            else:
                usable.append(candidate)
        if not usable:
            unresolved += [name] if name not in unresolved else []
            unresolved_modules += [wanted_module] if wanted_module not in unresolved_modules else []
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
        if what == "module":
            hints += [hint for module in unresolved_modules for hint in did_you_mean(analysis, None, module) if hint not in hints]
        summary = f"No first-party module defines {', '.join(unresolved)}; fix the import of {', '.join(unresolved_modules)} by hand"
        return Fix(summary, Safety.MANUAL, notes=tuple(notes + hints))
    results = run_on_project(analysis.project, RepointImportsCommand, sorted(wanted_by_file), {"moves": [m.spec for m in moves]})
    edits, problems = edits_from(analysis.project, results.values())
    unchanged = sorted(set(wanted_by_file) - {e.path for e in edits})
    # A file that still imports what is missing (it also uses the module object itself,
    # `app.auth` passed around) would fail exactly as before: not a fix.
    left = sorted(
        path
        for path, result in results.items()
        if result.new_text is not None
        and _still_imports(result.new_text, source_of(analysis.project, path).package, missing, names if what == "name" else None)
    )
    if problems or unchanged or left:
        why = list(problems) + [f"{path}: no import of {shown} the codemod could rewrite" for path in unchanged]
        why += [f"{path}: still needs {missing} itself after the rewrite (it uses the module object)" for path in left]
        return Fix(f"Repoint the import of {shown} by hand", Safety.MANUAL, notes=tuple(notes + why))
    targets = sorted({m.new_module for m in moves})
    summary = f"Import {', '.join(names)} from {', '.join(targets)} instead of {shown}"
    if len(edits) > 1:
        summary += f" (in {len(edits)} files)"
    return Fix(summary, safety, edits=edits, notes=tuple(notes))


def _names_wanted(analysis: Analysis, path: str, missing: str) -> list[tuple[str, str]] | Fix:
    """What one file takes from the missing module and the modules under it, as
    (module, name) pairs, or a manual Fix when that cannot be repointed."""
    wanted: list[tuple[str, str]] = []
    imported: list[str] = []
    for imp in analysis.facts[path].imports:
        if not _within(imp.module, missing, submodules=True):
            continue
        imported += [imp.module] if imp.module not in imported else []
        if imp.star:
            return Fix(f"Module {imp.module} does not exist; replace `from {imp.module} import *` in {path} by hand",
                       Safety.MANUAL, notes=tuple(did_you_mean(analysis, None, imp.module)))  # fmt: skip
        found = [n for n, _ in imp.names] if imp.is_from else sorted(_attributes_used(analysis, path, imp.module))
        wanted += [(imp.module, n) for n in found if (imp.module, n) not in wanted]
    if not wanted:
        shown = ", ".join(imported) or missing
        hints = tuple(dict.fromkeys(h for m in imported or [missing] for h in did_you_mean(analysis, None, m)))
        return Fix(f"Module {shown} does not exist and {path} uses nothing of it; remove `import {shown}`", Safety.MANUAL, notes=hints)
    return wanted


def fix_missing_module(diagnosis: Diagnosis, analysis: Analysis) -> Fix | None:
    """FK201: `from app.middleware.auth import get_current_user` with no app/middleware/auth.py."""
    missing = diagnosis.module
    facts = analysis.facts.get(diagnosis.file)
    if not missing or facts is None or not facts.module:
        return None
    # `from app.middleware.auth import x` with no app/middleware/ at all: the diagnosis
    # names the package that is missing, the files import modules under it.
    paths = _importing_files(diagnosis, analysis, missing, submodules=True)
    if not paths and _importing_files(diagnosis, analysis, missing, unparsed=True, submodules=True):
        return _left_unparsed(None, diagnosis, analysis, missing, submodules=True)
    if not paths:
        # `from app.services import session_service`: the missing module is a name of its parent.
        parent, _, child = missing.rpartition(".")
        imp = _the_import(facts, diagnosis, parent)
        if imp is not None and any(n == child for n, _ in imp.names):
            hints = did_you_mean(analysis, None, missing)
            return Fix(f"Module {missing} does not exist; fix the import by hand", Safety.MANUAL, notes=tuple(hints))
        return None
    wanted_by_file: dict[str, list[tuple[str, str]]] = {}
    for path in paths:
        wanted = _names_wanted(analysis, path, missing)
        if isinstance(wanted, Fix):
            return wanted
        wanted_by_file[path] = wanted
    fix = _repoint_from(analysis, missing, wanted_by_file, "module")
    return _left_unparsed(fix, diagnosis, analysis, missing, submodules=True)


def fix_missing_name(diagnosis: Diagnosis, analysis: Analysis) -> Fix | None:
    """FK202: `from app.core.ai_config import SafetySettings` where ai_config has no SafetySettings."""
    module = diagnosis.module
    name = diagnosis.symbol
    facts = analysis.facts.get(diagnosis.file)
    if not module or not name or facts is None or not facts.module:
        return None
    names_by_file = {
        path: [name]
        for path in _importing_files(diagnosis, analysis, module)
        if any(i.module == module and any(n == name for n, _ in i.names) for i in analysis.facts[path].imports)
    }
    if not names_by_file:
        return _left_unparsed(None, diagnosis, analysis, module)
    # A typo of a name the module does define becomes a rename (review) instead of a hint.
    typo = fix_typo(diagnosis, analysis, names_by_file)
    if typo is not None:
        return _left_unparsed(typo, diagnosis, analysis, module)
    return _left_unparsed(_repoint(analysis, module, names_by_file, "name"), diagnosis, analysis, module)
