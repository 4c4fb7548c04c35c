"""The first-party import graph, entry points, blast radius and import-time cycles.

* Nodes are first-party modules (files and namespace directories).  Edges come from every
  import; the ones that run when the importing module is imported (module level, not
  guarded, not under TYPE_CHECKING or another `if`) are kept apart as *executed* edges:
  only those can make an import fail.  `import a.b.c` also runs `a` and `a.b`, so every
  module has an executed edge to its parent package.
* A file with a syntax error runs none of its imports, but the ones recovered from its
  sound statements (`ImportFact.recovered`) run once the syntax is fixed: they are
  executed edges marked `recovered`, which count for the blast radius (everything that
  must be fixed before an entry point imports) and nowhere the import is simulated as
  Python runs it (`runtime`, `sccs`, import-time cycles).
* Blast radius: which entry points reach a module through executed edges.  Computed once
  for all modules by propagating entry-point bitsets over the condensation (strongly
  connected components, iterative Tarjan) in topological order: linear in the graph
  size times the bitset width, with no per-pair path search.
* Import-time cycles: within a strongly connected component, the import of each module
  entered from outside is simulated statement by statement (`simulate`) to find the
  `from a import X` that runs while `a` is partially initialised and X is not yet bound.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from typing import Callable, Iterable, NamedTuple

from fixkit.facts import FileFacts, ImportFact
from fixkit.project import Project


# Statements simulated in total when looking for failing import cycles (linear work
# per entry point; the budget keeps a tree with thousands of entry points bounded).
CYCLE_STEP_BUDGET = 2_000_000


class Edge(NamedTuple):
    """One import of `dst` by `src` (a NamedTuple: graphs have hundreds of thousands)."""

    src: str
    dst: str
    line: int
    executed: bool
    kind: str  # "import" | "from" | "submodule" | "parent" | "dynamic"
    names: tuple[str, ...] = ()  # for "from": the names taken from dst
    alias: str | None = None  # the name dst was imported under, when not its own (sys.path alias)
    recovered: bool = False  # an import of a file with a syntax error (see the module docstring)


@dataclass
class _CycleMemo:
    """Shared by the simulations of all entry points, so that the total work stays linear:
    a module outside every cycle that imported without failure once is not simulated
    again, and each cycle is simulated once per member it is entered by."""

    component_of: dict[str, int] = field(default_factory=dict)
    members: list[set[str]] = field(default_factory=list)
    results: dict[tuple[int, str], "Failure | None"] = field(default_factory=dict)
    done: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Failure:
    """A `from target import name` executed while `target` is partially initialised."""

    importer: str
    line: int
    target: str
    name: str
    cycle: tuple[str, ...]  # the modules in progress, from target to importer


@dataclass
class ImportGraph:
    project: Project
    facts_by_module: dict[str, FileFacts]
    nodes: set[str] = field(default_factory=set)
    edges: dict[str, list[Edge]] = field(default_factory=dict)  # all, by source
    executed: dict[str, list[Edge]] = field(default_factory=dict)  # executed on import, by source, in line order
    # `executed` without the recovered edges: what Python really runs (the same dict when
    # no file with a syntax error has imports).
    runtime: dict[str, list[Edge]] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)  # alias module name -> canonical module
    entry_points: tuple[str, ...] = ()
    entry_reasons: dict[str, str] = field(default_factory=dict)
    _reach: dict[str, int] = field(default_factory=dict)
    _sccs: list[list[str]] | None = None
    _blocking_sccs: list[list[str]] | None = None
    # imported name -> what `edges_of` derives from the name alone (see there)
    _targets: dict[str, tuple] = field(default_factory=dict, repr=False, compare=False)

    # ------------------------------------------------------------------ queries

    def successors(self, module: str, executed_only: bool = True) -> list[Edge]:
        return (self.executed if executed_only else self.edges).get(module, [])

    def entry_bits(self, module: str) -> int:
        return self._reach.get(module, 0)

    def entry_points_reaching(self, modules: Iterable[str]) -> tuple[str, ...]:
        """Entry points that import any of `modules` (transitively, through executed edges)."""
        bits = 0
        for m in modules:
            bits |= self._reach.get(m, 0)
        return self.entries_of(bits)

    def entries_of(self, bits: int) -> tuple[str, ...]:
        out = []
        i = 0
        while bits:
            if bits & 1:
                out.append(self.entry_points[i])
            bits >>= 1
            i += 1
        return tuple(out)

    def resolve_alias(self, module: str) -> tuple[str, str | None]:
        """(canonical module, alias) for a name a sys.path entry makes importable."""
        parts = module.split(".")
        for i in range(len(parts), 0, -1):
            prefix = ".".join(parts[:i])
            if prefix in self.aliases:
                canonical = ".".join([self.aliases[prefix], *parts[i:]])
                return canonical, module
        return module, None

    def exists(self, module: str) -> bool:
        return self.project.module_exists(module)

    # ------------------------------------------------------------------ SCCs

    def sccs(self) -> list[list[str]]:
        """Strongly connected components of the edges Python runs on import (`runtime`:
        a file with a syntax error imports nothing), in reverse topological order (a
        component comes after every component it reaches).  Import-time cycles live here."""
        if self._sccs is None:
            if self.runtime is self.executed:
                self._sccs = self._tarjan(self.executed, self.nodes)
            else:
                # Dropping the recovered edges can only split the components holding a
                # module with a syntax error: only those are computed again, in place.
                broken = {m for m, edges in self.executed.items() if edges is not self.runtime.get(m)}
                out: list[list[str]] = []
                for component in self._blocking_components():
                    if len(component) > 1 and not broken.isdisjoint(component):
                        out.extend(self._tarjan(self.runtime, set(component)))
                    else:
                        out.append(component)
                self._sccs = out
        return self._sccs

    def _blocking_components(self) -> list[list[str]]:
        """The components of every executed edge, recovered ones included (blast radius)."""
        if self.runtime is self.executed:
            return self.sccs()
        if self._blocking_sccs is None:
            self._blocking_sccs = self._tarjan(self.executed, self.nodes)
        return self._blocking_sccs

    def _tarjan(self, successors: dict[str, list[Edge]], nodes: set[str]) -> list[list[str]]:
        """Iterative Tarjan over `successors` within `nodes`, components in reverse
        topological order."""
        index: dict[str, int] = {}
        low: dict[str, int] = {}
        on_stack: set[str] = set()
        stack: list[str] = []
        out: list[list[str]] = []
        counter = 0
        for root in sorted(nodes):
            if root in index:
                continue
            work: list[tuple[str, int]] = [(root, 0)]
            while work:
                node, i = work[-1]
                if i == 0:
                    index[node] = low[node] = counter
                    counter += 1
                    stack.append(node)
                    on_stack.add(node)
                succ = successors.get(node, [])
                advanced = False
                while i < len(succ):
                    nxt = succ[i].dst
                    i += 1
                    if nxt not in nodes:
                        continue
                    if nxt not in index:
                        work[-1] = (node, i)
                        work.append((nxt, 0))
                        advanced = True
                        break
                    if nxt in on_stack:
                        low[node] = min(low[node], index[nxt])
                if advanced:
                    continue
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    out.append(sorted(component))
        return out

    def _propagate_entries(self) -> None:
        position = {ep: i for i, ep in enumerate(self.entry_points)}
        components = self._blocking_components()
        comp_of: dict[str, int] = {}
        for ci, comp in enumerate(components):
            for m in comp:
                comp_of[m] = ci
        bits = [0] * len(components)
        for ci, comp in enumerate(components):
            for m in comp:
                if m in position:
                    bits[ci] |= 1 << position[m]
        # Reverse Tarjan order is topological: importers before what they import.
        for ci in range(len(components) - 1, -1, -1):
            b = bits[ci]
            if not b:
                continue
            for m in components[ci]:
                for edge in self.executed.get(m, ()):
                    cj = comp_of.get(edge.dst)
                    if cj is not None and cj != ci:
                        bits[cj] |= b
        self._reach = {m: bits[comp_of[m]] for m in comp_of if bits[comp_of[m]]}

    # ------------------------------------------------------------------ simulation

    def _events(self, module: str) -> list[tuple[int, int, Edge | None, object]]:
        cache = self.__dict__.setdefault("_event_cache", {})
        events = cache.get(module)
        if events is None:
            # Parent edges are not statements: parents run before the module starts (push).
            events = [(e.line, i, e, None) for i, e in enumerate(self.runtime.get(module, ())) if e.kind != "parent"]
            events.sort(key=lambda t: (t[0], t[1]))
            cache[module] = events
        return events

    def bound_before(self, module: str, name: str, line: int) -> bool:
        """Whether module-level `name` is bound in `module` before statement `line` runs."""
        facts = self.facts_by_module.get(module)
        if facts is None:
            return True  # a namespace package or an unknown module: no claim
        if facts.has_getattr:
            return True
        if any(i.star and i.scope == "module" and i.line < line for i in facts.imports):
            return True  # a star import may have bound it: no claim
        return any(d.name == name and d.line < line for d in facts.definitions)

    def simulate(
        self,
        start: str,
        within: set[str] | None = None,
        marks: dict[str, list[tuple[int, object]]] | None = None,
        on_mark: Callable[[object], None] | None = None,
        budget: list[int] | None = None,
        memo: "_CycleMemo | None" = None,
    ) -> Failure | None:
        """Run the import of `start` statement by statement over the edges Python runs
        (`runtime`: a module with a syntax error imports nothing).

        Modules outside `within` count as already imported.  `marks` are (line, payload)
        events per module reported through `on_mark` in execution order (the order class
        statements run in).  Returns the first partial-initialisation failure, if any."""
        state: dict[str, int] = {}  # module -> line currently executing (in progress)
        done: set[str] = set()
        # The start is imported by a virtual importer so that its parent packages run
        # first, exactly like the import system does for `import a.b.c`.
        frames: list[list] = [["", [(0, 0, Edge("", start, 0, True, "import"), None)], 0]]

        def eligible(module: str) -> bool:
            return module in self.nodes and module not in done and module not in state and (within is None or module in within)

        def push(module: str) -> None:
            events = self._events(module)
            if marks and module in marks:
                events = events + [(line, -1, None, payload) for line, payload in marks[module]]
                events.sort(key=lambda t: (t[0], t[1] if t[2] is not None else 1 << 30))
            state[module] = 0
            frames.append([module, events, 0])

        while frames:
            if budget is not None:
                budget[0] -= 1
                if budget[0] <= 0:
                    return None
            frame = frames[-1]
            module, events, i = frame
            if i >= len(events):
                frames.pop()
                if module:
                    del state[module]
                    done.add(module)
                continue
            line, _, edge, payload = events[i]
            if module:
                state[module] = line
            if edge is None:
                if on_mark:
                    on_mark(payload)
                frame[2] = i + 1
                continue
            target = edge.dst
            if eligible(target):
                # Parent packages first, outermost first: importing a.b.c runs a, then a.b.
                parts = target.split(".")
                first = next((".".join(parts[:k]) for k in range(1, len(parts)) if eligible(".".join(parts[:k]))), target)
                if memo is not None:
                    if first in memo.done:
                        done.add(first)  # imported without failure in an earlier run
                        continue
                    component = memo.component_of.get(first)
                    if component is not None:
                        # A cycle's outcome depends only on the member it is entered by.
                        key = (component, first)
                        if key not in memo.results:
                            memo.results[key] = self.simulate(first, within=memo.members[component], budget=budget)
                        if memo.results[key] is not None:
                            return memo.results[key]
                        done.update(memo.members[component])
                        continue
                push(first)
                continue
            if target in state and edge.kind == "from":
                for name in edge.names:
                    if self.exists(f"{target}.{name}"):
                        # A submodule (source or compiled): the from-import imports it.
                        continue
                    if not self.bound_before(target, name, state[target]):
                        cycle = [f[0] for f in frames if f[0]]
                        cycle = cycle[cycle.index(target) :]
                        return Failure(module, line, target, name, tuple(cycle))
            frame[2] = i + 1
        if memo is not None:
            memo.done.update(m for m in done if m not in memo.component_of)
        return None

    def import_cycle_failures(self) -> dict[Failure, set[str]]:
        """Each failure of an import-time cycle, with the starts whose import hits it.

        Which `from a import X` fails in a cycle depends on which module of the cycle is
        imported first, so each entry point's import is simulated as the import system
        would run it (parents first, statements in order) — or, in a project without
        entry points, each top-level package's.  Only modules that can reach a cycle are
        simulated (the others cannot change its outcome); a step budget bounds the total
        work on huge trees."""
        memo = _CycleMemo()
        for component in self.sccs():
            if len(component) > 1 or any(e.dst == component[0] for e in self.runtime.get(component[0], ())):
                index = len(memo.members)
                memo.members.append(set(component))
                for m in component:
                    memo.component_of[m] = index
        cyclic = set(memo.component_of)
        if not cyclic:
            return {}
        reverse = self._reverse()
        relevant = set(cyclic)
        stack = list(cyclic)
        while stack:
            m = stack.pop()
            for src in reverse.get(m, ()):
                if src not in relevant:
                    relevant.add(src)
                    stack.append(src)
        starts = list(self.entry_points) or sorted({m.split(".", 1)[0] for m in self.nodes})
        out: dict[Failure, set[str]] = {}
        budget = [CYCLE_STEP_BUDGET]
        for start in starts:
            if start not in relevant:
                continue
            failure = self.simulate(start, within=relevant, budget=budget, memo=memo)
            if failure is not None and not self._order_unknown(start, memo.members[memo.component_of[failure.target]]):
                out.setdefault(failure, set()).add(start)
            if budget[0] <= 0:
                break
        return out

    def _order_unknown(self, start: str, component: set[str]) -> bool:
        """Whether a package that runs before `start` imports members of the cycle under an
        `if` (numpy/__init__.py: `if __NUMPY_SETUP__: ... else: from . import lib, linalg`).
        The simulation does not run conditional imports, so it cannot know which member the
        cycle is really entered by, and a failure it finds may never happen."""
        parts = start.split(".")
        for i in range(1, len(parts) + 1):
            facts = self.facts_by_module.get(".".join(parts[:i]))
            if facts is None:
                continue
            for imp in facts.imports:
                if imp.scope != "module" or not imp.conditional or imp.type_checking or imp.recovered:
                    continue
                if imp.module in component or any(f"{imp.module}.{n}" in component for n, _ in imp.names):
                    return True
        return False

    def _reverse(self) -> dict[str, set[str]]:
        reverse = self.__dict__.get("_reverse_cache")
        if reverse is None:
            reverse = {}
            for src, edges in self.runtime.items():
                for e in edges:
                    reverse.setdefault(e.dst, set()).add(src)
            self.__dict__["_reverse_cache"] = reverse
        return reverse


# ----------------------------------------------------------------------------- building


def _aliases(project: Project, facts: dict[str, FileFacts]) -> dict[str, str]:
    """Top-level names a `sys.path.insert(0, <dir>)` makes importable as a second name for
    a first-party module: with `app/` on sys.path, `models` is `app.models` again."""
    from fixkit.project import module_name_of

    dirs = {d for f in facts.values() for d in f.sys_path_dirs}
    out: dict[str, str] = {}
    for d in sorted(dirs):
        if d in project.source_roots:
            continue
        prefix = d + "/" if d else ""
        for sf in project.modules.values():
            if not sf.path.startswith(prefix):
                continue
            top = sf.path[len(prefix) :].split("/", 1)[0].removesuffix(".py")
            if not top or top == "__init__" or top in project.first_party or top in out:
                continue
            first = f"{prefix}{top}"
            canonical = module_name_of(first, project.source_roots)
            if canonical and project.module_exists(canonical):
                out[top] = canonical
    return out


def build_graph(project: Project, facts: dict[str, FileFacts]) -> ImportGraph:
    by_module = {f.module: f for f in facts.values() if f.module}
    graph = ImportGraph(project=project, facts_by_module=by_module)
    graph.nodes = set(project.modules) | set(project.namespaces)
    graph.aliases = _aliases(project, facts)

    def add(edge: Edge) -> None:
        graph.edges.setdefault(edge.src, []).append(edge)
        if edge.executed:
            graph.executed.setdefault(edge.src, []).append(edge)

    for module in sorted(graph.nodes):
        parent = module.rpartition(".")[0]
        if parent and parent in graph.nodes:
            add(Edge(module, parent, 0, True, "parent"))
    for f in facts.values():
        if not f.module:
            continue
        for imp in f.imports:
            for edge in edges_of(graph, f.module, imp):
                add(edge)
    for module in graph.executed:
        graph.executed[module].sort(key=lambda e: e.line)
    graph.runtime = graph.executed
    broken = [f.module for f in facts.values() if f.module and f.syntax_error is not None and f.imports]
    if broken:
        graph.runtime = dict(graph.executed)
        for module in broken:
            if module in graph.runtime:
                graph.runtime[module] = [e for e in graph.runtime[module] if not e.recovered]
    graph.entry_points, graph.entry_reasons = detect_entry_points(project, facts)
    graph._propagate_entries()
    return graph


def edges_of(graph: ImportGraph, src: str, imp: ImportFact) -> list[Edge]:
    """The first-party modules one import statement runs, in the order it runs them."""
    target = graph._targets.get(imp.module)
    if target is None:
        target = graph._targets[imp.module] = _target_of(graph, imp.module)
    module, alias, parents = target
    if module is None:
        return []
    executed = imp.executes_on_import
    out = [Edge(src, prefix, imp.line, executed, "import", alias=prefix_alias) for prefix, prefix_alias in parents]
    if module in graph.nodes:
        kind = "from" if imp.is_from else ("dynamic" if imp.dynamic else "import")
        names = tuple(n for n, _ in imp.names)
        out.append(Edge(src, module, imp.line, executed, kind, names, alias))
        if imp.is_from:
            target = graph.facts_by_module.get(module)
            for name in names:
                sub = f"{module}.{name}"
                # `from pkg import name` imports the submodule when `pkg` has no attribute
                # `name` yet.  A package importing from itself (`from . import mapper as
                # mapperlib` in sqlalchemy.orm) has bound only what precedes the line.
                bound = target is not None and name in target.defined_names
                if bound and src == module:
                    bound = any(d.name == name and d.line < imp.line for d in target.definitions)
                if sub in graph.nodes and not bound:
                    out.append(Edge(src, sub, imp.line, executed, "submodule", alias=alias and f"{alias}.{name}"))
    if imp.recovered:
        out = [e._replace(recovered=True) for e in out]
    return out


def _target_of(graph: ImportGraph, name: str) -> tuple[str | None, str | None, tuple[tuple[str, str | None], ...]]:
    """(module, alias, parents) for an imported name: the first-party module it is (None:
    third-party), the name it is imported under when a sys.path alias (`models.core` for
    `app.models.core`), and the parent packages importing it runs, each with its alias.
    A function of the name alone: `edges_of` asks it once per distinct name."""
    module, alias = name, None
    if not graph.project.is_first_party(module):
        module, alias = graph.resolve_alias(module)
        if alias is None:
            return None, None, ()
    parts = module.split(".")
    # Under an alias the canonical parents above the alias (`app`) do not run; the
    # others run under their alias names.
    skip = len(parts) - len(alias.split(".")) if alias else 0
    parents = []
    for i in range(1 + skip, len(parts)):
        prefix = ".".join(parts[:i])
        if prefix in graph.nodes:
            parents.append((prefix, alias and ".".join(alias.split(".")[: i - skip])))
    return module, alias, tuple(parents)


# ----------------------------------------------------------------------------- entry points


def detect_entry_points(project: Project, facts: dict[str, FileFacts]) -> tuple[tuple[str, ...], dict[str, str]]:
    """Configured entry points plus detected ones.

    Detected, in order of preference: the modules a literal router list loads (the
    application's own statement of what its entry points are); else every module that
    creates an `APIRouter()`/`Blueprint()` at module level, plus `[project.scripts]`
    targets; else the modules that create the `FastAPI()`/`Flask()` app.  The app module
    is not an entry point next to its routers: it imports them inside a try/except, so
    it always imports, and counting it would hide what is broken.
    """
    reasons: dict[str, str] = {}
    patterns = project.config.entry_points
    if patterns:
        for module in sorted(project.modules):
            if any(fnmatch.fnmatchcase(module, p) for p in patterns):
                reasons[module] = "configured"
    # Only lists of the project's own modules: a loop importing third-party names (a
    # compatibility shim trying `service_identity.{alias}`) lists no entry point.
    router_lists = [
        (f, h) for f in facts.values() if f.module for h in f.entry_hints
        if h.kind == "router-list" and any(project.is_first_party(m) for m in h.modules)
    ]
    if router_lists:
        for f, hint in sorted(router_lists, key=lambda t: (t[0].path, t[1].line)):
            for module in hint.modules:
                if project.is_first_party(module):
                    reasons.setdefault(module, f"listed in {f.path}:{hint.line}")
        return tuple(reasons), reasons
    found = False
    for f in sorted(facts.values(), key=lambda f: f.path):
        if f.module and any(h.kind in ("router", "blueprint") for h in f.entry_hints):
            reasons.setdefault(f.module, "router" if any(h.kind == "router" for h in f.entry_hints) else "blueprint")
            found = True
    for module in project.script_modules:
        if module in project.modules:
            reasons.setdefault(module, "[project.scripts]")
            found = True
    if not found and not patterns:
        for f in sorted(facts.values(), key=lambda f: f.path):
            if f.module and any(h.kind in ("fastapi-app", "flask-app") for h in f.entry_hints):
                reasons.setdefault(f.module, "application")
    return tuple(reasons), reasons
