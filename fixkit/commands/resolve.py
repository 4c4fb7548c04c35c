"""`fixkit resolve NAME... [--format json] [--python PY] [--project PATH] [--offline] [--index-url URL]`.

Exit 0 when every name resolved to a distribution, 1 when some did not (the
standard library counts as not resolved: there is nothing to install), 2 on bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from fixkit.config import load_config
from fixkit.errors import FixkitError
from fixkit.resolve import Resolution, Resolver, validate_name
from fixkit.resolve.environment import default_python


def _python(args: argparse.Namespace, root: Path, configured: str | None) -> str:
    python = args.python or configured
    if python:
        path = Path(python)
        if not path.is_absolute() and (root / path).exists():
            python = str(root / path)
        return python
    return default_python(root)


def run(args: argparse.Namespace) -> int:
    names = [validate_name(n) for n in args.names]
    root = Path(args.project or ".")
    if not root.is_dir():
        raise FixkitError(f"resolve: --project {root} is not a directory")
    config = load_config(root)
    resolver = Resolver(
        python=_python(args, root.resolve(), config.python),
        offline=bool(args.offline),
        index_url=args.index_url,
        mapping=dict(config.mapping),
    )
    results = [resolver.resolve(name) for name in names]
    if args.format == "json":
        json.dump([r.to_json() for r in results], sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        _print_table(results)
    return 0 if all(r.resolved for r in results) else 1


def _print_table(results: list[Resolution]) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(show_lines=True)
    table.add_column("import", style="bold")
    table.add_column("distribution")
    table.add_column("confidence")
    table.add_column("evidence and warnings", overflow="fold")
    colours = {"high": "green", "medium": "yellow", "low": "red"}
    for r in results:
        # evidence text holds brackets ("[tool.fixkit] mapping") that rich would read as markup
        lines = [f"{escape(e.source)}: {escape(e.detail)}" for e in r.evidence]
        lines += [f"[yellow]warning:[/] {escape(w)}" for w in r.warnings]
        dist = escape(r.distribution) if r.distribution else "[red]none[/]"
        table.add_row(escape(r.import_name), dist, f"[{colours.get(r.confidence, 'white')}]{r.confidence}[/]", "\n".join(lines))
    Console(soft_wrap=False).print(table)
