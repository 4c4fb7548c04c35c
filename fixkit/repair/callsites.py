"""Where a repaired function is called, and rewriting those calls.

The repaired file and the files that import it parse (after the repair), so `ast`
finds the references; the edits themselves are made on parso's tree so that an
argument's exact text (parentheses, comments) is kept.  Nothing is executed.

A reference is one of:
  * a call (`f(...)`, `mod.f(...)`, `self.f(...)` for methods) — rewritable;
  * a framework hand-off (`Depends(f)`, `Security(f)`, `add_api_route(path, f)`,
    `add_url_rule(rule, endpoint, f)`) — the framework calls it with keywords;
  * anything else (`callbacks = [f]`, an unknown decorator, `__all__`) — the
    function escapes, its callers cannot all be known.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

import parso

from fixkit.repair.source import Source

_FRAMEWORK_CALLS = {"Depends", "Security"}
_REGISTRATION_CALLS = {
    "add_api_route",
    "add_api_websocket_route",
    "add_route",
    "add_websocket_route",
    "add_url_rule",
    "api_route",
}
# Decorators that hand the function back unchanged or call it with the arguments
# its own callers pass: they do not hide any call site.
_TRANSPARENT_DECORATORS = re.compile(
    r"^@\s*(staticmethod|classmethod|property|[\w.]*\.setter|[\w.]*\.getter|[\w.]*\.deleter|"
    r"(functools\.)?(lru_cache|cache|cached_property|wraps|total_ordering|singledispatch)|"
    r"(typing\.)?(override|overload|final)|(abc\.)?abstractmethod)\b"
)


@dataclass(frozen=True)
class CallSite:
    path: str
    line: int
    func_end: tuple[int, int]  # (line, char column) where the callee expression ends
    positional: int  # plain positional arguments
    starred: bool  # a `*args` among the positional arguments
    bound: bool  # called through an instance (`self.f(...)`): `self` is not an argument


@dataclass
class Usage:
    calls: list[CallSite] = field(default_factory=list)
    escapes: list[str] = field(default_factory=list)  # why callers may be missing, with places
    framework: list[str] = field(default_factory=list)  # where a framework takes it over


def decorator_usage(decorators: tuple[str, ...], route: bool) -> tuple[list[str], list[str]]:
    """(framework, escapes) reasons from the function's own decorators."""
    framework, escapes = [], []
    for decorator in decorators:
        if route and re.match(r"^@\s*[\w.]+\s*\.\s*\w+\s*\(", decorator) and _is_route(decorator):
            framework.append(f"route decorator {decorator}")
        elif not _TRANSPARENT_DECORATORS.match(decorator):
            escapes.append(f"decorated with {decorator}, which receives the function as a value")
    return framework, escapes


def _is_route(decorator: str) -> bool:
    from fixkit.repair.params import _ROUTE_DECORATOR

    return bool(_ROUTE_DECORATOR.match(decorator))


def _dotted(node: ast.AST) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def _callee_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def find_usage(
    tree: ast.Module,
    source: Source,
    path: str,
    *,
    names: frozenset[str] = frozenset(),
    chains: frozenset[str] = frozenset(),
    method: str | None = None,
    in_class: str | None = None,
) -> Usage:
    """References to a function known in this module by bare `names`, dotted `chains`
    (`mod.f`), or — for a method — as `self.<method>` / `cls.<method>` inside `in_class`."""
    usage = Usage()
    parents: dict[ast.AST, ast.AST] = {}
    for parent in ast.walk(tree):
        for child in ast.iter_child_nodes(parent):
            parents[child] = parent

    def enclosing_class(node: ast.AST) -> str | None:
        while node in parents:
            node = parents[node]
            if isinstance(node, ast.ClassDef):
                return node.name
        return None

    def where(node: ast.AST) -> str:
        return f"{path}:{getattr(node, 'lineno', 0)}"

    for node in ast.walk(tree):
        matched = False
        bound = False
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in names:
            matched = True
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
            dotted = _dotted(node)
            if dotted is not None and dotted in chains:
                matched = True
            elif (
                method is not None
                and node.attr == method
                and isinstance(node.value, ast.Name)
                and node.value.id in ("self", "cls")
                and enclosing_class(node) == in_class
            ):
                matched, bound = True, True
        if not matched:
            continue
        parent = parents.get(node)
        if isinstance(parent, ast.Call) and parent.func is node:
            end_line = node.end_lineno or node.lineno
            end_col = source.byte_column_to_char(end_line, node.end_col_offset or 0)
            usage.calls.append(
                CallSite(
                    path=path,
                    line=parent.lineno,
                    func_end=(end_line, end_col),
                    positional=len(parent.args),
                    starred=any(isinstance(a, ast.Starred) for a in parent.args),
                    bound=bound,
                )
            )
            continue
        holder = parent.value if isinstance(parent, ast.keyword) else None
        call = parents.get(parent) if isinstance(parent, ast.keyword) else parent
        if isinstance(call, ast.Call) and holder is not node:
            callee = _callee_name(call)
            if callee in _FRAMEWORK_CALLS:
                usage.framework.append(f"{callee}({_dotted(node) or '...'}) at {where(node)}")
                continue
            if callee in _REGISTRATION_CALLS:
                usage.framework.append(f"{callee}(...) at {where(node)}")
                continue
        usage.escapes.append(f"used as a value at {where(node)}")
    for stmt in tree.body:
        if isinstance(stmt, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets) and stmt.value is not None:
                exported = {
                    c.value for c in ast.walk(stmt.value) if isinstance(c, ast.Constant) and isinstance(c.value, str)
                }
                if names & exported:
                    usage.escapes.append(f"exported in __all__ at {path}:{stmt.lineno}")
    return usage


def rewrite_calls(
    text: str,
    calls: list[CallSite],
    positional: tuple[str, ...],
    first_changed: int,
    target: tuple[int, int],
    positional_only: int = 0,
) -> tuple[str, list[str]]:
    """Turn each call's positional arguments from index `first_changed` on into keyword
    arguments (`name=value`), in place, so that they bind as the author meant whatever
    the new parameter order.  Evaluation order does not change.

    Returns the new text and the call sites that could not be rewritten (with why).
    """
    from fixkit.repair.params import _python_version

    source = Source(text)
    module = parso.parse(text, version=_python_version(target))
    inserts: list[tuple[int, str]] = []
    problems: list[str] = []
    for call in calls:
        offset = 1 if call.bound else 0
        if call.positional + offset <= first_changed:
            continue
        place = f"{call.path}:{call.line}"
        if call.starred:
            problems.append(f"{place}: a *args argument hides which parameter each value binds to")
            continue
        if call.positional + offset > len(positional):
            problems.append(f"{place}: more positional arguments than positional parameters")
            continue
        if first_changed < positional_only:
            problems.append(f"{place}: positional-only parameters cannot be passed by keyword")
            continue
        leaf = module.get_leaf_for_position(call.func_end, include_prefixes=True)
        paren = leaf if (leaf is not None and leaf.type == "operator" and leaf.value == "(") else (leaf.get_next_leaf() if leaf else None)
        if paren is None or paren.value != "(" or paren.parent is None or paren.parent.type != "trailer":
            problems.append(f"{place}: the call's argument list was not found")
            continue
        inner = paren.parent.children[1]
        elements = (
            [c for c in inner.children if not (c.type == "operator" and c.value == ",")]
            if inner.type == "arglist"
            else ([] if inner.type == "operator" else [inner])
        )
        if len(elements) < call.positional:
            problems.append(f"{place}: the call's arguments do not match what ast saw")
            continue
        these: list[tuple[int, str]] = []
        for index in range(max(first_changed - offset, 0), call.positional):
            element = elements[index]
            if element.type == "argument" and any(c.type in ("comp_for", "sync_comp_for") for c in element.children):
                problems.append(f"{place}: a generator argument")
                break
            these.append((source.offset(*element.start_pos), f"{positional[index + offset]}="))
        else:
            inserts.extend(these)
    for start, new in sorted(inserts, reverse=True):
        text = text[:start] + new + text[start:]
    return text, problems
