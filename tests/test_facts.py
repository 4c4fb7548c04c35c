"""Per-file facts from one `ast` parse: imports with their context, definitions, models,
entry hints, syntax errors; bad input never crashes the extractor."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from fixkit.analyse import analyse, collect_facts
from fixkit.config import Config
from fixkit.facts.extract import NeedsTarget, extract_facts
from fixkit.project import discover


def facts_of(source: str, module: str = "app.mod", *, is_package: bool = False, target=(3, 11), path: str | None = None):
    path = path or (module.replace(".", "/") + ("/__init__.py" if is_package else ".py"))
    return extract_facts(path, module, is_package, source.encode("utf-8", "surrogateescape"), target)


def imports_by_module(facts):
    return {i.module: i for i in facts.imports}


# ----------------------------------------------------------------------------- imports


def test_import_context_flags():
    f = facts_of(
        """
import os
import a.b.c as abc
from typing import TYPE_CHECKING
import typing
try:
    import guarded_one
except ImportError:
    import fallback_one
try:
    import guarded_two
except (ValueError, ModuleNotFoundError):
    pass
try:
    import not_guarded
except ValueError:
    pass
try:
    import bare_guarded
except:
    pass
if TYPE_CHECKING:
    import tc_one
if typing.TYPE_CHECKING:
    import tc_two
else:
    import runtime_else
import sys
if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli
if sys.platform == "win32":
    import winreg
def f():
    import in_function
class K:
    import in_class
"""
    )
    imp = imports_by_module(f)
    assert imp["os"].executes_on_import
    assert imp["a.b.c"].asname == "abc" and imp["a.b.c"].executes_on_import
    assert imp["guarded_one"].guarded and not imp["guarded_one"].executes_on_import
    assert imp["fallback_one"].conditional  # runs only when the guarded import failed
    assert imp["guarded_two"].guarded
    assert imp["not_guarded"].executes_on_import
    assert imp["bare_guarded"].guarded
    assert imp["tc_one"].type_checking and imp["tc_two"].type_checking
    assert imp["runtime_else"].executes_on_import
    assert imp["tomllib"].conditional and imp["tomli"].conditional and imp["winreg"].conditional
    assert imp["in_function"].scope == "function" and not imp["in_function"].executes_on_import
    assert imp["in_class"].scope == "class"
    assert imp["os"].line == 2 and imp["os"].column == 0


def test_relative_imports_are_resolved():
    f = facts_of("from . import sibling\nfrom .core import X\nfrom ..database import Base\nfrom .... import too_far\n", "app.models.core")
    mods = [(i.module, i.names, i.level) for i in f.imports]
    assert ("app.models", (("sibling", None),), 1) in mods
    assert ("app.models.core", (("X", None),), 1) in mods
    assert ("app.database", (("Base", None),), 2) in mods
    assert len(mods) == 3  # beyond the top-level package: an ImportError at runtime, not a module

    pkg = facts_of("from .core import X\n", "app.models", is_package=True)
    assert pkg.imports[0].module == "app.models.core"


def test_dynamic_imports_and_the_router_loop():
    f = facts_of(
        """
import importlib
ROUTERS = ["auth", "users"]
PAIRS = [("billing", "/billing"), ("stock", "/stock")]
TABLE = {"alpha": 1, "beta": 2}
importlib.import_module("app.plugins.one")
importlib.import_module(".two", package="app.plugins")
__import__("app.plugins.three")
def load(app):
    for name in ROUTERS:
        try:
            module = importlib.import_module(f"app.routers.{name}")
        except Exception:
            pass
    for name, prefix in PAIRS:
        importlib.import_module("app.routers." + name)
    for key in TABLE:
        importlib.import_module("app.extra.{}".format(key))
    for unknown in get_names():
        importlib.import_module(f"app.x.{unknown}")
"""
    )
    dynamic = {i.module: i for i in f.imports if i.dynamic}
    assert {"app.plugins.one", "app.plugins.two", "app.plugins.three"} <= set(dynamic)
    assert dynamic["app.plugins.one"].executes_on_import
    assert dynamic["app.routers.auth"].guarded and dynamic["app.routers.auth"].scope == "function"
    assert {"app.routers.users", "app.routers.billing", "app.routers.stock", "app.extra.alpha", "app.extra.beta"} <= set(dynamic)
    assert not any(m.startswith("app.x.") for m in dynamic)
    hints = [h for h in f.entry_hints if h.kind == "router-list"]
    assert [h.modules for h in hints] == [("app.routers.auth", "app.routers.users"), ("app.routers.billing", "app.routers.stock"), ("app.extra.alpha", "app.extra.beta")]


# ----------------------------------------------------------------------------- definitions


def test_definitions_all_star_and_getattr():
    f = facts_of(
        """
from os import path as p, sep
import json
import xml.etree
a, (b, *c) = 1, (2, 3, 4)
d: int = 1
e: int
class K: pass
def g(): pass
async def h(): pass
for loop_var in range(3): pass
with open(__file__) as handle: pass
try:
    from fast import Impl
except ImportError:
    Impl = None
__all__ = ["a", "K"]
__all__ += ["g"]
from other import *
"""
    )
    names = f.defined_names
    assert {"p", "sep", "json", "xml", "a", "b", "c", "d", "K", "g", "h", "loop_var", "handle", "Impl"} <= names
    assert "e" not in names  # an annotation alone binds nothing
    by_name = {d.name: d for d in f.definitions}
    assert (by_name["p"].kind, by_name["p"].source_module, by_name["p"].source_name) == ("import", "os", "path")
    assert f.all_names == ("a", "K", "g")
    assert f.defines("a") is True
    assert f.defines("zzz") is None  # the star import may provide it
    assert facts_of("x = 1\n").defines("zzz") is False
    assert facts_of("def __getattr__(name):\n    return 1\n").defines("anything") is None
    assert facts_of("__all__ = make()\n").all_names is None


def test_sys_path_insertions_are_resolved_to_project_directories():
    f = facts_of(
        "import os, sys\nfrom pathlib import Path\n"
        "sys.path.insert(0, os.path.dirname(__file__))\n"
        "sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))\n"
        "sys.path.insert(0, str(Path(__file__).resolve().parent.parent))\n",
        "app.main",
    )
    assert f.sys_path_dirs == ("app", "lib", "")


# ----------------------------------------------------------------------------- models


def test_declarative_models_of_every_style():
    f = facts_of(
        """
from sqlalchemy import Column, Integer, String, Table, MetaData, UniqueConstraint, ForeignKey
from sqlalchemy.orm import DeclarativeBase, declarative_base, registry, Mapped, mapped_column, relationship
from flask_sqlalchemy import SQLAlchemy
from sqlmodel import SQLModel, Field

class Base(DeclarativeBase):
    pass
Legacy = declarative_base()
reg = registry()
db = SQLAlchemy()
metadata = MetaData()

class User(Base):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("email"), {"extend_existing": True})
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str]
    posts: Mapped[list["Post"]] = relationship(back_populates="author")

class Mixin:
    created = Column(Integer)

class Abstract(Base):
    __abstract__ = True

class Old(Mixin, Legacy):
    __tablename__ = "old"
    id = Column(Integer, primary_key=True)

@reg.mapped
class Mapped2:
    __tablename__ = "mapped2"
    id = Column(Integer, primary_key=True)

class Product(db.Model):
    id = db.Column(db.Integer, primary_key=True)

class Hero(SQLModel, table=True):
    id: int = Field(primary_key=True)
    name: str

class HeroBase(SQLModel):
    name: str

tags = Table("tags", metadata, Column("id", Integer), UniqueConstraint("id"))
"""
    )
    models = {m.name: m for m in f.models}
    assert set(models) == {"User", "Old", "Mapped2", "Product", "Hero", "tags"}
    user = models["User"]
    assert (user.table, user.base, user.style) == ("users", "Base", "declarative")
    assert user.columns == ("id", "email") and user.relationships == ("posts",)
    assert user.constraints == ('UniqueConstraint("email")',) and user.extend_existing
    assert user.completeness == 4
    assert models["Old"].base == "Legacy" and models["Old"].bases == ("Mixin", "Legacy")
    assert models["Mapped2"].base == "reg.mapped"
    assert (models["Product"].table, models["Product"].style, models["Product"].base) == ("product", "flask-sqlalchemy", "db.Model")
    assert (models["Hero"].table, models["Hero"].style, models["Hero"].columns) == ("hero", "sqlmodel", ("id", "name"))
    assert (models["tags"].table, models["tags"].style, models["tags"].base, models["tags"].columns) == ("tags", "table", "metadata", ("id",))
    assert set(f.metadata_roots) == {"Base", "Legacy", "reg.mapped", "db.Model", "metadata"}


def test_entry_hints():
    f = facts_of("from fastapi import APIRouter, FastAPI\nfrom flask import Blueprint, Flask\nrouter = APIRouter()\napp = FastAPI()\nbp = Blueprint('x', __name__)\nflask_app = Flask(__name__)\ndef make():\n    inner = APIRouter()\n")
    assert [(h.kind, h.name, h.line) for h in f.entry_hints] == [
        ("router", "router", 3), ("fastapi-app", "app", 4), ("blueprint", "bp", 5), ("flask-app", "flask_app", 6)
    ]


# ----------------------------------------------------------------------------- errors


def test_syntax_error_is_exact():
    f = facts_of("x = {\n    'a': 1,\n    'b': [1]\n    'c': 2\n}\n")
    err = f.syntax_error
    assert err is not None and f.imports == ()
    assert (err.line, err.column) == (3, 9)
    assert "forgot a comma" in err.message
    assert err.text.strip() == "'b': [1]"


BROKEN = """\
import os
from app.core import config
try:
    import orjson
except ImportError:
    orjson = None
if TYPE_CHECKING:
    from app.types import Hint
def handler():
    import app.lazy
class Service:
    import app.in_class
PROVIDERS = {
    "a": {"scopes": ["x"]}
    "b": {},
}
def broken(:
    import app.inside_broken
    return 1
from app.after import Late
def router(limit=10, payload):
    import app.in_bad_def
api = APIRouter()
"""


def test_a_broken_file_keeps_the_imports_of_its_sound_statements_with_their_context():
    """What blocks an entry point includes what a broken file will import once its syntax
    is fixed: the imports of its clean top-level statements are recovered, marked, with the
    same context flags as in a sound file; nothing inside a broken statement counts."""
    f = facts_of(BROKEN)
    assert f.syntax_error is not None and f.syntax_error.line == 14
    imp = imports_by_module(f)
    assert set(imp) == {"os", "app.core", "orjson", "app.types", "app.lazy", "app.in_class", "app.after"}
    assert all(i.recovered for i in f.imports)
    assert imp["os"].executes_on_import and imp["app.core"].executes_on_import and imp["app.core"].names == (("config", None),)
    assert imp["app.after"].executes_on_import and imp["app.after"].line == 20  # after the error
    assert imp["orjson"].guarded and not imp["orjson"].executes_on_import
    assert imp["app.types"].type_checking and not imp["app.types"].executes_on_import
    assert imp["app.lazy"].scope == "function" and imp["app.in_class"].scope == "class"
    # The definitions of the clean statements, so that a broken module's names are known.
    assert {"os", "config", "orjson", "handler", "Service", "Late"} <= f.defined_names
    assert not {"PROVIDERS", "broken", "router", "Hint"} & f.defined_names
    assert [(h.kind, h.name) for h in f.entry_hints] == [("router", "api")]  # still an entry point
    sound = facts_of("import os\n")
    assert not any(i.recovered for i in sound.imports)


def test_statements_after_a_broken_block_header_are_not_module_level():
    """`def f(:` breaks the block: its indented body is not at module level."""
    f = facts_of("import a\ndef f(:\n    import inside\n    return 1\nx = (\nimport b\n")
    assert [(i.module, i.line) for i in f.imports] == [("a", 1), ("b", 6)]


def test_a_file_only_the_compiler_rejects_keeps_its_other_statements():
    """The parse worked: each statement the compiler accepts on its own counts."""
    f = facts_of("import a\ndef f(x, x):\n    import inner\nreturn 1\n@deco\ndef g(): pass\nimport b\n")
    assert "duplicate argument" in f.syntax_error.message
    assert [(i.module, i.line, i.recovered) for i in f.imports] == [("a", 1, True), ("b", 7, True)]
    assert {"a", "g", "b"} <= f.defined_names and "f" not in f.defined_names


def test_parso_runs_only_for_files_with_a_syntax_error(monkeypatch):
    import parso

    calls = []
    real = parso.load_grammar
    monkeypatch.setattr(parso, "load_grammar", lambda *a, **k: calls.append(1) or real(*a, **k))
    facts_of("import os\n" * 50 + "def f(x=1, *, y):\n    return x\n")
    assert calls == []
    facts_of("import os\nx = (\n")
    assert calls == [1]


def test_recovery_makes_no_reference_cycles():
    """Extraction runs with the cyclic garbage collector paused: parso's parent links must
    not keep a broken file's tree alive."""
    import gc

    source = "import os\n" + "".join(f"def f{i}(x):\n    return x\n" for i in range(50)) + "x = (\n"
    facts_of(source)
    gc.collect()
    gc.disable()
    try:
        f = facts_of(source)
        cycles = gc.collect()
    finally:
        gc.enable()
    assert f.imports and cycles == 0


def test_without_parso_a_broken_file_still_has_its_syntax_error(monkeypatch):
    """The target interpreter may run the extractor without parso: nothing is recovered."""
    monkeypatch.setitem(sys.modules, "parso", None)
    f = facts_of("import os\nx = (\n")
    assert f.syntax_error is not None and f.imports == ()


@pytest.mark.parametrize(
    "source,message",
    [
        ("f(a=1, a=2)\n", "keyword argument repeated"),
        ("def f(a, a):\n    pass\n", "duplicate argument"),
        ("return 1\n", "'return' outside function"),
    ],
)
def test_errors_only_the_compiler_raises_are_syntax_errors(source, message):
    """Python raises these when importing the module, so the plan must see them."""
    f = facts_of(source)
    assert f.syntax_error is not None and message in f.syntax_error.message


def test_target_version_older_than_the_running_python():
    source = "match x:\n    case 1:\n        pass\n"
    assert facts_of(source, target=(3, 11)).syntax_error is None
    old = facts_of(source, target=(3, 9))
    assert old.syntax_error is not None and "3.10" in old.syntax_error.message


def test_null_bytes_and_bad_encoding_are_facts_not_crashes():
    nul = extract_facts("app/n.py", "app.n", False, b"x = 1\ny = '\x00'\n", (3, 11))
    assert nul.syntax_error is not None and nul.syntax_error.line == 2 and "null" in nul.syntax_error.message
    latin = extract_facts("app/l.py", "app.l", False, b"s = '\xe9'\n", (3, 11))
    assert latin.read_error and "encoding" in latin.read_error  # what Python says too
    later = extract_facts("app/l.py", "app.l", False, b"x = 1\ny = 2\nz = 3\ns = '\xe9'\n", (3, 11))
    assert later.read_error and "utf-8" in later.read_error
    declared = extract_facts("app/d.py", "app.d", False, b"# -*- coding: latin-1 -*-\ns = '\xe9'\n", (3, 11))
    assert declared.read_error is None and declared.syntax_error is None


def test_absurd_nesting_is_a_fact_not_a_crash():
    deep_binop = "x = " + "+".join(["1"] * 150_000) + "\n"
    f = facts_of(deep_binop)
    # Python's import fails on it too (RecursionError): a read error that blocks importers
    assert f.read_error and "nested" in f.read_error
    nested = "x = " + "[" * 5000 + "]" * 5000 + "\n"
    g = facts_of(nested)
    assert g.syntax_error is not None or g.unchecked is not None
    # a deep but parsable expression inside a function does not break the explicit-stack walk
    chain = "import importlib\ndef f():\n    return " + " + ".join(["importlib.import_module('app.x')"] * 1500) + "\n"
    h = facts_of(chain)
    # Python compiles it (importing works), only building the ast objects hits a limit.
    assert h.read_error is None and h.syntax_error is None
    assert h.unchecked or sum(1 for i in h.imports if i.dynamic) == 1500


def test_newer_syntax_raises_needs_target_instead_of_a_false_error():
    pep701 = 'name = "x"\nmsg = f"{name + f"{"nested"}"}"\n'
    if sys.version_info >= (3, 12):
        pytest.skip("the running Python parses PEP 701 f-strings")
    with pytest.raises(NeedsTarget):
        facts_of(pep701, target=(3, 12))
    assert facts_of(pep701, target=(3, 11)).syntax_error is not None


# ----------------------------------------------------------------------------- project level

PY312 = "/root/.pyenv/versions/3.12.1/bin/python"


def _newer_syntax_project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "app").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "p"\nversion = "1"\nrequires-python = ">=3.12"\n')
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "new.py").write_text('import app.gone\nname = "x"\nmsg = f"{name + f"{"nested"}"}"\n')
    return root


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="the running Python parses PEP 701 f-strings")
def test_newer_syntax_without_its_interpreter_is_noted_as_unchecked(tmp_path):
    root = _newer_syntax_project(tmp_path)
    analysis = analyse(Config(root=root, use_cache=False))
    facts = analysis.facts["app/new.py"]
    assert facts.syntax_error is None and facts.unchecked and "3.12" in facts.unchecked
    assert any("not checked" in n or "were not" in n for n in analysis.notes)


@pytest.mark.skipif(sys.version_info >= (3, 12) or not os.path.exists(PY312), reason="needs a 3.12 interpreter and an older running one")
def test_newer_syntax_is_extracted_by_the_target_interpreter(tmp_path):
    root = _newer_syntax_project(tmp_path)
    analysis = analyse(Config(root=root, use_cache=False, python=PY312))
    facts = analysis.facts["app/new.py"]
    assert facts.syntax_error is None and facts.unchecked is None
    assert [i.module for i in facts.imports] == ["app.gone"]  # facts, not just "it compiles"


def test_unreadable_files_become_read_errors(tmp_path):
    root = tmp_path / "proj"
    (root / "app").mkdir(parents=True)
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "ok.py").write_text("x = 1\n")
    os.mkfifo(root / "app" / "fifo.py")
    os.symlink(root / "app" / "missing_target.py", root / "app" / "dangling.py")
    (root / "app" / "dir.py").mkdir()  # a directory named like a module
    (root / "app" / "dir.py" / "inner.py").write_text("y = 2\n")
    facts = collect_facts(discover(Config(root=root)), use_cache=False)
    assert "FIFO" in facts["app/fifo.py"].read_error
    assert "dangling" in facts["app/dangling.py"].read_error
    assert facts["app/ok.py"].read_error is None
    assert "app/dir.py" not in facts


def test_cache_reuses_unchanged_files_and_reparses_changed_ones(tmp_path):
    root = tmp_path / "proj"
    (root / "app").mkdir(parents=True)
    (root / "app" / "a.py").write_text("import os\n")
    (root / "app" / "b.py").write_text("import sys\n")
    first = collect_facts(discover(Config(root=root)))
    assert (root / ".fixkit_cache").is_dir()
    (root / "app" / "b.py").write_text("import json\n")
    second = collect_facts(discover(Config(root=root)))
    assert second["app/a.py"] is not first["app/a.py"]  # unpickled from the cache ...
    assert second["app/a.py"] == first["app/a.py"]  # ... and equal
    assert [i.module for i in second["app/b.py"].imports] == ["json"]
    # the cache is not part of the project
    assert ".fixkit_cache" not in {p.split("/")[0] for p in discover(Config(root=root)).files}


def test_process_pool_gives_the_same_facts_as_serial(tmp_path, monkeypatch):
    import fixkit.analyse as analyse_module

    root = tmp_path / "proj"
    (root / "pkg").mkdir(parents=True)
    for i in range(260):
        (root / "pkg" / f"m{i}.py").write_text(f"from pkg.m{(i + 1) % 260} import x\nx = {i}\n")
    project = discover(Config(root=root))
    pooled = collect_facts(project, use_cache=False)
    monkeypatch.setattr(analyse_module, "POOL_THRESHOLD", 10**9)
    serial = collect_facts(project, use_cache=False)
    assert pooled == serial and len(pooled) == 260


def test_cache_writes_a_small_delta_after_one_change(tmp_path):
    root = tmp_path / "proj"
    (root / "app").mkdir(parents=True)
    for i in range(30):
        (root / "app" / f"m{i}.py").write_text(f"import os\nx = {i}\n")
    collect_facts(discover(Config(root=root)))
    cache_dir = root / ".fixkit_cache"
    (full,) = cache_dir.glob("facts-*.pickle")
    full_bytes = full.read_bytes()
    (root / "app" / "m3.py").write_text("import json\n")
    collect_facts(discover(Config(root=root)))
    assert full.read_bytes() == full_bytes  # untouched
    assert full.with_suffix(".pickle.delta").is_file()
    third = collect_facts(discover(Config(root=root)))
    assert [i.module for i in third["app/m3.py"].imports] == ["json"]
    (root / "app" / "m4.py").unlink()  # a removed file rewrites the full cache
    fourth = collect_facts(discover(Config(root=root)))
    assert "app/m4.py" not in fourth and not full.with_suffix(".pickle.delta").exists()
    assert [i.module for i in collect_facts(discover(Config(root=root)))["app/m3.py"].imports] == ["json"]


@pytest.mark.parametrize(
    "source,char",
    [('"""st\n\u4e2d"""e', "e"), ('DOC = """résumé\nnaïve café"""x\n', "x"), ('x = "é" y\n', "y")],
)
def test_syntax_error_column_counts_characters_of_the_real_line(source, char):
    """After a string spanning lines Python reports the whole token as the text and a
    column mixing bytes and characters; the fact points at the offending character."""
    err = facts_of(source).syntax_error
    assert err is not None and "\n" not in err.text
    assert err.text[err.column] == char
