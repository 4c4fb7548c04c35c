"""`fixkit explain [CODE]`: a code's documentation, or the list of every code."""

from __future__ import annotations

import argparse
from typing import Sequence

from fixkit.errors import FixkitError


def _rules() -> Sequence[type]:
    try:
        from fixkit.rules import RULES  # type: ignore[attr-defined]
    except ImportError as exc:
        raise FixkitError(f"explain: the rule registry cannot be loaded ({exc})") from None
    return tuple(RULES.values()) if hasattr(RULES, "values") else tuple(RULES)


def listing(rules: Sequence[type]) -> str:
    width = max((len(r.kind) for r in rules), default=0)
    lines = [f"{r.code}  {r.kind:<{width}}  {r.summary}" for r in sorted(rules, key=lambda r: r.code)]
    lines.append("")
    lines.append("`fixkit explain CODE` shows what a code finds, why it matters, an example and how safe its fix is.")
    return "\n".join(lines) + "\n"


def explain(query: str, rules: Sequence[type]) -> str:
    """The docs of the rule with this code (any case) or of every rule of this kind."""
    wanted = query.strip()
    hits = [r for r in rules if r.code.upper() == wanted.upper()] or [r for r in rules if r.kind == wanted.lower()]
    if not hits:
        prefix = [r for r in rules if r.code.upper().startswith(wanted.upper())] if len(wanted) >= 3 else []
        if prefix and wanted.upper().startswith("FK"):
            hits = prefix  # `fixkit explain FK3` explains the whole family
    if not hits:
        raise FixkitError(f"explain: unknown code {query!r} (run `fixkit explain` for the list)")
    return "\n".join(r.doc() for r in sorted(hits, key=lambda r: r.code))


def run(args: argparse.Namespace) -> int:
    rules = _rules()
    print(explain(args.code, rules) if args.code else listing(rules), end="")
    return 0
