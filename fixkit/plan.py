"""diagnoses → fixes ordered by impact.  CONTRACT: `Plan` and its JSON form.

`make_plan(config)` runs discover → analyse → diagnose and asks each rule for its fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from fixkit.model import Diagnosis


@dataclass(frozen=True)
class EntryPoint:
    module: str  # "app.routers.analytics"
    file: str  # relative path
    blocked_by: tuple[str, ...] = ()  # diagnosis ids, most impactful first

    @property
    def blocked(self) -> bool:
        return bool(self.blocked_by)


@dataclass(frozen=True)
class Plan:
    fixkit_version: str
    root: str  # the project root as an absolute path
    entry_points: tuple[EntryPoint, ...]
    diagnoses: tuple[Diagnosis, ...]  # ordered by impact: most entry points unblocked first
    # The text of every file a fix edits, as it was when planned: reporters need the
    # old lines for diffs and suggestions.  Not part of the JSON contract.
    texts: Mapping[str, str] = field(default_factory=dict, compare=False)
