"""The plain data every stage passes on: diagnoses, fixes and the edits a fix makes.

Everything here is a frozen dataclass so that a stage can hand its result to the
next one without anybody mutating it on the way (discover → analyse → diagnose →
plan → apply → verify → report).

Edits follow ruff's model: a fix is a set of line-range replacements against the
file as it was when the plan was made (identified by its SHA-256), plus how safe
it is to apply.  Line-range hunks compose when they do not overlap, map directly
onto GitHub suggestion blocks, and let `apply` refuse a file that changed since.
"""

from __future__ import annotations

import difflib
import enum
import hashlib
from dataclasses import dataclass, field
from typing import Iterable, Sequence


class Safety(str, enum.Enum):
    """How much trust applying a fix needs (ruff: safe / unsafe / display-only)."""

    SAFE = "safe"  # applied by `fixkit apply`
    REVIEW = "review"  # applied with `fixkit apply --unsafe`
    MANUAL = "manual"  # never applied: a person must decide; the fix says what

    @property
    def rank(self) -> int:
        return _SAFETY_RANK[self]

    def allows(self, other: "Safety") -> bool:
        """True when a run at this safety level may apply a fix of level `other`."""
        return other.rank <= self.rank and other is not Safety.MANUAL


_SAFETY_RANK = {Safety.SAFE: 0, Safety.REVIEW: 1, Safety.MANUAL: 2}


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_text(text: str, encoding: str = "utf-8") -> str:
    return sha256_bytes(text.encode(encoding, "surrogateescape"))


@dataclass(frozen=True)
class Location:
    file: str  # relative to the project root, with "/"
    line: int  # 1-based
    column: int = 0  # 0-based, like ast
    note: str = ""


@dataclass(frozen=True)
class Hunk:
    """Replace lines [start, end) of the old file (1-based) with `text`.

    `start == end` inserts before line `start`; `text == ""` deletes the lines.
    `text` holds whole lines including their line endings.
    """

    start: int
    end: int
    text: str

    def overlaps(self, other: "Hunk") -> bool:
        """True when the two cannot both be applied to one text unambiguously."""
        if self.start == self.end and other.start == other.end:
            # Two insertions at one point compose: both are kept, in the order the
            # fixes come (a requirement line per missing package, say).
            return False
        if self.start == self.end:
            return other.start < self.start < other.end
        if other.start == other.end:
            return self.start < other.start < self.end
        return max(self.start, other.start) < min(self.end, other.end)


@dataclass(frozen=True)
class FileEdit:
    """All changes a fix makes to one file.

    `old_sha256` is the hash of the file's bytes when the plan was made, or None
    when the fix creates the file.  `delete` removes the file.
    """

    path: str
    old_sha256: str | None
    hunks: tuple[Hunk, ...] = ()
    delete: bool = False

    @property
    def creates(self) -> bool:
        return self.old_sha256 is None


@dataclass(frozen=True)
class Fix:
    """How to make a diagnosis go away (ruff's `Fix`: edits + applicability)."""

    summary: str
    safety: Safety
    edits: tuple[FileEdit, ...] = ()
    # A distribution to declare and, with `apply --install`, install, as a PEP 508
    # requirement string such as "dagger-io>=0.9".
    distribution: str | None = None
    # Extra lines a person should read: candidates, reasons, what a deleted copy had.
    notes: tuple[str, ...] = ()
    # Every requirement the fix declares, when one root cause needs several
    # distributions (`opentelemetry.exporter.prometheus` and `opentelemetry.sdk`);
    # `distribution` is the first of them.
    more_requirements: tuple[str, ...] = ()

    @property
    def requirements(self) -> tuple[str, ...]:
        """All requirements `apply --install` installs for this fix."""
        return ((self.distribution,) if self.distribution else ()) + self.more_requirements

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(edit.path for edit in self.edits)


@dataclass(frozen=True)
class Diagnosis:
    code: str  # e.g. "FK301"
    kind: str  # e.g. "duplicate-model" (see fixkit.rules.KINDS)
    message: str
    file: str
    line: int
    column: int = 0
    module: str | None = None  # the module the diagnosis is about
    symbol: str | None = None  # the name (import, class, parameter) it is about
    related: tuple[Location, ...] = ()
    blocks: tuple[str, ...] = ()  # entry-point modules it keeps from importing
    fix: Fix | None = None
    # Facts a fixer needs that the message does not carry (e.g. the imported names).
    data: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    @property
    def id(self) -> str:
        """Stable across runs while the code does not move: code, place and subject."""
        key = f"{self.code}:{self.file}:{self.line}:{self.symbol or ''}"
        return f"{self.code}-{hashlib.sha1(key.encode()).hexdigest()[:8]}"

    def datum(self, key: str, default: str | None = None) -> str | None:
        for k, v in self.data:
            if k == key:
                return v
        return default


# --------------------------------------------------------------------------- edits


def split_lines(text: str) -> list[str]:
    """Split keeping line endings, treating only \\n, \\r\\n and \\r as breaks (unlike
    str.splitlines, which also breaks on form feeds and other characters Python
    source may contain inside strings)."""
    lines: list[str] = []
    start = 0
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\n":
            lines.append(text[start : i + 1])
            start = i + 1
        elif ch == "\r":
            if i + 1 < n and text[i + 1] == "\n":
                i += 1
            lines.append(text[start : i + 1])
            start = i + 1
        i += 1
    if start < n:
        lines.append(text[start:])
    return lines


def hunks_between(old_text: str, new_text: str) -> tuple[Hunk, ...]:
    """The smallest line hunks that turn `old_text` into `new_text`."""
    old_lines = split_lines(old_text)
    new_lines = split_lines(new_text)
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    hunks = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        hunks.append(Hunk(i1 + 1, i2 + 1, "".join(new_lines[j1:j2])))
    return tuple(hunks)


def edit_between(path: str, old_text: str | None, new_text: str | None, *, old_bytes: bytes | None = None) -> FileEdit:
    """A FileEdit from two whole texts. `old_text=None` creates, `new_text=None` deletes."""
    if old_text is None:
        return FileEdit(path, None, (Hunk(1, 1, new_text or ""),))
    digest = sha256_bytes(old_bytes) if old_bytes is not None else sha256_text(old_text)
    if new_text is None:
        return FileEdit(path, digest, (), delete=True)
    return FileEdit(path, digest, hunks_between(old_text, new_text))


def apply_hunks(old_text: str, hunks: Iterable[Hunk]) -> str:
    """Apply non-overlapping hunks (all against `old_text`)."""
    lines = split_lines(old_text)
    ordered = sorted(hunks, key=lambda h: (h.start, h.end))
    for a, b in zip(ordered, ordered[1:]):
        if a.overlaps(b):
            raise ValueError(f"overlapping hunks at lines {a.start}-{a.end} and {b.start}-{b.end}")
    out: list[str] = []
    cursor = 1
    for hunk in ordered:
        if hunk.start < cursor or hunk.end > len(lines) + 1:
            raise ValueError(f"hunk {hunk.start}-{hunk.end} is outside the file")
        out.extend(lines[cursor - 1 : hunk.start - 1])
        out.append(hunk.text)
        cursor = hunk.end
    out.extend(lines[cursor - 1 :])
    return "".join(out)


def edits_conflict(a: FileEdit, b: FileEdit) -> bool:
    """True when two edits of one file cannot be applied together."""
    if a.path != b.path:
        return False
    if a.delete or b.delete or a.creates or b.creates or a.old_sha256 != b.old_sha256:
        return True
    return any(x.overlaps(y) for x in a.hunks for y in b.hunks)


def merge_edits(edits: Sequence[FileEdit]) -> FileEdit:
    """Combine non-conflicting edits of one file into one (raises ValueError otherwise)."""
    first = edits[0]
    for i, a in enumerate(edits):
        for b in edits[i + 1 :]:
            if edits_conflict(a, b):
                raise ValueError(f"conflicting edits of {a.path}")
    if len(edits) == 1:
        return first
    hunks = tuple(sorted((h for e in edits for h in e.hunks), key=lambda h: (h.start, h.end)))
    return FileEdit(first.path, first.old_sha256, hunks)


def unified_diff(edit: FileEdit, old_text: str | None, context: int = 3) -> str:
    """A `diff -u` style text of one edit (`a/` and `b/` prefixes, like git)."""
    old_lines = split_lines(old_text or "")
    if edit.delete:
        new_lines: list[str] = []
    elif edit.creates:
        new_lines = split_lines("".join(h.text for h in edit.hunks))
    else:
        new_lines = split_lines(apply_hunks(old_text or "", edit.hunks))
    fromfile = "/dev/null" if edit.creates else f"a/{edit.path}"
    tofile = "/dev/null" if edit.delete else f"b/{edit.path}"
    out = []
    for line in difflib.unified_diff(old_lines, new_lines, fromfile, tofile, n=context):
        out.append(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n")
    return "".join(out)
