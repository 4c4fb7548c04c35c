"""Hostile inputs, each laid into a small FastAPI project that also has one ordinary fault.

Every project built by `base_project` loads its routers with the seed backend's loop
(`app/main.py`, a literal ROUTERS list) and has a *canary*: `app/routers/canary.py`
imports the missing first-party module `app.services.gone`.  When fixkit still reports
the canary, the rest of the project was analysed despite the hostile file.

Each `build_*` function adds one hostile input to `root` and returns a `Case`: what a
correct plan must contain besides the canary.  Line numbers are never written by hand:
they come from `ast` on the decoded text, i.e. from Python itself.
"""

from __future__ import annotations

import ast
import os
import re
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CANARY = ("missing-module", "app/routers/canary.py", "app.routers.canary")


@dataclass
class Expect:
    """A diagnosis a correct plan must contain."""

    kind: str | None  # None: any kind
    file: str
    line: int | None = None  # None: any line
    blocks: str | None = None  # an entry point it must block


@dataclass
class Case:
    name: str
    expect: list[Expect] = field(default_factory=list)
    # entry points that must be reported blocked (by whatever diagnosis)
    blocked: list[str] = field(default_factory=list)
    # files fixkit must mention somewhere (a diagnosis, a note or a warning line)
    mentioned: list[str] = field(default_factory=list)
    # files about which there must be NO diagnosis (they are fine)
    clean: list[str] = field(default_factory=list)
    exit_codes: tuple[int, ...] = (1,)
    # the fix a diagnosis must carry: (file of the diagnosis, safety, lines its notes must hold)
    fix: tuple[str, str, tuple[str, ...]] | None = None


def write(root: Path, rel: str, data: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = textwrap.dedent(data).lstrip("\n").encode("utf-8")
    path.write_bytes(data)
    return path


def line_of_import(text: str, module: str) -> int:
    """The line Python reports for the import of `module` in `text`."""
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ImportFrom) and node.module == module:
            return node.lineno
        if isinstance(node, ast.Import) and any(a.name == module for a in node.names):
            return node.lineno
    raise AssertionError(f"no import of {module}")


def base_project(root: Path, routers: list[str] = ()) -> None:
    """A healthy router, the canary, and `routers` (extra router modules the case writes)."""
    names = ["healthy", "canary", *routers]
    write(root, "pyproject.toml", """
        [project]
        name = "hostile"
        version = "0.1.0"
        requires-python = ">=3.10"
        dependencies = ["fastapi>=0.110", "sqlalchemy>=2.0", "pydantic>=2.5"]
    """)
    write(root, "app/__init__.py", "")
    write(root, "app/main.py", f"""
        import importlib
        import logging

        from fastapi import FastAPI

        logger = logging.getLogger(__name__)
        ROUTERS = {names!r}

        app = FastAPI()
        for name in ROUTERS:
            try:
                module = importlib.import_module(f"app.routers.{{name}}")
                app.include_router(module.router)
            except Exception as exc:
                logger.warning("Failed to load router %s: %s", name, exc)
    """)
    write(root, "app/routers/__init__.py", "")
    write(root, "app/services/__init__.py", "")
    write(root, "app/services/util.py", """
        def helper(value):
            return value * 2
    """)
    write(root, "app/routers/healthy.py", """
        from fastapi import APIRouter

        from app.services.util import helper

        router = APIRouter()


        @router.get("/double/{n}")
        def double(n: int):
            return {"n": helper(n)}
    """)
    write(root, "app/routers/canary.py", """
        from fastapi import APIRouter

        from app.services.gone import vanished

        router = APIRouter()
    """)


def router_importing(root: Path, router: str, module: str, name: str = "thing") -> None:
    write(root, f"app/routers/{router}.py", f"""
        from fastapi import APIRouter

        from {module} import {name}

        router = APIRouter()
    """)


# ----------------------------------------------------------------------------- sources


def build_not_utf8_without_coding(root: Path) -> Case:
    base_project(root, ["uses_latin"])
    write(root, "app/services/latin.py", b'thing = "caf\xe9"\n')  # latin-1 bytes, no coding line
    router_importing(root, "uses_latin", "app.services.latin")
    # Python cannot import it ("Non-UTF-8 code starting with '\xe9'"), so it is a root cause.
    return Case("not-utf8-without-coding", expect=[Expect(None, "app/services/latin.py", blocks="app.routers.uses_latin")])


def build_not_utf8_with_coding(root: Path) -> Case:
    base_project(root, ["uses_latin"])
    text = '# -*- coding: latin-1 -*-\nfrom app.services.gone_latin import nothing\nthing = "caf\xe9"\n'
    write(root, "app/services/latin.py", text.encode("latin-1"))
    router_importing(root, "uses_latin", "app.services.latin")
    line = line_of_import(text, "app.services.gone_latin")
    return Case("not-utf8-with-coding", expect=[Expect("missing-module", "app/services/latin.py", line, blocks="app.routers.uses_latin")])


def build_bom(root: Path) -> Case:
    base_project(root, ["uses_bom"])
    text = '"""A module saved by an editor that writes a BOM."""\nimport os\nfrom app.services.gone_bom import nothing\nthing = os.sep\n'
    write(root, "app/services/bom.py", b"\xef\xbb\xbf" + text.encode())
    router_importing(root, "uses_bom", "app.services.bom")
    return Case("bom", expect=[Expect("missing-module", "app/services/bom.py", line_of_import(text, "app.services.gone_bom"), blocks="app.routers.uses_bom")])


def build_crlf_and_mixed_newlines(root: Path) -> Case:
    base_project(root, ["uses_crlf", "uses_mixed"])
    crlf = '"""Windows line endings."""\r\nimport os\r\n\r\nfrom app.services.gone_crlf import nothing\r\nthing = 1\r\n'
    mixed = '"""Mixed endings."""\nimport os\r\n\rx = 1\r\nfrom app.services.gone_mixed import nothing\nthing = 2\r'
    write(root, "app/services/crlf.py", crlf.encode())
    write(root, "app/services/mixed.py", mixed.encode())
    router_importing(root, "uses_crlf", "app.services.crlf")
    router_importing(root, "uses_mixed", "app.services.mixed")
    return Case("crlf-mixed-newlines", expect=[
        Expect("missing-module", "app/services/crlf.py", line_of_import(crlf, "app.services.gone_crlf"), blocks="app.routers.uses_crlf"),
        Expect("missing-module", "app/services/mixed.py", line_of_import(mixed, "app.services.gone_mixed"), blocks="app.routers.uses_mixed"),
    ])


def build_tabs(root: Path) -> Case:
    base_project(root, ["uses_tabs", "uses_taberror"])
    tabs = "import sys\nfrom app.services.gone_tabs import nothing\n\n\ndef f(x):\n\tif x:\n\t\treturn x\n\treturn 0\n\n\nclass K:\n\tdef m(self):\n\t\treturn 1\n"
    # one block indented by a tab, the next line of the same block by 8 spaces: TabError
    taberror = "def g(x):\n\tif x:\n        \treturn 1\n        return 2\nthing = 2\n"
    write(root, "app/services/tabs.py", tabs)
    write(root, "app/services/taberror.py", taberror)
    router_importing(root, "uses_tabs", "app.services.tabs")
    router_importing(root, "uses_taberror", "app.services.taberror")
    return Case("tabs", expect=[
        Expect("missing-module", "app/services/tabs.py", line_of_import(tabs, "app.services.gone_tabs"), blocks="app.routers.uses_tabs"),
        Expect(None, "app/services/taberror.py", blocks="app.routers.uses_taberror"),
    ])


def build_nul_bytes(root: Path) -> Case:
    base_project(root, ["uses_nul"])
    write(root, "app/services/nul.py", b"thing = 1\n\x00\x00garbage = 2\n")
    router_importing(root, "uses_nul", "app.services.nul")
    return Case("nul-bytes", expect=[Expect(None, "app/services/nul.py", blocks="app.routers.uses_nul")])


def build_big_file(root: Path, megabytes: float = 5.0) -> Case:
    base_project(root, ["uses_big"])
    chunks = ['"""A generated table."""\n', "TABLE = {}\n"]
    size = sum(map(len, chunks))
    i = 0
    while size < megabytes * 1024 * 1024:
        line = f"TABLE['key_{i:07d}'] = ('value number {i}', {i}, {i * 7 % 1000}, [1, 2, 3])\n"
        chunks.append(line)
        size += len(line)
        i += 1
    chunks.append("from app.services.gone_big import nothing\nthing = len(TABLE)\n")
    text = "".join(chunks)
    write(root, "app/services/big.py", text.encode())
    router_importing(root, "uses_big", "app.services.big")
    return Case("big-file-5mb", expect=[Expect("missing-module", "app/services/big.py", text.count("\n") - 1, blocks="app.routers.uses_big")])


def build_deep_nesting(root: Path) -> Case:
    base_project(root, ["uses_deep", "uses_unary"])
    # ast.parse raises RecursionError on the first and MemoryError on the second (3.11);
    # importing either fails the same way, so both are root causes.
    write(root, "app/services/deep.py", "thing = " + "1 + " * 150_000 + "1\n")
    write(root, "app/services/unary.py", "thing = " + "-" * 100_000 + "1\n")
    router_importing(root, "uses_deep", "app.services.deep")
    router_importing(root, "uses_unary", "app.services.unary")
    return Case("deep-nesting", blocked=["app.routers.uses_deep", "app.routers.uses_unary"], mentioned=["app/services/deep.py", "app/services/unary.py"])


# ----------------------------------------------------------------------------- the file system


def build_unreadable_entries(root: Path) -> Case:
    """A directory named like a module, a FIFO (reading it would block forever), a dangling symlink."""
    base_project(root, ["uses_dangling"])
    (root / "app/services/folder.py").mkdir(parents=True)
    write(root, "app/services/folder.py/inner.py", "x = 1\n")
    os.mkfifo(root / "app/services/pipe.py")
    os.symlink(root / "nowhere" / "missing.py", root / "app/services/dangling.py")
    router_importing(root, "uses_dangling", "app.services.dangling")
    # Python: the dangling link is no module, so `from app.services.dangling import thing` fails.
    return Case("unreadable-entries", blocked=["app.routers.uses_dangling"])


def build_unreadable_file(root: Path) -> Case:
    base_project(root, ["uses_secret"])
    path = write(root, "app/services/secret.py", "thing = 1\n")
    router_importing(root, "uses_secret", "app.services.secret")
    path.chmod(0)
    return Case("chmod-000", expect=[Expect(None, "app/services/secret.py", blocks="app.routers.uses_secret")])


def build_symlink_loops(root: Path) -> Case:
    base_project(root)
    os.symlink("..", root / "app/services/loop")  # a directory link back to its parent
    os.symlink("b_link.py", root / "app/services/a_link.py")  # two file links to each other
    os.symlink("a_link.py", root / "app/services/b_link.py")
    os.symlink(root / "app", root / "app/routers/again")
    # The two file links cannot be read (ELOOP): each is reported; the directory links
    # are not followed, so nothing is reported twice through them.
    return Case(
        "symlink-loops",
        expect=[Expect(None, "app/services/a_link.py"), Expect(None, "app/services/b_link.py")],
        mentioned=["app/services/a_link.py", "app/services/b_link.py"],
        clean=["app/services/loop/routers/canary.py", "app/services/loop/services/loop/services/util.py"],
    )


# ----------------------------------------------------------------------------- project level


def build_invalid_pyproject(root: Path) -> Case:
    base_project(root)
    text = '[project]\nname = "hostile"\ndependencies = ["fastapi",\n[tool.fixkit\n'
    write(root, "pyproject.toml", text)
    # Refused with one line naming the file and the place: fixkit's own settings are in it.
    line = _toml_error_line(text)
    return Case("invalid-pyproject", mentioned=["pyproject.toml", "invalid TOML", f"line {line}"], exit_codes=(2,))


def _toml_error_line(text: str) -> int:
    """The line tomllib itself reports for the error in `text`."""
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return int(re.search(r"at line (\d+)", str(exc)).group(1))
    raise AssertionError("valid TOML")


def build_pyproject_not_utf8(root: Path) -> Case:
    base_project(root)
    text = '[project]\nname = "hostile"\ndescription = "caf\xe9 inventory"\ndependencies = ["fastapi"]\n'
    write(root, "pyproject.toml", text.encode("latin-1"))
    return Case("pyproject-not-utf8", mentioned=["pyproject.toml", "not UTF-8", "line 3"], exit_codes=(2,))


# fixkit's own settings: a value of the wrong type is refused, one line naming the key (exit 2)


def _settings_case(name: str, toml: str, *mentioned: str):
    def build(root: Path) -> Case:
        base_project(root)
        write(root, "pyproject.toml", toml + '\n[project]\nname = "hostile"\nversion = "0.1.0"\n')
        return Case(name, mentioned=["pyproject.toml", *mentioned], exit_codes=(2,))

    build.__name__ = "build_" + name.replace("-", "_")
    build.__doc__ = f"pyproject.toml with {toml.strip()!r}"
    return build


build_tool_not_a_table = _settings_case("tool-not-a-table", "tool = 5\n", "tool must be a table")
# TOML reads 3.10 as the float 3.1: used as is, it would judge syntax for Python 3.1
build_target_version_a_number = _settings_case("target-version-a-number", "[tool.fixkit]\ntarget-version = 3.10\n", "target-version", "quote it")
build_fixkit_setting_misspelt = _settings_case("fixkit-setting-misspelt", '[tool.fixkit]\nentry_points = ["app.routers.*"]\n', "entry_points", "entry-points")


# The analysed project's dependency declarations: a value of the wrong type is skipped, the
# rest analysed; the FK101 fix that would have used it says so in one note line, and is
# manual when the skipped one is where the new requirement belongs.

_DEPS_ROUTER = "from fastapi import APIRouter\nimport bleach\n\nrouter = APIRouter()\n"


def _declaration_case(name: str, toml: str, safety: str, *notes: str, files: dict[str, bytes] | None = None):
    def build(root: Path) -> Case:
        base_project(root, ["uses_deps"])
        write(root, "pyproject.toml", toml)
        for rel, data in (files or {}).items():
            write(root, rel, data)
        write(root, "app/routers/uses_deps.py", _DEPS_ROUTER)
        return Case(
            name,
            expect=[Expect("missing-dependency", "app/routers/uses_deps.py", line_of_import(_DEPS_ROUTER, "bleach"), blocks="app.routers.uses_deps")],
            mentioned=list(notes),
            fix=("app/routers/uses_deps.py", safety, notes),
        )

    build.__name__ = "build_" + name.replace("-", "_")
    return build


_PROJECT = '[project]\nname = "hostile"\nversion = "0.1.0"\n'
_DEPENDENCIES = 'dependencies = ["fastapi>=0.110", "sqlalchemy>=2.0", "pydantic>=2.5"]\n'

# Where the main dependencies are declared but cannot be read: the fix is manual.
build_project_not_a_table = _declaration_case(
    "project-not-a-table", "project = 5\n", "manual",
    "pyproject.toml [project] must be a table, not an integer")
build_dependencies_hold_a_number = _declaration_case(
    "dependencies-hold-a-number", _PROJECT + 'dependencies = ["fastapi>=0.110", 5]\n', "manual",
    "pyproject.toml [project] dependencies must be an array of strings, but it holds an integer (5)")
build_poetry_dependencies_not_a_table = _declaration_case(
    "poetry-dependencies-not-a-table", '[tool.poetry]\nname = "hostile"\nversion = "0.1.0"\ndependencies = 3\n', "manual",
    "pyproject.toml [tool.poetry.dependencies] must be a table, not an integer")
# Other declarations that cannot be read are skipped: the fix goes to [project]
# dependencies for review (a skipped one may already declare the distribution).
build_other_declarations_of_the_wrong_type = _declaration_case(
    "other-declarations-of-the-wrong-type",
    _PROJECT + _DEPENDENCIES + "dynamic = 3\noptional-dependencies = 4\n\n[dependency-groups]\ndev = 5\n\n[tool.setuptools]\ndynamic = 4\n",
    "review",
    "pyproject.toml [project] dynamic must be an array of strings, not an integer: skipped",
    "pyproject.toml [project.optional-dependencies] must be a table, not an integer: skipped",
    "pyproject.toml [dependency-groups] dev must be an array of strings and tables, not an integer: skipped",
    "pyproject.toml [tool.setuptools.dynamic] must be a table, not an integer: skipped",
)
build_declaration_files_unreadable = _declaration_case(
    "declaration-files-unreadable", _PROJECT + _DEPENDENCIES, "review",
    "requirements-dev.txt is not UTF-8: skipped",
    "setup.cfg cannot be parsed (File contains no section headers",
    files={"requirements-dev.txt": "# d\xe9veloppement\npytest\n".encode("latin-1"), "setup.cfg": b"[metadata\nname = hostile\n"},
)


def build_empty_project(root: Path) -> Case:
    root.mkdir(parents=True, exist_ok=True)
    return Case("empty-project", exit_codes=(0,))


def build_no_entry_points(root: Path) -> Case:
    write(root, "pyproject.toml", '[project]\nname = "plainlib"\nversion = "1"\ndependencies = []\n')
    write(root, "plainlib/__init__.py", "from plainlib.core import compute\n")
    write(root, "plainlib/core.py", "from plainlib.gone import nothing\n\n\ndef compute():\n    return 1\n")
    return Case("no-entry-points", expect=[Expect("missing-module", "plainlib/core.py", 1)])


def build_requirements_with_options(root: Path) -> Case:
    base_project(root, ["uses_deps"])
    (root / "pyproject.toml").unlink()  # the requirements files are the only declaration
    write(root, "requirements.txt", """
        # production
        -r requirements/base.txt
        -c constraints.txt
        --index-url https://pypi.org/simple
        --extra-index-url https://example.invalid/simple
        -e ./libs/localpkg
        requests==2.31.0 \\
            --hash=sha256:58cd2187c01e70e6e26505bca751777aa9f2ee0b7f4300988b709f44e013003f \\
            --hash=sha256:942c5a758f98d790eaed1a29cb6eefc7ffb0d1cf7af05c3d2791656dbd6ad1e1
        importlib-metadata>=6; python_version < "3.10"
        pywin32==306; sys_platform == "win32"
        fastapi[all]>=0.110  # web
        ./wheels/private-1.0-py3-none-any.whl
        git+https://github.com/example/thing.git@v1#egg=thing
    """)
    write(root, "requirements/base.txt", "sqlalchemy>=2.0\npydantic>=2.5\n-r ../more.txt\n")
    write(root, "more.txt", "uvicorn\n")
    write(root, "constraints.txt", "urllib3<3\n")
    write(root, "libs/localpkg/setup.py", "from setuptools import setup\nsetup(name='localpkg')\n")
    text = "from fastapi import APIRouter\nimport bleach\n\nrouter = APIRouter()\n"
    write(root, "app/routers/uses_deps.py", text)
    return Case("requirements-options", expect=[Expect("missing-dependency", "app/routers/uses_deps.py", line_of_import(text, "bleach"), blocks="app.routers.uses_deps")])


def build_import_cycle(root: Path, size: int = 500) -> Case:
    """A ring of `size` modules that really fails (`from next import f` down the ring until
    the last one imports from the half-imported first), and a strongly connected group of
    `size` modules that never fails: a hub importing every member with a plain `import`,
    each member importing the hub back and using it only at call time.  (A plain-import
    ring would fail too, on Python's recursion limit: an import chain deeper than ~150
    modules raises RecursionError in 3.11.)"""
    base_project(root, ["uses_cycle", "uses_ring"])
    write(root, "app/cyc/__init__.py", "")
    write(root, "app/ring/__init__.py", "")
    hub = []
    for i in range(size):
        nxt = (i + 1) % size
        write(root, f"app/cyc/m{i:03d}.py", f"from app.cyc.m{nxt:03d} import f{nxt:03d}\n\n\ndef f{i:03d}():\n    return f{nxt:03d}\n")
        write(root, f"app/ring/m{i:03d}.py", f"import app.ring.hub\n\n\ndef g{i:03d}():\n    return app.ring.hub.NAME\n")
        hub.append(f"import app.ring.m{i:03d}")
    write(root, "app/ring/hub.py", "\n".join(hub) + "\n\nNAME = 'hub'\n")
    router_importing(root, "uses_cycle", "app.cyc.m000", "f000")
    router_importing(root, "uses_ring", "app.ring.m000", "g000")
    return Case("import-cycle-500", blocked=["app.routers.uses_cycle"], clean=[f"app/ring/m{i:03d}.py" for i in range(size)] + ["app/ring/hub.py", "app/routers/uses_ring.py"])


def build_duplicate_group(root: Path, copies: int = 20) -> Case:
    base_project(root, ["uses_models"])
    write(root, "app/database.py", "from sqlalchemy.orm import DeclarativeBase\n\n\nclass Base(DeclarativeBase):\n    pass\n")
    lines = []
    for i in range(copies):
        write(root, f"app/models/copy_{i:02d}.py", f"""
            from sqlalchemy import Integer, String
            from sqlalchemy.orm import Mapped, mapped_column

            from app.database import Base


            class Widget{'' if i == 0 else i}(Base):
                __tablename__ = "widgets"

                id: Mapped[int] = mapped_column(Integer, primary_key=True)
                {''.join(f'col_{c}: Mapped[str] = mapped_column(String(20)){chr(10)}                ' for c in range(i % 4))}
        """)
        lines.append(f"from app.models.copy_{i:02d} import *  # noqa: F403")
    write(root, "app/models/__init__.py", "\n".join(lines) + "\n")
    router_importing(root, "uses_models", "app.models", "Widget")
    return Case("duplicate-group-20", blocked=["app.routers.uses_models"], mentioned=[f"app/models/copy_{i:02d}.py" for i in range(copies)])


BUILDERS = [
    build_not_utf8_without_coding,
    build_not_utf8_with_coding,
    build_bom,
    build_crlf_and_mixed_newlines,
    build_tabs,
    build_nul_bytes,
    build_big_file,
    build_deep_nesting,
    build_unreadable_entries,
    build_symlink_loops,
    build_invalid_pyproject,
    build_pyproject_not_utf8,
    build_tool_not_a_table,
    build_target_version_a_number,
    build_fixkit_setting_misspelt,
    build_project_not_a_table,
    build_dependencies_hold_a_number,
    build_poetry_dependencies_not_a_table,
    build_other_declarations_of_the_wrong_type,
    build_declaration_files_unreadable,
    build_empty_project,
    build_no_entry_points,
    build_requirements_with_options,
    build_import_cycle,
    build_duplicate_group,
]
