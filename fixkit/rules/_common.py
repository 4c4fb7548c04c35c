"""What several rules share: executed imports, name look-ups, metadata identity, fixer calls.

Diagnosis data keys the planner reads (besides what fixers read):
  "raises-in": space-separated modules whose import fails because of the diagnosis; the
               planner's blast radius is the entry points that import any of them.  When
               absent, the module of the diagnosis' file.  Empty: blocks nothing.
A rule that knows its blast radius better (duplicate tables need two definitions in
one import) fills `blocks` itself; the planner keeps it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Iterator

from fixkit.facts import FileFacts, ImportFact
from fixkit.model import Location

if TYPE_CHECKING:
    from fixkit.analysis import Analysis
    from fixkit.model import Diagnosis, Fix


def live_facts(analysis: "Analysis") -> Iterator[FileFacts]:
    """Facts of files importable under their own name (not dead copies, not scripts)."""
    for facts in analysis.facts.values():
        if facts.module:
            yield facts


def executed_imports(analysis: "Analysis") -> Iterator[tuple[FileFacts, ImportFact]]:
    """Every import that runs when its module is imported (the only ones that can fail it)."""
    for facts in live_facts(analysis):
        for imp in facts.imports:
            if imp.executes_on_import:
                yield facts, imp


def broken(facts: FileFacts | None) -> bool:
    """Whether the file's contents are unknown (so claims about its names are impossible)."""
    return facts is None or bool(facts.syntax_error or facts.read_error or facts.unchecked)


def defines(analysis: "Analysis", module: str, name: str, _seen: set[str] | None = None) -> bool | None:
    """Whether `from module import name` finds the name: True, False or None (unknowable:
    a module `__getattr__`, a star import of a third-party or unparsable module)."""
    facts = analysis.facts_of(module)
    if broken(facts):
        return None
    assert facts is not None
    answer = facts.defines(name)
    if answer is False and name in injected_names(analysis).get(module, ()):
        return True  # another module assigns it: `type_api.NULLTYPE = NULLTYPE`
    if answer is not True and _replaced_by_helper(analysis, facts):
        return None  # what serves the names is a module built at import time
    if answer is not None:
        return answer
    if facts.has_getattr or facts.import_hook:
        return None
    seen = _seen if _seen is not None else set()
    seen.add(module)
    unknown = False
    for imp in facts.imports:
        if not imp.star or imp.scope != "module":
            continue
        if not analysis.project.is_first_party(imp.module):
            unknown = True
            continue
        if imp.module in seen:
            continue
        target = analysis.facts_of(imp.module)
        if target is not None and target.all_names is not None:
            if name in target.all_names:
                return True
            continue
        if name.startswith("_"):
            continue  # a star import without __all__ skips private names
        sub = defines(analysis, imp.module, name, seen)
        if sub:
            return True
        if sub is None:
            unknown = True
    return None if unknown else False


def _replaced_by_helper(analysis: "Analysis", facts) -> bool:
    """Whether the module hands its `__name__` to a first-party function that touches
    sys.modules (celery: `local.recreate_module(__name__, ...)` installs a lazy module)."""
    for func in facts.name_handed_to:
        head, _, rest = func.partition(".")
        binding = next((d for d in reversed(facts.definitions) if d.name == head), None)
        if binding is None:
            continue
        if binding.kind == "function" and not rest:
            owner, name = facts, head
        elif binding.kind == "import" and binding.source_module:
            origin = binding.source_module if binding.source_name is None else f"{binding.source_module}.{binding.source_name}"
            target = f"{origin}.{rest}" if rest else origin
            module, _, name = target.rpartition(".")
            owner = analysis.facts_of(module)
        else:
            continue
        if owner is not None and name in owner.sys_modules_functions:
            return True
    return False


def injected_names(analysis: "Analysis") -> dict[str, set[str]]:
    """Names modules assign into other first-party modules (`other.NAME = value` at module
    level, `other` imported), by the module they land in.  Computed once per analysis."""
    return analysis.index(_injected_name_table)


def _injected_name_table(analysis: "Analysis") -> dict[str, set[str]]:
    table: dict[str, set[str]] = {}
    for facts in analysis.facts.values():
        if not facts.attribute_assignments:
            continue
        for base, attr in facts.attribute_assignments:
            definition = next((d for d in reversed(facts.definitions) if d.name == base and d.kind == "import"), None)
            if definition is None or not definition.source_module:
                continue
            target = definition.source_module
            if definition.source_name is not None:
                target = f"{definition.source_module}.{definition.source_name}"
            table.setdefault(target, set()).add(attr)
    return table


def raises_in(*modules: str) -> tuple[str, str]:
    return ("raises-in", " ".join(sorted(set(m for m in modules if m))))


def related(sites: list[tuple[FileFacts, ImportFact]], skip_first: bool = True) -> tuple[Location, ...]:
    items = sites[1:] if skip_first else sites
    return tuple(Location(f.path, imp.line, imp.column) for f, imp in items)


def order_sites(analysis: "Analysis", sites: list[tuple[FileFacts, ImportFact]]) -> list[tuple[FileFacts, ImportFact]]:
    """Import sites, the one whose module blocks the most entry points first (that is
    where a reader should look first), then by file and line; sites recovered from a
    file with a syntax error come after the others (they do not run yet)."""
    graph = analysis.graph

    def weight(site: tuple[FileFacts, ImportFact]) -> int:
        return bin(graph.entry_bits(site[0].module)).count("1") if graph is not None else 0

    return sorted(sites, key=lambda t: (t[1].recovered, -weight(t), t[0].path, t[1].line))


def call_fixer(module: str, function: str, diagnosis: "Diagnosis", analysis: "Analysis") -> "Fix | None":
    """Call `fixkit.fixes.<module>.<function>` when that fixer exists (it is written in
    parallel); a missing fixer means "no fix yet", an error inside it surfaces."""
    name = f"fixkit.fixes.{module}"
    try:
        fixes = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name == name:
            return None
        raise
    fixer = getattr(fixes, function, None)
    return fixer(diagnosis, analysis) if fixer is not None else None


# ----------------------------------------------------------------------------- metadata


def _lookup(analysis: "Analysis", facts: FileFacts, head: str) -> tuple[str, object] | None:
    """What module-level `head` is in `facts`: ("root",), ("class", bases), ("import", (mod, name))."""
    if head in facts.metadata_roots:
        return ("root", head)
    for name, bases in facts.class_bases:
        if name == head:
            return ("class", bases)
    for d in reversed(facts.definitions):
        if d.name == head and d.kind == "import" and d.source_module:
            return ("import", (d.source_module, d.source_name))
    return None


def metadata_identity(analysis: "Analysis", facts: FileFacts, base: str, module: str | None = None, depth: int = 0) -> str | None:
    """Where a model's table is registered: "<module>:<root>" of its declarative base,
    registry, Flask-SQLAlchemy instance or MetaData, following imports and intermediate
    (abstract) base classes.  None when it leads outside the project."""
    if depth > 20 or not base:
        return None
    module = module if module is not None else facts.module
    if base == "SQLModel" or base.endswith(".SQLModel"):
        return "sqlmodel:SQLModel"
    base = base.removesuffix(".metadata")
    if base in facts.metadata_roots:
        return f"{module}:{base}"
    head, _, rest = base.partition(".")
    found = _lookup(analysis, facts, head)
    if found is None:
        return None
    kind, value = found
    if kind == "root":
        return f"{module}:{base}"
    if kind == "class":
        for parent in value:  # type: ignore[union-attr]
            identity = metadata_identity(analysis, facts, parent, module, depth + 1)
            if identity:
                return identity
        return None
    source_module, source_name = value  # type: ignore[misc]
    if source_name is None:  # `import app.db as db` then `db.Base`
        target_module, target_base = source_module, rest
    else:
        sub = f"{source_module}.{source_name}"
        if analysis.facts_of(sub) is not None and not (analysis.facts_of(source_module) and source_name in analysis.facts_of(source_module).defined_names):  # type: ignore[union-attr]
            target_module, target_base = sub, rest
        else:
            target_module, target_base = source_module, f"{source_name}.{rest}" if rest else source_name
    target = analysis.facts_of(target_module)
    if target is None or not target_base:
        return None
    return metadata_identity(analysis, target, target_base, target_module, depth + 1)
