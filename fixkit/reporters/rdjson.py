"""`--format rdjson`: reviewdog's Diagnostic Format (`DiagnosticResult`, proto/rdf).

Suggestions are line-wise ranges (no columns: "handled as linewise and the range
includes end position (line)"), the form reviewdog turns into a GitHub
```` ```suggestion ```` block as is.  They are the same suggestions as `--format github`
(one per fix, insertions anchored on a neighbouring line); a fix that edits another
file than the diagnosis' — a dependency declared in pyproject.toml — moves the
diagnostic onto the lines it changes, with the root cause named in the message.
Feed it to `reviewdog -f=rdjson -reporter=github-pr-review`.
"""

from __future__ import annotations

import json
from typing import Any

from fixkit.model import Diagnosis, Safety
from fixkit.plan import Plan
from fixkit.reporters._common import TOOL_NAME, TOOL_URI, path_prefix, short_module
from fixkit.reporters.github import suggestion_for


def _message(d: Diagnosis) -> str:
    text = d.message
    if d.blocks:
        text += f" (blocks {len(d.blocks)}: {', '.join(short_module(m) for m in d.blocks)})"
    if d.fix is not None:
        text += f" Fix ({d.fix.safety.value}): {d.fix.summary}"
        if d.fix.distribution:
            text += f" [{d.fix.distribution}]"
    return text


def _diagnostic(plan: Plan, d: Diagnosis, prefix: str) -> dict[str, Any]:
    item: dict[str, Any] = {
        "message": _message(d),
        "location": {"path": prefix + d.file, "range": {"start": {"line": max(d.line, 1), "column": d.column + 1}}},
        "severity": "ERROR" if d.blocks else "WARNING",
        "source": {"name": TOOL_NAME, "url": TOOL_URI},
        "code": {"value": d.code},
    }
    if d.fix is None or d.fix.safety is Safety.MANUAL:
        return item
    suggestion = suggestion_for(plan, d.fix, prefix)
    if suggestion is None:
        return item
    line_range = {"start": {"line": suggestion.start}, "end": {"line": suggestion.end}}
    item["suggestions"] = [{"range": line_range, "text": "\n".join(suggestion.lines)}]
    if suggestion.path != prefix + d.file:
        item["message"] += f" (root cause at {prefix}{d.file}:{d.line})"
        item["location"] = {"path": suggestion.path, "range": line_range}
    return item


def diagnostic_result(plan: Plan, *, root: str | None = None) -> dict[str, Any]:
    prefix = path_prefix(plan, root)
    return {
        "source": {"name": TOOL_NAME, "url": TOOL_URI},
        "severity": "ERROR",
        "diagnostics": [_diagnostic(plan, d, prefix) for d in plan.diagnoses],
    }


def render(plan: Plan, *, root: str | None = None) -> str:
    return json.dumps(diagnostic_result(plan, root=root), indent=2, ensure_ascii=False) + "\n"
