"""`--format markdown`: the plan as a document for a pull request, an issue or a wiki."""

from __future__ import annotations

from fixkit.model import Diagnosis
from fixkit.plan import Plan
from fixkit.reporters._common import blocks_text, counts, fenced, fix_diff, path_prefix, short_module


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell: one line, pipes escaped."""
    return " ".join(text.split()).replace("\\", "\\\\").replace("|", "\\|")


def render(plan: Plan, *, root: str | None = None) -> str:
    prefix = path_prefix(plan, root)
    c = counts(plan)
    out = ["# fixkit plan", "", f"**{c.headline()}**", ""]
    notes = getattr(plan, "notes", ())
    if notes:
        out += [f"> note: {cell(note)}" for note in notes] + [""]
    if not plan.diagnoses:
        out += ["No problems found.", ""]
        return "\n".join(out)

    out += ["## Root causes by impact", "", "| # | code | where | problem | blocks | fix |", "|---:|---|---|---|---:|---|"]
    for rank, d in enumerate(plan.diagnoses, 1):
        fix = "none" if d.fix is None else f"{d.fix.safety.value}: {d.fix.summary}"
        out.append(
            f"| {rank} | {d.code} | `{cell(prefix + d.file)}:{d.line}` | {cell(d.message)} | {len(d.blocks)} | {cell(fix)} |"
        )
    out.append("")
    for rank, d in enumerate(plan.diagnoses, 1):
        out += _section(plan, d, rank, prefix)

    blocked = [e for e in plan.entry_points if e.blocked]
    if blocked:
        by_id = {d.id: d for d in plan.diagnoses}
        out += ["## Blocked entry points", ""]
        for e in blocked:
            causes = ", ".join(f"{by_id[i].code} ({by_id[i].file}:{by_id[i].line})" if i in by_id else i for i in e.blocked_by)
            out.append(f"- `{e.module}`: {cell(causes)}")
        out.append("")
    return "\n".join(out)


def _section(plan: Plan, d: Diagnosis, rank: int, prefix: str) -> list[str]:
    out = [f"### {rank}. {d.code} {d.kind} — `{prefix}{d.file}:{d.line}`", "", d.message, ""]
    if d.blocks:
        out += [f"Blocks {len(d.blocks)} entry point{'s' if len(d.blocks) != 1 else ''}: {blocks_text(d, limit=len(d.blocks))}.", ""]
    for loc in d.related:
        note = f" — {loc.note}" if loc.note else ""
        out.append(f"- see `{prefix}{loc.file}:{loc.line}`{note}")
    if d.related:
        out.append("")
    if d.fix is not None:
        out += [f"**Fix ({d.fix.safety.value}):** {d.fix.summary}", ""]
        if d.fix.distribution:
            out += [f"Distribution: `{d.fix.distribution}`", ""]
        out += [f"- {note}" for note in d.fix.notes]
        if d.fix.notes:
            out.append("")
        diff = fix_diff(plan, d.fix, prefix)
        if diff:
            out += [fenced(diff, "diff")]
    return out


__all__ = ["render", "cell", "short_module"]
