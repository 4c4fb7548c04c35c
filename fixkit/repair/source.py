"""Offsets, positions and comma-separated lists in source text that may not parse.

`SeparatedList` is how every repair reorders, inserts or removes the elements of a
parameter or argument list without touching anything else: each element keeps its
code, its same-line comment and the comment lines above it; each slot (position in
the list) keeps its comma, line break and indentation.  Moving whole elements between
fixed slots keeps a one-per-line layout one-per-line and a one-line layout one line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fixkit.model import split_lines
from fixkit.textio import newline_of


class NotMechanical(Exception):
    """The text around an error is not in a shape a repair can change safely."""


class Source:
    """A text with (line, column) <-> offset conversions; columns count characters."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = split_lines(text)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))

    def offset(self, line: int, column: int) -> int:
        if line - 1 >= len(self.starts):
            return len(self.text)
        return min(self.starts[line - 1] + column, len(self.text))

    def position(self, offset: int) -> tuple[int, int]:
        """(1-based line, 0-based column) of an offset."""
        lo, hi = 0, len(self.starts) - 1
        while lo < hi:  # the last start <= offset
            mid = (lo + hi + 1) // 2
            if self.starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1, offset - self.starts[lo]

    def line_text(self, line: int) -> str:
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""

    def byte_column_to_char(self, line: int, byte_column: int) -> int:
        """ast counts columns in UTF-8 bytes; parso and our offsets count characters."""
        raw = self.line_text(line).encode("utf-8", "surrogateescape")[:byte_column]
        return len(raw.decode("utf-8", "surrogateescape"))

    def node_offset(self, line: int, byte_column: int) -> int:
        return self.offset(line, self.byte_column_to_char(line, byte_column))


def replace_span(text: str, start: int, end: int, new: str) -> str:
    return text[:start] + new + text[end:]


# After an element: the comma (maybe after spaces), an optional comment on the same
# line, and then whatever whitespace and comment lines lead to the next element.
_SEPARATOR = re.compile(r"(\s*,)([ \t]*#[^\r\n]*)?(.*)", re.S)
_TAIL = re.compile(r"([ \t]*,)?([ \t]*#[^\r\n]*)?")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass
class Element:
    code: str
    comment: str = ""  # "  # note" after the element's comma on its line
    block: str = ""  # whole comment lines above the element (with their breaks)


@dataclass
class Slot:
    comma: str  # "," (or "" for the last slot without a trailing comma)
    line_break: str  # the break after the comma/comment, "" on one-line lists
    indent: str  # what precedes the element at this slot (after the previous break)


class SeparatedList:
    """Elements of a bracketed, comma-separated list given by their code spans."""

    def __init__(self, text: str, spans: list[tuple[int, int]]) -> None:
        if not spans:
            raise NotMechanical("empty list")
        self.text = text
        self.newline = newline_of(text)
        self.start = spans[0][0]
        self.elements = [Element(text[s:e]) for s, e in spans]
        self.slots: list[Slot] = []
        for i in range(len(spans) - 1):
            separator = text[spans[i][1] : spans[i + 1][0]]
            m = _SEPARATOR.fullmatch(separator)
            if m is None or "\\" in separator:
                raise NotMechanical("an element separator is not a plain comma")
            comma, comment, rest = m.group(1), m.group(2) or "", m.group(3)
            self.elements[i].comment = comment
            line_break, lead = _split_first_break(rest)
            block, indent = _split_last_break(lead)
            if i + 1 < len(spans):
                self.elements[i + 1].block = block
            self.slots.append(Slot(comma, line_break, indent))
        tail = _TAIL.match(text, spans[-1][1])
        assert tail is not None  # both groups are optional
        self.elements[-1].comment = tail.group(2) or ""
        self.slots.append(Slot(tail.group(1) or "", "", ""))
        self.end = tail.end()
        # Slot i's indent is what precedes element i: shift the indents by one so
        # that slot 0's (outside the region) is empty.
        indents = [""] + [s.indent for s in self.slots[:-1]]
        for slot, indent in zip(self.slots, indents):
            slot.indent = indent
        line_start = text.rfind("\n", 0, self.start) + 1
        line_start = max(line_start, text.rfind("\r", 0, self.start) + 1)
        before = text[line_start : self.start]
        self.first_indent = before if before.strip() == "" else None

    def render(self, elements: list[Element], slots: list[Slot] | None = None) -> str:
        """The whole text with the list region replaced by `elements` in `slots`."""
        slots = self.slots if slots is None else slots
        if len(elements) != len(slots):
            raise ValueError("one element per slot")
        out: list[str] = []
        after_region = self.text[self.end :]
        for j, (element, slot) in enumerate(zip(elements, slots)):
            if j == 0:
                if element.block:
                    out.append(element.block.lstrip(" \t") + (self.first_indent or ""))
            else:
                out.append(element.block + slot.indent)
            out.append(element.code)
            out.append(slot.comma)
            out.append(element.comment)
            line_break = slot.line_break
            last = j == len(slots) - 1
            if element.comment and not line_break:
                # A comment runs to the end of its line: never let it swallow the
                # element or bracket that used to follow it on another line.
                if not last or not _starts_with_break(after_region):
                    line_break = self.newline
            out.append(line_break)
        return self.text[: self.start] + "".join(out) + self.text[self.end :]

    def new_slot(self, at: int) -> Slot:
        """A slot to insert before position `at`, shaped like its neighbours."""
        left = self.slots[max(at - 1, 0)]
        here = self.slots[min(at, len(self.slots) - 1)]
        return Slot(",", left.line_break if at > 0 else here.line_break, here.indent if at > 0 else " ")


def _split_first_break(rest: str) -> tuple[str, str]:
    m = _LINE_BREAK.search(rest)
    if m is None:
        return "", rest
    return rest[: m.end()], rest[m.end() :]


def _split_last_break(lead: str) -> tuple[str, str]:
    last = None
    for m in _LINE_BREAK.finditer(lead):
        last = m
    if last is None:
        return "", lead
    return lead[: last.end()], lead[last.end() :]


def _starts_with_break(text: str) -> bool:
    stripped = text.lstrip(" \t")
    return stripped.startswith(("\n", "\r"))
