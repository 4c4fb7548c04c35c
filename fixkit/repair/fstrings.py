"""FK405: an f-string that reuses its own quote inside a replacement field.

`f"{row["id"]}"` is valid since Python 3.12 (PEP 701) and a syntax error before.
The tokenizer of an older Python cannot even find where such an f-string ends, so
this module scans it the 3.12 way, by hand, and swaps the quotes of the nested
literals (`f"{row['id']}"`): the same string values, accepted by every version.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fixkit.repair.source import Source

_STRING_START = re.compile(r"(?<![\w])([rRbBuUfF]{0,2})(\"\"\"|'''|\"|')")


@dataclass
class Literal:
    start: int  # offset of the prefix
    quote_at: int  # offset of the opening quote
    end: int  # offset after the closing quote
    quote: str  # '"', "'", '\"\"\"' or "'''"
    is_fstring: bool
    enclosing: tuple[str, ...]  # quotes of the f-strings it is nested in, outermost first
    parents: tuple[int, ...] = ()  # their indices in the scan, outermost first


class _Unscannable(Exception):
    pass


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.literals: list[Literal] = []

    def string(self, i: int, enclosing: tuple[str, ...], parents: tuple[int, ...] = ()) -> int:
        m = _STRING_START.match(self.text, i)
        if m is None:
            raise _Unscannable
        prefix, quote = m.group(1), m.group(2)
        is_f = "f" in prefix.lower()
        literal = Literal(i, m.start(2), -1, quote, is_f, enclosing, parents)
        index = len(self.literals)
        self.literals.append(literal)
        j = m.end()
        text = self.text
        while j < len(text):
            ch = text[j]
            if ch == "\\":
                j += 2
                continue
            if text.startswith(quote, j):
                literal.end = j + len(quote)
                return literal.end
            if ch in "\r\n" and len(quote) == 1:
                raise _Unscannable
            if is_f and ch == "{":
                if text.startswith("{{", j):
                    j += 2
                    continue
                j = self.expression(j + 1, enclosing + (quote,), parents + (index,))
                continue
            j += 1
        raise _Unscannable

    def expression(self, i: int, enclosing: tuple[str, ...], parents: tuple[int, ...] = ()) -> int:
        """From after `{` to after its `}` (3.12 rules: any quotes may appear)."""
        depth = 0
        text = self.text
        while i < len(text):
            ch = text[i]
            m = _STRING_START.match(text, i)
            if m is not None and (m.group(1) == "" or not text[i - 1 : i].isalnum()):
                i = self.string(i, enclosing, parents)
                continue
            if ch in "([{":
                depth += 1
            elif ch in ")]":
                depth -= 1
            elif ch == "}":
                if depth == 0:
                    return i + 1
                depth -= 1
            elif ch == ":" and depth == 0 and not text.startswith(":=", i):
                return self.format_spec(i + 1, enclosing, parents)
            elif ch == "#":
                raise _Unscannable
            i += 1
        raise _Unscannable

    def format_spec(self, i: int, enclosing: tuple[str, ...], parents: tuple[int, ...] = ()) -> int:
        text = self.text
        while i < len(text):
            ch = text[i]
            if ch == "{":
                i = self.expression(i + 1, enclosing, parents)
                continue
            if ch == "}":
                return i + 1
            i += 1
        raise _Unscannable


def _clashes(quote: str, enclosing: tuple[str, ...]) -> bool:
    for outer in enclosing:
        if len(outer) == 1 and quote[0] == outer:
            return True
        if len(outer) == 3 and quote == outer:
            return True
    return False


def literals_on_line(text: str, line: int) -> list[Literal]:
    """Every string literal starting on `line` (and those nested in them), 3.12-style."""
    source = Source(text)
    start = source.offset(line, 0)
    line_end = source.offset(line + 1, 0) if line < len(source.lines) else len(text)
    scanner = _Scanner(text)
    i = start
    try:
        while i < line_end:
            ch = text[i]
            if ch == "#":
                break
            m = _STRING_START.match(text, i)
            if m is not None:
                i = scanner.string(i, ())
                continue
            if ch.isalnum() or ch == "_":
                # skip the rest of a name so that `rb` in `verb"` is not a prefix
                while i < line_end and (text[i].isalnum() or text[i] == "_"):
                    i += 1
                continue
            i += 1
    except _Unscannable:
        return []
    return scanner.literals


def quote_reuse(text: str, line: int) -> list[Literal]:
    """The nested literals on `line` that close their enclosing f-string before 3.12."""
    return [lit for lit in literals_on_line(text, line) if lit.enclosing and _clashes(lit.quote, lit.enclosing)]


def swap_reused_quotes(text: str, line: int) -> str | None:
    """The text with each clashing nested literal requoted, None when one cannot be.

    Outer literals are decided first, so a nested literal is checked against the quotes
    its enclosing f-strings end up with, not the ones they started with."""
    literals = literals_on_line(text, line)
    if not any(lit.enclosing and _clashes(lit.quote, lit.enclosing) for lit in literals):
        return None
    quotes = [lit.quote for lit in literals]  # the quote each literal ends up with
    edits: list[tuple[int, int, str]] = []
    for index, lit in enumerate(literals):
        enclosing = tuple(quotes[p] for p in lit.parents)
        if not enclosing or not _clashes(lit.quote, enclosing):
            continue
        other = "'" if lit.quote[0] == '"' else '"'
        new_quote = other * len(lit.quote)
        if _clashes(new_quote, enclosing):
            return None  # both quote characters are taken by enclosing f-strings
        body = text[lit.quote_at + len(lit.quote) : lit.end - len(lit.quote)]
        if other in (_outside_fields(body) if lit.is_fstring else body):
            return None  # would need a backslash, which 3.11 forbids in the expression
        quotes[index] = new_quote
        edits.append((lit.quote_at, lit.quote_at + len(lit.quote), new_quote))
        edits.append((lit.end - len(lit.quote), lit.end, new_quote))
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def _outside_fields(body: str) -> str:
    """The literal text of an f-string body (replacement fields removed, roughly)."""
    out, depth = [], 0
    for ch in body:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(depth - 1, 0)
        elif depth == 0:
            out.append(ch)
    return "".join(out)
