"""The catalogue of mechanical syntax repairs: one entry per FK4xx code.

Each entry says which errors it claims (`matches`) and how to repair one
(`repair`), given the text and the error as the target Python reports it.  A repair
changes as little text as it can and returns a `Step`; the loop in
`fixkit.repair.repair_source` re-parses after every step and keeps nothing that
does not end in a file that parses.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass
from typing import Callable

import parso

from fixkit.facts import SyntaxErrorFact
from fixkit.model import Safety
from fixkit.repair import fstrings
from fixkit.repair.check import syntax_error_of
from fixkit.repair.params import (
    ParameterRepair,
    Policy,
    _python_version,
    default_policy,
    is_parameter_order_message,
    repair_parameter_order,
)
from fixkit.repair.source import NotMechanical, SeparatedList, Source


@dataclass(frozen=True)
class Step:
    """One repair of one error."""

    code: str
    line: int  # where the error was (in the text this step started from)
    text: str  # the whole text after the repair
    safety: Safety
    description: str
    notes: tuple[str, ...] = ()
    parameters: ParameterRepair | None = None  # FK401 only: what the call sites need


@dataclass(frozen=True)
class Entry:
    code: str
    name: str  # short slug, for docs and messages
    matches: Callable[[SyntaxErrorFact, str, tuple[int, int]], bool]
    repair: Callable[[str, SyntaxErrorFact, tuple[int, int], Policy], "Step | None"]
    # True when the message alone identifies the problem: the entry claims the error
    # even when it cannot repair it (its rule then explains what a person must decide).
    # Otherwise it claims only the errors it can repair, and the rest go to FK499.
    specific: bool = True


# --------------------------------------------------------------------------- helpers


def _still_there(new_text: str, err: SyntaxErrorFact, target: tuple[int, int]) -> bool:
    """True when the new text fails at the same place with the same message."""
    new = syntax_error_of(new_text, target)
    return new is not None and (new.line, new.column, new.message) == (err.line, err.column, err.message)


def _progress(new_text: str, err: SyntaxErrorFact, target: tuple[int, int]) -> bool:
    """True when the error is gone and any next error starts after its start."""
    new = syntax_error_of(new_text, target)
    if new is None:
        return True
    return (new.line, new.column) > (err.line, err.column) and new.message != err.message or (new.line > err.line)


def _call_arglist(text: str, err: SyntaxErrorFact, target: tuple[int, int]):
    """The parso arglist of the call holding the error position, or None."""
    module = parso.parse(text, version=_python_version(target))
    from fixkit.repair.params import leaf_at

    node = leaf_at(module, err.line, err.column)
    while node is not None:
        if node.type == "arglist" and node.parent is not None and node.parent.type == "trailer":
            return node
        if node.type in ("classdef", "funcdef", "file_input", "simple_stmt"):
            return None
        node = node.parent
    return None


def _call_arguments(text: str, err: SyntaxErrorFact, target: tuple[int, int]):
    """The arguments (node, start, end) of the call holding the error and their separated
    list, or None when there is no such call or its commas cannot be edited mechanically."""
    arglist = _call_arglist(text, err, target)
    if arglist is None:
        return None
    try:
        args = _arguments(arglist, Source(text))
        return args, SeparatedList(text, [(s, e) for _, s, e in args])
    except NotMechanical:
        return None


def _arguments(arglist, source: Source) -> list[tuple[object, int, int]]:
    return [
        (child, source.offset(*child.start_pos), source.offset(*child.end_pos))
        for child in arglist.children
        if not (child.type == "operator" and child.value == ",")
    ]


def _argument_kind(node) -> str:
    if node.type == "argument":
        first = node.children[0]
        if first.type == "operator" and first.value == "*":
            return "star"
        if first.type == "operator" and first.value == "**":
            return "double-star"
        if len(node.children) >= 2 and node.children[1].type == "operator" and node.children[1].value == "=":
            return "keyword"
    return "positional"


def _tokens_until(text: str, last_line: int) -> list[tokenize.TokenInfo]:
    tokens: list[tokenize.TokenInfo] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.start[0] > last_line:
                break
            tokens.append(tok)
    except (tokenize.TokenError, SyntaxError, IndentationError):
        pass
    return tokens


_SKIP = (tokenize.NL, tokenize.COMMENT, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT)


# --------------------------------------------------------------------------- FK401


def _repair_parameter_order(text: str, err: SyntaxErrorFact, target: tuple[int, int], policy: Policy) -> Step | None:
    try:
        result = repair_parameter_order(text, err.line, err.column, target=target, policy=policy)
    except NotMechanical:
        return None
    if result is None or _still_there(result.text, err, target):
        return None
    safety = Safety.SAFE if result.mode == "keyword-only" and result.signature.is_route else Safety.REVIEW
    return Step("FK401", err.line, result.text, safety, result.description, parameters=result)


def _is_parameter_order(err: SyntaxErrorFact, text: str, target: tuple[int, int]) -> bool:
    if is_parameter_order_message(err.message):
        return True
    # After a `/` the parser only says "invalid syntax" (3.10-3.13): look at the signature.
    if err.message != "invalid syntax":
        return False
    try:
        return repair_parameter_order(text, err.line, err.column, target=target) is not None
    except NotMechanical:
        return False


# --------------------------------------------------------------------------- FK402


def _repair_positional_after_keyword(text: str, err: SyntaxErrorFact, target: tuple[int, int], policy: Policy) -> Step | None:
    found = _call_arguments(text, err, target)
    if found is None:
        return None
    args, seplist = found
    kinds = [_argument_kind(node) for node, _, _ in args]
    first = [i for i, k in enumerate(kinds) if k in ("positional", "star")]
    rest = [i for i, k in enumerate(kinds) if k not in ("positional", "star")]
    order = first + rest
    if order == list(range(len(args))):
        return None
    new_text = seplist.render([seplist.elements[i] for i in order])
    if _still_there(new_text, err, target):
        return None
    moved = [seplist.elements[i].code for i in first if any(r < i for r in rest)]
    return Step(
        "FK402",
        err.line,
        new_text,
        Safety.REVIEW,
        f"move the positional argument{'s' if len(moved) > 1 else ''} {', '.join(moved)} before the keyword arguments",
        notes=(
            "The arguments now bind by position in the order written; check that this is the parameter the author meant.",
            "Moved arguments are evaluated before the keyword arguments now.",
        ),
    )


# --------------------------------------------------------------------------- FK403


_REPEATED = re.compile(r"keyword argument repeated(?::\s*(\w+))?")


def _repair_repeated_keyword(text: str, err: SyntaxErrorFact, target: tuple[int, int], policy: Policy) -> Step | None:
    found = _call_arguments(text, err, target)
    if found is None:
        return None
    args, seplist = found
    by_name: dict[str, list[int]] = {}
    for i, (node, _, _) in enumerate(args):
        if _argument_kind(node) == "keyword":
            by_name.setdefault(node.children[0].value, []).append(i)
    m = _REPEATED.search(err.message)
    wanted = m.group(1) if m and m.group(1) else None
    drop: list[int] = []
    for name, indices in by_name.items():
        if len(indices) < 2 or (wanted and name != wanted):
            continue
        values = {_normalised(args[i][0].children[2].get_code(include_prefix=False)) for i in indices}
        if len(values) != 1:
            return None  # different values: which one is meant is a person's decision
        drop.extend(indices[1:])
    if not drop:
        return None
    keep = [i for i in range(len(args)) if i not in drop]
    slots = [seplist.slots[j] for j in range(len(keep))]
    slots[-1] = seplist.slots[-1]
    new_text = seplist.render([seplist.elements[i] for i in keep], slots)
    if _still_there(new_text, err, target):
        return None
    removed = ", ".join(seplist.elements[i].code for i in drop)
    return Step("FK403", err.line, new_text, Safety.SAFE, f"remove the repeated keyword argument {removed} (same value)")


def _normalised(code: str) -> str:
    return re.sub(r"\s+", "", code)


def repeated_keyword_values(text: str, err: SyntaxErrorFact, target: tuple[int, int]) -> list[str]:
    """For a manual diagnosis: each `name=value` of the repeated keyword."""
    arglist = _call_arglist(text, err, target)
    if arglist is None:
        return []
    m = _REPEATED.search(err.message)
    wanted = m.group(1) if m and m.group(1) else None
    out = []
    for node in arglist.children:
        if _argument_kind(node) == "keyword" and (wanted is None or node.children[0].value == wanted):
            out.append(node.get_code(include_prefix=False))
    return out


# --------------------------------------------------------------------------- FK404


_DUPLICATE_PARAMETER = re.compile(r"duplicate argument '(\w+)' in function definition")


def _repair_duplicate_parameter(text: str, err: SyntaxErrorFact, target: tuple[int, int], policy: Policy) -> Step | None:
    m = _DUPLICATE_PARAMETER.search(err.message)
    if m is None:
        return None
    name = m.group(1)
    from fixkit.repair.params import _items, find_signature_node

    module = parso.parse(text, version=_python_version(target))
    node = find_signature_node(module, err.line, err.column)
    if node is None:
        return None
    source = Source(text)
    try:
        items = _items(node, source)
        seplist = SeparatedList(text, [(it.start, it.end) for it in items])
    except NotMechanical:
        return None
    same = [i for i, it in enumerate(items) if it.name == name]
    if len(same) < 2 or len({_normalised(seplist.elements[i].code) for i in same}) != 1:
        return None
    drop = same[1:]
    keep = [i for i in range(len(items)) if i not in drop]
    slots = [seplist.slots[j] for j in range(len(keep))]
    slots[-1] = seplist.slots[-1]
    new_text = seplist.render([seplist.elements[i] for i in keep], slots)
    if _still_there(new_text, err, target):
        return None
    return Step(
        "FK404",
        err.line,
        new_text,
        Safety.REVIEW,
        f"remove the repeated parameter {seplist.elements[same[1]].code}",
        notes=("The function takes one argument fewer: a caller that passed every argument by position must drop one.",),
    )


# --------------------------------------------------------------------------- FK405


def _is_fstring_reuse(err: SyntaxErrorFact, text: str, target: tuple[int, int]) -> bool:
    if tuple(target[:2]) >= (3, 12) or not err.message.startswith("f-string"):
        return False
    return bool(fstrings.quote_reuse(text, err.line))


def _repair_fstring(text: str, err: SyntaxErrorFact, target: tuple[int, int], policy: Policy) -> Step | None:
    new_text = fstrings.swap_reused_quotes(text, err.line)
    if new_text is None or _still_there(new_text, err, target):
        return None
    after = syntax_error_of(new_text, target)
    if after is not None and after.line == err.line and after.message.startswith("f-string"):
        return None
    return Step(
        "FK405",
        err.line,
        new_text,
        Safety.SAFE,
        "use the other quote character for the strings nested in an f-string (PEP 701 syntax needs Python 3.12)",
    )


# --------------------------------------------------------------------------- FK406


_EXPRESSION_END = (tokenize.NAME, tokenize.NUMBER, tokenize.STRING)


def _repair_missing_comma(text: str, err: SyntaxErrorFact, target: tuple[int, int], policy: Policy) -> Step | None:
    end_line = err.end_line or err.line
    end_column = err.end_column if err.end_column is not None else 10**9
    tokens = [
        t
        for t in _tokens_until(text, end_line)
        if t.type not in _SKIP
        and (err.line, err.column) <= t.start
        # by start, not end: CPython converts a multi-line error's end column with the
        # first line's text, so it is off when that line has non-ASCII characters
        and t.start < (end_line, end_column)
    ]
    source = Source(text)
    accepted: list[tuple[bool, str, tokenize.TokenInfo, tokenize.TokenInfo]] = []
    for left, right in zip(tokens, tokens[1:]):
        if left.type == tokenize.OP and left.string not in (")", "]", "}"):
            continue
        at = source.offset(*left.end)
        candidate = text[:at] + "," + text[at:]
        if _progress(candidate, err, target):
            accepted.append((right.start[0] > left.end[0], candidate, left, right))
    if not accepted:
        return None
    across_lines = [a for a in accepted if a[0]]
    chosen = across_lines[0] if across_lines else accepted[0]
    line_break, new_text, left, right = chosen
    unique = len(accepted) == 1
    safety = Safety.SAFE if (unique and line_break) else Safety.REVIEW
    notes: tuple[str, ...] = ()
    if safety is Safety.REVIEW:
        notes = (
            "The two expressions are on one line or a comma fits in more than one place: "
            "an operator or a dot may have been meant instead.",
        )
    return Step(
        "FK406",
        left.end[0],
        new_text,
        safety,
        f"insert the missing comma after {left.string!r} (line {left.end[0]}) before {right.string!r}",
        notes=notes,
    )


# --------------------------------------------------------------------------- FK407


_FENCE = re.compile(r"^[ \t]*(```|~~~)[\w+.-]*[ \t]*$")


def _is_fence(err: SyntaxErrorFact, text: str, target: tuple[int, int]) -> bool:
    line = Source(text).line_text(err.line).rstrip("\r\n")
    return err.message.startswith("invalid syntax") and bool(_FENCE.match(line))


def _repair_fence(text: str, err: SyntaxErrorFact, target: tuple[int, int], policy: Policy) -> Step | None:
    source = Source(text)
    if not _FENCE.match(source.line_text(err.line).rstrip("\r\n")):
        return None
    new_text = "".join(line for n, line in enumerate(source.lines, 1) if n != err.line)
    if _still_there(new_text, err, target):
        return None
    fence = source.line_text(err.line).strip()
    return Step("FK407", err.line, new_text, Safety.SAFE, f"delete the markdown code fence {fence!r} on line {err.line}")


# --------------------------------------------------------------------------- FK408


def _repair_print(text: str, err: SyntaxErrorFact, target: tuple[int, int], policy: Policy) -> Step | None:
    source = Source(text)
    start = source.offset(err.line, err.column)
    if err.end_line is None or err.end_column is None:
        return None
    end = source.offset(err.end_line, err.end_column)
    statement = text[start:end]
    m = re.match(r"print(\s+)(.*)$", statement, re.S)
    if m is None:
        return None
    args = m.group(2).rstrip()
    trailing = statement[len("print") + len(m.group(1)) + len(args) :]
    if args.startswith(">>"):
        return None  # `print >>stream, x`: which stream call is meant is a decision
    safety = Safety.SAFE
    notes: tuple[str, ...] = ()
    if args.endswith(","):
        args = args[:-1].rstrip() + ', end=" "'
        safety = Safety.REVIEW
        notes = ("A trailing comma suppressed the newline in Python 2; `end=\" \"` is the closest Python 3 call.",)
    new_text = text[:start] + f"print({args})" + trailing + text[end:]
    if _still_there(new_text, err, target):
        return None
    after = syntax_error_of(new_text, target)
    if after is not None and after.line == err.line:
        return None
    return Step("FK408", err.line, new_text, safety, "turn the Python 2 print statement into a call", notes=notes)


# --------------------------------------------------------------------------- FK409


_COMPOUND = re.compile(r"^[ \t]*(async[ \t]+)?(def|class|if|elif|else|for|while|try|except|finally|with|match|case)\b")
_ELSE_IF = re.compile(r"^([ \t]*)else[ \t]+if\b")


def _repair_missing_colon(text: str, err: SyntaxErrorFact, target: tuple[int, int], policy: Policy) -> Step | None:
    source = Source(text)
    line = source.line_text(err.line)
    m = _ELSE_IF.match(line)
    if m is not None:
        start = source.offset(err.line, 0)
        new_line = _ELSE_IF.sub(lambda mm: mm.group(1) + "elif", line, count=1)
        new_text = text[:start] + new_line + text[start + len(line) :]
        if _still_there(new_text, err, target):
            return None
        return Step("FK409", err.line, new_text, Safety.SAFE, "replace `else if` with `elif`")
    rest = line[err.column :].rstrip("\r\n")
    if rest.strip() and not rest.strip().startswith("#"):
        return None
    at = source.offset(err.line, len(line[: err.column].rstrip()))
    new_text = text[:at] + ":" + text[at:]
    if not _progress(new_text, err, target):
        return None
    after = syntax_error_of(new_text, target)
    if after is not None and after.line == err.line:
        return None
    safety = Safety.SAFE if _COMPOUND.match(line) else Safety.REVIEW
    return Step("FK409", err.line, new_text, safety, f"add the missing ':' at the end of line {err.line}")


# --------------------------------------------------------------------------- FK410


_EXCEPTION_CLASS = re.compile(r"^[\w.]*(Error|Exception|Warning|Exit|Interrupt|Iteration)$")


def _repair_except_comma(text: str, err: SyntaxErrorFact, target: tuple[int, int], policy: Policy) -> Step | None:
    if err.end_line != err.line or err.end_column is None:
        return None
    source = Source(text)
    start = source.offset(err.line, err.column)
    end = source.offset(err.end_line, err.end_column)
    clause = text[start:end]
    parts = [p.strip() for p in clause.split(",")]
    if len(parts) < 2 or any(not re.fullmatch(r"[\w.]+", p) for p in parts):
        return None
    if len(parts) == 2 and parts[1].isidentifier() and not _EXCEPTION_CLASS.match(parts[1]):
        replacement = f"{parts[0]} as {parts[1]}"
        description = f"write the Python 2 `except {clause}` as `except {replacement}`"
    else:
        replacement = f"({', '.join(parts)})"
        description = f"parenthesise the exception types: `except {replacement}`"
    new_text = text[:start] + replacement + text[end:]
    if _still_there(new_text, err, target):
        return None
    return Step(
        "FK410",
        err.line,
        new_text,
        Safety.REVIEW,
        description,
        notes=("`except A, b:` is Python 2 for `except A as b:`; if both are exception classes they need parentheses.",),
    )


# --------------------------------------------------------------------------- FK411


def _repair_assignment_in_condition(text: str, err: SyntaxErrorFact, target: tuple[int, int], policy: Policy) -> Step | None:
    end_line = err.end_line or err.line
    end = (end_line, err.end_column if err.end_column is not None else 10**9)
    depth = 0
    candidates = []
    for tok in _tokens_until(text, end_line):
        if tok.start < (err.line, err.column) or tok.end > end:
            continue
        if tok.type == tokenize.OP and tok.string in "([{":
            depth += 1
        elif tok.type == tokenize.OP and tok.string in ")]}":
            depth -= 1
        elif tok.type == tokenize.OP and tok.string == "=" and depth == 0:
            candidates.append(tok)
    if len(candidates) != 1:
        return None
    source = Source(text)
    at = source.offset(*candidates[0].start)
    new_text = text[:at] + "==" + text[at + 1 :]
    if _still_there(new_text, err, target):
        return None
    return Step(
        "FK411",
        err.line,
        new_text,
        Safety.REVIEW,
        "compare with `==` where the condition has an assignment `=`",
        notes=("If the value was meant to be kept, use `:=` instead.",),
    )


# --------------------------------------------------------------------------- FK412


_INVALID_CHARACTER = re.compile(r"invalid (?:non-printable )?character (?:'.' )?\(?U\+([0-9A-Fa-f]{4,6})\)?")
_DOUBLE_QUOTES = {"\u201c": "\u201d", "\u201e": "\u201d", "\u201f": "\u201d", "\u201d": "\u201d", "\u2033": "\u2033"}
_SINGLE_QUOTES = {"\u2018": "\u2019", "\u201a": "\u2019", "\u201b": "\u2019", "\u2019": "\u2019", "\u2032": "\u2032"}
_SPACES = set("\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000")
_INVISIBLE = set("\u200b\u200c\u200d\u2060\ufeff")
_DASHES = set("\u2010\u2011\u2012\u2013\u2014\u2212")


def _is_typographic(err: SyntaxErrorFact, text: str, target: tuple[int, int]) -> bool:
    m = _INVALID_CHARACTER.search(err.message)
    if m is None:
        return False
    char = chr(int(m.group(1), 16))
    return char in _DOUBLE_QUOTES or char in _SINGLE_QUOTES or char in _SPACES or char in _INVISIBLE or char in _DASHES


def _repair_typographic(text: str, err: SyntaxErrorFact, target: tuple[int, int], policy: Policy) -> Step | None:
    m = _INVALID_CHARACTER.search(err.message)
    if m is None:
        return None
    char = chr(int(m.group(1), 16))
    source = Source(text)
    at = source.offset(err.line, err.column)
    if text[at : at + 1] != char:
        # 3.10 points one column past some characters: look on the line from the column.
        line_start = source.offset(err.line, 0)
        found = text.find(char, line_start, line_start + len(source.line_text(err.line)))
        if found < 0:
            return None
        at = found
    safety = Safety.SAFE
    notes: tuple[str, ...] = ()
    if char in _DOUBLE_QUOTES or char in _SINGLE_QUOTES:
        straight = '"' if char in _DOUBLE_QUOTES else "'"
        closing = (_DOUBLE_QUOTES if straight == '"' else _SINGLE_QUOTES)[char]
        line_end = source.offset(err.line, 0) + len(source.line_text(err.line))
        close = text.find(closing, at + 1, line_end)
        if close < 0:
            return None
        body = text[at + 1 : close]
        if straight in body or "\\" in body:
            return None
        new_text = text[:at] + straight + body + straight + text[close + 1 :]
        description = f"replace the typographic quotes {char}...{closing} with {straight}"
    elif char in _SPACES or char in _INVISIBLE:
        run = at
        while run < len(text) and text[run] == char:  # a whole run at once: an indentation of four
            run += 1
        replacement = " " * (run - at) if char in _SPACES else ""
        new_text = text[:at] + replacement + text[run:]
        what = "non-breaking space" if char in _SPACES else "invisible character"
        description = f"{'replace' if replacement else 'delete'} the {what} U+{ord(char):04X}" + (
            f" (x{run - at})" if run - at > 1 else ""
        ) + (" with a space" if replacement else "")
    else:
        new_text = text[:at] + "-" + text[at + 1 :]
        description = f"replace the dash {char} (U+{ord(char):04X}) with a minus sign"
        safety = Safety.REVIEW
        notes = ("A dash outside a string is most likely a minus that a word processor or chat turned typographic.",)
    if _still_there(new_text, err, target):
        return None
    return Step("FK412", err.line, new_text, safety, description, notes=notes)


# --------------------------------------------------------------------------- FK413


def _lines_inside_strings(text: str) -> set[int] | None:
    """Lines that start inside a multi-line string (their leading whitespace is data)."""
    inside: set[int] = set()
    middle = getattr(tokenize, "FSTRING_MIDDLE", None)
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type in (tokenize.STRING, middle) and tok.end[0] > tok.start[0]:
                inside.update(range(tok.start[0] + 1, tok.end[0] + 1))
    except (tokenize.TokenError, SyntaxError):
        return None
    return inside


def _expand_indentation(text: str, width: int, skip: set[int]) -> str:
    out = []
    for number, line in enumerate(Source(text).lines, 1):
        stripped = line.lstrip(" \t")
        indent = line[: len(line) - len(stripped)]
        if number in skip or "\t" not in indent:
            out.append(line)
            continue
        column = 0
        for ch in indent:
            column = (column // width + 1) * width if ch == "\t" else column + 1
        out.append(" " * column + stripped)
    return "".join(out)


def _repair_tabs(text: str, err: SyntaxErrorFact, target: tuple[int, int], policy: Policy) -> Step | None:
    skip = _lines_inside_strings(text)
    if skip is None:
        return None
    results = {}
    for width in (8, 4):
        candidate = _expand_indentation(text, width, skip)
        after = syntax_error_of(candidate, target)
        if after is None or not after.message.startswith(("inconsistent use of tabs", "unindent does not match", "unexpected indent", "expected an indented block")):
            results[width] = candidate
    if not results:
        return None
    if len(results) == 2:
        try:
            same = ast.dump(ast.parse(results[8])) == ast.dump(ast.parse(results[4]))
        except SyntaxError:
            same = results[8] == results[4]
        if not same:
            return None  # the block structure depends on the tab width: a person decides
        return Step(
            "FK413", err.line, results[8], Safety.SAFE,
            "indent with spaces only (the code means the same with tabs 8 or 4 columns wide)",
        )
    (width, new_text), = results.items()
    return Step(
        "FK413",
        err.line,
        new_text,
        Safety.REVIEW,
        f"indent with spaces only, reading tabs as {width} columns (the only width that gives valid code)",
        notes=("Check the blocks: the author's editor decided what each tab meant.",),
    )


# --------------------------------------------------------------------------- the table


def _message(prefix: str) -> Callable[[SyntaxErrorFact, str, tuple[int, int]], bool]:
    return lambda err, text, target: err.message.startswith(prefix)


ENTRIES: tuple[Entry, ...] = (
    Entry("FK401", "parameter-order", _is_parameter_order, _repair_parameter_order),
    Entry("FK402", "positional-after-keyword", _message("positional argument follows keyword argument"), _repair_positional_after_keyword),
    Entry("FK403", "repeated-keyword", _message("keyword argument repeated"), _repair_repeated_keyword),
    Entry("FK404", "duplicate-parameter", lambda e, t, v: bool(_DUPLICATE_PARAMETER.search(e.message)), _repair_duplicate_parameter),
    Entry("FK405", "fstring-quote-reuse", _is_fstring_reuse, _repair_fstring, specific=False),
    Entry("FK406", "missing-comma", lambda e, t, v: "Perhaps you forgot a comma?" in e.message, _repair_missing_comma, specific=False),
    Entry("FK407", "markdown-fence", _is_fence, _repair_fence),
    Entry("FK408", "print-statement", _message("Missing parentheses in call to 'print'"), _repair_print),
    Entry("FK409", "missing-colon", lambda e, t, v: e.message == "expected ':'", _repair_missing_colon, specific=False),
    Entry("FK410", "except-comma", _message("multiple exception types must be parenthesized"), _repair_except_comma),
    Entry(
        "FK411",
        "assignment-in-condition",
        lambda e, t, v: "Maybe you meant '==' or ':=' instead of '='?" in e.message,
        _repair_assignment_in_condition,
        specific=False,
    ),
    Entry("FK412", "invalid-character", _is_typographic, _repair_typographic, specific=False),
    Entry("FK413", "inconsistent-indentation", _message("inconsistent use of tabs and spaces"), _repair_tabs, specific=False),
)

BY_CODE = {entry.code: entry for entry in ENTRIES}


def classify(err: SyntaxErrorFact, text: str, target: tuple[int, int] = (3, 11), policy: Policy = default_policy) -> Entry | None:
    """The catalogue entry that claims this error, or None (FK499's: a manual diagnosis)."""
    for entry in ENTRIES:
        try:
            if not entry.matches(err, text, target):
                continue
            if entry.specific or entry.repair(text, err, target, policy) is not None:
                return entry
        except (NotMechanical, RecursionError):
            continue
    return None
