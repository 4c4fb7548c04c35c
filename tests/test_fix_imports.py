"""fix_missing_module / fix_missing_name / fix_shadowed_module on real projects, and
the whole repair of the engarde sample: after the fixes the routers really import."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from fixkit.fixes.imports import creates_cycle, fix_missing_module, fix_missing_name, module_level_edges
from fixkit.fixes.models import fix_duplicate_model
from fixkit.fixes.shadowed import fix_shadowed_module
from fixkit.model import Diagnosis, Location, Safety
from tests.helpers import ENGARDE, analysed, apply_fix, run_import, write_files


def run_imports(root: Path, modules: list[str]) -> dict[str, subprocess.CompletedProcess]:
    """One fresh interpreter per module (a failed import leaves tables half-registered,
    so sharing a process would blur which router fails), run side by side."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        return dict(zip(modules, pool.map(lambda m: run_import(root, m), modules)))


def missing_module(file: str, line: int, module: str) -> Diagnosis:
    return Diagnosis("FK201", "missing-module", f"no module {module}", file, line, module=module)


def missing_name(file: str, line: int, module: str, name: str) -> Diagnosis:
    return Diagnosis("FK202", "missing-name", f"{module} has no {name}", file, line, module=module, symbol=name)


PROJECT = {
    "app/__init__.py": "",
    "app/core/__init__.py": "",
    "app/core/security.py": """\
        def get_current_user():
            return "user"


        def require_admin():
            return "admin"
        """,
    "app/middleware/__init__.py": "",
    "app/services/__init__.py": "",
    "app/services/workflow_engine.py": "class WorkflowEngine:\n    pass\n",
    "app/services/users.py": "def lookup():\n    return 1\n",
    "app/services/accounts.py": "def lookup():\n    return 2\n",
    "app/routers/__init__.py": "",
    "app/routers/agents.py": """\
        import os  # unrelated
        from app.middleware.auth import get_current_user as current  # the auth dependency

        DEPENDS = current
        """,
    "app/routers/mixed.py": """\
        from app.core.security import get_current_user, require_admin, oauth_scheme

        DEPENDS = (get_current_user, require_admin, oauth_scheme)
        """,
    "app/routers/module_import.py": """\
        import app.auth


        def handler():
            return app.auth.get_current_user()
        """,
    "app/routers/typo.py": "from app.services.workflow_engine import WorkflowEng\n",
    "app/routers/ambiguous.py": "from app.services.user import lookup\n\nX = lookup\n",
}


def test_missing_module_whose_name_lives_elsewhere_is_repointed_safely(tmp_path: Path) -> None:
    write_files(tmp_path, PROJECT)
    assert run_import(tmp_path, "app.routers.agents").returncode != 0
    fix = fix_missing_module(missing_module("app/routers/agents.py", 2, "app.middleware.auth"), analysed(tmp_path))
    assert fix is not None and fix.safety is Safety.SAFE, fix
    apply_fix(tmp_path, fix)
    assert (tmp_path / "app/routers/agents.py").read_text() == (
        "import os  # unrelated\nfrom app.core.security import get_current_user as current  # the auth dependency\n\n"
        "DEPENDS = current\n"
    )
    assert run_import(tmp_path, "app.routers.agents").returncode == 0


def test_module_import_used_through_attributes_is_repointed(tmp_path: Path) -> None:
    write_files(tmp_path, PROJECT)
    fix = fix_missing_module(missing_module("app/routers/module_import.py", 1, "app.auth"), analysed(tmp_path))
    assert fix is not None and fix.safety is Safety.SAFE, fix
    apply_fix(tmp_path, fix)
    assert (tmp_path / "app/routers/module_import.py").read_text() == (
        "from app.core.security import get_current_user\n\n\ndef handler():\n    return get_current_user()\n"
    )
    proc = subprocess.run([sys.executable, "-c", "import app.routers.module_import as m; print(m.handler())"],
                          cwd=tmp_path, capture_output=True, text=True)  # fmt: skip
    assert proc.stdout.strip() == "user", proc.stderr


def test_no_candidate_is_manual_with_did_you_mean(tmp_path: Path) -> None:
    write_files(tmp_path, PROJECT)
    analysis = analysed(tmp_path)
    fix = fix_missing_name(missing_name("app/routers/typo.py", 1, "app.services.workflow_engine", "WorkflowEng"), analysis)
    assert fix is not None and fix.safety is Safety.MANUAL and not fix.edits
    assert any("did you mean WorkflowEngine" in n and "app.services.workflow_engine" in n for n in fix.notes), fix.notes
    fix = fix_missing_name(missing_name("app/routers/mixed.py", 1, "app.core.security", "oauth_scheme"), analysis)
    assert fix is not None and fix.safety is Safety.MANUAL and "oauth_scheme" in fix.summary


def test_several_candidates_need_review_and_are_listed_with_reasons(tmp_path: Path) -> None:
    write_files(tmp_path, PROJECT)
    fix = fix_missing_module(missing_module("app/routers/ambiguous.py", 1, "app.services.user"), analysed(tmp_path))
    assert fix is not None and fix.safety is Safety.REVIEW
    # app.services.users resembles app.services.user more than accounts does.
    assert "app.services.users" in fix.summary
    listed = [n for n in fix.notes if n.strip().startswith(("app.services.users:", "app.services.accounts:"))]
    assert len(listed) == 2 and all("path similarity" in n for n in listed), fix.notes
    apply_fix(tmp_path, fix)
    assert run_import(tmp_path, "app.routers.ambiguous").returncode == 0


def test_a_candidate_that_imports_the_importer_back_is_not_used(tmp_path: Path) -> None:
    files = dict(PROJECT)
    files["app/core/security.py"] = "import app.routers.agents\n\n\ndef get_current_user():\n    return 1\n"
    write_files(tmp_path, files)
    analysis = analysed(tmp_path)
    assert creates_cycle(analysis, "app.routers.agents", "app.core.security") == ["app.core.security", "app.routers.agents"]
    fix = fix_missing_module(missing_module("app/routers/agents.py", 2, "app.middleware.auth"), analysis)
    assert fix is not None and fix.safety is Safety.MANUAL and not fix.edits
    assert any("imports app.routers.agents back" in n for n in fix.notes), fix.notes


def test_cycle_check_ignores_the_targets_own_parent_packages(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "app/__init__.py": "",
        "app/models/__init__.py": "from .core import User\n",
        "app/models/core.py": "class User:\n    pass\n",
        "app/models/extra.py": "from app.models.core import User\n",
    })  # fmt: skip
    analysis = analysed(tmp_path)
    edges = module_level_edges(analysis)
    assert "app.models" in edges["app.models.extra"]  # importing app.models.core runs app/models/__init__ first
    # ...but app.models/__init__ importing extra is not a cycle: the package is already running.
    assert creates_cycle(analysis, "app.models", "app.models.extra", edges) is None
    assert creates_cycle(analysis, "app.models.core", "app.models.extra", edges) == ["app.models.extra", "app.models.core"]


def test_shadowed_file_whose_names_the_package_has_is_deleted(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "app/__init__.py": "",
        "app/models.py": "from .database import Base\n\n\nclass User(Base):\n    pass\n",
        "app/models/__init__.py": "from .core import User\n",
        "app/models/core.py": "class User:\n    pass\n",
        "app/database.py": "Base = object\n",
    })  # fmt: skip
    fix = fix_shadowed_module(Diagnosis("FK203", "shadowed-module", "dead", "app/models.py", 1, module="app.models"), analysed(tmp_path))
    assert fix is not None and fix.safety is Safety.SAFE
    assert [(e.path, e.delete) for e in fix.edits] == [("app/models.py", True)]


def test_shadowed_file_with_names_of_its_own_moves_them_for_review(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "app/__init__.py": "",
        "app/helpers.py": "import json\n\nfrom .util import slug\n\n\ndef dump(x):\n    return json.dumps(slug(x))\n\n\ndef shared():\n    return 0\n",
        "app/helpers/__init__.py": "def shared():\n    return 1\n",
        "app/util.py": "def slug(x):\n    return str(x).lower()\n",
        "app/main.py": "from app.helpers import dump\n",
    })  # fmt: skip
    assert run_import(tmp_path, "app.main").returncode != 0
    fix = fix_shadowed_module(Diagnosis("FK203", "shadowed-module", "dead", "app/helpers.py", 1), analysed(tmp_path))
    assert fix is not None and fix.safety is Safety.REVIEW
    assert any("moved into app/helpers/__init__.py: dump" in n for n in fix.notes), fix.notes
    apply_fix(tmp_path, fix)
    assert not (tmp_path / "app/helpers.py").exists()
    text = (tmp_path / "app/helpers/__init__.py").read_text()
    assert "def shared():\n    return 1\n" in text and "return 0" not in text
    assert "from app.util import slug" in text  # relative import re-resolved one level down
    proc = subprocess.run([sys.executable, "-c", "from app.main import dump; print(dump('AB'))"], cwd=tmp_path, capture_output=True, text=True)
    assert proc.stdout.strip() == '"ab"', proc.stderr


# ------------------------------------------------------------------ the engarde sample

REPOINTED = {  # router -> (file, line, missing module) as the sample ships
    "agents_api": ("app/routers/agents_api.py", "app.middleware.auth"),
    "workflow_versioning": ("app/routers/workflow_versioning.py", "app.services.session_service"),
    "sso_management": ("app/routers/sso_management.py", "app.services.sso.mfa_service"),
    "sso_provider_management": ("app/routers/sso_provider_management.py", "app.services.auth_service"),
    "compliance_reports": ("app/routers/compliance_reports.py", "app.services.auth_service"),
    "database_performance": ("app/routers/database_performance.py", "app.auth"),
}
MISSING_NAMES = {
    "gemini": ("app/routers/gemini.py", "app.core.ai_config", "SafetySettings"),
    "marketplace_catalog": ("app/routers/marketplace_catalog.py", "app.models.core", "MarketplaceListing"),
}


def _line_of_import(facts, module: str) -> int:
    return next(i.line for i in facts.imports if i.module == module)


@pytest.mark.skipif(not (ENGARDE / "app" / "routers" / "analytics.py").exists(), reason="sample project not built")
def test_engarde_routers_import_after_the_fixes(tmp_path: Path) -> None:
    root = tmp_path / "engarde"
    shutil.copytree(ENGARDE, root, ignore=shutil.ignore_patterns("__pycache__", ".fixkit_cache"))
    routers = [f"app.routers.{r}" for r in ("analytics", "webhooks_comprehensive", *REPOINTED, *MISSING_NAMES)]
    before = run_imports(root, routers)
    assert not [r for r, proc in before.items() if proc.returncode == 0], "these should fail before the fixes"

    analysis = analysed(root)
    diagnoses = [
        Diagnosis("FK301", "duplicate-model", "", "app/models/analytics_models.py", 69, symbol="PredictiveModel",
                  related=(Location("app/models/core.py", 409), Location("app/models/analytics_models.py", 69),
                           Location("app/models.py", 99)), data=(("table", "predictive_models"),)),
        Diagnosis("FK301", "duplicate-model", "", "app/models/webhook_models.py", 78, symbol="WebhookDeliveryDataPoint",
                  related=(Location("app/models/core.py", 397), Location("app/models/webhook_models.py", 78)),
                  data=(("table", "analytics_data_points"),)),
    ]  # fmt: skip
    for file, module in REPOINTED.values():
        diagnoses.append(missing_module(file, _line_of_import(analysis.facts[file], module), module))
    for file, module, name in MISSING_NAMES.values():
        diagnoses.append(missing_name(file, _line_of_import(analysis.facts[file], module), module, name))
    fixes = {}
    for d in diagnoses:
        fixer = {"FK301": fix_duplicate_model, "FK201": fix_missing_module, "FK202": fix_missing_name}[d.code]
        fixes[(d.code, d.file)] = fix = fixer(d, analysis)
        assert fix is not None and fix.edits, (d, fix)
    # These fixes touch disjoint files, so each applies to the text it was computed on.
    touched = [e.path for f in fixes.values() for e in f.edits]
    assert len(touched) == len(set(touched))
    for fix in fixes.values():
        apply_fix(root, fix)

    assert fixes[("FK301", "app/models/analytics_models.py")].safety is Safety.SAFE
    webhooks = fixes[("FK301", "app/models/webhook_models.py")]
    assert webhooks.safety is Safety.REVIEW and "AnalyticsDataPoint (app.models.core)" in webhooks.summary
    assert any("event_id" in n for n in webhooks.notes)
    assert all(fixes[("FK201", f)].safety is Safety.SAFE for f, _ in REPOINTED.values())
    failing = {r: p.stderr[-800:] for r, p in run_imports(root, routers).items() if p.returncode != 0}
    assert not failing

    # The dead app/models.py copy is the shadowed-module fix's: computed on the new tree.
    shadow = fix_shadowed_module(Diagnosis("FK203", "shadowed-module", "", "app/models.py", 1), analysed(root))
    assert shadow is not None and shadow.safety is Safety.REVIEW
    apply_fix(root, shadow)
    failing = {r: p.stderr[-800:] for r, p in run_imports(root, routers).items() if p.returncode != 0}
    assert not failing

    # Exactly one PredictiveModel class; no import names a removed definition.
    trees = {}
    for p in root.rglob("*.py"):
        try:
            trees[p.relative_to(root).as_posix()] = ast.parse(p.read_text())
        except SyntaxError:  # the sample's syntax errors are another fix's (FK4xx)
            assert "class PredictiveModel" not in p.read_text()
    classes = [(path, node.lineno) for path, tree in trees.items() for node in ast.walk(tree)
               if isinstance(node, ast.ClassDef) and node.name == "PredictiveModel"]  # fmt: skip
    assert [path for path, _ in classes] == ["app/models/analytics_models.py"]
    removed = {("app.models.core", "PredictiveModel"), ("app.models.webhook_models", "WebhookDeliveryDataPoint")}
    gone_modules = {m for _, m in REPOINTED.values()}
    for path, tree in trees.items():
        package = path.removesuffix(".py").replace("/", ".")
        package = package.removesuffix(".__init__") if path.endswith("__init__.py") else package.rpartition(".")[0]
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
                module = ".".join([*base, node.module] if node.module else base)
                assert module not in gone_modules, (path, module)
                for alias in node.names:
                    assert (module, alias.name) not in removed, (path, node.lineno)
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                assert node.attr not in {"WebhookDeliveryDataPoint", "PredictiveModel"}, (path, node.lineno)


def test_one_diagnosis_for_several_importers_fixes_them_all(tmp_path: Path) -> None:
    files = dict(PROJECT)
    files["app/services/authentication.py"] = "class AuthService:\n    pass\n\n\ndef audit():\n    return 1\n"
    files["app/routers/compliance.py"] = "from app.services.auth_service import AuthService\n\nX = AuthService\n"
    files["app/routers/sso.py"] = "from app.services.auth_service import AuthService, audit\n\nX = (AuthService, audit)\n"
    write_files(tmp_path, files)
    diagnosis = Diagnosis(
        "FK201", "missing-module", "", "app/routers/compliance.py", 1, module="app.services.auth_service",
        related=(Location("app/routers/sso.py", 1),), data=(("importers", "app.routers.compliance app.routers.sso"),),
    )  # fmt: skip
    fix = fix_missing_module(diagnosis, analysed(tmp_path))
    assert fix is not None and fix.safety is Safety.SAFE, fix
    assert sorted(fix.paths) == ["app/routers/compliance.py", "app/routers/sso.py"]
    apply_fix(tmp_path, fix)
    assert (tmp_path / "app/routers/sso.py").read_text().startswith("from app.services.authentication import AuthService, audit\n")
    assert all(p.returncode == 0 for p in run_imports(tmp_path, ["app.routers.compliance", "app.routers.sso"]).values())


def test_a_file_that_still_needs_the_missing_module_itself_is_manual(tmp_path: Path) -> None:
    files = dict(PROJECT)
    files["app/routers/module_import.py"] = (
        "import app.auth\n\n\ndef handler():\n    return app.auth.get_current_user(), app.auth\n"
    )
    write_files(tmp_path, files)
    fix = fix_missing_module(missing_module("app/routers/module_import.py", 1, "app.auth"), analysed(tmp_path))
    assert fix is not None and fix.safety is Safety.MANUAL and not fix.edits
    assert any("uses the module object" in n for n in fix.notes), fix.notes


def test_module_did_you_mean_judges_the_last_part(tmp_path: Path) -> None:
    files = dict(PROJECT)
    files["app/services/sessions.py"] = "def other():\n    return 1\n"
    files["app/routers/sessions.py"] = "from app.services.session_service import SessionManager\n"
    write_files(tmp_path, files)
    fix = fix_missing_module(missing_module("app/routers/sessions.py", 1, "app.services.session_service"), analysed(tmp_path))
    assert fix is not None and fix.safety is Safety.MANUAL
    modules = [n for n in fix.notes if n.startswith("did you mean module")]
    assert modules == ["did you mean module app.services.sessions?"], fix.notes


def test_similar_modules_agree_with_scoring_every_module(tmp_path: Path) -> None:
    """The bounded search returns what scoring every live module exactly returns."""
    import difflib
    import random

    from fixkit.fixes.imports import _similar_modules
    from fixkit.fixes.tables import live_modules

    rng = random.Random(7)
    parts = ["auth", "authz", "session", "sessions", "user", "users", "billing", "bill", "audit", "cache"]
    files = {"app/__init__.py": "", "app/services/__init__.py": "", "app/svc/__init__.py": ""}
    for _ in range(80):
        package = rng.choice(["services", "svc"])
        name = "_".join(rng.sample(parts, rng.randint(1, 2)))
        files[f"app/{package}/{name}.py"] = "X = 1\n"
    write_files(tmp_path, files)
    analysis = analysed(tmp_path)

    def ratio(a: str, b: str) -> float:
        return difflib.SequenceMatcher(a=a, b=b, autojunk=False).ratio()

    checked = 0
    for wanted in ["app.services.auth_service", "app.svc.sesion", "app.services.user_billing", "app.other.audits", "app.svc.cach"]:
        parent, _, last = wanted.rpartition(".")
        scored = []
        for other in live_modules(analysis):
            other_parent, _, other_last = other.rpartition(".")
            score = ratio(last, other_last) if other_parent == parent else ratio(wanted, other) - 0.1
            if score >= 0.6 and other != wanted:
                scored.append((-score, other))
        expected = [other for _s, other in sorted(scored)[:3]]
        assert _similar_modules(analysis, wanted) == expected, wanted
        checked += bool(expected)
    assert checked >= 4


# ------------------------------------------------------------------ a missing parent package


def fixkit(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fixkit", *args], capture_output=True, text=True, timeout=600)


NO_PACKAGE = {  # no app/middleware/ and no app/auth/ at all: FK201 names the missing package
    "app/__init__.py": "",
    "app/core/__init__.py": "",
    "app/core/security.py": 'def get_current_user():\n    return "user"\n\n\ndef require_admin():\n    return "admin"\n',
    "app/routers/__init__.py": "",
    "app/routers/agents_api.py": "from app.middleware.auth import get_current_user  # the auth dependency\n\nDEPENDS = get_current_user\n",
    "app/routers/admin.py": "import app.middleware.roles\n\n\ndef guard():\n    return app.middleware.roles.require_admin()\n",
}


def test_a_missing_parent_package_is_repointed_by_plan_and_apply(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    write_files(root, NO_PACKAGE)
    assert "No module named 'app.middleware'" in run_import(root, "app.routers.agents_api").stderr

    proc = fixkit("plan", str(root), "--format", "json", "--no-cache", "--entry", "app.routers.*")
    assert proc.returncode == 1, proc.stderr
    [d] = [d for d in json.loads(proc.stdout)["diagnoses"] if d["code"] == "FK201"]
    # The diagnosis is about what Python reports missing, and says what was imported under it.
    assert d["module"] == d["symbol"] == "app.middleware"
    assert d["message"] == (
        "modules `app.middleware.auth`, `app.middleware.roles` do not exist: there is no package `app.middleware`; "
        "imported by app.routers.admin, app.routers.agents_api"
    )
    fix = d["fix"]
    assert fix is not None and fix["safety"] == "safe", d
    assert fix["summary"] == (
        "Import require_admin, get_current_user from app.core.security instead of app.middleware.roles, app.middleware.auth (in 2 files)"
    )
    assert "+from app.core.security import get_current_user  # the auth dependency" in fix["diff"]
    text = fixkit("plan", str(root), "--no-cache", "--entry", "app.routers.*").stdout
    assert "fix [safe] Import require_admin, get_current_user from app.core.security" in text

    proc = fixkit("apply", str(root), "--yes", "--no-install", "--no-cache", "--entry", "app.routers.*", "--python", sys.executable)
    assert "0/2 → 2/2 entry points import" in proc.stdout, proc.stdout + proc.stderr
    assert (root / "app/routers/agents_api.py").read_text() == (
        "from app.core.security import get_current_user  # the auth dependency\n\nDEPENDS = get_current_user\n"
    )
    assert not (root / "app/middleware").exists()  # repointed, not papered over with a package
    script = "import app.routers.agents_api as a, app.routers.admin as b; print(a.DEPENDS(), b.guard())"
    run = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True)
    assert run.stdout.split() == ["user", "admin"], run.stderr


def test_a_missing_parent_package_with_several_definers_needs_review(tmp_path: Path) -> None:
    files = dict(NO_PACKAGE)
    del files["app/routers/admin.py"]
    files["app/services/__init__.py"] = ""
    files["app/services/auth.py"] = 'def get_current_user():\n    return "service user"\n'
    write_files(tmp_path, files)
    diagnosis = missing_module("app/routers/agents_api.py", 1, "app.middleware")
    fix = fix_missing_module(diagnosis, analysed(tmp_path))
    assert fix is not None and fix.safety is Safety.REVIEW, fix
    # app.services.auth resembles app.middleware.auth more than app.core.security does.
    assert fix.summary == "Import get_current_user from app.services.auth instead of app.middleware.auth"
    listed = [n.strip().split(":")[0] for n in fix.notes if n.startswith("  ")]
    assert listed == ["app.services.auth", "app.core.security"], fix.notes
    apply_fix(tmp_path, fix)
    assert run_import(tmp_path, "app.routers.agents_api").returncode == 0


def test_a_missing_parent_package_whose_names_exist_nowhere_is_manual_with_did_you_mean(tmp_path: Path) -> None:
    files = dict(NO_PACKAGE)
    files["app/routers/agents_api.py"] = "from app.middleware.auth import get_current_usr\n"
    files["app/middlewares/__init__.py"] = ""
    files["app/middlewares/auth.py"] = "X = 1\n"
    write_files(tmp_path, files)
    fix = fix_missing_module(missing_module("app/routers/agents_api.py", 1, "app.middleware"), analysed(tmp_path))
    assert fix is not None and fix.safety is Safety.MANUAL and not fix.edits
    assert fix.summary == "No first-party module defines get_current_usr; fix the import of app.middleware.auth by hand"
    assert "did you mean get_current_user (defined in app.core.security)?" in fix.notes
    assert "did you mean module app.middlewares.auth?" in fix.notes, fix.notes
