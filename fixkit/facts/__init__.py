"""Per-file facts, extracted from one `ast` parse of each file.

This module holds the *data contract* only (frozen dataclasses); extraction lives in
`fixkit.facts.extract`.  Facts are cached by content hash, so everything here must
be plain, picklable and free of references to ast nodes.
"""

from __future__ import annotations

from dataclasses import dataclass, field


# Attributes every module has without defining them (`from pip import __file__`).
IMPLICIT_MODULE_NAMES = frozenset(
    {"__name__", "__doc__", "__file__", "__spec__", "__loader__", "__package__", "__path__", "__builtins__", "__cached__", "__dict__"}
)


@dataclass(frozen=True)
class ImportFact:
    """One imported module (an `import a, b` statement gives two facts).

    `module` is absolute (relative imports resolved against the importing module).
    For `from pkg import x`, `names` holds ("x", asname) pairs and whether `pkg.x`
    is a submodule or a name is decided later against the project.
    """

    module: str
    line: int
    column: int
    end_line: int
    names: tuple[tuple[str, str | None], ...] = ()  # from-import names with their asname
    asname: str | None = None  # `import a.b as c`
    level: int = 0  # the relative level as written (0 = absolute)
    is_from: bool = False
    star: bool = False  # `from m import *`
    # Where it runs; only module-level, unguarded imports make a module fail to import.
    scope: str = "module"  # "module" | "function" | "class"
    guarded: bool = False  # inside try/except ImportError/ModuleNotFoundError/Exception
    type_checking: bool = False  # inside `if TYPE_CHECKING:`
    conditional: bool = False  # inside another `if` (sys.version_info, platform, ...)
    dynamic: bool = False  # importlib.import_module / __import__ with a literal name
    # Recovered from a file with a syntax error (fixkit.facts.extract): Python never runs
    # it (the file does not compile), but it must work once the syntax is fixed, so it
    # counts for "what blocks this entry point", not for what happens at runtime.
    recovered: bool = False

    @property
    def executes_on_import(self) -> bool:
        """True when importing the importing module runs this import unconditionally."""
        return self.scope == "module" and not (self.guarded or self.type_checking or self.conditional)


@dataclass(frozen=True)
class Definition:
    """A name bound at module level."""

    name: str
    line: int
    kind: str  # "class" | "function" | "assign" | "import"
    # For kind == "import": where the name comes from ("pkg.mod" and the original name).
    source_module: str | None = None
    source_name: str | None = None


@dataclass(frozen=True)
class ModelFact:
    """An ORM table definition: a declarative class or a core `Table(...)`."""

    name: str  # class name, or the variable a Table is assigned to
    table: str  # the table name
    line: int
    end_line: int
    style: str  # "declarative" | "flask-sqlalchemy" | "sqlmodel" | "table"
    base: str  # how the metadata is reached, as written: "Base", "db.Model", "metadata"
    columns: tuple[str, ...] = ()
    relationships: tuple[str, ...] = ()
    constraints: tuple[str, ...] = ()  # UniqueConstraint/Index/CheckConstraint/... as source text
    extend_existing: bool = False
    # Added: every base class as written (mixins included), for resolving the metadata.
    bases: tuple[str, ...] = ()

    @property
    def completeness(self) -> int:
        return len(self.columns) + len(self.relationships) + len(self.constraints)


@dataclass(frozen=True)
class SyntaxErrorFact:
    message: str  # as the target Python words it
    line: int
    column: int  # 0-based
    end_line: int | None = None
    end_column: int | None = None
    text: str = ""  # the offending source line


@dataclass(frozen=True)
class EntryHint:
    """Evidence that a module is, or names, entry points."""

    kind: str  # "fastapi-app" | "router" | "blueprint" | "flask-app" | "router-list"
    line: int
    name: str = ""  # variable name (router, app) or, for router-list, the imported module
    modules: tuple[str, ...] = ()  # for "router-list": the modules the loop imports


@dataclass(frozen=True)
class FileFacts:
    path: str  # relative to the project root, "/" separated
    module: str  # dotted name, "" when the file is not importable as a module
    sha256: str
    lines: int
    imports: tuple[ImportFact, ...] = ()
    definitions: tuple[Definition, ...] = ()
    all_names: tuple[str, ...] | None = None  # literal __all__, None when absent/dynamic
    # module-level __getattr__ (or names made by code: `globals()[k] = v`,
    # `globals().update(...)`, a module-level exec): any name may exist
    has_getattr: bool = False
    models: tuple[ModelFact, ...] = ()
    entry_hints: tuple[EntryHint, ...] = ()
    # With a syntax error, `imports`, `definitions` and `entry_hints` hold only what the
    # statements that parse cleanly say (each import marked `recovered`); nothing else is
    # extracted.
    syntax_error: SyntaxErrorFact | None = None
    # A problem reading the file (encoding, permission, NUL byte): the message.
    read_error: str | None = None
    # True when this interpreter could not parse it but the target Python may:
    # the file was not checked (see fixkit.facts.extract).
    unchecked: str | None = None
    defined_names: frozenset[str] = field(default=frozenset(), compare=False)
    # Added: an __init__.py (relative imports resolve against the module itself).
    is_package: bool = False
    # Added: names this module binds to a declarative root: a DeclarativeBase subclass,
    # a declarative_base()/generate_base() result, a registry ("reg.mapped"), or a
    # Flask-SQLAlchemy instance ("db.Model"); core MetaData objects as "metadata".
    metadata_roots: tuple[str, ...] = ()
    # Added: directories (relative to the project root, "" for the root) this module
    # puts on sys.path at import time (`sys.path.insert(0, os.path.dirname(__file__))`).
    sys_path_dirs: tuple[str, ...] = ()
    # Added: module-level classes with their bases as written, to follow a model's
    # metadata through abstract intermediate bases (`class Timestamped(Base)`).
    class_bases: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # Added: module-level `other.NAME = value` assignments, as (other, NAME): a module
    # injecting a name into another one (sqlalchemy's `type_api.NULLTYPE = NULLTYPE`).
    attribute_assignments: tuple[tuple[str, str], ...] = ()
    # Added: the module installs an import hook or replaces a sys.modules entry
    # (sys.meta_path / sys.path_hooks / `sys.modules[...] = `): its names and
    # submodules cannot be known statically.
    import_hook: bool = False
    # Added: module-level calls that hand the module its own `__name__` (callee as written,
    # `local.recreate_module`), and the module-level functions that touch `sys.modules`:
    # together they show a module replaced in sys.modules by a helper (celery's lazy
    # package), whose names cannot be known statically.
    name_handed_to: tuple[str, ...] = ()
    sys_modules_functions: tuple[str, ...] = ()

    def defines(self, name: str) -> bool | None:
        """True/False whether `from this_module import name` works; None when unknowable."""
        if self.has_getattr:
            return None
        if name in IMPLICIT_MODULE_NAMES:
            return True
        if name in self.defined_names or any(d.name == name for d in self.definitions):
            return True
        if self.import_hook:
            return None  # it rewrites the import system: anything may appear
        if any(i.star for i in self.imports if i.scope == "module"):
            return None  # resolved against the star-imported modules by the graph
        return False
