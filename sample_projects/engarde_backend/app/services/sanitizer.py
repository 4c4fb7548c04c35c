"""HTML/text sanitisation for user supplied content (bleach based)."""
from __future__ import annotations

import re
from typing import Dict, Iterable, List

import bleach

ALLOWED_TAGS = frozenset({"a", "abbr", "b", "blockquote", "br", "code", "em", "i", "li", "ol", "p", "strong", "ul"})
ALLOWED_ATTRIBUTES: Dict[str, List[str]] = {"a": ["href", "title", "rel"], "abbr": ["title"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def sanitize_html(value: str) -> str:
    cleaned = bleach.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
    )
    return bleach.linkify(cleaned)


def sanitize_text(value: str) -> str:
    return _CONTROL_CHARS.sub("", bleach.clean(value, tags=set(), strip=True)).strip()


def sanitize_many(values: Iterable[str]) -> List[str]:
    return [sanitize_text(v) for v in values]


def contains_markup(value: str) -> bool:
    return sanitize_text(value) != value.strip()
