"""The rule registry: an explicit, ordered tuple (like deptry's `violations/finder.py`).

Order matters in one place: the FK4xx syntax rules come before FK499, which reports only
the syntax errors no earlier rule claimed.
"""

from __future__ import annotations

from fixkit.rules.base import Example, Rule
from fixkit.rules.fk101_missing_dependency import MissingDependency
from fixkit.rules.fk201_missing_module import MissingModule
from fixkit.rules.fk202_missing_name import MissingName
from fixkit.rules.fk203_shadowed_module import ShadowedModule
from fixkit.rules.fk301_duplicate_table import DuplicateTable
from fixkit.rules.fk302_module_imported_twice import ModuleImportedTwice
from fixkit.rules.fk499_syntax_error import SyntaxErrorRule
from fixkit.rules.fk501_circular_import import CircularImport
from fixkit.rules.fk901_runtime_error import RuntimeErrorRule

from fixkit.rules.fk401_parameter_order import ParameterOrder
from fixkit.rules.fk402_catalogue import CATALOGUE_RULES

# The syntax-repair rules (FK401, the FK402.. catalogue) claim the errors they recognise;
# FK499 after them reports the rest.
_SYNTAX_RULES: tuple[type[Rule], ...] = (ParameterOrder, *CATALOGUE_RULES)

RULES: tuple[type[Rule], ...] = (
    MissingDependency,
    MissingModule,
    MissingName,
    ShadowedModule,
    DuplicateTable,
    ModuleImportedTwice,
    *_SYNTAX_RULES,
    SyntaxErrorRule,
    CircularImport,
    RuntimeErrorRule,
)

KINDS: tuple[str, ...] = (
    "missing-dependency",
    "missing-module",
    "missing-name",
    "duplicate-model",
    "shadowed-module",
    "syntax-error",
    "parameter-order",
    "circular-import",
    "runtime-error",
)

# How bad a kind is when two diagnoses unblock as many entry points (lower first).
SEVERITY = {kind: i for i, kind in enumerate(
    ("syntax-error", "parameter-order", "duplicate-model", "missing-module", "missing-name",
     "circular-import", "missing-dependency", "shadowed-module", "runtime-error")
)}


def rule_for(code: str) -> type[Rule] | None:
    code = code.upper()
    return next((r for r in RULES if r.code == code), None)


__all__ = ["RULES", "KINDS", "SEVERITY", "Example", "Rule", "rule_for"]
