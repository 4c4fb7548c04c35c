"""Configuration: defaults, optional TOML file, environment overrides."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Dict

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

DEFAULTS: Dict[str, Any] = {
    "DATABASE_PATH": "inventory.sqlite3",
    "DEFAULT_CURRENCY": "EUR",
    "LOW_STOCK_THRESHOLD": 10,
    "SECRET_KEY": "dev",
}


def load_config(path: str | None = None) -> Dict[str, Any]:
    config = dict(DEFAULTS)
    path = path or os.getenv("INVENTORY_CONFIG")
    if path and Path(path).is_file():
        with open(path, "rb") as fh:
            config.update(tomllib.load(fh).get("inventory", {}))
    for key in DEFAULTS:
        if f"INVENTORY_{key}" in os.environ:
            config[key] = os.environ[f"INVENTORY_{key}"]
    return config
