"""verify: real subprocess imports of real modules, a real FastAPI app, a real SQLite file."""

from __future__ import annotations

import sqlite3
import sys
import textwrap
import time
from pathlib import Path

import pytest

from fixkit.model import Diagnosis
from fixkit.plan import EntryPoint, Plan
from fixkit.verify import (
    OUTPUT_CAP,
    check_app,
    check_database,
    detect_app,
    explain_failures,
    find_route_providers,
    include_prefixes,
    parse_route,
    verify_entry_points,
)
from fixkit.errors import FixkitError


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


HOSTILE = {
    "app/__init__.py": "",
    "app/good.py": "VALUE = 1\n",
    "app/hangs.py": "import time\nwhile True:\n    time.sleep(0.1)\n",
    "app/exits.py": "import sys\nsys.exit(3)\n",
    "app/dies.py": "import os\nos._exit(4)\n",
    "app/chatty.py": "import sys\nfor _ in range(100_000):\n    print('x' * 100)\n    sys.stderr.write('y' * 100 + '\\n')\n",
    "app/interrupts.py": "raise KeyboardInterrupt\n",
    "app/reads_stdin.py": "line = input()\n",
    "app/spawns.py": "import subprocess, sys\nsubprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n",
}


@pytest.mark.parametrize("fork", ["fork-server", "fresh-interpreters"])
def test_hostile_modules_never_hang_or_crash_verify(tmp_path, monkeypatch, fork):
    if fork == "fresh-interpreters":
        monkeypatch.setenv("FIXKIT_VERIFY_NO_FORK", "1")
    write(tmp_path, HOSTILE)
    modules = [f"app.{Path(p).stem}" for p in HOSTILE if not p.endswith("__init__.py")]
    started = time.monotonic()
    items = {i.module: i for i in verify_entry_points(tmp_path, modules, python=sys.executable, timeout=3)}
    elapsed = time.monotonic() - started
    assert elapsed < 20  # parallel, and the hanging one is killed at its timeout
    assert items["app.good"].ok
    assert items["app.hangs"].error.type == "Timeout"
    assert items["app.exits"].error.type == "SystemExit" and "sys.exit(3)" in items["app.exits"].error.message
    assert items["app.dies"].error.type == "ProcessExit" and "code 4" in items["app.dies"].error.message
    assert items["app.chatty"].ok and len(items["app.chatty"].output.encode()) <= OUTPUT_CAP
    assert items["app.interrupts"].error.type == "KeyboardInterrupt"
    assert items["app.reads_stdin"].error.type == "EOFError"  # stdin is closed, never waited on
    assert items["app.spawns"].ok  # its child is killed with the process group
    # nothing written into the project (no __pycache__)
    assert not list(tmp_path.rglob("__pycache__"))


def test_first_party_frame_and_missing_module_name_are_recorded(tmp_path):
    write(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/services/__init__.py": "",
            "app/services/sso.py": "import os\n\nraise RuntimeError('SSO provider not configured')\n",
            "app/routers/__init__.py": "",
            "app/routers/enterprise_sso.py": "from app.services import sso\n",
            "app/routers/needs_pkg.py": "import json\nimport dagger\n",
            "app/routers/syntax.py": "def f(a=1, b):\n    pass\n",
        },
    )
    items = {i.module: i for i in verify_entry_points(tmp_path, ["app.routers.enterprise_sso", "app.routers.needs_pkg", "app.routers.syntax"], python=sys.executable)}
    sso = items["app.routers.enterprise_sso"].error
    assert (sso.type, sso.file, sso.line) == ("RuntimeError", "app/services/sso.py", 3)
    assert sso.chain == ("app/routers/enterprise_sso.py", "app/services/sso.py")
    dep = items["app.routers.needs_pkg"].error
    assert (dep.type, dep.name, dep.file, dep.line) == ("ModuleNotFoundError", "dagger", "app/routers/needs_pkg.py", 2)
    syn = items["app.routers.syntax"].error
    assert syn.type == "SyntaxError" and syn.file == "app/routers/syntax.py" and syn.line == 1


def test_failures_are_tied_to_plan_diagnoses_and_the_rest_become_fk901(tmp_path):
    write(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/sso.py": "raise RuntimeError('SSO provider not configured')\n",
            "app/a.py": "import app.sso\n",
            "app/b.py": "import app.sso\n",
            "app/c.py": "import opentelemetry.exporter.prometheus\n",
            "app/d.py": "from app.sso2 import x\n",
        },
    )
    dep = Diagnosis("FK101", "missing-dependency", "opentelemetry not installed", "app/c.py", 1, symbol="opentelemetry.exporter.prometheus", blocks=("app.c",))
    missing = Diagnosis("FK201", "missing-module", "app.sso2 does not exist", "app/d.py", 1, symbol="app.sso2", blocks=("app.d",))
    plan = Plan(
        "t",
        str(tmp_path),
        (EntryPoint("app.a", "app/a.py"), EntryPoint("app.b", "app/b.py"), EntryPoint("app.c", "app/c.py", (dep.id,)), EntryPoint("app.d", "app/d.py", (missing.id,))),
        (dep, missing),
    )
    items = verify_entry_points(tmp_path, ["app.a", "app.b", "app.c", "app.d"], python=sys.executable)
    explained, runtime = explain_failures(items, plan, {"app.a": "app/a.py"})
    by = {i.module: i.diagnosis for i in explained}
    assert by["app.c"] == dep.id  # "No module named 'opentelemetry'" matches the dotted symbol
    assert by["app.d"] == missing.id
    [fk901] = runtime
    assert (fk901.code, fk901.kind, fk901.file, fk901.line) == ("FK901", "runtime-error", "app/sso.py", 1)
    assert fk901.blocks == ("app.a", "app.b")  # one runtime cause, both entry points
    assert "SSO provider not configured" in fk901.message
    assert by["app.a"] == by["app.b"] == fk901.id


FASTAPI_PROJECT = {
    "app/__init__.py": "",
    "app/main.py": """
        import importlib
        from fastapi import FastAPI

        app = FastAPI()
        ROUTERS = ["health", "analytics", "reports"]
        for name in ROUTERS:
            try:
                module = importlib.import_module(f"app.routers.{name}")
                app.include_router(module.router, prefix="/api")
            except Exception as exc:
                print(f"Failed to load router {name}: {exc}")
    """,
    "app/routers/__init__.py": "",
    "app/routers/health.py": """
        from fastapi import APIRouter
        router = APIRouter()

        @router.get("/health")
        def health():
            return {"ok": True}
    """,
    "app/routers/analytics.py": """
        from fastapi import APIRouter
        import app.models_dup
        router = APIRouter(tags=["analytics"])

        @router.get(
            "/analytics/performance"
        )
        async def get_overall_performance():
            return {}
    """,
    "app/routers/reports.py": """
        from fastapi import APIRouter
        router = APIRouter(prefix="/reports")

        @router.api_route("/{report_id}", methods=["GET", "DELETE"])
        def report(report_id: int):
            return {}
    """,
    "app/models_dup.py": "raise RuntimeError(\"Table 'predictive_models' is already defined for this MetaData instance\")\n",
}


def test_expect_route_names_the_failed_entry_point_and_its_diagnosis(tmp_path):
    write(tmp_path, FASTAPI_PROJECT)
    assert detect_app(tmp_path, {"app.main": "app/main.py", "app.routers.health": "app/routers/health.py"}) == "app.main:app"
    failed = {"app.routers.analytics": (tmp_path / "app/routers/analytics.py").read_text()}
    result = check_app(
        tmp_path,
        "app.main:app",
        python=sys.executable,
        expect=["GET /api/analytics/performance", "GET /api/health", "DELETE /api/reports/7", "POST /api/health"],
        failed=failed,
        blockers={"app.routers.analytics": ["FK301-abcdef12"]},
        prefix_texts=[(tmp_path / "app/main.py").read_text()],
    )
    assert result.ok, result.error
    assert ("GET", "/api/health") in result.routes
    perf, health, report, post = result.checks
    assert not perf.registered
    assert perf.providers == ("app.routers.analytics",)
    assert perf.diagnoses == ("FK301-abcdef12",)
    assert perf.locations == ("app.routers.analytics:6",)
    assert health.registered and report.registered  # {report_id} matches a concrete path
    assert not post.registered and post.providers == ()
    assert not list(tmp_path.rglob("__pycache__"))


def test_route_search_reads_files_that_do_not_parse():
    broken = 'from fastapi import APIRouter\nrouter = APIRouter(prefix="/wf")\n\n@router.post("/run")\ndef run(a=1, b):\n    pass\n'
    assert find_route_providers("POST", "/api/wf/run", {"app.routers.wf": broken}, {"", "/api"}) == [("app.routers.wf", 4)]
    assert find_route_providers("GET", "/api/wf/run", {"app.routers.wf": broken}, {"", "/api"}) == []
    assert include_prefixes(['app.include_router(r.router, prefix="/api/v1", tags=["x"])', "bp = app.register_blueprint(b, url_prefix='/shop')"]) == {"", "/api/v1", "/shop"}


def test_flask_app_routes_are_listed(tmp_path):
    write(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/web.py": """
                from flask import Flask, Blueprint
                bp = Blueprint("items", __name__)

                @bp.route("/items/<int:item_id>", methods=["GET", "PUT"])
                def item(item_id):
                    return ""

                def create_app():
                    app = Flask(__name__)
                    app.register_blueprint(bp, url_prefix="/api")
                    return app
            """,
        },
    )
    assert detect_app(tmp_path, {"shop": "shop/__init__.py", "shop.web": "shop/web.py"}) == "shop.web:create_app"
    result = check_app(tmp_path, "shop.web:create_app", python=sys.executable, expect=["PUT /api/items/{item_id}"])
    assert result.ok, result.error
    assert result.checks[0].registered


def test_bad_route_and_app_specs_are_one_line_errors(tmp_path):
    with pytest.raises(FixkitError, match="METHOD /path"):
        parse_route("GET analytics")
    with pytest.raises(FixkitError, match="MODULE:ATTR"):
        check_app(tmp_path, "app.main", python=sys.executable)


def test_database_schema_is_compared_with_the_models_that_import(tmp_path):
    write(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/db.py": """
                from sqlalchemy.orm import DeclarativeBase
                class Base(DeclarativeBase):
                    pass
            """,
            "app/models.py": """
                from sqlalchemy import Integer, String, Boolean
                from sqlalchemy.orm import Mapped, mapped_column
                from app.db import Base

                class User(Base):
                    __tablename__ = "users"
                    id: Mapped[int] = mapped_column(Integer, primary_key=True)
                    email: Mapped[str] = mapped_column(String(200))
                    active: Mapped[bool] = mapped_column(Boolean, default=True)
                    nickname: Mapped[str] = mapped_column(String(50), nullable=True)

                class Campaign(Base):
                    __tablename__ = "campaigns"
                    id: Mapped[int] = mapped_column(Integer, primary_key=True)

                class PredictiveModel(Base):
                    __tablename__ = "predictive_models"
                    id: Mapped[int] = mapped_column(Integer, primary_key=True)
            """,
            "app/routers/__init__.py": "",
            "app/routers/users.py": "from app.models import User, Campaign, PredictiveModel\n",
            "app/routers/broken.py": "import not_installed_anywhere\n",
        },
    )
    db = tmp_path / "live.db"
    con = sqlite3.connect(db)
    con.executescript(
        """
        CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(100) NOT NULL, active BOOLEAN NOT NULL, legacy_flag INTEGER);
        CREATE TABLE campaigns (id INTEGER PRIMARY KEY);
        CREATE TABLE audit_log (id INTEGER PRIMARY KEY);
        """
    )
    con.close()
    result = check_database(tmp_path, f"sqlite:///{db}", ["app.routers.users", "app.routers.broken"], python=sys.executable)
    assert result.ok, result.error
    assert result.missing_tables == ("predictive_models",)
    assert result.unmodelled_tables == ("audit_log",)
    problems = {(c.table, c.column): c for c in result.columns}
    assert problems[("users", "email")].problem == "type differs"
    assert (problems[("users", "email")].model, problems[("users", "email")].database) == ("VARCHAR(200)", "VARCHAR(100)")
    assert problems[("users", "nickname")].problem == "missing in database"
    assert problems[("users", "legacy_flag")].problem == "no model column"
    assert ("users", "active") not in problems and ("campaigns", "id") not in problems
    assert result.failed_imports == ("app.routers.broken",)
    assert not result.matches
    assert not list(tmp_path.rglob("__pycache__"))


def test_database_that_cannot_be_opened_is_reported_not_raised(tmp_path):
    write(tmp_path, {"app/__init__.py": ""})
    result = check_database(tmp_path, "postgresql+nosuchdriver://u:secret@h/db", ["app"], python=sys.executable)
    assert not result.ok and result.error
    assert "secret" not in result.url


def test_a_library_that_starts_a_thread_on_import_disables_the_fork_server(tmp_path):
    # `threadlib` stands for a third-party library (not first-party: it lives on a
    # separate path entry) that starts a thread when imported.
    write(
        tmp_path,
        {
            "lib/threadlib.py": "import threading, time\nthreading.Thread(target=time.sleep, args=(60,), daemon=True).start()\n",
            "app/__init__.py": "",
            "app/a.py": "import threadlib\n",
            "app/b.py": "import threadlib\n",
        },
    )
    from fixkit.verify import ForkServer

    with pytest.raises(OSError):
        ForkServer(sys.executable, tmp_path, [str(tmp_path), str(tmp_path / "lib")], ["threadlib"], ["app"])
    # and verification still works, through fresh interpreters
    items = verify_entry_points(tmp_path, ["app.a", "app.b"], python=sys.executable, paths=("", "lib"), preload=["threadlib"])
    assert [i.ok for i in items] == [True, True]


PYENV = Path("/root/.pyenv/versions")


@pytest.mark.parametrize("version", ["3.10.13", "3.12.1", "3.13.0"])
def test_the_child_program_runs_on_other_target_interpreters(tmp_path, version):
    python = PYENV / version / "bin" / "python"
    if not python.exists():
        pytest.skip(f"Python {version} is not installed here")
    write(tmp_path, {k: v for k, v in HOSTILE.items() if k in ("app/__init__.py", "app/good.py", "app/exits.py", "app/hangs.py")})
    write(tmp_path, {"app/syntax.py": "def f(a=1, b):\n    pass\n"})
    items = {i.module: i for i in verify_entry_points(tmp_path, ["app.good", "app.exits", "app.hangs", "app.syntax"], python=str(python), timeout=3)}
    assert items["app.good"].ok
    assert items["app.exits"].error.type == "SystemExit"
    assert items["app.hangs"].error.type == "Timeout"
    assert (items["app.syntax"].error.type, items["app.syntax"].error.file) == ("SyntaxError", "app/syntax.py")


def test_a_dying_fork_server_is_an_error_the_caller_falls_back_from(tmp_path):
    import os
    import signal
    import threading

    from fixkit.verify import ForkServer

    write(tmp_path, {"app/__init__.py": "", "app/slow.py": "import time\ntime.sleep(30)\n"})
    server = ForkServer(sys.executable, tmp_path, [str(tmp_path)], ["json"], ["app"])
    outcome: list = []

    def run():
        try:
            outcome.append(server.run({"mode": "import", "module": "app.slow"}, 60))
        except OSError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.pids and time.monotonic() < deadline:
        time.sleep(0.05)
    [child] = server.pids.values()
    os.killpg(server.proc.pid, signal.SIGKILL)  # the server dies; its child has its own session
    thread.join(timeout=30)
    assert isinstance(outcome[0], OSError)
    time.sleep(0.2)
    # the orphan was killed, not left running (a zombie at most, when this container's
    # init does not reap reparented processes)
    try:
        state = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        state = "gone"
    assert state in ("gone", "Z", "X")
    server.close()
