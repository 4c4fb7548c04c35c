"""`--format text`: the terminal view (rich) — headline, root causes by impact, diffs.

Rendered into a string so that the command decides where it goes; with
`color=False` (not a terminal, or `-o FILE`) the result is plain text without escapes.
"""

from __future__ import annotations

import io
import os
import shutil
import sys

from rich.console import Console, Group
from rich.padding import Padding
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from fixkit.model import Diagnosis, Safety
from fixkit.plan import Plan
from fixkit.reporters._common import blocks_text, counts, fix_diff, path_prefix, short_module

_SAFETY_STYLE = {Safety.SAFE: "green", Safety.REVIEW: "yellow", Safety.MANUAL: "red"}


def render(plan: Plan, *, root: str | None = None, color: bool | None = None, width: int | None = None) -> str:
    terminal = color is None and sys.stdout.isatty()
    if color is None:
        # https://no-color.org: a non-empty NO_COLOR turns colour off even on a terminal
        # (which keeps its own width).
        color = terminal and not os.environ.get("NO_COLOR")
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        width=width or (None if color else shutil.get_terminal_size((120, 24)).columns if terminal else 120),
        highlight=False,
        emoji=False,
        soft_wrap=False,
    )
    prefix = path_prefix(plan, root)
    c = counts(plan)
    headline = Text(c.headline(), style="bold")
    console.print(headline)
    for note in getattr(plan, "notes", ()):
        console.print(Text(f"note: {note}", style="yellow"))
    if not plan.diagnoses:
        console.print(Text("No problems found.", style="green"))
        return _finish(buffer.getvalue(), color)

    console.print()
    console.print(_table(plan, prefix, console.width))
    for rank, diagnosis in enumerate(plan.diagnoses, 1):
        console.print()
        console.print(_details(plan, diagnosis, rank, prefix))
    console.print()
    console.print(Text("Run `fixkit apply` to apply the safe fixes, `fixkit explain CODE` for what a code means.", style="dim"))
    return _finish(buffer.getvalue(), color)


def _finish(out: str, color: bool) -> str:
    # rich pads every line to the console width; in plain text that is only noise.
    return out if color else "".join(line.rstrip() + "\n" for line in out.splitlines())


def _table(plan: Plan, prefix: str, width: int) -> Table:
    # One line per root cause (the full message, blast radius and diff follow below).
    # Widths are budgeted here: left to itself rich squeezes the narrow columns to nothing.
    wheres = [f"{prefix}{d.file}:{d.line}" for d in plan.diagnoses]
    rank_w, code_w, blocks_w = len(str(len(wheres))), max(len(d.code) for d in plan.diagnoses), len("blocks")
    where_w = min(max(map(len, wheres)), 48)
    borders = 3 * 6 + 1  # "│ " before each of six columns, " │" after the last
    rest = max(width - borders - rank_w - code_w - blocks_w - where_w, 30)
    problem_w = rest * 3 // 5
    fix_w = rest - problem_w
    table = Table(title="Root causes by impact", title_justify="left", expand=False)
    table.add_column("#", justify="right", no_wrap=True, width=rank_w)
    table.add_column("code", no_wrap=True, width=code_w)
    table.add_column("where", no_wrap=True, overflow="fold", width=where_w)
    table.add_column("problem", no_wrap=True, overflow="ellipsis", width=problem_w)
    table.add_column("blocks", justify="right", no_wrap=True, width=blocks_w)
    table.add_column("fix", no_wrap=True, overflow="ellipsis", width=fix_w)
    for rank, (d, where) in enumerate(zip(plan.diagnoses, wheres), 1):
        if d.fix is None:
            fix = Text("none", style="dim")
        else:
            fix = Text.assemble((d.fix.safety.value, _SAFETY_STYLE[d.fix.safety]), ": ", d.fix.summary)
        table.add_row(str(rank), d.code, where, Text(" ".join(d.message.split())), str(len(d.blocks)), fix)
    return table


def _details(plan: Plan, d: Diagnosis, rank: int, prefix: str) -> Group:
    parts: list = [
        Text.assemble((f"{rank}. {d.code} {d.kind}", "bold"), f"  {prefix}{d.file}:{d.line}:{d.column + 1}"),
        Padding(Text(d.message), (0, 0, 0, 3)),
    ]
    if d.blocks:
        parts.append(Padding(Text(f"blocks {len(d.blocks)}: {blocks_text(d, limit=len(d.blocks))}", style="magenta"), (0, 0, 0, 3)))
    for loc in d.related:
        note = f" ({loc.note})" if loc.note else ""
        parts.append(Padding(Text(f"see {prefix}{loc.file}:{loc.line}{note}", style="dim"), (0, 0, 0, 3)))
    if d.fix is not None:
        fix = d.fix
        parts.append(
            Padding(Text.assemble("fix ", (f"[{fix.safety.value}]", _SAFETY_STYLE[fix.safety]), " ", fix.summary), (0, 0, 0, 3))
        )
        if fix.distribution:
            parts.append(Padding(Text(f"distribution: {fix.distribution}"), (0, 0, 0, 5)))
        for note in fix.notes:
            parts.append(Padding(Text(f"- {note}"), (0, 0, 0, 5)))
        diff = fix_diff(plan, fix, prefix)
        if diff:
            parts.append(Padding(Syntax(diff.rstrip("\n"), "diff", theme="ansi_dark", background_color="default", word_wrap=True), (0, 0, 0, 5)))
    return Group(*parts)


def entry_point_summary(plan: Plan) -> list[str]:
    """`module: blocked by CODE, CODE` lines for the blocked entry points (used by markdown)."""
    by_id = {d.id: d for d in plan.diagnoses}
    lines = []
    for e in plan.entry_points:
        if e.blocked:
            codes = ", ".join(by_id[i].code if i in by_id else i for i in e.blocked_by)
            lines.append(f"{short_module(e.module)}: {codes}")
    return lines
