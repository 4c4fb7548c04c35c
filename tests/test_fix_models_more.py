"""More of the duplicate-model fix (FK301) on real projects: relationships only the deleted
copy has, and `--canonical` given on the command line of `fixkit plan` / `fixkit apply`
(which copy is kept, and the diagnosis saying so and why).  Real SQLAlchemy models,
real libcst rewrites, real subprocess imports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from fixkit.fixes.models import fix_duplicate_model
from fixkit.model import Diagnosis, Location, Safety
from tests.helpers import analysed, apply_fix, run_import, write_files

PROJECT = {
    "app/__init__.py": "",
    "app/database.py": "from sqlalchemy.orm import DeclarativeBase\n\n\nclass Base(DeclarativeBase):\n    pass\n",
    "app/models/__init__.py": "",
    # The older copy: fewer columns, but the only one that relates a model to its owner.
    "app/models/core.py": """\
        from sqlalchemy import ForeignKey, Integer, String
        from sqlalchemy.orm import Mapped, mapped_column, relationship

        from app.database import Base


        class User(Base):
            __tablename__ = "users"
            id: Mapped[int] = mapped_column(Integer, primary_key=True)


        class PredictiveModel(Base):
            __tablename__ = "predictive_models"
            id: Mapped[int] = mapped_column(Integer, primary_key=True)
            name: Mapped[str] = mapped_column(String(200))
            owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
            owner = relationship("User")
        """,
    "app/models/analytics_models.py": """\
        from sqlalchemy import Float, ForeignKey, Integer, String
        from sqlalchemy.orm import Mapped, mapped_column

        from app.database import Base


        class PredictiveModel(Base):
            __tablename__ = "predictive_models"
            id: Mapped[int] = mapped_column(Integer, primary_key=True)
            name: Mapped[str] = mapped_column(String(200))
            owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
            version: Mapped[str] = mapped_column(String(20))
            accuracy: Mapped[float] = mapped_column(Float)
        """,
    "app/routers/__init__.py": "",
    "app/routers/analytics.py": """\
        from app.models.analytics_models import PredictiveModel
        from app.models.core import User

        ROUTES = [PredictiveModel, User]
        """,
    "app/routers/registry.py": """\
        from app.models.core import PredictiveModel, User

        ROUTES = [PredictiveModel, User]
        """,
}
ROUTERS = ("app.routers.analytics", "app.routers.registry")


def fixkit(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fixkit", *args], capture_output=True, text=True, timeout=600)


def fk301(root: Path, *options: str) -> dict:
    proc = fixkit("plan", str(root), "--format", "json", "--no-cache", "--entry", "app.routers.*", *options)
    assert proc.returncode == 1, proc.stderr
    [diagnosis] = [d for d in json.loads(proc.stdout)["diagnoses"] if d["code"] == "FK301"]
    return diagnosis


def test_relationships_only_the_deleted_copy_has_are_listed_and_make_the_fix_review(tmp_path: Path) -> None:
    write_files(tmp_path, PROJECT)
    assert "already defined" in run_import(tmp_path, "app.routers.analytics").stderr
    diagnosis = Diagnosis(
        "FK301", "duplicate-model", "", "app/models/analytics_models.py", 7, symbol="PredictiveModel",
        related=(Location("app/models/core.py", 12),), data=(("table", "predictive_models"),),
    )  # fmt: skip
    fix = fix_duplicate_model(diagnosis, analysed(tmp_path))
    assert fix is not None and fix.safety is Safety.REVIEW, fix
    assert "Keep PredictiveModel (app.models.analytics_models)" in fix.summary  # 5 columns beat 4 columns + 1 relationship
    lacks = [n for n in fix.notes if "the kept definition lacks" in n]
    # The deleted copy's columns are all in the kept one: only its relationship is lost.
    assert lacks == ["app/models/core.py:12 PredictiveModel has relationships the kept definition lacks: owner"], fix.notes
    apply_fix(tmp_path, fix)
    assert "class PredictiveModel" not in (tmp_path / "app/models/core.py").read_text()
    for router in ROUTERS:
        proc = run_import(tmp_path, router)
        assert proc.returncode == 0, (router, proc.stderr)


def test_canonical_on_the_command_line_chooses_the_kept_copy_and_the_message_says_so(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    write_files(root, PROJECT)

    default = fk301(root)
    assert default["message"].endswith(
        "keep PredictiveModel in app.models.analytics_models (the most complete: 5 columns, 0 relationships, 0 constraints)"
    ), default["message"]
    assert "(app.models.analytics_models)" in default["fix"]["summary"]

    chosen = fk301(root, "--canonical", "PredictiveModel=app.models.core")
    assert chosen["message"].endswith(
        "keep PredictiveModel in app.models.core (chosen by --canonical / [tool.fixkit] canonical)"
    ), chosen["message"]
    assert "most complete" not in chosen["message"]
    fix = chosen["fix"]
    assert fix["safety"] == "review" and "Keep PredictiveModel (app.models.core)" in fix["summary"]
    assert fix["notes"][0] == (
        "keep PredictiveModel from app.models.core "
        "(chosen by --canonical / [tool.fixkit] canonical PredictiveModel = 'app.models.core')"
    )
    assert any("has columns the kept definition lacks: accuracy, version" in n for n in fix["notes"]), fix["notes"]

    wrong = fk301(root, "--canonical", "PredictiveModel=app.models.nowhere")
    assert "the canonical PredictiveModel = 'app.models.nowhere' (--canonical / [tool.fixkit] canonical) is none of the definitions" in wrong["message"]
    assert wrong["fix"]["safety"] == "manual"

    proc = fixkit("apply", str(root), "--unsafe", "--yes", "--no-install", "--no-cache", "--entry", "app.routers.*",
                  "--python", sys.executable, "--canonical", "PredictiveModel=app.models.core")  # fmt: skip
    assert "1/2 → 2/2 entry points import" in proc.stdout, proc.stdout + proc.stderr  # registry imports core only
    assert "class PredictiveModel" in (root / "app/models/core.py").read_text()
    assert "class PredictiveModel" not in (root / "app/models/analytics_models.py").read_text()
    assert (root / "app/routers/analytics.py").read_text() == (
        "from app.models.core import PredictiveModel\nfrom app.models.core import User\n\nROUTES = [PredictiveModel, User]\n"
    )
    script = "import app.routers.analytics as a; print(a.ROUTES[0].__module__, hasattr(a.ROUTES[0], 'owner'))"
    run = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True)
    assert run.stdout.split() == ["app.models.core", "True"], run.stderr
