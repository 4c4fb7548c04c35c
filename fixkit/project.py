"""Discover a project: its root, source roots, first-party modules, files and target Python.

CONTRACT (other stages code against these types); discovery is `discover(config)`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from fixkit.config import Config


@dataclass(frozen=True)
class SourceFile:
    path: str  # relative to the project root, "/" separated
    module: str  # dotted module name ("app.models.core"); "" when not importable
    is_package: bool = False  # an __init__.py
    shadowed_by: str | None = None  # for pkg/x.py beside a pkg/x/ package: the package's path


@dataclass
class Project:
    root: Path
    config: Config
    files: dict[str, SourceFile] = field(default_factory=dict)  # by relative path
    modules: dict[str, SourceFile] = field(default_factory=dict)  # importable modules by name
    first_party: frozenset[str] = frozenset()  # top-level names: {"app"}
    source_roots: tuple[str, ...] = ("",)  # relative dirs on sys.path: "" (flat) or "src"
    python: str = ""  # target interpreter executable
    target_version: tuple[int, int] = (3, 11)  # oldest Python the project supports

    def abspath(self, path: str) -> Path:
        return self.root / path

    def read_bytes(self, path: str) -> bytes:
        return (self.root / path).read_bytes()

    def read_text(self, path: str) -> str:
        """The file decoded as Python would (PEP 263 / BOM), newlines kept as they are."""
        from fixkit.textio import decode_source

        return decode_source(self.read_bytes(path)).text

    def is_first_party(self, module: str) -> bool:
        return module.split(".", 1)[0] in self.first_party
