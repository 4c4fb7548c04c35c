"""Keep one definition of a duplicated model; delete the others; repoint every import.

Two classes mapped to one table on one metadata make SQLAlchemy raise "Table
'predictive_models' is already defined for this MetaData instance" in whichever
module is imported second.  This command, run over every file of the project:

* deletes the top-level class (or `name = Table(...)` assignment) of each
  ``--remove MODULE:NAME`` in MODULE, keeping detached comments above it (a
  section banner separated by a blank line) and removing imports only it used;
* imports the canonical class back into MODULE when MODULE still refers to it
  (another model's annotation, a re-export in ``__all__``);
* repoints every import of ``MODULE.NAME`` elsewhere to the ``--canonical`` one
  (see `codemods.repoint_imports`), aliasing it back when the class names differ.

String references (`relationship("PredictiveModel")`) resolve through the class
registry by class name and need no change when the names are equal.

    python -m libcst.tool codemod dedupe_models.DedupeModelsCommand \
        --canonical app.models.analytics_models:PredictiveModel \
        --remove app.models.core:PredictiveModel app/
"""

from __future__ import annotations

import argparse
from typing import Sequence, Union

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor
from libcst.metadata import ScopeProvider

from codemods._common import Move, Target
from codemods.repoint_imports import RepointImportsCommand

_CORE = """\
from __future__ import annotations

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..database import Base


class User(Base):
    __tablename__ = "users"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)

# ---------------------------------------------------------------------------
# Analytics (basic).
# ---------------------------------------------------------------------------

# Registry entry for a trained model; the extended one lives in analytics_models.
class PredictiveModel(Base):
    __tablename__ = "predictive_models"
    __table_args__ = (UniqueConstraint("name"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)


class FeatureToggle(Base):
    __tablename__ = "feature_toggles"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
"""

_CORE_AFTER = """\
from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..database import Base


class User(Base):
    __tablename__ = "users"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)

# ---------------------------------------------------------------------------
# Analytics (basic).
# ---------------------------------------------------------------------------


class FeatureToggle(Base):
    __tablename__ = "feature_toggles"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
"""

_ARGS = {"canonical": "app.models.analytics_models:PredictiveModel", "remove": ["app.models.core:PredictiveModel"]}


class DedupeModelsCommand(RepointImportsCommand):
    DESCRIPTION: str = "Keep the canonical definition of a duplicated model, delete the others and repoint their imports."

    METADATA_DEPENDENCIES = RepointImportsCommand.METADATA_DEPENDENCIES

    # (before, after, arguments, path of the file in its project) — run by tests/test_codemods.py.
    EXAMPLES: tuple[tuple[str, str, dict, str], ...] = (
        # the duplicate goes, with its attached comment and the import only it used;
        # the section banner above it (separated by a blank line) stays
        (_CORE, _CORE_AFTER, _ARGS, "app/models/core.py"),
        (  # the package re-export is split: the name now comes from the canonical module
            "from .core import (  # re-exported for `from app.models import X`\n"
            "    PredictiveModel,\n"
            "    User,\n"
            ")\n\n__all__ = [\"PredictiveModel\", \"User\"]\n",
            "from .core import (  # re-exported for `from app.models import X`\n"
            "    User,\n"
            ")\nfrom app.models.analytics_models import PredictiveModel\n\n__all__ = [\"PredictiveModel\", \"User\"]\n",
            _ARGS,
            "app/models/__init__.py",
        ),
        (  # an importer of the removed module through a module alias
            "import app.models.core as core\n\nrows = core.PredictiveModel.__table__\n",
            "from app.models.analytics_models import PredictiveModel\n\nrows = PredictiveModel.__table__\n",
            _ARGS,
            "app/routers/analytics.py",
        ),
        (  # the module that loses the class still uses it: imported from the canonical one
            "from sqlalchemy.orm import Mapped, relationship\n\nfrom ..database import Base\n\n\n"
            "class PredictiveModel(Base):\n    __tablename__ = \"predictive_models\"\n\n\n"
            "class Run(Base):\n    __tablename__ = \"runs\"\n    model: Mapped[PredictiveModel] = relationship()\n",
            "from sqlalchemy.orm import Mapped, relationship\n\nfrom ..database import Base\n"
            "from app.models.analytics_models import PredictiveModel\n\n\n"
            "class Run(Base):\n    __tablename__ = \"runs\"\n    model: Mapped[PredictiveModel] = relationship()\n",
            _ARGS,
            "app/models/core.py",
        ),
        (  # two classes, one table, different names: the kept one is aliased to the old name
            "from app.models.webhook_models import WebhookDeliveryDataPoint as Point, WebhookEvent\n\nPoint, WebhookEvent\n",
            "from app.models.webhook_models import WebhookEvent\n"
            "from app.models.core import AnalyticsDataPoint as Point\n\nPoint, WebhookEvent\n",
            {
                "canonical": "app.models.core:AnalyticsDataPoint",
                "remove": ["app.models.webhook_models:WebhookDeliveryDataPoint"],
            },
            "app/routers/webhooks_comprehensive.py",
        ),
        (  # a core Table assigned to a name is a definition too
            "from sqlalchemy import Column, Integer, Table\n\nfrom app.database import metadata\n\n"
            "legacy = metadata\npredictive_models = Table(\"predictive_models\", metadata, Column(\"id\", Integer))\n",
            "from app.database import metadata\n\nlegacy = metadata\n",
            {"canonical": "app.tables:predictive_models", "remove": ["app.legacy:predictive_models"]},
            "app/legacy.py",
        ),
    )

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        arg_parser.add_argument(
            "--canonical", required=True, metavar="MODULE:NAME", help="the definition to keep, e.g. app.models.analytics_models:PredictiveModel"
        )
        arg_parser.add_argument(
            "--remove",
            action="append",
            required=True,
            metavar="MODULE:NAME",
            help="a definition to delete and whose importers to repoint (repeatable)",
        )

    def __init__(
        self, context: CodemodContext, canonical: Union[str, Target], remove: Sequence[Union[str, Target]]
    ) -> None:
        self.canonical = Target.parse(canonical)
        self.removed = tuple(Target.parse(r) for r in remove)
        if self.canonical in self.removed:
            raise ValueError(f"{self.canonical.spec} is both kept and removed")
        moves = [Move(r.module, r.name, self.canonical.module, self.canonical.name) for r in self.removed]
        super().__init__(context, moves)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        updated_node = super().leave_Module(original_node, updated_node)
        names = {r.name for r in self.removed if r.module == self.context.full_module_name}
        if not names or self.context.full_module_name == self.canonical.module:
            return updated_node
        return self._delete_definitions(original_node, updated_node, names)

    def _delete_definitions(self, original: cst.Module, updated: cst.Module, names: set[str]) -> cst.Module:
        # Matched by name, not position: a split import may have added module-level lines.
        originals = {_defined_name(stmt): stmt for stmt in original.body if _defined_name(stmt) in names}
        body: list[cst.BaseStatement] = []
        carried: list[cst.EmptyLine] = []  # detached comments of a deleted statement
        deleted: list[tuple[str, cst.CSTNode]] = []
        for new in updated.body:
            name = _defined_name(new)
            if name in names and name in originals:
                deleted.append((name, originals[name]))
                carried.extend(_detached_comments(new.leading_lines))
                continue
            if carried:
                new = new.with_changes(leading_lines=[*carried, *new.leading_lines])
                carried = []
            body.append(new)
        if not deleted:
            return updated
        footer = [*carried, *updated.footer] if carried else updated.footer
        inside = _NodeIds()
        for _name, node in deleted:
            node.visit(inside)
            # Imports only the deleted definition used go too (RemoveImportsVisitor
            # keeps any that something else still uses).
            RemoveImportsVisitor.remove_unused_import_by_node(self.context, node)
        exported = _dunder_all(original)
        for name, _node in deleted:
            if self._still_referenced(original, name, inside.ids) or name in exported:
                asname = name if name != self.canonical.name else None
                AddImportsVisitor.add_needed_import(self.context, self.canonical.module, self.canonical.name, asname)
        return updated.with_changes(body=body, footer=footer)

    def _still_referenced(self, module: cst.Module, name: str, deleted_ids: set[int]) -> bool:
        scope = self.get_metadata(ScopeProvider, module, None)
        if scope is None:
            return True
        for assignment in scope.assignments[name]:
            for access in assignment.references:
                if id(access.node) not in deleted_ids:
                    return True
        return False


def _defined_name(statement: cst.BaseStatement) -> str | None:
    """The name a top-level class or `name = Table(...)` statement defines."""
    if isinstance(statement, cst.ClassDef):
        return statement.name.value
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        small = statement.body[0]
        if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name):
            return small.targets[0].target.value
        if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name) and small.value is not None:
            return small.target.value
    return None


def _detached_comments(leading: Sequence[cst.EmptyLine]) -> list[cst.EmptyLine]:
    """Comment lines above a statement that a blank line separates from it: they
    describe a section, not the statement, and survive its deletion."""
    last_blank = max((i for i, line in enumerate(leading) if line.comment is None), default=-1)
    detached = list(leading[:last_blank])
    # Trailing blank lines of the detached part would pile up on the next statement's own.
    while detached and detached[-1].comment is None:
        detached.pop()
    return detached if any(line.comment is not None for line in detached) else []


def _dunder_all(module: cst.Module) -> set[str]:
    names: set[str] = set()
    for statement in module.body:
        if _defined_name(statement) != "__all__":
            continue
        value = statement.body[0].value  # type: ignore[union-attr]
        if isinstance(value, (cst.List, cst.Tuple)):
            for element in value.elements:
                if isinstance(element.value, cst.SimpleString):
                    names.add(element.value.evaluated_value)
    return names


class _NodeIds(cst.CSTVisitor):
    def __init__(self) -> None:
        self.ids: set[int] = set()

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.ids.add(id(node))
        return True
