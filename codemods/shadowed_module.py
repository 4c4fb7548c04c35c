"""Move definitions out of a dead module into the package that shadows it.

`app/models.py` beside `app/models/` is never imported: `import app.models` finds
the package.  Whatever only the dead file defines is unreachable; this command,
run on the package's `__init__.py`, appends those top-level definitions (and the
private helpers they use) after the package's own code, and adds the imports they
need through AddImportsVisitor, resolved to absolute modules because a relative
import means something else one package level down.  Names the package already
binds are never copied, so a second run changes nothing.  Deleting the dead file
is not a source transform: fixkit's FK203 fix does it in the same change.

    python -m libcst.tool codemod shadowed_module.MoveDefinitionsCommand \
        --source-file app/models.py --source-module app.models --name AnalyticsEvent \
        app/models/__init__.py
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Optional, Sequence

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor
from libcst.helpers import get_absolute_module_from_package_for_import
from libcst.metadata import ScopeProvider

from codemods._common import AliasSafeImportsCommand

_DEAD = '''\
"""Legacy models."""
import uuid

from sqlalchemy import Column, Integer, String

from .database import Base


def generate_uuid():
    return str(uuid.uuid4())


class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)


class AnalyticsEvent(Base):
    # one row per tracked event
    __tablename__ = "analytics_events"
    id = Column(String(36), primary_key=True, default=generate_uuid)
'''

_PACKAGE = '''\
"""Model package."""
from .core import User

__all__ = ["User"]
'''

_PACKAGE_AFTER = '''\
"""Model package."""
from .core import User
import uuid
from app.database import Base
from sqlalchemy import Column, String

__all__ = ["User"]


# Moved here from app/models.py, which this package shadows (it was never imported).
def generate_uuid():
    return str(uuid.uuid4())


class AnalyticsEvent(Base):
    # one row per tracked event
    __tablename__ = "analytics_events"
    id = Column(String(36), primary_key=True, default=generate_uuid)
'''


class MoveDefinitionsCommand(AliasSafeImportsCommand):
    DESCRIPTION: str = "Append top-level definitions of a shadowed (dead) module to the package that shadows it."

    METADATA_DEPENDENCIES = (ScopeProvider,)

    # (before, after, arguments, path of the file in its project) — run by tests/test_codemods.py.
    EXAMPLES: tuple[tuple[str, str, dict, str], ...] = (
        (
            _PACKAGE,
            _PACKAGE_AFTER,
            {"source_text": _DEAD, "source_path": "app/models.py", "source_module": "app.models", "names": ["AnalyticsEvent", "User"]},
            "app/models/__init__.py",
        ),
    )

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        arg_parser.add_argument("--source-file", dest="source_path", required=True, help="the dead module, e.g. app/models.py")
        arg_parser.add_argument("--source-module", required=True, help="its dotted name, e.g. app.models")
        arg_parser.add_argument("--name", dest="names", action="append", required=True, help="a top-level name to move (repeatable)")

    def __init__(
        self,
        context: CodemodContext,
        source_path: str,
        source_module: str,
        names: Sequence[str],
        source_text: Optional[str] = None,
    ) -> None:
        super().__init__(context)
        self.source_path = source_path
        self.source_module = source_module
        self.names = tuple(names)
        text = source_text if source_text is not None else Path(source_path).read_text(encoding="utf-8")
        self.source = cst.parse_module(text)
        # A plain module's relative imports are relative to its parent package.
        self.source_package = source_module.rpartition(".")[0]

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        scope = self.get_metadata(ScopeProvider, original_node, None)
        bound_here = {name for name in _top_level_names(original_node)}
        if scope is not None:
            bound_here |= {a.name for a in scope.assignments}
        definitions = _definitions(self.source)
        imports = _import_bindings(self.source, self.source_package)

        wanted = [n for n in self.names if n in definitions and n not in bound_here]
        chosen: list[str] = []
        while wanted:  # the closure over top-level names the moved code reads
            name = wanted.pop(0)
            if name in chosen:
                continue
            chosen.append(name)
            for used in _names_read(definitions[name]):
                if used in definitions and used not in bound_here and used not in chosen:
                    wanted.append(used)
        if not chosen:
            return updated_node

        statements = [stmt for stmt in self.source.body if _defined_name(stmt) in chosen]
        needed: set[str] = set()
        for stmt in statements:
            needed |= _names_read(stmt)
        for name in sorted(needed):
            if name in imports and name not in bound_here:
                module, obj, asname = imports[name]
                AddImportsVisitor.add_needed_import(self.context, module, obj, asname)

        header = [
            cst.EmptyLine(),
            cst.EmptyLine(),
            cst.EmptyLine(
                comment=cst.Comment(f"# Moved here from {self.source_path}, which this package shadows (it was never imported).")
            ),
        ]
        moved: list[cst.BaseStatement] = []
        for i, stmt in enumerate(statements):
            own = [line for line in stmt.leading_lines if line.comment is not None] if i == 0 else list(stmt.leading_lines)
            if i > 0 and not own:
                own = [cst.EmptyLine(), cst.EmptyLine()]
            moved.append(stmt.with_changes(leading_lines=[*header, *own] if i == 0 else own))
        return updated_node.with_changes(body=[*updated_node.body, *moved])


def _defined_name(statement: cst.BaseStatement) -> Optional[str]:
    if isinstance(statement, (cst.ClassDef, cst.FunctionDef)):
        return statement.name.value
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        small = statement.body[0]
        if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name):
            return small.targets[0].target.value
        if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
            return small.target.value
    return None


def _definitions(module: cst.Module) -> dict[str, cst.BaseStatement]:
    out: dict[str, cst.BaseStatement] = {}
    for stmt in module.body:
        name = _defined_name(stmt)
        if name is not None:
            out[name] = stmt  # a later definition wins, as at run time
    return out


def _top_level_names(module: cst.Module) -> set[str]:
    return {name for name in (_defined_name(s) for s in module.body) if name}


def _import_bindings(module: cst.Module, package: str) -> dict[str, tuple[str, Optional[str], Optional[str]]]:
    """Local name -> (absolute module, object or None, asname) for top-level imports."""
    out: dict[str, tuple[str, Optional[str], Optional[str]]] = {}
    for stmt in module.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if isinstance(small, cst.Import):
                for alias in small.names:
                    if alias.evaluated_alias:
                        out[alias.evaluated_alias] = (alias.evaluated_name, None, alias.evaluated_alias)
                    else:
                        top = alias.evaluated_name.split(".")[0]
                        out[top] = (alias.evaluated_name, None, None)
            elif isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
                absolute = get_absolute_module_from_package_for_import(package, small)
                if absolute is None:
                    continue
                for alias in small.names:
                    local = alias.evaluated_alias or alias.evaluated_name
                    out[local] = (absolute, alias.evaluated_name, alias.evaluated_alias)
    return out


class _Reads(cst.CSTVisitor):
    def __init__(self) -> None:
        self.names: set[str] = set()

    def visit_Name(self, node: cst.Name) -> None:
        self.names.add(node.value)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)  # `x.attr`: only `x` is a name read
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        node.value.visit(self)  # `f(key=value)`: the keyword is not a name read
        return False


def _names_read(node: cst.CSTNode) -> set[str]:
    reads = _Reads()
    node.visit(reads)
    return reads.names
