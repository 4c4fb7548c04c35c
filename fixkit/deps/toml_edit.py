"""Adding one entry to a TOML file while every other byte stays as it was.

tomlkit keeps formatting on a round trip, but appending to a multi-line array makes
it rewrite the last item's line (it adds the missing comma there), and it has no way
to say where in the text an array lives.  So this module finds the place with a small
scanner of its own (strings, comments, brackets; enough of TOML to find tables, keys
and array items), inserts one whole line where that needs no other change, and then
checks the result with tomlkit: it must round-trip byte for byte and hold exactly
the old values plus the new one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import tomlkit
from tomlkit.exceptions import TOMLKitError

from fixkit.textio import newline_of


class TomlEditError(ValueError):
    """The file has a shape this editor does not change safely (a person should)."""


@dataclass(frozen=True)
class KeyAt:
    table: str  # dotted table name, "" for the root
    key: str  # dotted key as written, quotes removed
    line_start: int  # offset of the first character of the line holding the key
    value_start: int  # offset of the value's first character
    value_end: int  # offset just after the value


def _skip_string(text: str, i: int) -> int:
    """`i` is at a quote; return the offset just after the string."""
    for quote in ('"""', "'''"):
        if text.startswith(quote, i):
            j = i + 3
            while True:
                k = text.find(quote, j)
                if k < 0:
                    raise TomlEditError("unterminated multi-line string")
                if quote == '"""' and _escaped(text, k):
                    j = k + 1
                    continue
                # a closing run may be up to 5 quotes long ("""" ends with one quote inside)
                end = k + 3
                while end < len(text) and text[end] == quote[0] and end - k < 5:
                    end += 1
                return end
    quote = text[i]
    j = i + 1
    while j < len(text):
        ch = text[j]
        if ch == "\\" and quote == '"':
            j += 2
            continue
        if ch == quote:
            return j + 1
        if ch == "\n":
            break
        j += 1
    raise TomlEditError("unterminated string")


def _escaped(text: str, k: int) -> bool:
    backslashes = 0
    while k - 1 - backslashes >= 0 and text[k - 1 - backslashes] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def _skip_value(text: str, i: int) -> int:
    """From a value's first character, the offset just after it (arrays and inline tables nest)."""
    depth = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch in "\"'":
            i = _skip_string(text, i)
            continue
        if ch == "#":
            if depth == 0:
                return i
            while i < n and text[i] != "\n":
                i += 1
            continue
        if ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
            if depth == 0:
                return i + 1
        elif ch == "\n" and depth == 0:
            return i
        i += 1
    return i


def _unquote_key(key: str) -> str:
    parts = []
    for part in re.findall(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'|[^.\s]+', key):
        parts.append(part[1:-1] if part[0] in "\"'" else part)
    return ".".join(parts)


def scan(text: str) -> tuple[list[tuple[str, int]], list[KeyAt]]:
    """(table headers with the offset of their line, keys with their value spans)."""
    headers: list[tuple[str, int]] = []
    keys: list[KeyAt] = []
    table = ""
    i = 0
    n = len(text)
    while i < n:
        line_start = i
        while i < n and text[i] in " \t":
            i += 1
        if i >= n:
            break
        ch = text[i]
        if ch in "\r\n":
            i += 1
            continue
        if ch == "#":
            while i < n and text[i] != "\n":
                i += 1
            continue
        if ch == "[":
            end = text.find("\n", i)
            end = n if end < 0 else end
            line = re.sub(r"#.*$", "", text[i:end]).strip()
            name = line.strip("[]").strip()
            table = _unquote_key(name)
            headers.append((table, line_start))
            i = end
            continue
        # key = value
        m = re.compile(r'((?:"(?:[^"\\]|\\.)*"|\'[^\']*\'|[A-Za-z0-9_\-]+)(?:\s*\.\s*(?:"(?:[^"\\]|\\.)*"|\'[^\']*\'|[A-Za-z0-9_\-]+))*)\s*=\s*').match(text, i)
        if not m:
            raise TomlEditError(f"cannot read line {text.count(chr(10), 0, i) + 1}")
        value_start = m.end()
        value_end = _skip_value(text, value_start)
        keys.append(KeyAt(table, _unquote_key(m.group(1)), line_start, value_start, value_end))
        i = value_end
        while i < n and text[i] != "\n":
            i += 1
    return headers, keys


def _array_items(text: str, start: int, end: int) -> tuple[list[tuple[int, int, bool]], bool]:
    """Items of the array text[start:end] ("[...]") as (start, end, comma follows), and
    whether it spans lines."""
    items: list[tuple[int, int, bool]] = []
    i = start + 1
    close = end - 1
    while i < close:
        ch = text[i]
        if ch in " \t\r\n,":
            if ch == "," and items:
                s, e, _ = items[-1]
                items[-1] = (s, e, True)
            i += 1
            continue
        if ch == "#":
            while i < close and text[i] != "\n":
                i += 1
            continue
        item_end = _skip_item(text, i, close)
        items.append((i, item_end, False))
        i = item_end
    return items, "\n" in text[start:end]


def _skip_item(text: str, i: int, close: int) -> int:
    if text[i] in "\"'":
        return _skip_string(text, i)
    if text[i] in "[{":
        return _skip_value(text, i)
    j = i
    while j < close and text[j] not in ",\n#]":
        j += 1
    return j


def _line_start(text: str, i: int) -> int:
    return text.rfind("\n", 0, i) + 1


def _starts_line(text: str, i: int) -> bool:
    return text[_line_start(text, i) : i].strip() == ""


def _next_line(text: str, i: int) -> int | None:
    k = text.find("\n", i)
    return None if k < 0 else k + 1


def _sort_key(item: str) -> str:
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name

    try:
        return canonicalize_name(Requirement(item).name)
    except InvalidRequirement:
        return item.lower()


def _get(doc: object, dotted: str) -> object:
    current = doc
    for part in dotted.split("."):
        if not isinstance(current, dict) or part not in current:
            return None
        current = current[part]
    return current


def insert_array_item(text: str, table: str, key: str, item: str) -> str:
    """`text` with `item` (a string) added to the array `table.key`, one line inserted
    where possible.  The key is created in `table` when missing; the table must exist."""
    headers, keys = scan(text)
    nl = newline_of(text)
    quoted = json.dumps(item)
    found = next((k for k in keys if k.table == table and k.key == key), None)
    if found is None:
        table_keys = [k for k in keys if k.table == table]
        header = next((off for name, off in headers if name == table), None)
        if header is None:
            raise TomlEditError(f"no [{table}] table")
        if table_keys:
            anchor = _next_line(text, table_keys[-1].value_end)
        else:
            anchor = _next_line(text, header)
        addition = f"{key} = [{nl}    {quoted},{nl}]{nl}"
        if anchor is None:  # the last line has no newline
            new = text + nl + addition
        else:
            new = text[:anchor] + addition + text[anchor:]
        _check(text, new, f"{table}.{key}", item)
        return new
    start, end = found.value_start, found.value_end
    if text[start] != "[" or text[end - 1] != "]":
        raise TomlEditError(f"{table}.{key} is not an array")
    items, multiline = _array_items(text, start, end)
    values = [tomlkit.parse("v = " + text[s:e])["v"] for s, e, _ in items] if items else []
    if multiline:
        indent = "    "
        if items and _starts_line(text, items[0][0]):
            indent = text[_line_start(text, items[0][0]) : items[0][0]]
        line = f"{indent}{quoted},{nl}"
        keys_sorted = [_sort_key(str(v)) for v in values]
        position: int | None = None
        if keys_sorted and keys_sorted == sorted(keys_sorted):
            new_key = _sort_key(item)
            for (s, _, _), k in zip(items, keys_sorted):
                if k > new_key and _starts_line(text, s):
                    position = _line_start(text, s)
                    # above the comment lines that belong to that item
                    while position > start + 1:
                        previous = _line_start(text, position - 1)
                        if previous <= start or not text[previous:position].lstrip().startswith("#"):
                            break
                        position = previous
                    break
        if position is None and items:
            s, e, comma = items[-1]
            after = _next_line(text, e)
            if comma and after is not None and after <= end - 1 and _starts_line(text, end - 1):
                position = after
            elif _starts_line(text, s):
                position = _line_start(text, s)  # before the last item: no comma to add
        if position is None and not items and _starts_line(text, end - 1):
            position = _line_start(text, end - 1)
        if position is not None:
            new = text[:position] + line + text[position:]
            _check(text, new, f"{table}.{key}", item)
            return new
    # one-line array (or an odd layout): the line holding the array changes
    if items:
        s, e, _ = items[-1]
        new = text[:e] + ", " + quoted + text[e:]
    else:
        new = text[: end - 1] + quoted + text[end - 1 :]
    _check(text, new, f"{table}.{key}", item)
    return new


def insert_table_key(text: str, table: str, key: str, value_toml: str) -> str:
    """`text` with `key = value_toml` added as the last key of `[table]`."""
    headers, keys = scan(text)
    nl = newline_of(text)
    if any(k.table == table and k.key == key for k in keys):
        raise TomlEditError(f"{table}.{key} exists already")
    header = next((off for name, off in headers if name == table), None)
    if header is None:
        raise TomlEditError(f"no [{table}] table")
    table_keys = [k for k in keys if k.table == table]
    anchor = _next_line(text, table_keys[-1].value_end if table_keys else header)
    bare = re.fullmatch(r"[A-Za-z0-9_\-]+", key)
    line = f"{key if bare else json.dumps(key)} = {value_toml}{nl}"
    new = text + nl + line if anchor is None else text[:anchor] + line + text[anchor:]
    try:
        doc = tomlkit.parse(new)
    except TOMLKitError as exc:
        raise TomlEditError(f"the edit would not parse: {exc}") from None
    if doc.as_string() != new or key not in (_get(doc, table) or {}):
        raise TomlEditError("the edit did not round-trip")
    return new


def _check(old: str, new: str, dotted: str, item: str) -> None:
    try:
        before = tomlkit.parse(old)
        after = tomlkit.parse(new)
    except TOMLKitError as exc:
        raise TomlEditError(f"the edit would not parse: {exc}") from None
    if after.as_string() != new:
        raise TomlEditError("the edit did not round-trip")
    old_values = [str(v) for v in (_get(before, dotted) or [])]
    new_values = [str(v) for v in (_get(after, dotted) or [])]
    if sorted(new_values) != sorted([*old_values, item]):
        raise TomlEditError(f"the edit changed {dotted} in an unexpected way")
