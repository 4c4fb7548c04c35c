"""`[tool.fixkit]` in the project's pyproject.toml, merged with command-line options.

Command-line options win over the file.  Keys (all optional)::

    [tool.fixkit]
    entry-points = ["app.routers.*"]          # fnmatch patterns of modules
    canonical = { PredictiveModel = "app.models.analytics_models" }
    mapping = { mylib = "my-lib-dist" }       # import name -> distribution
    select = ["FK1", "duplicate-model"]       # codes, code prefixes or kinds
    ignore = ["FK203"]
    exclude = ["legacy/**"]                   # gitignore-style globs, relative to the root
    python = ".venv/bin/python"               # the target interpreter
    target-version = "3.11"                   # overrides requires-python
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

from fixkit.errors import FixkitError


@dataclass(frozen=True)
class Config:
    root: Path
    entry_points: tuple[str, ...] = ()
    canonical: Mapping[str, str] = field(default_factory=dict)
    mapping: Mapping[str, str] = field(default_factory=dict)
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    python: str | None = None  # target interpreter; None = discover (.venv, else sys.executable)
    target_version: str | None = None  # "3.11"; None = from requires-python or the interpreter
    offline: bool = False
    index_url: str | None = None
    use_cache: bool = True

    def selects(self, code: str, kind: str) -> bool:
        """Whether a diagnosis of this code/kind passes --select/--ignore."""

        def hit(patterns: tuple[str, ...]) -> bool:
            return any(code.startswith(p) or kind == p for p in patterns)

        if self.select and not hit(self.select):
            return False
        return not hit(self.ignore)


def read_pyproject(root: Path) -> dict[str, Any]:
    """The parsed pyproject.toml of `root`, {} when there is none."""
    path = root / "pyproject.toml"
    if not path.is_file():
        return {}
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise FixkitError(f"{path}: invalid TOML: {exc}") from None
    except OSError as exc:
        raise FixkitError(f"{path}: cannot read: {exc.strerror}") from None


def _strings(value: Any, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise FixkitError(f"[tool.fixkit] {key} must be a string or a list of strings")


def _table(value: Any, key: str) -> dict[str, str]:
    if value is None:
        return {}
    if isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
        return dict(value)
    raise FixkitError(f"[tool.fixkit] {key} must be a table of strings")


def parse_assignments(items: list[str] | None, option: str) -> dict[str, str]:
    """`--canonical Name=module` style options."""
    out: dict[str, str] = {}
    for item in items or ():
        name, sep, value = item.partition("=")
        if not sep or not name or not value:
            raise FixkitError(f"{option} expects NAME=VALUE, got {item!r}")
        out[name.strip()] = value.strip()
    return out


def load_config(root: Path, **overrides: Any) -> Config:
    """The Config for `root`: [tool.fixkit] first, then every override that is not None/empty."""
    root = root.resolve()
    section = read_pyproject(root).get("tool", {}).get("fixkit", {})
    if not isinstance(section, dict):
        raise FixkitError("[tool.fixkit] must be a table")
    values: dict[str, Any] = {
        "entry_points": _strings(section.get("entry-points"), "entry-points"),
        "canonical": _table(section.get("canonical"), "canonical"),
        "mapping": _table(section.get("mapping"), "mapping"),
        "select": _strings(section.get("select"), "select"),
        "ignore": _strings(section.get("ignore"), "ignore"),
        "exclude": _strings(section.get("exclude"), "exclude"),
        "python": section.get("python"),
        "target_version": section.get("target-version"),
    }
    for key, value in overrides.items():
        if value is None or value == () or value == [] or value == {}:
            continue
        if key in ("canonical", "mapping"):
            values[key] = {**values.get(key, {}), **value}
        elif isinstance(value, list):
            values[key] = tuple(value)
        else:
            values[key] = value
    return Config(root=root, **values)
