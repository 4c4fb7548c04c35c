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

import difflib
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
    """The parsed pyproject.toml of `root`, {} when there is none.

    A file that cannot be read, is not UTF-8 or is not TOML is refused (FixkitError,
    exit 2): fixkit's own settings live in it, and the dependency declarations that a
    fix edits; analysing without them would give answers for a different project."""
    path = root / "pyproject.toml"
    if not path.is_file():
        return {}
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FixkitError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise FixkitError(f"{path}: not UTF-8 (byte 0x{data[exc.start]:02x} on line {line}): a TOML file must be UTF-8; {_WHY}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FixkitError(f"{path}: invalid TOML: {exc}; {_WHY}") from None


_WHY = "fixkit reads its settings and the project's dependency declarations from this file"


def toml_type(value: Any) -> str:
    """What a parsed TOML value is, in TOML's words: "an integer", "an array", ..."""
    if isinstance(value, bool):
        return "a boolean"
    for kind, name in ((str, "a string"), (int, "an integer"), (float, "a float"), (list, "an array"), (dict, "a table")):
        if isinstance(value, kind):
            return name
    return "a date/time"


# The keys of [tool.fixkit]; any other is refused (a typo would silently do nothing).
KEYS = ("entry-points", "canonical", "mapping", "select", "ignore", "exclude", "python", "target-version")


class _Section:
    """`[tool.fixkit]`, each value type-checked: a wrong one is a FixkitError naming the key."""

    def __init__(self, path: Path, values: dict[str, Any]) -> None:
        self.path = path
        self.values = values

    def _error(self, key: str, want: str, what: str) -> FixkitError:
        return FixkitError(f"{self.path}: [tool.fixkit] {key} must be {want}, {what}")

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.values.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            return (value,)
        want = "a string or an array of strings"
        if not isinstance(value, list):
            raise self._error(key, want, f"not {toml_type(value)}")
        bad = next((v for v in value if not isinstance(v, str)), None)
        if bad is not None:
            raise self._error(key, want, f"but it holds {toml_type(bad)} ({bad!r})")
        return tuple(value)

    def table(self, key: str) -> dict[str, str]:
        value = self.values.get(key)
        if value is None:
            return {}
        want = "a table of strings"
        if not isinstance(value, dict):
            raise self._error(key, want, f"not {toml_type(value)}")
        bad = next((k for k, v in value.items() if not isinstance(v, str)), None)
        if bad is not None:
            raise self._error(key, want, f"but {bad} is {toml_type(value[bad])}")
        return dict(value)

    def string(self, key: str, want: str) -> str | None:
        value = self.values.get(key)
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, float):  # target-version = 3.10 is the number 3.1
            raise self._error(key, want, f"not the number {value!r}: quote it")
        raise self._error(key, want, f"not {toml_type(value)}")


def fixkit_section(root: Path) -> dict[str, Any]:
    """`[tool.fixkit]` of `root`'s pyproject.toml, {} when there is none.  Refused with a
    one-line FixkitError when `tool` or the section is not a table or a key is unknown."""
    path = root / "pyproject.toml"
    tool = read_pyproject(root).get("tool", {})
    if not isinstance(tool, dict):
        raise FixkitError(f"{path}: tool must be a table, not {toml_type(tool)}")
    section = tool.get("fixkit", {})
    if not isinstance(section, dict):
        raise FixkitError(f"{path}: [tool.fixkit] must be a table, not {toml_type(section)}")
    for key in section:
        if key not in KEYS:
            close = difflib.get_close_matches(key.replace("_", "-").lower(), KEYS, n=1)
            hint = f"did you mean {close[0]}?" if close else f"the keys are {', '.join(KEYS)}"
            raise FixkitError(f"{path}: [tool.fixkit] has no key {key} ({hint})")
    return section


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
    section = _Section(root / "pyproject.toml", fixkit_section(root))
    values: dict[str, Any] = {
        "entry_points": section.strings("entry-points"),
        "canonical": section.table("canonical"),
        "mapping": section.table("mapping"),
        "select": section.strings("select"),
        "ignore": section.strings("ignore"),
        "exclude": section.strings("exclude"),
        "python": section.string("python", "a string (the path of an interpreter)"),
        "target_version": section.string("target-version", 'a string such as "3.11"'),
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
