"""Which modules a wheel provides, from its file list alone.

A wheel is a zip file; its central directory (at the end of the file) names every
file without the need to download the rest.  `zip_names_from_tail` reads those names
from the last bytes of a wheel (what an HTTP range request `bytes=-N` returns), and
`provided_modules` turns a file list (RECORD or the zip's names) into the importable
modules, descending through namespace packages (`google/cloud/storage/__init__.py`
→ `google.cloud.storage`) the way `import` would see them.
"""

from __future__ import annotations

import re
import struct
from typing import Iterable

_EOCD = b"PK\x05\x06"
_EOCD64_LOCATOR = b"PK\x06\x07"
_EOCD64 = b"PK\x06\x06"
_CENTRAL = b"PK\x01\x02"

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Extension module suffixes: foo.cpython-311-x86_64-linux-gnu.so, foo.abi3.so, foo.pyd
_EXTENSION = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)(\.[A-Za-z0-9_.-]+)?\.(so|pyd)$")


class NeedMoreBytes(Exception):
    """The tail did not hold the whole central directory; `.offset` is where it starts."""

    def __init__(self, offset: int):
        super().__init__(offset)
        self.offset = offset


class BadZip(ValueError):
    pass


def zip_names_from_tail(tail: bytes, total_size: int) -> list[str]:
    """File names in a zip, from its last `len(tail)` bytes (the file is `total_size` long).

    Raises NeedMoreBytes when the central directory starts before the tail, BadZip when
    there is no end-of-central-directory record.
    """
    tail_start = total_size - len(tail)
    pos = tail.rfind(_EOCD)
    if pos < 0 or len(tail) - pos < 22:
        raise BadZip("no end of central directory record")
    (_, _, _, _, count, cd_size, cd_offset, _) = struct.unpack("<4sHHHHIIH", tail[pos : pos + 22])
    if cd_offset == 0xFFFFFFFF or count == 0xFFFF:  # zip64: the real numbers are elsewhere
        loc = pos - 20
        if loc < 0 or tail[loc : loc + 4] != _EOCD64_LOCATOR:
            raise BadZip("zip64 locator missing")
        (_, _, eocd64_offset, _) = struct.unpack("<4sIQI", tail[loc : loc + 20])
        rel = eocd64_offset - tail_start
        if rel < 0:
            raise NeedMoreBytes(eocd64_offset)
        if tail[rel : rel + 4] != _EOCD64:
            raise BadZip("zip64 end of central directory missing")
        count, cd_size, cd_offset = struct.unpack("<QQQ", tail[rel + 32 : rel + 56])
    rel = cd_offset - tail_start
    if rel < 0:
        raise NeedMoreBytes(cd_offset)
    names: list[str] = []
    i = rel
    for _ in range(count):
        if tail[i : i + 4] != _CENTRAL:
            raise BadZip("corrupt central directory")
        flags = struct.unpack("<H", tail[i + 8 : i + 10])[0]
        name_len, extra_len, comment_len = struct.unpack("<HHH", tail[i + 28 : i + 34])
        raw = tail[i + 46 : i + 46 + name_len]
        names.append(raw.decode("utf-8" if flags & 0x800 else "cp437"))
        i += 46 + name_len + extra_len + comment_len
    return names


def _module_of_file(part: str) -> str | None:
    if part.endswith((".py", ".pyi")):
        stem = part.rsplit(".", 1)[0]
        return stem if _IDENTIFIER.match(stem) else None
    m = _EXTENSION.match(part)
    return m.group(1) if m else None


def provided_modules(paths: Iterable[str]) -> set[str]:
    """The modules a distribution makes importable, from its installed file paths.

    A regular package (a directory with `__init__.py`) or a module file at the top
    gives its name; a directory without `__init__` is a namespace package, so the
    names one level further down are what the distribution really provides
    (`opentelemetry/exporter/prometheus/__init__.py` → `opentelemetry.exporter.prometheus`).
    `.dist-info`, `.data` and `__pycache__` entries are skipped.
    """
    files: list[list[str]] = []
    for path in paths:
        parts = path.replace("\\", "/").strip("/").split("/")
        if not parts or not parts[0] or parts[0].endswith((".dist-info", ".data", ".egg-info")):
            continue
        if "__pycache__" in parts or parts[0] in ("..", "."):
            continue
        files.append(parts)
    packages: set[tuple[str, ...]] = set()  # directories holding an __init__
    for parts in files:
        if len(parts) >= 2 and _module_of_file(parts[-1]) == "__init__":
            packages.add(tuple(parts[:-1]))
    found: set[str] = set()
    for parts in files:
        # walk down while the directories are namespace packages (no __init__)
        for depth in range(1, len(parts) + 1):
            prefix = tuple(parts[:depth])
            if depth == len(parts):  # a module file at this level
                name = _module_of_file(parts[-1])
                if name and name != "__init__" and all(_IDENTIFIER.match(p) for p in parts[:-1]):
                    found.add(".".join((*parts[:-1], name)))
                break
            if not _IDENTIFIER.match(prefix[-1]):
                break
            if prefix in packages:
                found.add(".".join(prefix))
                break
    return found
