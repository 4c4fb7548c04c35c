"""Defer a module-level import that closes an import cycle.

`from app.services.credit_service import CreditLedger` at the top of
`billing_service.py` runs while `credit_service` (which imports billing first) is
only partially initialised.  Python only needs the name when something reads it, so
the import moves to where it is read:

* a name read inside function bodies is imported at the top of each outermost
  function that reads it (it then runs at the first call, when both modules are
  complete);
* a name read only in annotations that Python never evaluates (with
  `from __future__ import annotations`: parameter and return annotations of
  undecorated functions, module-level and local variable annotations) is imported
  under `if TYPE_CHECKING:` so that type checkers still see it.

A name read at import time — module level, a class body, a decorator, a default
value, a class-level annotation (dataclasses, pydantic, SQLAlchemy read those), the
annotations of a decorated function (FastAPI, pydantic's validate_call read those) —
cannot be deferred: the file is skipped (`SkipFile`) with the first such place.

Run through libcst's CLI (with the `.libcst.codemod.yaml` of this repository)::

    python -m libcst.tool codemod defer_import.DeferImportCommand \
        --module app.services.credit_service app/services/billing_service.py
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from typing import Optional, Sequence, Union

import libcst as cst
import libcst.matchers as m
from libcst.codemod import CodemodContext, SkipFile, VisitorBasedCodemodCommand
from libcst.codemod.visitors import AddImportsVisitor
from libcst.helpers import get_absolute_module_from_package_for_import
from libcst.metadata import ParentNodeProvider, PositionProvider, ScopeProvider

from codemods._common import strip_trailing_comma, without_opening_blank_lines

# Decorators that hand the function back unchanged and never read its annotations.
HARMLESS_DECORATORS = {"staticmethod", "classmethod", "property", "abstractmethod", "abc.abstractmethod"}


@dataclass
class _Plan:
    """What happens to one imported name."""

    alias: cst.ImportAlias
    functions: list[cst.FunctionDef] = field(default_factory=list)  # outermost functions reading it
    annotations: bool = False  # read in never-evaluated annotations


class DeferImportCommand(VisitorBasedCodemodCommand):
    DESCRIPTION: str = "Move a module-level `from MODULE import ...` into the functions that use the names (or under TYPE_CHECKING)."

    METADATA_DEPENDENCIES = (ScopeProvider, ParentNodeProvider, PositionProvider)

    # (before, after, arguments, path of the file in its project) — run by tests/test_fix_cycles.py.
    EXAMPLES: tuple[tuple[str, str, dict, str], ...] = (
        (  # an annotation-only use goes under TYPE_CHECKING (annotations are strings here)
            "from __future__ import annotations\n\nfrom app.services.credit_service import CreditLedger  # the cycle\n"
            "from app.models import Payment\n\n\nclass Billing:\n    def __init__(self, ledger: CreditLedger) -> None:\n"
            "        self.ledger = ledger\n",
            "from __future__ import annotations\nfrom typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
            "    from app.services.credit_service import CreditLedger  # the cycle\n"
            "from app.models import Payment\n\n\nclass Billing:\n    def __init__(self, ledger: CreditLedger) -> None:\n"
            "        self.ledger = ledger\n",
            {"module": "app.services.credit_service"},
            "app/services/billing_service.py",
        ),
        (  # a use in function bodies: imported in each function, after its docstring
            "from .credit import Ledger, cost\n\n\ndef charge(n):\n    \"\"\"Charge n credits.\"\"\"\n"
            "    return Ledger().add(cost(n))\n\n\nclass B:\n    def refund(self):\n        return Ledger()\n",
            "def charge(n):\n    \"\"\"Charge n credits.\"\"\"\n    from .credit import Ledger, cost\n"
            "    return Ledger().add(cost(n))\n\n\nclass B:\n    def refund(self):\n        from .credit import Ledger\n"
            "        return Ledger()\n",
            {"module": "app.services.credit"},
            "app/services/billing.py",
        ),
        (  # both: annotation under TYPE_CHECKING and a runtime use in a body
            "from __future__ import annotations\n\nfrom typing import TYPE_CHECKING\n\nfrom app.a import A\n\n"
            "if TYPE_CHECKING:\n    from app.c import C\n\n\ndef f(x: A) -> A:\n    return A(x)\n",
            "from __future__ import annotations\n\nfrom typing import TYPE_CHECKING\n\n"
            "if TYPE_CHECKING:\n    from app.c import C\n    from app.a import A\n\n\ndef f(x: A) -> A:\n    from app.a import A\n    return A(x)\n",
            {"module": "app.a"},
            "app/b.py",
        ),
    )

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        arg_parser.add_argument("--module", dest="module", required=True, help="the module whose module-level from-imports are deferred")
        arg_parser.add_argument("--name", dest="names", action="append", default=[], help="only these imported names (default: every name). Repeatable.")

    def __init__(self, context: CodemodContext, module: str, names: Sequence[str] = ()) -> None:
        super().__init__(context)
        if not module:
            raise ValueError("give --module")
        self.target_module = module
        self.names = set(names)
        self._statements: dict[cst.SimpleStatementLine, cst.ImportFrom] = {}
        self._plans: list[_Plan] = []
        self._future_annotations = False
        self._type_checking_block: Optional[cst.If] = None
        self._exported: set[str] = set()

    # ------------------------------------------------------------------ analysis

    def _resolves_to_module(self, node: cst.ImportFrom) -> bool:
        try:
            return get_absolute_module_from_package_for_import(self.context.full_package_name, node) == self.target_module
        except Exception:  # a relative import beyond the top-level package
            return False

    def _line(self, node: cst.CSTNode) -> int:
        return self.get_metadata(PositionProvider, node).start.line

    def visit_Module(self, node: cst.Module) -> bool:
        for statement in node.body:
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if isinstance(small, cst.ImportFrom) and small.module is not None and small.module.value == "__future__" \
                            and not isinstance(small.names, cst.ImportStar) and any(a.evaluated_name == "annotations" for a in small.names):
                        self._future_annotations = True
                    if isinstance(small, cst.ImportFrom) and self._resolves_to_module(small):
                        if isinstance(small.names, cst.ImportStar):
                            raise SkipFile(f"line {self._line(small)}: a star import cannot be deferred")
                        if len(statement.body) > 1:
                            raise SkipFile(f"line {self._line(small)}: the import shares its line with another statement")
                        self._statements[statement] = small
            if isinstance(statement, cst.SimpleStatementLine) and _assigns_all(statement):
                self._exported |= {s.evaluated_value for s in m.findall(statement, m.SimpleString()) if isinstance(s, cst.SimpleString) and isinstance(s.evaluated_value, str)}
            elif isinstance(statement, cst.If) and _is_type_checking(statement.test) and isinstance(statement.body, cst.IndentedBlock):
                self._type_checking_block = statement
        scope = self.get_metadata(ScopeProvider, node)
        for statement, imp in self._statements.items():
            assert not isinstance(imp.names, cst.ImportStar)
            for alias in imp.names:
                if self.names and alias.evaluated_name not in self.names:
                    continue
                self._plans.append(self._plan(scope, imp, alias))
        return True

    def _plan(self, scope, imp: cst.ImportFrom, alias: cst.ImportAlias) -> _Plan:
        local = alias.evaluated_alias or alias.evaluated_name
        if local in self._exported:
            raise SkipFile(f"`{local}` is listed in __all__: a star import of this module would miss it")
        bindings = list(scope.assignments[local])
        if len(bindings) > 1:
            raise SkipFile(f"`{local}` is bound more than once at module level; deferring its import would change which binding wins")
        plan = _Plan(alias)
        for access in sorted(bindings[0].references if bindings else (), key=lambda a: self._line(a.node)):
            where = self._classify(access.node)
            if isinstance(where, cst.FunctionDef):
                if where not in plan.functions:
                    plan.functions.append(where)
            elif where == "annotation":
                plan.annotations = True
            else:
                raise SkipFile(f"line {self._line(access.node)}: `{local}` is used at import time ({where})")
        return plan

    def _classify(self, node: cst.CSTNode) -> Union[cst.FunctionDef, str]:
        """Where a read of the name happens: the outermost function whose body holds it,
        "annotation" (never evaluated), or a description of an import-time use."""
        chain: list[cst.CSTNode] = [node]
        while not isinstance(chain[-1], cst.Module):
            parent = self.get_metadata(ParentNodeProvider, chain[-1], None)
            if parent is None:
                break
            chain.append(parent)
        annotation = self._annotation_verdict(chain)
        if annotation is not None:
            return annotation
        outermost: Optional[cst.FunctionDef] = None
        in_lambda = False
        for child, parent in zip(chain, chain[1:]):
            if isinstance(parent, cst.FunctionDef) and child is parent.body:
                outermost = parent
            elif isinstance(parent, cst.Lambda) and child is parent.body and outermost is None:
                in_lambda = True
        if outermost is not None:
            return outermost
        if in_lambda:
            return "in a lambda outside any function: no place for the import"
        for child, parent in zip(chain, chain[1:]):
            if isinstance(parent, cst.Decorator):
                return "in a decorator"
            if isinstance(parent, cst.Param) and child is parent.default:
                return "in a default value"
            if isinstance(parent, cst.ClassDef):
                return "in a class statement"
        return "at module level"

    def _annotation_verdict(self, chain: list[cst.CSTNode]) -> Optional[Union[cst.FunctionDef, str]]:
        """For a read inside an annotation: "annotation" when Python never evaluates it,
        a reason when something evaluates it at import time, None when it is not an
        annotation (or one evaluated at call time, which the caller places)."""
        for i, parent in enumerate(chain[1:], start=1):
            if isinstance(parent, cst.Annotation):
                owner = chain[i + 1] if i + 1 < len(chain) else None
                rest = chain[i + 1 :]
                break
            if isinstance(parent, (cst.BaseSmallStatement, cst.BaseCompoundStatement)):
                return None
        else:
            return None
        in_function_body = any(isinstance(p, cst.FunctionDef) and c is p.body for c, p in zip(rest, rest[1:]))
        if isinstance(owner, cst.AnnAssign) and in_function_body:
            return "annotation"  # local variable annotations are never evaluated (PEP 526)
        if not self._future_annotations:
            return None  # evaluated where it stands: placed like any other read
        if isinstance(owner, cst.AnnAssign):
            container = next((p for p in rest[1:] if isinstance(p, (cst.ClassDef, cst.FunctionDef, cst.Module))), None)
            if isinstance(container, cst.ClassDef):
                return "in a class-level annotation (dataclasses, pydantic and SQLAlchemy read those)"
            return "annotation"
        function = next((p for p in rest if isinstance(p, cst.FunctionDef)), None)
        if function is None:
            return None
        for decorator in function.decorators:
            name = _dotted(decorator.decorator)
            if name not in HARMLESS_DECORATORS:
                return f"in the signature of `{function.name.value}`, whose decorator `@{name or '...'}` may read its annotations"
        return "annotation"

    # ------------------------------------------------------------------ rewrite

    def _needed_in(self, function: cst.FunctionDef) -> list[cst.ImportAlias]:
        return [plan.alias for plan in self._plans if function in plan.functions]

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        aliases = self._needed_in(original_node)
        if not aliases:
            return updated_node
        imp = self._original_import(aliases[0])
        line = cst.SimpleStatementLine(body=[imp.with_changes(names=_clean(aliases), lpar=None, rpar=None)])
        body = updated_node.body
        if isinstance(body, cst.SimpleStatementSuite):  # `def f(): return X` becomes a block
            statements: list[cst.BaseStatement] = [cst.SimpleStatementLine(body=body.body)]
        else:
            statements = list(body.body)
        at = 1 if statements and _is_docstring(statements[0]) else 0
        statements.insert(at, line)
        new_body = cst.IndentedBlock(body=statements) if isinstance(body, cst.SimpleStatementSuite) else body.with_changes(body=statements)
        return updated_node.with_changes(body=new_body)

    def _original_import(self, alias: cst.ImportAlias) -> cst.ImportFrom:
        for imp in self._statements.values():
            assert not isinstance(imp.names, cst.ImportStar)
            if any(a is alias for a in imp.names):
                return imp
        raise AssertionError("alias of no planned import")

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> Union[cst.BaseStatement, cst.RemovalSentinel]:
        imp = self._statements.get(original_node)
        if imp is None:
            return updated_node
        assert not isinstance(imp.names, cst.ImportStar)
        planned = {id(plan.alias): plan for plan in self._plans}
        kept = [a for a in imp.names if id(a) not in planned]
        typing_only = [a for a in imp.names if id(a) in planned and planned[id(a)].annotations]
        if kept:
            parenthesized = imp.lpar is not None
            new_imp = imp.with_changes(names=strip_trailing_comma(kept, parenthesized))
            if typing_only:
                self._add_type_checking(imp, typing_only, original_node, leading=False)
            return updated_node.with_changes(body=[new_imp])
        if not typing_only:
            return cst.RemoveFromParent()
        return self._add_type_checking(imp, typing_only, original_node, leading=True) or cst.RemoveFromParent()

    def _add_type_checking(
        self, imp: cst.ImportFrom, aliases: list[cst.ImportAlias], line: cst.SimpleStatementLine, leading: bool
    ) -> Optional[cst.If]:
        """The names under `if TYPE_CHECKING:`: appended to the module's existing block, or
        a new block in place of the import line (returned when `leading`)."""
        statement = line.with_changes(body=[imp.with_changes(names=_clean(aliases))], leading_lines=[])
        if self._type_checking_block is not None:
            self._pending_type_checking = [*getattr(self, "_pending_type_checking", []), statement.with_changes(trailing_whitespace=line.trailing_whitespace)]
            return None
        AddImportsVisitor.add_needed_import(self.context, "typing", "TYPE_CHECKING")
        block = cst.If(
            test=cst.Name("TYPE_CHECKING"),
            body=cst.IndentedBlock(body=[statement.with_changes(trailing_whitespace=line.trailing_whitespace)]),
            leading_lines=line.leading_lines,
        )
        if leading:
            return block
        self._pending_after = [*getattr(self, "_pending_after", []), block]
        return None

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        # Names for an existing TYPE_CHECKING block are added here, once the whole
        # module has been seen (the block may come before or after the import line).
        pending = getattr(self, "_pending_type_checking", [])
        after = getattr(self, "_pending_after", [])
        if not pending and not after:
            return updated_node
        body = list(updated_node.body)
        if pending and self._type_checking_block is not None:
            for i, statement in enumerate(body):
                if isinstance(statement, cst.If) and _is_type_checking(statement.test) and isinstance(statement.body, cst.IndentedBlock):
                    if not any(p.deep_equals(s) for p in pending for s in statement.body.body):
                        body[i] = statement.with_changes(body=statement.body.with_changes(body=[*statement.body.body, *pending]))
                    break
        for block in after:
            # Right after the (split) import line it came from.
            for i, statement in enumerate(body):
                if isinstance(statement, cst.SimpleStatementLine) and any(
                    isinstance(s, cst.ImportFrom) and self._same_module(s, block) for s in statement.body
                ):
                    body.insert(i + 1, block)
                    break
        return updated_node.with_changes(body=body)

    def transform_module(self, tree: cst.Module) -> cst.Module:
        result = super().transform_module(tree)
        # A removed first statement leaves the blank lines that followed it at the top.
        if result is not tree and result.body and tree.body and result.body[0].leading_lines and not tree.body[0].deep_equals(result.body[0]):
            result = without_opening_blank_lines(result)
        return result

    @staticmethod
    def _same_module(imp: cst.ImportFrom, block: cst.If) -> bool:
        inner = block.body.body[0]
        assert isinstance(inner, cst.SimpleStatementLine)
        other = inner.body[0]
        return isinstance(other, cst.ImportFrom) and imp.module is not None and other.module is not None \
            and imp.module.deep_equals(other.module) and len(imp.relative) == len(other.relative)


def _clean(aliases: Sequence[cst.ImportAlias]) -> list[cst.ImportAlias]:
    """Aliases for a fresh one-line statement: no trailing comma, single spaces."""
    out = [a.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))) for a in aliases]
    out[-1] = out[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return out


def _is_docstring(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _dotted(node: cst.BaseExpression) -> Optional[str]:
    if isinstance(node, cst.Call):
        return _dotted(node.func)
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        head = _dotted(node.value)
        return f"{head}.{node.attr.value}" if head else None
    return None


def _assigns_all(statement: cst.SimpleStatementLine) -> bool:
    for small in statement.body:
        targets: list[cst.BaseExpression] = []
        if isinstance(small, cst.Assign):
            targets = [t.target for t in small.targets]
        elif isinstance(small, (cst.AnnAssign, cst.AugAssign)):
            targets = [small.target]
        if any(isinstance(t, cst.Name) and t.value == "__all__" for t in targets):
            return True
    return False


def _is_type_checking(test: cst.BaseExpression) -> bool:
    return _dotted(test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING")
