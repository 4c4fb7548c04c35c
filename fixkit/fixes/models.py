"""Fix for one table mapped by several models on one metadata (FK301).

Keep one definition — `[tool.fixkit] canonical` / `--canonical` when given, else the
most complete (columns + relationships + constraints) — delete the others and
repoint every import of them (`codemods.dedupe_models`).

Behaviour worth knowing:
* Dead copies (a `pkg/x.py` shadowed by a `pkg/x/` package: never imported) are
  neither kept nor edited here: deleting that file is the FK203 shadowed-module
  fix's job, so the two fixes never edit the same file.  They are named in the notes.
* Columns, relationships or constraints only a deleted copy has are listed in the
  notes and make the fix `review`; so does keeping a class of another name (its
  importers get the kept class under the old name, and string references to the old
  name — `relationship("Old")` — would no longer resolve: they are listed).
* A rewrite that would make some module import the kept definition while that
  definition's module (transitively, at module level) imports it back is refused:
  the fix is `manual` and says which modules form the cycle.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from codemods.dedupe_models import DedupeModelsCommand
from codemods.repoint_imports import RepointImportsCommand
from fixkit.analysis import Analysis
from fixkit.codemod_runner import edits_from, run_on_project
from fixkit.facts import ModelFact
from fixkit.fixes.imports import creates_cycle, imports_module, module_level_edges
from fixkit.model import Diagnosis, Fix, Safety


@dataclass(frozen=True)
class _Definition:
    path: str
    module: str  # "" for a dead (shadowed) file
    model: ModelFact
    dead: bool

    @property
    def where(self) -> str:
        return f"{self.path}:{self.model.line}"

    @property
    def spec(self) -> str:
        return f"{self.module}:{self.model.name}"


def _group(diagnosis: Diagnosis, analysis: Analysis) -> list[_Definition]:
    """Every definition of the diagnosed table: the diagnosis's related locations when
    they name models, else every model of that table (the facts agree either way)."""
    table = diagnosis.datum("table")
    wanted = {(loc.file, loc.line) for loc in diagnosis.related} | {(diagnosis.file, diagnosis.line)}
    out: list[_Definition] = []
    for path, facts in analysis.files_with("models"):
        info = analysis.project.files.get(path)
        dead = bool(info is not None and info.shadowed_by) or not facts.module
        for model in facts.models:
            by_place = any(path == f and model.line <= line <= model.end_line for f, line in wanted)
            by_table = table is not None and model.table == table
            if by_place or by_table:
                out.append(_Definition(path, facts.module, model, dead))
    if table is None and out:  # related locations only: keep the table they share
        table = out[0].model.table
        out = [d for d in out if d.model.table == table]
    return out


def _choose(diagnosis: Diagnosis, analysis: Analysis, live: list[_Definition]) -> tuple[_Definition | None, str]:
    configured = analysis.project.config.canonical
    for name in [diagnosis.symbol or "", *sorted({d.model.name for d in live})]:
        if name in configured:
            module, _, cls = configured[name].partition(":")
            for d in live:
                if d.module == module and (not cls or d.model.name == cls):
                    return d, f"chosen by --canonical / [tool.fixkit] canonical {name} = {configured[name]!r}"
            return None, f"the configured canonical {configured[name]} for {name} is not one of the definitions"
    suggested = diagnosis.datum("canonical")
    best = max(
        live,
        key=lambda d: (d.model.completeness, d.module == suggested, -live.index(d)),
    )
    m = best.model
    return best, (
        f"most complete: {len(m.columns)} columns, {len(m.relationships)} relationships, {len(m.constraints)} constraints"
    )


def _string_references(analysis: Analysis, name: str) -> list[str]:
    """Places a class is named in a string (relationship("Name"), Mapped["Name"])."""
    pattern = re.compile(r"""["']%s["'\].,]""" % re.escape(name))
    hits = []
    for path, facts in analysis.files_with("models"):
        if not facts.module:
            continue
        try:
            text = analysis.project.read_text(path)
        except (OSError, ValueError):
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if pattern.search(line):
                hits.append(f"{path}:{number}")
    return hits


def _mentions(analysis: Analysis, path: str, names: set[str]) -> bool:
    try:
        text = analysis.project.read_text(path)
    except (OSError, ValueError):
        return True  # let the runner report the file
    return "*" in text or any(name in text for name in names)


def _imported_modules(text: str, package: str) -> set[str]:
    """Modules a text imports outside functions and classes (relative ones resolved)."""
    out: set[str] = set()
    stack = list(ast.parse(text).body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            out.add(module)
            out.update(f"{module}.{alias.name}" for alias in node.names)
        elif isinstance(node, (ast.If, ast.Try, ast.With)):
            for field in ("body", "orelse", "finalbody", "handlers"):
                stack.extend(getattr(node, field, []) or [])
        elif isinstance(node, ast.ExceptHandler):
            stack.extend(node.body)
    return out


def fix_duplicate_model(diagnosis: Diagnosis, analysis: Analysis) -> Fix | None:
    group = _group(diagnosis, analysis)
    live = [d for d in group if not d.dead]
    dead = [d for d in group if d.dead]
    if len(live) < 2:
        return None
    table = live[0].model.table
    canonical, why = _choose(diagnosis, analysis, live)
    listing = tuple(f"definition: {d.where} {d.model.name} ({d.model.completeness} columns/relationships/constraints)" for d in live)
    if canonical is None:
        return Fix(f"Choose which definition of table {table!r} to keep", Safety.MANUAL, notes=(why, *listing))
    removed = [d for d in live if d is not canonical]
    same = [d for d in removed if d.spec == canonical.spec]
    if same:
        return Fix(
            f"Delete all but one {canonical.model.name} in {canonical.path} by hand (keep line {canonical.model.line})",
            Safety.MANUAL,
            notes=(f"{canonical.path} defines {canonical.model.name} {len(same) + 1} times (lines "
                   f"{', '.join(str(d.model.line) for d in sorted([canonical, *same], key=lambda d: d.model.line))}); "
                   f"line {canonical.model.line} is the most complete",
                   *listing),
        )  # fmt: skip

    notes: list[str] = [f"keep {canonical.model.name} from {canonical.module} ({why})"]
    review = False
    kept = canonical.model
    for d in removed:
        lost = [
            (what, sorted(set(mine) - set(theirs)))
            for what, mine, theirs in (
                ("columns", d.model.columns, kept.columns),
                ("relationships", d.model.relationships, kept.relationships),
                ("constraints", d.model.constraints, kept.constraints),
            )
        ]
        for what, items in lost:
            if items:
                review = True
                notes.append(f"{d.where} {d.model.name} has {what} the kept definition lacks: {', '.join(items)}")
        if d.model.name != kept.name:
            review = True
            notes.append(
                f"{d.model.name} ({d.where}) is replaced by {kept.name}: its importers get {kept.name} under the old name"
            )
            refs = _string_references(analysis, d.model.name)
            if refs:
                notes.append(f"string references to {d.model.name} will no longer resolve: {', '.join(refs)}")
    if all(d.model.name == kept.name for d in removed):
        refs = _string_references(analysis, kept.name)
        if refs:
            notes.append(
                f"string references to {kept.name} ({', '.join(refs[:5])}{', ...' if len(refs) > 5 else ''}) resolve "
                f"to the kept class: same name, same declarative registry"
            )
    for d in dead:
        notes.append(f"{d.where} is a dead copy (the file is shadowed by a package and never imported); the FK203 fix removes it")

    # Every file that names a removed definition: their modules, and their importers.
    paths: set[str] = {d.path for d in removed}
    for d in removed:
        for facts, _imp in analysis.importers(d.module):
            info = analysis.project.files.get(facts.path)
            # A file with a syntax error (imports recovered from what parses) cannot be rewritten.
            if facts.module and facts.syntax_error is None and not (info is not None and info.shadowed_by):
                paths.add(facts.path)
    # An importer that never spells a removed class's name (nor star-imports) has nothing
    # to rewrite: skipping it saves a libcst parse per file on big projects.
    removed_names = {d.model.name for d in removed}
    removed_files = {d.path for d in removed}
    paths = {p for p in paths if p in removed_files or _mentions(analysis, p, removed_names)}
    args = {"canonical": canonical.spec, "remove": [d.spec for d in removed]}
    results = run_on_project(analysis.project, DedupeModelsCommand, sorted(paths), args)
    edits, problems = edits_from(analysis.project, results.values())
    summary = (
        f"Keep {kept.name} ({canonical.module}) as the one model of table {table!r}; "
        f"delete {', '.join(d.where for d in removed)} and repoint their imports"
    )
    if problems:
        return Fix(summary, Safety.MANUAL, notes=(*notes, *problems))

    # Refuse a rewrite that closes an import cycle through the kept module.
    graph = module_level_edges(analysis)
    for result in results.values():
        facts = analysis.facts.get(result.path)
        if not result.changed or facts is None or imports_module(facts, canonical.module):
            continue
        info = analysis.project.files.get(result.path)
        package = facts.module if info is not None and info.is_package else facts.module.rpartition(".")[0]
        if canonical.module not in _imported_modules(result.new_text or "", package):
            continue  # only files that now import the kept module gained an edge
        cycle = creates_cycle(analysis, facts.module, canonical.module, graph)
        if cycle:
            return Fix(
                f"Keep {kept.name} from {canonical.module} by hand: the rewrite would close an import cycle",
                Safety.MANUAL,
                notes=(
                    *notes,
                    f"{result.path} would import {canonical.module}, which imports it back: {' -> '.join(cycle)} -> {canonical.module}",
                    "choose another canonical definition ([tool.fixkit] canonical = {%s = \"module\"}) "
                    "or move the model to a module that imports neither" % kept.name,
                ),
            )
    return Fix(summary, Safety.REVIEW if review else Safety.SAFE, edits=edits, notes=tuple(notes))


def fix_module_imported_twice(diagnosis: Diagnosis, analysis: Analysis) -> Fix | None:
    """FK302: a models file imported as `models.core` (through a sys.path entry) and as
    `app.models.core` runs twice.  Every import under the second name is repointed to the
    canonical one (`codemods.repoint_imports --move-module`); the sys.path entry is left
    for a person, who may need it for something else: review."""
    canonical = diagnosis.datum("canonical") or diagnosis.module
    alias = diagnosis.datum("alias") or diagnosis.symbol
    if not canonical or not alias or canonical == alias:
        return None
    paths = [diagnosis.file] + [
        loc.file for loc in diagnosis.related if not loc.note.startswith("imports it as")
    ]
    paths = [p for p in dict.fromkeys(paths) if p in analysis.facts and analysis.facts[p].syntax_error is None]
    results = run_on_project(analysis.project, RepointImportsCommand, paths, {"module_moves": [f"{alias}={canonical}"]})
    edits, problems = edits_from(analysis.project, results.values())
    left = []
    for path, result in results.items():
        if result.new_text is not None and alias in _imported_modules(result.new_text, ""):
            left.append(f"{path}: still imports {alias}")
    if problems or left or not edits:
        why = [*problems, *left] or [f"no import of {alias} found in {', '.join(paths)}"]
        return Fix(f"Import {canonical} under that one name by hand", Safety.MANUAL, notes=tuple(why))
    graph = module_level_edges(analysis)
    for path in {e.path for e in edits}:
        facts = analysis.facts[path]
        cycle = creates_cycle(analysis, facts.module, canonical, graph) if facts.module else None
        if cycle and not imports_module(facts, canonical):
            return Fix(
                f"Import {canonical} under that one name by hand: the rewrite would close an import cycle",
                Safety.MANUAL,
                notes=(f"{path} would import {canonical}, which imports it back: {' -> '.join(cycle)} -> {canonical}",),
            )
    notes = (
        f"the sys.path entry that makes `{alias}` importable is left in place; remove it if nothing else needs it",
    )
    return Fix(f"Import {canonical} under its own name everywhere, not as {alias}", Safety.REVIEW, edits=edits, notes=notes)
