"""Does a text parse for the target Python?  The one gate every repair passes through.

The running interpreter parses the text (`ast.parse` with the target's
`feature_version`) and compiles the tree, which nothing executes; on 3.12+ one more check stands in for an older target: an
f-string that reuses its own quote inside a replacement field is valid since
PEP 701 (3.12) and a syntax error before it.
"""

from __future__ import annotations

import ast
import io
import sys
import tokenize
import warnings

from fixkit.facts import SyntaxErrorFact
from fixkit.model import split_lines

# ast's feature_version accepts (3, 4) and later; older targets are checked as 3.7.
_OLDEST_FEATURE_VERSION = (3, 7)


def syntax_error_of(text: str, target: tuple[int, int] = (3, 11)) -> SyntaxErrorFact | None:
    """The first syntax error of `text` on the target Python, or None when it parses.

    Positions are converted to the `SyntaxErrorFact` convention: 1-based lines,
    0-based columns counted in characters.
    """
    feature = max(tuple(target[:2]), _OLDEST_FEATURE_VERSION)
    try:
        with warnings.catch_warnings():
            # "invalid escape sequence" and friends are warnings, not errors.
            warnings.simplefilter("ignore")
            tree = ast.parse(text, feature_version=feature)
            # Some syntax errors ("keyword argument repeated", "duplicate argument",
            # "'return' outside function") come from the compiler, not the parser.
            compile(tree, "<fixkit>", "exec", dont_inherit=True)
    except SyntaxError as exc:  # TabError and IndentationError are SyntaxErrors
        return _fact_of(exc, text)
    except (ValueError, MemoryError, RecursionError) as exc:  # NUL bytes, absurd nesting
        return SyntaxErrorFact(message=str(exc), line=1, column=0)
    if sys.version_info >= (3, 12) and tuple(target[:2]) < (3, 12):
        return _pep701_only_fstring(text)
    return None


def parses(text: str, target: tuple[int, int] = (3, 11)) -> bool:
    return syntax_error_of(text, target) is None


def _fact_of(exc: SyntaxError, text: str) -> SyntaxErrorFact:
    line = exc.lineno or 1
    column = max((exc.offset or 1) - 1, 0)
    end_line = exc.end_lineno
    end_column = (exc.end_offset - 1) if exc.end_offset and exc.end_offset > 0 else None
    lines = [l.rstrip("\r\n") for l in split_lines(text)]
    source_line = lines[line - 1] if 0 < line <= len(lines) else (exc.text or "").rstrip("\r\n")
    return SyntaxErrorFact(
        message=exc.msg,
        line=line,
        column=column,
        end_line=end_line,
        end_column=end_column,
        text=source_line,
    )


def _pep701_only_fstring(text: str) -> SyntaxErrorFact | None:
    """On 3.12+: the first f-string that only 3.12+ accepts because a string inside a
    replacement field reuses the enclosing f-string's quote (3.11 and older reject it)."""
    stack: list[str] = []  # quote of each open f-string, innermost last
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return None
    fstring_start = getattr(tokenize, "FSTRING_START", None)
    fstring_end = getattr(tokenize, "FSTRING_END", None)
    for tok in tokens:
        if tok.type == fstring_start:
            quote = _quote_of(tok.string)
            if stack and _clashes(quote, stack):
                return _reuse_fact(tok, text)
            stack.append(quote)
        elif tok.type == fstring_end:
            if stack:
                stack.pop()
        elif tok.type == tokenize.STRING and stack and _clashes(_quote_of(tok.string), stack):
            return _reuse_fact(tok, text)
    return None


def _quote_of(literal: str) -> str:
    body = literal.lstrip("rRbBuUfF")
    return body[:3] if body[:3] in ('"""', "'''") else body[:1]


def _clashes(quote: str, enclosing: list[str]) -> bool:
    """Before 3.12 an enclosing f-string ends at its own quote, whatever the nesting."""
    for outer in enclosing:
        if len(outer) == 1 and quote[0] == outer:
            return True
        if len(outer) == 3 and quote == outer:
            return True
    return False


def _reuse_fact(tok: tokenize.TokenInfo, text: str) -> SyntaxErrorFact:
    return SyntaxErrorFact(
        message="f-string: expressions nested inside an f-string cannot reuse its quote before Python 3.12",
        line=tok.start[0],
        column=tok.start[1],
        end_line=tok.end[0],
        end_column=tok.end[1],
        text=tok.line.rstrip("\r\n"),
    )
