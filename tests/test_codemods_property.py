"""Properties of every codemod (hypothesis).

1. A codemod with nothing to do changes nothing: every command runs on real files (the
   engarde sample and fixkit's own source) with arguments naming modules and names that
   appear nowhere in them; the output must be the input, byte for byte.  Hypothesis draws
   the file and the absent names.
2. A codemod with something to do (dedupe_models, defer_import, rename_import,
   shadowed_module) on generated programs changes the file, the result parses, and
   running it again changes nothing (applying twice equals applying once).

The suite's hypothesis profile is derandomized (tests/conftest.py): the same examples
every run; `HYPOTHESIS_PROFILE=explore` draws new ones.
"""

from __future__ import annotations

import ast
from pathlib import Path

import libcst as cst
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from libcst.codemod import CodemodContext, SkipFile

from codemods._common import module_and_package
from codemods.dedupe_models import DedupeModelsCommand
from codemods.defer_import import DeferImportCommand
from codemods.rename_import import RenameImportCommand
from codemods.repoint_imports import RepointImportsCommand
from codemods.shadowed_module import MoveDefinitionsCommand

REPO = Path(__file__).resolve().parents[1]


def _corpus() -> list[tuple[str, str]]:
    files = sorted((REPO / "sample_projects" / "engarde_backend").rglob("*.py"))[:40] + sorted((REPO / "fixkit").rglob("*.py"))[:20]
    out = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        try:
            ast.parse(text)
        except SyntaxError:
            continue  # the sample's broken files are the repairs' business, not the codemods'
        rel = path.relative_to(REPO / "sample_projects" / "engarde_backend") if "sample_projects" in path.parts else path.relative_to(REPO)
        out.append((rel.as_posix(), text))
    return out


CORPUS = _corpus()
# A dead module for MoveDefinitionsCommand: definitions, helpers and the imports they use.
_DEAD = (
    "import uuid\n\nfrom sqlalchemy import Column, String\n\nfrom .database import Base\n\n\n"
    "def generate_uuid():\n    return str(uuid.uuid4())\n\n\n"
    "class AnalyticsEvent(Base):\n    __tablename__ = 'analytics_events'\n    id = Column(String(36), primary_key=True, default=generate_uuid)\n"
)
_ident = st.from_regex(r"[A-Z][a-z]{3,8}", fullmatch=True).map(lambda s: f"Zz{s}")


def _run(command, path: str, text: str, **args) -> str:
    module, package = module_and_package(path)
    context = CodemodContext(filename=path, full_module_name=module, full_package_name=package)
    return command(context, **args).transform_module(cst.parse_module(text)).code


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(CORPUS), _ident, _ident)
def test_codemods_with_nothing_to_do_change_nothing(item, name, other) -> None:
    path, text = item
    absent = f"zz_absent.{name.lower()}"
    assert _run(RepointImportsCommand, path, text, moves=[f"{absent}:{name}=zz_elsewhere.mod"]) == text
    assert _run(DedupeModelsCommand, path, text, canonical=f"zz_elsewhere.mod:{name}", remove=[f"{absent}:{name}"]) == text
    assert _run(DeferImportCommand, path, text, module=absent) == text
    assert _run(RenameImportCommand, path, text, renames=[f"{absent}:{name}={other}"]) == text
    # as the package that shadows a dead module that defines none of the names asked for
    assert _run(MoveDefinitionsCommand, path, text, source_text=_DEAD, source_path="zz_dead.py", source_module="zz_dead", names=[name, other]) == text


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(CORPUS))
def test_moving_names_the_package_already_binds_changes_nothing(item) -> None:
    """MoveDefinitionsCommand never copies a name the package binds: the file moved into
    itself is a no-op."""
    path, text = item
    module, _ = module_and_package(path)
    tree = ast.parse(text)
    names = [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    names += [t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)]
    if not names:
        names = ["zz_nothing"]
    assert _run(MoveDefinitionsCommand, path, text, source_text=text, source_path=path, source_module=module or "zz_dead", names=names) == text


def test_the_corpus_is_real() -> None:
    assert len(CORPUS) >= 30  # a property over an empty corpus would prove nothing


# ----------------------------------------------------------------------------- with something to do
#
# Each strategy writes a small program in which the codemod has work, in many shapes
# (where the names are read, comments, blank lines, annotations, aliases).  The
# properties: the file changes, the result parses, a second run changes nothing.

_PROPERTY = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _once_and_twice(command, path: str, text: str, **args) -> str:
    once = _run(command, path, text, **args)
    assert once != text, "the generated program gave the codemod nothing to do"
    compile(once, path, "exec", dont_inherit=True)
    assert _run(command, path, once, **args) == once, "applying twice differs from applying once"
    return once


def _imported_from(tree: ast.Module, module: str) -> set[str]:
    return {a.asname or a.name for n in tree.body if isinstance(n, ast.ImportFrom) and n.module == module for a in n.names}


def _top_level_definitions(tree: ast.Module) -> set[str]:
    names = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    return names | {t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)}


_COMMENT = st.sampled_from(["", "  # noqa", "  # keep me"])
_BLANK = st.sampled_from(["\n", "\n\n", "\n\n\n"])


# rename_import: `from MODULE import OLD` and reads of OLD in many places, renamed to NEW.
_RENAME_USES = (
    "value_{i} = {old}()\n",
    "print({old}.__name__)\n",
    "def use_{i}(item: {old}) -> {old}:\n    return {old}(item)\n",
    "class Sub{i}({old}):\n    pass\n",
    "def outer_{i}():\n    def inner():\n        return [{old} for _ in range(2)]\n    return inner\n",
    "handler_{i} = lambda: {old}\n",
    "label_{i} = f\"{{{old}!r}}\"\n",
    "def shadow_{i}({old}):\n    return {old}\n",  # a parameter of the same name is another binding
    "if {old}:\n    flag_{i} = True\n",
)


@st.composite
def rename_programs(draw):
    old = draw(st.sampled_from(["WorkflowEngin", "get_curent_user", "Setings"]))
    new = {"WorkflowEngin": "WorkflowEngine", "get_curent_user": "get_current_user", "Setings": "Settings"}[old]
    module = draw(st.sampled_from(["app.services.engine", "app.core.security"]))
    alias = draw(st.sampled_from(["", " as Alias"]))
    name = "Alias" if alias else old
    lines = ['"""A module."""\n'] if draw(st.booleans()) else []
    lines.append("import os\n")
    others = draw(st.lists(st.sampled_from(["helper", "CONSTANT"]), unique=True, max_size=2))
    lines.append(f"from {module} import {', '.join([*others[:1], old + alias, *others[1:]])}{draw(_COMMENT)}\n")
    if draw(st.booleans()):
        lines.append(f"{new} = None  # the new name is taken here: the import is aliased\n")
    uses = draw(st.lists(st.integers(0, len(_RENAME_USES) - 1), min_size=1, max_size=5))
    for i, u in enumerate(uses):
        lines.append(draw(_BLANK) + _RENAME_USES[u].format(old=name, i=i))
    return "".join(lines), module, old, new


@_PROPERTY
@given(rename_programs())
def test_rename_import_result_parses_and_is_idempotent(program) -> None:
    text, module, old, new = program
    once = _once_and_twice(RenameImportCommand, "app/routers/things.py", text, renames=[f"{module}:{old}={new}"])
    imported = {a.name for n in ast.parse(once).body if isinstance(n, ast.ImportFrom) and n.module == module for a in n.names}
    assert new in imported and old not in imported


# defer_import: `from MODULE import ...` at module level, read only inside functions (or
# only in annotations, under `from __future__ import annotations`).
_DEFER_USES = (
    "def call_{i}(x):\n    \"\"\"Docstring.\"\"\"\n    return {name}(x)\n",
    "class Service{i}:\n    def run(self):\n        return {name}.run()\n",
    "async def fetch_{i}():\n    async with {name}() as client:\n        return client\n",
    "def nested_{i}():\n    def inner():\n        return {name}\n    return inner()\n",
)
_DEFER_ANNOTATION = "def typed_{i}(value: {name}) -> {name}:\n    return value\n"


@st.composite
def defer_programs(draw):
    future = draw(st.booleans())
    names = draw(st.lists(st.sampled_from(["Payment", "Ledger", "audit"]), unique=True, min_size=1, max_size=3))
    lines = ["from __future__ import annotations\n\n"] if future else []
    lines.append("import logging\n\n")
    lines.append(f"from app.models.billing import {', '.join(names)}{draw(_COMMENT)}\n")
    if draw(st.booleans()):
        lines.append("from app.core import settings\n")
    lines.append("\nlogger = logging.getLogger(__name__)\n")
    i = 0
    for name in names:  # every imported name is read somewhere, never at import time
        for u in draw(st.lists(st.integers(0, len(_DEFER_USES) - 1), min_size=1, max_size=2)):
            lines.append(draw(_BLANK) + _DEFER_USES[u].format(name=name, i=i))
            i += 1
        if future and draw(st.booleans()):
            lines.append(draw(_BLANK) + _DEFER_ANNOTATION.format(name=name, i=i))
            i += 1
    return "".join(lines)


@_PROPERTY
@given(defer_programs())
def test_defer_import_result_parses_and_is_idempotent(text) -> None:
    once = _once_and_twice(DeferImportCommand, "app/services/invoices.py", text, module="app.models.billing")
    assert not _imported_from(ast.parse(once), "app.models.billing"), "the module-level import is still there"


# dedupe_models: a models module defining a duplicated model among others, and a module
# importing it; the duplicate is deleted and the import repointed.
_MODEL = "class {name}(Base):\n    __tablename__ = \"{table}\"\n    id: Mapped[int] = mapped_column(Integer, primary_key=True)\n{extra}"
_EXTRA = ("", "    label: Mapped[str] = mapped_column(String(20))\n", "    owner: Mapped[\"User\"] = relationship()\n")


@st.composite
def dedupe_programs(draw):
    others = draw(st.lists(st.sampled_from(["User", "Invoice", "Token"]), unique=True, max_size=3))
    position = draw(st.integers(0, len(others)))
    banner = draw(st.sampled_from(["", "# ---- analytics ----\n\n", "# the basic registry entry\n"]))
    classes = [_MODEL.format(name=n, table=n.lower() + "s", extra=draw(st.sampled_from(_EXTRA))) for n in others]
    classes.insert(position, banner + _MODEL.format(name="PredictiveModel", table="predictive_models", extra=draw(st.sampled_from(_EXTRA))))
    head = "from sqlalchemy import Integer, String\nfrom sqlalchemy.orm import Mapped, mapped_column, relationship\n\nfrom app.database import Base\n"
    models = head + "".join("\n\n" + c for c in classes)
    if draw(st.booleans()):
        models += "\n\n__all__ = [" + ", ".join(repr(n) for n in ["PredictiveModel", *others]) + "]\n"
    imported = ", ".join(draw(st.permutations(["PredictiveModel", *others[:1]])))
    router = f"from fastapi import APIRouter\n\nfrom app.models.core import {imported}\n\nrouter = APIRouter()\n\n\ndef latest():\n    return PredictiveModel.id\n"
    return models, router


@_PROPERTY
@given(dedupe_programs())
def test_dedupe_models_result_parses_and_is_idempotent(program) -> None:
    models, router = program
    args = dict(canonical="app.models.analytics_models:PredictiveModel", remove=["app.models.core:PredictiveModel"])
    once = _once_and_twice(DedupeModelsCommand, "app/models/core.py", models, **args)
    assert "PredictiveModel" not in _top_level_definitions(ast.parse(once))
    once = _once_and_twice(DedupeModelsCommand, "app/routers/predictions.py", router, **args)
    tree = ast.parse(once)
    assert "PredictiveModel" in _imported_from(tree, "app.models.analytics_models")
    assert "PredictiveModel" not in _imported_from(tree, "app.models.core")


# shadowed_module: a dead `app/models.py` and the package `app/models/__init__.py` that
# shadows it; names the package does not bind are appended with their helpers and imports.
_DEAD_DEFINITIONS = {
    "generate_uuid": "def generate_uuid():\n    return str(uuid.uuid4())\n",
    "_slug": "def _slug(text):\n    return re.sub(r'\\W+', '-', text).lower()\n",
    "DEFAULT_LIMIT": "DEFAULT_LIMIT = 50\n",
    "AnalyticsEvent": "class AnalyticsEvent(Base):\n    # one row per event\n    __tablename__ = 'analytics_events'\n    id = Column(String(36), primary_key=True, default=generate_uuid)\n",
    "Report": "class Report(Base):\n    __tablename__ = 'reports'\n    id = Column(Integer, primary_key=True)\n\n    def slug(self):\n        return _slug(self.title)[:DEFAULT_LIMIT]\n",
    "summarise": "def summarise(rows: list) -> dict:\n    return {'count': len(rows), 'limit': DEFAULT_LIMIT}\n",
}
_DEAD_HEAD = "\"\"\"Legacy models.\"\"\"\nimport re\nimport uuid\n\nfrom sqlalchemy import Column, Integer, String\n\nfrom .database import Base\n"


@st.composite
def shadowed_programs(draw):
    order = draw(st.permutations(list(_DEAD_DEFINITIONS)))
    dead = _DEAD_HEAD + "".join("\n\n" + _DEAD_DEFINITIONS[n] for n in order)
    bound = draw(st.lists(st.sampled_from(["Report", "DEFAULT_LIMIT"]), unique=True, max_size=1))
    package = ['"""Model package."""\n'] if draw(st.booleans()) else []
    package.append("from .core import User\n")
    package += [f"from .reports import {n}\n" for n in bound]
    if draw(st.booleans()):
        package.append("\n__all__ = [\"User\"]\n")
    movable = [n for n in ("AnalyticsEvent", "Report", "summarise", "generate_uuid") if n not in bound]
    names = draw(st.lists(st.sampled_from(movable), unique=True, min_size=1, max_size=3))
    return dead, "".join(package), names, bound


@_PROPERTY
@given(shadowed_programs())
def test_shadowed_module_move_result_parses_and_is_idempotent(program) -> None:
    dead, package, names, bound = program
    once = _once_and_twice(
        MoveDefinitionsCommand, "app/models/__init__.py", package,
        source_text=dead, source_path="app/models.py", source_module="app.models", names=names,
    )
    tree = ast.parse(once)
    defined = _top_level_definitions(tree) | {a.asname or a.name for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names}
    assert set(names) <= defined
    # every name the moved code reads at module level is bound in the package now
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            for base in node.bases:
                assert not isinstance(base, ast.Name) or base.id in defined, base.id
