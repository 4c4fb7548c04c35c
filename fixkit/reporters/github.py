"""`--format github`: the body of GitHub's "create a review for a pull request".

One comment per diagnosis, on the RIGHT side (the pull request's version of the file):

* a fix whose edits touch one existing file within a few lines becomes a
  ```` ```suggestion ```` block holding the exact replacement lines, on `line` (and
  `start_line` when it spans several).  Several hunks close together become one
  suggestion over the lines between them; an insertion anchors on the line before it
  (the first line when it inserts at the top) and repeats that line;
* a fix that cannot be one suggestion (several files, a file created or deleted,
  hunks far apart) is a comment on the diagnosis line holding the diff;
* a diagnosis without edits is a comment that says what to do.

Every body ends with a hidden fingerprint `<!-- fixkit:ID -->` so that a second
`fixkit pr-review` run recognises what it posted before.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from fixkit.model import Diagnosis, FileEdit, Fix, Hunk, Safety, apply_hunks, split_lines
from fixkit.plan import Plan
from fixkit.reporters._common import counts, fenced, fix_diff, path_prefix, short_module

# Beyond this many lines a suggestion stops being reviewable: show the diff instead.
MAX_SUGGESTION_LINES = 40
# A comment body may hold 65536 characters; the diff of a fix gets most of that.
MAX_DIFF_CHARS = 50_000

FINGERPRINT = "<!-- fixkit:{id} -->"
FINGERPRINT_RE = re.compile(r"<!-- fixkit:([A-Za-z0-9_.-]+) -->")


@dataclass(frozen=True)
class Suggestion:
    """Replace lines start..end (1-based, inclusive, RIGHT side) of `path` with `lines`."""

    path: str  # relative to the repository root
    start: int
    end: int
    lines: tuple[str, ...]  # the replacement lines, without line endings


@dataclass(frozen=True)
class ReviewComment:
    diagnosis_id: str
    path: str  # relative to the repository root
    line: int
    start_line: int | None
    body: str
    suggestion: Suggestion | None = None
    # Where the comment goes when the pull request's diff does not show `line`:
    # the same diagnosis as a diff comment on its own line.
    fallback: "ReviewComment | None" = field(default=None, compare=False)

    @property
    def first_line(self) -> int:
        return self.start_line or self.line

    def to_api(self) -> dict[str, Any]:
        comment: dict[str, Any] = {"path": self.path, "line": self.line, "side": "RIGHT", "body": self.body}
        if self.start_line is not None and self.start_line < self.line:
            comment["start_line"] = self.start_line
            comment["start_side"] = "RIGHT"
        return comment


def fingerprint(diagnosis_id: str) -> str:
    return FINGERPRINT.format(id=diagnosis_id)


def fingerprints_in(text: str | None) -> set[str]:
    return set(FINGERPRINT_RE.findall(text or ""))


# --------------------------------------------------------------------------- suggestions


def suggestion_for(plan: Plan, fix: Fix, prefix: str = "") -> Suggestion | None:
    """The one suggestion that makes exactly the fix's change, or None when there is none."""
    if len(fix.edits) != 1:
        return None
    edit = fix.edits[0]
    if edit.delete or edit.creates or not edit.hunks or edit.path not in plan.texts:
        return None
    text = plan.texts[edit.path]
    suggestion = _suggestion(edit, text, prefix)
    # Lines carry no line endings: a change of one (a final newline added or removed,
    # a newline style the file does not have) cannot be a suggestion; the diff shows it.
    if suggestion is None or apply_suggestion(text, suggestion) != apply_hunks(text, edit.hunks):
        return None
    return suggestion


def _suggestion(edit: FileEdit, text: str, prefix: str) -> Suggestion | None:
    lines = split_lines(text)
    hunks = sorted(edit.hunks, key=lambda h: (h.start, h.end))
    first = hunks[0].start
    after_last = max(h.end for h in hunks)  # the old lines covered are [first, after_last)
    if first == after_last:  # only insertions, all at one point: anchor on a neighbour
        if not lines:
            return None
        if first > 1:
            first -= 1  # repeat the line before the insertion
        else:
            after_last += 1  # inserting at the top: repeat the first line
    if after_last - first > MAX_SUGGESTION_LINES:
        return None
    old_segment = "".join(lines[first - 1 : after_last - 1])
    shifted = [Hunk(h.start - first + 1, h.end - first + 1, h.text) for h in hunks]
    new_segment = apply_hunks(old_segment, shifted)
    new_lines = tuple(line.rstrip("\r\n") for line in split_lines(new_segment))
    return Suggestion(prefix + edit.path, first, after_last - 1, new_lines)


def apply_suggestion(text: str, suggestion: Suggestion) -> str:
    """What GitHub's "Commit suggestion" makes of `text` (used by the tests and by `--check`).

    The new lines get the replaced lines' line ending (the file's, when none of them has
    one); the last replaced line keeps its own (a final line without one stays so).
    """
    lines = split_lines(text)
    replaced = lines[suggestion.start - 1 : suggestion.end]
    # the replaced lines' own line ending, else the file's first one
    endings = [line[len(line.rstrip("\r\n")) :] for line in replaced + lines]
    newline = next((e for e in endings if e), "\n")
    last_ending = replaced[-1][len(replaced[-1].rstrip("\r\n")) :] if replaced else newline
    new = [line + newline for line in suggestion.lines]
    if new:
        new[-1] = suggestion.lines[-1] + last_ending
    return "".join(lines[: suggestion.start - 1] + new + lines[suggestion.end :])


def suggestion_block(suggestion: Suggestion) -> str:
    content = "".join(line + "\n" for line in suggestion.lines)
    return fenced(content, "suggestion")


# --------------------------------------------------------------------------- bodies


def _header(d: Diagnosis, prefix: str, comment_path: str) -> list[str]:
    out = [f"**{d.code} {d.kind}**: {d.message}", ""]
    if comment_path != prefix + d.file:
        out += [f"Root cause at `{prefix}{d.file}:{d.line}`.", ""]
    if d.blocks:
        names = ", ".join(f"`{short_module(m)}`" for m in d.blocks)
        out += [f"Blast radius: keeps {len(d.blocks)} entry point{'s' if len(d.blocks) != 1 else ''} from importing: {names}.", ""]
    else:
        out += ["Blast radius: no entry point is blocked by this alone.", ""]
    if d.related:
        out += ["Related: " + ", ".join(f"`{prefix}{r.file}:{r.line}`" + (f" ({r.note})" if r.note else "") for r in d.related), ""]
    return out


def _fix_lines(fix: Fix) -> list[str]:
    how = {Safety.SAFE: "safe", Safety.REVIEW: "needs review", Safety.MANUAL: "manual"}[fix.safety]
    out = [f"**Fix ({how}):** {fix.summary}", ""]
    if fix.distribution:
        out += [f"Distribution: `{fix.distribution}`", ""]
    out += [f"- {note}" for note in fix.notes]
    if fix.notes:
        out.append("")
    return out


def _footer(d: Diagnosis) -> list[str]:
    return [f"<sub>`fixkit explain {d.code}` for details</sub>", fingerprint(d.id)]


def comment_for(plan: Plan, d: Diagnosis, prefix: str = "") -> ReviewComment:
    diff_comment = _diff_comment(plan, d, prefix)
    fix = d.fix
    suggestion = suggestion_for(plan, fix, prefix) if fix is not None and fix.safety is not Safety.MANUAL else None
    if suggestion is None:
        return diff_comment
    body = "\n".join(_header(d, prefix, suggestion.path) + _fix_lines(fix) + [suggestion_block(suggestion)] + _footer(d))
    start = suggestion.start if suggestion.start < suggestion.end else None
    return ReviewComment(d.id, suggestion.path, suggestion.end, start, body, suggestion, fallback=diff_comment)


def _diff_comment(plan: Plan, d: Diagnosis, prefix: str) -> ReviewComment:
    path = prefix + d.file
    lines = _header(d, prefix, path)
    if d.fix is not None:
        lines += _fix_lines(d.fix)
        diff = fix_diff(plan, d.fix, prefix)
        if len(diff) > MAX_DIFF_CHARS:  # GitHub refuses bodies over 65536 characters
            diff = diff[:MAX_DIFF_CHARS].rsplit("\n", 1)[0] + "\n... (cut here: `fixkit plan --format json` has the whole diff)\n"
        if diff:
            files = len(d.fix.edits)
            why = "it changes several files" if files > 1 else "it creates or deletes a file or spans many lines"
            lines += [f"This fix cannot be one suggestion ({why}); `fixkit apply` makes it:", "", fenced(diff, "diff")]
    return ReviewComment(d.id, path, max(d.line, 1), None, "\n".join(lines + _footer(d)))


def review_comments(plan: Plan, *, root: str | None = None) -> list[ReviewComment]:
    prefix = path_prefix(plan, root)
    return [comment_for(plan, d, prefix) for d in plan.diagnoses]


def review_body(plan: Plan, outside: list[ReviewComment] = ()) -> str:
    """The review's own text: the headline, and the comments GitHub cannot place on the diff."""
    out = [f"**fixkit**: {counts(plan).headline()}"]
    if outside:
        out += ["", "Outside the lines this pull request changes:", ""]
        for c in outside:
            first = c.body.split("\n", 1)[0]
            out.append(f"- `{c.path}:{c.line}` {first} {fingerprint(c.diagnosis_id)}")
    return "\n".join(out)


def review_payload(plan: Plan, *, root: str | None = None) -> dict[str, Any]:
    comments = review_comments(plan, root=root)
    return {"body": review_body(plan), "event": "COMMENT", "comments": [c.to_api() for c in comments]}


def render(plan: Plan, *, root: str | None = None) -> str:
    return json.dumps(review_payload(plan, root=root), indent=2, ensure_ascii=False) + "\n"
