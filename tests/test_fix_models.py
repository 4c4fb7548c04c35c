"""fix_duplicate_model on real projects in tmp_path: real facts, real libcst
transforms, and real subprocess imports with SQLAlchemy to show the table error is gone."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from fixkit.analyse import analyse
from fixkit.config import Config, load_config
from fixkit.fixes.models import fix_duplicate_model
from fixkit.model import Diagnosis, Fix, Location, Safety
from fixkit.plan import make_plan
from fixkit.rules import RULES
from tests.helpers import analysed, apply_fix, copy_sample, run_import, write_files
from tests.test_rule_examples import write_example


def duplicate(table: str, symbol: str, file: str, line: int, related: tuple[tuple[str, int], ...] = ()) -> Diagnosis:
    return Diagnosis(
        "FK301", "duplicate-model", f"table {table!r} defined twice", file, line, symbol=symbol,
        related=tuple(Location(f, l) for f, l in related), data=(("table", table),),
    )  # fmt: skip


BASE = {
    "app/__init__.py": "",
    "app/database.py": """\
        from sqlalchemy.orm import DeclarativeBase


        class Base(DeclarativeBase):
            pass
        """,
    "app/models/__init__.py": """\
        from .core import PredictiveModel, User  # re-exports

        __all__ = ["PredictiveModel", "User"]
        """,
    "app/models/core.py": """\
        from sqlalchemy import Boolean, Integer, String
        from sqlalchemy.orm import Mapped, mapped_column

        from ..database import Base


        class User(Base):
            __tablename__ = "users"
            id: Mapped[int] = mapped_column(Integer, primary_key=True)


        # The first version of the model (kept for the old dashboard).
        class PredictiveModel(Base):
            __tablename__ = "predictive_models"
            id: Mapped[int] = mapped_column(Integer, primary_key=True)
            name: Mapped[str] = mapped_column(String(200))
            is_active: Mapped[bool] = mapped_column(Boolean, default=True)
        """,
    "app/models/analytics_models.py": """\
        from sqlalchemy import Float, Integer, String, UniqueConstraint
        from sqlalchemy.orm import Mapped, mapped_column

        from app.database import Base


        class PredictiveModel(Base):
            __tablename__ = "predictive_models"
            __table_args__ = (UniqueConstraint("name", "version"),)
            id: Mapped[int] = mapped_column(Integer, primary_key=True)
            name: Mapped[str] = mapped_column(String(200))
            version: Mapped[str] = mapped_column(String(20))
            accuracy: Mapped[float] = mapped_column(Float)
            is_active: Mapped[bool] = mapped_column(default=True)
        """,
    "app/routers/__init__.py": "",
    "app/routers/analytics.py": """\
        from app.models import User
        from app.models.analytics_models import PredictiveModel

        ROUTES = [PredictiveModel, User]
        """,
    "app/routers/split.py": """\
        from app.models.core import (
            PredictiveModel,  # the model registry
            User,
        )

        ROUTES = [PredictiveModel, User]
        """,
    "app/routers/by_module.py": """\
        import app.models.core as core


        def table():
            return core.PredictiveModel.__table__
        """,
    "app/routers/reexport.py": """\
        from app.models import PredictiveModel

        ROUTES = [PredictiveModel]
        """,
}
ROUTERS = ("app.routers.analytics", "app.routers.split", "app.routers.by_module", "app.routers.reexport")


def test_keeps_most_complete_and_repoints_every_kind_of_import(tmp_path: Path) -> None:
    write_files(tmp_path, BASE)
    assert "already defined" in run_import(tmp_path, "app.routers.analytics").stderr  # the real failure

    analysis = analysed(tmp_path)
    diagnosis = duplicate("predictive_models", "PredictiveModel", "app/models/analytics_models.py", 7,
                          (("app/models/core.py", 13), ("app/models/analytics_models.py", 7)))  # fmt: skip
    fix = fix_duplicate_model(diagnosis, analysis)
    assert fix is not None and fix.safety is Safety.SAFE, fix
    assert "app.models.analytics_models" in fix.summary
    assert sorted(fix.paths) == ["app/models/__init__.py", "app/models/core.py", "app/routers/by_module.py", "app/routers/split.py"]
    apply_fix(tmp_path, fix)

    core = (tmp_path / "app/models/core.py").read_text()
    assert "class PredictiveModel" not in core and "The first version" not in core
    assert "Boolean" not in core and "String" not in core  # imports only the deleted class used
    assert (tmp_path / "app/models/__init__.py").read_text() == (
        "from .core import User  # re-exports\n"
        "from app.models.analytics_models import PredictiveModel\n\n"
        '__all__ = ["PredictiveModel", "User"]\n'
    )
    assert (tmp_path / "app/routers/split.py").read_text() == (
        "from app.models.core import (\n    User,\n)\nfrom app.models.analytics_models import PredictiveModel\n\n"
        "ROUTES = [PredictiveModel, User]\n"
    )
    assert (tmp_path / "app/routers/by_module.py").read_text() == (
        "from app.models.analytics_models import PredictiveModel\n\n\ndef table():\n    return PredictiveModel.__table__\n"
    )
    for router in ROUTERS:
        proc = run_import(tmp_path, router)
        assert proc.returncode == 0, (router, proc.stderr)
    # Exactly one class left; running the fix again finds nothing to do.
    classes = [p for p in tmp_path.rglob("*.py") if "class PredictiveModel" in p.read_text()]
    assert [p.relative_to(tmp_path).as_posix() for p in classes] == ["app/models/analytics_models.py"]
    assert fix_duplicate_model(diagnosis, analysed(tmp_path)) is None


def test_configured_canonical_wins_and_lost_columns_need_review(tmp_path: Path) -> None:
    write_files(tmp_path, BASE)
    (tmp_path / "pyproject.toml").write_text('[tool.fixkit]\ncanonical = { PredictiveModel = "app.models.core" }\n')
    fix = fix_duplicate_model(duplicate("predictive_models", "PredictiveModel", "app/models/core.py", 13), analysed(tmp_path))
    assert fix is not None and fix.safety is Safety.REVIEW
    assert "app.models.core" in fix.summary
    lost = [n for n in fix.notes if "lacks" in n]
    assert len(lost) == 2, fix.notes
    assert any("columns" in n and "accuracy, version" in n for n in lost)
    assert any("constraints" in n and "UniqueConstraint" in n for n in lost)
    apply_fix(tmp_path, fix)
    assert "class PredictiveModel" not in (tmp_path / "app/models/analytics_models.py").read_text()
    assert (tmp_path / "app/routers/analytics.py").read_text().startswith(
        "from app.models import User\nfrom app.models.core import PredictiveModel\n"
    )
    for router in ROUTERS:
        assert run_import(tmp_path, router).returncode == 0, router


def test_canonical_from_the_command_line_that_defines_nothing_is_manual(tmp_path: Path) -> None:
    write_files(tmp_path, BASE)
    analysis = analysed(tmp_path, canonical={"PredictiveModel": "app.models.nowhere"})
    fix = fix_duplicate_model(duplicate("predictive_models", "PredictiveModel", "app/models/core.py", 13), analysis)
    assert fix is not None and fix.safety is Safety.MANUAL and not fix.edits
    assert any("app.models.nowhere" in n for n in fix.notes)


def test_rewrite_that_would_close_an_import_cycle_is_refused(tmp_path: Path) -> None:
    files = dict(BASE)
    # The most complete definition's module imports scoring, which uses the core copy:
    # pointing scoring at analytics_models would make the two import each other.
    files["app/models/analytics_models.py"] = textwrap.dedent(BASE["app/models/analytics_models.py"]).replace(
        "from app.database import Base\n", "from app.database import Base\nfrom app.services import scoring\n"
    )
    files["app/services/__init__.py"] = ""
    files["app/services/scoring.py"] = "from app.models.core import PredictiveModel\n\nMODEL = PredictiveModel\n"
    write_files(tmp_path, files)
    fix = fix_duplicate_model(duplicate("predictive_models", "PredictiveModel", "app/models/core.py", 13), analysed(tmp_path))
    assert fix is not None and fix.safety is Safety.MANUAL and not fix.edits
    cycle = [n for n in fix.notes if "imports it back" in n]
    assert cycle and "app.models.analytics_models -> app.services.scoring" in cycle[0], fix.notes


def test_two_classes_one_table_keep_the_complete_one_under_the_old_name(tmp_path: Path) -> None:
    files = dict(BASE)
    files["app/models/webhook_models.py"] = """\
        from sqlalchemy import Integer, String
        from sqlalchemy.orm import Mapped, mapped_column

        from app.database import Base


        class DeliveryPoint(Base):
            __tablename__ = "predictive_models"
            id: Mapped[int] = mapped_column(Integer, primary_key=True)
            event_id: Mapped[str] = mapped_column(String(36))


        class Other(Base):
            __tablename__ = "others"
            id: Mapped[int] = mapped_column(Integer, primary_key=True)
            point = None  # relationship("DeliveryPoint") in the real thing
        """
    files["app/routers/hooks.py"] = (
        "import app.models.analytics_models  # registers the analytics tables\n"
        "from app.models.webhook_models import DeliveryPoint, Other\n\nX = (DeliveryPoint, Other)\n"
    )
    del files["app/routers/split.py"], files["app/routers/by_module.py"]
    files["app/models/core.py"] = textwrap.dedent(BASE["app/models/core.py"]).split("# The first version")[0]
    files["app/models/__init__.py"] = "from .core import User\n"
    files["app/routers/reexport.py"] = "from app.models import User\n"
    write_files(tmp_path, files)
    (tmp_path / "app/models/webhook_models.py").write_text(
        (tmp_path / "app/models/webhook_models.py").read_text().replace("point = None  # ", "point = ")
        .replace('relationship("DeliveryPoint") in the real thing', '"DeliveryPoint"')
    )  # fmt: skip
    assert "already defined" in run_import(tmp_path, "app.routers.hooks").stderr
    fix = fix_duplicate_model(duplicate("predictive_models", "DeliveryPoint", "app/models/webhook_models.py", 7), analysed(tmp_path))
    assert fix is not None and fix.safety is Safety.REVIEW
    assert any("event_id" in n for n in fix.notes)
    assert any("under the old name" in n for n in fix.notes)
    assert any("string references" in n and "app/models/webhook_models.py" in n for n in fix.notes)
    apply_fix(tmp_path, fix)
    assert (tmp_path / "app/routers/hooks.py").read_text() == (
        "import app.models.analytics_models  # registers the analytics tables\n"
        "from app.models.webhook_models import Other\n"
        "from app.models.analytics_models import PredictiveModel as DeliveryPoint\n\nX = (DeliveryPoint, Other)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", "import app.routers.hooks, app.routers.analytics"], cwd=tmp_path, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr


def test_not_a_duplicate_any_more_gives_no_fix(tmp_path: Path) -> None:
    files = {k: v for k, v in BASE.items() if k != "app/models/analytics_models.py"}
    files["app/routers/analytics.py"] = "from app.models import User\n"
    write_files(tmp_path, files)
    assert fix_duplicate_model(duplicate("predictive_models", "PredictiveModel", "app/models/core.py", 13), analysed(tmp_path)) is None


def test_only_classes_named_in_the_group_are_touched(tmp_path: Path) -> None:
    write_files(tmp_path, BASE)
    fix = fix_duplicate_model(duplicate("predictive_models", "PredictiveModel", "app/models/core.py", 13), analysed(tmp_path))
    assert fix is not None
    apply_fix(tmp_path, fix)
    tree = ast.parse((tmp_path / "app/models/core.py").read_text())
    assert [n.name for n in tree.body if isinstance(n, ast.ClassDef)] == ["User"]


def test_string_references_resolve_to_the_kept_class(tmp_path: Path) -> None:
    files = dict(BASE)
    files["app/models/runs.py"] = """\
        from sqlalchemy import ForeignKey, Integer
        from sqlalchemy.orm import Mapped, mapped_column, relationship

        from app.database import Base


        class Run(Base):
            __tablename__ = "runs"
            id: Mapped[int] = mapped_column(Integer, primary_key=True)
            model_id: Mapped[int] = mapped_column(ForeignKey("predictive_models.id"))
            model = relationship("PredictiveModel")
        """
    write_files(tmp_path, files)
    fix = fix_duplicate_model(duplicate("predictive_models", "PredictiveModel", "app/models/core.py", 13), analysed(tmp_path))
    assert fix is not None and fix.safety is Safety.SAFE
    assert any("app/models/runs.py:11" in n and "resolve to the kept class" in n for n in fix.notes), fix.notes
    apply_fix(tmp_path, fix)
    check = (
        "import app.models, app.models.runs, app.routers.split\n"
        "from sqlalchemy.orm import configure_mappers\n"
        "configure_mappers()\n"
        "from app.models.runs import Run\n"
        "print(Run.model.property.mapper.class_.__module__)\n"
    )
    proc = subprocess.run([sys.executable, "-c", check], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == "app.models.analytics_models", proc.stderr


def test_module_imported_under_two_names_is_imported_under_one(tmp_path: Path) -> None:
    from fixkit.fixes.models import fix_module_imported_twice

    write_files(tmp_path, {
        "app/__init__.py": "",
        "app/database.py": BASE["app/database.py"],
        "app/models/__init__.py": "",
        "app/models/core.py": """\
            from sqlalchemy import Integer
            from sqlalchemy.orm import Mapped, mapped_column

            from app.database import Base


            class User(Base):
                __tablename__ = "users"
                id: Mapped[int] = mapped_column(Integer, primary_key=True)
            """,
        "app/main.py": """\
            import os
            import sys

            sys.path.insert(0, os.path.dirname(__file__))
            from models.core import User  # noqa: E402
            import models.core

            from app.models.core import User as U2

            ALL = (User, U2, models.core.User)
            """,
    })  # fmt: skip
    assert "already defined" in run_import(tmp_path, "app.main").stderr
    analysis = analysed(tmp_path)
    diagnosis = Diagnosis(
        "FK302", "duplicate-model", "imported twice", "app/main.py", 5, module="app.models.core", symbol="models.core",
        related=(Location("app/main.py", 6), Location("app/main.py", 1, note="imports it as app.models.core")),
        data=(("canonical", "app.models.core"), ("alias", "models.core")),
    )  # fmt: skip
    fix = fix_module_imported_twice(diagnosis, analysis)
    assert fix is not None and fix.safety is Safety.REVIEW and fix.paths == ("app/main.py",)
    apply_fix(tmp_path, fix)
    text = (tmp_path / "app/main.py").read_text()
    assert "from app.models.core import User  # noqa: E402\nimport app.models.core\n" in text
    assert "ALL = (User, U2, app.models.core.User)" in text
    assert "sys.path.insert" in text  # left for a person
    assert run_import(tmp_path, "app.main").returncode == 0


def test_one_module_defining_the_class_twice_is_manual(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "app/__init__.py": "",
        "app/database.py": BASE["app/database.py"],
        "app/models.py": """\
            from sqlalchemy import Integer, String
            from sqlalchemy.orm import Mapped, mapped_column

            from app.database import Base


            class M(Base):
                __tablename__ = "m"
                id: Mapped[int] = mapped_column(Integer, primary_key=True)


            class M(Base):
                __tablename__ = "m"
                id: Mapped[int] = mapped_column(Integer, primary_key=True)
                name: Mapped[str] = mapped_column(String)
            """,
    })  # fmt: skip
    fix = fix_duplicate_model(duplicate("m", "M", "app/models.py", 12), analysed(tmp_path))
    assert fix is not None and fix.safety is Safety.MANUAL and not fix.edits
    assert "keep line 12" in fix.summary and any("lines 7, 12" in n for n in fix.notes), fix


# ------------------------------------------------------------------ never extend_existing
# `extend_existing=True` makes the second definition silently merge into the first: it
# hides a duplicate model, it does not fix it (issue 3), so no duplicate-model fix may
# ever write it or suggest it.


def proposes_extend_existing(fix: Fix) -> list[str]:
    """Where a fix writes or suggests `extend_existing`: its summary or any line it adds."""
    found = ["summary"] if "extend_existing" in fix.summary else []
    found += [f"{edit.path}:{hunk.start}" for edit in fix.edits for hunk in edit.hunks if "extend_existing" in hunk.text]
    return found


def test_no_duplicate_model_fix_on_the_engarde_sample_proposes_extend_existing(tmp_path: Path) -> None:
    root = copy_sample(tmp_path)
    plan = make_plan(load_config(root, use_cache=False, offline=True))
    duplicates = [d for d in plan.diagnoses if d.kind == "duplicate-model"]
    # the sample's two: PredictiveModel three times, analytics_data_points twice
    assert {dict(d.data)["table"] for d in duplicates if d.code == "FK301"} == {"predictive_models", "analytics_data_points"}
    for d in duplicates:
        assert d.fix is not None and d.fix.edits, d
        assert not proposes_extend_existing(d.fix), (d.code, d.file, d.fix)
    for d in duplicates:
        apply_fix(root, d.fix)
    assert not [p for p in root.rglob("*.py") if "extend_existing" in p.read_text()]


DUPLICATE_MODEL_EXAMPLES = [
    pytest.param(rule, example, id=f"{rule.code}-invalid-{i}")
    for rule in RULES
    if rule.kind == "duplicate-model"
    for i, example in enumerate(rule.INVALID)
]


def test_the_duplicate_model_rules_have_examples() -> None:
    assert {rule.code for rule, _ in (p.values for p in DUPLICATE_MODEL_EXAMPLES)} >= {"FK301", "FK302"}


@pytest.mark.parametrize("rule,example", DUPLICATE_MODEL_EXAMPLES)
def test_no_duplicate_model_fix_of_a_rule_example_proposes_extend_existing(tmp_path: Path, rule, example) -> None:
    root, site = write_example(tmp_path, example)
    analysis = analyse(Config(root=root.resolve(), use_cache=False), site_paths=[str(site)])
    diagnoses = list(rule().find(analysis))
    assert diagnoses, f"{rule.code}: the INVALID example gives no diagnosis"
    for d in diagnoses:
        fix = rule().fix(d, analysis)
        assert fix is not None and fix.edits, (d.code, d.file)
        assert not proposes_extend_existing(fix), (d.code, d.file, fix)
