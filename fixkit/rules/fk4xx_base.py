"""The base of the FK402-FK413 rules: a catalogue entry as a rule.

Detection is `fixkit.repair.claims.claimed_code` (the catalogue decides which entry a
file's syntax error belongs to); the fix repairs the whole file
(`fixkit.fixes.syntax.fix_syntax_error`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from fixkit.facts import FileFacts, SyntaxErrorFact
from fixkit.model import Diagnosis
from fixkit.repair.claims import claimed_code
from fixkit.rules.base import Rule

if TYPE_CHECKING:
    from fixkit.analysis import Analysis
    from fixkit.model import Fix


class SyntaxRepairRule(Rule):
    """A catalogue entry as a rule: claims the errors `claimed_code` gives it."""

    kind = "syntax-error"

    def find(self, analysis: "Analysis") -> Iterable[Diagnosis]:
        out = []
        # One question for all broken files: an edit elsewhere leaves this rule's answer.
        for path, facts in analysis.files_with("syntax_error"):
            err = facts.syntax_error
            if claimed_code(analysis, path) != self.code:
                continue
            out.append(self.diagnose(analysis, path, facts, err))
        return out

    def diagnose(self, analysis: "Analysis", path: str, facts: FileFacts, err: SyntaxErrorFact) -> Diagnosis:
        return Diagnosis(
            code=self.code,
            kind=self.kind,
            message=err.message,
            file=path,
            line=err.line,
            column=err.column,
            module=facts.module or None,
        )

    def fix(self, diagnosis: Diagnosis, analysis: "Analysis") -> "Fix | None":
        from fixkit.fixes.syntax import fix_syntax_error

        return fix_syntax_error(diagnosis, analysis)
