"""The FK402-FK413 catalogue rules, in code order, for the registry (`fixkit.rules`).

Each rule lives in its own module; this one only lists them so that the registry
imports one name.  FK401 (parameter order) is registered on its own.
"""

from __future__ import annotations

from fixkit.rules.fk402_positional_after_keyword import PositionalAfterKeyword
from fixkit.rules.fk403_repeated_keyword import RepeatedKeyword
from fixkit.rules.fk404_duplicate_parameter import DuplicateParameter
from fixkit.rules.fk405_fstring_quote_reuse import FStringQuoteReuse
from fixkit.rules.fk406_missing_comma import MissingComma
from fixkit.rules.fk407_markdown_fence import MarkdownFence
from fixkit.rules.fk408_print_statement import PrintStatement
from fixkit.rules.fk409_missing_colon import MissingColon
from fixkit.rules.fk410_except_comma import ExceptComma
from fixkit.rules.fk411_assignment_in_condition import AssignmentInCondition
from fixkit.rules.fk412_invalid_character import InvalidCharacter
from fixkit.rules.fk413_inconsistent_indentation import InconsistentIndentation

CATALOGUE_RULES = (
    PositionalAfterKeyword,
    RepeatedKeyword,
    DuplicateParameter,
    FStringQuoteReuse,
    MissingComma,
    MarkdownFence,
    PrintStatement,
    MissingColon,
    ExceptComma,
    AssignmentInCondition,
    InvalidCharacter,
    InconsistentIndentation,
)

__all__ = ["CATALOGUE_RULES"]
