"""Extract a file's facts from one `ast` parse.

Everything here walks trees with explicit stacks: real code nests expressions deeply
enough to crash recursive visitors.  `ast.parse` itself can raise RecursionError or
MemoryError on absurd nesting: Python's import fails the same way, so that becomes a
`read_error` (a diagnosis that blocks the importers), never a crash.

Only the standard library is used (parso, for the statements of a file with a syntax
error, only when it is importable), so the target interpreter can run this module to
extract facts from files the running interpreter cannot parse (newer syntax):
`python -c "import sys; sys.path.insert(0, PARENT); from fixkit.facts.extract import main; main()"`.
This runs fixkit's code in the target interpreter, never the project's.
"""

from __future__ import annotations

import ast
import dataclasses
import hashlib
import pickle
import sys
import warnings
from typing import Any, Iterator

from fixkit.facts import Definition, EntryHint, FileFacts, ImportFact, ModelFact, SyntaxErrorFact
from fixkit.textio import SourceDecodeError, decode_source

IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})
ENTRY_CALLS = {"APIRouter": "router", "FastAPI": "fastapi-app", "Blueprint": "blueprint", "Flask": "flask-app"}
DECLARATIVE_ROOT_CLASSES = frozenset({"DeclarativeBase", "DeclarativeBaseNoMeta"})
COLUMN_CALLS = frozenset({"Column", "mapped_column", "column_property", "Field", "deferred", "composite"})
RELATIONSHIP_CALLS = frozenset({"relationship", "Relationship", "relation", "backref", "association_proxy"})
CONSTRAINT_CALLS = frozenset(
    {"UniqueConstraint", "Index", "CheckConstraint", "PrimaryKeyConstraint", "ForeignKeyConstraint"}
)


def count_lines(data: bytes) -> int:
    return data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)


def _name_of(node: ast.AST) -> str:
    """`a.b.c` for Name/Attribute chains, "" otherwise (iterative)."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    if isinstance(node, ast.Call):  # registry().generate_base -> "registry().generate_base"
        inner = _name_of(node.func)
        if inner:
            parts.append(inner + "()")
            return ".".join(reversed(parts))
    return ""


def _last(dotted: str) -> str:
    return dotted.rsplit(".", 1)[-1]


def _call_name(node: ast.AST | None) -> str:
    return _last(_name_of(node.func)) if isinstance(node, ast.Call) else ""


def _literal(node: ast.AST | None) -> Any:
    if node is None:
        return None
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None


def _target_names(target: ast.AST) -> Iterator[str]:
    stack = [target]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name):
            yield node.id
        elif isinstance(node, (ast.Tuple, ast.List)):
            stack.extend(reversed(node.elts))
        elif isinstance(node, ast.Starred):
            stack.append(node.value)


def resolve_relative(module: str, is_package: bool, level: int, name: str | None) -> str | None:
    """The absolute module of `from <level dots><name> import ...` inside `module`."""
    if level == 0:
        return name or None
    package = module if is_package else module.rpartition(".")[0]
    parts = package.split(".") if package else []
    if level - 1 > len(parts) or (level - 1 == len(parts) and not name):
        return None  # beyond the top-level package: an ImportError at runtime
    base = parts[: len(parts) - (level - 1)]
    if name:
        base.append(name)
    return ".".join(base) or None


def _catches_import_errors(handlers: list[ast.ExceptHandler]) -> bool:
    for handler in handlers:
        if handler.type is None:
            return True
        types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        if any(_last(_name_of(t)) in IMPORT_ERRORS for t in types):
            return True
    return False


def _is_type_checking(test: ast.AST) -> bool:
    return _last(_name_of(test)) == "TYPE_CHECKING"


_PLAIN_STATEMENTS = frozenset(
    {ast.Expr, ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Return, ast.Pass, ast.Break, ast.Continue,
     ast.Raise, ast.Delete, ast.Global, ast.Nonlocal, ast.Assert}
)


class _Ctx:
    __slots__ = ("scope", "guarded", "type_checking", "conditional", "loops")

    def __init__(self, scope="module", guarded=False, type_checking=False, conditional=False, loops=()):
        self.scope = scope
        self.guarded = guarded
        self.type_checking = type_checking
        self.conditional = conditional
        self.loops = loops  # ((target node, iter node), ...) of the enclosing for loops

    def but(self, **changes) -> "_Ctx":
        ctx = _Ctx(self.scope, self.guarded, self.type_checking, self.conditional, self.loops)
        for key, value in changes.items():
            setattr(ctx, key, value)
        return ctx


class _Extractor:
    def __init__(self, path: str, module: str, is_package: bool, text: str, root_dir: str):
        self.path = path
        self.module = module
        self.is_package = is_package
        self.text = text
        self.root_dir = root_dir  # the file's directory, relative to the project root
        self.imports: list[ImportFact] = []
        self.definitions: list[Definition] = []
        self.all_names: list[str] | None = None
        self.all_dynamic = False
        self.has_getattr = False
        self.models: list[ModelFact] = []
        self.hints: list[EntryHint] = []
        self.literals: dict[str, Any] = {}  # module-level NAME = literal
        self.pending_templates: list[tuple[list, ast.AST, ast.AST, int, int, _Ctx]] = []
        self.roots: list[str] = []
        self.sys_path_dirs: list[str] = []
        self.class_bases: list[tuple[str, tuple[str, ...]]] = []
        self.attribute_assignments: list[tuple[str, str]] = []
        self.import_hook = "sys.meta_path" in text or "sys.path_hooks" in text
        # Names created at import time by code: globals() updates, exec, __all__.extend().
        self.dynamic_names = False
        self.scan_dynamic_names = "globals()" in text or "exec(" in text or "__all__." in text or "vars()" in text
        # Expression nodes are only walked when the file can contain a dynamic import
        # or sys.path change: statements alone give everything else, and skipping the
        # expressions of files without them keeps extraction close to `ast.parse` speed.
        self.scan_exprs = "import_module" in text or "__import__" in text
        self.scan_sys_path = "sys.path" in text

    # ------------------------------------------------------------------ walking

    def run(self, tree: ast.Module) -> None:
        stack: list[tuple[ast.AST, _Ctx]] = [(n, _Ctx()) for n in reversed(tree.body)]
        while stack:
            node, ctx = stack.pop()
            if isinstance(node, ast.stmt):
                self._statement(node, ctx, stack)
            else:
                self._expression(node, ctx, stack)
        self._resolve_templates()
        self._module_replacement(tree)

    def _setattr_onto_itself(self, tree: ast.Module) -> None:
        """numpy/dtypes.py: `from numpy import dtypes; setattr(dtypes, DType.__name__, DType)`
        in a helper other modules call: names made by code, unknowable."""
        parent, _, own = self.module.rpartition(".")
        for fn in tree.body:
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            aliases = set()
            for node in ast.walk(fn):
                if isinstance(node, ast.ImportFrom):
                    base = resolve_relative(self.module, self.is_package, node.level, node.module)
                    for alias in node.names:
                        if base == parent and alias.name == own:
                            aliases.add(alias.asname or alias.name)
            if not aliases:
                continue
            for node in ast.walk(fn):
                if (
                    isinstance(node, ast.Call) and _name_of(node.func) == "setattr" and len(node.args) >= 2
                    and isinstance(node.args[0], ast.Name) and node.args[0].id in aliases
                    and not isinstance(node.args[1], ast.Constant)
                ):
                    self.dynamic_names = True
                    return

    def _module_replacement(self, tree: ast.Module) -> None:
        """Calls handing over `__name__` at module level, and functions touching sys.modules."""
        self.name_handed_to: list[str] = []
        self.sys_modules_functions: list[str] = []
        if "__name__" in self.text:
            for stmt in tree.body:
                value = stmt.value if isinstance(stmt, (ast.Expr, ast.Assign, ast.AnnAssign)) else None
                if isinstance(value, ast.Call) and any(
                    isinstance(a, ast.Name) and a.id == "__name__" for a in [*value.args, *(k.value for k in value.keywords)]
                ):
                    func = _name_of(value.func)
                    if func:
                        self.name_handed_to.append(func)
        if "setattr(" in self.text and self.module:
            self._setattr_onto_itself(tree)
        if "sys.modules" in self.text:
            for stmt in tree.body:
                if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
                    isinstance(n, ast.Attribute) and _name_of(n) == "sys.modules" for n in ast.walk(stmt)
                ):
                    self.sys_modules_functions.append(stmt.name)

    def _push_body(self, stack, body, ctx) -> None:
        for child in reversed(body):
            stack.append((child, ctx))

    def _push_exprs(self, stack, node, ctx) -> None:
        if not self.scan_exprs:
            return
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                stack.append((child, ctx))

    def _statement(self, node: ast.stmt, ctx: _Ctx, stack) -> None:
        if ctx.scope == "function" and type(node) in _PLAIN_STATEMENTS and not (self.scan_exprs or self.scan_sys_path or self.scan_dynamic_names):
            return  # nothing in a function's plain statement can import or define at module level
        # Names bound only under `if TYPE_CHECKING:` do not exist at runtime.
        module_level = ctx.scope == "module" and not ctx.type_checking
        if isinstance(node, ast.Import):
            self._import(node, ctx, module_level)
        elif isinstance(node, ast.ImportFrom):
            self._import_from(node, ctx, module_level)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if module_level:
                self.definitions.append(Definition(node.name, node.lineno, "function"))
                if node.name == "__getattr__":
                    self.has_getattr = True
            if self.scan_exprs:
                for dec in node.decorator_list:
                    stack.append((dec, ctx))
                for default in node.args.defaults + [d for d in node.args.kw_defaults if d is not None]:
                    stack.append((default, ctx))
            self._push_body(stack, node.body, ctx.but(scope="function"))
        elif isinstance(node, ast.ClassDef):
            if module_level:
                self.definitions.append(Definition(node.name, node.lineno, "class"))
                self._class(node)
            if self.scan_exprs:
                for child in node.decorator_list + node.bases:
                    stack.append((child, ctx))
            self._push_body(stack, node.body, ctx.but(scope="class" if ctx.scope != "function" else "function"))
        elif isinstance(node, ast.If):
            if self.scan_exprs:
                stack.append((node.test, ctx))
            if _is_type_checking(node.test):
                self._push_body(stack, node.orelse, ctx)
                self._push_body(stack, node.body, ctx.but(type_checking=True))
            else:
                self._push_body(stack, node.orelse, ctx.but(conditional=True))
                self._push_body(stack, node.body, ctx.but(conditional=True))
        elif isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
            guarded = _catches_import_errors(node.handlers)
            self._push_body(stack, node.finalbody, ctx)
            # The else of `try: import x / except ImportError:` runs only when x imported:
            # conditional, like an `if HAS_X:` body (tornado: `else: from .cares import ...`).
            self._push_body(stack, node.orelse, ctx.but(conditional=True) if guarded else ctx)
            for handler in reversed(node.handlers):
                if module_level and handler.name:
                    self.definitions.append(Definition(handler.name, handler.lineno, "assign"))
                self._push_body(stack, handler.body, ctx.but(conditional=True))
            self._push_body(stack, node.body, ctx.but(guarded=True) if guarded else ctx)
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            if module_level:
                for name in _target_names(node.target):
                    self.definitions.append(Definition(name, node.lineno, "assign"))
            if self.scan_exprs:
                stack.append((node.iter, ctx))
            self._push_body(stack, node.orelse, ctx)
            self._push_body(stack, node.body, ctx.but(loops=ctx.loops + ((node.target, node.iter),)))
        elif isinstance(node, ast.While):
            self._push_exprs(stack, node, ctx)
            self._push_body(stack, node.orelse, ctx)
            self._push_body(stack, node.body, ctx)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            # `with suppress(ImportError):` guards its body like try/except ImportError.
            if any(
                isinstance(item.context_expr, ast.Call)
                and _last(_name_of(item.context_expr.func)) == "suppress"
                and any(_last(_name_of(a)) in IMPORT_ERRORS for a in item.context_expr.args)
                for item in node.items
            ):
                ctx = ctx.but(guarded=True)
            for item in node.items:
                if module_level and item.optional_vars is not None:
                    for name in _target_names(item.optional_vars):
                        self.definitions.append(Definition(name, node.lineno, "assign"))
                if self.scan_exprs:
                    stack.append((item.context_expr, ctx))
            self._push_body(stack, node.body, ctx)
        elif type(node).__name__ == "Match":
            if self.scan_exprs:
                stack.append((node.subject, ctx))
            for case in reversed(node.cases):
                self._push_body(stack, case.body, ctx.but(conditional=True))
        else:
            if module_level and isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                self._module_assign(node)
            if self.scan_sys_path and isinstance(node, ast.Expr):
                self._sys_path_call(node.value)
            if self.scan_dynamic_names:
                # Anywhere: a helper called at import time may do it (turtle's exec).
                if isinstance(node, ast.Expr):
                    self._dynamic_names_call(node.value)
                elif isinstance(node, ast.Assign):
                    self._dynamic_names_assign(node)
            self._push_exprs(stack, node, ctx)

    def _expression(self, node: ast.AST, ctx: _Ctx, stack) -> None:
        if isinstance(node, ast.Call):
            self._dynamic_import(node, ctx)
        if isinstance(node, ast.Lambda):
            ctx = ctx.but(scope="function")
        elif isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            loops = ctx.loops + tuple((gen.target, gen.iter) for gen in node.generators)
            ctx = ctx.but(loops=loops)
        for child in ast.iter_child_nodes(node):
            stack.append((child, ctx))

    # ------------------------------------------------------------------ imports

    def _flags(self, ctx: _Ctx) -> dict:
        return {
            "scope": ctx.scope,
            "guarded": ctx.guarded,
            "type_checking": ctx.type_checking,
            "conditional": ctx.conditional,
        }

    def _import(self, node: ast.Import, ctx: _Ctx, module_level: bool) -> None:
        for alias in node.names:
            self.imports.append(
                ImportFact(
                    module=alias.name,
                    line=node.lineno,
                    column=node.col_offset,
                    end_line=node.end_lineno or node.lineno,
                    asname=alias.asname,
                    **self._flags(ctx),
                )
            )
            if module_level:
                if alias.asname:
                    self.definitions.append(Definition(alias.asname, node.lineno, "import", alias.name, None))
                else:
                    top = alias.name.split(".", 1)[0]
                    self.definitions.append(Definition(top, node.lineno, "import", top, None))

    def _import_from(self, node: ast.ImportFrom, ctx: _Ctx, module_level: bool) -> None:
        module = resolve_relative(self.module, self.is_package, node.level, node.module)
        if module is None:
            return
        star = any(a.name == "*" for a in node.names)
        names = tuple((a.name, a.asname) for a in node.names if a.name != "*")
        self.imports.append(
            ImportFact(
                module=module,
                line=node.lineno,
                column=node.col_offset,
                end_line=node.end_lineno or node.lineno,
                names=names,
                level=node.level,
                is_from=True,
                star=star,
                **self._flags(ctx),
            )
        )
        if module_level:
            for name, asname in names:
                self.definitions.append(Definition(asname or name, node.lineno, "import", module, name))

    def _dynamic_import(self, node: ast.Call, ctx: _Ctx) -> None:
        func = _name_of(node.func)
        if _last(func) not in ("import_module", "__import__") or not node.args:
            return
        if _last(func) == "import_module" and not self._is_importlib(func):
            return  # a project's own helper of that name (sympy's returns None when missing)
        arg = node.args[0]
        package = None
        if _last(func) == "import_module":
            pkg_node = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == "package"), None)
            package = _literal(pkg_node) if pkg_node is not None else None
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            self._add_dynamic(arg.value, package, node, ctx)
            return
        template = _template(arg)
        if template is not None and ctx.loops:
            self.pending_templates.append((template, node, arg, node.lineno, node.col_offset, ctx))

    def _is_importlib(self, func: str) -> bool:
        """Whether `func` (`import_module`, `importlib.import_module`, `il.import_module`)
        is importlib's, by the module-level binding of its first name seen so far.  Unbound
        here (imported inside a function, a star import), the plain spellings count as
        importlib's."""
        head = func.split(".", 1)[0]
        binding = next((d for d in reversed(self.definitions) if d.name == head), None)
        if binding is None:
            return func in ("import_module", "importlib.import_module")
        if binding.kind != "import" or not binding.source_module:
            return False  # a function or variable of this module
        origin = binding.source_module if binding.source_name is None else f"{binding.source_module}.{binding.source_name}"
        return origin in ("importlib", "importlib.import_module")

    def _add_dynamic(self, name: str, package: Any, node: ast.AST, ctx: _Ctx) -> str | None:
        level = len(name) - len(name.lstrip("."))
        if level:
            if not isinstance(package, str):
                return None
            module = resolve_relative(package, True, level, name[level:] or None)
        else:
            module = name
        if not module:
            return None
        self.imports.append(
            ImportFact(
                module=module,
                line=node.lineno,
                column=node.col_offset,
                end_line=getattr(node, "end_lineno", None) or node.lineno,
                dynamic=True,
                **self._flags(ctx),
            )
        )
        return module

    def _resolve_templates(self) -> None:
        """`import_module(f"app.routers.{name}")` inside `for name in ROUTERS` over a literal list."""
        for template, node, _arg, line, _col, ctx in self.pending_templates:
            variables = [p for p in template if isinstance(p, tuple)]
            if len(variables) != 1:
                continue
            var = variables[0][0]
            values = None
            for target, iterable in reversed(ctx.loops):
                if var in set(_target_names(target)):
                    values = self._loop_values(target, iterable, var)
                    break
            if not values:
                continue
            modules = []
            for value in values:
                name = "".join(value if isinstance(p, tuple) else p for p in template)
                module = self._add_dynamic(name, None, node, ctx)
                if module:
                    modules.append(module)
            if modules:
                self.hints.append(EntryHint("router-list", line, name=var, modules=tuple(modules)))

    def _loop_values(self, target: ast.AST, iterable: ast.AST, var: str) -> list[str] | None:
        items: Any = None
        if isinstance(iterable, ast.Name):
            items = self.literals.get(iterable.id)
        elif isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Attribute) and not iterable.args:
            base = self.literals.get(_name_of(iterable.func.value)) if isinstance(iterable.func.value, ast.Name) else _literal(iterable.func.value)
            if isinstance(base, dict):
                items = {"items": list(base.items()), "keys": list(base), "values": list(base.values())}.get(iterable.func.attr)
        else:
            items = _literal(iterable)
        if isinstance(items, dict):
            items = list(items)
        if not isinstance(items, (list, tuple, set, frozenset)):
            return None
        if isinstance(target, ast.Name):
            values = [v for v in items if isinstance(v, str)]
            return values if len(values) == len(items) else None
        if isinstance(target, (ast.Tuple, ast.List)):
            names = [e.id if isinstance(e, ast.Name) else None for e in target.elts]
            if var not in names:
                return None
            index = names.index(var)
            values = []
            for item in items:
                if not isinstance(item, (tuple, list)) or len(item) != len(names) or not isinstance(item[index], str):
                    return None
                values.append(item[index])
            return values
        return None

    # ------------------------------------------------------------------ assignments

    def _module_assign(self, node: ast.Assign | ast.AnnAssign | ast.AugAssign) -> None:
        if isinstance(node, ast.Assign):
            targets = node.targets
            value = node.value
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
            value = node.value
            if value is None:
                return  # `x: int` binds nothing
        else:
            targets = [node.target]
            value = node.value
        for t in targets:
            if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name):
                self.attribute_assignments.append((t.value.id, t.attr))
            elif isinstance(t, ast.Subscript) and _name_of(t.value) == "sys.modules":
                self.import_hook = True

        names = [n for t in targets for n in _target_names(t)]
        if not isinstance(node, ast.AugAssign):
            for name in names:
                self.definitions.append(Definition(name, node.lineno, "assign"))
        simple = names[0] if len(targets) == 1 and isinstance(targets[0], ast.Name) else None
        if simple == "__all__":
            self._all(node, value)
            return
        if simple is None:
            return
        if isinstance(node, ast.AugAssign):
            return
        if isinstance(value, (ast.List, ast.Tuple, ast.Set, ast.Dict)):
            literal = _literal(value)
            if literal is not None:
                self.literals[simple] = literal
            return
        if not isinstance(value, ast.Call):
            return
        call = _call_name(value)
        full = _name_of(value.func)
        if call in ENTRY_CALLS:
            self.hints.append(EntryHint(ENTRY_CALLS[call], node.lineno, name=simple))
        if call == "declarative_base" or call == "generate_base":
            self.roots.append(simple)
        elif call in ("registry",):
            self.roots.append(f"{simple}.mapped")
        elif call == "SQLAlchemy":
            self.roots.append(f"{simple}.Model")
        elif call == "MetaData":
            self.roots.append(simple)
        elif call == "Table" and full.split(".")[-1] == "Table":
            self._core_table(simple, node, value)

    def _all(self, node, value) -> None:
        literal = _literal(value)
        if isinstance(literal, (list, tuple)) and all(isinstance(v, str) for v in literal):
            if isinstance(node, ast.AugAssign):
                if self.all_names is not None:
                    self.all_names.extend(literal)
            else:
                self.all_names = list(literal)
        else:
            self.all_dynamic = True

    def _dynamic_names_assign(self, node: ast.Assign) -> None:
        value = node.value
        if isinstance(value, ast.Call) and _name_of(value.func) in ("globals", "vars") and not value.args:
            self.dynamic_names = True  # mod_dict = globals(); mod_dict[k] = v (inspect)
        for t in node.targets:
            if isinstance(t, ast.Subscript) and isinstance(t.value, ast.Call) and _name_of(t.value.func) in ("globals", "vars"):
                self.dynamic_names = True

    def _dynamic_names_call(self, value: ast.AST) -> None:
        if not isinstance(value, ast.Call):
            return
        func = _name_of(value.func)
        if func in ("exec", "builtins.exec") or func in ("globals().update", "vars().update"):
            self.dynamic_names = True  # turtle's generated functions, re's flags
        elif func.startswith("__all__."):
            self.all_dynamic = True  # __all__.extend(...): the list is not literal any more

    def _sys_path_call(self, value: ast.AST) -> None:
        if not isinstance(value, ast.Call) or _name_of(value.func) not in ("sys.path.insert", "sys.path.append"):
            return
        if not value.args:
            return
        arg = value.args[-1]
        directory = _path_expr(arg, self.root_dir)
        if directory is not None:
            self.sys_path_dirs.append(directory)

    # ------------------------------------------------------------------ models

    def _class(self, node: ast.ClassDef) -> None:
        if any(_last(_name_of(d.func if isinstance(d, ast.Call) else d)) == "global_enum" for d in node.decorator_list):
            self.dynamic_names = True  # enum.global_enum puts the members in the module (re.IGNORECASE)
        bases = tuple(b for b in (_name_of(x) for x in node.bases) if b)
        if bases:
            self.class_bases.append((node.name, bases))
        base_last = {_last(b) for b in bases}
        if base_last & DECLARATIVE_ROOT_CLASSES:
            self.roots.append(node.name)
            return
        for dec in node.decorator_list:
            target = dec.func if isinstance(dec, ast.Call) else dec
            dec_name = _name_of(target)
            if _last(dec_name) in ("mapped", "mapped_as_dataclass"):
                self._model_class(node, bases, "declarative", dec_name.rsplit(".", 1)[0] + ".mapped")
                return
        sqlmodel_table = any(k.arg == "table" and isinstance(k.value, ast.Constant) and k.value.value is True for k in node.keywords)
        if "SQLModel" in base_last:
            if sqlmodel_table:
                self._model_class(node, bases, "sqlmodel", "SQLModel")
            return
        if not bases:
            return
        flask = next((b for b in bases if b.endswith(".Model")), None)
        if flask is not None:
            self._model_class(node, bases, "flask-sqlalchemy", flask)
            return
        self._model_class(node, bases, "declarative", None)

    def _model_class(self, node: ast.ClassDef, bases: tuple[str, ...], style: str, base: str | None) -> None:
        table = None
        abstract = False
        columns: list[str] = []
        relationships: list[str] = []
        constraints: list[str] = []
        extend_existing = False
        has_table_attr = False
        for stmt in node.body:
            targets: list[ast.AST]
            if isinstance(stmt, ast.Assign):
                targets, value, annotation = stmt.targets, stmt.value, None
            elif isinstance(stmt, ast.AnnAssign):
                targets, value, annotation = [stmt.target], stmt.value, stmt.annotation
            else:
                continue
            names = [t.id for t in targets if isinstance(t, ast.Name)]
            if not names:
                continue
            name = names[0]
            if name == "__tablename__":
                literal = _literal(value)
                if isinstance(literal, str):
                    table = literal
            elif name == "__abstract__":
                abstract = _literal(value) is True
            elif name == "__table__":
                has_table_attr = True
                if isinstance(value, ast.Call) and _call_name(value) == "Table" and value.args:
                    literal = _literal(value.args[0])
                    if isinstance(literal, str):
                        table = literal
            elif name == "__table_args__":
                constraints.extend(self._table_args(value))
                extend_existing = extend_existing or _has_extend_existing(value)
            elif name.startswith("__"):
                continue
            else:
                call = _call_name(value)
                ann = _name_of(annotation.value) if isinstance(annotation, ast.Subscript) else _name_of(annotation) if annotation else ""
                if call in RELATIONSHIP_CALLS:
                    relationships.append(name)
                elif call in COLUMN_CALLS:
                    columns.append(name)
                elif _last(ann) == "Mapped" and call not in ("synonym", "hybrid_property", "declared_attr"):
                    columns.append(name)  # an annotation alone maps a column (2.0 style)
                elif style == "sqlmodel" and annotation is not None and "ClassVar" not in _name_of(annotation):
                    columns.append(name)
        if abstract:
            return
        if table is None:
            if style == "sqlmodel":
                table = node.name.lower()
            elif style == "flask-sqlalchemy" and (columns or has_table_attr):
                table = _snake(node.name)
            else:
                return  # a mixin, an abstract base or single-table inheritance: no new table
        if base is None:
            base = bases[-1] if len(bases) == 1 else next((b for b in bases if "Base" in b or "Model" in b), bases[-1])
        self.models.append(
            ModelFact(
                name=node.name,
                table=table,
                line=node.lineno,
                end_line=node.end_lineno or node.lineno,
                style=style,
                base=base,
                columns=tuple(columns),
                relationships=tuple(relationships),
                constraints=tuple(constraints),
                extend_existing=extend_existing,
                bases=bases,
            )
        )

    def _table_args(self, value: ast.AST | None) -> list[str]:
        elements = value.elts if isinstance(value, (ast.Tuple, ast.List)) else [value] if value is not None else []
        out = []
        for element in elements:
            if isinstance(element, ast.Call) and _call_name(element) in CONSTRAINT_CALLS:
                out.append(self._segment(element) or _call_name(element))
        return out

    def _core_table(self, name: str, node: ast.AST, call: ast.Call) -> None:
        if len(call.args) < 2:
            return
        table = _literal(call.args[0])
        if not isinstance(table, str):
            return
        columns, constraints = [], []
        for arg in call.args[2:]:
            if isinstance(arg, ast.Call):
                if _call_name(arg) == "Column" and arg.args:
                    col = _literal(arg.args[0])
                    columns.append(col if isinstance(col, str) else "?")
                elif _call_name(arg) in CONSTRAINT_CALLS:
                    constraints.append(self._segment(arg) or _call_name(arg))
        extend = any(k.arg == "extend_existing" and _literal(k.value) is True for k in call.keywords)
        self.models.append(
            ModelFact(
                name=name,
                table=table,
                line=node.lineno,
                end_line=getattr(node, "end_lineno", None) or node.lineno,
                style="table",
                base=_name_of(call.args[1]) or "metadata",
                columns=tuple(columns),
                constraints=tuple(constraints),
                extend_existing=extend,
            )
        )

    def _segment(self, node: ast.AST) -> str:
        """The source text of `node` (ast.get_source_segment splits the whole file on
        every call; this splits it once)."""
        lines = self.__dict__.get("_lines")
        if lines is None:
            lines = self.__dict__["_lines"] = self.text.splitlines(keepends=True)
        start, end = node.lineno - 1, (node.end_lineno or node.lineno) - 1  # type: ignore[attr-defined]
        if start < 0 or end >= len(lines):
            return ""
        # Columns are UTF-8 byte offsets.
        first = lines[start].encode("utf-8")
        if start == end:
            return first[node.col_offset : node.end_col_offset].decode("utf-8", "replace")  # type: ignore[attr-defined]
        parts = [first[node.col_offset :].decode("utf-8", "replace")]  # type: ignore[attr-defined]
        parts.extend(lines[start + 1 : end])
        parts.append(lines[end].encode("utf-8")[: node.end_col_offset].decode("utf-8", "replace"))  # type: ignore[attr-defined]
        return "".join(parts)

    # ------------------------------------------------------------------ result

    def facts(self, sha: str, lines: int) -> FileFacts:
        all_names = None if self.all_dynamic or self.all_names is None else tuple(self.all_names)
        return FileFacts(
            path=self.path,
            module=self.module,
            sha256=sha,
            lines=lines,
            imports=tuple(self.imports),
            definitions=tuple(self.definitions),
            all_names=all_names,
            has_getattr=self.has_getattr or self.dynamic_names,
            models=tuple(self.models),
            entry_hints=tuple(self.hints),
            defined_names=frozenset(d.name for d in self.definitions),
            is_package=self.is_package,
            metadata_roots=tuple(dict.fromkeys(self.roots)),
            sys_path_dirs=tuple(dict.fromkeys(self.sys_path_dirs)),
            class_bases=tuple(self.class_bases),
            attribute_assignments=tuple(dict.fromkeys(self.attribute_assignments)),
            import_hook=self.import_hook,
            name_handed_to=tuple(getattr(self, "name_handed_to", ())),
            sys_modules_functions=tuple(getattr(self, "sys_modules_functions", ())),
        )


def _snake(name: str) -> str:
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i and (not name[i - 1].isupper() or (i + 1 < len(name) and name[i + 1].islower())):
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


def _has_extend_existing(value: ast.AST | None) -> bool:
    elements = value.elts if isinstance(value, (ast.Tuple, ast.List)) else [value] if value is not None else []
    for element in elements:
        if isinstance(element, ast.Dict):
            for key, val in zip(element.keys, element.values):
                if isinstance(key, ast.Constant) and key.value == "extend_existing" and _literal(val) is True:
                    return True
    return False


def _template(node: ast.AST) -> list | None:
    """A string built from constants and one name: [str | (name,), ...], else None."""
    if isinstance(node, ast.JoinedStr):
        parts: list = []
        for value in node.values:
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                parts.append(value.value)
            elif isinstance(value, ast.FormattedValue) and isinstance(value.value, ast.Name) and value.format_spec is None and value.conversion in (-1, 115):
                parts.append((value.value.id,))
            else:
                return None
        return parts
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        flat: list = []
        stack = [node]
        while stack:
            current = stack.pop()
            if isinstance(current, ast.BinOp) and isinstance(current.op, ast.Add):
                stack.append(current.right)
                stack.append(current.left)
            elif isinstance(current, ast.Constant) and isinstance(current.value, str):
                flat.append(current.value)
            elif isinstance(current, ast.Name):
                flat.append((current.id,))
            else:
                return None
        return flat
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
        and isinstance(node.func.value, ast.Constant)
        and isinstance(node.func.value.value, str)
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Name)
        and node.func.value.value.count("{}") == 1
    ):
        before, after = node.func.value.value.split("{}")
        return [before, (node.args[0].id,), after]
    return None


def _path_expr(node: ast.AST, file_dir: str) -> str | None:
    """The project-relative directory of `os.path.dirname(__file__)`-style expressions."""
    ups = None
    join_parts: list[str] = []
    current = node
    steps = 0
    while steps < 20:
        steps += 1
        if isinstance(current, ast.Call) and _name_of(current.func) in ("str", "os.fspath") and current.args:
            current = current.args[0]
        elif isinstance(current, ast.Call) and _last(_name_of(current.func)) in ("abspath", "realpath", "normpath", "resolve", "absolute") and (current.args or isinstance(current.func, ast.Attribute)):
            current = current.args[0] if current.args else current.func.value  # type: ignore[union-attr]
        elif isinstance(current, ast.Call) and _name_of(current.func) in ("os.path.join",) and current.args:
            rest = [_literal(a) for a in current.args[1:]]
            if not all(isinstance(r, str) for r in rest):
                return None
            join_parts = [*rest, *join_parts]
            current = current.args[0]
        elif isinstance(current, ast.Call) and _last(_name_of(current.func)) == "dirname" and current.args:
            ups = (ups or 0) + 1
            current = current.args[0]
        elif isinstance(current, ast.Attribute) and current.attr == "parent":
            ups = (ups or 0) + 1
            current = current.value
        elif isinstance(current, ast.Subscript) and isinstance(current.value, ast.Attribute) and current.value.attr == "parents":
            index = _literal(current.slice)
            if not isinstance(index, int):
                return None
            ups = (ups or 0) + index + 1
            current = current.value.value
        elif isinstance(current, ast.Call) and _last(_name_of(current.func)) in ("Path", "PurePath") and current.args:
            current = current.args[0]
        elif isinstance(current, ast.Name) and current.id == "__file__":
            break
        else:
            return None
    else:
        return None
    if ups is None:
        return None
    parts = file_dir.split("/") if file_dir else []
    levels = ups - 1  # dirname(__file__) is the file's own directory
    if levels > len(parts):
        return None
    parts = parts[: len(parts) - levels] if levels else parts
    for piece in join_parts:
        for seg in piece.replace("\\", "/").split("/"):
            if seg in ("", "."):
                continue
            if seg == "..":
                if not parts:
                    return None
                parts.pop()
            else:
                parts.append(seg)
    return "/".join(parts)


# ---------------------------------------------------------------------------- entry


class NeedsTarget(Exception):
    """This interpreter rejects the file but the target Python is newer: ask the target."""

    def __init__(self, error: SyntaxError):
        super().__init__(str(error))
        self.error = error


def _syntax_fact(exc: SyntaxError, text: str) -> SyntaxErrorFact:
    line = exc.lineno or 1
    offset = exc.offset or 1
    source_line = exc.text
    if "null bytes" in str(exc.msg) and "\0" in text:
        # Python 3.11.4+ raises it without a position: point at the first NUL.
        line, offset, source_line = _null_line(text), 1, None
    end_column = (exc.end_offset - 1) if getattr(exc, "end_offset", None) else None
    column = max(offset - 1, 0)
    if source_line is None or "\n" in source_line.rstrip("\r\n"):
        # After a string spanning lines Python gives the whole token as `text` and turns
        # the byte column of the error's line into characters of that token's text: undo
        # that, then count characters of the real line.
        token_text = source_line
        lines = text.splitlines()
        source_line = lines[line - 1] if 0 < line <= len(lines) else ""
        if token_text is not None:
            encoded = source_line.encode("utf-8", "surrogateescape")

            def fix(col: int) -> int:
                as_bytes = len(token_text[:col].encode("utf-8", "surrogateescape"))
                return len(encoded[:as_bytes].decode("utf-8", "ignore"))

            column = fix(column)
            if end_column is not None and getattr(exc, "end_lineno", None) == line:
                end_column = fix(end_column)
    source_line = source_line.rstrip("\r\n")
    column = min(column, len(source_line))
    return SyntaxErrorFact(
        message=exc.msg,
        line=line,
        column=column,
        end_line=getattr(exc, "end_lineno", None),
        end_column=end_column,
        text=source_line,
    )


def extract_facts(
    path: str,
    module: str,
    is_package: bool,
    data: bytes,
    target: tuple[int, int] | None = None,
    *,
    allow_newer: bool = False,
) -> FileFacts:
    """The facts of one file.  Raises NeedsTarget when the running interpreter rejects
    a file whose target Python is newer (unless `allow_newer`, used in the target itself)."""
    sha = hashlib.sha256(data).hexdigest()
    lines = count_lines(data)
    base = dict(path=path, module=module, sha256=sha, lines=lines, is_package=is_package)
    try:
        decoded = decode_source(data)
    except SourceDecodeError as exc:
        return FileFacts(**base, read_error=f"cannot decode: {exc}")
    text = decoded.text
    running = sys.version_info[:2]
    feature = target if target is not None and target < running and target >= (3, 7) else None
    tree = None
    try:
        with warnings.catch_warnings():
            # Invalid escape sequences and the like warn on stderr; they are not failures.
            warnings.simplefilter("ignore")
            tree = ast.parse(text, filename=path, feature_version=feature) if feature else ast.parse(text, filename=path)
            # The parser accepts what the compiler then rejects (a repeated keyword
            # argument, a duplicate parameter, `return` outside a function, ...): Python
            # raises those as SyntaxError at import too, so compile the tree (no code runs).
            compile(tree, path, "exec", dont_inherit=True)
    except SyntaxError as exc:
        if target is not None and target > running and not allow_newer:
            raise NeedsTarget(exc) from None
        return _recover(base, _syntax_fact(exc, text), text, feature, tree)
    except ValueError as exc:  # "source code string cannot contain null bytes" (3.11)
        return FileFacts(
            **base,
            syntax_error=SyntaxErrorFact(message="source code cannot contain null bytes", line=_null_line(text), column=0),
        )
    except (RecursionError, MemoryError) as exc:
        return _too_deep(base, text, path, exc)
    file_dir = path.rpartition("/")[0]
    extractor = _Extractor(path, module, is_package, text, file_dir)
    try:
        extractor.run(tree)
    except (RecursionError, MemoryError):  # ast.literal_eval on absurd input
        return FileFacts(**base, unchecked="too deeply nested to analyse; not checked")
    return extractor.facts(sha, lines)


# ---------------------------------------------------------------------------- recovery


def _recover(base: dict, error: SyntaxErrorFact, text: str, feature: tuple[int, int] | None, tree: ast.Module | None) -> FileFacts:
    """The facts of a file with a syntax error: the error, plus the imports, module-level
    definitions and entry hints of the top-level statements that parse and compile on
    their own.

    Python runs none of them (the file does not compile), but each is a statement the
    author wrote at module level: once the syntax is fixed it runs, so a missing module it
    imports also blocks whoever imports this file.  Each statement goes through the same
    `_Extractor` as a sound file, so module level, functions, `try/except ImportError`,
    `if TYPE_CHECKING:` mean what they always mean; its imports are marked `recovered`.
    A router whose file is broken is still an entry point (`router = APIRouter()` parses),
    blocked by its syntax error and by what it imports.  Models, sys.path entries and the
    like of a file that does not run are not claimed.

    Runs only for files with a syntax error: when `ast` parsed the file and only the
    compiler refused it, the parsed statements are used; otherwise parso (error-tolerant)
    finds the statements, and only those it parsed cleanly, at column 0, count."""
    try:
        statements = _clean_statements(text, base["path"], feature, tree)
    except (RecursionError, MemoryError):
        statements = []
    if not statements:
        return FileFacts(**base, syntax_error=error)
    path = base["path"]
    extractor = _Extractor(path, base["module"], base["is_package"], text, path.rpartition("/")[0])
    try:
        extractor.run(ast.Module(body=statements, type_ignores=[]))
    except (RecursionError, MemoryError):
        return FileFacts(**base, syntax_error=error)
    definitions = tuple(extractor.definitions)
    return FileFacts(
        **base,
        syntax_error=error,
        imports=tuple(dataclasses.replace(i, recovered=True) for i in extractor.imports),
        definitions=definitions,
        defined_names=frozenset(d.name for d in definitions),
        entry_hints=tuple(extractor.hints),
    )


def _compiling(statements: list[ast.stmt], path: str) -> list[ast.stmt]:
    """The statements that compile, in order: the whole list at once, then around the
    statement the compiler names (a few compiles per bad statement, not one each)."""
    out: list[ast.stmt] = []
    stack = [statements]
    while stack:
        chunk = stack.pop()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                compile(ast.Module(body=chunk, type_ignores=[]), path, "exec", dont_inherit=True)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
            bad = getattr(exc, "lineno", None)
            spans = [(min([s.lineno, *(d.lineno for d in getattr(s, "decorator_list", ()))]), s.end_lineno or s.lineno) for s in chunk]
            stack.extend(reversed(_split(chunk, spans, bad)))
            continue
        out.extend(chunk)
    return out


def _split(chunk: list, spans: list[tuple[int, int]], bad: int | None) -> list[list]:
    """The parts to try again of a chunk of statements Python rejects: the statements
    before the one whose lines (`spans`) hold the line it names, that one alone (the error
    may come from its place: a `from __future__` import after others), and the ones after
    in halves (they may hold more errors: halving keeps the work near linear); halves
    when it names no line of the chunk; nothing for a single statement."""
    if len(chunk) < 2:
        return []
    at = next((i for i, (first, last) in enumerate(spans) if bad is not None and first <= bad <= last), None)
    if at is None:
        return [chunk[: len(chunk) // 2], chunk[len(chunk) // 2 :]]
    after = chunk[at + 1 :]
    parts = [chunk[:at], chunk[at : at + 1], after[: len(after) // 2], after[len(after) // 2 :]]
    return [part for part in parts if part]


def _parse_at(code: str, line: int, path: str, feature: tuple[int, int] | None) -> tuple[list[ast.stmt] | None, int | None]:
    """(the statements of `code`, None) when Python parses and compiles it, else (None,
    the line of the file Python rejects, when it says); `code` starts at column 0 of
    `line` of the file, and the statements are numbered as in the file."""
    # Blank lines in front are the cheapest renumbering while they do not outweigh the code.
    padded = line - 1 <= len(code)
    if padded:
        code = "\n" * (line - 1) + code
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            piece = ast.parse(code, filename=path, feature_version=feature) if feature else ast.parse(code, filename=path)
            compile(code, path, "exec", dont_inherit=True)  # from text: much faster than from the tree
    except SyntaxError as exc:
        return None, (exc.lineno + (0 if padded else line - 1)) if exc.lineno else None
    except (ValueError, RecursionError, MemoryError):
        return None, None
    if not padded and line > 1:
        ast.increment_lineno(piece, line - 1)
    return piece.body, None


def _clean_statements(text: str, path: str, feature: tuple[int, int] | None, tree: ast.Module | None) -> list[ast.stmt]:
    """The top-level statements of a broken file that are sound by themselves, in order."""
    if tree is not None:  # parsed; only the compiler refused something
        return _compiling(tree.body, path)
    try:
        import parso
        from parso.utils import split_lines
    except ImportError:  # a target interpreter without parso: nothing is recovered
        return []
    version = "%d.%d" % (feature or sys.version_info[:2])
    try:
        try:
            grammar = parso.load_grammar(version=version)
        except NotImplementedError:  # a Python parso does not know yet
            grammar = parso.load_grammar()
        children = grammar.parse(text, error_recovery=True).children
    except (RecursionError, MemoryError):
        raise
    except Exception:  # parso is an aid: when it fails, nothing is recovered
        return []
    lines = split_lines(text, keepends=True)

    def source(first: Any, last: Any) -> str:
        (start, _), (end, end_column) = first.start_pos, last.end_pos
        return "".join(lines[start - 1 : end - 1]) + lines[end - 1][:end_column] if end <= len(lines) else "".join(lines[start - 1 :])

    # Runs of consecutive clean statements: each run is parsed and compiled at once, and
    # split when Python rejects it (parso accepts some of what Python refuses, such as a
    # parameter without a default after one with a default).
    runs: list[list[Any]] = []
    run: list[Any] = []
    for node in children:
        erroneous = _detach(node)  # every node, so that the whole tree is freed
        # Indented statements at the top (after a broken `def` line) belong to a block.
        clean = node.type not in ("error_node", "error_leaf", "endmarker", "newline") and node.start_pos[1] == 0 and not erroneous
        if clean:
            run.append(node)
        elif run:
            runs.append(run)
            run = []
    if run:
        runs.append(run)
    out: list[ast.stmt] = []
    stack = list(reversed(runs))
    while stack:
        chunk = stack.pop()
        statements, bad = _parse_at(source(chunk[0], chunk[-1]), chunk[0].start_pos[0], path, feature)
        if statements is not None:
            out.extend(statements)
            continue
        # A node ends at column 0 of the line after its newline.
        spans = [(node.start_pos[0], node.end_pos[0] - (node.end_pos[1] == 0)) for node in chunk]
        stack.extend(reversed(_split(chunk, spans, bad)))
    return out


def _detach(node: Any) -> bool:
    """Whether parso's error recovery left an error node or leaf anywhere inside `node`.

    Also unlinks every node of it from its parent: parent links make reference cycles,
    and extraction runs with the cyclic garbage collector paused (fixkit.analyse), so
    without this each broken file's parso tree would stay in memory."""
    erroneous = False
    stack = [node]
    while stack:
        current = stack.pop()
        current.parent = None
        if current.type in ("error_node", "error_leaf"):
            erroneous = True
        children = getattr(current, "children", None)
        if children:
            stack.extend(children)
    return erroneous


def _too_deep(base: dict, text: str, path: str, exc: BaseException) -> FileFacts:
    """`ast.parse` gave up on deep nesting.  Building Python AST objects has a lower limit
    than compiling, so ask the compiler itself (no code runs): if it compiles, Python can
    import the file and it is only not analysed here; if not, importing it fails too."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, path, "exec", dont_inherit=True)
    except SyntaxError as error:
        return FileFacts(**base, syntax_error=_syntax_fact(error, text))
    except (RecursionError, MemoryError) as error:
        return FileFacts(**base, read_error=f"too deeply nested for Python's compiler ({type(error).__name__})")
    return FileFacts(**base, unchecked=f"too deeply nested to analyse ({type(exc).__name__}); Python compiles it, so it was not checked")


def _null_line(text: str) -> int:
    index = text.find("\0")
    return text.count("\n", 0, index) + 1 if index >= 0 else 1


def main() -> None:  # pragma: no cover - exercised through a subprocess of the target interpreter
    """Read a pickled [(path, module, is_package, abs_path)], write pickled [FileFacts]."""
    jobs = pickle.load(sys.stdin.buffer)
    target = tuple(sys.version_info[:2])
    out = []
    for path, module, is_package, abs_path in jobs:
        try:
            with open(abs_path, "rb") as fh:
                data = fh.read()
        except OSError as exc:
            out.append(FileFacts(path=path, module=module, sha256="", lines=0, read_error=f"cannot read: {exc.strerror}", is_package=is_package))
            continue
        out.append(extract_facts(path, module, is_package, data, target, allow_newer=True))
    sys.stdout.buffer.write(pickle.dumps(out, protocol=4))
    sys.stdout.buffer.flush()


if __name__ == "__main__":  # pragma: no cover
    main()
