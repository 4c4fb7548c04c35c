"""FK401: parameters without a default after parameters with one.

Runs on parso's tree (the file does not compile, so neither `ast` nor libcst can
read it) and changes only the parameter list, through `SeparatedList`, so that
annotations, comments, decorators and the body stay byte for byte.

Two repairs, chosen by the caller (`Policy`):

* keyword-only: put a `*` in front of the first parameter that lacks a default
  (or move an existing `*`/`*args` there).  Callers passing those parameters by
  keyword (FastAPI, Flask, `Depends`) see no change; a positional caller gets a
  loud TypeError rather than a silently different binding.
* reorder: move the parameters without defaults in front of the first default,
  keeping their relative order.  Positional call sites must then be rewritten
  (see `fixkit.repair.callsites`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Literal

import parso
from parso.python import tree as pt

from fixkit.repair.source import Element, NotMechanical, SeparatedList, Source

Mode = Literal["keyword-only", "reorder"]

PARAMETER_ORDER_MESSAGES = (
    "non-default argument follows default argument",  # 3.10, 3.11
    "parameter without a default follows parameter with a default",  # 3.12+
)

_ROUTE_DECORATOR = re.compile(
    r"^@\s*[\w.]+\s*\.\s*(get|post|put|patch|delete|head|options|trace|api_route|route|websocket|websocket_route|"
    r"add_api_route|add_route|endpoint)\s*\(",
)


@dataclass(frozen=True)
class SignatureInfo:
    """What a policy and the call-site rewriter need to know about the function."""

    name: str  # "<lambda>" for lambdas
    qualname: str  # "Class.method", "outer.<locals>.inner"
    line: int  # the line of `def`/`lambda` in the text that was repaired
    is_lambda: bool
    is_method: bool  # defined directly in a class body
    is_async: bool
    decorators: tuple[str, ...]  # decorator source lines, "@router.get('/x')"
    positional: tuple[str, ...]  # positional parameter names, as written (the broken order)
    positional_only: int  # how many of `positional` come before `/`
    offenders: tuple[str, ...]  # parameters without a default after one with a default
    first_default: int  # index in `positional` of the first parameter with a default

    @property
    def is_route(self) -> bool:
        return any(_ROUTE_DECORATOR.match(d) for d in self.decorators)

    @property
    def is_static(self) -> bool:
        return any(d.strip() in ("@staticmethod",) for d in self.decorators)


@dataclass(frozen=True)
class ParameterRepair:
    text: str
    signature: SignatureInfo
    mode: Mode
    new_positional: tuple[str, ...]  # positional parameters after the repair
    # Index into `signature.positional` from which a positional argument at a call site
    # no longer binds to the parameter it was written for (None: none changes).
    first_changed: int | None
    # Positional-only parameters were reordered: call sites need their arguments
    # permuted, which a keyword cannot express.
    positional_only_reordered: bool = False
    keyword_only: tuple[str, ...] = field(default=())  # parameters made keyword-only

    @property
    def description(self) -> str:
        name = self.signature.qualname
        if self.mode == "keyword-only" and self.keyword_only:
            made = ", ".join(self.keyword_only)
            text = f"make {made} keyword-only in {name}()"
        else:
            text = f"move {', '.join(self.signature.offenders)} before the parameters with defaults in {name}()"
        if self.positional_only_reordered:
            text += " (positional-only parameters reordered)"
        return text


Policy = Callable[[SignatureInfo], Mode]


def default_policy(info: SignatureInfo) -> Mode:
    """Without knowledge of the call sites: framework endpoints are called by keyword."""
    return "keyword-only" if info.is_route else "reorder"


def is_parameter_order_message(message: str) -> bool:
    return any(m in message for m in PARAMETER_ORDER_MESSAGES)


# --------------------------------------------------------------------------- parso


@dataclass
class _Item:
    kind: str  # "param" | "slash" | "star" (bare *) | "varargs" | "kwargs"
    start: int
    end: int
    name: str = ""
    has_default: bool = False


def _python_version(target: tuple[int, int]) -> str:
    major, minor = target[:2]
    minor = min(max(minor, 6), 13) if major == 3 else 11
    return f"3.{minor}"


def leaf_at(module: pt.Module, line: int, column: int):
    """The parso leaf at (line, column), or None when the position is not in the file.

    CPython reports some error columns in UTF-8 bytes rather than characters (tokenizer
    errors after non-ASCII text), so a column past the end of its line is read as a
    byte offset first; parso raises ValueError for positions that do not exist.
    """
    lines = parso.split_lines(module.get_code(), keepends=True)  # parso's own line breaks
    if 1 <= line <= len(lines):
        text = lines[line - 1]
        if column > len(text.rstrip("\r\n")):
            column = len(text.encode("utf-8", "surrogatepass")[:column].decode("utf-8", "ignore"))
    try:
        return module.get_leaf_for_position((line, column), include_prefixes=True)
    except ValueError:
        return None


def find_signature_node(module: pt.Module, line: int, column: int):
    """The funcdef or lambdef whose parameter list holds (line, column)."""
    node = leaf_at(module, line, column)
    while node is not None and node.type not in ("funcdef", "lambdef", "lambdef_nocond"):
        node = node.parent
    return node


def _items(node, source: Source) -> list[_Item]:
    if node.type == "funcdef":
        children = node.children[2].children[1:-1]  # inside ( )
    else:
        colon = next(i for i, c in enumerate(node.children) if c.type == "operator" and c.value == ":")
        children = node.children[1:colon]
    items: list[_Item] = []
    for child in children:
        if child.type == "param":
            parts = child.children[:-1] if child.children[-1].type == "operator" and child.children[-1].value == "," else child.children
            start = source.offset(*child.start_pos)
            end = source.offset(*parts[-1].end_pos)
            if child.star_count == 1:
                kind = "varargs"
            elif child.star_count == 2:
                kind = "kwargs"
            else:
                kind = "param"
            items.append(_Item(kind, start, end, child.name.value, child.default is not None))
        elif child.type == "operator" and child.value in ("/", "*"):
            start = source.offset(*child.start_pos)
            items.append(_Item("slash" if child.value == "/" else "star", start, start + 1))
        elif child.type == "operator" and child.value == ",":
            continue
        else:
            raise NotMechanical(f"unexpected {child.type} in a parameter list")
    return items


def _qualname(node) -> tuple[str, bool]:
    """The dotted path of enclosing classes/functions, and whether it is a method."""
    parts: list[str] = []
    parent = node.parent
    is_method = False
    first = True
    while parent is not None:
        if parent.type == "classdef":
            parts.append(parent.name.value)
            if first:
                is_method = node.type == "funcdef"
            first = False
        elif parent.type == "funcdef":
            parts.append(parent.name.value + ".<locals>")
            first = False
        parent = parent.parent
    return ".".join(reversed(parts)), is_method


def _decorators(node, source: Source) -> tuple[str, ...]:
    parent = node.parent
    if parent is not None and parent.type in ("async_funcdef", "async_stmt"):
        parent = parent.parent
    if parent is None or parent.type != "decorated":
        return ()
    decorators = parent.children[0]
    nodes = decorators.children if decorators.type == "decorators" else [decorators]
    return tuple(source.text[source.offset(*d.start_pos) : source.offset(*d.end_pos)].strip() for d in nodes)


def repair_parameter_order(
    text: str,
    line: int,
    column: int,
    *,
    target: tuple[int, int] = (3, 11),
    policy: Policy = default_policy,
) -> ParameterRepair | None:
    """Repair the signature holding (line, column); None when there is nothing to do there."""
    module = parso.parse(text, version=_python_version(target))
    node = find_signature_node(module, line, column)
    if node is None:
        return None
    source = Source(text)
    items = _items(node, source)
    info = _signature_info(node, items, source)
    if info is None:
        return None
    mode = policy(info)
    return _rearrange(text, items, info, mode)


def _signature_info(node, items: list[_Item], source: Source) -> SignatureInfo | None:
    star_at = next((i for i, it in enumerate(items) if it.kind in ("star", "varargs", "kwargs")), len(items))
    head = items[:star_at]
    positional = [it for it in head if it.kind == "param"]
    slash_at = next((i for i, it in enumerate(head) if it.kind == "slash"), None)
    positional_only = sum(1 for it in head[: slash_at or 0] if it.kind == "param")
    first_default = next((i for i, it in enumerate(positional) if it.has_default), None)
    if first_default is None:
        return None
    offenders = tuple(it.name for it in positional[first_default:] if not it.has_default)
    if not offenders:
        return None
    is_lambda = node.type != "funcdef"
    qual, is_method = _qualname(node)
    name = "<lambda>" if is_lambda else node.name.value
    parent = node.parent
    is_async = parent is not None and parent.type in ("async_funcdef", "async_stmt")
    return SignatureInfo(
        name=name,
        qualname=f"{qual}.{name}" if qual else name,
        line=node.start_pos[0],
        is_lambda=is_lambda,
        is_method=is_method,
        is_async=is_async,
        decorators=() if is_lambda else _decorators(node, source),
        positional=tuple(it.name for it in positional),
        positional_only=positional_only,
        offenders=offenders,
        first_default=first_default,
    )


def _rearrange(text: str, items: list[_Item], info: SignatureInfo, mode: Mode) -> ParameterRepair:
    seplist = SeparatedList(text, [(it.start, it.end) for it in items])
    elements = list(seplist.elements)
    slots = list(seplist.slots)
    # Work on indices into `items`; a bare "*" created here is the index -1.
    order: list[int] = list(range(len(items)))
    star_at = next((i for i, it in enumerate(items) if it.kind in ("star", "varargs", "kwargs")), len(items))
    slash_at = next((i for i in range(star_at) if items[i].kind == "slash"), None)
    head_end = star_at
    po_end = slash_at if slash_at is not None else 0  # items [0, po_end) are positional-only

    def stable_defaults_last(indices: list[int]) -> list[int]:
        return [i for i in indices if not items[i].has_default] + [i for i in indices if items[i].has_default]

    positional_only_reordered = False
    po = list(range(0, po_end))
    if any(items[i].has_default for i in po) and stable_defaults_last(po) != po:
        order[0:po_end] = stable_defaults_last(po)
        positional_only_reordered = True
    default_in_po = any(items[i].has_default for i in po)

    pk_start = po_end + 1 if slash_at is not None else 0
    pk = list(range(pk_start, head_end))
    first_default_pk = next((i for i in pk if items[i].has_default), None)
    if default_in_po:
        # Every parameter after the slash now needs a default or to be keyword-only.
        first_bad = next((i for i in pk if not items[i].has_default), None)
    elif first_default_pk is not None:
        first_bad = next((i for i in pk if i > first_default_pk and not items[i].has_default), None)
    else:
        first_bad = None

    keyword_only: tuple[str, ...] = ()
    used_mode: Mode = mode
    first_changed: int | None = None

    def positional_index(item_index: int) -> int:
        return sum(1 for it in items[:item_index] if it.kind == "param")

    if first_bad is not None and (mode == "keyword-only" or default_in_po):
        used_mode = "keyword-only"
        keyword_only = tuple(items[i].name for i in range(first_bad, head_end) if items[i].kind == "param")
        first_changed = positional_index(first_bad)
        if star_at < len(items) and items[star_at].kind in ("star", "varargs"):
            # Move the existing `*`/`*args` in front of the first offender.
            order = order[:first_bad] + [star_at] + order[first_bad:star_at] + order[star_at + 1 :]
        else:
            order = order[:first_bad] + [-1] + order[first_bad:]
            slots.insert(first_bad, seplist.new_slot(first_bad))
    elif first_bad is not None:
        used_mode = "reorder"
        new_pk = stable_defaults_last(pk)
        order[pk_start:head_end] = new_pk
        first_changed = positional_index(first_default_pk)

    new_elements = [Element("*") if i == -1 else elements[i] for i in order]
    new_text = seplist.render(new_elements, slots)
    made_keyword_only = set(range(first_bad, head_end)) if used_mode == "keyword-only" and first_bad is not None else set()
    new_positional = tuple(
        items[i].name for i in order if 0 <= i < head_end and items[i].kind == "param" and i not in made_keyword_only
    )
    if positional_only_reordered:
        first_changed = 0
    return ParameterRepair(
        text=new_text,
        signature=info,
        mode=used_mode,
        new_positional=new_positional,
        first_changed=first_changed,
        positional_only_reordered=positional_only_reordered,
        keyword_only=keyword_only,
    )

