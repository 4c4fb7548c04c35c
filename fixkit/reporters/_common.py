"""What several reporters share: paths, counts, diffs, rule docs and code fences."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from fixkit.errors import FixkitError
from fixkit.model import Diagnosis, Fix, Safety, split_lines, unified_diff
from fixkit.plan import Plan

TOOL_NAME = "fixkit"
TOOL_URI = "https://github.com/fixkit/fixkit"


def rules_by_code() -> dict[str, type]:
    """The rule classes of `fixkit.rules.RULES` by code ({} while the registry is not there).

    The registry is owned by the engine; reporters only read each rule's docs, so an
    absent registry degrades the help text, never the output itself.
    """
    try:
        from fixkit.rules import RULES  # type: ignore[attr-defined]
    except ImportError:
        return {}
    rules = RULES.values() if isinstance(RULES, Mapping) else RULES
    return {rule.code: rule for rule in rules}


def path_prefix(plan: Plan, root: str | os.PathLike[str] | None) -> str:
    """What to put before a project-relative path so that it is relative to `root`.

    A project can live in a subdirectory of the repository that GitHub and code
    scanning see; their paths are relative to the repository, ours to the project.
    """
    if root is None:
        return ""
    rel = os.path.relpath(Path(plan.root).resolve(), Path(root).resolve())
    if rel == ".":
        return ""
    if rel.startswith(".."):
        raise FixkitError(f"the project {plan.root} is not inside {root}")
    return rel.replace(os.sep, "/") + "/"


@dataclass(frozen=True)
class Counts:
    total: int
    importing: int
    root_causes: int
    safe: int  # applied by `fixkit apply`
    review: int  # applied by `fixkit apply --unsafe`
    manual: int

    def headline(self) -> str:
        text = (
            f"{self.importing}/{self.total} entry points import; "
            f"{self.root_causes} root cause{'s' if self.root_causes != 1 else ''}; "
            f"{self.safe} fixable automatically"
        )
        if self.review:
            text += f" ({self.review} more with --unsafe)"
        return text


def counts(plan: Plan) -> Counts:
    safeties = [d.fix.safety for d in plan.diagnoses if d.fix is not None and _applicable(d.fix)]
    return Counts(
        total=len(plan.entry_points),
        importing=sum(1 for e in plan.entry_points if not e.blocked),
        root_causes=len(plan.diagnoses),
        safe=sum(1 for s in safeties if s is Safety.SAFE),
        review=sum(1 for s in safeties if s is Safety.REVIEW),
        manual=sum(1 for d in plan.diagnoses if d.fix is not None and d.fix.safety is Safety.MANUAL),
    )


def _applicable(fix: Fix) -> bool:
    """A fix `apply` can carry out: it edits files or declares a distribution."""
    return fix.safety is not Safety.MANUAL and bool(fix.edits or fix.distribution)


def fix_diff(plan: Plan, fix: Fix, prefix: str = "") -> str:
    """The unified diff of every file a fix edits (git-style a/ b/ paths)."""
    parts = []
    for edit in fix.edits:
        diff = unified_diff(edit, plan.texts.get(edit.path))
        if not diff and (edit.creates or edit.delete):
            # difflib says nothing about an empty file created or deleted; git's headers do.
            diff = f"--- {'/dev/null' if edit.creates else 'a/' + edit.path}\n+++ {'/dev/null' if edit.delete else 'b/' + edit.path}\n"
        if prefix:
            diff = diff.replace(f"a/{edit.path}", f"a/{prefix}{edit.path}", 1).replace(f"b/{edit.path}", f"b/{prefix}{edit.path}", 1)
        parts.append(diff)
    return "".join(parts)


def short_module(module: str) -> str:
    """`app.routers.analytics` -> `analytics`, as the seed report names routers."""
    return module.rsplit(".", 1)[-1]


def blocks_text(diagnosis: Diagnosis, limit: int = 8) -> str:
    names = [short_module(m) for m in diagnosis.blocks]
    if not names:
        return "no entry point"
    shown = ", ".join(names[:limit])
    if len(names) > limit:
        shown += f", … ({len(names) - limit} more)"
    return shown


def fence_for(text: str, char: str = "`") -> str:
    """A code fence longer than any run of `char` at the start of a line of `text`.

    CommonMark closes a fence only with a line starting with at least as many fence
    characters, so the fence must beat every such run (reviewdog's GetCodeFenceLength
    does the same; we count runs anywhere on a line, which is never shorter).
    """
    longest = max((len(run) for run in re.findall(re.escape(char) + "+", text)), default=0)
    return char * max(3, longest + 1)


def fenced(text: str, info: str = "") -> str:
    """`text` in a fenced code block that nothing inside can close."""
    fence = fence_for(text)
    body = text if text.endswith("\n") or not text else text + "\n"
    return f"{fence}{info}\n{body}{fence}\n"


def strip_eol(line: str) -> str:
    return line.rstrip("\r\n")


def lines_of(text: str | None) -> list[str]:
    return split_lines(text or "")


def diagnoses_with(plan: Plan, ids: Iterable[str]) -> list[Diagnosis]:
    wanted = set(ids)
    return [d for d in plan.diagnoses if d.id in wanted]
