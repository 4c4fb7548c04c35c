"""Repoint imports of names to the module that really defines them.

`from app.middleware.auth import get_current_user` where `app.middleware.auth` does
not exist but `app.core.security` defines `get_current_user` becomes
`from app.core.security import get_current_user`.  Other names in the statement
stay where they were (the statement is split), aliases are kept, relative imports
stay relative when rewritten in place, and attribute uses through a module import
(`import app.models.core as core` ... `core.PredictiveModel`) are rewritten to a
name imported from the new module, the old module import being removed once unused.

Run through libcst's CLI (with the `.libcst.codemod.yaml` of this repository)::

    python -m libcst.tool codemod repoint_imports.RepointImportsCommand \
        --move app.middleware.auth:get_current_user=app.core.security app/
"""

from __future__ import annotations

import argparse
from typing import Optional, Sequence, Union

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor
from libcst.helpers import get_absolute_module_from_package_for_import, get_full_name_for_node
from libcst.metadata import (
    Assignment,
    ParentNodeProvider,
    QualifiedNameProvider,
    QualifiedNameSource,
    Scope,
    ScopeProvider,
)

from codemods._common import (
    AliasSafeImportsCommand,
    Move,
    absolute_name,
    dotted_expr,
    import_from_parts,
    parse_all,
    strip_trailing_comma,
    without_opening_blank_lines,
)

MOVE_HELP = (
    "OLD_MODULE:NAME=NEW_MODULE[:NEW_NAME]: imports of NAME from OLD_MODULE are pointed at "
    "NEW_MODULE (as NEW_NAME, aliased back to NAME so no other line changes). Repeatable."
)


class RepointImportsCommand(AliasSafeImportsCommand):
    DESCRIPTION: str = "Point imports (from-imports and module.attribute uses) at the module that defines the name."

    METADATA_DEPENDENCIES = (QualifiedNameProvider, ScopeProvider, ParentNodeProvider)

    # (before, after, arguments, path of the file in its project) — run by tests/test_codemods.py.
    EXAMPLES: tuple[tuple[str, str, dict, str], ...] = (
        (  # the whole statement moves: rewritten in place, comments kept
            "from app.middleware.auth import get_current_user  # auth dependency\n",
            "from app.core.security import get_current_user  # auth dependency\n",
            {"moves": ["app.middleware.auth:get_current_user=app.core.security"]},
            "app/routers/agents_api.py",
        ),
        (  # one name of several moves: the statement is split, the alias kept
            "from app.services.auth_service import (\n"
            "    get_current_user as current_user,  # who is asking\n"
            "    require_admin,\n"
            ")\n\ncurrent_user, require_admin\n",
            "from app.services.auth_service import (\n"
            "    require_admin,\n"
            ")\nfrom app.core.security import get_current_user as current_user\n\ncurrent_user, require_admin\n",
            {"moves": ["app.services.auth_service:get_current_user=app.core.security"]},
            "app/routers/compliance_reports.py",
        ),
        (  # relative imports stay relative when the statement moves as a whole
            "from .core import PredictiveModel\n",
            "from .analytics_models import PredictiveModel\n",
            {"moves": ["app.models.core:PredictiveModel=app.models.analytics_models"]},
            "app/models/__init__.py",
        ),
        (  # a module import used through attributes
            "import app.models.core as core\n\n\ndef f():\n    return core.PredictiveModel.__table__\n",
            "from app.models.analytics_models import PredictiveModel\n\n\ndef f():\n    return PredictiveModel.__table__\n",
            {"moves": ["app.models.core:PredictiveModel=app.models.analytics_models"]},
            "app/services/ml.py",
        ),
        (  # the module import stays while other attributes still need it
            "import app.models.core as core\n\nx = (core.PredictiveModel, core.User)\n",
            "import app.models.core as core\nfrom app.models.analytics_models import PredictiveModel\n\n"
            "x = (PredictiveModel, core.User)\n",
            {"moves": ["app.models.core:PredictiveModel=app.models.analytics_models"]},
            "app/services/ml.py",
        ),
        (  # a renamed target is aliased back, so the rest of the file is untouched
            "from app.models.webhook_models import WebhookDeliveryDataPoint, WebhookEvent\n\nWebhookDeliveryDataPoint\n",
            "from app.models.webhook_models import WebhookEvent\n"
            "from app.models.core import AnalyticsDataPoint as WebhookDeliveryDataPoint\n\nWebhookDeliveryDataPoint\n",
            {"moves": ["app.models.webhook_models:WebhookDeliveryDataPoint=app.models.core:AnalyticsDataPoint"]},
            "app/routers/webhooks_comprehensive.py",
        ),
        (  # an import inside a function or a try block gets its new statement next to it
            "def handler():\n    from app.auth import get_current_user, oauth2_scheme\n    return get_current_user\n",
            "def handler():\n    from app.auth import oauth2_scheme\n    from app.core.security import get_current_user\n"
            "    return get_current_user\n",
            {"moves": ["app.auth:get_current_user=app.core.security"]},
            "app/routers/database_performance.py",
        ),
        (  # a name the file binds itself is not shadowed: the module is imported instead
            "import app.models.core as core\n\nPredictiveModel = 1\nx = core.PredictiveModel\n",
            "import app.models.analytics_models\n\nPredictiveModel = 1\nx = app.models.analytics_models.PredictiveModel\n",
            {"moves": ["app.models.core:PredictiveModel=app.models.analytics_models"]},
            "app/services/ml.py",
        ),
        (  # a star import of the old module: the name it no longer provides is imported explicitly
            "from app.models.core import *\n\nx = PredictiveModel\n",
            "from app.models.core import *\nfrom app.models.analytics_models import PredictiveModel\n\nx = PredictiveModel\n",
            {"moves": ["app.models.core:PredictiveModel=app.models.analytics_models"]},
            "app/services/ml.py",
        ),
        (  # a module imported under a second name (a sys.path entry): every spelling repointed
            "from models.core import User  # legacy path\nimport models.core\nimport models.core as mc\n"
            "from models import core\n\nx = (User, models.core.User, mc.User, core.User)\n",
            "from app.models.core import User  # legacy path\nimport app.models.core\nimport app.models.core as mc\n"
            "from app.models import core\n\nx = (User, app.models.core.User, mc.User, core.User)\n",
            {"module_moves": ["models.core=app.models.core"]},
            "app/main.py",
        ),
    )

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        arg_parser.add_argument("--move", dest="moves", action="append", default=[], metavar="MOVE", help=MOVE_HELP)
        arg_parser.add_argument(
            "--move-module",
            dest="module_moves",
            action="append",
            default=[],
            metavar="OLD=NEW",
            help="import module OLD under the name NEW instead (`from models.core import X` -> "
            "`from app.models.core import X`, `models.core.X` -> `app.models.core.X`). Repeatable.",
        )

    def __init__(
        self,
        context: CodemodContext,
        moves: Sequence[Union[str, Move]] = (),
        module_moves: Sequence[str] = (),
    ) -> None:
        super().__init__(context)
        self.moves: tuple[Move, ...] = parse_all(moves)
        self.module_moves: dict[str, str] = dict(_parse_module_move(m) for m in module_moves)
        if not self.moves and not self.module_moves:
            raise ValueError("nothing to do: give --move and/or --move-module")
        self._by_old: dict[tuple[str, str], Move] = {(m.old_module, m.old_name): m for m in self.moves}
        self._old_modules = {m.old_module for m in self.moves}
        # New statements for a split import that is not at module level; emitted
        # right after the statement line that holds it (same block, same guard).
        self._siblings: list[cst.ImportFrom] = []
        self._star_imported: set[str] = set()

    # ----------------------------------------------------------------- helpers

    def _renamed_module(self, dotted: Optional[str]) -> Optional[str]:
        """The new name of a module a module move renames (its submodules follow)."""
        if not dotted:
            return None
        for old, new in self.module_moves.items():
            if dotted == old or dotted.startswith(old + "."):
                return new + dotted[len(old) :]
        return None

    def _import_module(self, node: cst.ImportFrom) -> Optional[str]:
        try:
            return get_absolute_module_from_package_for_import(self.context.full_package_name, node)
        except Exception:  # a relative import beyond the top-level package: leave it
            return None

    def _move_for(self, module: Optional[str], name: str) -> Optional[Move]:
        move = self._by_old.get((module or "", name))
        # A module never imports a name from itself: that line would be the definition.
        if move is None or move.new_module == self.context.full_module_name:
            return None
        return move

    def _at_module_level(self, node: cst.CSTNode) -> bool:
        line = self.get_metadata(ParentNodeProvider, node, None)
        return line is not None and isinstance(self.get_metadata(ParentNodeProvider, line, None), cst.Module)

    def _from_import(self, module: str, entries: list[tuple[str, Optional[str]]], relative_style: bool) -> cst.ImportFrom:
        aliases = [
            cst.ImportAlias(name=cst.Name(name), asname=cst.AsName(name=cst.Name(asname)) if asname else None)
            for name, asname in entries
        ]
        parts = import_from_parts(self.context.full_package_name, module, relative_style)
        return cst.ImportFrom(names=aliases, **parts)

    # ----------------------------------------------------------- from-imports

    def leave_ImportFrom(self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom) -> cst.ImportFrom:
        module = self._import_module(original_node)
        renamed = self._renamed_module(module) if not original_node.relative else None
        if renamed is not None:
            # The same module under its canonical name: only the module part changes.
            updated_node = updated_node.with_changes(module=dotted_expr(renamed))
            module = renamed
        elif not original_node.relative and module and not isinstance(updated_node.names, cst.ImportStar):
            updated_node = self._rename_submodule_imports(module, updated_node)
        if isinstance(updated_node.names, cst.ImportStar):
            if module in self._old_modules:
                self._star_imported.add(module)
            return updated_node
        keep: list[cst.ImportAlias] = []
        groups: dict[str, list[tuple[cst.ImportAlias, Move, Optional[str]]]] = {}
        for alias in updated_node.names:
            move = self._move_for(module, alias.evaluated_name)
            if move is None:
                keep.append(alias)
                continue
            asname = alias.evaluated_alias
            if asname is None and move.renamed:
                asname = move.old_name  # keep the local name every other line uses
            if asname == move.new_name:
                asname = None
            groups.setdefault(move.new_module, []).append((alias, move, asname))
        if not groups:
            return updated_node

        relative_style = bool(original_node.relative)
        parenthesized = updated_node.lpar is not None
        pending = list(groups.items())
        if keep:
            result = updated_node.with_changes(names=strip_trailing_comma(keep, parenthesized))
        else:
            # Every name leaves: the statement itself moves, so its comments and layout stay.
            new_module, entries = pending.pop(0)
            aliases = [self._renamed_alias(alias, move, asname) for alias, move, asname in entries]
            parts = import_from_parts(self.context.full_package_name, new_module, relative_style)
            result = updated_node.with_changes(names=strip_trailing_comma(aliases, parenthesized), **parts)

        top_level = self._at_module_level(original_node)
        for new_module, entries in pending:
            # AddImportsVisitor merges into an existing `from new_module import ...`, but it
            # cannot take one name twice (`A, A as x`: it sorts None against a str).
            distinct = len({move.new_name for _a, move, _n in entries}) == len(entries)
            # It also adds after the last top import: a name bound again in between would
            # then end up bound the other way round.
            rebound = any(self._bound_more_than_once(original_node, n or a.evaluated_name) for a, _m, n in entries)
            if top_level and distinct and not rebound:
                for _alias, move, asname in entries:
                    AddImportsVisitor.add_needed_import(self.context, new_module, move.new_name, asname)
            else:
                pairs = [(move.new_name, asname) for _alias, move, asname in entries]
                self._siblings.append(self._from_import(new_module, pairs, relative_style))
        return result

    def _bound_more_than_once(self, node: cst.CSTNode, local: str) -> bool:
        scope = self.get_metadata(ScopeProvider, node, None)
        return scope is not None and len(scope.assignments[local]) > 1

    def _rename_submodule_imports(self, module: str, node: cst.ImportFrom) -> cst.ImportFrom:
        """`from models import core` where `models.core` moves: rewritten only when every
        name moves to one new package under its own name (`from app.models import core`)."""
        names = node.names
        assert not isinstance(names, cst.ImportStar)
        targets = [self._renamed_module(f"{module}.{alias.evaluated_name}") for alias in names]
        if any(t is None for t in targets):
            return node
        parents = {t.rpartition(".")[0] for t in targets if t}
        same_names = all(t and t.rpartition(".")[2] == a.evaluated_name for t, a in zip(targets, names))
        if len(parents) != 1 or "" in parents or not same_names:
            return node
        return node.with_changes(module=dotted_expr(parents.pop()))

    def leave_Import(self, original_node: cst.Import, updated_node: cst.Import) -> cst.Import:
        if not self.module_moves:
            return updated_node
        aliases = []
        for alias in updated_node.names:
            renamed = self._renamed_module(alias.evaluated_name)
            aliases.append(alias if renamed is None else alias.with_changes(name=dotted_expr(renamed)))
        return updated_node.with_changes(names=aliases)

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        return self._module_reference(original_node, updated_node)

    def _module_reference(self, original: Union[cst.Name, cst.Attribute], updated: cst.BaseExpression) -> cst.BaseExpression:
        """`models.core` written out in the code (through `import models.core`) becomes the
        new dotted name; an alias (`import models.core as mc` ... `mc`) stays as it is."""
        if not self.module_moves:
            return updated
        written = get_full_name_for_node(original)
        for qualified in self.get_metadata(QualifiedNameProvider, original, set()):
            if qualified.source is QualifiedNameSource.IMPORT and qualified.name == written:
                renamed = self._renamed_module(written)
                if renamed is not None and written in self.module_moves:
                    return dotted_expr(renamed).with_changes(lpar=updated.lpar, rpar=updated.rpar)  # type: ignore[union-attr]
        return updated

    @staticmethod
    def _renamed_alias(alias: cst.ImportAlias, move: Move, asname: Optional[str]) -> cst.ImportAlias:
        if asname is None:
            return alias.with_changes(name=cst.Name(move.new_name), asname=None)
        if alias.asname is not None:
            return alias.with_changes(name=cst.Name(move.new_name), asname=alias.asname.with_changes(name=cst.Name(asname)))
        return alias.with_changes(name=cst.Name(move.new_name), asname=cst.AsName(name=cst.Name(asname)))

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> Union[cst.SimpleStatementLine, cst.FlattenSentinel[cst.SimpleStatementLine]]:
        if not self._siblings:
            return updated_node
        extra = [cst.SimpleStatementLine(body=[node]) for node in self._siblings]
        self._siblings = []
        return cst.FlattenSentinel([updated_node, *extra])

    # ------------------------------------------------- module.attribute uses

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        move = self._attribute_move(original_node)
        if move is None:
            return self._module_reference(original_node, updated_node)
        replacement = self._reference_to(original_node, move)
        # The module import that gave `core` may now be unused; removed only if so.
        RemoveImportsVisitor.remove_unused_import_by_node(self.context, original_node.value)
        return replacement.with_changes(lpar=updated_node.lpar, rpar=updated_node.rpar)

    def _attribute_move(self, node: cst.Attribute) -> Optional[Move]:
        for qualified in self.get_metadata(QualifiedNameProvider, node, set()):
            if qualified.source is not QualifiedNameSource.IMPORT:
                continue
            absolute = absolute_name(self.context.full_package_name, qualified.name)
            if absolute is None:
                continue
            module, _, name = absolute.rpartition(".")
            move = self._move_for(module, name)
            if move is not None:
                return move
        return None

    def _reference_to(self, node: cst.CSTNode, move: Move) -> Union[cst.Name, cst.Attribute]:
        scope = self.get_metadata(ScopeProvider, node, None)
        if self._name_is_free(scope, move):
            AddImportsVisitor.add_needed_import(self.context, move.new_module, move.new_name)
            return cst.Name(move.new_name)
        # The file binds the name to something else: go through the module instead.
        AddImportsVisitor.add_needed_import(self.context, move.new_module)
        return cst.ensure_type(cst.parse_expression(f"{move.new_module}.{move.new_name}"), cst.Attribute)

    def _name_is_free(self, scope: Optional[Scope], move: Move) -> bool:
        if scope is None:
            return True
        for assignment in scope[move.new_name]:
            if not isinstance(assignment, Assignment):
                continue  # a builtin of that name may be shadowed, as any import does
            bound_by = assignment.node
            if isinstance(bound_by, cst.ImportFrom) and self._import_module(bound_by) == move.new_module:
                names = bound_by.names
                if not isinstance(names, cst.ImportStar) and any(
                    a.evaluated_name == move.new_name and a.evaluated_alias is None for a in names
                ):
                    continue  # already imported from the new module: reuse it
            return False
        return True

    def transform_module(self, tree: cst.Module) -> cst.Module:
        result = super().transform_module(tree)
        # RemoveImportsVisitor drops a file's first statement but not the blank lines
        # that separated it from the next one, which then open the file.
        if (
            result is not tree
            and result.body
            and tree.body
            and not any(line.comment is None for line in tree.body[0].leading_lines[:1])
            and result.body[0].leading_lines
            and result.body[0].leading_lines[0].comment is None
        ):
            result = without_opening_blank_lines(result)
        return result

    # -------------------------------------------------------------- star imports

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if self._star_imported:
            unresolved = _UnresolvedNames(self)
            original_node.visit(unresolved)
            for move in self.moves:
                if move.old_module in self._star_imported and move.old_name in unresolved.names:
                    asname = move.old_name if move.renamed else None
                    AddImportsVisitor.add_needed_import(self.context, move.new_module, move.new_name, asname)
        return updated_node


def _parse_module_move(spec: str) -> tuple[str, str]:
    old, sep, new = spec.partition("=")
    for dotted in (old, new):
        if not sep or not dotted or not all(part.isidentifier() for part in dotted.split(".")):
            raise ValueError(f"a module move is OLD=NEW with dotted module names, got {spec!r}")
    return old, new


class _UnresolvedNames(cst.CSTVisitor):
    """Names read somewhere in the module that no scope binds (a star import may)."""

    def __init__(self, command: RepointImportsCommand) -> None:
        self.command = command
        self.names: set[str] = set()

    def visit_Name(self, node: cst.Name) -> None:
        scope = self.command.get_metadata(ScopeProvider, node, None)
        if scope is not None and not scope[node.value] and any(
            access.node is node for access in scope.accesses[node.value]
        ):
            self.names.add(node.value)
