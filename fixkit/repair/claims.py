"""Which catalogue entry claims a file's syntax error (for the FK4xx rules and FK499).

Classification is memoised on the analysis, because eleven rules (and FK499, which
reports whatever none of them claims) ask about the same few broken files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fixkit.facts import FileFacts, SyntaxErrorFact
from fixkit.model import Diagnosis
from fixkit.repair.catalogue import classify
from fixkit.repair.params import repair_parameter_order
from fixkit.repair.source import NotMechanical
from fixkit.textio import SourceDecodeError

if TYPE_CHECKING:
    from fixkit.analysis import Analysis

def _text(analysis: "Analysis", path: str) -> str | None:
    try:
        return analysis.project.read_text(path)
    except (OSError, SourceDecodeError):
        return None


def claimed_code(analysis: "Analysis", path: str) -> str | None:
    """The FK4xx code whose rule reports this file's syntax error; None when no catalogue
    entry claims it (then it is FK499's: a manual diagnosis).  Memoised on the analysis
    with the questions it asked, since every FK4xx rule and FK499 ask about the same
    few broken files."""
    return analysis.memo(("syntax-claim", path), lambda: _classify(analysis, path))


def _classify(analysis: "Analysis", path: str) -> str | None:
    facts = analysis.facts.get(path)
    err = facts.syntax_error if facts is not None else None
    text = _text(analysis, path) if err is not None else None
    if err is None or text is None:
        return None
    target = tuple(analysis.project.target_version[:2])
    try:
        entry = classify(err, text, target)  # type: ignore[arg-type]
    except (NotMechanical, RecursionError, ValueError):
        return None
    return entry.code if entry is not None else None


def parameter_order_diagnosis(rule, analysis: "Analysis", path: str, facts: FileFacts, err: SyntaxErrorFact) -> Diagnosis:
    """FK401's diagnosis names the function and the parameters out of order."""
    text = _text(analysis, path) or ""
    symbol = None
    message = err.message
    try:
        # Only the signature is wanted here: the policy does not matter.
        result = repair_parameter_order(text, err.line, err.column, target=tuple(analysis.project.target_version[:2]))  # type: ignore[arg-type]
    except (NotMechanical, RecursionError):
        result = None
    if result is not None:
        info = result.signature
        symbol = info.name
        first_default = info.positional[info.first_default]
        message = (
            f"{err.message}: {', '.join(info.offenders)} without a default after {first_default} "
            f"with one in {info.qualname}()"
        )
    return Diagnosis(
        code=rule.code,
        kind=rule.kind,
        message=message,
        file=path,
        line=err.line,
        column=err.column,
        module=facts.module or None,
        symbol=symbol,
    )
