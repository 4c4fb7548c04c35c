"""`--format github-annotations`: GitHub Actions workflow commands, one per diagnosis.

`::error file=F,line=L,col=C,title=CODE::message` — escaping as @actions/core's
command.ts: in the message `%`, CR and LF become %25, %0D, %0A; in properties also
`:` and `,` (%3A, %2C), which would otherwise end the property.
"""

from __future__ import annotations

from fixkit.model import Diagnosis
from fixkit.plan import Plan
from fixkit.reporters._common import path_prefix, short_module


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, properties: dict[str, str | int], message: str) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    return f"::{name} {props}::{escape_data(message)}" if props else f"::{name}::{escape_data(message)}"


def _message(d: Diagnosis) -> str:
    lines = [d.message]
    if d.blocks:
        lines.append(f"Blocks {len(d.blocks)} entry point(s): {', '.join(short_module(m) for m in d.blocks)}")
    if d.fix is not None:
        lines.append(f"Fix ({d.fix.safety.value}): {d.fix.summary}")
    return "\n".join(lines)


def render(plan: Plan, *, root: str | None = None) -> str:
    prefix = path_prefix(plan, root)
    out = []
    for d in plan.diagnoses:
        level = "error" if d.blocks else "warning"
        props = {"file": prefix + d.file, "line": max(d.line, 1), "col": d.column + 1, "title": f"{d.code} {d.kind}"}
        out.append(command(level, props, _message(d)))
    return "".join(line + "\n" for line in out)
