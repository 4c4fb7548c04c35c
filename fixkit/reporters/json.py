"""`--format json`: the stable JSON contract of a plan (documented in the README).

The contract belongs to `fixkit.plan` (`Plan.to_dict`, which `apply --plan` reads back
with `Plan.from_dict`); this module uses it when it is there and otherwise builds the
very same shape itself, so the output does not depend on which of the two landed first.
"""

from __future__ import annotations

import json
from typing import Any

from fixkit.model import Diagnosis, Fix
from fixkit.plan import Plan
from fixkit.reporters._common import fix_diff


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    to_dict = getattr(plan, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    return contract_dict(plan)


def contract_dict(plan: Plan) -> dict[str, Any]:
    return {
        "fixkit_version": plan.fixkit_version,
        "root": plan.root,
        "entry_points": {
            "total": len(plan.entry_points),
            "blocked": sum(1 for e in plan.entry_points if e.blocked),
            "items": [{"module": e.module, "file": e.file, "blocked_by": list(e.blocked_by)} for e in plan.entry_points],
        },
        "diagnoses": [_diagnosis(plan, d) for d in plan.diagnoses],
    }


def _diagnosis(plan: Plan, d: Diagnosis) -> dict[str, Any]:
    return {
        "id": d.id,
        "code": d.code,
        "kind": d.kind,
        "message": d.message,
        "file": d.file,
        "line": d.line,
        "column": d.column,
        "module": d.module,
        "symbol": d.symbol,
        "related": [{"file": r.file, "line": r.line} for r in d.related],
        "blocks": list(d.blocks),
        "fix": None if d.fix is None else _fix(plan, d.fix),
    }


def _fix(plan: Plan, fix: Fix) -> dict[str, Any]:
    return {
        "summary": fix.summary,
        "safety": fix.safety.value,
        "distribution": fix.distribution,
        "diff": fix_diff(plan, fix),
        "notes": list(fix.notes),
        "edits": [
            {
                "path": e.path,
                "old_sha256": e.old_sha256,
                "delete": e.delete,
                "hunks": [{"start": h.start, "end": h.end, "text": h.text} for h in e.hunks],
            }
            for e in fix.edits
        ],
    }


def render(plan: Plan, *, root: str | None = None) -> str:
    # Paths stay relative to the project root: the contract says so, `root` is for
    # the formats that CI tools read relative to the repository.
    return json.dumps(plan_to_dict(plan), indent=2, ensure_ascii=False) + "\n"
