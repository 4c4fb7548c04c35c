"""Project-wide tables the fixers share, built once per analysis from the facts alone
(`Analysis.index`).  Kept free of libcst: a later plan builds them again to see whether
a cached fix still holds, and must not pay for importing the codemods to do so."""

from __future__ import annotations

from fixkit.analysis import Analysis


def is_live(analysis: Analysis, path: str) -> bool:
    """Importable and not shadowed: code that can run."""
    info = analysis.project.files.get(path)
    facts = analysis.facts.get(path)
    return bool(facts and facts.module) and not (info is not None and info.shadowed_by)


def module_level_edges(analysis: Analysis) -> dict[str, set[str]]:
    """module -> first-party modules its import runs at module level (guarded imports
    included: when they succeed they run), parent packages included.

    Computed once per Analysis (fixers only read it): rebuilding it for every fix cost
    1.3 s per call at 20,000 modules."""
    return analysis.index(_module_level_edges)


def _module_level_edges(analysis: Analysis) -> dict[str, set[str]]:
    known = analysis.by_module
    # The first-party prefixes of each imported name, once per name (thousands of files
    # import the same few hundred modules).
    prefixes: dict[str, tuple[str, ...]] = {}

    def known_prefixes(target: str) -> tuple[str, ...]:
        hit = prefixes.get(target)
        if hit is None:
            parts = target.split(".")
            hit = prefixes[target] = tuple(p for p in (".".join(parts[:i]) for i in range(1, len(parts) + 1)) if p in known)
        return hit

    edges: dict[str, set[str]] = {}
    for path, facts in analysis.facts.items():
        if not is_live(analysis, path):
            continue
        out = edges.setdefault(facts.module, set())
        for imp in facts.imports:
            if imp.scope != "module" or imp.type_checking:
                continue
            out.update(known_prefixes(imp.module))
            if imp.is_from:
                for name, _ in imp.names:
                    out.update(known_prefixes(f"{imp.module}.{name}"))
        out.discard(facts.module)
    return edges


def live_modules(analysis: Analysis) -> set[str]:
    return analysis.index(_live_module_table)


def _live_module_table(analysis: Analysis) -> set[str]:
    return {f.module for p, f in analysis.facts.items() if is_live(analysis, p)}


def live_definitions(analysis: Analysis) -> dict[str, set[str]]:
    """name -> live modules defining it themselves; once per Analysis."""
    return analysis.index(_live_definition_table)


def _live_definition_table(analysis: Analysis) -> dict[str, set[str]]:
    table: dict[str, set[str]] = {}
    for path, facts in analysis.facts.items():
        if is_live(analysis, path):
            for d in facts.definitions:
                if d.kind != "import":
                    table.setdefault(d.name, set()).add(facts.module)
    return table
