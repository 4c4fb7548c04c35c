"""Every codemod's own EXAMPLES (before, after, arguments, path), run with libcst's
CodemodTest the way libcst tests its commands (commands/tests/test_rename.py), plus
idempotence, exact byte preservation, and the libcst CLI through .libcst.codemod.yaml."""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import libcst as cst
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from libcst.codemod import CodemodContext, CodemodTest

import codemods
from codemods._common import Move, Target, absolute_name, module_and_package, relative_parts
from codemods.dedupe_models import DedupeModelsCommand
from codemods.repoint_imports import RepointImportsCommand

REPO = Path(__file__).resolve().parents[1]
# Every registered command: its examples run below, so a new codemod is tested by registering it.
COMMANDS = tuple(getattr(importlib.import_module(path.rpartition(".")[0]), path.rpartition(".")[2]) for path in codemods.COMMANDS)
CASES = [
    pytest.param(command, i, id=f"{command.__name__}-{i}") for command in COMMANDS for i in range(len(command.EXAMPLES))
]


def _context(path: str) -> CodemodContext:
    module, package = module_and_package(path)
    return CodemodContext(filename=path, full_module_name=module, full_package_name=package)


def _run(command, text: str, args: dict, path: str) -> str:
    return command(_context(path), **args).transform_module(cst.parse_module(text)).code


class _Harness(CodemodTest):
    def runTest(self) -> None:  # pragma: no cover - only used for its assertions
        pass


@pytest.mark.parametrize("command,index", CASES)
def test_example(command, index: int) -> None:
    before, after, args, path = command.EXAMPLES[index]
    harness = _Harness()
    harness.TRANSFORM = command
    harness.assertCodemod(before, after, context_override=_context(path), **args)


@pytest.mark.parametrize("command,index", CASES)
def test_example_is_exact_and_idempotent(command, index: int) -> None:
    before, after, args, path = command.EXAMPLES[index]
    once = _run(command, before, args, path)
    assert once == after  # byte for byte: CodemodTest normalises blank lines, this does not
    assert _run(command, once, args, path) == once
    compile(once, path, "exec")


def test_examples_exist_for_every_command() -> None:
    for command in COMMANDS:
        assert command.EXAMPLES and command.DESCRIPTION


def test_crlf_and_comments_survive_a_split() -> None:
    before = "# header\r\nfrom app.services.auth_service import AuthService, audit  # keep me\r\n\r\nAuthService, audit\r\n"
    out = _run(
        RepointImportsCommand,
        before,
        {"moves": ["app.services.auth_service:AuthService=app.services.authentication"]},
        "app/routers/compliance_reports.py",
    )
    assert out == (
        "# header\r\nfrom app.services.auth_service import audit  # keep me\r\n"
        "from app.services.authentication import AuthService\r\n\r\nAuthService, audit\r\n"
    )


def test_guarded_import_is_split_inside_its_guard() -> None:
    before = "try:\n    from app.auth import get_current_user, scheme\nexcept ImportError:\n    get_current_user = None\n"
    out = _run(
        RepointImportsCommand, before, {"moves": ["app.auth:get_current_user=app.core.security"]}, "app/routers/x.py"
    )
    assert out == (
        "try:\n    from app.auth import scheme\n    from app.core.security import get_current_user\n"
        "except ImportError:\n    get_current_user = None\n"
    )


def test_untouched_file_is_returned_unchanged() -> None:
    text = "from app.core.security import get_current_user\nimport app.models.core as core\nx = core.User\n"
    assert _run(
        RepointImportsCommand, text, {"moves": ["app.models.core:PredictiveModel=app.models.analytics_models"]}, "app/x.py"
    ) == text


def test_canonical_module_keeps_its_own_class() -> None:
    text = "class PredictiveModel:\n    pass\n"
    args = {"canonical": "app.models.analytics_models:PredictiveModel", "remove": ["app.models.core:PredictiveModel"]}
    assert _run(DedupeModelsCommand, text, args, "app/models/analytics_models.py") == text


def test_move_and_target_parsing() -> None:
    move = Move.parse("app.a:X=app.b:Y")
    assert (move.old_module, move.old_name, move.new_module, move.new_name) == ("app.a", "X", "app.b", "Y")
    assert Move.parse(move.spec) == move
    assert Move.parse("app.a:X=app.b").new_name == "X"
    for bad in ("app.a.X=app.b", "app.a:X", "app.a:1X=app.b", "app a:X=b"):
        with pytest.raises(ValueError):
            Move.parse(bad)
    assert Target.parse("app.m:Name") == Target("app.m", "Name")
    with pytest.raises(ValueError):
        Target.parse("app.m.Name")
    with pytest.raises(ValueError):
        DedupeModelsCommand(CodemodContext(), canonical="a:X", remove=["a:X"])


def test_module_arithmetic() -> None:
    assert absolute_name("app.models", ".core.X") == "app.models.core.X"
    assert absolute_name("app.routers", "..core.security") == "app.core.security"
    assert absolute_name("app", "...x") is None
    assert relative_parts("app.routers", "app.core.security") == (2, "core.security")
    assert relative_parts("app.models", "app.models.analytics_models") == (1, "analytics_models")
    assert relative_parts("app", "other.mod") is None
    assert module_and_package("app/models/__init__.py") == ("app.models", "app.models")
    assert module_and_package("app/models/core.py") == ("app.models.core", "app.models")


def test_libcst_cli_runs_the_commands_through_the_yaml(tmp_path: Path) -> None:
    """`python -m libcst.tool codemod dedupe_models.DedupeModelsCommand` from a project
    root holding a copy of this repository's .libcst.codemod.yaml."""
    shutil.copy(REPO / ".libcst.codemod.yaml", tmp_path / ".libcst.codemod.yaml")
    models = tmp_path / "app" / "models"
    models.mkdir(parents=True)
    (tmp_path / "app" / "__init__.py").write_text("")
    (models / "__init__.py").write_text("from .core import PredictiveModel, User\n")
    (models / "core.py").write_text("class User:\n    pass\n\n\nclass PredictiveModel:\n    pass\n")
    (models / "analytics_models.py").write_text("class PredictiveModel:\n    columns = 3\n")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run(
        [
            sys.executable, "-m", "libcst.tool", "codemod", "dedupe_models.DedupeModelsCommand",
            "--canonical", "app.models.analytics_models:PredictiveModel",
            "--remove", "app.models.core:PredictiveModel",
            "--no-format", "--hide-progress", "-j", "1", "app",
        ],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert (models / "core.py").read_text() == "class User:\n    pass\n"
    assert (models / "__init__.py").read_text() == (
        "from .core import User\nfrom app.models.analytics_models import PredictiveModel\n"
    )
    assert "columns = 3" in (models / "analytics_models.py").read_text()


def _libcst_codemod(root: Path, *args: str) -> subprocess.CompletedProcess:
    """libcst's own CLI, run from `root` (which holds a copy of this repository's yaml)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "libcst.tool", "codemod", *args, "--no-format", "--hide-progress", "-j", "1"],
        cwd=root, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_libcst_cli_runs_repoint_imports_through_the_yaml(tmp_path: Path) -> None:
    shutil.copy(REPO / ".libcst.codemod.yaml", tmp_path / ".libcst.codemod.yaml")
    for rel, text in {
        "app/__init__.py": "",
        "app/core/__init__.py": "",
        "app/core/security.py": "def get_current_user():\n    return 'user'\n\n\ndef require_admin():\n    return 'admin'\n",
        "app/routers/__init__.py": "",
        "app/routers/agents_api.py": (
            "from app.middleware.auth import (\n    get_current_user,  # the auth dependency\n    oauth_scheme,\n)\n\n"
            "DEPENDS = get_current_user\n"
        ),
        "app/routers/admin.py": "import app.middleware.auth\n\n\ndef guard():\n    return app.middleware.auth.require_admin()\n",
    }.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    moves = ("--move", "app.middleware.auth:get_current_user=app.core.security",
             "--move", "app.middleware.auth:require_admin=app.core.security")  # fmt: skip
    proc = _libcst_codemod(tmp_path, "repoint_imports.RepointImportsCommand", *moves, "app/routers")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "app/routers/agents_api.py").read_text() == (
        "from app.middleware.auth import (\n    oauth_scheme,\n)\nfrom app.core.security import get_current_user\n\n"
        "DEPENDS = get_current_user\n"
    )
    assert (tmp_path / "app/routers/admin.py").read_text() == (
        "from app.core.security import require_admin\n\n\ndef guard():\n    return require_admin()\n"
    )
    # admin no longer needs the missing package: it imports for real.
    run = subprocess.run([sys.executable, "-c", "import app.routers.admin as a; print(a.guard())"],
                         cwd=tmp_path, capture_output=True, text=True)  # fmt: skip
    assert run.stdout.strip() == "admin", run.stderr


def test_libcst_cli_runs_move_definitions_through_the_yaml(tmp_path: Path) -> None:
    shutil.copy(REPO / ".libcst.codemod.yaml", tmp_path / ".libcst.codemod.yaml")
    (tmp_path / "app").mkdir()
    (tmp_path / "app/__init__.py").write_text("")
    (tmp_path / "app/helpers.py").write_text(
        "import json\n\nfrom .util import slug\n\n\ndef dump(x):\n    return json.dumps(slug(x))\n\n\ndef shared():\n    return 0\n"
    )
    (tmp_path / "app/helpers").mkdir()
    (tmp_path / "app/helpers/__init__.py").write_text("def shared():\n    return 1\n")
    (tmp_path / "app/util.py").write_text("def slug(x):\n    return str(x).lower()\n")
    args = ("shadowed_module.MoveDefinitionsCommand", "--source-file", "app/helpers.py", "--source-module", "app.helpers",
            "--name", "dump", "--name", "shared", "app/helpers/__init__.py")  # fmt: skip
    proc = _libcst_codemod(tmp_path, *args)
    assert proc.returncode == 0, proc.stderr
    text = (tmp_path / "app/helpers/__init__.py").read_text()
    assert text == (
        "import json\nfrom app.util import slug\n\ndef shared():\n    return 1\n\n\n"
        "# Moved here from app/helpers.py, which this package shadows (it was never imported).\n"
        "def dump(x):\n    return json.dumps(slug(x))\n"
    )
    run = subprocess.run([sys.executable, "-c", "from app.helpers import dump, shared; print(dump('AB'), shared())"],
                         cwd=tmp_path, capture_output=True, text=True)  # fmt: skip
    assert run.stdout.split() == ['"ab"', "1"], run.stderr
    # idempotent through the CLI too: a second run changes nothing
    assert _libcst_codemod(tmp_path, *args).returncode == 0
    assert (tmp_path / "app/helpers/__init__.py").read_text() == text


# ------------------------------------------------------------------ property: bindings


def _bindings(text: str, package: str) -> dict[tuple[str, str], tuple[str, str]]:
    """(scope, local name) -> (absolute module, imported name) for every from-import."""
    import ast

    out: dict[tuple[str, str], tuple[str, str]] = {}
    tree = ast.parse(text)
    scopes = [("<module>", tree)] + [(n.name, n) for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
    for scope, root in scopes:
        stack = list(reversed(root.body))  # source order: the last binding of a name wins
        while stack:
            node = stack.pop()
            if isinstance(node, ast.ImportFrom):
                module = absolute_name(package, "." * node.level + (node.module or ""))
                for alias in node.names:
                    out[(scope, alias.asname or alias.name)] = (module, alias.name)
            elif isinstance(node, (ast.Try, ast.If)):
                stack.extend(reversed(node.body))
    return out


_NAMES = ("A", "B", "C", "D")
_statement = st.tuples(
    st.sampled_from(["app.old", ".old", "app.other"]),
    st.lists(st.tuples(st.sampled_from(_NAMES), st.sampled_from([None, "x", "y", "z"])), min_size=1, max_size=4,
             unique_by=lambda t: t[1] or t[0]),
    st.booleans(),  # parenthesized
    st.sampled_from(["module", "function", "try"]),
)  # fmt: skip


def _render(statements) -> str:
    lines: list[str] = []
    for module, aliases, paren, where in statements:
        names = ", ".join(f"{n} as {a}" if a else n for n, a in aliases)
        stmt = f"from {module} import ({names},)" if paren else f"from {module} import {names}"
        if where == "module":
            lines.append(stmt)
        elif where == "function":
            lines.append(f"def f{len(lines)}():\n    {stmt}\n    return 0")
        else:
            lines.append(f"try:\n    {stmt}\nexcept ImportError:\n    pass")
    return "\n".join(lines) + "\n"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_statement, min_size=1, max_size=4))
# `A` and `A as x` both moved in one file: libcst's AddImportsVisitor alone fails on it.
@example([("app.old", [("A", None), ("C", None)], False, "module"), ("app.old", [("B", None), ("A", "x")], False, "module")])
def test_repoint_moves_exactly_the_moved_bindings(statements) -> None:
    text = _render(statements)
    path = "app/pkg/mod.py"
    _module, package = module_and_package(path)
    moves = ["app.old:A=app.new", "app.old:B=app.newer:Bee"]
    out = _run(RepointImportsCommand, text, {"moves": moves}, path)
    assert _run(RepointImportsCommand, out, {"moves": moves}, path) == out
    before, after = _bindings(text, package), _bindings(out, package)
    expected = {}
    for key, (module, name) in before.items():
        if module == "app.old" and name == "A":
            expected[key] = ("app.new", "A")
        elif module == "app.old" and name == "B":
            expected[key] = ("app.newer", "Bee")
        else:
            expected[key] = (module, name)
    # Python keeps the last binding of a name in a scope; both sides agree on that only
    # when we compare what each scope finally binds, which is what _bindings returns.
    assert after == expected


# ------------------------------------------------------------------ the runner


def test_runner_pool_and_sequential_agree_and_report_failures(tmp_path: Path) -> None:
    from fixkit.codemod_runner import PARALLEL_THRESHOLD, SourceText, edits_from, run_codemod, run_on_project
    from fixkit.config import load_config
    from fixkit.model import apply_hunks
    from fixkit.project import discover

    moves = {"moves": ["app.old:A=app.new"]}
    sources = [
        SourceText(f"app/m{i}.py", f"from app.old import A, B  # {i}\n\nX = (A, B)\n", f"app.m{i}", "app")
        for i in range(PARALLEL_THRESHOLD + 6)
    ]
    sources.append(SourceText("app/broken.py", "def f(:\n", "app.broken", "app"))
    pooled = run_codemod(RepointImportsCommand, sources, moves, jobs=2)
    sequential = run_codemod(RepointImportsCommand, sources, moves, jobs=1)
    assert pooled == sequential
    assert pooled["app/m3.py"].new_text == "from app.old import B  # 3\nfrom app.new import A\n\nX = (A, B)\n"
    assert pooled["app/broken.py"].new_text is None and "cannot be parsed" in (pooled["app/broken.py"].error or "")

    # On a project: texts come back, nothing is written, and edits rebuild the new text.
    (tmp_path / "app").mkdir()
    (tmp_path / "app/__init__.py").write_text("")
    (tmp_path / "app/m.py").write_text("from .old import A  # keep\r\n")
    (tmp_path / "app/bad.py").write_bytes(b"\xff\xfe not utf-8\n")
    project = discover(load_config(tmp_path, use_cache=False))
    results = run_on_project(project, RepointImportsCommand, ["app/m.py", "app/bad.py"], moves)
    assert (tmp_path / "app/m.py").read_bytes() == b"from .old import A  # keep\r\n"
    edits, problems = edits_from(project, results.values())
    assert [e.path for e in edits] == ["app/m.py"]
    assert problems and problems[0].startswith("app/bad.py: cannot be read")
    old = (tmp_path / "app/m.py").read_bytes().decode()
    assert apply_hunks(old, edits[0].hunks) == "from .new import A  # keep\r\n"


# ------------------------------------------------------------------ property: semantics

_USE = st.sampled_from(["o.A", "o.B", "(o.A, o.B)", "o.A.upper()", "[o.A for _ in range(1)][0]"])
_SITE = st.sampled_from(["module", "function", "function-local-A", "class", "default-arg"])


def _program(uses) -> str:
    lines = ["import app.old as o", "A_GLOBAL = 'unrelated'"]
    for i, (use, site) in enumerate(uses):
        if site == "module":
            lines.append(f"r{i} = {use}")
        elif site == "function":
            lines.append(f"def _f{i}():\n    return {use}\nr{i} = _f{i}()")
        elif site == "function-local-A":  # a local A must not capture the rewritten reference
            lines.append(f"def _f{i}():\n    A = 'local'\n    return (A, {use})\nr{i} = _f{i}()")
        elif site == "class":
            lines.append(f"class _C{i}:\n    value = {use}\nr{i} = _C{i}.value")
        else:
            lines.append(f"def _f{i}(x={use}):\n    return x\nr{i} = _f{i}()")
    return "\n".join(lines) + "\n"


def _results(text: str) -> dict:
    import types

    app = types.ModuleType("app")
    old = types.ModuleType("app.old")
    new = types.ModuleType("app.new")
    old.A, old.B, new.A = "old-a", "old-b", "new-a"
    app.old, app.new = old, new  # type: ignore[attr-defined]
    saved = {k: sys.modules.get(k) for k in ("app", "app.old", "app.new")}
    sys.modules.update({"app": app, "app.old": old, "app.new": new})
    try:
        namespace: dict = {}
        exec(compile(text, "<property>", "exec"), namespace)
    finally:
        for key, value in saved.items():
            if value is None:
                sys.modules.pop(key, None)
            else:
                sys.modules[key] = value
    return {k: v for k, v in namespace.items() if k.startswith("r")}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_USE, _SITE), min_size=1, max_size=5))
def test_repoint_attribute_uses_keep_their_meaning(uses) -> None:
    text = _program(uses)
    out = _run(RepointImportsCommand, text, {"moves": ["app.old:A=app.new"]}, "app/pkg/mod.py")
    before, after = _results(text), _results(out)

    def moved(value):
        if isinstance(value, tuple):
            return tuple(moved(v) for v in value)
        return {"old-a": "new-a", "OLD-A": "NEW-A"}.get(value, value)

    assert after == {k: moved(v) for k, v in before.items()}
    assert "o.A" not in out  # every use of the moved name goes to the new module
    if all(use in ("o.A", "o.A.upper()", "[o.A for _ in range(1)][0]") for use, _ in uses):
        assert "import app.old" not in out  # the module import went with its last use


def test_runner_cache_reuses_a_text_only_for_the_same_input(tmp_path: Path) -> None:
    from fixkit.codemod_runner import SourceText, run_codemod

    cache = tmp_path / "cache"
    source = SourceText("app/m.py", "from app.old import A\n", "app.m", "app")
    moves = {"moves": ["app.old:A=app.new"]}
    first = run_codemod(RepointImportsCommand, [source], moves, cache_dir=cache)
    assert first["app/m.py"].new_text == "from app.new import A\n"
    (entry,) = list(cache.iterdir())
    entry.write_text("# served from the cache\n")  # proves the second run reads it
    assert run_codemod(RepointImportsCommand, [source], moves, cache_dir=cache)["app/m.py"].new_text == "# served from the cache\n"
    other_args = run_codemod(RepointImportsCommand, [source], {"moves": ["app.old:A=app.newer"]}, cache_dir=cache)
    assert other_args["app/m.py"].new_text == "from app.newer import A\n"
    other_module = SourceText("app/m.py", source.text, "app.pkg.m", "app.pkg")
    assert run_codemod(RepointImportsCommand, [other_module], moves, cache_dir=cache)["app/m.py"].new_text == "from app.new import A\n"
    broken = SourceText("app/b.py", "def f(:\n", "app.b", "app")
    assert run_codemod(RepointImportsCommand, [broken], moves, cache_dir=cache)["app/b.py"].error
    assert len(list(cache.iterdir())) == 3  # failures are not cached
