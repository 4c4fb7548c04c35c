"""Fix for an import cycle that fails at import time (FK501).

`billing_service` runs `from app.services.credit_service import CreditLedger` while
`credit_service`, which imported billing first, has not bound `CreditLedger` yet.
The standard repair defers the import that closes the cycle to where the name is
read (`codemods.defer_import`): into the functions that use it, or under
`if TYPE_CHECKING:` when only annotations Python never evaluates mention it.  The
diagnosed import is tried first, then the other module-level from-imports along the
cycle (breaking any edge breaks the cycle).  The fix is `review`: the import now
runs at the first call instead of at import time.  When every edge's names are read
at import time the fix is `manual`, with each reason.
"""

from __future__ import annotations

import ast

from codemods._common import absolute_name
from codemods.defer_import import DeferImportCommand
from fixkit.analysis import Analysis
from fixkit.codemod_runner import CodemodResult, edits_from, run_on_project, source_of
from fixkit.model import Diagnosis, Fix, Safety

MANUAL_ADVICE = (
    "move the names both modules need into a third module that imports neither",
    "or import the module itself (`import a.b as b`) and read `b.NAME` only inside functions",
)


def _edges(diagnosis: Diagnosis, analysis: Analysis) -> list[tuple[str, str, str]]:
    """(importer path, importer module, imported module) for every module-level
    from-import along the cycle, the diagnosed one first."""
    importer = analysis.facts.get(diagnosis.file)
    out: list[tuple[str, str, str]] = []
    if importer is not None and importer.module and diagnosis.module:
        out.append((diagnosis.file, importer.module, diagnosis.module))
    cycle = [m.strip() for m in (diagnosis.datum("cycle") or "").split("->") if m.strip()]
    for source, target in zip(cycle, cycle[1:]):
        facts = analysis.facts_of(source)
        if facts is None or any(edge[1:] == (source, target) for edge in out):
            continue
        if any(i.module == target and i.is_from and not i.star and i.executes_on_import for i in facts.imports):
            out.append((facts.path, source, target))
    return out


def _reexported(analysis: Analysis, path: str, importer: str, target: str) -> str | None:
    """Why the names `path` imports from `target` must stay bound at module level: another
    module imports one of them from `importer` (it would lose it), else None."""
    facts = analysis.facts[path]
    local = {asname or name for i in facts.imports if i.module == target and i.is_from and i.scope == "module" for name, asname in i.names}
    for other, imp in analysis.importers(importer):
        if other.path != path and imp.module == importer and imp.is_from:
            taken = sorted(local & {name for name, _ in imp.names})
            if taken:
                return f"{other.path}:{imp.line} imports {', '.join(taken)} from {importer}"
    return None


def _resolved(node: ast.ImportFrom, package: str | None) -> str | None:
    return absolute_name(package, "." * node.level + (node.module or "")) if node.level else node.module


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _module_level_imports_of(tree: ast.Module, package: str | None, module: str) -> list[int]:
    """Lines where importing the file still imports `module` (outside functions and
    outside `if TYPE_CHECKING:`)."""
    lines: list[int] = []

    def walk(statements: list[ast.stmt]) -> None:
        for node in statements:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                continue
            if isinstance(node, ast.If) and _is_type_checking(node.test):
                walk(node.orelse)
                continue
            if isinstance(node, ast.ImportFrom) and _resolved(node, package) == module:
                lines.append(node.lineno)
            elif isinstance(node, ast.Import) and any(a.name == module for a in node.names):
                lines.append(node.lineno)
            for block in ("body", "orelse", "finalbody", "handlers"):
                children = getattr(node, block, None)
                if isinstance(children, list):
                    walk([c for c in children if isinstance(c, ast.stmt)] + [
                        s for h in children if isinstance(h, ast.ExceptHandler) for s in h.body
                    ])

    walk(tree.body)
    return lines


def _what_moved(tree: ast.Module, package: str | None, module: str, path: str) -> list[str]:
    """One note per place the deferred import now stands."""
    notes: list[str] = []

    def names(node: ast.ImportFrom) -> str:
        return ", ".join(a.name if a.asname is None else f"{a.name} as {a.asname}" for a in node.names)

    def visit(node: ast.AST, qualname: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                inner = f"{qualname}.{child.name}" if qualname else child.name
                if not isinstance(child, ast.ClassDef):
                    for statement in child.body[:2]:
                        if isinstance(statement, ast.ImportFrom) and _resolved(statement, package) == module:
                            notes.append(f"{path}: {inner}() imports {names(statement)} from {module} when first called")
                visit(child, inner)
            elif isinstance(child, ast.If) and _is_type_checking(child.test) and not qualname:
                for statement in child.body:
                    if isinstance(statement, ast.ImportFrom) and _resolved(statement, package) == module:
                        notes.append(f"{path}: {names(statement)} from {module} only under TYPE_CHECKING (annotations are never evaluated)")

    visit(tree, "")
    return notes


def fix_circular_import(diagnosis: Diagnosis, analysis: Analysis) -> Fix | None:
    edges = _edges(diagnosis, analysis)
    if not edges:
        return None
    cycle = diagnosis.datum("cycle") or f"{edges[0][1]} -> {edges[0][2]}"
    reasons: list[str] = []
    for path, importer, target in edges:
        reexported = _reexported(analysis, path, importer, target)
        if reexported:
            reasons.append(f"{importer} -> {target}: {reexported}")
            continue
        results = run_on_project(analysis.project, DeferImportCommand, [path], {"module": target})
        result: CodemodResult = results[path]
        if result.error is not None:
            reasons.append(f"{importer} -> {target}: {result.error.removeprefix('skipped: ')}")
            continue
        if not result.changed or result.new_text is None:
            reasons.append(f"{importer} -> {target}: no module-level `from {target} import ...` to defer")
            continue
        package = source_of(analysis.project, path).package
        tree = ast.parse(result.new_text)
        left = _module_level_imports_of(tree, package, target)
        if left:
            reasons.append(f"{importer} -> {target}: {path} still imports {target} at import time (line {left[0]})")
            continue
        edits, problems = edits_from(analysis.project, [result])
        if problems or not edits:
            reasons += [f"{importer} -> {target}: {p}" for p in problems]
            continue
        notes = [f"breaks the cycle {cycle} at {importer} -> {target}"]
        notes += _what_moved(tree, package, target, path)
        notes.append("the import now runs when the code that needs it runs, not when the module is imported")
        summary = f"Defer `from {target} import ...` in {path} to where it is used (breaks the import cycle)"
        return Fix(summary, Safety.REVIEW, edits=edits, notes=tuple(notes))
    return Fix(
        f"Break the import cycle {cycle} by hand",
        Safety.MANUAL,
        notes=tuple([f"no import on the cycle can be deferred: {r}" for r in reasons] + list(MANUAL_ADVICE)),
    )
