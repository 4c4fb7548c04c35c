"""Rename a name imported from a module, and every use of it in the file.

`from app.services.workflow_engine import WorkflowEngin` (a typo: the module defines
`WorkflowEngine`) becomes `from app.services.workflow_engine import WorkflowEngine`,
and each read of `WorkflowEngin` that the import binds (found through libcst's
`ScopeProvider`, so a local of the same name elsewhere is left alone) is renamed.

The rest of the file stays untouched — the import is aliased instead
(`import WorkflowEngine as WorkflowEngin`) — when renaming the uses could change
meaning: the new name is already used in the file, the old name is bound a second
time (`except ImportError: WorkflowEngin = None`), or it is used where only a string
mentions it.  An import that already has an `as` name only changes the imported name.

Run through libcst's CLI (with the `.libcst.codemod.yaml` of this repository)::

    python -m libcst.tool codemod rename_import.RenameImportCommand \
        --rename app.services.workflow_engine:WorkflowEngin=WorkflowEngine app/routers/
"""

from __future__ import annotations

import argparse
from typing import Sequence

import libcst as cst
import libcst.matchers as m
from libcst.codemod import CodemodContext, VisitorBasedCodemodCommand
from libcst.helpers import get_absolute_module_from_package_for_import
from libcst.metadata import ScopeProvider


def parse_rename(spec: str) -> tuple[str, str, str]:
    """`MODULE:OLD=NEW` as (module, old, new)."""
    left, sep, new = spec.partition("=")
    module, colon, old = left.partition(":")
    if not sep or not colon or not all(p.isidentifier() for p in module.split(".")) or not old.isidentifier() or not new.isidentifier():
        raise ValueError(f"a rename is MODULE:OLD=NEW, got {spec!r}")
    return module, old, new


class RenameImportCommand(VisitorBasedCodemodCommand):
    DESCRIPTION: str = "Rename a name imported from a module, and its uses in the file (or alias it when renaming is unsafe)."

    METADATA_DEPENDENCIES = (ScopeProvider,)

    # (before, after, arguments, path of the file in its project) — run by tests/test_fix_typos.py.
    EXAMPLES: tuple[tuple[str, str, dict, str], ...] = (
        (  # the import and every use renamed; a parameter of the same name elsewhere is not the import
            "from app.services.workflow_engine import WorkflowEngin, WorkflowValidationError  # engine\n\n\n"
            "def validate(nodes):\n    return WorkflowEngin.topological_order(nodes)\n\n\n"
            "def other(WorkflowEngin):\n    return WorkflowEngin\n",
            "from app.services.workflow_engine import WorkflowEngine, WorkflowValidationError  # engine\n\n\n"
            "def validate(nodes):\n    return WorkflowEngine.topological_order(nodes)\n\n\n"
            "def other(WorkflowEngin):\n    return WorkflowEngin\n",
            {"renames": ["app.services.workflow_engine:WorkflowEngin=WorkflowEngine"]},
            "app/routers/workflow_management.py",
        ),
        (  # the new name already means something here: alias, nothing else changes
            "from .engine import Enginee\n\nEngine = 'local'\nx = Enginee()\n",
            "from .engine import Engine as Enginee\n\nEngine = 'local'\nx = Enginee()\n",
            {"renames": ["app.services.engine:Enginee=Engine"]},
            "app/services/runner.py",
        ),
        (  # an `as` name: only the imported name changes
            "from app.core.security import get_curent_user as current_user\n\ncurrent_user\n",
            "from app.core.security import get_current_user as current_user\n\ncurrent_user\n",
            {"renames": ["app.core.security:get_curent_user=get_current_user"]},
            "app/routers/users.py",
        ),
    )

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        arg_parser.add_argument("--rename", dest="renames", action="append", default=[], metavar="MODULE:OLD=NEW",
                                help="imports of OLD from MODULE import NEW instead; uses of OLD are renamed. Repeatable.")  # fmt: skip

    def __init__(self, context: CodemodContext, renames: Sequence[str] = ()) -> None:
        super().__init__(context)
        parsed = [parse_rename(spec) for spec in renames]
        if not parsed:
            raise ValueError("nothing to do: give --rename")
        self.renames: dict[tuple[str, str], str] = {(module, old): new for module, old, new in parsed}
        self._aliases: dict[cst.ImportAlias, cst.ImportAlias] = {}
        self._names: dict[cst.Name, str] = {}

    def _module_of(self, node: cst.ImportFrom) -> str | None:
        try:
            return get_absolute_module_from_package_for_import(self.context.full_package_name, node)
        except Exception:  # a relative import beyond the top-level package
            return None

    def visit_Module(self, node: cst.Module) -> bool:
        used = {n.value for n in m.findall(node, m.Name())}
        for imp in m.findall(node, m.ImportFrom()):
            assert isinstance(imp, cst.ImportFrom)
            if isinstance(imp.names, cst.ImportStar):
                continue
            module = self._module_of(imp)
            for alias in imp.names:
                new = self.renames.get((module or "", alias.evaluated_name))
                if new is None:
                    continue
                renamed = alias.with_changes(name=cst.Name(new))
                if alias.asname is not None:
                    self._aliases[alias] = renamed
                    continue
                old = alias.evaluated_name
                references = self._references(imp, old)
                if new in used or references is None or not all(isinstance(r, cst.Name) for r in references):
                    self._aliases[alias] = renamed.with_changes(asname=cst.AsName(name=cst.Name(old)))
                    continue
                self._aliases[alias] = renamed
                for reference in references:
                    assert isinstance(reference, cst.Name)
                    self._names[reference] = new
        return True

    def _references(self, imp: cst.ImportFrom, local: str) -> list[cst.CSTNode] | None:
        """The nodes reading the binding `imp` makes; None when `local` is bound more than
        once in that scope (renaming one binding would split them)."""
        scope = self.get_metadata(ScopeProvider, imp, None)
        if scope is None:
            return None
        bindings = list(scope.assignments[local])
        if len(bindings) != 1 or getattr(bindings[0], "node", None) is not imp:
            return None
        return [access.node for access in bindings[0].references]

    def leave_ImportAlias(self, original_node: cst.ImportAlias, updated_node: cst.ImportAlias) -> cst.ImportAlias:
        renamed = self._aliases.get(original_node)
        return updated_node if renamed is None else renamed.with_changes(comma=updated_node.comma)

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        new = self._names.get(original_node)
        return updated_node if new is None else updated_node.with_changes(value=new)
