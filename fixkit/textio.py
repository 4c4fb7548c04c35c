"""Reading and writing Python source exactly: encoding (PEP 263, BOM) and newlines kept."""

from __future__ import annotations

import codecs
import io
import tokenize
from dataclasses import dataclass


@dataclass(frozen=True)
class DecodedSource:
    text: str  # newlines exactly as in the file; without the BOM
    encoding: str  # the codec name Python would use ("utf-8" when undeclared)
    bom: bool

    def encode(self, text: str) -> bytes:
        data = text.encode(self.encoding, "surrogateescape")
        return (codecs.BOM_UTF8 + data) if self.bom else data


class SourceDecodeError(ValueError):
    """The bytes are not valid in the encoding Python would read them with."""


def decode_source(data: bytes) -> DecodedSource:
    """Decode like the interpreter does: BOM, then a PEP 263 coding line, else UTF-8."""
    bom = data.startswith(codecs.BOM_UTF8)
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:  # unknown codec or BOM conflicting with the coding line
        raise SourceDecodeError(str(exc)) from None
    if encoding == "utf-8-sig":
        encoding = "utf-8"
    body = data[len(codecs.BOM_UTF8) :] if bom else data
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as exc:
        raise SourceDecodeError(f"not valid {encoding} at byte {exc.start}: {exc.reason}") from None
    return DecodedSource(text=text, encoding=encoding, bom=bom)


def newline_of(text: str) -> str:
    """The file's dominant line ending, for lines a fix adds."""
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    cr = text.count("\r") - crlf
    if crlf >= lf and crlf >= cr and crlf:
        return "\r\n"
    if cr > lf:
        return "\r"
    return "\n"
