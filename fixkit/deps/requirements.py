"""Reading pip requirements files: the names they declare, following `-r` and `-c`.

Handles what pip accepts in practice: comments (` #` after a requirement), line
continuations (`\\`), options (`-r`, `-c`, `-e`, `--hash`, `--index-url`, ...),
environment markers, URLs and `name @ url`.  Only reading happens here; the
editing is in `fixkit.deps.declarations`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

_COMMENT = re.compile(r"(^|\s+)#.*$")
_OPTION_WITH_VALUE = re.compile(r"^(-r|--requirement|-c|--constraint|-e|--editable|-i|--index-url|--extra-index-url|-f|--find-links)\s*=?\s*(\S+)")
_EGG = re.compile(r"[#&]egg=([A-Za-z0-9_.\-]+)")


@dataclass
class RequirementsFile:
    path: Path
    names: dict[str, str] = field(default_factory=dict)  # canonical name → the requirement as written
    includes: list[Path] = field(default_factory=list)  # -r
    constraints: list[Path] = field(default_factory=list)  # -c
    uses_hashes: bool = False
    errors: list[str] = field(default_factory=list)


def logical_lines(text: str) -> list[tuple[int, str]]:
    """(first line number, text) for each logical line: continuations joined, comments removed."""
    out: list[tuple[int, str]] = []
    buffer = ""
    start = 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw
        if not buffer:
            start = number
        stripped = line.rstrip()
        if stripped.endswith("\\") and not _COMMENT.search(stripped):
            buffer += stripped[:-1] + " "
            continue
        buffer += line
        cleaned = _COMMENT.sub("", buffer).strip()
        if cleaned:
            out.append((start, cleaned))
        buffer = ""
    if buffer.strip():
        out.append((start, _COMMENT.sub("", buffer).strip()))
    return out


def parse_requirement_line(line: str) -> tuple[str | None, str]:
    """(canonical name or None, the requirement text without options) of one logical line."""
    text = re.split(r"\s--?[a-z]", " " + line, maxsplit=1)[0].strip()  # drop --hash=... and other trailing options
    if not text:
        return None, ""
    try:
        return canonicalize_name(Requirement(text).name), text
    except InvalidRequirement:
        m = _EGG.search(text)
        if m:
            return canonicalize_name(m.group(1).split("[")[0]), text
        return None, text


def read_requirements(path: Path) -> RequirementsFile:
    result = RequirementsFile(path=path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        result.errors.append(f"{path}: {exc}")
        return result
    for number, line in logical_lines(text):
        if "--hash" in line:
            result.uses_hashes = True
        if line.startswith("-"):
            m = _OPTION_WITH_VALUE.match(line)
            if not m:
                continue
            option, value = m.groups()
            if option in ("-r", "--requirement"):
                result.includes.append((path.parent / value).resolve())
            elif option in ("-c", "--constraint"):
                result.constraints.append((path.parent / value).resolve())
            elif option in ("-e", "--editable"):
                egg = _EGG.search(value)
                if egg:
                    result.names[canonicalize_name(egg.group(1).split("[")[0])] = line
            continue
        name, requirement = parse_requirement_line(line)
        if name:
            result.names.setdefault(name, requirement)
        else:
            result.errors.append(f"{path.name}:{number}: cannot read requirement {line!r}")
    return result


def declared_in_requirements(path: Path) -> dict[str, Path]:
    """Every distribution `path` declares, following `-r` includes (not `-c`: a
    constraint pins a version but does not ask for the distribution)."""
    out: dict[str, Path] = {}
    seen: set[Path] = set()
    todo = [path.resolve()]
    while todo:
        current = todo.pop()
        if current in seen or not current.is_file():
            continue
        seen.add(current)
        parsed = read_requirements(current)
        for name in parsed.names:
            out.setdefault(name, current)
        todo.extend(parsed.includes)
    return out
