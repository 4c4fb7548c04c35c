"""Small helpers shared by several blueprints."""
from __future__ import annotations

import re
import unicodedata

_SKU_RE = re.compile(r"[^A-Z0-9]+")


def slugify(value: str) -> str:
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")


def format_sku(category: str, number: int, variant: str = "") -> str:
    """Canonical SKU: ``CAT-000123`` or ``CAT-000123-VAR``."""
    prefix = _SKU_RE.sub("", category.upper())[:3] or "GEN"
    sku = f"{prefix}-{number:06d}"
    if variant:
        sku += "-" + _SKU_RE.sub("", variant.upper())
    return sku


def parse_sku(sku: str) -> tuple[str, int, str]:
    parts = sku.split("-")
    return parts[0], int(parts[1]), parts[2] if len(parts) > 2 else ""
