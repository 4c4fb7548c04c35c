"""Repairs of mechanical syntax errors (FK401-FK413), before libcst can read a file.

    result = repair_source(text, target=(3, 11))
    result.text      # the repaired text, only ever one that parses (None otherwise)
    result.steps     # what was done, error by error, each with its safety
    result.remaining # the first error no repair could handle (None when repaired)

Errors are repaired one at a time: parse, classify the first error against the
catalogue (`fixkit.repair.catalogue`), repair it, parse again; at most `max_steps`
times.  Source is handled as decoded text, so the caller keeps encoding and BOM
(`fixkit.textio`); line endings are left as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

from fixkit.facts import SyntaxErrorFact
from fixkit.model import Safety
from fixkit.repair.catalogue import BY_CODE, ENTRIES, Entry, Step, classify
from fixkit.repair.check import parses, syntax_error_of
from fixkit.repair.params import Policy, SignatureInfo, default_policy, is_parameter_order_message
from fixkit.repair.source import NotMechanical

__all__ = [
    "BY_CODE",
    "ENTRIES",
    "Entry",
    "RepairResult",
    "SignatureInfo",
    "Step",
    "classify",
    "default_policy",
    "is_parameter_order_message",
    "parses",
    "repair_source",
    "repaired_or_original",
    "syntax_error_of",
]

MAX_STEPS = 50


@dataclass(frozen=True)
class RepairResult:
    original: str
    text: str | None  # parses on the target Python; None when a step was impossible
    steps: tuple[Step, ...]
    remaining: SyntaxErrorFact | None  # the error that stopped the repair
    remaining_code: str | None = None  # its catalogue code, when an entry claimed it

    @property
    def repaired(self) -> bool:
        return self.text is not None

    @property
    def changed(self) -> bool:
        return self.text is not None and self.text != self.original

    @property
    def safety(self) -> Safety:
        """The least safe step decides."""
        worst = Safety.SAFE
        for step in self.steps:
            if step.safety.rank > worst.rank:
                worst = step.safety
        return worst


def repair_source(
    text: str,
    target: tuple[int, int] = (3, 11),
    *,
    policy: Policy = default_policy,
    max_steps: int = MAX_STEPS,
) -> RepairResult:
    """Repair every catalogued syntax error of `text`; see the module docstring."""
    steps: list[Step] = []
    current = text
    seen: set[tuple[int, int, str, str]] = set()
    for _ in range(max_steps + 1):
        err = syntax_error_of(current, target)
        if err is None:
            return RepairResult(text, current, tuple(steps), None)
        if len(steps) >= max_steps:
            return RepairResult(text, None, tuple(steps), err)
        key = (err.line, err.column, err.message, current)
        if key in seen:  # a repair that goes round in circles
            return RepairResult(text, None, tuple(steps), err)
        seen.add(key)
        entry = classify(err, current, target, policy)
        if entry is None:
            return RepairResult(text, None, tuple(steps), err)
        try:
            step = entry.repair(current, err, target, policy)
        except (NotMechanical, RecursionError):
            step = None
        if step is None or step.text == current:
            return RepairResult(text, None, tuple(steps), err, entry.code)
        steps.append(step)
        current = step.text
    return RepairResult(text, None, tuple(steps), syntax_error_of(current, target))


def repaired_or_original(text: str, target: tuple[int, int] = (3, 11), *, policy: Policy = default_policy) -> str:
    """The repaired text when every error could be repaired, else the text unchanged."""
    result = repair_source(text, target, policy=policy)
    return result.text if result.text is not None else text
