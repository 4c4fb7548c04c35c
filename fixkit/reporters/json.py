"""`--format json`: the stable JSON contract of a plan (documented in the README).

The contract is `Plan.to_dict()` in `fixkit.plan`, which `apply --plan` reads back
with `Plan.from_dict()`; this reporter only serialises it.
"""

from __future__ import annotations

import json

from fixkit.plan import Plan


def render(plan: Plan, *, root: str | None = None) -> str:
    # Paths stay relative to the project root as the contract says; `root` is for the
    # formats that CI tools read relative to the repository.
    return json.dumps(plan.to_dict(), indent=2, ensure_ascii=False) + "\n"
